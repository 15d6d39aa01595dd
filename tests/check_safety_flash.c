/*
 * check_safety_safety_flash.c - the photosensitivity limiter against an independent
 * WCAG 2.3.1 counter written here (its own sRGB decoding, luminance, red
 * value and extreme tracking; nothing from safety_flash.c but the public calls
 * under test). Long random sequences of what scenes or the crowd might
 * ask for go through a channel and every one-second window of what comes
 * out is counted; real XRGB frames go through the stage screen and every
 * cell of every output frame is measured from its pixels. (Phones' beat
 * flashes keep the limit on the beat grid: check_state_stream.c.)
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "safety_flash.h"
#include "test_util.h"

#define FPS		60
#define MAX_TRANS	4096

/* ---- the reference counter (independent of safety_flash.c) ---- */

static double srgb_to_linear(uint8_t v)
{
	double c = v / 255.0;

	return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double lum_of(double r, double g, double b)
{
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

static double red_value_of(double r, double g, double b)
{
	return fmax(0, r - g - b) * 320;
}

static bool saturated_red(double r, double g, double b)
{
	return r + g + b > 0 && r / (r + g + b) >= 0.8;
}

/* Transition times found so far. */
struct trans {
	double at[MAX_TRANS];
	int n;
};

static void trans_add(struct trans *tr, double t)
{
	ck_assert_int_lt(tr->n, MAX_TRANS);
	tr->at[tr->n++] = t;
}

/* General transitions: from the last extreme, >= 0.1 with the darker state below 0.8. */
struct wcag {
	double ref;
	int dir;
	struct trans tr;
};

static void wcag_init(struct wcag *w, double first)
{
	memset(w, 0, sizeof(*w));
	w->ref = first;
}

static void wcag_feed(struct wcag *w, double t, double lum)
{
	if ((w->dir > 0 && lum > w->ref) || (w->dir < 0 && lum < w->ref)) {
		w->ref = lum;
		return;
	}
	if (fabs(lum - w->ref) >= 0.1 && fmin(lum, w->ref) < 0.8) {
		w->dir = lum > w->ref ? 1 : -1;
		w->ref = lum;
		trans_add(&w->tr, t);
	}
}

/* Red transitions: from the last extreme, red value change > 20, either state saturated red. */
struct wcag_red {
	double ref;
	bool ref_saturated;
	int dir;
	struct trans tr;
};

static void wcag_red_init(struct wcag_red *w)
{
	memset(w, 0, sizeof(*w));
}

static void wcag_red_feed(struct wcag_red *w, double t, double v, bool saturated)
{
	if ((w->dir > 0 && v > w->ref) || (w->dir < 0 && v < w->ref)) {
		w->ref = v;
		w->ref_saturated = saturated;
		return;
	}
	if (fabs(v - w->ref) > 20 && (saturated || w->ref_saturated)) {
		w->dir = v > w->ref ? 1 : -1;
		w->ref = v;
		w->ref_saturated = saturated;
		trans_add(&w->tr, t);
	}
}

/* The most transitions in any window (t-1, t]; the worst window ends on a transition. */
static int worst_window(const struct trans *tr)
{
	int worst = 0, first = 0;

	for (int j = 0; j < tr->n; j++) {
		while (!(tr->at[first] > tr->at[j] - 1.0))
			first++;
		if (j - first + 1 > worst)
			worst = j - first + 1;
	}
	return worst;
}

static int count_before(const struct trans *tr, double t)
{
	int n = 0;

	while (n < tr->n && tr->at[n] < t)
		n++;
	return n;
}

/* ---- random content ---- */

static uint64_t rng;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

enum kind { NOISE, SQUARE, FADE, BURSTS, NEAR_DARK_LINE, NEAR_DELTA, KINDS };

/* One stretch of content: what a scene might ask for for a while. */
struct segment {
	enum kind kind;
	double a, b, hz;
	int frames;
};

static struct segment segment_random(void)
{
	struct segment s = {
		.kind = (enum kind)(uniform() * KINDS),
		.a = uniform(),
		.b = uniform(),
		.hz = 1 + 29 * uniform(),
		.frames = (int)(FPS * (0.3 + 3.7 * uniform())),
	};

	if (s.kind == FADE)
		s.hz = 0.1 + 4.9 * uniform();
	if (s.kind == NEAR_DELTA) {
		/* Steps of just under or just over 0.1. */
		s.a = 0.85 * uniform();
		s.b = s.a + (uniform() < 0.5 ? 0.0995 : 0.1005);
	}
	return s;
}

static double segment_value(const struct segment *s, int i)
{
	double t = (double)i / FPS;

	switch (s->kind) {
	case NOISE:
		return uniform();
	case SQUARE:
	case NEAR_DELTA:
		return fmod(t * s->hz, 1.0) < 0.5 ? s->a : s->b;
	case FADE:
		return s->a + (s->b - s->a) * (0.5 + 0.5 * sin(2 * M_PI * s->hz * t));
	case BURSTS:
		return uniform() < 0.03 ? s->b : s->a;
	default:
		return 0.8 + 0.12 * (uniform() - 0.5);
	}
}

static struct flash_rgb grey(double l)
{
	return (struct flash_rgb){ (float)l, (float)l, (float)l };
}

START_TEST(test_random_sequences_never_exceed_the_flash_limit)
{
	static const uint8_t limits[] = { 3, 2, 1, 0 };
	long over = 0, held = 0, frames = 0;
	int first_bad = -1, first_bad_worst = 0;
	static struct wcag w;

	rng = 0x9e3779b97f4a7c15ull;
	for (int seq = 0; seq < 400; seq++) {
		struct flash_limits lim = { limits[seq % 4], 3 };
		struct flash_channel ch;
		struct segment sg = segment_random();
		int in_segment = 0, worst;
		double first = segment_value(&sg, 0);

		flash_channel_init(&ch, &lim, (float)first);
		wcag_init(&w, (float)first);
		for (int i = 0; i < 20 * FPS; i++) {
			double t = (double)i / FPS, want;
			bool drop;
			float shown;

			if (in_segment++ == sg.frames) {
				sg = segment_random();
				in_segment = 0;
			}
			want = segment_value(&sg, i);
			shown = flash_channel_step(&ch, t, grey(want), &drop);
			ck_assert(!drop);	/* grey is never red */
			held += fabs(shown - want) > 1e-5;
			frames++;
			wcag_feed(&w, t, shown);
		}
		worst = worst_window(&w.tr);
		if (worst > 2 * lim.max_per_s) {
			over++;
			if (first_bad < 0) {
				first_bad = seq;
				first_bad_worst = worst;
			}
		}
	}
	ck_assert_msg(over == 0, "%ld sequences over the limit; first: #%d, %d transitions in a second",
		      over, first_bad, first_bad_worst);
	ck_assert_int_gt(held, frames / 10);	/* the sequences really did push it */
	ck_assert_int_lt(held, frames);		/* ... and it did not just freeze */
}
END_TEST

START_TEST(test_allowed_flashing_passes_unchanged)
{
	struct flash_limits lim = { 3, 3 };
	struct flash_channel ch;
	static struct wcag w;

	/* A 1 Hz black/white square wave: one flash a second, within the limit. */
	flash_channel_init(&ch, &lim, 0);
	wcag_init(&w, 0);
	for (int i = 0; i < 10 * FPS; i++) {
		bool drop;
		double want = (i % FPS) < FPS / 2 ? 0.0 : 1.0;
		float shown = flash_channel_step(&ch, (double)i / FPS, grey(want), &drop);

		ck_assert_double_eq_tol(shown, want, 1e-6);
		ck_assert(!drop);
		wcag_feed(&w, (double)i / FPS, shown);
	}
	ck_assert_int_eq(w.tr.n, 19);	/* up at 0.5, 1.5 .. 9.5, down at 1 .. 9 */
	/* Slow, shallow movement is never touched either. */
	flash_channel_init(&ch, &lim, 0.5f);
	for (int i = 0; i < 10 * FPS; i++) {
		bool drop;
		double want = 0.5 + 0.04 * sin(i * 0.3);

		ck_assert_double_eq_tol(flash_channel_step(&ch, (double)i / FPS, grey(want), &drop), want, 1e-6);
	}
	/* Nor a full fade up and down every 4 s, even at the limit of 1. */
	lim.max_per_s = 1;
	flash_channel_init(&ch, &lim, 0);
	for (int i = 0; i < 12 * FPS; i++) {
		bool drop;
		double want = 0.5 - 0.5 * cos(2 * M_PI * i / (4.0 * FPS));

		ck_assert_double_eq_tol(flash_channel_step(&ch, (double)i / FPS, grey(want), &drop), want, 1e-6);
	}
}
END_TEST

START_TEST(test_no_flashing_holds_even_slow_fades)
{
	struct flash_limits lim = { 0, 0 };
	struct flash_channel ch;
	float top = 0;

	/* At 0 flashes a 10 s fade from black to white is held just short of a transition. */
	flash_channel_init(&ch, &lim, 0);
	for (int i = 0; i <= 10 * FPS; i++) {
		bool drop;
		float shown = flash_channel_step(&ch, (double)i / FPS, grey((double)i / (10 * FPS)), &drop);

		top = fmaxf(top, shown);
	}
	ck_assert_float_lt(top, 0.1f);
	ck_assert_float_gt(top, 0.08f);
	/* A NaN from a broken scene reads as black; it does not poison the channel. */
	{
		bool drop;
		float nan = nanf("");
		float shown = flash_channel_step(&ch, 11, (struct flash_rgb){ nan, nan, nan }, &drop);

		ck_assert(isfinite(shown));
		ck_assert_float_lt(shown, 0.1f);
	}
}
END_TEST

/* ---- red ---- */

/* What the caller shows for @want when the channel returned @held and @drop (safety_flash.h's contract). */
static void shown_colour(const struct flash_rgb *want, double held, bool drop, double out[3])
{
	double c[3] = { want->r, want->g, want->b };
	double l = lum_of(c[0], c[1], c[2]);

	for (int k = 0; k < 3; k++) {
		if (held < l - 1e-6)
			c[k] *= held / l;
		else if (held > l + 1e-6)
			c[k] += (1 - c[k]) * (held - l) / (1 - l);
	}
	if (drop) {
		l = lum_of(c[0], c[1], c[2]);
		c[0] = c[1] = c[2] = l;
	}
	memcpy(out, c, sizeof(c));
}

static struct flash_rgb colour_random(void)
{
	double r = uniform(), x = uniform();

	switch ((int)(uniform() * 7)) {
	case 0:
		return (struct flash_rgb){ (float)r, 0, 0 };			/* pure red */
	case 1:
		return (struct flash_rgb){ 0, 0, 0 };
	case 2:
		return grey(r);
	case 3: {
		/* Around the saturation line: R / (R+G+B) from 0.75 to 0.85. */
		double ratio = 0.75 + 0.1 * x, rest = r * (1 - ratio) / ratio, split = uniform();

		return (struct flash_rgb){ (float)r, (float)(rest * split), (float)(rest * (1 - split)) };
	}
	case 4:
		return (struct flash_rgb){ 1, (float)(0.25 * x), 0 };		/* bright red-orange */
	case 5:
		return (struct flash_rgb){ (float)(0.75 * r + 0.25), (float)(0.2 * r), (float)(0.2 * x) };
	default:
		return (struct flash_rgb){ (float)r, (float)x, (float)uniform() };
	}
}

START_TEST(test_red_flashes_stay_within_their_own_budget)
{
	static const uint8_t limits[] = { 3, 2, 1, 0 };
	static struct wcag w;
	static struct wcag_red wr;
	long red_frames = 0;

	rng = 0x2545f4914f6cdd1dull;
	for (int seq = 0; seq < 240; seq++) {
		struct flash_limits lim = { (uint8_t)(seq % 8 < 4 ? 3 : 1), limits[seq % 4] };
		struct flash_channel ch;
		struct flash_rgb a = colour_random(), b = colour_random();
		double hz = 1 + 29 * uniform(), p_new = uniform() < 0.5 ? 0.02 : 0.3;

		flash_channel_init(&ch, &lim, 0);
		wcag_init(&w, 0);
		wcag_red_init(&wr);
		for (int i = 0; i < 10 * FPS; i++) {
			double t = (double)i / FPS, c[3];
			bool drop;
			struct flash_rgb want;
			float held;

			/* Two colours alternating, now and then replaced by new ones. */
			if (uniform() < p_new)
				a = colour_random();
			if (uniform() < p_new)
				b = colour_random();
			want = fmod(t * hz, 1.0) < 0.5 ? a : b;
			held = flash_channel_step(&ch, t, want, &drop);
			shown_colour(&want, held, drop, c);
			red_frames += saturated_red(c[0], c[1], c[2]) && red_value_of(c[0], c[1], c[2]) > 20;
			wcag_feed(&w, t, held);	/* the contract: what is shown has this luminance */
			wcag_red_feed(&wr, t, red_value_of(c[0], c[1], c[2]), saturated_red(c[0], c[1], c[2]));
		}
		ck_assert_msg(worst_window(&wr.tr) <= 2 * lim.max_red_per_s,
			      "sequence %d: %d red transitions in a second, limit %d flashes", seq,
			      worst_window(&wr.tr), lim.max_red_per_s);
		ck_assert_msg(worst_window(&w.tr) <= 2 * lim.max_per_s,
			      "sequence %d: %d transitions in a second, limit %d flashes", seq,
			      worst_window(&w.tr), lim.max_per_s);
	}
	ck_assert_int_gt(red_frames, 1000);	/* red was shown where the budget allowed it */
}
END_TEST

START_TEST(test_a_held_picture_never_flashes_red)
{
	/*
	 * Two saturated reds with the same red value (240) but luminance 0.16
	 * and 0.39, swapped every frame: no red transition, only general
	 * ones. Holding the brighter one darker (scaling it) would drop its
	 * red value to about 150 and turn the hold itself into a red strobe.
	 */
	struct flash_limits lim = { 1, 1 };
	struct flash_rgb p = { 0.75f, 0, 0 }, q = { 1, 0.25f, 0 };
	struct flash_channel ch;
	static struct wcag w;
	static struct wcag_red wr;

	flash_channel_init(&ch, &lim, 0);
	wcag_init(&w, 0);
	wcag_red_init(&wr);
	for (int i = 0; i < 5 * FPS; i++) {
		double t = (double)i / FPS, c[3];
		struct flash_rgb want = i % 2 ? q : p;
		bool drop;
		float held = flash_channel_step(&ch, t, want, &drop);

		shown_colour(&want, held, drop, c);
		wcag_feed(&w, t, held);
		wcag_red_feed(&wr, t, red_value_of(c[0], c[1], c[2]), saturated_red(c[0], c[1], c[2]));
	}
	ck_assert_int_le(worst_window(&w.tr), 2);
	ck_assert_int_le(worst_window(&wr.tr), 2);
}
END_TEST

/* ---- the stage screen, measured from its pixels ---- */

#define SW	320
#define SH	180
#define COLS	4
#define ROWS	3
#define CELLS	(COLS * ROWS)

static double lin_table[256];

static void lin_table_init(void)
{
	for (int i = 0; i < 256; i++)
		lin_table[i] = srgb_to_linear((uint8_t)i);
}

/* Mean linear colour of every pixel in [x0, x1) x [y0, y1). */
static void mean_colour(const uint32_t *px, int x0, int y0, int x1, int y1, double out[3])
{
	double r = 0, g = 0, b = 0, n = (double)(x1 - x0) * (y1 - y0);

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			uint32_t p = px[y * SW + x];

			r += lin_table[(p >> 16) & 0xff];
			g += lin_table[(p >> 8) & 0xff];
			b += lin_table[p & 0xff];
		}
	out[0] = r / n;
	out[1] = g / n;
	out[2] = b / n;
}

/* Counters for the whole image and for every cell of the limiter's grid. */
struct screen_check {
	struct wcag whole, cell[CELLS];
	struct wcag_red red[CELLS];
	bool started;
};

static void screen_check_feed(struct screen_check *sc, double t, const uint32_t *px)
{
	double c[3];

	mean_colour(px, 0, 0, SW, SH, c);
	if (!sc->started)
		wcag_init(&sc->whole, lum_of(c[0], c[1], c[2]));
	wcag_feed(&sc->whole, t, lum_of(c[0], c[1], c[2]));
	for (int k = 0; k < CELLS; k++) {
		int cx = k % COLS, cy = k / COLS;

		mean_colour(px, cx * SW / COLS, cy * SH / ROWS, (cx + 1) * SW / COLS, (cy + 1) * SH / ROWS, c);
		if (!sc->started) {
			wcag_init(&sc->cell[k], lum_of(c[0], c[1], c[2]));
			wcag_red_init(&sc->red[k]);
		}
		wcag_feed(&sc->cell[k], t, lum_of(c[0], c[1], c[2]));
		wcag_red_feed(&sc->red[k], t, red_value_of(c[0], c[1], c[2]), saturated_red(c[0], c[1], c[2]));
	}
	sc->started = true;
}

/* Asserts every window of the whole image and of every cell is within the limits. */
static void screen_check_assert(const struct screen_check *sc, const struct flash_limits *lim)
{
	ck_assert_int_le(worst_window(&sc->whole.tr), 2 * lim->max_per_s);
	for (int k = 0; k < CELLS; k++) {
		ck_assert_msg(worst_window(&sc->cell[k].tr) <= 2 * lim->max_per_s,
			      "cell %d: %d transitions in a second", k, worst_window(&sc->cell[k].tr));
		ck_assert_msg(worst_window(&sc->red[k].tr) <= 2 * lim->max_red_per_s,
			      "cell %d: %d red transitions in a second", k, worst_window(&sc->red[k].tr));
	}
}

static void fill(uint32_t *px, int x0, int x1, int y0, int y1, uint32_t v)
{
	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++)
			px[y * SW + x] = v;
}

