/*
 * audio_engine.c - the stage audio engine. See audio_engine.h.
 *
 * Per block: pick up the newest parameters (triple buffer) and queued
 * one-shots (SPSC ring); render the cues' stems on one shared transport
 * so every loop stays on the same beat, fading cues in and out with an
 * equal-power curve; add the one-shot voices; filter and delay; apply the
 * master gain through a dB slew held to the venue's rate; limit to the
 * venue's ceiling; hand the output to the loudness meter and the live
 * input to the analysis worker; report
 * about 50 times a second. Everything is allocated in engine_create().
 *
 * What the callback writes lives in a shared pool (pool.h), so the audio
 * host process that PortAudio runs in works on the same engine as the
 * daemon. Decoded clips and the analysis state stay on the heap: the
 * first are read-only, the second belongs to the worker thread.
 *
 * Live-input analysis runs on its own worker thread, not in the callback:
 * aubio's beat tracker does about 7 ms of work every 1,024 hops, more than
 * a whole 128-frame block. The callback only copies input samples into a
 * lock-free ring; the worker analyses them and publishes features through
 * a triple buffer.
 *
 * Threads: engine_process() on the audio thread only; analysis_worker on
 * its own thread; the rest on the net thread, except engine_note_xrun()
 * (backend, any thread).
 */
#include "audio_engine.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#endif

#include "audio_analysis.h"
#include "audio_clip.h"
#include "audio_dsp.h"
#include "audio_loudness.h"
#include "pool.h"
#include "spsc.h"
#include "tribuf.h"

#define SLOTS			3	/* cues sounding at once: current, and two fading out */
#define LIMITER_LOOKAHEAD_MS	5.0f
#define LIMITER_RELEASE_MS	150.0f
#define ANALYSIS_HOP		128	/* 2.7 ms at 48 kHz: tempo within 0.6 BPM (256 read 0.7 % high) */
#define CHOICE_FADE_S		1.0	/* a voted stem swaps in over a second */
#define PARAM_SMOOTH_S		0.05f	/* filter, delay and rate glide between ticks */
#define TIMING_BUCKETS		200	/* callback time histogram: 1 % of the budget each */
#define INPUT_RING_FRAMES	32768	/* 0.68 s of input at 48 kHz waiting for analysis */
#define OUTPUT_RING_FRAMES	32768	/* 0.68 s of output at 48 kHz waiting for the loudness meter */
#define WORKER_NAP_NS		2000000	/* the worker checks for input every 2 ms */
#define HALF_PI			1.57079632679489661923
#define POOL_BYTES		(64u << 20)	/* reserved; the engine touches ~1-4 MB of it */

/* One cue's stems, fading in or out. */
struct slot {
	int cue;			/* -1 = free */
	uint32_t generation;
	float level, level_step;	/* fade position 0..1 and its per-sample step */
	struct slew gain[CONFIG_MAX_STEMS];	/* per stem, dB, held to the safety rate */
	float on[CONFIG_MAX_STEMS];	/* choice crossfade, 0..1 */
};

struct voice {
	const struct audio_clip *clip;	/* NULL = free */
	uint32_t pos;
	float gain;
	uint64_t started;
};

struct engine {
	struct pool *pool;		/* this struct and its working buffers */
	const struct venue_config *cfg;
	uint32_t rate;
	struct audio_clip *clips;
	uint32_t clip_count;

	struct tribuf params_in;	/* net -> audio */
	struct spsc triggers;		/* net -> audio: struct audio_trigger */
	struct spsc feedback;		/* audio -> net: struct engine_feedback */
	struct audio_params p;		/* audio thread's copy */

	struct slot slots[SLOTS];
	double transport;		/* frames, advances by the playback rate */
	struct smoother playback_rate;
	struct voice voices[ENGINE_MAX_VOICES];
	uint64_t voice_clock;

