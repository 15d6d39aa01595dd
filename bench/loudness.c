/*
 * bench/loudness.c - what the loudness meter costs: the audio thread's
 * hand-over (loudness_feed, per block) and the worker's measurement
 * (libebur128 with M, S, I, LRA and true peak, per second of audio).
 *
 * Feeds a minute (or the seconds given) of stereo, 48 kHz, a music-like
 * signal (a chord of sines under noise), in 128-frame blocks, measuring
 * after every 8 blocks as the worker would after a 10 ms nap. The feed is
 * timed on the monotonic clock (vDSO), the measurement on the thread's
 * CPU clock.
 *
 * Run: build/bench/bench_loudness [seconds]
 * Not a test: figures go to bench/RESULTS.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "audio_loudness.h"

#define RATE	48000
#define BLOCK	128

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The thread's CPU time: a system call, fine around a measurement of milliseconds. */
static uint64_t cpu_ns(void)
{
	return clock_ns(CLOCK_THREAD_CPUTIME_ID);
}

/* The monotonic clock through the vDSO: cheap enough around a feed of a microsecond or two. */
static uint64_t wall_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 60;
	uint64_t blocks = (uint64_t)(seconds * RATE / BLOCK), feed_ns = 0, measure_ns = 0, frame = 0;
	float left[BLOCK], right[BLOCK];
	struct loudness_reading r;
	char err[200];
	struct loudness *l = loudness_create(NULL, RATE, 32768, err, sizeof(err));
	unsigned seed = 1;

	if (!l) {
		fprintf(stderr, "bench_loudness: %s\n", err);
		return 1;
	}
	for (uint64_t b = 0; b < blocks; b++) {
		uint64_t t0;

		for (int f = 0; f < BLOCK; f++, frame++) {
			double t = (double)frame / RATE, noise = (double)rand_r(&seed) / RAND_MAX - 0.5;

			left[f] = (float)(0.1 * sin(2 * M_PI * 220 * t) + 0.05 * sin(2 * M_PI * 277 * t) + 0.02 * noise);
			right[f] = (float)(0.1 * sin(2 * M_PI * 330 * t) + 0.05 * sin(2 * M_PI * 277 * t) + 0.02 * noise);
		}
		t0 = wall_ns();
		loudness_feed(l, left, right, BLOCK);
		feed_ns += wall_ns() - t0;
		if (b % 8 == 7 || b + 1 == blocks) {
			t0 = cpu_ns();
			loudness_measure(l);
			measure_ns += cpu_ns() - t0;
		}
	}
	loudness_read(l, &r);
	printf("loudness: %.0f s of 48 kHz stereo in %u-frame blocks\n", seconds, BLOCK);
	printf("  audio thread, loudness_feed: %.2f us per block (%.3f %% of a block's %.0f us)\n",
	       feed_ns / 1e3 / blocks, 100.0 * feed_ns / blocks / (1e9 * BLOCK / RATE), 1e6 * BLOCK / RATE);
	printf("  worker, measuring: %.2f ms CPU per second of audio (%.2f %% of one core)\n",
	       measure_ns / 1e6 / seconds, 100.0 * measure_ns / 1e9 / seconds);
	printf("  reading: M %.2f, S %.2f, I %.2f LUFS, LRA %.2f LU, true peak %.2f dBTP, %llu dropped\n",
	       r.momentary_lufs, r.shortterm_lufs, r.integrated_lufs, r.range_lu, r.true_peak_dbtp,
	       (unsigned long long)r.dropped);
	loudness_destroy(l);
	return 0;
}
