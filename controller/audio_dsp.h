/*
 * audio_dsp.h - small real-time-safe DSP building blocks for the stage audio
 * engine: parameter smoothing, a dB slew limiter for crowd-driven gains,
 * a resonant low-pass filter, a feedback delay, the master lookahead
 * limiter and an equal-power crossfade.
 *
 * Audio is float, stereo, planar (separate left and right arrays). The
 * sample rate @rate is in Hz, 44100..192000. Blocks may be any length
 * (the engine uses 1..1024 frames); 0 frames does nothing.
 *
 * Thread: every *_process, *_next, *_fill and dsp_xfade call runs on the
 * audio thread and only does arithmetic: no allocation, no locks, no
 * system calls, no logging, loops bounded by the block length (the
 * limiter's window search is amortised O(1) per frame, never more than
 * one lookahead per frame). Feedback state is flushed to exactly zero
 * below -300 dBFS and non-finite state is reset to zero, so silence never
 * decays into denormals and one NaN cannot poison a filter or delay line.
 * Allocation happens only in *_init (0 or -1 on out of memory); the
 * matching *_free may be called on a zeroed or already freed object.
 * An object belongs to one thread at a time: set it up before the stream
 * starts, then only the audio thread touches it.
 */
#ifndef TUTTI_AUDIO_DSP_H
#define TUTTI_AUDIO_DSP_H

#include <stdbool.h>
#include <stdint.h>

#include "pool.h"

#define DSP_DB_FLOOR		-120.0f	/* dB; at or below this a gain is exactly 0 */
#define DSP_DB_MAX		40.0f	/* dB; slew targets are clamped to [floor, max] */
#define DSP_SVF_MIN_HZ		20.0f	/* lowest filter cutoff */
#define DSP_SVF_MAX_FRACTION	0.45f	/* highest filter cutoff, as a fraction of the rate */
#define DSP_SVF_Q_MIN		0.5f	/* Q at resonance 0 (no peak, -6 dB at cutoff) */
#define DSP_SVF_Q_MAX		12.0f	/* Q at resonance 1 (+21.6 dB peak at cutoff) */
#define DSP_DELAY_MAX_S		10.0f	/* largest delay buffer dsp_delay_init() accepts */
#define DSP_DELAY_FEEDBACK_MAX	0.95f	/* feedback is clamped to [0, this] */
#define DSP_DELAY_XFADE_S	0.02f	/* a delay time change crossfades over 20 ms */
#define DSP_LIMITER_MIN_MS	0.1f	/* lookahead range accepted by dsp_limiter_init() */
#define DSP_LIMITER_MAX_MS	50.0f

/* ---- level helpers (any thread) ---- */

/* Decibels to linear gain; at or below DSP_DB_FLOOR (or NaN) returns exactly 0. */
float dsp_db_to_gain(float db);
/* Linear gain (sign ignored) to decibels; 0, NaN and anything below the floor give DSP_DB_FLOOR. */
float dsp_gain_to_db(float gain);

/* ---- one-pole parameter smoother ---- */

/*
 * Moves exponentially toward its target: after @time_s seconds 63 % of a
 * step is done, after 5 * time_s 99.3 %. Within 1e-9 * (1 + |target|)
 * of the target it snaps onto it, so a smoother heading for 0 ends at
 * exactly 0. Units are the caller's (Hz, linear gain, ...). A zero-filled
 * struct holds 0 and jumps at once until dsp_smoother_init() gives it a
 * time.
 */
struct smoother {
	double value;			/* current output (double: long time constants never stall) */
	double target;			/* where it is heading */
	double coef;			/* per-sample pole, exp(-1 / (time_s * rate)); 0 = jump */
};

/* Any thread before use. Starts at rest on @value. @time_s <= 0 means no smoothing. */
void dsp_smoother_init(struct smoother *s, float rate, float time_s, float value);
/* Audio thread. Changes the time constant, keeping value and target. */
void dsp_smoother_set_time(struct smoother *s, float rate, float time_s);
/* Audio thread. New target; NaN is ignored. */
void dsp_smoother_set(struct smoother *s, float target);
/* Audio thread. Advances one sample and returns the new value. */
float dsp_smoother_next(struct smoother *s);
/* Audio thread. Advances @frames samples, writing each value to @out. */
void dsp_smoother_fill(struct smoother *s, float *out, uint32_t frames);

/* ---- dB slew limiter for crowd-driven gains ---- */

/*
 * Moves a level in dB toward a target at no more than a fixed rate, in
 * straight lines. The level is an integer count of 2^-40 dB (about 1e-12
 * dB) and each sample it steps by floor(rate / samplerate) units or lands
 * on the target, so over any t seconds it moves at most rate * t dB,
 * exactly, however long the show runs. The venue sets the rate; the crowd
 * only moves the target.
 */