	struct dsp_svf filter;
	struct smoother cutoff, resonance, delay_time, delay_feedback, delay_mix;
	struct dsp_delay delay;
	struct slew master;
	struct dsp_limiter limiter;
	float limiter_max_db;		/* the limiter's largest gain reduction since the last report */
	struct loudness *loudness;	/* the output's loudness: fed here, measured off the audio thread */
	struct analysis *analysis;	/* used by the worker thread only */
	struct spsc input_ring;		/* audio -> worker: mono input samples */
	struct tribuf features;		/* worker -> net: struct analysis_features */
	pthread_t worker;
	_Atomic bool worker_running;
	bool worker_started;

	float mix_l[ENGINE_MAX_BLOCK], mix_r[ENGINE_MAX_BLOCK];
	float gain[ENGINE_MAX_BLOCK];
	float in_mono[ENGINE_MAX_BLOCK];

	uint32_t feedback_every, feedback_countdown;
	float out_peak;

	/* health: written by the audio thread (or backend), read anywhere */
	_Atomic uint64_t callbacks, frames, xruns, late, voices_stolen, clamped;
	_Atomic uint64_t max_ns;
	_Atomic uint64_t device_clock;	/* frames of the device's clock at its latest callback */
	_Atomic uint32_t block;
	_Atomic uint64_t timing[TIMING_BUCKETS + 1];	/* last bucket: over budget */
	_Atomic float master_db;
	_Atomic bool input_live;	/* the last block had live input (else there is nothing to analyse) */
};

/* ---- analysis worker (its own thread) ---- */

static void *analysis_worker(void *arg)
{
	struct engine *e = arg;
	float buf[1024];
	struct analysis_features f;
	const struct timespec nap = { 0, WORKER_NAP_NS };

	while (atomic_load_explicit(&e->worker_running, memory_order_acquire)) {
		uint32_t n = spsc_read(&e->input_ring, buf, 1024);

		if (n == 0) {
			nanosleep(&nap, NULL);
			continue;
		}
		analysis_process(e->analysis, buf, n);
		analysis_features_get(e->analysis, &f);
		tribuf_write(&e->features, &f);
	}
	return NULL;
}

/* ---- set-up (net thread) ---- */

uint32_t engine_sample_rate(const struct engine *e)
{
	return e->rate;
}

void engine_prefault(const struct engine *e)
{
	pool_prefault(e->pool);
}

void engine_set_block(struct engine *e, uint32_t frames)
{
	atomic_store(&e->block, frames ? frames : 1);
}

