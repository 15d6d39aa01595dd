/*
 * check_audio_engine.c - the stage audio engine rendered offline from fixed
 * inputs, driven the way the daemon drives it (show frame -> audiomap ->
 * engine), with measured properties of the output: a mapped gain change
 * moves the RMS by the mapped dB; a flood of maximum inputs never pushes
 * a sample past the venue's ceiling nor the gain faster than its rate;
 * the mapped filter removes energy above its cutoff; a scene change has no
 * discontinuity; a vote picks the stem that plays; one-shots play; and the
 * callback never allocates.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "alloc_guard.h"
#include "audio_device.h"
#include "audio_util.h"
#include "audio_map.h"
#include "audio_engine.h"
#include "test_util.h"

#define RATE 48000
#define BLOCK 128

static char dir[64];
static char path_a[128], path_b[128], path_noise[128], path_loud[128], path_hit[128];

static void make_signals(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tutti-engine-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path_a, sizeof(path_a), "%s/a220.wav", dir);
	snprintf(path_b, sizeof(path_b), "%s/b330.wav", dir);
	snprintf(path_noise, sizeof(path_noise), "%s/noise.wav", dir);
	snprintf(path_loud, sizeof(path_loud), "%s/loud.wav", dir);
	snprintf(path_hit, sizeof(path_hit), "%s/hit.wav", dir);
	/* Whole periods in 2 s, so the loops are seamless. */
	ck_assert_int_eq(test_wav_write(path_a, 220, 0.25, 2.0, RATE), 0);
	ck_assert_int_eq(test_wav_write(path_b, 330, 0.25, 2.0, RATE), 0);
	ck_assert_int_eq(test_wav_write(path_noise, 0, 0.25, 2.0, RATE), 0);
	ck_assert_int_eq(test_wav_write(path_loud, 0, 1.0, 2.0, 44100), 0);	/* resampled on load */
	ck_assert_int_eq(test_wav_write(path_hit, 1000, 0.5, 0.2, RATE), 0);
}

/* A show under test: config, mapping and engine, with the frame the test moves. */
struct rig {
	struct venue_config *cfg;
	struct audiomap *map;
	struct engine *engine;
	struct show_frame frame;
	float *out;			/* interleaved stereo of everything rendered */
	size_t frames, cap;
	double t;
	float master_db_max_step;	/* largest master gain move between blocks */
	float last_master_db;
};

static void trigger(void *user, const struct audio_trigger *t)
{
	struct rig *r = user;

	engine_trigger(r->engine, t);
}

static void rig_open(struct rig *r, const char *json)
{
	char err[512];

	memset(r, 0, sizeof(*r));
	r->cfg = test_config(json);
	r->map = audiomap_create(r->cfg);
	r->engine = engine_create(r->cfg, RATE, err, sizeof(err));
	ck_assert_msg(r->engine != NULL, "engine_create: %s", err);
	engine_set_block(r->engine, BLOCK);
	r->frame.zone_count = r->cfg->zone_count;
	r->frame.poll.index = -1;
	r->frame.poll.winner = -1;
	r->last_master_db = NAN;	/* before the first block nothing has played */
}

static void rig_close(struct rig *r)
{
	engine_destroy(r->engine);
	audiomap_destroy(r->map);
	config_destroy(r->cfg);
	free(r->out);
}

/* Renders @seconds, running the mapping at 60 Hz as the daemon's tick does. */
static void rig_run(struct rig *r, double seconds)
{
	size_t n = (size_t)(seconds * RATE);
	double next_tick = r->t;
	struct audio_params p;

	if (r->frames + n > r->cap) {
		r->cap = r->frames + n;
		r->out = realloc(r->out, r->cap * 2 * sizeof(float));
	}
	for (size_t done = 0; done < n; done += BLOCK) {
		uint32_t f = n - done < BLOCK ? (uint32_t)(n - done) : BLOCK;
		float db;

		if (r->t >= next_tick) {
			r->frame.t = r->t;
			audiomap_update(r->map, &r->frame, 1.0 / 60, &p, trigger, r);
			engine_params_publish(r->engine, &p);
			next_tick += 1.0 / 60;
		}
		engine_process(r->engine, NULL, 0, r->out + r->frames * 2, 2, f);
		db = engine_master_gain_db(r->engine);
		if (!isnan(r->last_master_db) && fabsf(db - r->last_master_db) > r->master_db_max_step)
			r->master_db_max_step = fabsf(db - r->last_master_db);
		r->last_master_db = db;
		r->frames += f;
		r->t += (double)f / RATE;
	}
}

