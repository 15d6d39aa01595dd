/*
 * check_flash.c - the photosensitivity limiter against an independent
 * WCAG 2.3.1 counter written here: long random sequences of what scenes
 * or the crowd might ask for go through the limiter, and the counter
 * checks every one-second window of what comes out. Also: the stage
 * screen limiter on real pixel frames, and phones' flash gate.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "flash.h"
#include "test_util.h"

#define FPS 60

/* ---- the reference counter (independent of flash.c) ---- */

struct counter {
	double ref;
	int dir;
	double times[4096];
	int n;
};

static void counter_init(struct counter *c, double first)
{
	memset(c, 0, sizeof(*c));
	c->ref = first;
}

/* Feeds one output value; records a transition when there is one. */
static void counter_feed(struct counter *c, double t, double v)
{
	if ((c->dir > 0 && v > c->ref) || (c->dir < 0 && v < c->ref)) {
		c->ref = v;
		return;
	}
	if (fabs(v - c->ref) >= 0.1 - 1e-6 && fmin(v, c->ref) < 0.8) {
		c->dir = v > c->ref ? 1 : -1;
		c->ref = v;
		if (c->n < 4096)
			c->times[c->n++] = t;
	}
}

/* The most of @n sorted times @at that fall in any one-second window. */
static int worst_window(const double *at, int n)
{
	int worst = 0;

	for (int i = 0; i < n; i++) {
		int k = 0;

		for (int j = i; j < n && at[j] - at[i] < 1.0 - 1e-9; j++)
			k++;
		worst = k > worst ? k : worst;
	}
	return worst;
}

/* The most transitions in any window (t-1, t]. */
static int counter_worst(const struct counter *c)
{
	return worst_window(c->times, c->n);
}

/* ---- random content ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

/* What a scene might ask for at frame @i: one of several kinds of content. */
static double content(int kind, int i, double a, double b, double hz)
{
	double t = (double)i / FPS;

	switch (kind) {
	case 0:
		return uniform();					/* noise */
	case 1:
		return fmod(t * hz, 1.0) < 0.5 ? a : b;			/* square wave */
	case 2:
		return a + (b - a) * (0.5 + 0.5 * sin(2 * M_PI * hz * t));	/* fades */
	case 3:
		return uniform() < 0.05 ? 1.0 : a;			/* rare bursts */
	default:
		return 0.75 + 0.1 * uniform();				/* near the 0.8 line */
	}
}

START_TEST(test_random_sequences_never_exceed_the_flash_limit)
{
	static const uint8_t limits[] = { 3, 2, 1, 0 };
	long windows_over = 0, held = 0, frames = 0;

	for (int seq = 0; seq < 400; seq++) {
		struct flash_limits lim = { limits[seq % 4], 3 };
		struct flash_channel ch;
		struct counter c;
		int kind = seq % 5;
		double a = uniform(), b = uniform(), hz = 1 + 29 * uniform();
		double first = content(kind, 0, a, b, hz);

		flash_channel_init(&ch, &lim, (float)first);
		counter_init(&c, first);
		for (int i = 0; i < 20 * FPS; i++) {
			double t = (double)i / FPS;
			bool drop;
			float want = (float)content(kind, i, a, b, hz);
			float shown = flash_channel_step(&ch, t, want, 0, false, &drop);

			held += shown != want;
			frames++;
			counter_feed(&c, t, shown);
		}
		windows_over += counter_worst(&c) > 2 * lim.max_per_s;
	}
	ck_assert_int_eq(windows_over, 0);
	ck_assert_int_gt(held, frames / 20);	/* the sequences really did push it */
}
END_TEST

START_TEST(test_allowed_content_passes_unchanged)
{
	struct flash_limits lim = { 3, 3 };
	struct flash_channel ch;

	/* A 1 Hz black/white square wave: one flash a second, within the limit. */
	flash_channel_init(&ch, &lim, 0);
	for (int i = 0; i < 10 * FPS; i++) {
		bool drop;
		float want = (i % FPS) < FPS / 2 ? 0.0f : 1.0f;

		ck_assert_float_eq(flash_channel_step(&ch, (double)i / FPS, want, 0, false, &drop), want);
	}
	/* Slow, shallow movement is never touched either. */
	flash_channel_init(&ch, &lim, 0.5f);
	for (int i = 0; i < 10 * FPS; i++) {
		bool drop;
		float want = 0.5f + 0.04f * sinf((float)i * 0.3f);

		ck_assert_float_eq(flash_channel_step(&ch, (double)i / FPS, want, 0, false, &drop), want);
	}
}
END_TEST

START_TEST(test_red_flashes_stay_within_their_own_budget)
{
	static const uint8_t limits[] = { 3, 1, 0 };

	for (int seq = 0; seq < 300; seq++) {
		struct flash_limits lim = { 3, limits[seq % 3] };
		struct flash_channel ch;
		double reds[4096];
		int n = 0;
		bool was_red = false;
		double hz = 1 + 29 * uniform();

		flash_channel_init(&ch, &lim, 0);
		for (int i = 0; i < 10 * FPS; i++) {
			double t = (double)i / FPS;
			bool want_red = seq % 2 ? fmod(t * hz, 1.0) < 0.5 : uniform() < 0.5, drop, shown_red;

			/* Pure red vs black: red value 320 x 1, saturated. */
			flash_channel_step(&ch, t, want_red ? 0.2126f : 0, want_red ? 320 : 0, want_red, &drop);
			shown_red = want_red && !drop;
			if (shown_red != was_red && n < 4096)
				reds[n++] = t;
			was_red = shown_red;
		}
		ck_assert_int_le(worst_window(reds, n), 2 * lim.max_red_per_s);
	}
}
END_TEST

