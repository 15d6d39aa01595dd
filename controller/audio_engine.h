/*
 * audio_engine.h - the stage audio engine: stems, one-shots, effects, the
 * venue's limiter and live-input analysis, run block by block by whichever
 * audio backend drives it (PortAudio, the paced null device, or offline).
 *
 * Threads: engine_create/destroy on the net thread before and after the
 * show. engine_process() on the audio thread only: it never allocates,
 * locks, logs or makes a system call other than reading the monotonic
 * clock through the vDSO to time itself. Parameters come in through a
 * triple buffer, one-shots through an SPSC ring; features and health go
 * out through another SPSC ring and atomic counters.
 */
#ifndef TUTTI_AUDIO_ENGINE_H
#define TUTTI_AUDIO_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audio_loudness.h"
#include "audio_map.h"
#include "config.h"
#include "frame.h"

#define ENGINE_MAX_BLOCK	1024	/* frames per engine_process call */
#define ENGINE_MAX_VOICES	16	/* one-shots sounding at once */
#define ENGINE_TIMING_BUCKETS	64	/* callback-time histogram, 1/64 of the budget each... */
#define ENGINE_FEEDBACK_HZ	50	/* feature reports per second */

/* Audio thread -> net thread, about 50 times a second. */
struct engine_feedback {
	struct frame_music music;	/* live input and output, for the show frame; flashes is 0 */
	float bpm_confidence;
	float master_gain_db;		/* as applied, after the rate limit */
	float limiter_max_db;		/* the limiter's largest gain reduction since the last report, dB >= 0 */
	uint64_t frames;		/* engine frames rendered so far */
};

/* Health, read by the net thread at any time. */
struct engine_stats {
	uint64_t callbacks;
	uint64_t frames;
	uint64_t xruns;			/* reported by the backend */
	uint64_t late_callbacks;	/* took longer than their block's duration */
	uint64_t device_clock_frames;	/* the device's own clock at its latest callback, 0 = unknown */
	double callback_max_s;
	double callback_p999_s;		/* 99.9th percentile (bucketed: an upper bound) */
	double budget_s;		/* duration of a block at the current size */
	uint64_t voices_stolen;		/* one-shots that replaced the oldest */
	uint64_t triggers_dropped;	/* one-shot ring full */
	uint64_t feedback_dropped;
	uint64_t clamped_samples;	/* limiter's last-resort clamp engaged */
	struct loudness_reading loudness;	/* the output's, newest published (audio_loudness.h) */
};

struct engine;

/*
 * Loads every audio file of the show (decoded and resampled to
 * @sample_rate now, never during the show) and sets up DSP for blocks of
 * up to ENGINE_MAX_BLOCK frames. Returns NULL with a message in @err.
 */
struct engine *engine_create(const struct venue_config *cfg, uint32_t sample_rate,
			     char *err, size_t err_size);
void engine_destroy(struct engine *e);

/*
 * Audio thread: renders @frames (<= ENGINE_MAX_BLOCK) into @out
 * (interleaved, @out_channels 1 or 2) and analyses @in (interleaved,
 * @in_channels 0..2; NULL or 0 channels = no input).
 */
void engine_process(struct engine *e, const float *in, uint32_t in_channels,
		    float *out, uint32_t out_channels, uint32_t frames);

/*
 * Offline renderer, before its first block: stops the loudness meter's
 * worker; from then on the caller measures with engine_loudness_measure()
 * after each block, so the readings follow the rendered audio exactly.
 */
void engine_loudness_take_over(struct engine *e);
/* The loudness meter's consumer (after engine_loudness_take_over()): measures what the callback handed over. */
void engine_loudness_measure(struct engine *e);

/* Backend, any thread: counts an underflow/overflow the device reported. */
void engine_note_xrun(struct engine *e);
/*
 * Audio thread, before engine_process(): the device's own clock at this
 * callback, in seconds of its stream time (PortAudio's timeInfo; on JACK,
 * JACK's frame time). Compared with the frames rendered, it shows whether
 * every cycle of the device got its block, whatever the wall clock did.
 */
void engine_note_device_time(struct engine *e, double stream_s);
/* Backend in another process, before starting: maps the engine's shared memory in (pool_prefault). */
void engine_prefault(const struct engine *e);
/* Backend, before starting: the block size it will use (for the budget). */
void engine_set_block(struct engine *e, uint32_t frames);

/* Net thread: the newest parameters (the engine picks them up next block). */
void engine_params_publish(struct engine *e, const struct audio_params *p);
/* Net thread: plays a one-shot. False when the ring is full (counted). */
bool engine_trigger(struct engine *e, const struct audio_trigger *t);
/* Net thread: the next feature report, false when none is waiting. */
bool engine_feedback_pop(struct engine *e, struct engine_feedback *fb);
/* Any thread but audio: health counters. */
void engine_stats_get(const struct engine *e, struct engine_stats *s);

uint32_t engine_sample_rate(const struct engine *e);
/* Applied master gain in dB, for tests (audio thread or after it stopped). */
float engine_master_gain_db(const struct engine *e);

#endif
