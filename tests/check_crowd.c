/* check_crowd.c - participant table, resume, votes, and aggregates one phone cannot swing. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "crowd.h"
#include "crowd_stats.h"
#include "test_util.h"

static struct venue_config *cfg;
static struct crowd *crowd;

static void setup(void)
{
	cfg = test_config(TEST_VENUE_JSON);
	crowd = crowd_create(cfg, 200);
	ck_assert_ptr_nonnull(crowd);
}

static void teardown(void)
{
	crowd_destroy(crowd);
	config_destroy(cfg);
}

static int join(uint32_t zone, double now)
{
	bool resumed;
	int p = crowd_join(crowd, NULL, zone, now, &resumed, NULL);

	ck_assert_int_ge(p, 0);
	ck_assert(!resumed);
	return p;
}

static struct crowd_summary venue_summary(double now)
{
	struct crowd_summary venue, zones[CONFIG_MAX_ZONES];

	crowd_summarize(crowd, now, &venue, zones);
	return venue;
}

START_TEST(test_crowd_active_since_counts_connected_players_by_zone)
{
	int a = join(0, 1), b = join(1, 1), c = join(1, 1);
	uint32_t zones[CONFIG_MAX_ZONES];

	join(0, 1);				/* joined, never played */
	crowd_tap(crowd, a, 2);
	crowd_slider(crowd, b, 0.5, 9);
	crowd_tap(crowd, c, 9);
	ck_assert_uint_eq(crowd_active_since(crowd, 0, zones), 3);
	ck_assert_uint_eq(zones[0], 1);
	ck_assert_uint_eq(zones[1], 2);
	ck_assert_uint_eq(crowd_active_since(crowd, 5, zones), 2);	/* a played at 2 */
	ck_assert_uint_eq(zones[0], 0);
	crowd_leave(crowd, c, 10);		/* gone: not counted, even though it played */
	ck_assert_uint_eq(crowd_active_since(crowd, 5, NULL), 1);
}
END_TEST

START_TEST(test_crowd_new_participants_get_distinct_ids_and_tokens)
{
	int a = join(0, 0), b = join(1, 0);

	ck_assert_int_ne(a, b);
	ck_assert_str_ne(crowd_participant_id(crowd, a), crowd_participant_id(crowd, b));
	ck_assert_str_ne(crowd_participant_token(crowd, a), crowd_participant_token(crowd, b));
	ck_assert_uint_eq(strlen(crowd_participant_token(crowd, a)), CROWD_TOKEN_CHARS);
	ck_assert_int_eq(crowd_find_by_id(crowd, crowd_participant_id(crowd, b)), b);
	ck_assert_uint_eq(crowd_connected(crowd), 2);
}
END_TEST

/* The ids and tokens of @n joins into a fresh crowd seeded with @seed, one after another. */
static void seeded_joins(uint64_t seed, int n, char ids[][CROWD_ID_CHARS + 1], char tokens[][CROWD_TOKEN_CHARS + 1])
{
	struct crowd *c = crowd_create(cfg, 200);
	bool resumed;

	crowd_seed_identities(c, seed);
	for (int i = 0; i < n; i++) {
		int p = crowd_join(c, NULL, 0, 0, &resumed, NULL);

		strcpy(ids[i], crowd_participant_id(c, p));
		strcpy(tokens[i], crowd_participant_token(c, p));
	}
	crowd_destroy(c);
}

START_TEST(test_crowd_seeded_identities_repeat_with_the_seed_and_differ_without)
{
	char ids[3][4][CROWD_ID_CHARS + 1], tokens[3][4][CROWD_TOKEN_CHARS + 1];

	seeded_joins(7, 4, ids[0], tokens[0]);
	seeded_joins(7, 4, ids[1], tokens[1]);
	seeded_joins(8, 4, ids[2], tokens[2]);
	for (int i = 0; i < 4; i++) {
		ck_assert_str_eq(ids[0][i], ids[1][i]);
		ck_assert_str_eq(tokens[0][i], tokens[1][i]);
		ck_assert_str_ne(ids[0][i], ids[2][i]);
		ck_assert_str_ne(tokens[0][i], tokens[2][i]);
		ck_assert_uint_eq(strlen(tokens[0][i]), CROWD_TOKEN_CHARS);
	}
	ck_assert_str_ne(ids[0][0], ids[0][1]);
}
END_TEST