struct engine *engine_create(const struct venue_config *cfg, uint32_t sample_rate,
			     char *err, size_t err_size)
{
	struct pool *pool = pool_create_shared(POOL_BYTES);
	struct engine *e = pool ? pool_calloc(pool, 1, sizeof(*e)) : NULL;
	struct audio_params initial;
	float rate = (float)sample_rate;

	if (!e) {
		snprintf(err, err_size, "out of memory");
		pool_destroy(pool);
		return NULL;
	}
	e->pool = pool;
	e->cfg = cfg;
	e->rate = sample_rate;
	e->clips = calloc(cfg->clip_count ? cfg->clip_count : 1, sizeof(*e->clips));
	if (!e->clips)
		goto oom;
	for (uint32_t i = 0; i < cfg->clip_count; i++) {
		if (clip_load(&e->clips[i], cfg->clips[i], rate, err, err_size) != 0)
			goto fail;
		e->clip_count++;
	}
	memset(&initial, 0, sizeof(initial));
	initial.master_gain_db = AUDIO_GAIN_OFF_DB;	/* silent until the show says otherwise */
	initial.filter_cutoff_hz = 20000;
	initial.delay_time_s = 0.375f;
	initial.playback_rate = 1;
	initial.cue = UINT32_MAX;
	initial.ceiling_dbfs = (float)cfg->safety.ceiling_dbfs;
	if (tribuf_init(&e->params_in, pool, sizeof(initial), &initial) ||
	    spsc_init(&e->triggers, pool, 64, sizeof(struct audio_trigger)) ||
	    spsc_init(&e->feedback, pool, 256, sizeof(struct engine_feedback)) ||
	    dsp_delay_init(&e->delay, pool, rate, 2.0f) ||
	    dsp_limiter_init(&e->limiter, pool, rate, LIMITER_LOOKAHEAD_MS))
		goto oom;
	e->analysis = analysis_create(rate, ANALYSIS_HOP);
	if (!e->analysis || spsc_init(&e->input_ring, pool, INPUT_RING_FRAMES, sizeof(float)))
		goto oom;
	{
		struct analysis_features none;

		memset(&none, 0, sizeof(none));
		if (tribuf_init(&e->features, pool, sizeof(none), &none))
			goto oom;
	}
	e->loudness = loudness_create(pool, sample_rate, OUTPUT_RING_FRAMES, err, err_size);
	if (!e->loudness)
		goto fail;
	if (loudness_worker_start(e->loudness) != 0) {
		snprintf(err, err_size, "cannot start the loudness thread");
		goto fail;
	}
	atomic_store(&e->worker_running, true);
	if (pthread_create(&e->worker, NULL, analysis_worker, e) != 0) {
		snprintf(err, err_size, "cannot start the analysis thread");
		goto fail;
	}
	e->worker_started = true;
	e->p = initial;
	for (int s = 0; s < SLOTS; s++)
		e->slots[s].cue = -1;
	dsp_limiter_set(&e->limiter, (float)cfg->safety.ceiling_dbfs, LIMITER_RELEASE_MS);
	dsp_slew_init(&e->master, rate, (float)cfg->safety.max_gain_rate_db_s, DSP_DB_FLOOR);
	dsp_smoother_init(&e->playback_rate, rate, PARAM_SMOOTH_S, 1);
	dsp_smoother_init(&e->cutoff, rate, PARAM_SMOOTH_S, 20000);
	dsp_smoother_init(&e->resonance, rate, PARAM_SMOOTH_S, 0);
	dsp_smoother_init(&e->delay_time, rate, PARAM_SMOOTH_S, 0.375f);
	dsp_smoother_init(&e->delay_feedback, rate, PARAM_SMOOTH_S, 0.3f);
	dsp_smoother_init(&e->delay_mix, rate, PARAM_SMOOTH_S, 0);
	e->feedback_every = sample_rate / ENGINE_FEEDBACK_HZ;
	e->feedback_countdown = e->feedback_every;
	atomic_store(&e->block, cfg->audio.frames_per_buffer ? cfg->audio.frames_per_buffer : 128);
	atomic_store(&e->master_db, DSP_DB_FLOOR);
	err[0] = '\0';
	return e;
oom:
	snprintf(err, err_size, "out of memory");
fail:
	engine_destroy(e);
	return NULL;
}

void engine_destroy(struct engine *e)
{
	if (!e)
		return;
	if (e->worker_started) {
		atomic_store(&e->worker_running, false);
		pthread_join(e->worker, NULL);
	}
	loudness_destroy(e->loudness);
	spsc_free(&e->input_ring);
	tribuf_free(&e->features);
	for (uint32_t i = 0; i < e->clip_count; i++)
		clip_free(&e->clips[i]);
	free(e->clips);
	tribuf_free(&e->params_in);
	spsc_free(&e->triggers);
	spsc_free(&e->feedback);
	dsp_delay_free(&e->delay);
	dsp_limiter_free(&e->limiter);
	analysis_destroy(e->analysis);
	pool_destroy(e->pool);		/* e itself lives in the pool */
}

/* ---- net thread side ---- */

void engine_params_publish(struct engine *e, const struct audio_params *p)
{
	tribuf_write(&e->params_in, p);
}

bool engine_trigger(struct engine *e, const struct audio_trigger *t)
{
	if (t->clip >= e->clip_count)
		return false;
	return spsc_push(&e->triggers, t);
}

