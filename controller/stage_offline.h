/*
 * stage_offline.h - the stage screen of a rehearsal or a replay: a render
 * thread that draws every stage frame it is handed, on the show's clock
 * (each frame's show time, never the wall clock's), and writes the stills
 * asked for. Each frame is the same stage_screen picture the live screen
 * shows: the scene, then the photosensitivity limiter.
 *
 * Frames wait in a short queue, each copied, so the show ticks on while the
 * render thread draws (a rehearsal uses both cores); the show waits when
 * the queue is full. No frame is skipped and nothing depends on timing, so
 * the same frames give the same pixels.
 *
 * Thread: create, draw, finish and destroy on the driver's thread; the
 * drawing on the render thread, which owns SDL.
 */
#ifndef TUTTI_STAGE_OFFLINE_H
#define TUTTI_STAGE_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stage_frame.h"
#include "stage_screen.h"

#define STAGE_OFFLINE_PATH_MAX 600

struct stage_offline;

/*
 * Starts the render thread for @width x @height pictures of @cfg's scenes
 * (frames with room for @cfg's capacity of dots), in the font at
 * @font_path, drawn by the path @renderer says. NULL with @err when it cannot.
 */
struct stage_offline *stage_offline_create(const struct venue_config *cfg, int width, int height,
					   const char *font_path, enum stage_renderer renderer, char *err,
					   size_t err_size);
/*
 * Queues @f (copied) to be drawn at its show time, f->show.t; with a
 * @still_path the picture is written there as a PNG too. Waits while the
 * queue is full.
 */
void stage_offline_draw(struct stage_offline *so, const struct stage_frame *f, const char *still_path);
/*
 * Waits until every frame queued is drawn. Returns the stills written, or
 * -1 with the first still that could not be (@err).
 */
long stage_offline_finish(struct stage_offline *so, char *err, size_t err_size);
/* What the flash limiter did in one second of show. */
struct flash_second {
	uint64_t held;			/* screen cells held back */
	uint64_t red_dropped;		/* cells whose red was removed */
};

/*
 * After stage_offline_finish(): the flash limiter's counts in each second
 * of show, *@seconds[0] for the first (owned by @so, valid until destroy).
 * Returns how many seconds.
 */
size_t stage_offline_flash_seconds(struct stage_offline *so, const struct flash_second **seconds);
/* Finishes, stops the thread and frees. NULL does nothing. */
void stage_offline_destroy(struct stage_offline *so);

#endif
