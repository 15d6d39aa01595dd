/*
 * check_audio_dsp.c - DSP building blocks, measured on real signals: the
 * limiter's ceiling holds, the slew's rate holds, the filter filters, the
 * delay echoes on time without clicks, the crossfade keeps power.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audio_dsp.h"
#include "test_util.h"

#define RATE		48000.0f
#define PI_F		3.14159265358979f

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	rng_state = seed ? seed : 1;
}

/* xorshift64*: uniform in [0, 1). */
static double rng_unit(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (double)((rng_state * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* Uniform in [-1, 1). */
static float rng_noise(void)
{
	return (float)(2.0 * rng_unit() - 1.0);
}

static uint32_t rng_block(void)
{
	return 1 + (uint32_t)(rng_unit() * 1024.0);
}

static float *alloc_frames(size_t n)
{
	float *p = calloc(n, sizeof(float));

	ck_assert_ptr_nonnull(p);
	return p;
}

static double rms(const float *x, size_t n)
{
	double sum = 0.0;

	for (size_t i = 0; i < n; i++)
		sum += (double)x[i] * x[i];
	return sqrt(sum / (double)n);
}

static double max_abs(const float *x, size_t n)
{
	double m = 0.0;

	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > m)
			m = fabs(x[i]);
	return m;
}

/* Largest |x[i] - x[i-1]|. */
static double max_step(const float *x, size_t n)
{
	double m = 0.0;

	for (size_t i = 1; i < n; i++)
		if (fabs((double)x[i] - x[i - 1]) > m)
			m = fabs((double)x[i] - x[i - 1]);
	return m;
}

static void sine(float *x, size_t n, float amp, float hz, float phase)
{
	for (size_t i = 0; i < n; i++)
		x[i] = amp * sinf(2.0f * PI_F * hz * (float)i / RATE + phase);
}

/* ---- level helpers ---- */

START_TEST(test_db_gain_conversion_treats_zero_as_silence_and_round_trips)
{
	ck_assert_float_eq(dsp_gain_to_db(0.0f), DSP_DB_FLOOR);
	ck_assert_float_eq(dsp_gain_to_db(NAN), DSP_DB_FLOOR);
	ck_assert_float_eq(dsp_gain_to_db(1e-9f), DSP_DB_FLOOR);
	ck_assert_float_eq(dsp_db_to_gain(DSP_DB_FLOOR), 0.0f);
	ck_assert_float_eq(dsp_db_to_gain(-INFINITY), 0.0f);
	ck_assert_float_eq(dsp_db_to_gain(NAN), 0.0f);
	ck_assert_float_eq_tol(dsp_db_to_gain(0.0f), 1.0f, 1e-7f);
	ck_assert_float_eq_tol(dsp_db_to_gain(-6.0206f), 0.5f, 1e-5f);
	ck_assert_float_eq_tol(dsp_gain_to_db(-0.1f), -20.0f, 1e-4f);
	for (float db = -119.0f; db <= 24.0f; db += 0.5f)
		ck_assert_float_eq_tol(dsp_gain_to_db(dsp_db_to_gain(db)), db, 1e-3f);
}
END_TEST

/* ---- smoother ---- */

START_TEST(test_smoother_covers_63_percent_in_one_time_constant_and_lands_exactly)
{
	struct smoother s;
	float out[1024];
	uint32_t tau = (uint32_t)(0.01f * RATE);	/* 10 ms */
	float prev = 0.0f;

	dsp_smoother_init(&s, RATE, 0.01f, 0.0f);
	dsp_smoother_set(&s, 1.0f);
	for (uint32_t i = 0; i < tau; i++) {
		float v = dsp_smoother_next(&s);

		ck_assert(v > prev);	/* monotonic, no overshoot */
		prev = v;
	}
	ck_assert_float_eq_tol(prev, 1.0f - expf(-1.0f), 1e-3f);

	/* After 50 time constants the ramp sits exactly on the target. */
	for (int b = 0; b < 24; b++)
		dsp_smoother_fill(&s, out, 1024);
	ck_assert_float_eq(out[1023], 1.0f);

	/* Heading for 0 ends at exactly 0 and never passes through denormals. */
	dsp_smoother_set(&s, 0.0f);
	for (int b = 0; b < 100; b++) {
		dsp_smoother_fill(&s, out, 1024);
		for (int i = 0; i < 1024; i++)
			ck_assert_int_ne(fpclassify(out[i]), FP_SUBNORMAL);
	}
	ck_assert_float_eq(out[1023], 0.0f);

	/* Time 0 jumps. */
	dsp_smoother_set_time(&s, RATE, 0.0f);
	dsp_smoother_set(&s, 440.0f);
	ck_assert_float_eq(dsp_smoother_next(&s), 440.0f);
}
END_TEST

START_TEST(test_smoother_with_long_time_constant_does_not_stall_short_of_target)
{
	struct smoother s;
	float out[1024];

	dsp_smoother_init(&s, 192000.0f, 2.0f, 999.0f);
	dsp_smoother_set(&s, 1000.0f);
	for (int b = 0; b < 192000 * 60 / 1024; b++)	/* 30 time constants */
		dsp_smoother_fill(&s, out, 1024);
	ck_assert_float_eq(out[1023], 1000.0f);
}
END_TEST

/* ---- slew ---- */

START_TEST(test_slew_never_moves_faster_than_its_rate)
{
	const float db_per_s = 6.0f;
	const size_t n = (size_t)(10 * RATE);
	const double per_sample = db_per_s / RATE;
	double *db = malloc(n * sizeof(*db));
	struct slew s;
	size_t next_jump = 0;
	double worst = 0.0;

	ck_assert_ptr_nonnull(db);
	rng_seed(7);
	dsp_slew_init(&s, RATE, db_per_s, -30.0f);
	for (size_t i = 0; i < n; i++) {
		if (i == next_jump) {
			/* A jump of up to +-60 dB every 1..10 ms. */
			float t = (float)(-60.0 * rng_unit());

			dsp_slew_set(&s, t);
			next_jump += (size_t)((0.001 + 0.009 * rng_unit()) * RATE);
		}
		db[i] = dsp_slew_next(&s);
	}
	for (size_t i = 1; i < n; i++) {
		double d = fabs(db[i] - db[i - 1]);

		if (d > worst)
			worst = d;
	}
	ck_assert_msg(worst <= per_sample + 1e-6, "moved %.9f dB in one sample", worst);
	ck_assert(worst <= per_sample);	/* in fact exactly, fixed point never drifts */
	ck_assert(worst > 0.99 * per_sample);	/* and it does use the rate it is given */
	/* Over any interval of t seconds: at most rate * t + 1e-6 dB. */
	for (size_t span = 480; span <= (size_t)RATE * 4; span *= 10) {
		for (size_t i = span; i < n; i += 97) {
			double d = fabs(db[i] - db[i - span]);

			ck_assert_msg(d <= db_per_s * (double)span / RATE + 1e-6,
				      "moved %.9f dB in %zu samples", d, span);
		}
	}
	free(db);

	/* A steady target is reached exactly, in the time the rate allows. */
	dsp_slew_set(&s, -20.0f);
	{
		double start = dsp_slew_db(&s);
		size_t need = (size_t)ceil(fabs(-20.0 - start) / per_sample);
		size_t i = 0;

		while (dsp_slew_next(&s) != -20.0)
			i++;
		ck_assert_uint_le(i + 1, need + 1);
		ck_assert_uint_ge(i + 1, need);
	}
}
END_TEST

START_TEST(test_slew_gain_follows_its_db_ramp_and_a_frozen_slew_stays_put)
{
	struct slew s, ref;
	float gain[512];

	dsp_slew_init(&s, RATE, 12.0f, DSP_DB_FLOOR);
	ck_assert_float_eq(dsp_db_to_gain((float)dsp_slew_db(&s)), 0.0f);	/* the floor is a true mute */
	ref = s;
	dsp_slew_set(&s, 0.0f);
	dsp_slew_set(&ref, 0.0f);
	dsp_slew_fill_gain(&s, gain, 512);
	for (int i = 0; i < 512; i++)
		ck_assert_float_eq(gain[i], dsp_db_to_gain((float)dsp_slew_next(&ref)));
	ck_assert_float_eq_tol(dsp_slew_db(&s), DSP_DB_FLOOR + 512 * 12.0 / RATE, 1e-9);
	ck_assert(s.db == dsp_slew_db(&s));

	dsp_slew_init(&s, RATE, 0.0f, -6.0f);	/* rate 0: frozen */
	dsp_slew_set(&s, 0.0f);
	dsp_slew_fill_gain(&s, gain, 512);
	ck_assert_float_eq(gain[511], dsp_db_to_gain(-6.0f));
	dsp_slew_set(&s, NAN);
	ck_assert(dsp_slew_target_db(&s) == 0.0);
}
END_TEST

/* ---- filter ---- */

/* Steady-state RMS gain of the filter for a sine at @hz, in dB. */
static double svf_gain_db(float cutoff, float resonance, float hz)
{
	const size_t n = (size_t)RATE;
	float *l = alloc_frames(n), *r = alloc_frames(n);
	struct dsp_svf f;
	double in_rms, out_rms;

	sine(l, n, 0.25f, hz, 0.0f);
	sine(r, n, 0.25f, hz, 1.0f);
	in_rms = rms(l + n / 2, n / 2);
	dsp_svf_reset(&f);
	dsp_svf_set(&f, cutoff, resonance, RATE);
	for (size_t i = 0; i < n; i += 500)
		dsp_svf_process(&f, l + i, r + i, 500);
	out_rms = rms(l + n / 2, n / 2);
	ck_assert_float_eq_tol(rms(r + n / 2, n / 2), out_rms, out_rms * 1e-3);
	free(l);
	free(r);
	return 20.0 * log10(out_rms / in_rms);
}

START_TEST(test_svf_passes_below_cutoff_and_cuts_above_it)
{
	double pass = svf_gain_db(1000.0f, 0.0f, 200.0f);
	double stop = svf_gain_db(1000.0f, 0.0f, 5000.0f);

	ck_assert_msg(fabs(pass) <= 1.0, "200 Hz changed by %.2f dB", pass);
	ck_assert_msg(stop <= -24.0, "5 kHz only %.2f dB down", stop);
	/* An out-of-range cutoff is clamped, not obeyed: 0 Hz acts as 20 Hz. */
	ck_assert(svf_gain_db(0.0f, 0.0f, 200.0f) < -30.0);
}
END_TEST

START_TEST(test_svf_resonance_raises_response_near_cutoff)
{
	double flat = svf_gain_db(1000.0f, 0.0f, 1000.0f);
	double half = svf_gain_db(1000.0f, 0.5f, 1000.0f);
	double full = svf_gain_db(1000.0f, 1.0f, 1000.0f);

	ck_assert_float_eq_tol(flat, -6.02, 0.5);	/* Q 0.5 */
	ck_assert(half > flat + 6.0);
	ck_assert(full > half + 6.0);
	ck_assert_float_eq_tol(full, 21.58, 0.5);	/* Q 12 */
}
END_TEST

START_TEST(test_svf_stays_finite_and_bounded_under_random_cutoff_modulation)
{
	float l[1024], r[1024];
	struct dsp_svf f;
	double peak = 0.0;

	rng_seed(11);
	dsp_svf_reset(&f);
	for (size_t done = 0; done < (size_t)(10 * RATE);) {
		uint32_t n = rng_block();
		/* Log-uniform 5 Hz .. 40 kHz, out-of-range values included. */
		float fc = 5.0f * powf(8000.0f, (float)rng_unit());

		dsp_svf_set(&f, fc, (float)rng_unit() * 1.2f, RATE);
		for (uint32_t i = 0; i < n; i++) {
			l[i] = rng_noise();
			r[i] = sinf(2.0f * PI_F * fc * (float)(done + i) / RATE);
		}
		dsp_svf_process(&f, l, r, n);
		for (uint32_t i = 0; i < n; i++) {
			ck_assert(isfinite(l[i]) && isfinite(r[i]));
			peak = fmax(peak, fmax(fabs(l[i]), fabs(r[i])));
		}
		done += n;
	}
	/* Input peak 1, largest steady gain Q = 12 (+21.6 dB): stay within +32 dB. */
	ck_assert_msg(peak < 40.0, "peak %.1f", peak);
}
END_TEST

/* ---- delay ---- */

START_TEST(test_delay_impulse_returns_after_set_time_scaled_by_mix_and_decays_by_feedback)
{
	const float rates[] = { 44100.0f, 48000.0f, 96000.0f };

	for (size_t k = 0; k < sizeof(rates) / sizeof(rates[0]); k++) {
		const float fs = rates[k];
		const float time_s = 0.0437f;	/* a fractional number of frames */
		const double d = time_s * fs;
		const size_t n = (size_t)(4 * d) + 100;
		float *l = alloc_frames(n), *r = alloc_frames(n);
		struct dsp_delay dl;

		ck_assert_int_eq(dsp_delay_init(&dl, NULL, fs, 2.0f), 0);
		l[0] = 1.0f;
		r[0] = -1.0f;
		for (size_t i = 0; i < n; i += 256) {
			uint32_t m = (uint32_t)(n - i < 256 ? n - i : 256);

			dsp_delay_process(&dl, l + i, r + i, m, time_s, 0.5f, 0.4f);
		}
		ck_assert_float_eq_tol(l[0], 0.6f, 1e-6f);	/* dry part */
		for (int echo = 1; echo <= 3; echo++) {
			size_t at = (size_t)llround(echo * d);
			double sum = 0.0, expect = 0.4 * pow(0.5, echo - 1);
			size_t best = at - 3;

			/* Every echo falls on frames within 1 of echo * time ... */
			for (size_t i = at - 3; i <= at + 3; i++) {
				if (fabs(l[i]) > fabs(l[best]))
					best = i;
				sum += l[i];
				ck_assert_float_eq(l[i], -r[i]);
			}
			ck_assert_msg(labs((long)best - (long)(echo * d)) <= 1,
				      "echo %d at %zu, expected %.2f", echo, best, echo * d);
			/* ... with mix * feedback^(echo - 1) of the impulse. */
			ck_assert_float_eq_tol(sum, expect, 1e-5);
		}
		/* Nothing between the echoes. */
		for (size_t i = 1; i < (size_t)d - 2; i++)
			ck_assert_float_eq(l[i], 0.0f);
		dsp_delay_free(&dl);
		dsp_delay_free(&dl);	/* twice is harmless */
		free(l);
		free(r);
	}
}
END_TEST

/* Plays a 440 Hz sine while the delay time changes; returns max step / sine's max step. */
static double delay_step_ratio(float feedback, float mix, uint32_t change_every)
{
	const size_t n = (size_t)(6 * RATE);
	float *in = alloc_frames(n), *l = alloc_frames(n), *r = alloc_frames(n);
	struct dsp_delay dl;
	float time_s = 0.3f;
	double ratio;

	rng_seed(3);
	sine(in, n, 0.5f, 440.0f, 0.0f);
	memcpy(l, in, n * sizeof(float));
	memcpy(r, in, n * sizeof(float));
	ck_assert_int_eq(dsp_delay_init(&dl, NULL, RATE, 2.0f), 0);
	for (size_t i = 0, blocks = 0; i < n; i += 256, blocks++) {
		uint32_t m = (uint32_t)(n - i < 256 ? n - i : 256);

		if (i > RATE && blocks % change_every == 0)
			time_s = (float)(0.01 + 1.9 * rng_unit());
		dsp_delay_process(&dl, l + i, r + i, m, time_s, feedback, mix);
	}
	ratio = max_step(l, n) / max_step(in, n);
	ck_assert_float_eq_tol(max_step(r, n), max_step(l, n), 1e-6);
	dsp_delay_free(&dl);
	free(in);
	free(l);
	free(r);
	return ratio;
}

START_TEST(test_delay_time_change_while_a_sine_plays_does_not_click)
{
	/* Jumps of up to 1.9 s, every block and every second. */
	double every_block = delay_step_ratio(0.0f, 0.5f, 1);
	double every_second = delay_step_ratio(0.0f, 1.0f, 188);
	/* With feedback the wet level can reach 1 / (1 - fb) of the input. */
	double feedback = delay_step_ratio(0.5f, 0.5f, 40);

	ck_assert_msg(every_block <= 1.2, "step ratio %.3f", every_block);
	ck_assert_msg(every_second <= 1.2, "step ratio %.3f", every_second);
	ck_assert_msg(feedback <= 1.2 * (0.5 + 0.5 / (1 - 0.5)), "step ratio %.3f", feedback);
}
END_TEST

START_TEST(test_filter_and_delay_tails_decay_to_exact_zero_without_denormals)
{
	float l[480], r[480];
	struct dsp_delay dl;
	struct dsp_svf f;

	rng_seed(5);
	ck_assert_int_eq(dsp_delay_init(&dl, NULL, RATE, 0.1f), 0);
	dsp_svf_reset(&f);
	dsp_svf_set(&f, 30.0f, 1.0f, RATE);	/* slowest decay */
	for (int b = 0; b < 1000; b++) {	/* 1 s of noise, then 11 s of silence */
		for (int i = 0; i < 480; i++)
			l[i] = r[i] = b < 100 ? rng_noise() : 0.0f;
		dsp_svf_process(&f, l, r, 480);
		dsp_delay_process(&dl, l, r, 480, 0.01f, 0.95f, 0.5f);
		for (int i = 0; i < 480; i++)
			ck_assert(fpclassify(l[i]) != FP_SUBNORMAL && fpclassify(r[i]) != FP_SUBNORMAL);
	}
	for (int b = 0; b < 1000; b++) {	/* 10 s more: the echoes need about 7 s */
		memset(l, 0, sizeof(l));
		memset(r, 0, sizeof(r));
		dsp_svf_process(&f, l, r, 480);
		dsp_delay_process(&dl, l, r, 480, 0.01f, 0.95f, 0.5f);
		for (int i = 0; i < 480; i++)
			ck_assert(fpclassify(l[i]) != FP_SUBNORMAL && fpclassify(r[i]) != FP_SUBNORMAL);
	}
	ck_assert_float_eq(max_abs(l, 480), 0.0);
	ck_assert_float_eq(f.ic1[0], 0.0f);
	ck_assert_float_eq(f.ic2[1], 0.0f);

	/* One NaN does not poison the feedback loop. */
	l[0] = NAN;
	dsp_delay_process(&dl, l, r, 480, 0.001f, 0.95f, 0.5f);
	for (int b = 0; b < 10; b++) {
		memset(l, 0, sizeof(l));
		dsp_delay_process(&dl, l, r, 480, 0.001f, 0.95f, 0.5f);
	}
	ck_assert(isfinite(l[479]));
	dsp_delay_free(&dl);
}
END_TEST

/* ---- limiter ---- */

enum limiter_signal { SIG_NOISE, SIG_BURSTS, SIG_SQUARE };

/* Fills @l and @r with one block of the test signal starting at frame @at. */
static void limiter_signal(enum limiter_signal sig, float *l, float *r, uint32_t n, size_t at,
			   float *amp, float *hz)
{
	for (uint32_t i = 0; i < n; i++) {
		size_t t = at + i;

		switch (sig) {
		case SIG_NOISE:	/* loudness changes every 50 ms, up to +18 dBFS */
			if (t % 2400 == 0)
				*amp = (float)(0.05 + 7.95 * rng_unit());
			l[i] = *amp * rng_noise();
			r[i] = *amp * rng_noise();
			break;
		case SIG_BURSTS:	/* +20 dBFS sine bursts: 30 ms on, 70 ms off */
			if (t % 4800 == 0)
				*hz = (float)(50.0 + 8000.0 * rng_unit());
			l[i] = t % 4800 < 1440 ? 10.0f * sinf(2.0f * PI_F * *hz * (float)t / RATE) : 0.0f;
			r[i] = 0.5f * l[i];
			break;
		case SIG_SQUARE:	/* full scale, 100 Hz left, 1 kHz right */
			l[i] = (t / 240) % 2 ? 1.0f : -1.0f;
			r[i] = (t / 24) % 2 ? 1.0f : -1.0f;
			break;
		}
	}
}

START_TEST(test_limiter_never_lets_a_sample_exceed_the_ceiling)
{
	const float ceilings[] = { -1.0f, -3.0f, -6.0f };
	const struct { enum limiter_signal sig; float seconds; } cases[] = {
		{ SIG_NOISE, 20.0f }, { SIG_BURSTS, 5.0f }, { SIG_SQUARE, 5.0f },
	};
	float l[1024], r[1024];

	for (size_t c = 0; c < 3; c++) {
		for (size_t k = 0; k < 3; k++) {
			const double ceiling = pow(10.0, ceilings[c] / 20.0);
			const size_t total = (size_t)(cases[k].seconds * RATE);
			struct dsp_limiter lim;
			float amp = 1.0f, hz = 440.0f;
			double peak = 0.0;

			rng_seed(100 + c * 3 + k);
			ck_assert_int_eq(dsp_limiter_init(&lim, NULL, RATE, 5.0f), 0);
			dsp_limiter_set(&lim, ceilings[c], 50.0f);
			for (size_t done = 0; done < total;) {
				uint32_t n = rng_block();

				limiter_signal(cases[k].sig, l, r, n, done, &amp, &hz);
				dsp_limiter_process(&lim, l, r, n);
				peak = fmax(peak, fmax(max_abs(l, n), max_abs(r, n)));
				done += n;
			}
			ck_assert_msg(peak <= ceiling, "signal %zu at %.0f dBFS: peak %.9f > %.9f",
				      k, ceilings[c], peak, ceiling);
			/* It limits rather than mutes: the loud parts come out near the ceiling. */
			ck_assert_msg(peak >= 0.95 * ceiling, "peak only %.3f", peak);
			/* The safety clamp is a net, not the mechanism. */
			ck_assert_msg(lim.clamped_samples * 10000 < 2 * total,
				      "clamp engaged on %llu samples",
				      (unsigned long long)lim.clamped_samples);
			dsp_limiter_free(&lim);
		}
	}
}
END_TEST

START_TEST(test_limiter_passes_a_quiet_signal_unchanged_after_the_lookahead)
{
	const size_t n = (size_t)RATE;
	float *in = alloc_frames(n), *l = alloc_frames(n), *r = alloc_frames(n);
	struct dsp_limiter lim;
	uint32_t lat;

	rng_seed(9);
	sine(in, n, 0.5f, 997.0f, 0.0f);
	for (size_t i = 0; i < n; i++) {
		in[i] += 0.3f * rng_noise();	/* peaks up to -1.9 dBFS */
		l[i] = in[i];
		r[i] = -in[i];
	}
	ck_assert_int_eq(dsp_limiter_init(&lim, NULL, RATE, 5.0f), 0);
	dsp_limiter_set(&lim, -1.0f, 100.0f);
	lat = dsp_limiter_latency(&lim);
	ck_assert_uint_eq(lat, 240);	/* 5 ms at 48 kHz */
	for (size_t i = 0; i < n;) {
		uint32_t m = rng_block();

		if (m > n - i)
			m = (uint32_t)(n - i);
		dsp_limiter_process(&lim, l + i, r + i, m);
		i += m;
	}
	for (size_t i = 0; i < lat; i++)
		ck_assert_float_eq(l[i], 0.0f);
	for (size_t i = lat; i < n; i++) {
		ck_assert_float_eq_tol(l[i], in[i - lat], 1e-6f);
		ck_assert_float_eq_tol(r[i], -in[i - lat], 1e-6f);
	}
	ck_assert_float_eq(lim.reduction_db, 0.0f);
	ck_assert_uint_eq(lim.clamped_samples, 0);
	dsp_limiter_free(&lim);
	free(in);
	free(l);
	free(r);
}
END_TEST

START_TEST(test_limiter_meters_gain_reduction_and_releases_smoothly)
{
	float l[480], r[480];
	struct dsp_limiter lim;
	double prev_gain = 0.0, worst_rise = 0.0;

	ck_assert_int_eq(dsp_limiter_init(&lim, NULL, RATE, 5.0f), 0);
	dsp_limiter_set(&lim, -1.0f, 100.0f);
	for (int b = 0; b < 100; b++) {	/* 1 s of a +20 dBFS sine */
		sine(l, 480, 10.0f, 1000.0f, 0.0f);	/* 480 frames = whole periods */
		memcpy(r, l, sizeof(l));
		dsp_limiter_process(&lim, l, r, 480);
	}
	ck_assert_float_eq_tol(lim.reduction_db, 21.0f, 0.05f);
	ck_assert_float_eq_tol(20.0 * log10(max_abs(l, 480)), -1.0, 0.05);

	/* Drop to -20 dBFS: the gain recovers over the release, without steps. */
	for (int b = 0; b < 100; b++) {
		sine(l, 480, 0.1f, 1000.0f, 0.0f);
		memcpy(r, l, sizeof(l));
		dsp_limiter_process(&lim, l, r, 480);
		if (b == 0)	/* half of it is still the loud sine */
			continue;
		for (int i = 0; i < 480; i++) {
			double want = 0.1 * sin(2.0 * M_PI * 1000.0 * (i - 240) / RATE);
			double gain;

			if (fabs(want) < 0.05)
				continue;
			gain = l[i] / want;
			if (prev_gain > 0.0 && gain - prev_gain > worst_rise)
				worst_rise = gain - prev_gain;
			prev_gain = gain;
		}
	}
	ck_assert_float_lt(lim.reduction_db, 0.01f);	/* 10 release time constants */
	ck_assert_msg(worst_rise < 0.01, "gain rose %.4f in a few frames", worst_rise);
	dsp_limiter_free(&lim);
}
END_TEST

START_TEST(test_limiter_holds_a_lowered_ceiling_and_survives_nan)
{
	float l[256], r[256];
	struct dsp_limiter lim;
	double peak = 0.0;

	ck_assert_int_eq(dsp_limiter_init(&lim, NULL, RATE, 5.0f), 0);
	dsp_limiter_set(&lim, 0.0f, 50.0f);
	for (int b = 0; b < 20; b++) {
		for (int i = 0; i < 256; i++)
			l[i] = r[i] = (i / 24) % 2 ? 0.9f : -0.9f;
		dsp_limiter_process(&lim, l, r, 256);
	}
	/* The venue lowers the ceiling with loud audio already in the lookahead. */
	dsp_limiter_set(&lim, -12.0f, 50.0f);
	for (int b = 0; b < 20; b++) {
		for (int i = 0; i < 256; i++)
			l[i] = r[i] = (i / 24) % 2 ? 0.9f : -0.9f;
		l[7] = NAN;
		r[9] = INFINITY;
		dsp_limiter_process(&lim, l, r, 256);
		for (int i = 0; i < 256; i++)
			ck_assert(isfinite(l[i]) && isfinite(r[i]));
		peak = fmax(peak, fmax(max_abs(l, 256), max_abs(r, 256)));
	}
	ck_assert(peak <= pow(10.0, -12.0 / 20.0));
	/* Only the lookahead already in flight needed the clamp. */
	ck_assert_uint_le(lim.clamped_samples, 2 * dsp_limiter_latency(&lim));
	ck_assert_uint_eq(lim.nonfinite_samples, 40);
	dsp_limiter_free(&lim);
	dsp_limiter_free(&lim);
}
END_TEST

/* ---- crossfade ---- */

START_TEST(test_xfade_between_two_sines_has_no_step_larger_than_either_sine)
{
	const size_t n = (size_t)RATE;
	const uint32_t blocks[] = { 256, 1024 };
	float *al = alloc_frames(n), *ar = alloc_frames(n);
	float *bl = alloc_frames(n), *br = alloc_frames(n);
	float *ol = alloc_frames(n), *or_ = alloc_frames(n);
	double limit;

	sine(al, n, 0.8f, 300.0f, 0.0f);
	sine(ar, n, 0.8f, 300.0f, 2.0f);
	sine(bl, n, 0.6f, 500.0f, 1.0f);
	sine(br, n, 0.6f, 500.0f, 3.0f);
	limit = 1.5 * fmax(max_step(al, n), max_step(bl, n));
	for (size_t k = 0; k < 2; k++) {
		/* Over 0.5 s in 256-frame blocks, then all within one 1024-frame block. */
		const size_t fade = k == 0 ? n / 2 : 1024;
		const size_t start = n / 4;
		float pos = 0.0f;

		for (size_t i = 0; i < n; i += blocks[k]) {
			uint32_t m = (uint32_t)(n - i < blocks[k] ? n - i : blocks[k]);
			float to = i + m <= start ? 0.0f
				 : fminf(1.0f, (float)(i + m - start) / (float)fade);

			dsp_xfade(ol + i, or_ + i, al + i, ar + i, bl + i, br + i, m, pos, to);
			pos = to;
		}
		ck_assert_msg(max_step(ol, n) <= limit, "step %.4f > %.4f", max_step(ol, n), limit);
		ck_assert(max_step(or_, n) <= limit);
		/* Starts exactly on a, ends on b. */
		ck_assert_float_eq(ol[10], al[10]);
		ck_assert_float_eq_tol(ol[n - 1], bl[n - 1], 1e-6f);
	}
	free(al);
	free(ar);
	free(bl);
	free(br);
	free(ol);
	free(or_);
}
END_TEST

START_TEST(test_xfade_keeps_power_of_uncorrelated_noise_within_1db)
{
	const size_t n = (size_t)RATE;
	const size_t win = 4800;
	float *al = alloc_frames(n), *ar = alloc_frames(n);
	float *bl = alloc_frames(n), *br = alloc_frames(n);
	float pos = 0.0f;
	double in_rms;

	rng_seed(21);
	for (size_t i = 0; i < n; i++) {
		al[i] = rng_noise();
		ar[i] = rng_noise();
		bl[i] = rng_noise();
		br[i] = rng_noise();
	}
	in_rms = rms(al, n);
	/* Fade across the whole second, in place into a. */
	for (size_t i = 0; i < n; i += 480) {
		float to = (float)(i + 480) / (float)n;

		dsp_xfade(al + i, ar + i, al + i, ar + i, bl + i, br + i, 480, pos, to);
		pos = to;
	}
	for (size_t i = 0; i + win <= n; i += win) {
		double dl = 20.0 * log10(rms(al + i, win) / in_rms);
		double dr = 20.0 * log10(rms(ar + i, win) / in_rms);

		ck_assert_msg(fabs(dl) <= 1.0 && fabs(dr) <= 1.0,
			      "window %zu: %.2f / %.2f dB", i / win, dl, dr);
	}
	free(al);
	free(ar);
	free(bl);
	free(br);
}
END_TEST

static Suite *dsp_suite(void)
{
	Suite *s = suite_create("audio_dsp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_db_gain_conversion_treats_zero_as_silence_and_round_trips);
	tcase_add_test(tc, test_smoother_covers_63_percent_in_one_time_constant_and_lands_exactly);
	tcase_add_test(tc, test_smoother_with_long_time_constant_does_not_stall_short_of_target);
	tcase_add_test(tc, test_slew_never_moves_faster_than_its_rate);
	tcase_add_test(tc, test_slew_gain_follows_its_db_ramp_and_a_frozen_slew_stays_put);
	tcase_add_test(tc, test_svf_passes_below_cutoff_and_cuts_above_it);
	tcase_add_test(tc, test_svf_resonance_raises_response_near_cutoff);
	tcase_add_test(tc, test_svf_stays_finite_and_bounded_under_random_cutoff_modulation);
	tcase_add_test(tc, test_delay_impulse_returns_after_set_time_scaled_by_mix_and_decays_by_feedback);
	tcase_add_test(tc, test_delay_time_change_while_a_sine_plays_does_not_click);
	tcase_add_test(tc, test_filter_and_delay_tails_decay_to_exact_zero_without_denormals);
	tcase_add_test(tc, test_limiter_never_lets_a_sample_exceed_the_ceiling);
	tcase_add_test(tc, test_limiter_passes_a_quiet_signal_unchanged_after_the_lookahead);
	tcase_add_test(tc, test_limiter_meters_gain_reduction_and_releases_smoothly);
	tcase_add_test(tc, test_limiter_holds_a_lowered_ceiling_and_survives_nan);
	tcase_add_test(tc, test_xfade_between_two_sines_has_no_step_larger_than_either_sine);
	tcase_add_test(tc, test_xfade_keeps_power_of_uncorrelated_noise_within_1db);
	suite_add_tcase(s, tc);
	return s;
}

int main(void) { return test_run_suite(dsp_suite()); }
