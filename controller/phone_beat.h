/*
 * phone_beat.h - the beat grid phones play by themselves (docs/protocol.md,
 * "beat"). Rather than stream each beat the live input's analysis finds,
 * the daemon keeps a grid (a beat's time and the period) and moves it only
 * when the music leaves it: the tempo changed by more than 1 %, a beat
 * fell more than 35 ms off, or the beat stopped. Phones get a new grid only
 * then, and keep the beat going through a short Wi-Fi dropout.
 *
 * Flashes: a phone may flash on every flash_every-th beat of the grid,
 * chosen so that no more than the venue's flash limit go in any second,
 * and only while the show allows them (an audio cue).
 *
 * Thread: the show tick's (the net thread's); pure apart from @b.
 */
#ifndef TUTTI_PHONE_BEAT_H
#define TUTTI_PHONE_BEAT_H

#include <stdbool.h>
#include <stdint.h>

#include "frame.h"

#define PHONE_BEAT_OFF_GRID_S	0.035	/* a beat this far from the grid moves it */
#define PHONE_BEAT_TEMPO_CHANGE	0.01	/* a tempo this much off the grid's moves it */

struct phone_beat {
	struct frame_beat grid;		/* what phones are told */
	uint32_t beats_seen;		/* the analysis' beat counter at the last update */
	bool counting;			/* beats_seen holds a real reading */
	double last_beat_s;		/* show time the newest beat was seen */
};

void phone_beat_init(struct phone_beat *b);
/*
 * One show tick at show time @now: @bpm and @beats are the live input's
 * tempo (0 = none) and beat counter; @flash_max_per_s the flashes phones may
 * show in any second now (0 = none: not an audio cue, or the venue's
 * policy). Returns true when the grid phones should have changed.
 */
bool phone_beat_update(struct phone_beat *b, double now, float bpm, uint32_t beats,
		       uint32_t flash_max_per_s);

#endif
