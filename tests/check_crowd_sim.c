/*
 * check_crowd_sim.c - the simulated crowd, driven through the real audience
 * path on a virtual clock: the crowd shows life, the spammers among it
 * are throttled and cannot swing the tempo, the xy median or a poll, and
 * the same seed gives the same show.
 */
#include <check.h>
#include <string.h>

#include "net_audience.h"
#include "crowd_sim.h"
#include "crowd_stats.h"
#include "crowd_text.h"
#include "test_util.h"

struct run {
	struct crowd_summary venue;
	struct crowd_summary zones[CONFIG_MAX_ZONES];
	uint32_t tallies[CONFIG_POLL_OPTIONS_MAX];
	struct metrics metrics;
	uint32_t connected;
	uint32_t spammers;
};

/* The audience simulated phones talk to: the test venue, its crowd and its show. */
struct rig {
	struct venue_config *cfg;
	struct crowd *crowd;
	struct show *show;
	struct metrics metrics;
	struct audience aud;
};

static void rig_open(struct rig *g)
{
	memset(g, 0, sizeof(*g));
	g->cfg = test_config(TEST_VENUE_JSON);
	g->crowd = crowd_create(g->cfg, 300);
	g->show = show_create(g->cfg, 0);
	audience_init(&g->aud, g->cfg, g->crowd, g->show, &g->metrics, NULL, NULL);
}

static void rig_close(struct rig *g)
{
	show_destroy(g->show);
	crowd_destroy(g->crowd);
	config_destroy(g->cfg);
}

/* Runs @phones simulated phones for @seconds of virtual time at 60 Hz. */
static void run_sim(uint32_t phones, uint64_t seed, double seconds, struct run *r)
{
	struct rig g;
	struct sim *sim;
	double t = 0;

	memset(r, 0, sizeof(*r));
	rig_open(&g);
	sim = sim_create(&g.aud, phones, seed, 0);
	ck_assert_ptr_nonnull(sim);
	r->spammers = sim_count_behaviour(sim, SIM_SPAMMER);
	for (int tick = 1; t < seconds; tick++) {
		t = tick / 60.0;
		sim_tick(sim, t);
		show_tick(g.show, t);
		crowd_tick(g.crowd, t);
	}
	crowd_summarize(g.crowd, t, &r->venue, r->zones);
	crowd_poll_tallies(g.crowd, 0, r->tallies);
	r->connected = crowd_connected(g.crowd);
	r->metrics = g.metrics;
	sim_destroy(sim);
	rig_close(&g);
}

START_TEST(test_sim_crowd_joins_and_plays_every_control)
{
	struct run r;

	run_sim(60, 1, 20, &r);
	ck_assert_uint_ge(r.connected, 60 - r.spammers);	/* spammers may be between reconnects */
	ck_assert_uint_gt(r.venue.active, 30);
	ck_assert_double_gt(r.venue.taps_per_s, 20);
	ck_assert_uint_gt(r.venue.xy_n, 30);
	ck_assert_uint_gt(r.venue.slider_n, 30);
	ck_assert_uint_gt(r.venue.shake_n, 10);
	ck_assert_uint_gt(r.zones[0].participants, 0);
	ck_assert_uint_gt(r.zones[1].participants, 0);
	ck_assert_uint_gt(r.metrics.inputs_accepted[CONTROL_TAP], 1000);
}
END_TEST

START_TEST(test_sim_spammers_are_throttled_and_cannot_swing_the_crowd)
{
	struct run r;
	uint32_t total = 0;

	run_sim(60, 1, 20, &r);
	ck_assert_uint_eq(r.spammers, 6);
	ck_assert_uint_gt(r.metrics.rejected[REJECT_RATE_LIMITED], 100);
	/* Steady tappers sit around 120 BPM; bursty and spammy phones are outliers. */
	ck_assert_double_eq_tol(r.venue.tempo_bpm, 120, 4);
	/* Spammers push xy to the corner (1, 1); the crowd's median stays near the middle. */
	ck_assert_double_lt(r.venue.x_median, 0.65);
	ck_assert_double_lt(r.venue.y_median, 0.65);
	/* One vote per participant: however often a spammer votes, the poll counts it once. */
	for (int o = 0; o < 3; o++)
		total += r.tallies[o];
	ck_assert_uint_le(total, 60);
	ck_assert_uint_ge(total, 40);
	ck_assert_uint_gt(r.metrics.rejected[REJECT_DUPLICATE] + r.metrics.inputs_accepted[CONTROL_VOTE],
			  total);
}
END_TEST

/* At the end of a show, simulated phones leave then (they may resume), not at its start. */
START_TEST(test_sim_phones_leave_when_the_show_ends_not_at_its_start)
{
	struct rig g;
	struct sim *sim;
	double end;
	uint32_t joined;

	rig_open(&g);
	end = g.cfg->resume_window_s + 30;
	sim = sim_create(&g.aud, 20, 1, 0);
	for (int tick = 1; tick <= end * 10; tick++)
		sim_tick(sim, tick / 10.0);
	joined = crowd_table_used(g.crowd);
	ck_assert_uint_gt(joined, 10);
	sim_destroy(sim);
	ck_assert_uint_eq(crowd_connected(g.crowd), 0);
	crowd_tick(g.crowd, end + g.cfg->resume_window_s - 1);
	ck_assert_uint_eq(crowd_table_used(g.crowd), joined);	/* still within their resume window */
	crowd_tick(g.crowd, end + g.cfg->resume_window_s + 1);
	ck_assert_uint_eq(crowd_table_used(g.crowd), 0);
	rig_close(&g);
}
END_TEST

