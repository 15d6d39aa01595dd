/*
 * safety_flash.c - the photosensitivity limiter: per-surface WCAG transition
 * counting with holds, and the stage screen pass
 * over XRGB pixels. See safety_flash.h for the definitions and contracts.
 *
 * Thread: every object has one owner (the render thread for screens and
 * channels). The colour tables are built
 * once under pthread_once and only read after, so any thread may use them.
 */
#include "safety_flash.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * Comparisons follow the definitions exactly, in double, on the very
 * float values that are shown. Not "a little early to be safe": a
 * transition counted where a checker sees none flips the direction the
 * next one is measured in, and then a later large move would pass as a
 * mere continuation here while a checker counts it.
 */
#define SRGB_STEPS	4096	/* linear -> sRGB table resolution */
#define DELTA_EXACT	0.1	/* the header's thresholds as exact doubles */
#define DARK_EXACT	0.8
#define SATURATED_EXACT	0.8

/* ---- colour tables ---- */

static float to_linear[256];
static uint8_t to_srgb[SRGB_STEPS];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void tables_build(void)
{
	for (int i = 0; i < 256; i++) {
		double c = i / 255.0;

		to_linear[i] = (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
	}
	for (int i = 0; i < SRGB_STEPS; i++) {
		double l = (double)i / (SRGB_STEPS - 1);
		double c = l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1 / 2.4) - 0.055;

		to_srgb[i] = (uint8_t)lround(c * 255.0);
	}
}

static void tables_init(void)
{
	pthread_once(&tables_once, tables_build);
}

float flash_linear(uint8_t srgb)
{
	tables_init();
	return to_linear[srgb];
}

/* Table lookup without the once check: callers have run tables_init(). */
static uint8_t srgb_of(float linear)
{
	if (!(linear > 0))
		return 0;
	if (linear >= 1)
		return 255;
	return to_srgb[(int)(linear * (SRGB_STEPS - 1) + 0.5f)];
}

uint8_t flash_srgb(float linear)
{
	tables_init();
	return srgb_of(linear);
}

static float luminance(struct flash_rgb c)
{
	return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b;
}

static double red_value(struct flash_rgb c)
{
	return fmax(0, (double)c.r - c.g - c.b) * FLASH_RED_SCALE;
}

static bool red_saturated(struct flash_rgb c)
{
	double sum = (double)c.r + c.g + c.b;

	return sum > 0 && c.r / sum >= SATURATED_EXACT;
}

/* ---- how a held cell is shown: the same arithmetic for the mean and for each pixel ---- */

struct relight {
	bool darker;			/* scale by k; otherwise blend toward white by w */
	float k, w;
};

/* From luminance @from to @to (different, both 0..1). */
static struct relight relight_for(float from, float to)
{
	struct relight r = { .darker = to < from };

	/* to < from means from > 0; to > from means from < 1: no division by zero. */
	if (r.darker)
		r.k = to / from;
	else
		r.w = (to - from) / (1 - from);
	return r;
}

static struct flash_rgb relight_rgb(struct flash_rgb c, const struct relight *r)
{
	if (r->darker)
		return (struct flash_rgb){ c.r * r->k, c.g * r->k, c.b * r->k };
	return (struct flash_rgb){ c.r + (1 - c.r) * r->w, c.g + (1 - c.g) * r->w, c.b + (1 - c.b) * r->w };
}

/* ---- transitions in the last second ---- */

static void history_prune(struct flash_history *h, double t)
{
	uint32_t keep = 0;

	for (uint32_t i = 0; i < h->count; i++)
		if (h->at[i] > t - 1.0)
			h->at[keep++] = h->at[i];
	h->count = keep;
}

static void history_add(struct flash_history *h, double t)
{
	/* The budgets never let it fill; should a caller's clock jump back, forget the oldest. */
	if (h->count == sizeof(h->at) / sizeof(h->at[0])) {
		memmove(h->at, h->at + 1, (h->count - 1) * sizeof(h->at[0]));
		h->count--;
	}
	h->at[h->count++] = t;
}

static uint32_t clamp_max(uint8_t n)
{
	return n > FLASH_MAX_PER_S ? FLASH_MAX_PER_S : n;
}

/* ---- one channel: general transitions ---- */

static float unit(float x)
{
	return x > 0 ? (x < 1 ? x : 1) : 0;	/* NaN -> 0 */
}

/* A flash is two transitions: the budgets are transitions allowed in any second. */
static void set_budgets(struct flash_channel *ch, const struct flash_limits *lim)
{
	ch->budget = 2 * clamp_max(lim->max_per_s);
	ch->red_budget = 2 * clamp_max(lim->max_red_per_s);
}