bool engine_feedback_pop(struct engine *e, struct engine_feedback *fb)
{
	struct analysis_features af;

	if (!spsc_pop(&e->feedback, fb))
		return false;
	/*
	 * No live input (the null device, an offline render): no features.
	 * aubio's tempo tracker reports a BPM even for silence, which the stage
	 * would show and a rehearsal would pick up at whatever moment its
	 * worker thread happened to publish it.
	 */
	if (!atomic_load_explicit(&e->input_live, memory_order_relaxed))
		return true;
	/* The live-input features come from the worker; the rest from the callback. */
	tribuf_read(&e->features, &af);
	fb->music.level = af.rms;
	fb->music.peak = af.peak;
	memcpy(fb->music.bands, af.bands, sizeof(fb->music.bands));
	fb->music.bpm = af.bpm;
	fb->bpm_confidence = af.bpm_confidence;
	fb->music.beats = af.beats;
	fb->music.onsets = af.onsets;
	return true;
}

void engine_loudness_take_over(struct engine *e)
{
	loudness_worker_stop(e->loudness);
}

void engine_loudness_measure(struct engine *e)
{
	loudness_measure(e->loudness);
}

void engine_note_xrun(struct engine *e)
{
	atomic_fetch_add_explicit(&e->xruns, 1, memory_order_relaxed);
}

void engine_note_device_time(struct engine *e, double stream_s)
{
	/* A clock before its stream's start (or not a number) says nothing: keep the last one. */
	if (!(stream_s >= 0.0))
		return;
	atomic_store_explicit(&e->device_clock, (uint64_t)llround(stream_s * e->rate), memory_order_relaxed);
}

float engine_master_gain_db(const struct engine *e)
{
	return atomic_load_explicit(&e->master_db, memory_order_relaxed);
}

void engine_stats_get(const struct engine *e, struct engine_stats *s)
{
	uint64_t total = 0, seen = 0;
	double budget;

	memset(s, 0, sizeof(*s));
	s->callbacks = atomic_load(&e->callbacks);
	s->frames = atomic_load(&e->frames);
	s->xruns = atomic_load(&e->xruns);
	s->late_callbacks = atomic_load(&e->late);
	s->device_clock_frames = atomic_load(&e->device_clock);
	s->callback_max_s = atomic_load(&e->max_ns) * 1e-9;
	s->voices_stolen = atomic_load(&e->voices_stolen);
	s->clamped_samples = atomic_load(&e->clamped);
	loudness_read(e->loudness, &s->loudness);
	s->triggers_dropped = spsc_dropped(&e->triggers);
	s->feedback_dropped = spsc_dropped(&e->feedback);
	budget = (double)atomic_load(&e->block) / e->rate;
	s->budget_s = budget;
	for (int b = 0; b <= TIMING_BUCKETS; b++)
		total += atomic_load(&e->timing[b]);
	/* The upper edge of the bucket that holds the 99.9th percentile. */
	for (int b = 0; b <= TIMING_BUCKETS && total; b++) {
		seen += atomic_load(&e->timing[b]);
		if (seen * 1000 >= total * 999) {
			s->callback_p999_s = b < TIMING_BUCKETS ? budget * (b + 1) / TIMING_BUCKETS :
				s->callback_max_s;
			break;
		}
	}
}

/* ---- audio thread ---- */

static int slot_for_cue(struct engine *e, const struct audio_params *p)
{
	int quietest = 0;

	for (int s = 0; s < SLOTS; s++) {
		if (e->slots[s].cue < 0)
			return s;
		if (e->slots[s].level < e->slots[quietest].level)
			quietest = s;
	}
	(void)p;
	return quietest;	/* all busy: the quietest one makes room (it is nearly silent) */
}

/* A new cue: its stems fade in over its crossfade; every other slot fades out. */
static void start_cue(struct engine *e, const struct audio_params *p)
{
	float fade_frames = p->crossfade_s > 0.001f ? p->crossfade_s * e->rate : 1;
	int s = slot_for_cue(e, p);
	struct slot *slot = &e->slots[s];
	const struct config_cue_audio *a = &e->cfg->cues[p->cue].audio;

	for (int o = 0; o < SLOTS; o++)
		if (o != s && e->slots[o].cue >= 0)
			e->slots[o].level_step = -1.0f / fade_frames;
	slot->cue = (int)p->cue;
	slot->generation = p->cue_generation;
	slot->level = 0;
	slot->level_step = 1.0f / fade_frames;
	for (uint32_t i = 0; i < a->stem_count; i++) {
		dsp_slew_init(&slot->gain[i], (float)e->rate, (float)e->cfg->safety.max_gain_rate_db_s,
			      p->stem_gain_db[i]);
		slot->on[i] = p->stem_on[i] ? 1 : 0;
	}
}