START_TEST(test_sim_same_seed_same_show)
{
	struct run a, b, c;

	run_sim(40, 7, 8, &a);
	run_sim(40, 7, 8, &b);
	run_sim(40, 8, 8, &c);
	ck_assert_int_eq(memcmp(a.tallies, b.tallies, sizeof(a.tallies)), 0);
	ck_assert_double_eq(a.venue.x_mean, b.venue.x_mean);
	ck_assert_double_eq(a.venue.tempo_bpm, b.venue.tempo_bpm);
	ck_assert_uint_eq(a.metrics.inputs_accepted[CONTROL_TAP], b.metrics.inputs_accepted[CONTROL_TAP]);
	ck_assert(a.venue.x_mean != c.venue.x_mean ||
		  a.metrics.inputs_accepted[CONTROL_TAP] != c.metrics.inputs_accepted[CONTROL_TAP]);
}
END_TEST

/* Simulated phones vote again after the console resets the poll, and in its ad-hoc poll. */
START_TEST(test_sim_crowd_votes_again_after_a_reset_and_in_an_ad_hoc_poll)
{
	struct rig g;
	struct venue_config *cfg;
	struct crowd *crowd;
	struct show *show;
	struct sim *sim;
	uint32_t t1[CONFIG_POLL_OPTIONS_MAX], t2[CONFIG_POLL_OPTIONS_MAX], t3[CONFIG_POLL_OPTIONS_MAX];
	uint32_t adhoc, n1 = 0, n2 = 0, n3 = 0;
	int tick = 1;

	rig_open(&g);
	cfg = g.cfg, crowd = g.crowd, show = g.show;
	adhoc = cfg->adhoc_first;
	sim = sim_create(&g.aud, 40, 3, 0);
	for (; tick < 60 * 75; tick++) {
		sim_tick(sim, tick / 60.0);
		show_tick(show, tick / 60.0);
		crowd_tick(crowd, tick / 60.0);
		if (tick == 60 * 25) {
			crowd_poll_tallies(crowd, 0, t1);
			show_poll_reset(show, 0);
			crowd_poll_reset(crowd, 0);
			show_poll_open(show, 0, tick / 60.0);
		}
		if (tick == 60 * 50) {
			crowd_poll_tallies(crowd, 0, t2);
			config_adhoc_poll_write(cfg, adhoc, "Encore?", (const char *const[]){ "Yes", "No" }, 2);
			show_poll_reset(show, adhoc);
			show_poll_open(show, adhoc, tick / 60.0);
			show_poll_adhoc_show(show, adhoc);
		}
	}
	crowd_poll_tallies(crowd, adhoc, t3);
	for (int o = 0; o < 3; o++) {
		n1 += t1[o];
		n2 += t2[o];
	}
	n3 = t3[0] + t3[1];
	ck_assert_uint_ge(n1, 20);
	ck_assert_uint_ge(n2, 20);	/* the same crowd voted again in the fresh round */
	ck_assert_uint_ge(n3, 20);	/* and in the poll the console made up */
	sim_destroy(sim);
	rig_close(&g);
}
END_TEST

/* A venue like a real one: a big floor and a small balcony, a timed poll, a cue for the wall. */
static const char *const real_venue =
	"{\"name\":\"Hall\",\"capacity\":1000,"
	"\"zones\":[{\"id\":\"floor\",\"name\":\"Floor\",\"capacity\":750},"
	"{\"id\":\"balcony\",\"name\":\"Balcony\",\"capacity\":250}],"
	"\"moderation\":{\"banned_words\":[\"boo\"],\"text_interval_s\":5},"
	"\"cues\":[{\"id\":\"vote\",\"scene\":\"poll\",\"controls\":[\"vote\",\"slider\"],"
	"\"poll\":{\"id\":\"song\",\"question\":\"Which?\",\"options\":[\"A\",\"B\",\"C\"],\"duration_s\":40}},"
	"{\"id\":\"wall\",\"scene\":\"wall\",\"controls\":[\"text\"]}]}";

struct real_run {
	struct venue_config *cfg;
	struct crowd *crowd;
	struct show *show;
	struct crowdtext *texts;
	struct metrics metrics;
	struct audience aud;
	struct sim *sim;
	int tick;
};

static void real_open(struct real_run *r, uint32_t phones)
{
	memset(r, 0, sizeof(*r));
	r->cfg = test_config(real_venue);
	r->crowd = crowd_create(r->cfg, phones + 50);
	r->show = show_create(r->cfg, 0);
	r->texts = crowdtext_create(&r->cfg->moderation, phones + 50);
	audience_init(&r->aud, r->cfg, r->crowd, r->show, &r->metrics, r->texts, NULL);
	r->sim = sim_create(&r->aud, phones, 11, 0);
	r->tick = 1;
}