/* RMS in dBFS of the left channel over the last @seconds rendered. */
static double tail_rms_db(const struct rig *r, double seconds)
{
	size_t n = (size_t)(seconds * RATE);

	return test_db(test_rms(r->out + (r->frames - n) * 2, n, 2));
}

static char json[4096];

START_TEST(test_engine_mapped_gain_change_moves_rms_by_the_mapped_db)
{
	struct rig r;
	double loud, quiet;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"title\","
		 "\"controls\":[\"slider\"],\"audio\":{\"crossfade_s\":0.1,"
		 "\"stems\":[{\"id\":\"tone\",\"file\":\"%s\",\"gain_db\":-6}],"
		 "\"mappings\":[{\"source\":\"slider_median\",\"target\":\"stem_gain:tone\","
		 "\"from\":[0,1],\"to\":[-30,-6],\"smoothing_s\":0.1}]}}]}", path_a);
	rig_open(&r, json);
	r.frame.venue.slider_n = 10;
	r.frame.venue.slider_median = 1.0;
	rig_run(&r, 4.0);
	loud = tail_rms_db(&r, 1.0);
	r.frame.venue.slider_median = 0.5;	/* maps to -18 dB: 12 dB down */
	rig_run(&r, 4.0);
	quiet = tail_rms_db(&r, 1.0);
	ck_assert_msg(fabs((loud - quiet) - 12.0) < 0.5, "moved %.2f dB, mapped 12 dB", loud - quiet);
	/* -6 dB on a 0.25 sine: RMS = 0.25 * 0.5 / sqrt 2 */
	ck_assert_msg(fabs(loud - test_db(0.125 / sqrt(2))) < 0.5, "level %.2f dBFS", loud);
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_flood_of_maximum_inputs_holds_ceiling_and_gain_rate)
{
	struct rig r;
	float peak = 0;
	double ceiling = pow(10, -6.0 / 20), rate = 6.0;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,"
		 "\"safety\":{\"ceiling_dbfs\":-6,\"max_gain_rate_db_s\":6},"
		 "\"cues\":[{\"id\":\"a\",\"scene\":\"title\",\"controls\":[\"tap\",\"slider\",\"shake\",\"xy\"],"
		 "\"audio\":{\"stems\":[{\"id\":\"loud\",\"file\":\"%s\",\"gain_db\":6},"
		 "{\"id\":\"tone\",\"file\":\"%s\",\"gain_db\":6}],"
		 "\"samples\":[{\"id\":\"hit\",\"file\":\"%s\",\"gain_db\":6,"
		 "\"trigger\":{\"on\":\"rise\",\"source\":\"taps_per_s\",\"above\":5},\"cooldown_s\":0}],"
		 "\"mappings\":["
		 "{\"source\":\"slider_median\",\"target\":\"master_gain\",\"to\":[-60,0],\"smoothing_s\":0},"
		 "{\"source\":\"shake_energy\",\"target\":\"filter_resonance\",\"to\":[0,1],\"smoothing_s\":0},"
		 "{\"source\":\"x_median\",\"target\":\"filter_cutoff\",\"to\":[200,20000],\"curve\":\"exp\",\"smoothing_s\":0},"
		 "{\"source\":\"y_median\",\"target\":\"delay_feedback\",\"to\":[0,0.95],\"smoothing_s\":0},"
		 "{\"source\":\"y_median\",\"target\":\"delay_mix\",\"to\":[0,1],\"smoothing_s\":0}]}}]}",
		 path_loud, path_a, path_hit);
	rig_open(&r, json);
	r.frame.venue.slider_n = r.frame.venue.xy_n = 100;
	/* 20 s of phones slamming every control between its extremes, a few times a second. */
	for (int k = 0; k < 100; k++) {
		double v = k % 2 ? 1.0 : 0.0;

		/* The master is pushed to full, with a sudden drop now and then. */
		r.frame.venue.slider_median = k % 10 == 5 ? 0.0 : 1.0;
		r.frame.venue.shake_energy = 1.0 - v;
		r.frame.venue.x_median = (k % 3) / 2.0;
		r.frame.venue.y_median = 1.0;
		r.frame.venue.taps_per_s = k % 2 ? 50 : 0;
		rig_run(&r, 0.2);
	}
	for (size_t i = 0; i < r.frames * 2; i++)
		if (fabsf(r.out[i]) > peak)
			peak = fabsf(r.out[i]);
	ck_assert_msg(peak <= ceiling + 1e-6, "peak %.6f over the ceiling %.6f", peak, ceiling);
	ck_assert_msg(peak > ceiling * 0.7, "the test never reached the limiter (peak %.3f)", peak);
	ck_assert_msg(r.master_db_max_step <= rate * BLOCK / RATE + 1e-4,
		      "master gain moved %.4f dB in one block, allowed %.4f", r.master_db_max_step,
		      rate * BLOCK / RATE);
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_mapped_filter_removes_energy_above_its_cutoff)
{
	struct rig r;
	double open_hi = 0, closed_hi = 0, open_lo, closed_lo;
	const double hi[] = { 4000, 6000, 9000, 12000 };
	size_t n = RATE;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"title\","
		 "\"controls\":[\"shake\"],\"audio\":{\"crossfade_s\":0.05,"
		 "\"stems\":[{\"id\":\"noise\",\"file\":\"%s\",\"gain_db\":-6}],"
		 "\"mappings\":[{\"source\":\"shake_energy\",\"target\":\"filter_cutoff\","
		 "\"to\":[500,20000],\"curve\":\"exp\",\"smoothing_s\":0.05}]}}]}", path_noise);
	rig_open(&r, json);
	r.frame.venue.shake_energy = 1.0;
	rig_run(&r, 2.0);
	for (int k = 0; k < 4; k++)
		open_hi += test_goertzel(r.out + (r.frames - n) * 2, n, 2, hi[k], RATE);
	open_lo = test_goertzel(r.out + (r.frames - n) * 2, n, 2, 150, RATE);
	r.frame.venue.shake_energy = 0.0;	/* cutoff 500 Hz */
	rig_run(&r, 2.0);
	for (int k = 0; k < 4; k++)
		closed_hi += test_goertzel(r.out + (r.frames - n) * 2, n, 2, hi[k], RATE);
	closed_lo = test_goertzel(r.out + (r.frames - n) * 2, n, 2, 150, RATE);
	ck_assert_msg(10 * log10(open_hi / closed_hi) > 24, "only %.1f dB less above 4 kHz",
		      10 * log10(open_hi / closed_hi));
	ck_assert_msg(fabs(10 * log10(open_lo / closed_lo)) < 6, "the pass band moved %.1f dB",
		      10 * log10(open_lo / closed_lo));
	rig_close(&r);
}
END_TEST

