/*
 * check_audio_loudness.c - the loudness meter reads generated tones of
 * known level as the standard says they should, reads silence as silence,
 * and its ring drops and counts what does not fit rather than block or
 * allocate. The real libebur128 measures; nothing is mocked.
 *
 * The expected level, from ITU-R BS.1770-4 (and EBU Tech 3341, test 1):
 * loudness is L = -0.691 + 10 log10(sum over channels of the mean square
 * of the K-weighted signal). K-weighting has a gain of about +0.691 dB at
 * 1 kHz, which the -0.691 cancels: the standard's own check is that a
 * 0 dBFS 1 kHz sine in one front channel reads -3.01 LKFS, its mean square
 * being 1/2. A sine of peak amplitude A in both channels therefore reads
 * 10 log10(2 * A^2 / 2) = 20 log10(A): -20 dBFS (A = 0.1) in both channels
 * reads -20.0 LUFS, momentary, short-term and integrated alike (EBU Tech
 * 3341 test 1: -23 dBFS stereo reads -23.0 LUFS). Its true peak is its
 * amplitude, -20.0 dBTP. (Adding 3.01 dB for the second channel would be
 * measuring against a single-channel reference; the formula already sums
 * the two channels.)
 */
#include <check.h>
#include <math.h>
#include <time.h>

#include "alloc_guard.h"
#include "audio_loudness.h"
#include "test_util.h"

#define RATE	48000
#define BLOCK	128
#define TONE_HZ	997.0		/* the standards' test tone: not a divisor of the sample rate */

/* Feeds @seconds of a @dbfs sine in both channels, measuring after each block as the offline renderer does. */
static void feed_tone(struct loudness *l, double dbfs, double seconds, uint64_t *frame)
{
	float left[BLOCK], right[BLOCK];
	double amplitude = dbfs > -200 ? pow(10.0, dbfs / 20.0) : 0.0;
	uint64_t blocks = (uint64_t)(seconds * RATE / BLOCK);

	for (uint64_t b = 0; b < blocks; b++) {
		for (int f = 0; f < BLOCK; f++, (*frame)++)
			left[f] = right[f] = (float)(amplitude * sin(2 * M_PI * TONE_HZ * (double)*frame / RATE));
		loudness_feed(l, left, right, BLOCK);
		loudness_measure(l);
	}
}

static struct loudness *meter(uint32_t ring_frames)
{
	char err[200];
	struct loudness *l = loudness_create(NULL, RATE, ring_frames, err, sizeof(err));

	ck_assert_msg(l != NULL, "loudness_create: %s", err);
	return l;
}

static void assert_tone_reads(double dbfs)
{
	struct loudness *l = meter(8192);
	struct loudness_reading r;
	uint64_t frame = 0;

	feed_tone(l, dbfs, 10.0, &frame);
	loudness_read(l, &r);
	ck_assert_msg(fabs(r.momentary_lufs - dbfs) <= 0.5, "momentary %.2f LUFS for %.1f dBFS", r.momentary_lufs, dbfs);
	ck_assert_msg(fabs(r.shortterm_lufs - dbfs) <= 0.5, "short-term %.2f LUFS for %.1f dBFS", r.shortterm_lufs,
		      dbfs);
	ck_assert_msg(fabs(r.integrated_lufs - dbfs) <= 0.5, "integrated %.2f LUFS for %.1f dBFS", r.integrated_lufs,
		      dbfs);
	ck_assert_msg(fabs(r.true_peak_dbtp - dbfs) <= 0.5, "true peak %.2f dBTP for %.1f dBFS", r.true_peak_dbtp, dbfs);
	/* A steady tone has no loudness range. */
	ck_assert_msg(r.range_lu < 1.0, "LRA %.2f LU for a steady tone", r.range_lu);
	ck_assert_uint_eq(r.dropped, 0);
	ck_assert_uint_eq(r.frames, frame);	/* 10 s is a whole number of 100 ms readings */
	loudness_destroy(l);
}

START_TEST(test_loudness_sine_at_minus_20_dbfs_reads_minus_20_lufs)
{
	assert_tone_reads(-20.0);
}
END_TEST

START_TEST(test_loudness_sine_at_minus_23_dbfs_reads_minus_23_lufs)
{
	assert_tone_reads(-23.0);	/* EBU Tech 3341, test 1 */
}
END_TEST