START_TEST(test_screen_strobe_is_held_to_the_limit_in_every_cell)
{
	struct flash_limits lim = { 3, 3 };
	struct flash_screen *s = flash_screen_create(&lim, SW, SH, COLS, ROWS);
	uint32_t *px = malloc(SW * SH * 4), *want = malloc(SW * SH * 4);
	static struct screen_check sc;
	struct flash_stats st;

	ck_assert_ptr_nonnull(s);
	lin_table_init();
	memset(&sc, 0, sizeof(sc));
	/* Full white and full black, swapped every frame for 5 s: 30 flashes a second wanted. */
	for (int i = 0; i < 5 * FPS; i++) {
		double t = (double)i / FPS;

		fill(want, 0, SW, 0, SH, i % 2 ? 0xffffffffu : 0xff000000u);
		memcpy(px, want, SW * SH * 4);
		flash_screen_apply(s, t, px, SW * 4);
		/* It limits, it does not freeze: the first 3 flashes pass untouched. */
		if (i <= 6)
			ck_assert(memcmp(px, want, SW * SH * 4) == 0);
		screen_check_feed(&sc, t, px);
	}
	screen_check_assert(&sc, &lim);
	ck_assert_int_eq(count_before(&sc.whole.tr, 1.0), 6);
	ck_assert_int_ge(sc.whole.tr.n, 5 * 6 - 1);	/* and every later second gets its 3 too */
	flash_screen_stats(s, &st);
	ck_assert_uint_eq(st.frames, 5 * FPS);
	ck_assert_uint_gt(st.cells_held, CELLS * 2 * FPS);	/* every other frame, after the first flashes */
	ck_assert_uint_eq(st.cells_red_dropped, 0);
	flash_screen_destroy(s);
	free(px);
	free(want);
}
END_TEST

