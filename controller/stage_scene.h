/*
 * stage_scene.h - draws one stage scene (join, crowd field, poll, crowd map,
 * audio, title) for a stage frame with an SDL renderer. Pure drawing: the
 * render thread (stage_render.c) owns the window, the pacing and the safety
 * pass; tests draw into an offscreen surface and measure pixels.
 *
 * Layout is in fractions of the target's size, so any resolution works.
 * A few things animate between frames (poll bars grow toward their
 * tallies, the beat ring decays): scene_draw() takes the time since the
 * previous frame.
 *
 * Thread: the render thread (whoever owns the renderer).
 */
#ifndef TUTTI_STAGE_SCENE_H
#define TUTTI_STAGE_SCENE_H

#include <SDL.h>
#include <stdbool.h>

#include "config.h"
#include "stage_frame.h"

#define SCENE_HEADER	0.14	/* top band (titles, questions), share of the height */
#define SCENE_BACKGROUND 0x0a0c18	/* dark navy */

struct scene_view;

/* One participant of the crowd field as the GPU path draws it (stage_gpu.c), in pixels. */
struct scene_particle {
	float x, y, size;		/* centre and cell side */
	uint32_t rgb;			/* the zone's colour */
	float pulse;			/* stage_dot.pulse */
	uint32_t id;
};

/*
 * What a scene drawn as an overlay left for the GPU path to draw under its
 * text: the same layout the software scene fills with flat colour, so the
 * two paths place everything alike and tests can read either.
 */
struct scene_shapes {
	enum scene scene;		/* drawn this frame; SCENE_COUNT: none (blackout, no cue) */
	struct scene_particle *particles;	/* crowd field */
	uint32_t particle_count;
	SDL_Rect bars[CONFIG_POLL_OPTIONS_MAX];	/* poll bars at their animated height */
	uint32_t bar_rgb[CONFIG_POLL_OPTIONS_MAX];
	bool bar_dim[CONFIG_POLL_OPTIONS_MAX];	/* a loser once the winner is revealed */
	uint32_t bar_count;
	int poll_index, winner;		/* -1: none */
	const float *heat;		/* crowd map: heat_w x heat_h bins, row by row */
	int heat_w, heat_h;
	float heat_peak;
	SDL_Rect heat_area;
	uint32_t background, text, accent;	/* the theme's colours */
};

/* @font_path: a TrueType font. NULL with a message in @err when it cannot load. */
struct scene_view *scene_create(SDL_Renderer *r, const struct venue_config *cfg, const char *font_path,
			   char *err, size_t err_size);
void scene_destroy(struct scene_view *s);
/* Draws @f's cue's scene on the whole target; @dt_s since the previous call (0 = jump to rest). */
void scene_draw(struct scene_view *s, const struct stage_frame *f, double dt_s);

/*
 * Overlay mode (the GPU path): the background stays transparent and the
 * dots, bars, heat map and audio shapes are only measured into the shapes,
 * not drawn; text, the QR code and the logo are drawn as ever.
 */
void scene_set_overlay(struct scene_view *s, bool overlay);
const struct scene_shapes *scene_shapes_get(const struct scene_view *s);
/* The crowd map's colour (0xRRGGBB) for a heat of @t, 0..1. */
uint32_t scene_heat_color(float t);

/* The default zone colour (0xRRGGBB) dots of zone @zone are drawn in (a venue's theme may change it). */
uint32_t scene_zone_color(uint32_t zone);
/* The default colour (0xRRGGBB) of poll option @i's bar. */
uint32_t scene_option_color(uint32_t i);

#endif