START_TEST(test_loudness_momentary_follows_a_step_and_integrated_gates_it)
{
	struct loudness *l = meter(8192);
	struct loudness_reading r;
	uint64_t frame = 0;

	/* 10 s at -20, then 3 s at -30: momentary and short-term follow, integrated weighs the whole. */
	feed_tone(l, -20.0, 10.0, &frame);
	feed_tone(l, -30.0, 3.0, &frame);
	loudness_read(l, &r);
	ck_assert_msg(fabs(r.momentary_lufs + 30.0) <= 0.5, "momentary %.2f", r.momentary_lufs);
	ck_assert_msg(fabs(r.shortterm_lufs + 30.0) <= 0.5, "short-term %.2f", r.shortterm_lufs);
	/* Energy mean of 10 s at -20 and 3 s at -30 (both above the relative gate): -21.01 LUFS. */
	ck_assert_msg(fabs(r.integrated_lufs + 21.01) <= 0.5, "integrated %.2f", r.integrated_lufs);
	ck_assert_msg(fabs(r.true_peak_dbtp + 20.0) <= 0.5, "true peak %.2f", r.true_peak_dbtp);
	loudness_destroy(l);
}
END_TEST

START_TEST(test_loudness_silence_reads_minus_infinity)
{
	struct loudness *l = meter(8192);
	struct loudness_reading r;
	uint64_t frame = 0;

	loudness_read(l, &r);	/* before any audio */
	ck_assert(isinf(r.momentary_lufs) && r.momentary_lufs < 0);
	feed_tone(l, -1000.0, 5.0, &frame);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.frames, frame);
	ck_assert_msg(isinf(r.momentary_lufs) && r.momentary_lufs < 0, "momentary %f", r.momentary_lufs);
	ck_assert_msg(isinf(r.shortterm_lufs) && r.shortterm_lufs < 0, "short-term %f", r.shortterm_lufs);
	ck_assert_msg(isinf(r.integrated_lufs) && r.integrated_lufs < 0, "integrated %f", r.integrated_lufs);
	ck_assert_msg(isinf(r.true_peak_dbtp) && r.true_peak_dbtp < 0, "true peak %f", r.true_peak_dbtp);
	ck_assert(r.range_lu == 0.0);
	loudness_destroy(l);
}
END_TEST

START_TEST(test_loudness_full_ring_drops_and_counts_without_blocking_or_allocating)
{
	struct loudness *l = meter(1024);
	struct loudness_reading r;
	float left[1024] = { 0 }, right[1024] = { 0 };
	long calls;

	/* Nobody measures: the first block fills the ring, the nine after it are dropped whole. */
	alloc_guard_begin();
	for (int b = 0; b < 10; b++)
		loudness_feed(l, left, right, 1024);
	calls = alloc_guard_end();
	ck_assert_int_eq(calls, 0);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.dropped, 9 * 1024);
	/* The consumer catches up with what was kept, and the ring takes blocks again. */
	ck_assert_uint_eq(loudness_measure(l), 1024);
	loudness_feed(l, left, right, 1024);
	loudness_read(l, &r);
	ck_assert_uint_eq(r.dropped, 9 * 1024);
	loudness_destroy(l);
}
END_TEST

START_TEST(test_loudness_worker_measures_off_the_feeding_thread)
{
	struct loudness *l = meter(32768);
	struct loudness_reading r;
	float left[BLOCK], right[BLOCK];
	const struct timespec nap = { 0, 1000000 };
	uint64_t frame = 0, total = 5 * RATE;

	ck_assert_int_eq(loudness_worker_start(l), 0);
	while (frame < total) {
		for (int f = 0; f < BLOCK; f++, frame++)
			left[f] = right[f] = (float)(0.1 * sin(2 * M_PI * TONE_HZ * (double)frame / RATE));
		loudness_feed(l, left, right, BLOCK);
		nanosleep(&nap, NULL);	/* paced a little, like a device: the ring never fills */
	}
	/* The worker publishes every 100 ms of audio; wait for the last (Check's timeout is the bound). */
	do {
		nanosleep(&nap, NULL);
		loudness_read(l, &r);
	} while (r.frames < total);
	loudness_worker_stop(l);
	ck_assert_uint_eq(r.dropped, 0);
	ck_assert_msg(fabs(r.shortterm_lufs + 20.0) <= 0.5, "short-term %.2f", r.shortterm_lufs);
	ck_assert_msg(fabs(r.integrated_lufs + 20.0) <= 0.5, "integrated %.2f", r.integrated_lufs);
	loudness_destroy(l);
}
END_TEST

TEST_MAIN("audio_loudness", test_loudness_sine_at_minus_20_dbfs_reads_minus_20_lufs,
	  test_loudness_sine_at_minus_23_dbfs_reads_minus_23_lufs,
	  test_loudness_momentary_follows_a_step_and_integrated_gates_it, test_loudness_silence_reads_minus_infinity,
	  test_loudness_full_ring_drops_and_counts_without_blocking_or_allocating,
	  test_loudness_worker_measures_off_the_feeding_thread)