/* Runs on to show time @until_s at 60 Hz. */
static void real_run_to(struct real_run *r, double until_s)
{
	for (; r->tick / 60.0 <= until_s; r->tick++) {
		double t = r->tick / 60.0;

		sim_tick(r->sim, t);
		show_tick(r->show, t);
		crowd_tick(r->crowd, t);
	}
}

static void real_close(struct real_run *r)
{
	sim_destroy(r->sim);
	crowdtext_destroy(r->texts);
	show_destroy(r->show);
	crowd_destroy(r->crowd);
	config_destroy(r->cfg);
}

static uint32_t votes_so_far(struct real_run *r)
{
	uint32_t t[CONFIG_POLL_OPTIONS_MAX], n = 0;

	crowd_poll_tallies(r->crowd, 0, t);
	for (int o = 0; o < 3; o++)
		n += t[o];
	return n;
}

START_TEST(test_sim_crowd_fills_zones_votes_over_the_poll_and_writes_to_the_wall)
{
	struct real_run r;
	struct crowd_summary venue, zones[CONFIG_MAX_ZONES];
	uint32_t early, mid, end, joined;

	real_open(&r, 400);
	real_run_to(&r, 3.5);	/* everyone in (leavers come within 10 s), the poll opened at 0 */
	early = votes_so_far(&r);
	real_run_to(&r, 15);
	mid = votes_so_far(&r);
	crowd_summarize(r.crowd, 15, &venue, zones);
	joined = zones[0].participants + zones[1].participants;
	real_run_to(&r, 39.9);
	end = votes_so_far(&r);
	/* Zones fill in proportion to capacity, 3:1 here, not evenly. */
	ck_assert_msg(zones[0].participants > 2.4 * zones[1].participants &&
		      zones[0].participants < 3.8 * zones[1].participants,
		      "floor %u, balcony %u", zones[0].participants, zones[1].participants);
	/* Votes come over the poll's life: not all at once, most before it closes. */
	ck_assert_msg(early < end / 3, "%u of %u votes in the first 3.5 s", early, end);
	ck_assert_msg(mid > early && end > mid, "votes %u, %u, %u", early, mid, end);
	ck_assert_msg(end >= joined * 6 / 10 && end < joined, "%u votes from %u phones", end, joined);
	/* The wall: some texts reach the moderators, some the filter stops. */
	show_cue_go(r.show, 1, 40);
	real_run_to(&r, 75);
	ck_assert_uint_gt(crowdtext_counts(r.texts)->submitted, 40);
	ck_assert_uint_gt(crowdtext_counts(r.texts)->filtered, 5);
	ck_assert_uint_gt(crowdtext_pending_count(r.texts), 20);
	real_close(&r);
}
END_TEST

START_TEST(test_sim_a_coordinated_group_gets_one_vote_each_and_leavers_come_and_go)
{
	struct real_run r;
	uint32_t t[CONFIG_POLL_OPTIONS_MAX], group, leavers, at_10, at_100;
	struct crowd_summary venue, zones[CONFIG_MAX_ZONES];

	real_open(&r, 400);
	group = sim_count_behaviour(r.sim, SIM_COORDINATED);
	leavers = sim_count_behaviour(r.sim, SIM_LEAVER);
	ck_assert_uint_ge(group, 15);
	real_run_to(&r, 10);
	at_10 = crowd_connected(r.crowd);
	crowd_poll_tallies(r.crowd, 0, t);
	/* The group voted as one, at once: its option has at least its count, and no more than once each. */
	ck_assert_uint_ge(t[2], group);
	crowd_summarize(r.crowd, 10, &venue, zones);
	/* Pushing the slider to the top together does not drag the crowd's median there. */
	ck_assert_msg(venue.slider_median < 0.8, "slider median %.2f", venue.slider_median);
	real_run_to(&r, 100);
	at_100 = crowd_connected(r.crowd);
	/* Leavers left (half of them for good): fewer phones now than at 10 s. */
	ck_assert_msg(at_100 < at_10 && at_10 - at_100 <= leavers, "%u then %u phones, %u leavers", at_10, at_100,
		      leavers);
	real_close(&r);
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("crowd_sim");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sim_crowd_joins_and_plays_every_control);
	tcase_add_test(tc, test_sim_spammers_are_throttled_and_cannot_swing_the_crowd);
	tcase_add_test(tc, test_sim_phones_leave_when_the_show_ends_not_at_its_start);
	tcase_add_test(tc, test_sim_same_seed_same_show);
	tcase_add_test(tc, test_sim_crowd_votes_again_after_a_reset_and_in_an_ad_hoc_poll);
	tcase_add_test(tc, test_sim_crowd_fills_zones_votes_over_the_poll_and_writes_to_the_wall);
	tcase_add_test(tc, test_sim_a_coordinated_group_gets_one_vote_each_and_leavers_come_and_go);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(sim_suite());
}