/* Largest sample-to-sample step in the left channel between @from and @to seconds. */
static double max_step(const struct rig *r, double from, double to)
{
	double m = 0;

	for (size_t i = (size_t)(from * RATE) + 1; i < (size_t)(to * RATE) && i < r->frames; i++) {
		double d = fabs(r->out[i * 2] - r->out[(i - 1) * 2]);

		if (d > m)
			m = d;
	}
	return m;
}

START_TEST(test_engine_scene_change_crossfades_without_a_click)
{
	struct rig r;
	double sine_step = 0.25 * 2 * TEST_PI * 330 / RATE;	/* biggest step of the louder sine */
	double across;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":["
		 "{\"id\":\"a\",\"scene\":\"title\",\"audio\":{\"crossfade_s\":0.1,"
		 "\"stems\":[{\"id\":\"a\",\"file\":\"%s\"}]}},"
		 "{\"id\":\"b\",\"scene\":\"title\",\"audio\":{\"crossfade_s\":0.5,"
		 "\"stems\":[{\"id\":\"b\",\"file\":\"%s\"}]}}]}", path_a, path_b);
	rig_open(&r, json);
	rig_run(&r, 1.0);
	r.frame.cue_index = 1;
	rig_run(&r, 1.0);
	across = max_step(&r, 0.9, 1.7);
	ck_assert_msg(across <= sine_step * 1.5, "step %.5f across the cue change, sines step %.5f",
		      across, sine_step);
	/* And the new cue really took over: 330 Hz present, 220 Hz gone. */
	ck_assert(test_goertzel(r.out + (r.frames - RATE / 2) * 2, RATE / 2, 2, 330, RATE) >
		  1000 * test_goertzel(r.out + (r.frames - RATE / 2) * 2, RATE / 2, 2, 220, RATE));
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_the_vote_picks_which_stem_plays)
{
	struct rig r;
	const float *tail;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"poll\","
		 "\"controls\":[\"vote\"],\"poll\":{\"id\":\"p\",\"question\":\"Q\",\"options\":[\"low\",\"high\"]},"
		 "\"audio\":{\"crossfade_s\":0.1,\"stems\":[{\"id\":\"low\",\"file\":\"%s\",\"choice\":0},"
		 "{\"id\":\"high\",\"file\":\"%s\",\"choice\":1}]}}]}", path_a, path_b);
	rig_open(&r, json);
	r.frame.poll.index = 0;
	r.frame.poll.open = true;
	r.frame.poll.tallies[0] = 5;
	r.frame.poll.tallies[1] = 2;
	rig_run(&r, 2.0);
	tail = r.out + (r.frames - RATE / 2) * 2;
	ck_assert(test_goertzel(tail, RATE / 2, 2, 220, RATE) > 1000 * test_goertzel(tail, RATE / 2, 2, 330, RATE));
	r.frame.poll.tallies[1] = 9;	/* the crowd changes its mind */
	rig_run(&r, 2.5);
	tail = r.out + (r.frames - RATE / 2) * 2;
	ck_assert(test_goertzel(tail, RATE / 2, 2, 330, RATE) > 1000 * test_goertzel(tail, RATE / 2, 2, 220, RATE));
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_a_crowd_rise_plays_its_one_shot_once_per_rise)
{
	struct rig r;
	int hits = 0;
	bool in_hit = false;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"title\",\"controls\":[\"tap\"],"
		 "\"audio\":{\"samples\":[{\"id\":\"hit\",\"file\":\"%s\",\"trigger\":{\"on\":\"rise\","
		 "\"source\":\"taps_per_s\",\"above\":10},\"cooldown_s\":0.5}]}}]}", path_hit);
	rig_open(&r, json);
	for (int k = 0; k < 6; k++) {
		r.frame.venue.taps_per_s = k % 2 ? 20 : 0;	/* three rises */
		rig_run(&r, 1.0);
	}
	/* Count bursts: the 1 kHz hit lasts 0.2 s. */
	for (size_t i = 0; i + RATE / 100 < r.frames; i += RATE / 100) {
		bool loud = test_rms(r.out + i * 2, RATE / 100, 2) > 0.05;

		if (loud && !in_hit)
			hits++;
		in_hit = loud;
	}
	ck_assert_int_eq(hits, 3);
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_fade_to_silence_obeys_the_gain_rate)
{
	struct rig r;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"safety\":{\"max_gain_rate_db_s\":30},"
		 "\"cues\":[{\"id\":\"a\",\"scene\":\"title\",\"audio\":{\"crossfade_s\":0.05,"
		 "\"stems\":[{\"id\":\"a\",\"file\":\"%s\"}]}}]}", path_a);
	rig_open(&r, json);
	rig_run(&r, 1.0);	/* the show starts at the cue's level, 0 dB */
	ck_assert_double_eq_tol(engine_master_gain_db(r.engine), 0, 1e-6);
	audiomap_set_fade_to_silence(r.map, true);
	rig_run(&r, 1.0);
	ck_assert_double_eq_tol(engine_master_gain_db(r.engine), -30, 1.0);
	rig_run(&r, 4.0);
	ck_assert(tail_rms_db(&r, 0.5) < -110);
	ck_assert(r.master_db_max_step <= 30.0 * BLOCK / RATE + 1e-4);
	rig_close(&r);
}
END_TEST