void flash_channel_init(struct flash_channel *ch, const struct flash_limits *lim, float lum)
{
	memset(ch, 0, sizeof(*ch));
	set_budgets(ch, lim);
	ch->ref = unit(lum);
}

static bool is_transition(float a, float b)
{
	return fabs((double)a - b) >= DELTA_EXACT && fmin(a, b) < DARK_EXACT;
}

/* Returns the luminance that may be shown instead of @lum. */
static float general_step(struct flash_channel *ch, double t, float lum)
{
	int dir;

	/* Still moving away from the last extreme: the same transition goes on. */
	if ((ch->dir > 0 && lum > ch->ref) || (ch->dir < 0 && lum < ch->ref)) {
		ch->ref = lum;
		return lum;
	}
	if (!is_transition(lum, ch->ref))
		return lum;
	dir = lum > ch->ref ? 1 : -1;
	if (ch->general.count < ch->budget) {
		history_add(&ch->general, t);
		ch->ref = lum;
		ch->dir = (int8_t)dir;
		return lum;
	}
	/*
	 * Over the budget: stop short of a transition. The reference stays,
	 * so the held value is never an extreme a later change is measured
	 * from; FLASH_HOLD leaves 0.015 for 8-bit rounding of held pixels.
	 */
	return unit(ch->ref + (float)dir * FLASH_HOLD);
}

/* ---- one channel: red transitions ---- */

/* Moves @r to red value @v; true when that is a red transition. */
static bool red_advance(struct flash_red *r, double v, bool saturated)
{
	double d = v - r->ref;

	if ((r->dir > 0 && d > 0) || (r->dir < 0 && d < 0)) {
		r->ref = v;
		r->saturated = saturated;
		return false;
	}
	if (fabs(d) > FLASH_RED_DELTA && (saturated || r->saturated)) {
		r->dir = d > 0 ? 1 : -1;
		r->ref = v;
		r->saturated = saturated;
		return true;
	}
	return false;
}

/* True when removing the red (going grey: V = 0, not saturated) would itself be a red transition. */
static bool red_loaded(const struct flash_red *r)
{
	return r->dir >= 0 && r->ref > FLASH_RED_DELTA && r->saturated;
}

/*
 * Decides the red of @shown; true when it must go grey instead.
 *
 * Invariant: red transitions in the window + (1 if grey would be one) <=
 * budget. A picture is shown only if that still holds after it, so the
 * way back out of red always fits (a way into red needs room for two),
 * and going grey always keeps it: from a loaded state grey is the
 * one transition kept in reserve and leaves a state that is not loaded;
 * from any other state grey is no transition and changes nothing that
 * matters (after a fall it only extends the fall to 0). So the window
 * never holds more than the budget.
 */
static bool red_step(struct flash_channel *ch, double t, struct flash_rgb shown, bool held)
{
	struct flash_red next = ch->red;
	bool saturated = red_saturated(shown);
	bool trans = red_advance(&next, red_value(shown), saturated);

	/*
	 * A held picture is never shown saturated red: the hold's scaling
	 * is exact on the mean but 8-bit rounding moves each pixel's red
	 * value by up to ~3, and held frames are not worth the risk.
	 */
	if (!(held && saturated) && ch->reds.count + trans + red_loaded(&next) <= ch->red_budget) {
		ch->red = next;
		if (trans)
			history_add(&ch->reds, t);
		return false;
	}
	if (red_advance(&ch->red, 0, false))
		history_add(&ch->reds, t);
	return true;
}

float flash_channel_step(struct flash_channel *ch, double t, struct flash_rgb want, bool *drop_red)
{
	float lum, shown_lum;
	struct flash_rgb shown;

	want = (struct flash_rgb){ unit(want.r), unit(want.g), unit(want.b) };
	lum = unit(luminance(want));
	history_prune(&ch->general, t);
	history_prune(&ch->reds, t);

	/* Luminance first; red is judged on the picture as it will really be shown. */
	shown_lum = general_step(ch, t, lum);
	shown = want;
	if (shown_lum != lum) {
		struct relight r = relight_for(lum, shown_lum);

		shown = relight_rgb(want, &r);
	}
	*drop_red = red_step(ch, t, shown, shown_lum != lum);
	return shown_lum;
}

/* ---- the stage screen ---- */

struct flash_screen {
	struct flash_limits limits;
	int width, height, cols, rows;
	bool started;			/* channels start at the first frame's picture */
	struct flash_stats stats;
	struct flash_channel cells[];
};

