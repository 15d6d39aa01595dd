/*
 * audio_loudness.c - the stage output's loudness by libebur128. See
 * audio_loudness.h.
 *
 * What the callback touches (this struct, its scratch block and the ring)
 * comes from the engine's shared pool, so the callback may run in the
 * audio host process; libebur128's state is on the heap and belongs to
 * the consumer, which is always in the daemon.
 *
 * libebur128 runs in histogram mode: the integrated loudness and the LRA
 * then cost the same whatever the show's length, and adding frames never
 * allocates.
 *
 * Threads: loudness_feed() on the audio thread; the worker (or, once it is
 * stopped, the caller) measures; the reading is read anywhere.
 */
#include "audio_loudness.h"

#include <ebur128.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "spsc.h"

#define FEED_MAX	1024		/* frames per feed (the engine's largest block) */
#define READ_CHUNK	4096		/* frames the consumer takes from the ring at once */
#define PUBLISH_HZ	10		/* readings per second of audio: libebur128's 100 ms step */
#define WORKER_NAP_NS	10000000	/* the worker looks at the ring every 10 ms */
#define WORKER_NICE	10		/* below the show's threads: the meter may lag, they may not */

struct loudness {
	struct pool *pool;
	uint32_t rate;
	struct spsc ring;		/* audio -> consumer: interleaved stereo frames */
	float scratch[FEED_MAX * 2];	/* the audio thread's: one block interleaved */

	/* the consumer's */
	ebur128_state *meter;		/* heap, in the daemon */
	float *chunk;			/* READ_CHUNK frames from the ring */
	uint64_t measured;		/* frames added to the meter */
	uint64_t next_publish;		/* frame count at which the next reading is due */

	pthread_t worker;
	_Atomic bool worker_running;
	bool worker_started;

	/* the newest reading: written by the consumer, read anywhere */
	_Atomic double momentary, shortterm, integrated, range, true_peak;
	_Atomic uint64_t published_frames;
};

struct loudness *loudness_create(struct pool *pool, uint32_t rate, uint32_t ring_frames, char *err,
				 size_t err_size)
{
	struct loudness *l = pool_calloc(pool, 1, sizeof(*l));

	if (!l) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	l->pool = pool;
	l->rate = rate;
	if (spsc_init(&l->ring, pool, ring_frames, 2 * sizeof(float)) != 0)
		goto oom;
	l->chunk = malloc(READ_CHUNK * 2 * sizeof(float));
	l->meter = ebur128_init(2, rate, EBUR128_MODE_M | EBUR128_MODE_S | EBUR128_MODE_I | EBUR128_MODE_LRA |
				EBUR128_MODE_TRUE_PEAK | EBUR128_MODE_HISTOGRAM);
	if (!l->chunk || !l->meter) {
		snprintf(err, err_size, "loudness meter: cannot measure stereo at %u Hz", rate);
		loudness_destroy(l);
		return NULL;
	}
	l->next_publish = rate / PUBLISH_HZ;
	atomic_store(&l->momentary, -INFINITY);
	atomic_store(&l->shortterm, -INFINITY);
	atomic_store(&l->integrated, -INFINITY);
	atomic_store(&l->range, 0.0);
	atomic_store(&l->true_peak, -INFINITY);
	return l;
oom:
	snprintf(err, err_size, "out of memory");
	loudness_destroy(l);
	return NULL;
}

void loudness_destroy(struct loudness *l)
{
	if (!l)
		return;
	loudness_worker_stop(l);
	if (l->meter)
		ebur128_destroy(&l->meter);
	free(l->chunk);
	spsc_free(&l->ring);
	pool_free(l->pool, l);
}

/* ---- audio thread ---- */

void loudness_feed(struct loudness *l, const float *left, const float *right, uint32_t frames)
{
	if (frames > FEED_MAX)
		frames = FEED_MAX;
	for (uint32_t f = 0; f < frames; f++) {
		l->scratch[2 * f] = left[f];
		l->scratch[2 * f + 1] = right[f];
	}
	spsc_write(&l->ring, l->scratch, frames);	/* what does not fit is dropped and counted */
}

/* ---- consumer ---- */