/* ---- the stage screen ---- */

#define SW 320
#define SH 180

static double mean_luminance(const uint32_t *px, int x0, int y0, int x1, int y1)
{
	double sum = 0;

	for (int y = y0; y < y1; y++)
		for (int x = x0; x < x1; x++) {
			uint32_t p = px[y * SW + x];

			sum += 0.2126 * flash_linear((p >> 16) & 0xff) + 0.7152 * flash_linear((p >> 8) & 0xff) +
			       0.0722 * flash_linear(p & 0xff);
		}
	return sum / ((double)(x1 - x0) * (y1 - y0));
}

START_TEST(test_screen_flashing_at_60_hz_is_held_to_the_limit)
{
	struct flash_limits lim = { 3, 3 };
	struct flash_screen *s = flash_screen_create(&lim, SW, SH, 4, 3);
	uint32_t *px = malloc(SW * SH * 4), first_second_flips = 0;
	struct counter whole, right;
	double prev = -1;

	ck_assert_ptr_nonnull(s);
	for (int i = 0; i < 5 * FPS; i++) {
		double t = (double)i / FPS, lum, r;

		/* The left half flips black/white every frame; the right half is steady grey. */
		for (int y = 0; y < SH; y++)
			for (int x = 0; x < SW; x++)
				px[y * SW + x] = x < SW / 2 ? (i % 2 ? 0xffffffffu : 0xff000000u) : 0xff808080u;
		flash_screen_apply(s, t, px, SW * 4);
		lum = mean_luminance(px, 0, 0, SW / 2, SH);
		r = mean_luminance(px, SW / 2, 0, SW, SH);
		if (i == 0) {
			counter_init(&whole, lum);
			counter_init(&right, r);
		}
		counter_feed(&whole, t, lum);
		counter_feed(&right, t, r);
		if (t < 1 && prev >= 0 && fabs(lum - prev) > 0.5)
			first_second_flips++;
		prev = lum;
		/* The steady half is never touched. */
		ck_assert_uint_eq(px[(SH / 2) * SW + SW * 3 / 4], 0xff808080u);
	}
	ck_assert_int_le(counter_worst(&whole), 6);
	ck_assert_int_eq(right.n, 0);
	/* It limits, it does not freeze: the allowed flashes of the first second do get through. */
	ck_assert_uint_ge(first_second_flips, 5);
	{
		struct flash_stats st;

		flash_screen_stats(s, &st);
		ck_assert_uint_eq(st.frames, 5 * FPS);
		ck_assert_uint_gt(st.cells_held, 0);
	}
	flash_screen_destroy(s);
	free(px);
}
END_TEST

START_TEST(test_screen_red_flashing_loses_its_red_beyond_the_budget)
{
	struct flash_limits lim = { 3, 1 };
	struct flash_screen *s = flash_screen_create(&lim, SW, SH, 4, 3);
	uint32_t *px = malloc(SW * SH * 4);
	double turns[512];
	int n = 0;
	bool was_red = false;

	for (int i = 0; i < 5 * FPS; i++) {
		uint32_t p;
		bool red;

		/* Pure red and black alternate at 10 Hz. */
		for (int k = 0; k < SW * SH; k++)
			px[k] = (i / 3) % 2 ? 0xffff0000u : 0xff000000u;
		flash_screen_apply(s, (double)i / FPS, px, SW * 4);
		p = px[(SH / 2) * SW + SW / 2];
		red = ((p >> 16) & 0xff) > 2 * ((p >> 8) & 0xff) + 20;
		if (red != was_red)
			turns[n++] = (double)i / FPS;
		was_red = red;
	}
	ck_assert_int_ge(n, 2);		/* one red flash a second does get through */
	ck_assert_int_le(worst_window(turns, n), 2);
	flash_screen_destroy(s);
	free(px);
}
END_TEST

START_TEST(test_phones_flash_gate_allows_the_limit_and_no_more)
{
	struct flash_limits three = { 3, 3 }, none = { 0, 0 };
	struct flash_gate g;
	int allowed = 0;
	double at[200];

	flash_gate_init(&g, &three);
	for (int i = 0; i < 200; i++) {
		double t = i * 0.01;	/* 100 requests a second */

		if (flash_gate_allow(&g, t))
			at[allowed++] = t;
	}
	ck_assert_int_eq(worst_window(at, allowed), 3);
	ck_assert_int_eq(allowed, 6);
	flash_gate_init(&g, &none);
	for (int i = 0; i < 100; i++)
		ck_assert(!flash_gate_allow(&g, i * 0.05));
}
END_TEST

static Suite *flash_suite(void)
{
	Suite *s = suite_create("flash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_random_sequences_never_exceed_the_flash_limit);
	tcase_add_test(tc, test_allowed_content_passes_unchanged);
	tcase_add_test(tc, test_red_flashes_stay_within_their_own_budget);
	tcase_add_test(tc, test_screen_flashing_at_60_hz_is_held_to_the_limit);
	tcase_add_test(tc, test_screen_red_flashing_loses_its_red_beyond_the_budget);
	tcase_add_test(tc, test_phones_flash_gate_allows_the_limit_and_no_more);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(flash_suite());
}
