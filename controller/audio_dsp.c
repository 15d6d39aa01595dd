/*
 * audio_dsp.c - real-time-safe DSP building blocks: smoother, dB slew, TPT
 * state-variable low-pass, feedback delay, lookahead limiter, crossfade.
 *
 * Thread: *_init and *_free run wherever the engine is set up; everything
 * else runs on the audio thread and only does arithmetic on memory
 * allocated at init.
 */
#include "audio_dsp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PI_D		3.14159265358979323846
#define DENORMAL_FLOOR	1e-15f		/* -300 dBFS: feedback state below this is 0 */
#define FIX_ONE		((int64_t)1 << 40)	/* limiter gains are summed in 2^-40 units */
#define LIMITER_MARGIN	(1.0 - 1e-6)	/* aim just under the ceiling */

/* Clamps @x to [lo, hi]; NaN becomes lo. */
static float clampf(float x, float lo, float hi)
{
	if (!(x >= lo))
		return lo;
	return x > hi ? hi : x;
}

/*
 * Feedback state: tiny values become exactly 0 (no denormals as silence
 * decays) and NaN/inf become 0 (one bad sample cannot poison the state).
 */
static float flush(float x)
{
	float a = fabsf(x);

	return (a >= DENORMAL_FLOOR && a <= 1e30f) ? x : 0.0f;
}

static float sane_rate(float rate)
{
	return clampf(rate, 1000.0f, 1e6f);
}

/* ---- level helpers ---- */

float dsp_db_to_gain(float db)
{
	if (!(db > DSP_DB_FLOOR))
		return 0.0f;
	if (db > 400.0f)
		db = 400.0f;
	return expf(db * 0.11512925464970229f);	/* ln(10) / 20 */
}

float dsp_gain_to_db(float gain)
{
	float g = fabsf(gain);
	float db;

	if (!(g > 0.0f))
		return DSP_DB_FLOOR;
	db = 20.0f * log10f(g);
	return db < DSP_DB_FLOOR ? DSP_DB_FLOOR : db;
}

/* ---- smoother ---- */

void dsp_smoother_init(struct smoother *s, float rate, float time_s, float value)
{
	s->value = isfinite(value) ? value : 0.0;
	s->target = s->value;
	dsp_smoother_set_time(s, rate, time_s);
}

void dsp_smoother_set_time(struct smoother *s, float rate, float time_s)
{
	if (!(time_s > 0.0f))
		s->coef = 0.0;
	else
		s->coef = exp(-1.0 / ((double)time_s * sane_rate(rate)));
}

void dsp_smoother_set(struct smoother *s, float target)
{
	if (isfinite(target))
		s->target = target;
}

float dsp_smoother_next(struct smoother *s)
{
	double v = s->target + (s->value - s->target) * s->coef;

	if (fabs(v - s->target) <= 1e-9 * (1.0 + fabs(s->target)))
		v = s->target;
	s->value = v;
	return (float)v;
}

void dsp_smoother_fill(struct smoother *s, float *out, uint32_t frames)
{
	uint32_t i = 0;

	for (; i < frames && s->value != s->target; i++)
		out[i] = dsp_smoother_next(s);
	for (; i < frames; i++)
		out[i] = (float)s->value;
}

/* ---- slew ---- */

#define SLEW_UNIT	((double)((int64_t)1 << 40))	/* units per dB */

static int64_t slew_units(float db)
{
	return (int64_t)llround((double)clampf(db, DSP_DB_FLOOR, DSP_DB_MAX) * SLEW_UNIT);
}

void dsp_slew_init(struct slew *s, float rate, float db_per_s, float db)
{
	s->level = slew_units(db);
	s->target = s->level;
	s->db = dsp_slew_db(s);
	dsp_slew_set_rate(s, rate, db_per_s);
}

