/*
 * stage_frame.h - what the stage screen draws: the show frame plus one dot per
 * active participant. Built by the net thread every tick and handed to
 * the render thread through a triple buffer; no pointers, fixed size for
 * a venue (sized by its capacity), so it is copied whole.
 */
#ifndef TUTTI_STAGE_FRAME_H
#define TUTTI_STAGE_FRAME_H

#include <stdint.h>

#include "frame.h"

#define STAGE_URL_MAX 320

/* One active participant on the stage screen. */
struct stage_dot {
	uint32_t id;			/* stable while the participant stays (layout order) */
	uint8_t zone;
	float pulse;			/* 0..1: 1 at a tap or shake, decaying over half a second */
	float x, y;			/* latest xy pad position 0..1, or < 0 when none */
};

/* One approved crowd text on the stage screen's wall. */
struct stage_text {
	char from[16];			/* the sender's anonymous id */
	char text[CONFIG_TEXT_BYTES_MAX + 1];
};

struct stage_frame {
	struct show_frame show;
	uint32_t participants;		/* joined now (the join screen's count) */
	bool blackout;			/* the venue blacked out the stage screen (console) */
	uint8_t max_flashes_per_s;	/* the venue's flash policy now (the console may make it stricter) */
	uint8_t max_red_flashes_per_s;
	char join_url[STAGE_URL_MAX];
	uint32_t wall_count;		/* approved crowd texts, newest first */
	struct stage_text wall[CONFIG_WALL_MAX];
	uint32_t dot_count;
	struct stage_dot dots[];	/* dot_count used, room for the venue's capacity */
};

/* Bytes a stage frame with room for @dots dots takes. */
static inline size_t stage_frame_size(uint32_t dots)
{
	return sizeof(struct stage_frame) + (size_t)dots * sizeof(struct stage_dot);
}

#endif
