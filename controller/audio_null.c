/*
 * audio_null.c - the null audio device: runs the engine's callback on a
 * thread paced by the monotonic clock, for machines with no sound card
 * and while a lost device is being reopened. Output goes nowhere.
 *
 * Thread: start/stop on the net thread; the device's own thread calls
 * engine_process() (it plays the audio thread's part).
 */
#include "audio_backend.h"

#include <time.h>

static void timespec_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static void *null_device_run(void *arg)
{
	struct null_device *n = arg;
	float out[ENGINE_MAX_BLOCK * 2];
	struct timespec next, start;
	long block_ns = (long)((double)n->frames * 1e9 / n->rate);

	clock_gettime(CLOCK_MONOTONIC, &next);
	start = next;
	while (atomic_load_explicit(&n->running, memory_order_acquire)) {
		struct timespec now;

		/* This device's clock is the monotonic clock it is paced by. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		engine_note_device_time(n->engine, (double)(now.tv_sec - start.tv_sec) +
					(double)(now.tv_nsec - start.tv_nsec) * 1e-9);
		engine_process(n->engine, NULL, 0, out, 2, n->frames);
		timespec_add_ns(&next, block_ns);
		clock_gettime(CLOCK_MONOTONIC, &now);
		/* More than a block behind (machine suspended, debugger): count it and catch up. */
		if (now.tv_sec > next.tv_sec + 1 ||
		    (now.tv_sec - next.tv_sec) * 1000000000L + (now.tv_nsec - next.tv_nsec) > block_ns) {
			engine_note_xrun(n->engine);
			next = now;
		}
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return NULL;
}

int null_device_start(struct null_device *n, struct engine *e, uint32_t rate, uint32_t frames)
{
	if (n->started)
		return 0;
	n->engine = e;
	n->rate = rate;
	n->frames = frames > ENGINE_MAX_BLOCK ? ENGINE_MAX_BLOCK : frames;
	engine_set_block(e, n->frames);
	atomic_store(&n->running, true);
	if (pthread_create(&n->thread, NULL, null_device_run, n) != 0) {
		atomic_store(&n->running, false);
		return -1;
	}
	n->started = true;
	return 0;
}

void null_device_stop(struct null_device *n)
{
	if (!n->started)
		return;
	atomic_store_explicit(&n->running, false, memory_order_release);
	pthread_join(n->thread, NULL);
	n->started = false;
}
