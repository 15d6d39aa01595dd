/*
 * safety_flash.h - the photosensitivity limiter (WCAG 2.3.1), applied last to
 * everything the stage screen shows. (Phones flash on the beat grid, every
 * so many beats that the same limit holds: phone_beat.h.)
 *
 * Definitions (WCAG 2.x). Relative luminance L = 0.2126 R + 0.7152 G +
 * 0.0722 B of linear sRGB. A general transition is a change of 0.1 or
 * more in L where the darker state is below 0.80. A red transition is a
 * change of more than 20 in red value V = max(0, R - G - B) x 320 where
 * a state is saturated red (R / (R+G+B) >= 0.8). Both are measured from
 * the last extreme: the reference is the state at the last transition
 * and follows the picture while it keeps moving the same way, so a slow
 * fade counts like a cut. A flash is a pair of opposite transitions, so
 * "at most N flashes in any second" means at most 2N transitions in any
 * window (t-1, t].
 *
 * A channel is one surface over time (a cell of the stage screen). A
 * transition that would go over the budget is not shown: the channel
 * holds the luminance FLASH_HOLD short of its reference (no transition)
 * until the window allows it, and removes red it cannot afford. With a
 * limit of 0 nothing may flash at all, so even a slow fade of 0.1 or more
 * is held back where it started. Red is judged on the picture as it is
 * finally shown (after a hold), so a hold can never create a red flash.
 *
 * Thread: one owner per object, no locks, no allocation after create:
 * the render thread owns screens and channels. flash_linear() and
 * flash_srgb() may be called from any thread.
 */
#ifndef TUTTI_SAFETY_FLASH_H
#define TUTTI_SAFETY_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#define FLASH_MAX_PER_S		3	/* WCAG 2.3.1; a venue may only lower it */
#define FLASH_DELTA		0.1f	/* relative luminance change that is a transition */
#define FLASH_DARK		0.8f	/* ... when the darker state is below this */
#define FLASH_RED_SATURATED	0.8f	/* R / (R+G+B) of saturated red */
#define FLASH_RED_DELTA		20.0f	/* red value change that is a red transition */
#define FLASH_RED_SCALE		320.0f	/* red value V = max(0, R - G - B) x this */
#define FLASH_HOLD		0.085f	/* a held change stops this far from its reference */

struct flash_limits {
	uint8_t max_per_s;		/* general flashes in any second, 0..3 (0 = none); more is read as 3 */
	uint8_t max_red_per_s;		/* saturated-red flashes in any second, 0..3; more is read as 3 */
};

/* A colour in linear light, each component 0..1. */
struct flash_rgb {
	float r, g, b;
};

/* Transition times still inside the last second, oldest first. */
struct flash_history {
	double at[2 * FLASH_MAX_PER_S + 1];
	uint32_t count;
};

/* Where the red value stands, measured from its last extreme. */
struct flash_red {
	double ref;			/* red value at the last red extreme */
	int8_t dir;			/* direction of the last red transition: +1, -1, 0 = none yet */
	bool saturated;			/* the extreme was saturated red */
};

/* One surface whose light over time is limited. Plain data: may live anywhere. */
struct flash_channel {
	uint32_t budget;		/* general transitions allowed in any second (2 per flash) */
	uint32_t red_budget;		/* red transitions allowed in any second */
	float ref;			/* luminance at the last extreme */
	int8_t dir;			/* direction of the last transition: +1, -1, 0 = none yet */
	struct flash_red red;
	struct flash_history general, reds;
};

/* Starts as if the surface had long shown a grey of luminance @lum (0..1). */
void flash_channel_init(struct flash_channel *ch, const struct flash_limits *lim, float lum);
/*
 * At @t (seconds, never decreasing) the surface wants colour @want (its
 * mean, linear; components clamped to 0..1, NaN read as 0) of luminance
 * L. Returns the luminance that may be shown: L when allowed, otherwise
 * a held value H within FLASH_HOLD of the reference. The caller shows H
 * by changing every colour c of the surface in linear light:
 *   H < L: c * H / L                 (darker, keeps the hue)
 *   H > L: c + (1 - c) (H - L) / (1 - L)   (toward white)
 * which moves the mean exactly to H. Then, when *@drop_red is set, it
 * replaces every colour by the grey of its own luminance (which keeps
 * H): the red transition the picture wanted is not allowed, or a held
 * picture would have been saturated red.
 */
float flash_channel_step(struct flash_channel *ch, double t, struct flash_rgb want, bool *drop_red);


/* The stage screen: a grid of channels over a 32-bit XRGB picture. */
struct flash_screen;

struct flash_stats {
	uint64_t frames;
	uint64_t cells_held;		/* cell-frames whose luminance was held */
	uint64_t cells_red_dropped;	/* cell-frames whose red was removed */
};

/*
 * @cols x @rows cells over @width x @height pixels (cells of about 80
 * pixels square work well). NULL on bad sizes (or more cells than
 * pixels) or out of memory. Caller destroys; destroy(NULL) does nothing.
 */
struct flash_screen *flash_screen_create(const struct flash_limits *lim, int width, int height,
					 int cols, int rows);
void flash_screen_destroy(struct flash_screen *s);
/*
 * Render thread. Limits one frame in place at @t: @pixels are 0xXXRRGGBB
 * words (SDL_PIXELFORMAT_ARGB8888/RGB888; the top byte is kept), @pitch
 * bytes per row, a multiple of 4. Every pixel of a cell is measured; a
 * cell is rewritten only when held or its red removed, as described at
 * flash_channel_step(); other pixels are not touched. The first frame
 * starts the channels. Returns how many cells it changed.
 */
uint32_t flash_screen_apply(struct flash_screen *s, double t, uint32_t *pixels, int pitch);
void flash_screen_stats(const struct flash_screen *s, struct flash_stats *out);
/* A new limit from now on, keeping every cell's history. */
void flash_screen_set_limits(struct flash_screen *s, const struct flash_limits *lim);

/* sRGB byte to linear 0..1; linear to sRGB byte (a 4096-step table: within one code of the nearest). Any thread. */
float flash_linear(uint8_t srgb);
uint8_t flash_srgb(float linear);

#endif