/* A replay's source: the one identity a journal holds for the next join, as often as asked. */
static bool journal_identity(void *user, char id[CROWD_ID_CHARS + 2], char token[CROWD_TOKEN_CHARS + 2])
{
	(void)user;
	strcpy(id, "p-1a2b3c4d");
	strcpy(token, "q6urq6urq6urq6urq6urqw");
	return true;
}

START_TEST(test_crowd_given_identity_is_the_participants_and_a_repeat_falls_back_to_random)
{
	int a, b;

	crowd_set_identities(crowd, journal_identity, NULL);
	a = join(0, 0);
	ck_assert_str_eq(crowd_participant_id(crowd, a), "p-1a2b3c4d");
	ck_assert_str_eq(crowd_participant_token(crowd, a), "q6urq6urq6urq6urq6urqw");
	b = join(0, 0);	/* the same identity again is taken: another one, never a clash */
	ck_assert_str_ne(crowd_participant_id(crowd, b), "p-1a2b3c4d");
	ck_assert_str_ne(crowd_participant_token(crowd, b), crowd_participant_token(crowd, a));
}
END_TEST

START_TEST(test_crowd_resume_by_token_restores_participant_votes_and_seq)
{
	int p = join(1, 0), again;
	char token[CROWD_TOKEN_CHARS + 1];
	uint32_t tallies[3];
	bool resumed;

	strcpy(token, crowd_participant_token(crowd, p));
	ck_assert(crowd_seq_take(crowd, p, 5));
	crowd_vote(crowd, p, 0, 2, 1);
	crowd_leave(crowd, p, 2);
	ck_assert_uint_eq(crowd_connected(crowd), 0);
	again = crowd_join(crowd, token, 0, 3, &resumed, NULL);
	ck_assert(resumed);
	ck_assert_int_eq(again, p);
	ck_assert_uint_eq(crowd_participant_zone(crowd, again), 1);	/* keeps its zone */
	ck_assert_uint_eq(crowd_participant_last_seq(crowd, again), 5);
	ck_assert_int_eq(crowd_participant_votes(crowd, again)[0], 2);
	crowd_poll_tallies(crowd, 0, tallies);
	ck_assert_uint_eq(tallies[2], 1);
}
END_TEST

/* After a restart, a participant from the journal waits for its phone's token, with its id and zone. */
START_TEST(test_crowd_restored_participant_resumes_by_its_token)
{
	int p = join(1, 0), r, again;
	char token[CROWD_TOKEN_CHARS + 1], id[CROWD_ID_CHARS + 1];
	struct crowd *fresh = crowd_create(cfg, 200);
	bool resumed;

	strcpy(token, crowd_participant_token(crowd, p));
	strcpy(id, crowd_participant_id(crowd, p));
	r = crowd_restore(fresh, id, token, 1, 10);
	ck_assert_int_ge(r, 0);
	ck_assert_uint_eq(crowd_connected(fresh), 0);
	ck_assert(crowd_token_known(fresh, token));
	ck_assert_int_eq(crowd_find_by_id(fresh, id), r);
	ck_assert_int_eq(crowd_restore(fresh, id, token, 1, 10), r);	/* twice is once */
	ck_assert_int_eq(crowd_restore(fresh, "p-zz", token, 1, 10), -1);
	ck_assert_int_eq(crowd_restore(fresh, "p-00000001", "not a token", 1, 10), -1);
	again = crowd_join(fresh, token, 0, 11, &resumed, NULL);
	ck_assert(resumed);
	ck_assert_int_eq(again, r);
	ck_assert_str_eq(crowd_participant_id(fresh, again), id);
	ck_assert_uint_eq(crowd_participant_zone(fresh, again), 1);
	crowd_destroy(fresh);
}
END_TEST

START_TEST(test_crowd_token_of_a_connected_participant_moves_it_to_the_new_connection)
{
	int p = join(0, 0), other;
	bool resumed, taken_over;

	/* A phone that changed network comes back before its old socket timed out. */
	crowd_vote(crowd, p, 0, 1, 0.5);
	other = crowd_join(crowd, crowd_participant_token(crowd, p), 0, 1, &resumed, &taken_over);
	ck_assert_int_eq(other, p);
	ck_assert(resumed && taken_over);
	ck_assert_uint_eq(crowd_connected(crowd), 1);	/* still one phone */
	ck_assert_int_eq(crowd_participant_votes(crowd, p)[0], 1);
}
END_TEST

