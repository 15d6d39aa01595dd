/*
 * flash.c - the photosensitivity limiter. See flash.h.
 */
#include "flash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HOLD_SHORT	0.9f	/* a held change stops at 90 % of a transition */
#define SRGB_STEPS	4096	/* linear -> sRGB table resolution */

/* ---- colour tables (built once; the render thread is the only user) ---- */

static float to_linear[256];
static uint8_t to_srgb[SRGB_STEPS + 1];
static bool tables_ready;

static void tables_init(void)
{
	if (tables_ready)
		return;
	for (int i = 0; i < 256; i++) {
		double c = i / 255.0;

		to_linear[i] = (float)(c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4));
	}
	for (int i = 0; i <= SRGB_STEPS; i++) {
		double l = (double)i / SRGB_STEPS;
		double c = l <= 0.0031308 ? l * 12.92 : 1.055 * pow(l, 1 / 2.4) - 0.055;

		to_srgb[i] = (uint8_t)lround(c * 255.0);
	}
	tables_ready = true;
}

float flash_linear(uint8_t srgb)
{
	tables_init();
	return to_linear[srgb];
}

uint8_t flash_srgb(float linear)
{
	tables_init();
	if (!(linear > 0))
		return 0;
	if (linear >= 1)
		return 255;
	return to_srgb[(int)(linear * SRGB_STEPS + 0.5f)];
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
	/* The budget never lets it fill; if a caller's clock jumps back, forget the oldest. */
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

/* ---- one channel ---- */

void flash_channel_init(struct flash_channel *ch, const struct flash_limits *lim, float lum)
{
	memset(ch, 0, sizeof(*ch));
	ch->budget = 2 * clamp_max(lim->max_per_s);
	ch->red_budget = 2 * clamp_max(lim->max_red_per_s);
	ch->ref = lum;
}

static bool is_transition(float a, float b)
{
	return fabsf(a - b) >= FLASH_DELTA && fminf(a, b) < FLASH_DARK;
}

float flash_channel_step(struct flash_channel *ch, double t, float lum, float red,
			 bool red_saturated, bool *drop_red)
{
	int dir;

	*drop_red = false;
	history_prune(&ch->general, t);
	history_prune(&ch->reds, t);

	/*
	 * Red: only the way into red is gated, and only while the way back
	 * still fits in the window, so a red flash is never left half done.
	 */
	if (!ch->red) {
		if (red_saturated && red - ch->red_ref > FLASH_RED_DELTA) {
			if (ch->reds.count + 2 <= ch->red_budget) {
				history_add(&ch->reds, t);
				ch->red = true;
				ch->red_ref = red;
			} else {
				*drop_red = true;	/* stays out of red: no transition */
				ch->red_ref = 0;
			}
		} else if (red < ch->red_ref) {
			ch->red_ref = red;	/* the low extreme a way into red is measured from */
		}
	} else if (!red_saturated || ch->red_ref - red > FLASH_RED_DELTA) {
		history_add(&ch->reds, t);
		ch->red = false;
		ch->red_ref = red_saturated ? red : 0;
	} else if (red > ch->red_ref) {
		ch->red_ref = red;
	}

	/* General: measured from the last extreme, which moves on while the picture keeps going. */
	if ((ch->dir > 0 && lum > ch->ref) || (ch->dir < 0 && lum < ch->ref)) {
		ch->ref = lum;
		return lum;
	}
	if (!is_transition(lum, ch->ref))
		return lum;
	dir = lum > ch->ref ? 1 : -1;
	if (ch->general.count + 1 <= ch->budget) {
		history_add(&ch->general, t);
		ch->ref = lum;
		ch->dir = dir;
		return lum;
	}
	/* Over the budget: stop just short of a transition. */
	return fminf(1.0f, fmaxf(0.0f, ch->ref + (float)dir * FLASH_DELTA * HOLD_SHORT));
}

/* ---- phones' flashes ---- */

void flash_gate_init(struct flash_gate *g, const struct flash_limits *lim)
{
	memset(g, 0, sizeof(*g));
	g->max = clamp_max(lim->max_per_s);
}

bool flash_gate_allow(struct flash_gate *g, double t)
{
	history_prune(&g->flashes, t);
	if (g->flashes.count >= g->max)
		return false;
	history_add(&g->flashes, t);
	return true;
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

	if (width < 1 || height < 1 || cols < 1 || rows < 1 || cols > width || rows > height)
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

struct cell_mean {
	float r, g, b, lum;
};

/* Mean linear colour of a cell, from every second pixel each way. */
static struct cell_mean measure(const uint32_t *pixels, int stride, int x0, int y0, int x1, int y1)
{
	double r = 0, g = 0, b = 0;
	long n = 0;
	struct cell_mean m;

	for (int y = y0; y < y1; y += 2) {
		const uint32_t *row = pixels + (size_t)y * stride;

		for (int x = x0; x < x1; x += 2) {
			uint32_t p = row[x];

			r += to_linear[(p >> 16) & 0xff];
			g += to_linear[(p >> 8) & 0xff];
			b += to_linear[p & 0xff];
			n++;
		}
	}
	m.r = (float)(r / n);
	m.g = (float)(g / n);
	m.b = (float)(b / n);
	m.lum = 0.2126f * m.r + 0.7152f * m.g + 0.0722f * m.b;
	return m;
}

static uint32_t pack(float r, float g, float b)
{
	return 0xff000000u | (uint32_t)flash_srgb(r) << 16 | (uint32_t)flash_srgb(g) << 8 | flash_srgb(b);
}

/* Each pixel becomes the grey of its own luminance: the cell keeps its light, loses its red. */
static void desaturate(uint32_t *pixels, int stride, int x0, int y0, int x1, int y1)
{
	for (int y = y0; y < y1; y++) {
		uint32_t *row = pixels + (size_t)y * stride;

		for (int x = x0; x < x1; x++) {
			uint32_t p = row[x];
			float l = 0.2126f * to_linear[(p >> 16) & 0xff] + 0.7152f * to_linear[(p >> 8) & 0xff] +
				  0.0722f * to_linear[p & 0xff];

			row[x] = pack(l, l, l);
		}
	}
}

/* Moves the cell's mean luminance from @from to @to: scaling down, or blending toward white. */
static void relight(uint32_t *pixels, int stride, int x0, int y0, int x1, int y1, float from, float to)
{
	float k = from > 0 ? to / from : 0, w = from < 1 ? (to - from) / (1 - from) : 0;
	bool darker = to < from;

	for (int y = y0; y < y1; y++) {
		uint32_t *row = pixels + (size_t)y * stride;

		for (int x = x0; x < x1; x++) {
			uint32_t p = row[x];
			float c[3] = { to_linear[(p >> 16) & 0xff], to_linear[(p >> 8) & 0xff], to_linear[p & 0xff] };

			for (int i = 0; i < 3; i++)
				c[i] = darker ? c[i] * k : c[i] + (1 - c[i]) * w;
			row[x] = pack(c[0], c[1], c[2]);
		}
	}
}

uint32_t flash_screen_apply(struct flash_screen *s, double t, uint32_t *pixels, int pitch)
{
	int stride = pitch / 4;
	uint32_t changed = 0;

	for (int cy = 0; cy < s->rows; cy++) {
		int y0 = cy * s->height / s->rows, y1 = (cy + 1) * s->height / s->rows;

		for (int cx = 0; cx < s->cols; cx++) {
			int x0 = cx * s->width / s->cols, x1 = (cx + 1) * s->width / s->cols;
			struct flash_channel *ch = &s->cells[cy * s->cols + cx];
			struct cell_mean m = measure(pixels, stride, x0, y0, x1, y1);
			float sum = m.r + m.g + m.b, shown;
			bool drop_red;

			if (!s->started)
				flash_channel_init(ch, &s->limits, m.lum);
			shown = flash_channel_step(ch, t, m.lum, fmaxf(0, m.r - m.g - m.b) * 320.0f,
						   sum > 0 && m.r / sum >= FLASH_RED_SATURATED, &drop_red);
			if (drop_red) {
				desaturate(pixels, stride, x0, y0, x1, y1);
				s->stats.cells_red_dropped++;
			}
			if (shown != m.lum) {
				relight(pixels, stride, x0, y0, x1, y1, m.lum, shown);
				s->stats.cells_held++;
			}
			changed += drop_red || shown != m.lum;
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
