/*
 * check_audio_analysis.c - live-input analysis on generated signals: a click
 * track at a known tempo is found within 1 BPM, every click is an onset,
 * level and bands measure what was played, any block size gives the same
 * answer, and processing never allocates.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "alloc_guard.h"
#include "audio_analysis.h"
#include "test_util.h"

#define RATE 48000.0f
#define HOP 128

/* Fills @buf with a click track: a 15 ms decaying noise burst on every beat. */
static void click_track(float *buf, uint32_t frames, uint64_t start, double bpm)
{
	static uint32_t seed = 7;
	double period = 60.0 / bpm;

	for (uint32_t i = 0; i < frames; i++) {
		double t = (double)(start + i) / RATE, ph = fmod(t, period);
		float noise;

		seed = seed * 1664525u + 1013904223u;
		noise = (float)((seed >> 8) / 8388608.0 - 1.0);
		buf[i] = ph < 0.015 ? noise * 0.8f * (float)exp(-ph * 300) : 0.0f;
	}
}

static struct analysis_features run_clicks(double bpm, double seconds, uint32_t block)
{
	struct analysis *a = analysis_create(RATE, HOP);
	struct analysis_features f;
	float buf[1024];

	ck_assert_ptr_nonnull(a);
	for (uint64_t i = 0; i < (uint64_t)(seconds * RATE); i += block) {
		click_track(buf, block, i, bpm);
		analysis_process(a, buf, block);
	}
	analysis_features_get(a, &f);
	analysis_destroy(a);
	return f;
}

static const double tempos[] = { 90, 120, 140 };

START_TEST(test_analysis_click_track_tempo_within_one_bpm)
{
	struct analysis_features f = run_clicks(tempos[_i], 30, 128);

	ck_assert_msg(fabs(f.bpm - tempos[_i]) <= 1.0, "%.0f BPM click track read as %.2f BPM",
		      tempos[_i], f.bpm);
}
END_TEST

START_TEST(test_analysis_counts_every_click_as_an_onset)
{
	struct analysis_features f = run_clicks(tempos[_i], 20, 128);
	int clicks = (int)(20 * tempos[_i] / 60);

	ck_assert_msg(abs((int)f.onsets - clicks) <= 1, "%u onsets for %d clicks", f.onsets, clicks);
	ck_assert_uint_gt(f.beats, 0);
}
END_TEST

START_TEST(test_analysis_any_block_size_gives_the_same_tempo)
{
	const uint32_t blocks[] = { 1, 7, 128, 1024 };
	double first = run_clicks(120, 30, blocks[0]).bpm;

	for (int b = 1; b < 4; b++)
		ck_assert_double_eq_tol(run_clicks(120, 30, blocks[b]).bpm, first, 1.0);
}
END_TEST

/* Level and bands after @seconds of a sine at @freq and @amp. */
static struct analysis_features run_sine(double freq, double amp, double seconds)
{
	struct analysis *a = analysis_create(RATE, HOP);
	struct analysis_features f;
	float buf[256];

	for (uint64_t i = 0; i < (uint64_t)(seconds * RATE); i += 256) {
		for (int k = 0; k < 256; k++)
			buf[k] = (float)(amp * sin(2 * M_PI * freq * (double)(i + k) / RATE));
		analysis_process(a, buf, 256);
	}
	analysis_features_get(a, &f);
	analysis_destroy(a);
	return f;
}

START_TEST(test_analysis_level_measures_rms_and_peak)
{
	struct analysis_features full = run_sine(1000, 1.0, 1), quiet = run_sine(1000, 0.1, 1);

	ck_assert_double_eq_tol(20 * log10(full.rms), 20 * log10(1 / sqrt(2)), 0.1);
	ck_assert_double_eq_tol(20 * log10(full.peak), 0, 0.1);
	ck_assert_double_eq_tol(20 * log10(quiet.rms), -20 + 20 * log10(1 / sqrt(2)), 0.1);
	ck_assert_double_eq_tol(20 * log10(quiet.peak), -20, 0.1);
}
END_TEST

START_TEST(test_analysis_bands_follow_the_frequency)
{
	struct analysis_features low = run_sine(80, 0.5, 1), high = run_sine(5000, 0.5, 1);

	/* Bands are dB above -60 mapped to 0..1: 20 dB is a third of the scale. */
	ck_assert_msg(low.bands[0] - low.bands[3] > 20.0 / 60, "80 Hz: low %.2f high %.2f",
		      low.bands[0], low.bands[3]);
	ck_assert_msg(high.bands[3] - high.bands[0] > 20.0 / 60, "5 kHz: low %.2f high %.2f",
		      high.bands[0], high.bands[3]);
	ck_assert_double_gt(low.bands[0], 0.7);
}
END_TEST

START_TEST(test_analysis_process_never_allocates)
{
	struct analysis *a = analysis_create(RATE, HOP);
	float buf[128];
	long calls;

	alloc_guard_begin();
	for (uint64_t i = 0; i < (uint64_t)(10 * RATE); i += 128) {
		click_track(buf, 128, i, 120);
		analysis_process(a, buf, 128);
	}
	calls = alloc_guard_end();
	analysis_destroy(a);
	ck_assert_int_eq(calls, 0);
}
END_TEST

static Suite *analysis_suite(void)
{
	Suite *s = suite_create("audio_analysis");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_analysis_click_track_tempo_within_one_bpm, 0, 3);
	tcase_add_loop_test(tc, test_analysis_counts_every_click_as_an_onset, 0, 3);
	tcase_add_test(tc, test_analysis_any_block_size_gives_the_same_tempo);
	tcase_add_test(tc, test_analysis_level_measures_rms_and_peak);
	tcase_add_test(tc, test_analysis_bands_follow_the_frequency);
	tcase_add_test(tc, test_analysis_process_never_allocates);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(analysis_suite());
}