struct slew {
	int64_t level;			/* current level, 2^-40 dB units */
	int64_t target;			/* where it is heading, same units */
	int64_t step;			/* largest move per sample, same units (rounded down) */
	double db;			/* level in dB, read-only mirror of level (= dsp_slew_db()) */
};

/* Any thread before use. Starts at rest on @db (clamped). @db_per_s <= 0 or NaN freezes the level. */
void dsp_slew_init(struct slew *s, float rate, float db_per_s, float db);
/* Audio thread. Changes the rate limit; takes effect on the next sample. */
void dsp_slew_set_rate(struct slew *s, float rate, float db_per_s);
/* Audio thread. New target in dB, clamped to [DSP_DB_FLOOR, DSP_DB_MAX]; NaN is ignored. */
void dsp_slew_set(struct slew *s, float target_db);
/* Owner thread. Current level and target in dB (exact conversions). */
double dsp_slew_db(const struct slew *s);
double dsp_slew_target_db(const struct slew *s);
/* Audio thread. Advances one sample; returns the level in dB. */
double dsp_slew_next(struct slew *s);
/* Audio thread. Advances @frames samples, writing each sample's linear gain (dsp_db_to_gain). */
void dsp_slew_fill_gain(struct slew *s, float *gain, uint32_t frames);

/* ---- resonant low-pass: stereo TPT state-variable filter ---- */

/*
 * Zavalishin's topology-preserving (trapezoidal) SVF, 12 dB/octave
 * low-pass output. Stable for any cutoff sequence: a new cutoff or
 * resonance is reached by interpolating the coefficients linearly across
 * the next processed block, so setting it every block gives a smooth
 * sweep without zipper noise. Gain at DC is 1; at the cutoff it is Q
 * (-6 dB at resonance 0, +21.6 dB at resonance 1), so keep headroom or
 * follow it with the limiter. A zero-filled struct is valid; it outputs
 * silence until the first dsp_svf_set().
 */
struct dsp_svf {
	float ic1[2], ic2[2];		/* integrator states, left and right */
	float g, k;			/* coefficients in use at the end of the last block */
	float g_target, k_target;	/* coefficients the next block ramps to */
	bool primed;			/* false until the first dsp_svf_set() */
};

/* Any thread before use: silent state, waits for the first dsp_svf_set(). */
void dsp_svf_reset(struct dsp_svf *f);
/*
 * Audio thread. Cutoff in Hz, clamped to [20, 0.45 * @rate]; @resonance
 * 0..1 (clamped) maps exponentially to Q 0.5..12. The first call after a
 * reset applies at once; later calls ramp over the next block.
 */
void dsp_svf_set(struct dsp_svf *f, float cutoff_hz, float resonance, float rate);
/* Audio thread. Filters @l and @r (@frames each) in place. */
void dsp_svf_process(struct dsp_svf *f, float *l, float *r, uint32_t frames);

/* ---- stereo feedback delay ---- */

/*
 * out = (1 - mix) * in + mix * wet, where wet is the line read @time_s
 * ago and the line is fed in + feedback * wet (per channel, no
 * ping-pong). Feedback and mix are ramped linearly across each block.
 * A delay time change is a 20 ms linear crossfade from the old read tap
 * to the new one (no pitch bend, no click); a change arriving during a
 * crossfade is taken up when it finishes. Fractional delays are read with
 * linear interpolation. Not meant for audio-rate modulation (chorus).
 */
struct dsp_delay {
	float *buf[2];			/* left and right lines, size frames each */
	struct pool *pool;		/* where the lines came from */
	uint32_t size;			/* frames per line */
	uint32_t w;			/* next frame to write */
	float rate;			/* Hz */
	double max_d;			/* longest delay, frames */
	double cur_d;			/* delay of the read tap, frames */
	double next_d;			/* tap being faded in, frames (valid while fading) */
	double target_d;		/* latest requested delay, frames */
	uint32_t fade_pos;		/* frames into the current crossfade */
	uint32_t fade_len;		/* crossfade length, frames */
	bool fading;
	bool primed;			/* false until the first process call */
	float feedback, mix;		/* values reached at the end of the last block */
};

/*
 * Any thread before use. Allocates lines for delays up to @max_s seconds
 * (clamped to (0, DSP_DELAY_MAX_S]; 2 s takes 3 MB at 192 kHz) from @pool
 * (NULL = heap). 0 or -1.
 */