void dsp_slew_set_rate(struct slew *s, float rate, float db_per_s)
{
	/* Rounded down: the step never exceeds the allowed rate. */
	if (!(db_per_s > 0.0f) || !isfinite(db_per_s))
		s->step = 0;
	else
		s->step = (int64_t)floor((double)db_per_s / sane_rate(rate) * SLEW_UNIT);
}

void dsp_slew_set(struct slew *s, float target_db)
{
	if (!isnan(target_db))
		s->target = slew_units(target_db);
}

double dsp_slew_db(const struct slew *s)
{
	return (double)s->level / SLEW_UNIT;
}

double dsp_slew_target_db(const struct slew *s)
{
	return (double)s->target / SLEW_UNIT;
}

double dsp_slew_next(struct slew *s)
{
	int64_t diff = s->target - s->level;

	if (diff > s->step)
		s->level += s->step;
	else if (diff < -s->step)
		s->level -= s->step;
	else
		s->level = s->target;
	s->db = dsp_slew_db(s);
	return s->db;
}

void dsp_slew_fill_gain(struct slew *s, float *gain, uint32_t frames)
{
	uint32_t i = 0;
	float g;

	for (; i < frames && s->level != s->target; i++)
		gain[i] = dsp_db_to_gain((float)dsp_slew_next(s));
	g = dsp_db_to_gain((float)dsp_slew_db(s));
	for (; i < frames; i++)
		gain[i] = g;
}

/* ---- state-variable filter ---- */

void dsp_svf_reset(struct dsp_svf *f)
{
	memset(f, 0, sizeof(*f));
}

void dsp_svf_set(struct dsp_svf *f, float cutoff_hz, float resonance, float rate)
{
	float fs = sane_rate(rate);
	float fc = clampf(cutoff_hz, DSP_SVF_MIN_HZ, DSP_SVF_MAX_FRACTION * fs);
	float res = clampf(resonance, 0.0f, 1.0f);
	double q = DSP_SVF_Q_MIN * pow(DSP_SVF_Q_MAX / DSP_SVF_Q_MIN, res);

	f->g_target = (float)tan(PI_D * fc / fs);
	f->k_target = (float)(1.0 / q);
	if (!f->primed) {
		f->g = f->g_target;
		f->k = f->k_target;
		f->primed = true;
	}
}

void dsp_svf_process(struct dsp_svf *f, float *l, float *r, uint32_t frames)
{
	float dg, dk;

	if (frames == 0)
		return;
	dg = (f->g_target - f->g) / (float)frames;
	dk = (f->k_target - f->k) / (float)frames;
	for (uint32_t i = 0; i < frames; i++) {
		/* Coefficients ramp linearly and land exactly on the target. */
		float g = i + 1 == frames ? f->g_target : f->g + dg * (float)(i + 1);
		float k = i + 1 == frames ? f->k_target : f->k + dk * (float)(i + 1);
		float a1 = 1.0f / (1.0f + g * (g + k));
		float a2 = g * a1;
		float a3 = g * a2;
		float *x[2] = { &l[i], &r[i] };

		for (int c = 0; c < 2; c++) {
			float v3 = *x[c] - f->ic2[c];
			float v1 = a1 * f->ic1[c] + a2 * v3;
			float v2 = f->ic2[c] + a2 * f->ic1[c] + a3 * v3;

			f->ic1[c] = flush(2.0f * v1 - f->ic1[c]);
			f->ic2[c] = flush(2.0f * v2 - f->ic2[c]);
			*x[c] = v2;
		}
	}
	f->g = f->g_target;
	f->k = f->k_target;
}

/* ---- delay ---- */

