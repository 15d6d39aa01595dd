/*
 * check_audio_map.c - from crowd to sound parameters: ranges and curves,
 * the crowd's share against the artist's base value, the venue's clamps,
 * holding a value when the crowd goes quiet, and one-shot triggers that
 * fire once per rise, respect their cooldown, and follow the loudest zone.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio_map.h"
#include "test_util.h"

#define AUDIOMAP_JSON(mappings, samples)					\
	"{\"name\":\"T\",\"capacity\":10,"					\
	"\"safety\":{\"min_playback_rate\":0.9,\"max_playback_rate\":1.1},"	\
	"\"zones\":[{\"id\":\"left\",\"capacity\":5},{\"id\":\"right\",\"capacity\":5}],"	\
	"\"cues\":[{\"id\":\"a\",\"scene\":\"title\",\"controls\":[\"slider\",\"tap\"],"	\
	"\"audio\":{\"filter_cutoff_hz\":1000,\"stems\":[{\"id\":\"s\",\"file\":\"%s\"}],"	\
	"\"mappings\":[" mappings "],\"samples\":[" samples "]}},"		\
	"{\"id\":\"b\",\"scene\":\"title\"}]}"

static char json[4096];
static char wav[] = "/tmp/tutti-audiomap-XXXXXX";
static int fired[CONFIG_MAX_CLIPS];

static void on_trigger(void *user, const struct audio_trigger *t)
{
	(void)user;
	fired[t->clip]++;
}

/* Loads @text with every "%s" in it replaced by the test clip's path. */
static struct venue_config *load(const char *text)
{
	size_t n = 0;

	for (const char *s = text; *s && n + sizeof(wav) < sizeof(json); s++) {
		if (s[0] == '%' && s[1] == 's') {
			memcpy(json + n, wav, strlen(wav));
			n += strlen(wav);
			s++;
		} else {
			json[n++] = *s;
		}
	}
	json[n] = '\0';
	return test_config(json);
}