/* The console's flash policy lowers the limit mid-strobe: from then on, the lower budget holds. */
START_TEST(test_a_stricter_policy_takes_effect_and_keeps_the_history)
{
	struct flash_limits venue = { 3, 3 }, stricter = { 1, 1 };
	struct flash_screen *s = flash_screen_create(&venue, SW, SH, COLS, ROWS);
	uint32_t *px = malloc(SW * SH * 4);
	static struct screen_check sc;

	lin_table_init();
	memset(&sc, 0, sizeof(sc));
	for (int i = 0; i < 6 * FPS; i++) {
		double t = (double)i / FPS;

		if (i == 2 * FPS)
			flash_screen_set_limits(s, &stricter);
		fill(px, 0, SW, 0, SH, i % 2 ? 0xffffffffu : 0xff000000u);
		flash_screen_apply(s, t, px, SW * 4);
		if (i >= 2 * FPS)
			screen_check_feed(&sc, t, px);	/* only what was shown under the new policy */
	}
	screen_check_assert(&sc, &stricter);
	ck_assert_int_ge(sc.whole.tr.n, 2 * 3);	/* still one flash a second, not a freeze */
	flash_screen_destroy(s);
	free(px);
}
END_TEST

START_TEST(test_screen_steady_half_is_never_touched)
{
	struct flash_limits lim = { 3, 3 };
	struct flash_screen *s = flash_screen_create(&lim, SW, SH, COLS, ROWS);
	uint32_t *px = malloc(SW * SH * 4), *steady = malloc(SW * SH * 4);
	static struct screen_check sc;
	struct flash_stats st;

	ck_assert_ptr_nonnull(s);
	lin_table_init();
	memset(&sc, 0, sizeof(sc));
	/* The right half: a still picture with noise, saturated red, and an alpha byte. */
	rng = 0x853c49e6748fea9bull;
	for (int k = 0; k < SW * SH; k++)
		steady[k] = (k % SW) % 40 < 10 ? 0x7fff0000u : (uint32_t)(uniform() * 0x1000000) | 0x12000000u;
	for (int i = 0; i < 5 * FPS; i++) {
		double t = (double)i / FPS;

		memcpy(px, steady, SW * SH * 4);
		fill(px, 0, SW / 2, 0, SH, i % 2 ? 0xffffffffu : 0xff000000u);
		flash_screen_apply(s, t, px, SW * 4);
		for (int y = 0; y < SH; y++)
			ck_assert(memcmp(px + y * SW + SW / 2, steady + y * SW + SW / 2, SW / 2 * 4) == 0);
		screen_check_feed(&sc, t, px);
	}
	screen_check_assert(&sc, &lim);
	flash_screen_stats(s, &st);
	ck_assert_uint_gt(st.cells_held, 0);
	flash_screen_destroy(s);
	free(px);
	free(steady);
}
END_TEST