static void take_params(struct engine *e)
{
	struct audio_params p;
	struct slot *cur = NULL;

	if (!tribuf_read(&e->params_in, &p))
		return;
	if (e->p.cue == UINT32_MAX) {
		/*
		 * The show's first parameters: start at the artist's level (the
		 * first cue fades in over its crossfade), not 120 dB below it.
		 */
		dsp_slew_init(&e->master, (float)e->rate, (float)e->cfg->safety.max_gain_rate_db_s,
			      p.fade_to_silence ? DSP_DB_FLOOR : p.master_gain_db);
	}
	if (p.cue < e->cfg->cue_count && p.cue_generation != e->p.cue_generation)
		start_cue(e, &p);
	if (p.ceiling_dbfs != e->p.ceiling_dbfs) {
		/* The console lowered (or restored) the ceiling; the venue's is the most it can be. */
		float venue = (float)e->cfg->safety.ceiling_dbfs;

		dsp_limiter_set(&e->limiter, p.ceiling_dbfs < venue ? p.ceiling_dbfs : venue, NAN);
	}
	e->p = p;
	for (int s = 0; s < SLOTS; s++)
		if (e->slots[s].cue >= 0 && e->slots[s].generation == p.cue_generation)
			cur = &e->slots[s];
	if (cur) {
		const struct config_cue_audio *a = &e->cfg->cues[cur->cue].audio;

		for (uint32_t i = 0; i < a->stem_count; i++)
			dsp_slew_set(&cur->gain[i], p.stem_gain_db[i]);
	}
	dsp_slew_set(&e->master, p.fade_to_silence ? DSP_DB_FLOOR : p.master_gain_db);
	dsp_smoother_set(&e->playback_rate, p.playback_rate);
	dsp_smoother_set(&e->cutoff, p.filter_cutoff_hz);
	dsp_smoother_set(&e->resonance, p.filter_resonance);
	dsp_smoother_set(&e->delay_time, p.delay_time_s);
	dsp_smoother_set(&e->delay_feedback, p.delay_feedback);
	dsp_smoother_set(&e->delay_mix, p.delay_mix);
}

static void take_triggers(struct engine *e)
{
	struct audio_trigger t;

	while (spsc_pop(&e->triggers, &t)) {
		int v = 0;

		for (int i = 0; i < ENGINE_MAX_VOICES; i++) {
			if (!e->voices[i].clip) {
				v = i;
				break;
			}
			if (e->voices[i].started < e->voices[v].started)
				v = i;
		}
		if (e->voices[v].clip)
			atomic_fetch_add_explicit(&e->voices_stolen, 1, memory_order_relaxed);
		e->voices[v] = (struct voice){ .clip = &e->clips[t.clip], .pos = 0,
					       .gain = dsp_db_to_gain(t.gain_db),
					       .started = ++e->voice_clock };
	}
}

/* Reads a looping clip at a fractional position (linear interpolation). */
static inline void clip_read(const struct audio_clip *c, double pos, float *l, float *r)
{
	double wrapped = fmod(pos, (double)c->frames);
	uint32_t i = (uint32_t)wrapped, j = i + 1 < c->frames ? i + 1 : 0;
	float frac = (float)(wrapped - i);

	*l = c->left[i] + (c->left[j] - c->left[i]) * frac;
	*r = c->right[i] + (c->right[j] - c->right[i]) * frac;
}

