/*
 * stage_render.h - the stage screen: an SDL2 render thread that draws the
 * newest stage frame's scene at the display's rate, independent of the
 * show tick, and passes every frame through the photosensitivity limiter
 * (safety_flash.h) before anyone sees it.
 *
 * Modes: a window (on a chosen display, windowed or fullscreen), or
 * offscreen (no display at all: SDL's software renderer draws into a
 * surface whose pixels are read directly), each optionally writing PNG
 * stills for rehearsal, the console and tests.
 *
 * Frames arrive through a triple buffer: the render thread never waits
 * for the net thread and shares no lock with the audio thread.
 *
 * Thread: start/publish/stats/stop on the net thread; drawing on the
 * render thread, which owns SDL.
 */
#ifndef TUTTI_STAGE_RENDER_H
#define TUTTI_STAGE_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "stage_frame.h"
#include "stage_screen.h"

enum visuals_mode { VISUALS_NONE, VISUALS_WINDOW, VISUALS_OFFSCREEN };

struct visuals_options {
	enum visuals_mode mode;
	int width, height;		/* render size (the window scales it to fit) */
	int display;			/* window: display index */
	bool fullscreen;		/* window: borderless fullscreen on that display */
	double fps;			/* frame rate cap (the window also follows vsync) */
	enum stage_renderer renderer;	/* GPU, software, or the GPU where GL works (stage_screen.h) */
	const char *png_dir;		/* write PNG stills here; NULL = none */
	double png_every_s;		/* how often; 0 = every frame */
	bool keep_pngs;			/* numbered stills besides latest.png */
	uint32_t keep_pngs_max;		/* at most this many numbered stills; the oldest go */
	const char *font_path;
};

struct visuals_stats {
	bool running;
	uint64_t frames;
	double frame_p99_s, frame_max_s;	/* draw + safety pass, last 1,024 frames */
	uint64_t flash_cells_held;		/* screen cells the limiter held back */
	uint64_t flash_red_dropped;		/* screen cells whose red it removed */
	uint64_t pngs_written;
	int width, height;
	const char *renderer;			/* "gpu" or "software"; "" when not running */
	const char *renderer_detail;		/* what draws, or why not the GPU */
	double safety_share;			/* of the frame time, the safety pass's, last 1,024 frames */
};

struct visuals;

/*
 * Starts the render thread and waits until it has a window (or surface)
 * and its font. @max_dots: room for one dot per participant. NULL with a
 * message in @err when it cannot (no display, say): the show runs on
 * without a stage screen.
 */
struct visuals *visuals_start(const struct venue_config *cfg, const struct visuals_options *o,
			      uint32_t max_dots, char *err, size_t err_size);
/* Net thread: the newest frame (copied; the render thread draws the newest it finds). */
void visuals_publish(struct visuals *v, const struct stage_frame *f);
void visuals_stats_get(struct visuals *v, struct visuals_stats *s);
/* Any thread: the flash limiter's cells held back and red removed so far (0s for NULL). */
void visuals_flash_counts(struct visuals *v, uint64_t *held, uint64_t *red_dropped);
/*
 * The console's live thumbnail of the screen (stage_preview.h), made on the
 * render thread from every finished picture; NULL for NULL (or when it
 * could not be made). Lives until visuals_stop().
 */
struct stage_preview;
struct stage_preview *visuals_preview(struct visuals *v);
/* Stops and joins the render thread; NULL does nothing. */
void visuals_stop(struct visuals *v);
/*
 * Copies the crowd-text wall @texts shows into @s when the moderators
 * changed it since *@generation (the stage frame keeps its wall between
 * ticks), and updates *@generation.
 */
struct crowdtext;
void stage_frame_copy_wall(struct stage_frame *s, const struct crowdtext *texts, uint32_t *generation);

/*
 * The stage screen of a live show, for stage frames of @cfg's capacity:
 * starts the render thread, logging what it opened. On any failure it logs
 * why and returns NULL: the show goes on without a stage screen.
 */
struct visuals *visuals_start_for_show(const struct venue_config *cfg, const struct visuals_options *o);

#endif