START_TEST(test_screen_measures_one_pixel_lines)
{
	/* Every other row flashes white/black, the rows between stay black: a cell swings 0 <-> 0.5. */
	struct flash_limits lim = { 2, 3 };
	struct flash_screen *s = flash_screen_create(&lim, SW, SH, COLS, ROWS);
	uint32_t *px = malloc(SW * SH * 4);
	static struct screen_check sc;

	ck_assert_ptr_nonnull(s);
	lin_table_init();
	memset(&sc, 0, sizeof(sc));
	for (int i = 0; i < 3 * FPS; i++) {
		double t = (double)i / FPS;

		for (int y = 0; y < SH; y++)
			fill(px, 0, SW, y, y + 1, y % 2 && i % 2 ? 0xffffffffu : 0xff000000u);
		flash_screen_apply(s, t, px, SW * 4);
		screen_check_feed(&sc, t, px);
	}
	screen_check_assert(&sc, &lim);
	ck_assert_int_eq(count_before(&sc.whole.tr, 1.0), 4);
	flash_screen_destroy(s);
	free(px);
}
END_TEST

START_TEST(test_screen_red_strobe_is_held_to_the_red_budget)
{
	static const uint8_t red_limits[] = { 1, 0, 3 };
	static struct screen_check sc;
	uint32_t *px = malloc(SW * SH * 4);

	lin_table_init();
	for (int l = 0; l < 3; l++) {
		struct flash_limits lim = { 3, red_limits[l] };
		struct flash_screen *s = flash_screen_create(&lim, SW, SH, COLS, ROWS);
		int red_shown = 0;

		ck_assert_ptr_nonnull(s);
		memset(&sc, 0, sizeof(sc));
		/* Pure red (255, 0, 0) and black, alternating at 10 Hz (3 frames each). */
		for (int i = 0; i < 5 * FPS; i++) {
			double t = (double)i / FPS;
			uint32_t p;

			fill(px, 0, SW, 0, SH, (i / 3) % 2 ? 0xffff0000u : 0xff000000u);
			flash_screen_apply(s, t, px, SW * 4);
			screen_check_feed(&sc, t, px);
			p = px[(SH / 2) * SW + SW / 2];
			red_shown += ((p >> 16) & 0xff) > ((p >> 8) & 0xff);
		}
		screen_check_assert(&sc, &lim);
		if (lim.max_red_per_s == 0) {
			ck_assert_int_eq(red_shown, 0);
		} else {
			/*
			 * Red does get through: all of its budget in the first
			 * second, at least half of it on average after (the
			 * same frames spend the general budget too, and a held
			 * frame is never shown saturated red).
			 */
			ck_assert_int_eq(count_before(&sc.red[0].tr, 1.0), 2 * lim.max_red_per_s);
			ck_assert_int_ge(sc.red[0].tr.n, 5 * lim.max_red_per_s);
		}
		flash_screen_destroy(s);
	}
	free(px);
}
END_TEST