static void render_slot(struct engine *e, struct slot *slot, const double *pos, uint32_t frames)
{
	const struct config_cue_audio *a = &e->cfg->cues[slot->cue].audio;
	bool current = slot->generation == e->p.cue_generation;
	float choice_step = 1.0f / (float)(CHOICE_FADE_S * e->rate);

	for (uint32_t i = 0; i < a->stem_count; i++) {
		const struct audio_clip *c = &e->clips[a->stems[i].clip];
		float level = slot->level, on = slot->on[i];
		/* A fading-out cue keeps its stems as they were; the current one follows the vote. */
		float on_target = current ? (e->p.stem_on[i] ? 1.0f : 0.0f) : on;

		if (on == 0 && on_target == 0)
			continue;
		dsp_slew_fill_gain(&slot->gain[i], e->gain, frames);
		for (uint32_t f = 0; f < frames; f++) {
			float l, r, g;

			level += slot->level_step;
			level = level < 0 ? 0 : level > 1 ? 1 : level;
			on += on < on_target ? choice_step : on > on_target ? -choice_step : 0;
			on = on < 0 ? 0 : on > 1 ? 1 : on;
			/* Equal power: sin of the fade position, for the cue and for a voted stem. */
			g = e->gain[f] * sinf((float)HALF_PI * level) * sinf((float)HALF_PI * on);
			clip_read(c, pos[f], &l, &r);
			e->mix_l[f] += l * g;
			e->mix_r[f] += r * g;
		}
		slot->on[i] = on;
	}
	slot->level += slot->level_step * frames;
	if (slot->level >= 1) {
		slot->level = 1;
		slot->level_step = 0;
	} else if (slot->level <= 0 && slot->level_step < 0) {
		slot->cue = -1;		/* faded out: free */
	}
}

static void render_voices(struct engine *e, uint32_t frames)
{
	for (int v = 0; v < ENGINE_MAX_VOICES; v++) {
		struct voice *vo = &e->voices[v];
		uint32_t n;

		if (!vo->clip)
			continue;
		n = vo->clip->frames - vo->pos < frames ? vo->clip->frames - vo->pos : frames;
		for (uint32_t f = 0; f < n; f++) {
			e->mix_l[f] += vo->clip->left[vo->pos + f] * vo->gain;
			e->mix_r[f] += vo->clip->right[vo->pos + f] * vo->gain;
		}
		vo->pos += n;
		if (vo->pos >= vo->clip->frames)
			vo->clip = NULL;
	}
}

/* Hands the live input (mixed to mono) to the analysis worker; drops what does not fit. None: nothing. */
static void analyse_input(struct engine *e, const float *in, uint32_t channels, uint32_t frames)
{
	atomic_store_explicit(&e->input_live, in && channels, memory_order_relaxed);
	if (!in || channels == 0)
		return;
	if (channels == 1)
		memcpy(e->in_mono, in, frames * sizeof(float));
	else
		for (uint32_t f = 0; f < frames; f++)
			e->in_mono[f] = 0.5f * (in[f * channels] + in[f * channels + 1]);
	spsc_write(&e->input_ring, e->in_mono, frames);
}

static void report(struct engine *e, uint32_t frames)
{
	struct engine_feedback fb;

	if (e->feedback_countdown > frames) {
		e->feedback_countdown -= frames;
		return;
	}
	e->feedback_countdown = e->feedback_every;
	memset(&fb, 0, sizeof(fb));
	fb.music.output_peak_dbfs = dsp_gain_to_db(e->out_peak);
	fb.music.limiter_db = -e->limiter.reduction_db;
	fb.limiter_max_db = e->limiter_max_db;
	e->limiter_max_db = 0;
	fb.master_gain_db = (float)e->master.db;
	fb.frames = atomic_load_explicit(&e->frames, memory_order_relaxed);
	e->out_peak = 0;
	spsc_push(&e->feedback, &fb);	/* full: dropped and counted; the net thread is behind */
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);	/* vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void record_time(struct engine *e, uint64_t ns, uint32_t frames)
{
	double budget_ns = 1e9 * frames / e->rate;
	int b = (int)(ns / budget_ns * TIMING_BUCKETS);
	uint64_t max = atomic_load_explicit(&e->max_ns, memory_order_relaxed);

	if (b > TIMING_BUCKETS)
		b = TIMING_BUCKETS;
	atomic_fetch_add_explicit(&e->timing[b], 1, memory_order_relaxed);
	if (ns > budget_ns)
		atomic_fetch_add_explicit(&e->late, 1, memory_order_relaxed);
	if (ns > max)
		atomic_store_explicit(&e->max_ns, ns, memory_order_relaxed);
}

void engine_process(struct engine *e, const float *in, uint32_t in_channels,
		    float *out, uint32_t out_channels, uint32_t frames)
{
	uint64_t started = now_ns();
	double pos[ENGINE_MAX_BLOCK];
	uint64_t clamped_before = e->limiter.clamped_samples;

#if defined(__x86_64__) || defined(__i386__)
	/* Flush denormals to zero (FTZ | DAZ): decaying tails must not slow the callback. */
	_mm_setcsr(_mm_getcsr() | 0x8040);