START_TEST(test_crowd_unknown_or_garbled_token_joins_as_new)
{
	bool resumed;
	int p = crowd_join(crowd, "AAAAAAAAAAAAAAAAAAAAAA", 0, 0, &resumed, NULL);

	ck_assert_int_ge(p, 0);
	ck_assert(!resumed);
	p = crowd_join(crowd, "not a token at all!", 0, 0, &resumed, NULL);
	ck_assert_int_ge(p, 0);
	ck_assert(!resumed);
}
END_TEST

START_TEST(test_crowd_changing_a_vote_never_counts_twice)
{
	int a = join(0, 0), b = join(1, 0);
	uint32_t t[3];

	crowd_vote(crowd, a, 0, 0, 1);
	crowd_vote(crowd, a, 0, 0, 1);
	crowd_vote(crowd, a, 0, 1, 2);
	crowd_vote(crowd, b, 0, 1, 2);
	crowd_vote(crowd, a, 0, 2, 3);
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[0], 0);
	ck_assert_uint_eq(t[1], 1);
	ck_assert_uint_eq(t[2], 1);
}
END_TEST

START_TEST(test_crowd_seq_take_refuses_resent_and_older_seqs)
{
	int p = join(0, 0);

	ck_assert(crowd_seq_take(crowd, p, 1));
	ck_assert(crowd_seq_take(crowd, p, 3));
	ck_assert(!crowd_seq_take(crowd, p, 3));
	ck_assert(!crowd_seq_take(crowd, p, 2));
	ck_assert(crowd_seq_take(crowd, p, 4));
}
END_TEST

START_TEST(test_crowd_spammer_cannot_swing_xy_or_slider_median)
{
	int spammer;

	for (int i = 0; i < 99; i++) {
		int p = join((uint32_t)(i % 2), 0);

		crowd_xy(crowd, p, 0.3, 0.3, 1.0);
		crowd_slider(crowd, p, 0.3, 1.0);
	}
	spammer = join(0, 0);
	for (int k = 0; k < 5000; k++) {
		crowd_xy(crowd, spammer, 1.0, 1.0, 1.0 + k * 0.0001);
		crowd_slider(crowd, spammer, 1.0, 1.0 + k * 0.0001);
	}
	struct crowd_summary s = venue_summary(2);
	ck_assert_uint_eq(s.xy_n, 100);
	ck_assert_double_eq_tol(s.x_median, 0.3, 1.0 / VALUE_BINS);
	ck_assert_double_eq_tol(s.slider_median, 0.3, 1.0 / VALUE_BINS);
	/* Its share of the mean is one in a hundred, however often it sends. */
	ck_assert_double_eq_tol(s.x_mean, (99 * 0.3 + 1.0) / 100, 1e-4);
}
END_TEST

/* @n phones tap @taps times at @bpm starting at @t0; returns when the last tap happened. */
static double tap_along(int *phones, int n, double bpm, int taps, double t0)
{
	double t = t0;

	for (int k = 0; k < taps; k++) {
		t = t0 + k * 60.0 / bpm;
		for (int i = 0; i < n; i++)
			crowd_tap(crowd, phones[i], t + i * 0.001);
	}
	return t;
}

START_TEST(test_crowd_tempo_is_the_crowds_not_the_outliers)
{
	int steady[20], wild[4];
	double t;

	for (int i = 0; i < 20; i++)
		steady[i] = join(0, 0);
	for (int i = 0; i < 4; i++)
		wild[i] = join(1, 0);
	tap_along(wild, 4, 220, 12, 0);
	t = tap_along(steady, 20, 120, 6, 0);
	struct crowd_summary s = venue_summary(t);
	ck_assert_uint_eq(s.tempo_n, 24);
	ck_assert_double_eq_tol(s.tempo_bpm, 120, 1.0);
}
END_TEST

START_TEST(test_crowd_tempo_needs_three_steady_tappers)
{
	int p[2] = { join(0, 0), join(0, 0) };
	double t = tap_along(p, 2, 100, 6, 0);

	ck_assert(venue_summary(t).tempo_bpm < 0);
}
END_TEST