int dsp_delay_init(struct dsp_delay *d, struct pool *pool, float rate, float max_s);
/* Any thread, not while processing. Safe on a zeroed or freed delay. */
void dsp_delay_free(struct dsp_delay *d);
/*
 * Audio thread. Processes @l and @r in place. @time_s is clamped to
 * [1 frame, max_s], @feedback to [0, 0.95], @mix to [0, 1]. The first call
 * starts at these values; later calls ramp/crossfade to them.
 */
void dsp_delay_process(struct dsp_delay *d, float *l, float *r, uint32_t frames,
		       float time_s, float feedback, float mix);

/* ---- master lookahead limiter ---- */

/*
 * Peak limiter with lookahead; the audio comes out dsp_limiter_latency()
 * frames late. The gain for each output frame is at most
 * ceiling / max(|l|, |r|) of that frame and of every frame in the
 * lookahead window after it: the required gain is taken as a sliding
 * minimum over lookahead + 1 frames, released exponentially, then averaged
 * over lookahead + 1 frames, so the attack is a ramp that ends exactly on
 * the peak and the release is smooth. Both channels share one gain (no
 * image shift). Gains are summed in fixed point so the average never
 * drifts, and the target is 1e-6 below the ceiling; in exact arithmetic no
 * sample can exceed the ceiling. A final hard clamp at the ceiling backs
 * this up and counts every sample it touches in clamped_samples: it only
 * engages when the ceiling is lowered while louder audio is already in
 * the lookahead window. Non-finite input is replaced by 0 and counted.
 *
 * The meter fields are written by the audio thread; pass them on through
 * the feature ring, do not read them from another thread.
 */
struct dsp_limiter {
	struct pool *pool;		/* where the buffers came from */
	float rate;			/* Hz */
	uint32_t lookahead;		/* latency, frames (>= 1) */
	uint32_t window;		/* lookahead + 1: min and average length */
	float *delay[2];		/* lookahead frames per channel */
	uint32_t dpos;			/* delay read/write position */
	double *dq_gain;		/* sliding-minimum deque (window entries): gains */
	uint32_t *dq_at;		/* ... and the frame number each was required at */
	uint32_t dq_head, dq_count;
	int64_t *box;			/* last window released gains, fixed point 2^-40 */
	int64_t box_sum;
	uint32_t bpos;
	uint32_t n;			/* frame counter (wraps) */
	double env;			/* released gain, 0..1 */
	double release_coef;		/* per-frame release pole */
	float ceiling;			/* linear, hard clamp */
	double target;			/* linear peak the gain aims at, just below ceiling */
	float ceiling_dbfs, release_ms;	/* as set */
	float reduction_db;		/* meter: deepest gain reduction in the last block, dB >= 0 */
	uint64_t clamped_samples;	/* samples the safety clamp changed (should stay 0) */
	uint64_t nonfinite_samples;	/* NaN/inf input samples replaced by 0 */
};

/*
 * Any thread before use. @lookahead_ms is clamped to [0.1, 50] (5 ms is a
 * good master setting; at least 1 frame). Starts at ceiling -1 dBFS,
 * release 100 ms, unity gain, silent lookahead. Buffers come from @pool
 * (NULL = heap). 0 or -1.
 */
int dsp_limiter_init(struct dsp_limiter *lim, struct pool *pool, float rate, float lookahead_ms);
/* Any thread, not while processing. Safe on a zeroed or freed limiter. */
void dsp_limiter_free(struct dsp_limiter *lim);
/*
 * Audio thread (or before the stream). @ceiling_dbfs clamped to [-60, 0],
 * @release_ms to [1, 5000]; NaN keeps the old value. Raising the ceiling
 * is smooth; lowering it applies to audio entering now, and the hard
 * clamp holds the new ceiling for the lookahead already in flight.
 */
void dsp_limiter_set(struct dsp_limiter *lim, float ceiling_dbfs, float release_ms);
/* Audio thread. Limits @l and @r in place (output delayed by the latency). */
void dsp_limiter_process(struct dsp_limiter *lim, float *l, float *r, uint32_t frames);
/* Latency in frames (= lookahead). */
uint32_t dsp_limiter_latency(const struct dsp_limiter *lim);

/* ---- equal-power crossfade ---- */

/*
 * Audio thread. out = cos(p * pi/2) * a + sin(p * pi/2) * b per frame,
 * where p moves linearly from @pos_from (exclusive) to @pos_to (reached
 * on the last frame); both are clamped to [0, 1]. Pass the previous
 * block's @pos_to as the next @pos_from for a glitch-free fade over many
 * blocks. Power is constant for uncorrelated sources; correlated ones
 * peak +3 dB mid-fade. @out_l/@out_r may be the same arrays as a or b.
 */
void dsp_xfade(float *out_l, float *out_r, const float *a_l, const float *a_r,
	       const float *b_l, const float *b_r, uint32_t frames,
	       float pos_from, float pos_to);

#endif