/* The console lowers the output ceiling mid-show: from then on no sample passes it. */
START_TEST(test_engine_a_lowered_ceiling_holds_and_the_venue_ceiling_is_the_most)
{
	struct rig r;
	float peak = 0;
	size_t from;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"safety\":{\"ceiling_dbfs\":-3},"
		 "\"cues\":[{\"id\":\"a\",\"scene\":\"title\",\"audio\":{\"master_gain_db\":0,"
		 "\"stems\":[{\"id\":\"l\",\"file\":\"%s\"}]}}]}", path_loud);
	rig_open(&r, json);
	rig_run(&r, 1.0);
	audiomap_set_ceiling(r.map, -12);
	rig_run(&r, 0.01);	/* the lookahead already in flight is held by the clamp */
	from = r.frames;
	rig_run(&r, 1.0);
	for (size_t i = from * 2; i < r.frames * 2; i++)
		peak = fabsf(r.out[i]) > peak ? fabsf(r.out[i]) : peak;
	ck_assert_msg(test_db(peak) <= -12.0 + 1e-3, "peak %.3f dBFS over a -12 dBFS ceiling", test_db(peak));
	ck_assert(test_db(peak) > -13.0);	/* the loud stem does reach it: the limiter is working */
	/* Asking for more than the venue allows gives the venue's ceiling, no more. */
	audiomap_set_ceiling(r.map, 0);
	rig_run(&r, 1.0);
	from = r.frames;
	rig_run(&r, 1.0);
	peak = 0;
	for (size_t i = from * 2; i < r.frames * 2; i++)
		peak = fabsf(r.out[i]) > peak ? fabsf(r.out[i]) : peak;
	ck_assert_msg(test_db(peak) <= -3.0 + 1e-3, "peak %.3f dBFS over the venue's -3", test_db(peak));
	ck_assert(test_db(peak) > -4.0);
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_process_never_allocates)
{
	struct rig r;
	struct audio_params p;
	float in[BLOCK], out[BLOCK * 2];
	long count;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":["
		 "{\"id\":\"a\",\"scene\":\"title\",\"audio\":{\"crossfade_s\":0.2,\"delay_mix\":0.3,"
		 "\"stems\":[{\"id\":\"a\",\"file\":\"%s\"},{\"id\":\"n\",\"file\":\"%s\"}],"
		 "\"samples\":[{\"id\":\"hit\",\"file\":\"%s\",\"trigger\":{\"on\":\"rise\","
		 "\"source\":\"taps_per_s\",\"above\":1},\"cooldown_s\":0}]}},"
		 "{\"id\":\"b\",\"scene\":\"title\",\"audio\":{\"stems\":[{\"id\":\"b\",\"file\":\"%s\"}]}}]}",
		 path_a, path_noise, path_hit, path_b);
	rig_open(&r, json);
	for (int i = 0; i < BLOCK; i++)
		in[i] = (float)sin(i * 0.1);
	alloc_guard_begin();
	/* 10 s of callbacks with cue changes, one-shots and parameter moves in between. */
	for (int b = 0; b < 10 * RATE / BLOCK; b++) {
		if (b % 20 == 0) {
			r.frame.cue_index = (b / 400) % 2;
			r.frame.venue.taps_per_s = (b / 20) % 2 ? 5 : 0;
			audiomap_update(r.map, &r.frame, 1.0 / 60, &p, trigger, &r);
			engine_params_publish(r.engine, &p);
		}
		engine_process(r.engine, in, 1, out, 2, BLOCK);
	}
	count = alloc_guard_end();
	ck_assert_int_eq(count, 0);
	rig_close(&r);
}
END_TEST