START_TEST(test_screen_rejects_bad_sizes)
{
	struct flash_limits lim = { 3, 3 };

	ck_assert_ptr_null(flash_screen_create(&lim, 0, 100, 1, 1));
	ck_assert_ptr_null(flash_screen_create(&lim, 100, 100, 0, 1));
	ck_assert_ptr_null(flash_screen_create(&lim, 10, 10, 11, 1));
	flash_screen_destroy(NULL);
}
END_TEST


static Suite *flash_suite(void)
{
	Suite *s = suite_create("safety_flash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_random_sequences_never_exceed_the_flash_limit);
	tcase_add_test(tc, test_allowed_flashing_passes_unchanged);
	tcase_add_test(tc, test_no_flashing_holds_even_slow_fades);
	tcase_add_test(tc, test_red_flashes_stay_within_their_own_budget);
	tcase_add_test(tc, test_a_held_picture_never_flashes_red);
	tcase_add_test(tc, test_screen_strobe_is_held_to_the_limit_in_every_cell);
	tcase_add_test(tc, test_screen_steady_half_is_never_touched);
	tcase_add_test(tc, test_a_stricter_policy_takes_effect_and_keeps_the_history);
	tcase_add_test(tc, test_screen_measures_one_pixel_lines);
	tcase_add_test(tc, test_screen_red_strobe_is_held_to_the_red_budget);
	tcase_add_test(tc, test_screen_rejects_bad_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(flash_suite());
}