static void make_wav(void)
{
	int fd = mkstemp(wav);
	/* A valid (tiny) WAV header is not needed: the config only checks the file exists. */
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void frame_init(struct show_frame *f, const struct venue_config *cfg)
{
	memset(f, 0, sizeof(*f));
	f->zone_count = cfg->zone_count;
	f->poll.index = -1;
	f->poll.winner = -1;
}

START_TEST(test_audiomap_maps_linear_and_exp_ranges)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON(
		"{\"source\":\"slider_median\",\"target\":\"filter_cutoff\",\"to\":[100,10000],"
		"\"curve\":\"exp\",\"smoothing_s\":0},"
		"{\"source\":\"taps_per_s\",\"target\":\"delay_mix\",\"from\":[0,20],\"to\":[0,0.8],"
		"\"smoothing_s\":0}", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;

	frame_init(&f, cfg);
	f.venue.slider_n = 3;
	f.venue.slider_median = 0.5;
	f.venue.taps_per_s = 10;
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	/* exp: halfway between 100 and 10000 in ratio is 1000; base 1000 + 1 * (1000 - 1000) */
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 1000, 0.5);
	ck_assert_double_eq_tol(p.delay_mix, 0.4, 1e-6);
	f.venue.taps_per_s = 500;	/* beyond "from": clamped */
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.delay_mix, 0.8, 1e-6);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_crowd_share_moves_only_part_way_from_the_artists_value)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON(
		"{\"source\":\"slider_median\",\"target\":\"filter_cutoff\",\"to\":[1000,5000],"
		"\"smoothing_s\":0,\"crowd\":0.25}", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;

	frame_init(&f, cfg);
	f.venue.slider_n = 1;
	f.venue.slider_median = 1.0;	/* the crowd wants 5000; the artist's base is 1000 */
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 2000, 0.01);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_artists_live_value_is_where_the_crowd_moves_from)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON(
		"{\"source\":\"slider_median\",\"target\":\"filter_cutoff\",\"to\":[1000,5000],"
		"\"smoothing_s\":0,\"crowd\":0.25}", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;

	frame_init(&f, cfg);
	/* No crowd data: the artist's value is the sound. */
	ck_assert_int_eq(audiomap_set_artist_value(m, 0, TARGET_FILTER_CUTOFF, 0, 3000), 0);
	ck_assert_int_eq(audiomap_set_artist_value(m, 0, TARGET_DELAY_MIX, 0, 0.3), 0);
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 3000, 0.01);
	ck_assert_double_eq_tol(p.delay_mix, 0.3, 1e-6);
	/* The crowd wants 5000 and may move a quarter of the way from the artist's 3000. */
	f.venue.slider_n = 1;
	f.venue.slider_median = 1.0;
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 3500, 0.01);
	/* Clamped to the parameter's range; the master never goes above 0 dB. */
	audiomap_set_artist_value(m, 0, TARGET_FILTER_CUTOFF, 0, 1e6);
	ck_assert_double_eq(audiomap_artist_value(m, 0, TARGET_FILTER_CUTOFF, 0), 20000);
	audiomap_set_artist_value(m, 0, TARGET_MASTER_GAIN, 0, 12);
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq(p.master_gain_db, 0);
	/* null goes back to the cue's own value. */
	audiomap_set_artist_value(m, 0, TARGET_FILTER_CUTOFF, 0, NAN);
	ck_assert_double_eq(audiomap_artist_value(m, 0, TARGET_FILTER_CUTOFF, 0),
			    audiomap_config_value(cfg, 0, TARGET_FILTER_CUTOFF, 0));
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 2000, 0.01);	/* 1000 + 0.25 * 4000 */
	/* No such stem, no such cue. */
	ck_assert_int_eq(audiomap_set_artist_value(m, 0, TARGET_STEM_GAIN, 5, -6), -1);
	ck_assert_int_eq(audiomap_set_artist_value(m, 9, TARGET_MASTER_GAIN, 0, -6), -1);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_venue_limits_clamp_the_result)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON(
		"{\"source\":\"slider_median\",\"target\":\"playback_rate\",\"to\":[0.9,1.1],\"smoothing_s\":0},"
		"{\"source\":\"slider_median\",\"target\":\"playback_rate\",\"to\":[0.9,1.1],\"smoothing_s\":0},"
		"{\"source\":\"slider_median\",\"target\":\"master_gain\",\"to\":[-60,0],\"smoothing_s\":0},"
		"{\"source\":\"slider_median\",\"target\":\"master_gain\",\"to\":[-60,0],\"smoothing_s\":0}", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;

	frame_init(&f, cfg);
	f.venue.slider_n = 1;
	f.venue.slider_median = 1.0;	/* two mappings both push up: their sum is clamped */
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.playback_rate, 1.1, 1e-6);
	ck_assert_double_le(p.master_gain_db, 0);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_smoothing_glides_and_quiet_crowd_holds_its_value)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON(
		"{\"source\":\"slider_median\",\"target\":\"delay_mix\",\"to\":[0,1],\"smoothing_s\":0.5}", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;

	frame_init(&f, cfg);
	f.venue.slider_n = 1;
	f.venue.slider_median = 1.0;
	audiomap_update(m, &f, 0.5, &p, NULL, NULL);	/* one time constant: 63 % */
	ck_assert_double_eq_tol(p.delay_mix, 1 - exp(-1), 1e-4);
	for (int i = 0; i < 200; i++)
		audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.delay_mix, 1.0, 1e-3);
	f.venue.slider_n = 0;		/* nobody on the slider now: keep it where they left it */
	audiomap_update(m, &f, 1.0, &p, NULL, NULL);
	ck_assert_double_eq_tol(p.delay_mix, 1.0, 1e-3);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_rise_trigger_fires_once_per_rise_and_respects_cooldown)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON("",
		"{\"id\":\"clap\",\"file\":\"%s\",\"trigger\":{\"on\":\"rise\",\"source\":\"taps_per_s\","
		"\"above\":10},\"cooldown_s\":2}"));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;
	const double taps[] = { 0, 12, 15, 20, 9, 12, 0, 0, 0, 12, 12 };

	memset(fired, 0, sizeof(fired));
	frame_init(&f, cfg);
	/* One update a second: rises at 1 s, (9 is above 80 % so no re-arm), 6 s re-arms, 9 s fires. */
	for (size_t i = 0; i < sizeof(taps) / sizeof(taps[0]); i++) {
		f.venue.taps_per_s = taps[i];
		audiomap_update(m, &f, 1.0, &p, on_trigger, NULL);
	}
	ck_assert_int_eq(fired[cfg->cues[0].audio.samples[0].clip], 2);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_zone_loudest_plays_that_zones_sting_when_it_takes_the_lead)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON("",
		"{\"id\":\"l\",\"file\":\"%s\",\"trigger\":{\"on\":\"zone_loudest\",\"zone\":\"left\"},\"cooldown_s\":0},"
		"{\"id\":\"r\",\"file\":\"%s\",\"trigger\":{\"on\":\"zone_loudest\",\"zone\":\"right\"},\"cooldown_s\":0}"));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;
	int calls = 0;

	memset(fired, 0, sizeof(fired));
	frame_init(&f, cfg);
	audiomap_update(m, &f, 1.0, &p, on_trigger, NULL);
	f.zones[0].taps_per_s = 5;
	audiomap_update(m, &f, 1.0, &p, on_trigger, NULL);	/* left leads */
	audiomap_update(m, &f, 1.0, &p, on_trigger, NULL);	/* still left: nothing new */
	f.zones[1].taps_per_s = 8;
	audiomap_update(m, &f, 1.0, &p, on_trigger, NULL);	/* right takes over */
	for (int i = 0; i < CONFIG_MAX_CLIPS; i++)
		calls += fired[i];
	ck_assert_int_eq(calls, 2);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