START_TEST(test_crowd_irregular_tapping_gives_no_tempo)
{
	int p = join(0, 0);
	const double times[] = { 0, 0.3, 1.2, 1.5, 2.6, 2.8, 3.9 };

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		crowd_tap(crowd, p, times[i]);
	ck_assert_uint_eq(venue_summary(4).tempo_n, 0);
}
END_TEST

START_TEST(test_crowd_taps_per_second_counts_the_last_two_seconds)
{
	int p = join(0, 0), q = join(1, 0);

	for (int k = 0; k < 10; k++) {
		crowd_tap(crowd, p, 10.0 + k * 0.1);
		crowd_tap(crowd, q, 10.0 + k * 0.1);
	}
	ck_assert_double_eq_tol(venue_summary(11.0).taps_per_s, 10.0, 1e-9);
	ck_assert_double_eq_tol(venue_summary(20.0).taps_per_s, 0.0, 1e-9);
}
END_TEST

START_TEST(test_crowd_quiet_participants_expire_from_active_and_aggregates)
{
	int p = join(0, 0), q = join(0, 0);

	crowd_xy(crowd, p, 0.1, 0.1, 1.0);
	crowd_xy(crowd, q, 0.9, 0.9, 4.0);
	crowd_shake(crowd, q, 0.8, 4.0);
	crowd_tick(crowd, 5.0);
	struct crowd_summary s = venue_summary(5.0);
	ck_assert_uint_eq(s.active, 2);
	ck_assert_uint_eq(s.shake_n, 1);
	ck_assert_double_eq_tol(s.shake_energy, 0.4, 1e-6);	/* 0.8 over 2 active */
	crowd_tick(crowd, 6.5);		/* p quiet for 5.5 s > 5 s window; q's shake is 2.5 s old */
	s = venue_summary(6.5);
	ck_assert_uint_eq(s.active, 1);
	ck_assert_uint_eq(s.xy_n, 1);
	ck_assert_double_eq_tol(s.x_mean, 0.9, 1e-6);
	ck_assert_uint_eq(s.shake_n, 0);
}
END_TEST

START_TEST(test_crowd_zone_summaries_add_up_to_the_venue)
{
	struct crowd_summary venue, zones[CONFIG_MAX_ZONES];

	for (int i = 0; i < 30; i++) {
		int p = join((uint32_t)(i % 3 == 0), 0);

		crowd_slider(crowd, p, (i % 10) / 10.0, 1);
	}
	crowd_summarize(crowd, 1, &venue, zones);
	ck_assert_uint_eq(venue.participants, zones[0].participants + zones[1].participants);
	ck_assert_uint_eq(venue.slider_n, zones[0].slider_n + zones[1].slider_n);
	ck_assert_uint_eq(zones[1].participants, 10);
	ck_assert_double_eq_tol(venue.slider_mean,
				(zones[0].slider_mean * zones[0].slider_n +
				 zones[1].slider_mean * zones[1].slider_n) / venue.slider_n, 1e-9);
}
END_TEST

START_TEST(test_crowd_leaving_removes_contributions_at_once)
{
	int p = join(0, 0);

	crowd_xy(crowd, p, 0.9, 0.9, 1);
	crowd_leave(crowd, p, 1.5);
	struct crowd_summary s = venue_summary(1.5);
	ck_assert_uint_eq(s.participants, 0);
	ck_assert_uint_eq(s.active, 0);
	ck_assert_uint_eq(s.xy_n, 0);
}
END_TEST

START_TEST(test_crowd_full_table_forgets_the_longest_waiting_first)
{
	struct crowd *small = crowd_create(cfg, 3);
	bool resumed;
	int a, b, c, d;
	char token_a[CROWD_TOKEN_CHARS + 1], token_b[CROWD_TOKEN_CHARS + 1];

	a = crowd_join(small, NULL, 0, 0, &resumed, NULL);
	b = crowd_join(small, NULL, 0, 0, &resumed, NULL);
	c = crowd_join(small, NULL, 0, 0, &resumed, NULL);
	strcpy(token_a, crowd_participant_token(small, a));
	strcpy(token_b, crowd_participant_token(small, b));
	ck_assert_int_eq(crowd_join(small, NULL, 0, 0, &resumed, NULL), -1);	/* all connected */
	crowd_leave(small, a, 1);
	crowd_leave(small, b, 2);
	d = crowd_join(small, NULL, 0, 3, &resumed, NULL);	/* takes a's slot */
	ck_assert_int_ge(d, 0);
	ck_assert(!resumed);
	ck_assert_int_eq(crowd_join(small, token_b, 0, 4, &resumed, NULL), b);	/* b was kept */
	ck_assert(resumed);
	/* a was forgotten: its token is a stranger now, and every slot holds a connected phone. */
	ck_assert_int_eq(crowd_join(small, token_a, 0, 4, &resumed, NULL), -1);
	(void)c;
	crowd_destroy(small);
}
END_TEST