static double or_silence(int rc, double v)
{
	return rc == EBUR128_SUCCESS && !isnan(v) ? v : -INFINITY;
}

static void publish(struct loudness *l)
{
	double v = 0, peak = 0;
	int rc;

	rc = ebur128_loudness_momentary(l->meter, &v);
	atomic_store_explicit(&l->momentary, or_silence(rc, v), memory_order_relaxed);
	rc = ebur128_loudness_shortterm(l->meter, &v);
	atomic_store_explicit(&l->shortterm, or_silence(rc, v), memory_order_relaxed);
	rc = ebur128_loudness_global(l->meter, &v);
	atomic_store_explicit(&l->integrated, or_silence(rc, v), memory_order_relaxed);
	/* Too little audio for a range: libebur128 says 0 LU, and so do we. */
	rc = ebur128_loudness_range(l->meter, &v);
	atomic_store_explicit(&l->range, rc == EBUR128_SUCCESS && isfinite(v) ? v : 0.0, memory_order_relaxed);
	for (unsigned ch = 0; ch < 2; ch++) {
		if (ebur128_true_peak(l->meter, ch, &v) == EBUR128_SUCCESS && v > peak)
			peak = v;
	}
	atomic_store_explicit(&l->true_peak, peak > 0 ? 20.0 * log10(peak) : -INFINITY, memory_order_relaxed);
	atomic_store_explicit(&l->published_frames, l->measured, memory_order_release);
}

uint64_t loudness_measure(struct loudness *l)
{
	uint64_t done = 0;
	uint32_t n;

	while ((n = spsc_read(&l->ring, l->chunk, READ_CHUNK)) > 0) {
		ebur128_add_frames_float(l->meter, l->chunk, n);
		l->measured += n;
		done += n;
		/*
		 * Due by the frame count, not the clock: offline, the same
		 * blocks give the same readings at the same show times.
		 */
		if (l->measured >= l->next_publish) {
			publish(l);
			while (l->next_publish <= l->measured)
				l->next_publish += l->rate / PUBLISH_HZ;
		}
	}
	return done;
}

void loudness_read(const struct loudness *l, struct loudness_reading *out)
{
	out->frames = atomic_load_explicit(&l->published_frames, memory_order_acquire);
	out->momentary_lufs = atomic_load_explicit(&l->momentary, memory_order_relaxed);
	out->shortterm_lufs = atomic_load_explicit(&l->shortterm, memory_order_relaxed);
	out->integrated_lufs = atomic_load_explicit(&l->integrated, memory_order_relaxed);
	out->range_lu = atomic_load_explicit(&l->range, memory_order_relaxed);
	out->true_peak_dbtp = atomic_load_explicit(&l->true_peak, memory_order_relaxed);
	out->dropped = spsc_dropped(&l->ring);
}

/* ---- the worker thread ---- */

static void *loudness_worker(void *arg)
{
	struct loudness *l = arg;
	const struct timespec nap = { 0, WORKER_NAP_NS };

	/*
	 * Linux gives each thread its own nice value. The ring holds 0.68 s,
	 * and the meter needs about 0.6 % of a core: at a lower priority it
	 * still keeps up, and never takes a core from the callback (the null
	 * device's thread, or the engine run offline) or the net thread when
	 * they are busy. Refused (a container's limits): it runs as it is.
	 */
	(void)setpriority(PRIO_PROCESS, (id_t)gettid(), WORKER_NICE);
	while (atomic_load_explicit(&l->worker_running, memory_order_acquire)) {
		if (loudness_measure(l) == 0)
			nanosleep(&nap, NULL);
	}
	return NULL;
}

int loudness_worker_start(struct loudness *l)
{
	if (l->worker_started)
		return 0;
	atomic_store(&l->worker_running, true);
	if (pthread_create(&l->worker, NULL, loudness_worker, l) != 0) {
		atomic_store(&l->worker_running, false);
		return -1;
	}
	l->worker_started = true;
	return 0;
}

void loudness_worker_stop(struct loudness *l)
{
	if (!l->worker_started)
		return;
	atomic_store_explicit(&l->worker_running, false, memory_order_release);
	pthread_join(l->worker, NULL);
	l->worker_started = false;
}
