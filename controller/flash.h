/*
 * flash.h - the photosensitivity limiter (WCAG 2.3.1), applied last to
 * everything the stage screen shows and to every flash sent to phones.
 *
 * A general transition is a change of 0.1 or more in relative luminance
 * where the darker state is below 0.80; a red transition, a change of
 * more than 20 in red value ((R-G-B) x 320, linear) where either state is
 * saturated red (R / (R+G+B) >= 0.8). A flash is a pair of opposite
 * transitions, so "at most N flashes in any second" means at most 2N
 * transitions in any window (t-1, t].
 *
 * A channel is one surface over time (a cell of the stage screen). It
 * measures change from the last extreme, as the guidelines do, so a slow
 * fade counts like a cut. A transition that would go over the budget is
 * not shown: the channel holds the picture just short of it (or removes
 * its red) until the window allows it. Nothing the crowd or the artist
 * does reaches the screen without passing here.
 *
 * Thread: one owner per object (the render thread; the net thread for
 * phones' gates). No allocation after create, no locks.
 */
#ifndef TUTTI_FLASH_H
#define TUTTI_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#define FLASH_MAX_PER_S		3	/* WCAG 2.3.1; a venue may only lower it */
#define FLASH_DELTA		0.1f	/* relative luminance change that is a transition */
#define FLASH_DARK		0.8f	/* ... when the darker state is below this */
#define FLASH_RED_SATURATED	0.8f	/* R / (R+G+B) of saturated red */
#define FLASH_RED_DELTA		20.0f	/* red value change that is a red transition */

struct flash_limits {
	uint8_t max_per_s;		/* general flashes in any second, 0..3 (0 = none) */
	uint8_t max_red_per_s;		/* saturated-red flashes in any second, 0..3 */
};

/* Transition times in the last second, oldest first. */
struct flash_history {
	double at[2 * FLASH_MAX_PER_S + 1];
	uint32_t count;
};

struct flash_channel {
	uint32_t budget, red_budget;	/* transitions allowed in any second */
	float ref;			/* luminance at the last extreme */
	int dir;			/* direction of the last transition: +1, -1, 0 = none yet */
	bool red;			/* showing saturated red now */
	float red_ref;			/* red value at the last red extreme */
	struct flash_history general, reds;
};

void flash_channel_init(struct flash_channel *ch, const struct flash_limits *lim, float lum);
/*
 * At @t (seconds, never decreasing), the surface wants luminance @lum
 * (0..1) and red value @red, @red_saturated when it is saturated red.
 * Returns the luminance that may be shown (@lum when allowed) and sets
 * *@drop_red when its red must be removed first (measure again after).
 */
float flash_channel_step(struct flash_channel *ch, double t, float lum, float red,
			 bool red_saturated, bool *drop_red);

/* Phones' flashes (one flash = on and off): at most max_per_s in any second. */
struct flash_gate {
	uint32_t max;
	struct flash_history flashes;
};

void flash_gate_init(struct flash_gate *g, const struct flash_limits *lim);
/* True, and recorded, when a flash may start at @t. */
bool flash_gate_allow(struct flash_gate *g, double t);

/* The stage screen: a grid of channels over a 32-bit XRGB picture. */
struct flash_screen;

struct flash_stats {
	uint64_t frames;
	uint64_t cells_held;		/* cell-frames whose luminance was held */
	uint64_t cells_red_dropped;	/* cell-frames whose red was removed */
};

/* @cols x @rows cells over @width x @height pixels. NULL when out of memory. */
struct flash_screen *flash_screen_create(const struct flash_limits *lim, int width, int height,
					 int cols, int rows);
void flash_screen_destroy(struct flash_screen *s);
/*
 * Limits one frame in place (@pixels 0x??RRGGBB words, @pitch bytes per
 * row) at time @t; returns how many cells it changed.
 */
uint32_t flash_screen_apply(struct flash_screen *s, double t, uint32_t *pixels, int pitch);
void flash_screen_stats(const struct flash_screen *s, struct flash_stats *out);

/* sRGB byte to linear 0..1, and linear to sRGB byte (tables). */
float flash_linear(uint8_t srgb);
uint8_t flash_srgb(float linear);

#endif