int dsp_delay_init(struct dsp_delay *d, struct pool *pool, float rate, float max_s)
{
	float fs = sane_rate(rate);
	double max_frames;

	memset(d, 0, sizeof(*d));
	if (!(max_s > 0.0f))
		max_s = 1.0f / fs;
	if (max_s > DSP_DELAY_MAX_S)
		max_s = DSP_DELAY_MAX_S;
	max_frames = ceil((double)max_s * fs);
	if (max_frames < 1.0)
		max_frames = 1.0;
	d->size = (uint32_t)max_frames + 2;	/* room for interpolation and the write */
	d->pool = pool;
	d->buf[0] = pool_calloc(pool, 2 * (size_t)d->size, sizeof(float));
	if (!d->buf[0])
		return -1;
	d->buf[1] = d->buf[0] + d->size;
	d->rate = fs;
	d->max_d = max_frames;
	d->fade_len = (uint32_t)lrintf(DSP_DELAY_XFADE_S * fs);
	return 0;
}

void dsp_delay_free(struct dsp_delay *d)
{
	pool_free(d->pool, d->buf[0]);
	d->buf[0] = NULL;
	d->buf[1] = NULL;
	d->size = 0;
}

/* Reads @line @delay frames (>= 1, fractional) before the write position. */
static float delay_read(const struct dsp_delay *d, const float *line, double delay)
{
	double rp = (double)d->w - delay;
	uint32_t i0, i1;
	float frac;

	if (rp < 0.0)
		rp += d->size;
	i0 = (uint32_t)rp;
	if (i0 >= d->size)	/* rounding at the wrap */
		i0 = 0;
	frac = (float)(rp - i0);
	i1 = i0 + 1 == d->size ? 0 : i0 + 1;
	return line[i0] + frac * (line[i1] - line[i0]);
}

void dsp_delay_process(struct dsp_delay *d, float *l, float *r, uint32_t frames,
		       float time_s, float feedback, float mix)
{
	float fb_to = clampf(feedback, 0.0f, DSP_DELAY_FEEDBACK_MAX);
	float mix_to = clampf(mix, 0.0f, 1.0f);
	double target = (double)clampf(time_s, 0.0f, DSP_DELAY_MAX_S) * d->rate;
	float dfb, dmix;

	if (frames == 0 || !d->buf[0])
		return;
	if (target < 1.0)
		target = 1.0;
	if (target > d->max_d)
		target = d->max_d;
	d->target_d = target;
	if (!d->primed) {
		d->cur_d = target;
		d->feedback = fb_to;
		d->mix = mix_to;
		d->primed = true;
	}
	dfb = (fb_to - d->feedback) / (float)frames;
	dmix = (mix_to - d->mix) / (float)frames;

	for (uint32_t i = 0; i < frames; i++) {
		float fb = i + 1 == frames ? fb_to : d->feedback + dfb * (float)(i + 1);
		float m = i + 1 == frames ? mix_to : d->mix + dmix * (float)(i + 1);
		float *x[2] = { &l[i], &r[i] };
		float a = 0.0f;

		if (!d->fading && d->target_d != d->cur_d) {
			if (d->fade_len == 0) {
				d->cur_d = d->target_d;
			} else {
				d->next_d = d->target_d;
				d->fade_pos = 0;
				d->fading = true;
			}
		}
		if (d->fading)
			a = (float)(d->fade_pos + 1) / (float)d->fade_len;
		for (int c = 0; c < 2; c++) {
			float in = *x[c];
			float wet = delay_read(d, d->buf[c], d->cur_d);

			if (d->fading)
				wet += a * (delay_read(d, d->buf[c], d->next_d) - wet);
			d->buf[c][d->w] = flush(in + fb * wet);
			*x[c] = in + m * (wet - in);
		}
		if (d->fading && ++d->fade_pos >= d->fade_len) {
			d->cur_d = d->next_d;
			d->fading = false;
		}
		if (++d->w == d->size)
			d->w = 0;
	}
	d->feedback = fb_to;
	d->mix = mix_to;
}

/* ---- limiter ---- */