START_TEST(test_audiomap_new_cue_bumps_generation_and_uses_its_own_sound)
{
	struct venue_config *cfg = load(AUDIOMAP_JSON("", ""));
	struct audiomap *m = audiomap_create(cfg);
	struct show_frame f;
	struct audio_params p;
	uint32_t g;

	frame_init(&f, cfg);
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	g = p.cue_generation;
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 1000, 1e-6);
	f.cue_index = 1;
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert_uint_eq(p.cue, 1);
	ck_assert_uint_eq(p.cue_generation, g + 1);
	ck_assert_double_eq_tol(p.filter_cutoff_hz, 20000, 1e-6);	/* cue b's default: open */
	audiomap_set_fade_to_silence(m, true);
	audiomap_update(m, &f, 1.0 / 60, &p, NULL, NULL);
	ck_assert(p.fade_to_silence);
	audiomap_destroy(m);
	config_destroy(cfg);
}
END_TEST

static Suite *audiomap_suite(void)
{
	Suite *s = suite_create("audio_map");
	TCase *tc = tcase_create("core");

	tcase_add_unchecked_fixture(tc, make_wav, NULL);
	tcase_add_test(tc, test_audiomap_maps_linear_and_exp_ranges);
	tcase_add_test(tc, test_audiomap_crowd_share_moves_only_part_way_from_the_artists_value);
	tcase_add_test(tc, test_audiomap_artists_live_value_is_where_the_crowd_moves_from);
	tcase_add_test(tc, test_audiomap_venue_limits_clamp_the_result);
	tcase_add_test(tc, test_audiomap_smoothing_glides_and_quiet_crowd_holds_its_value);
	tcase_add_test(tc, test_audiomap_rise_trigger_fires_once_per_rise_and_respects_cooldown);
	tcase_add_test(tc, test_audiomap_zone_loudest_plays_that_zones_sting_when_it_takes_the_lead);
	tcase_add_test(tc, test_audiomap_new_cue_bumps_generation_and_uses_its_own_sound);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(audiomap_suite());
}
