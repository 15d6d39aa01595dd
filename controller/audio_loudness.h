/*
 * audio_loudness.h - the stage output's loudness to broadcast standard
 * (EBU R 128 / ITU-R BS.1770), measured by libebur128: momentary (400 ms),
 * short-term (3 s) and integrated LUFS, the loudness range (LRA) and the
 * highest true peak (dBTP) since the show began.
 *
 * The audio callback only copies each output block into a lock-free ring
 * (a full ring drops the block's frames and counts them; nothing blocks or
 * allocates). A consumer drains the ring into libebur128 and publishes the
 * newest reading: the meter's own worker thread live, or, offline, the
 * thread that renders, after each block, so a rehearsal's readings are the
 * same at every run.
 *
 * Silence reads -INFINITY LUFS and dBTP.
 *
 * Threads: create/destroy and worker start/stop on one set-up thread;
 * loudness_feed() on the audio thread only (it may be in the audio host
 * process: the ring lives in the engine's shared pool); loudness_measure()
 * on the consumer only (the worker while it runs, else the caller);
 * loudness_read() on any thread.
 */
#ifndef TUTTI_AUDIO_LOUDNESS_H
#define TUTTI_AUDIO_LOUDNESS_H

#include <stddef.h>
#include <stdint.h>

#include "pool.h"

struct loudness_reading {
	double momentary_lufs;		/* the last 400 ms; -INFINITY = silence */
	double shortterm_lufs;		/* the last 3 s */
	double integrated_lufs;		/* gated, since the start */
	double range_lu;		/* loudness range (LRA), since the start; 0 until there is one */
	double true_peak_dbtp;		/* highest true peak of either channel since the start */
	uint64_t frames;		/* frames measured */
	uint64_t dropped;		/* frames that found the ring full (not measured) */
};

struct loudness;

/*
 * A meter for stereo at @rate, its ring (@ring_frames, rounded up to a
 * power of two) and the callback's scratch from @pool (the engine's shared
 * pool; NULL = heap). NULL with a message in @err.
 */
struct loudness *loudness_create(struct pool *pool, uint32_t rate, uint32_t ring_frames, char *err,
				 size_t err_size);
/* Stops the worker if it runs and frees the meter. NULL does nothing. */
void loudness_destroy(struct loudness *l);

/* Starts the worker thread that consumes the ring. 0, or -1 when no thread can start. */
int loudness_worker_start(struct loudness *l);
/* Stops and joins the worker (if it runs): from then on the caller is the consumer. */
void loudness_worker_stop(struct loudness *l);

/* Audio thread: hands over @frames (<= 1024) of the output. Never blocks, never allocates. */
void loudness_feed(struct loudness *l, const float *left, const float *right, uint32_t frames);
/*
 * Consumer: measures everything waiting in the ring and publishes the
 * reading (at most every 100 ms of audio, counted in frames, and whenever
 * the ring ran dry). Returns the frames measured.
 */
uint64_t loudness_measure(struct loudness *l);
/* Any thread: the newest published reading. */
void loudness_read(const struct loudness *l, struct loudness_reading *out);

#endif