#endif
	if (frames > ENGINE_MAX_BLOCK)
		frames = ENGINE_MAX_BLOCK;
	take_params(e);
	take_triggers(e);
	memset(e->mix_l, 0, frames * sizeof(float));
	memset(e->mix_r, 0, frames * sizeof(float));

	/* One transport for every stem: loops of the same length stay locked together. */
	for (uint32_t f = 0; f < frames; f++) {
		pos[f] = e->transport;
		e->transport += dsp_smoother_next(&e->playback_rate);
	}
	for (int s = 0; s < SLOTS; s++)
		if (e->slots[s].cue >= 0)
			render_slot(e, &e->slots[s], pos, frames);
	render_voices(e, frames);

	for (uint32_t f = 0; f < frames; f++) {
		dsp_smoother_next(&e->cutoff);
		dsp_smoother_next(&e->resonance);
		dsp_smoother_next(&e->delay_time);
		dsp_smoother_next(&e->delay_feedback);
		dsp_smoother_next(&e->delay_mix);
	}
	dsp_svf_set(&e->filter, (float)e->cutoff.value, (float)e->resonance.value, (float)e->rate);
	dsp_svf_process(&e->filter, e->mix_l, e->mix_r, frames);
	dsp_delay_process(&e->delay, e->mix_l, e->mix_r, frames, (float)e->delay_time.value,
			  (float)e->delay_feedback.value, (float)e->delay_mix.value);
	dsp_slew_fill_gain(&e->master, e->gain, frames);
	for (uint32_t f = 0; f < frames; f++) {
		e->mix_l[f] *= e->gain[f];
		e->mix_r[f] *= e->gain[f];
	}
	atomic_store_explicit(&e->master_db, (float)e->master.db, memory_order_relaxed);
	/* The venue's ceiling: applied last, nothing after it adds gain. */
	dsp_limiter_process(&e->limiter, e->mix_l, e->mix_r, frames);
	if (e->limiter.reduction_db > e->limiter_max_db)
		e->limiter_max_db = e->limiter.reduction_db;
	loudness_feed(e->loudness, e->mix_l, e->mix_r, frames);

	for (uint32_t f = 0; f < frames; f++) {
		float l = e->mix_l[f], r = e->mix_r[f], a = fabsf(l) > fabsf(r) ? fabsf(l) : fabsf(r);

		if (a > e->out_peak)
			e->out_peak = a;
		if (out_channels == 1) {
			out[f] = 0.5f * (l + r);
		} else {
			out[f * out_channels] = l;
			out[f * out_channels + 1] = r;
		}
	}
	analyse_input(e, in, in_channels, frames);
	report(e, frames);
	if (e->limiter.clamped_samples != clamped_before)
		atomic_fetch_add_explicit(&e->clamped, e->limiter.clamped_samples - clamped_before,
					  memory_order_relaxed);
	atomic_fetch_add_explicit(&e->frames, frames, memory_order_relaxed);
	atomic_fetch_add_explicit(&e->callbacks, 1, memory_order_relaxed);
	record_time(e, now_ns() - started, frames);
}