START_TEST(test_crowd_waiting_participants_expire_after_the_resume_window)
{
	int p = join(0, 0);
	char token[CROWD_TOKEN_CHARS + 1];
	bool resumed;

	strcpy(token, crowd_participant_token(crowd, p));
	crowd_leave(crowd, p, 10);
	crowd_tick(crowd, 10 + cfg->resume_window_s + 1);
	ck_assert_uint_eq(crowd_table_used(crowd), 0);
	crowd_join(crowd, token, 0, 1000, &resumed, NULL);
	ck_assert(!resumed);
}
END_TEST

START_TEST(test_crowd_forget_keeps_votes_counted_but_ends_the_token)
{
	int p = join(0, 0);
	char token[CROWD_TOKEN_CHARS + 1];
	uint32_t t[3];
	bool resumed;

	strcpy(token, crowd_participant_token(crowd, p));
	crowd_vote(crowd, p, 0, 1, 1);
	crowd_forget(crowd, p);			/* connected: refused, it stays */
	ck_assert_uint_eq(crowd_connected(crowd), 1);
	crowd_leave(crowd, p, 1.5);
	crowd_forget(crowd, p);
	crowd_poll_tallies(crowd, 0, t);
	ck_assert_uint_eq(t[1], 1);
	ck_assert_uint_eq(crowd_connected(crowd), 0);
	crowd_join(crowd, token, 0, 2, &resumed, NULL);
	ck_assert(!resumed);
}
END_TEST

static Suite *crowd_suite(void)
{
	Suite *s = suite_create("crowd");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crowd_new_participants_get_distinct_ids_and_tokens);
	tcase_add_test(tc, test_crowd_seeded_identities_repeat_with_the_seed_and_differ_without);
	tcase_add_test(tc, test_crowd_given_identity_is_the_participants_and_a_repeat_falls_back_to_random);
	tcase_add_test(tc, test_crowd_resume_by_token_restores_participant_votes_and_seq);
	tcase_add_test(tc, test_crowd_restored_participant_resumes_by_its_token);
	tcase_add_test(tc, test_crowd_token_of_a_connected_participant_moves_it_to_the_new_connection);
	tcase_add_test(tc, test_crowd_unknown_or_garbled_token_joins_as_new);
	tcase_add_test(tc, test_crowd_changing_a_vote_never_counts_twice);
	tcase_add_test(tc, test_crowd_seq_take_refuses_resent_and_older_seqs);
	tcase_add_test(tc, test_crowd_spammer_cannot_swing_xy_or_slider_median);
	tcase_add_test(tc, test_crowd_tempo_is_the_crowds_not_the_outliers);
	tcase_add_test(tc, test_crowd_tempo_needs_three_steady_tappers);
	tcase_add_test(tc, test_crowd_irregular_tapping_gives_no_tempo);
	tcase_add_test(tc, test_crowd_taps_per_second_counts_the_last_two_seconds);
	tcase_add_test(tc, test_crowd_quiet_participants_expire_from_active_and_aggregates);
	tcase_add_test(tc, test_crowd_zone_summaries_add_up_to_the_venue);
	tcase_add_test(tc, test_crowd_leaving_removes_contributions_at_once);
	tcase_add_test(tc, test_crowd_full_table_forgets_the_longest_waiting_first);
	tcase_add_test(tc, test_crowd_waiting_participants_expire_after_the_resume_window);
	tcase_add_test(tc, test_crowd_forget_keeps_votes_counted_but_ends_the_token);
	tcase_add_test(tc, test_crowd_active_since_counts_connected_players_by_zone);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(crowd_suite());
}