/*
 * The audio host is a forked process running the callback: what it renders
 * must move the daemon's engine (clock, health, the device's clock,
 * feature reports), and the daemon must carry on from where the host
 * stopped.
 */
START_TEST(test_engine_state_is_shared_with_a_forked_audio_host)
{
	struct rig r;
	struct engine_stats st;
	struct engine_feedback fb;
	int blocks = RATE / BLOCK, status, reports = 0;
	uint64_t last_frames = 0;
	pid_t pid;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"title\","
		 "\"audio\":{\"stems\":[{\"id\":\"a\",\"file\":\"%s\"}]}}]}", path_a);
	rig_open(&r, json);
	rig_run(&r, 0.1);
	while (engine_feedback_pop(r.engine, &fb))
		;
	engine_stats_get(r.engine, &st);
	ck_assert_uint_eq(st.frames, r.frames);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		float out[BLOCK * 2];

		for (int b = 0; b < blocks; b++) {
			engine_note_device_time(r.engine, (double)b * BLOCK / RATE);
			engine_process(r.engine, NULL, 0, out, 2, BLOCK);
		}
		engine_note_device_time(r.engine, -1.0);	/* no clock: the last one stays */
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	engine_stats_get(r.engine, &st);
	ck_assert_uint_eq(st.frames, r.frames + (uint64_t)blocks * BLOCK);
	/* The host's clock at its last callback, one block before the frames it rendered. */
	ck_assert_uint_eq(st.device_clock_frames, (uint64_t)(blocks - 1) * BLOCK);
	while (engine_feedback_pop(r.engine, &fb)) {
		reports++;
		last_frames = fb.frames;
	}
	ck_assert_int_ge(reports, ENGINE_FEEDBACK_HZ / 2);	/* the host's second, ~50 */
	ck_assert_uint_gt(last_frames, r.frames);
	rig_run(&r, 0.1);	/* the daemon's null device takes over where the host stopped */
	engine_stats_get(r.engine, &st);
	ck_assert_uint_eq(st.frames, r.frames + (uint64_t)blocks * BLOCK);
	ck_assert(tail_rms_db(&r, 0.05) > -40);
	rig_close(&r);
}
END_TEST