struct flash_screen *flash_screen_create(const struct flash_limits *lim, int width, int height,
					 int cols, int rows)
{
	struct flash_screen *s;

	if (!lim || width < 1 || height < 1 || cols < 1 || rows < 1 || cols > width || rows > height)
		return NULL;
	s = calloc(1, sizeof(*s) + (size_t)cols * rows * sizeof(s->cells[0]));
	if (!s)
		return NULL;
	tables_init();
	s->limits = *lim;
	s->width = width;
	s->height = height;
	s->cols = cols;
	s->rows = rows;
	return s;
}

void flash_screen_destroy(struct flash_screen *s)
{
	free(s);
}

struct cell {
	int x0, y0, x1, y1;
};

/*
 * Mean linear colour of a cell, from every pixel: sampling every other
 * one would miss a pattern of one-pixel lines flashing entirely.
 */
static struct flash_rgb measure(const uint32_t *pixels, int stride, struct cell c)
{
	double r = 0, g = 0, b = 0;
	double n = (double)(c.x1 - c.x0) * (c.y1 - c.y0);

	for (int y = c.y0; y < c.y1; y++) {
		const uint32_t *row = pixels + (size_t)y * stride;

		for (int x = c.x0; x < c.x1; x++) {
			uint32_t p = row[x];

			r += to_linear[(p >> 16) & 0xff];
			g += to_linear[(p >> 8) & 0xff];
			b += to_linear[p & 0xff];
		}
	}
	return (struct flash_rgb){ (float)(r / n), (float)(g / n), (float)(b / n) };
}

/*
 * Rewrites a cell: the hold (if @hold), then each pixel to its own grey
 * (if @grey). The hold acts on each channel's byte alone, so it is
 * worked out once per byte value (256 entries against thousands of
 * pixels): a strobe held every other frame stays cheap.
 */
static void rewrite(uint32_t *pixels, int stride, struct cell c, const struct relight *hold, bool grey)
{
	float lin[256];
	uint8_t out[256];

	for (int i = 0; i < 256; i++) {
		struct flash_rgb v = { to_linear[i], to_linear[i], to_linear[i] };

		lin[i] = hold ? relight_rgb(v, hold).r : v.r;
		out[i] = srgb_of(lin[i]);
	}
	for (int y = c.y0; y < c.y1; y++) {
		uint32_t *row = pixels + (size_t)y * stride;

		for (int x = c.x0; x < c.x1; x++) {
			uint32_t p = row[x], r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

			if (grey) {
				uint32_t l = srgb_of(luminance((struct flash_rgb){ lin[r], lin[g], lin[b] }));

				r = g = b = l;
			} else {
				r = out[r];
				g = out[g];
				b = out[b];
			}
			row[x] = (p & 0xff000000u) | r << 16 | g << 8 | b;
		}
	}
}

uint32_t flash_screen_apply(struct flash_screen *s, double t, uint32_t *pixels, int pitch)
{
	int stride = pitch / 4;
	uint32_t changed = 0;

	for (int cy = 0; cy < s->rows; cy++) {
		for (int cx = 0; cx < s->cols; cx++) {
			struct cell c = {
				cx * s->width / s->cols, cy * s->height / s->rows,
				(cx + 1) * s->width / s->cols, (cy + 1) * s->height / s->rows,
			};
			struct flash_channel *ch = &s->cells[cy * s->cols + cx];
			struct flash_rgb mean = measure(pixels, stride, c);
			float lum = unit(luminance(mean)), shown;
			struct relight hold;
			bool drop_red;

			if (!s->started)
				flash_channel_init(ch, &s->limits, lum);
			shown = flash_channel_step(ch, t, mean, &drop_red);
			if (shown == lum && !drop_red)
				continue;
			if (shown != lum) {
				hold = relight_for(lum, shown);
				s->stats.cells_held++;
			}
			s->stats.cells_red_dropped += drop_red;
			rewrite(pixels, stride, c, shown != lum ? &hold : NULL, drop_red);
			changed++;
		}
	}
	s->started = true;
	s->stats.frames++;
	return changed;
}

void flash_screen_stats(const struct flash_screen *s, struct flash_stats *out)
{
	*out = s->stats;
}

void flash_screen_set_limits(struct flash_screen *s, const struct flash_limits *lim)
{
	s->limits = *lim;
	/* Only the budgets change: what flashed in the last second still counts against them. */
	for (int i = 0; i < s->cols * s->rows; i++)
		set_budgets(&s->cells[i], lim);
}
