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

/* @font_path: a TrueType font. NULL with a message in @err when it cannot load. */
struct scene_view *scene_create(SDL_Renderer *r, const struct venue_config *cfg, const char *font_path,
			   char *err, size_t err_size);
void scene_destroy(struct scene_view *s);
/* Draws @f's cue's scene on the whole target; @dt_s since the previous call (0 = jump to rest). */
void scene_draw(struct scene_view *s, const struct stage_frame *f, double dt_s);

/* The zone colour (0xRRGGBB) dots of zone @zone are drawn in. */
uint32_t scene_zone_color(uint32_t zone);
/* The colour (0xRRGGBB) of poll option @i's bar. */
uint32_t scene_option_color(uint32_t i);

#endif