/*
 * With no live input (the null device, a rehearsal) there is nothing to
 * analyse: no tempo, beats or level, whereas aubio's tracker fed silence
 * reports a tempo after a few seconds. 30 s of blocks at 60 times real time,
 * so the analysis worker keeps up with them.
 */
START_TEST(test_engine_without_input_reports_no_tempo_or_beats)
{
	struct rig r;
	struct engine_feedback fb;
	const struct timespec nap = { 0, 2000000 };
	uint32_t reports = 0;
	float bpm = 0;
	uint32_t beats = 0;

	snprintf(json, sizeof(json), "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"audio\"}]}");
	rig_open(&r, json);
	for (int tick = 0; tick < 30 * 60; tick++) {
		rig_run(&r, 1.0 / 60);
		nanosleep(&nap, NULL);
		while (engine_feedback_pop(r.engine, &fb)) {
			reports++;
			bpm = fb.music.bpm > bpm ? fb.music.bpm : bpm;
			beats += fb.music.beats;
		}
	}
	ck_assert_uint_gt(reports, 1000);	/* it reports, about 50 times a second */
	ck_assert_float_eq(bpm, 0);
	ck_assert_uint_eq(beats, 0);
	rig_close(&r);
}
END_TEST

START_TEST(test_engine_offline_render_writes_a_wav)
{
	struct rig r;
	char wav[160], err[256];
	SF_INFO info = { 0 };
	SNDFILE *f;

	snprintf(json, sizeof(json),
		 "{\"name\":\"T\",\"capacity\":10,\"cues\":[{\"id\":\"a\",\"scene\":\"title\","
		 "\"audio\":{\"stems\":[{\"id\":\"a\",\"file\":\"%s\"}]}}]}", path_a);
	rig_open(&r, json);
	snprintf(wav, sizeof(wav), "%s/render.wav", dir);
	ck_assert_int_eq(audio_render_offline(r.engine, wav, 3.0, 256, NULL, NULL, NULL, err, sizeof(err)), 0);
	f = sf_open(wav, SFM_READ, &info);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(info.samplerate, RATE);
	ck_assert_int_eq(info.channels, 2);
	ck_assert_int_eq(info.frames, 3 * RATE);
	sf_close(f);
	rig_close(&r);
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("audio_engine");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_unchecked_fixture(tc, make_signals, NULL);
	tcase_add_test(tc, test_engine_mapped_gain_change_moves_rms_by_the_mapped_db);
	tcase_add_test(tc, test_engine_flood_of_maximum_inputs_holds_ceiling_and_gain_rate);
	tcase_add_test(tc, test_engine_mapped_filter_removes_energy_above_its_cutoff);
	tcase_add_test(tc, test_engine_scene_change_crossfades_without_a_click);
	tcase_add_test(tc, test_engine_the_vote_picks_which_stem_plays);
	tcase_add_test(tc, test_engine_a_crowd_rise_plays_its_one_shot_once_per_rise);
	tcase_add_test(tc, test_engine_fade_to_silence_obeys_the_gain_rate);
	tcase_add_test(tc, test_engine_a_lowered_ceiling_holds_and_the_venue_ceiling_is_the_most);
	tcase_add_test(tc, test_engine_process_never_allocates);
	tcase_add_test(tc, test_engine_state_is_shared_with_a_forked_audio_host);
	tcase_add_test(tc, test_engine_without_input_reports_no_tempo_or_beats);
	tcase_add_test(tc, test_engine_offline_render_writes_a_wav);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(engine_suite());
}