int dsp_limiter_init(struct dsp_limiter *lim, struct pool *pool, float rate, float lookahead_ms)
{
	float fs = sane_rate(rate);
	float ms = clampf(lookahead_ms, DSP_LIMITER_MIN_MS, DSP_LIMITER_MAX_MS);
	long la = lrintf(ms * fs / 1000.0f);

	memset(lim, 0, sizeof(*lim));
	lim->pool = pool;
	lim->rate = fs;
	lim->lookahead = la < 1 ? 1 : (uint32_t)la;
	lim->window = lim->lookahead + 1;
	lim->delay[0] = pool_calloc(pool, 2 * (size_t)lim->lookahead, sizeof(float));
	if (!lim->delay[0])
		goto out;
	lim->delay[1] = lim->delay[0] + lim->lookahead;
	lim->dq_gain = pool_calloc(pool, lim->window, sizeof(*lim->dq_gain));
	if (!lim->dq_gain)
		goto out_free_delay;
	lim->dq_at = pool_calloc(pool, lim->window, sizeof(*lim->dq_at));
	if (!lim->dq_at)
		goto out_free_dq_gain;
	lim->box = pool_calloc(pool, lim->window, sizeof(*lim->box));
	if (!lim->box)
		goto out_free_dq_at;
	for (uint32_t i = 0; i < lim->window; i++)
		lim->box[i] = FIX_ONE;
	lim->box_sum = (int64_t)lim->window * FIX_ONE;
	lim->env = 1.0;
	lim->ceiling_dbfs = -1.0f;
	lim->release_ms = 100.0f;
	dsp_limiter_set(lim, -1.0f, 100.0f);
	return 0;

out_free_dq_at:
	pool_free(lim->pool, lim->dq_at);
out_free_dq_gain:
	pool_free(lim->pool, lim->dq_gain);
out_free_delay:
	pool_free(lim->pool, lim->delay[0]);
out:
	memset(lim, 0, sizeof(*lim));
	return -1;
}

void dsp_limiter_free(struct dsp_limiter *lim)
{
	pool_free(lim->pool, lim->delay[0]);
	pool_free(lim->pool, lim->dq_gain);
	pool_free(lim->pool, lim->dq_at);
	pool_free(lim->pool, lim->box);
	lim->delay[0] = lim->delay[1] = NULL;
	lim->dq_gain = NULL;
	lim->dq_at = NULL;
	lim->box = NULL;
	lim->lookahead = lim->window = 0;
}

/* dBFS to a linear float rounded down, so the clamp is never above the true ceiling. */
static float ceiling_linear(float dbfs)
{
	double c = pow(10.0, dbfs / 20.0);
	float f = (float)c;

	return f > c ? nextafterf(f, 0.0f) : f;
}

void dsp_limiter_set(struct dsp_limiter *lim, float ceiling_dbfs, float release_ms)
{
	if (!isnan(ceiling_dbfs))
		lim->ceiling_dbfs = clampf(ceiling_dbfs, -60.0f, 0.0f);
	if (!isnan(release_ms))
		lim->release_ms = clampf(release_ms, 1.0f, 5000.0f);
	lim->ceiling = ceiling_linear(lim->ceiling_dbfs);
	lim->target = (double)lim->ceiling * LIMITER_MARGIN;
	lim->release_coef = exp(-1000.0 / ((double)lim->release_ms * lim->rate));
}

uint32_t dsp_limiter_latency(const struct dsp_limiter *lim)
{
	return lim->lookahead;
}

/* Pushes the gain required at frame n; returns the minimum over the window. */
static double limiter_window_min(struct dsp_limiter *lim, double need)
{
	uint32_t w = lim->window;

	/* Frames are pushed once each, so at most the front one has expired. */
	if (lim->dq_count && lim->n - lim->dq_at[lim->dq_head] >= w) {
		lim->dq_head = lim->dq_head + 1 == w ? 0 : lim->dq_head + 1;
		lim->dq_count--;
	}
	/* Drop entries from the back that can never be the minimum again. */
	while (lim->dq_count) {
		uint32_t back = (lim->dq_head + lim->dq_count - 1) % w;

		if (lim->dq_gain[back] < need)
			break;
		lim->dq_count--;
	}
	{
		uint32_t slot = (lim->dq_head + lim->dq_count) % w;

		lim->dq_gain[slot] = need;
		lim->dq_at[slot] = lim->n;
		lim->dq_count++;
	}
	return lim->dq_gain[lim->dq_head];
}

static float limiter_clamp(struct dsp_limiter *lim, double y)
{
	if (y > lim->ceiling) {
		lim->clamped_samples++;
		return lim->ceiling;
	}
	if (y < -lim->ceiling) {
		lim->clamped_samples++;
		return -lim->ceiling;
	}
	return (float)y;
}

void dsp_limiter_process(struct dsp_limiter *lim, float *l, float *r, uint32_t frames)
{
	double min_gain = 1.0;

	if (frames == 0 || !lim->delay[0])
		return;
	for (uint32_t i = 0; i < frames; i++) {
		float xl = l[i], xr = r[i];
		float peak, dl, dr;
		double need = 1.0, m, gain;
		int64_t q;

		if (!isfinite(xl)) {
			xl = 0.0f;
			lim->nonfinite_samples++;
		}
		if (!isfinite(xr)) {
			xr = 0.0f;
			lim->nonfinite_samples++;
		}
		peak = fmaxf(fabsf(xl), fabsf(xr));
		if (peak > lim->target)
			need = lim->target / peak;

		/* Hold: the lowest gain needed by any frame in the window. */
		m = limiter_window_min(lim, need);
		/* Release: down at once, up exponentially; never above m. */
		if (m < lim->env)
			lim->env = m;
		else
			lim->env = m + (lim->env - m) * lim->release_coef;
		/* Attack: the window average ramps down ending on the peak. */
		q = (int64_t)(lim->env * (double)FIX_ONE);
		lim->box_sum += q - lim->box[lim->bpos];
		lim->box[lim->bpos] = q;
		lim->bpos = lim->bpos + 1 == lim->window ? 0 : lim->bpos + 1;
		gain = (double)lim->box_sum / (double)lim->window / (double)FIX_ONE;
		if (gain < min_gain)
			min_gain = gain;

		dl = lim->delay[0][lim->dpos];
		dr = lim->delay[1][lim->dpos];
		lim->delay[0][lim->dpos] = xl;
		lim->delay[1][lim->dpos] = xr;
		lim->dpos = lim->dpos + 1 == lim->lookahead ? 0 : lim->dpos + 1;
		lim->n++;

		l[i] = limiter_clamp(lim, dl * gain);
		r[i] = limiter_clamp(lim, dr * gain);
	}
	lim->reduction_db = min_gain >= 1.0 ? 0.0f
			  : min_gain <= 1e-6 ? 120.0f
			  : (float)(-20.0 * log10(min_gain));
}

/* ---- crossfade ---- */

void dsp_xfade(float *out_l, float *out_r, const float *a_l, const float *a_r,
	       const float *b_l, const float *b_r, uint32_t frames,
	       float pos_from, float pos_to)
{
	double from = clampf(pos_from, 0.0f, 1.0f);
	double to = clampf(pos_to, 0.0f, 1.0f);
	double step, c, s, cd, sd;

	if (frames == 0)
		return;
	/* Rotate (cos, sin) by a fixed angle per frame instead of calling trig. */
	step = (to - from) * (PI_D / 2.0) / frames;
	c = cos(from * (PI_D / 2.0));
	s = sin(from * (PI_D / 2.0));
	cd = cos(step);
	sd = sin(step);
	for (uint32_t i = 0; i < frames; i++) {
		double nc = c * cd - s * sd;
		float al = a_l[i], ar = a_r[i], bl = b_l[i], br = b_r[i];

		s = s * cd + c * sd;
		c = nc;
		if (i + 1 == frames) {	/* land exactly on pos_to */
			c = cos(to * (PI_D / 2.0));
			s = sin(to * (PI_D / 2.0));
		}
		out_l[i] = (float)(c * al + s * bl);
		out_r[i] = (float)(c * ar + s * br);
	}
}
