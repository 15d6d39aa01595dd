/*
 * check_console_alarms.c - console alarms: raised with their condition, kept on
 * the console until acknowledged, raised afresh when they come back; a
 * storm of rate-limited inputs counted over its window.
 */
#include <check.h>
#include <string.h>

#include "console_alarms.h"
#include "test_util.h"

START_TEST(test_an_alarm_stays_until_acknowledged_and_comes_back_afresh)
{
	struct alarms al;
	struct alarm_inputs in = { .capacity = 100, .audio_error = "\"system\" stopped" };
	struct alarm *a = &al.a[ALARM_AUDIO_LOST];

	alarms_init(&al);
	ck_assert_uint_eq(alarms_update(&al, &in, 0), 0);
	ck_assert(!a->shown);
	in.audio_lost = true;
	ck_assert_uint_eq(alarms_update(&al, &in, 1), 1);
	ck_assert(a->shown && a->active && !a->acknowledged);
	ck_assert(strstr(a->message, "\"system\" stopped") != NULL);
	ck_assert_uint_eq(alarms_update(&al, &in, 2), 0);	/* still the same alarm */
	/* It clears before anyone saw it: it stays on the console. */
	in.audio_lost = false;
	alarms_update(&al, &in, 3);
	ck_assert(a->shown && !a->active);
	ck_assert_int_eq(alarms_ack(&al, "audio_lost"), 0);
	ck_assert(!a->shown);
	ck_assert_int_eq(alarms_ack(&al, "audio_lost"), -1);	/* nothing to acknowledge */
	/* Acknowledged while active: still shown until it clears. */
	in.audio_lost = true;
	ck_assert_uint_eq(alarms_update(&al, &in, 4), 1);
	ck_assert_int_eq(alarms_ack(&al, "audio_lost"), 0);
	ck_assert(a->shown && a->acknowledged);
	in.audio_lost = false;
	alarms_update(&al, &in, 5);
	ck_assert(!a->shown);
	/* Back again: a new occurrence needs a new acknowledgement. */
	in.audio_lost = true;
	ck_assert_uint_eq(alarms_update(&al, &in, 6), 1);
	ck_assert(a->shown && !a->acknowledged);
	ck_assert_double_eq(a->since, 6);
	ck_assert_int_eq(alarms_ack(&al, "fire"), -1);
	ck_assert_uint_eq(al.raised_total, 3);
}
END_TEST

START_TEST(test_venue_full_stage_down_and_a_rate_limit_storm)
{
	struct alarms al;
	struct alarm_inputs in = { .capacity = 10, .participants = 10, .stage_wanted = true };

	alarms_init(&al);
	ck_assert_uint_eq(alarms_update(&al, &in, 0), 2);	/* full, and the stage is down */
	ck_assert(al.a[ALARM_VENUE_FULL].active && al.a[ALARM_STAGE_DOWN].active);
	in.participants = 9;
	in.stage_running = true;
	alarms_update(&al, &in, 1);
	ck_assert(!al.a[ALARM_VENUE_FULL].active && !al.a[ALARM_STAGE_DOWN].active);
	/* 150 rate-limited inputs in a window is not a storm; 250 is. */
	in.rate_limited_total = 150;
	alarms_update(&al, &in, 10.5);
	ck_assert(!al.a[ALARM_RATE_STORM].active);
	in.rate_limited_total = 400;
	alarms_update(&al, &in, 21);
	ck_assert(al.a[ALARM_RATE_STORM].active);
	ck_assert(strstr(al.a[ALARM_RATE_STORM].message, "250 rate-limited") != NULL);
	alarms_update(&al, &in, 31.5);	/* a quiet window */
	ck_assert(!al.a[ALARM_RATE_STORM].active);
	ck_assert(al.a[ALARM_RATE_STORM].shown);	/* until someone acknowledges it */
}
END_TEST

START_TEST(test_a_few_throttled_phones_in_a_crowd_are_no_storm)
{
	struct alarms al;
	/* 40 phones allowed 10 inputs/s each: 4,000 in a window. Four spammers at 3x lose 800 of theirs. */
	struct alarm_inputs in = { .capacity = 100, .participants = 40, .inputs_per_second = 10 };

	alarms_init(&al);
	alarms_update(&al, &in, 0);
	in.rate_limited_total = 800;
	alarms_update(&al, &in, 10.5);
	ck_assert(!al.a[ALARM_RATE_STORM].active);
	ck_assert(!al.a[ALARM_RATE_STORM].shown);
	/* A quarter of the crowd's whole budget refused is a storm. */
	in.rate_limited_total += 1000;
	alarms_update(&al, &in, 21);
	ck_assert(al.a[ALARM_RATE_STORM].active);
	ck_assert_msg(strstr(al.a[ALARM_RATE_STORM].message, "25%") != NULL, "%s", al.a[ALARM_RATE_STORM].message);
}
END_TEST

START_TEST(test_a_degraded_journal_is_an_alarm_with_its_reason)
{
	struct alarms al;
	struct alarm_inputs in = { .journal_degraded = true, .journal_problem = "cannot commit: database or disk is full" };

	alarms_init(&al);
	ck_assert_uint_eq(alarms_update(&al, &in, 0), 1);
	ck_assert(al.a[ALARM_JOURNAL_DEGRADED].active);
	ck_assert_str_eq(alarm_name(ALARM_JOURNAL_DEGRADED), "journal_degraded");
	ck_assert_ptr_nonnull(strstr(al.a[ALARM_JOURNAL_DEGRADED].message, "disk is full"));
	ck_assert_ptr_nonnull(strstr(al.a[ALARM_JOURNAL_DEGRADED].message, "the show goes on"));
	in.journal_degraded = false;
	alarms_update(&al, &in, 1);
	ck_assert(!al.a[ALARM_JOURNAL_DEGRADED].active);
}
END_TEST

START_TEST(test_the_edges_link_down_and_an_edge_lost_are_alarms)
{
	struct alarms al;
	struct alarm_inputs in = { .cluster = true, .cluster_nats = true };

	alarms_init(&al);
	ck_assert_uint_eq(alarms_update(&al, &in, 0), 0);
	/* A show with no edges never raises them, whatever the inputs say. */
	ck_assert_uint_eq(alarms_update(&al, &(struct alarm_inputs){ .cluster = false, .cluster_nats = false }, 0.5), 0);
	in.cluster_nats = false;
	ck_assert_uint_eq(alarms_update(&al, &in, 1), 1);
	ck_assert(al.a[ALARM_CLUSTER_LINK].active);
	ck_assert_str_eq(alarm_name(ALARM_CLUSTER_LINK), "cluster_link");
	ck_assert_ptr_nonnull(strstr(al.a[ALARM_CLUSTER_LINK].message, "keep the last state"));
	in.cluster_nats = true;
	alarms_update(&al, &in, 2);
	ck_assert(!al.a[ALARM_CLUSTER_LINK].active);
	ck_assert(al.a[ALARM_CLUSTER_LINK].shown);	/* until acknowledged */

	/* An edge falls silent: raised with its name, for a minute, and again for the next one. */
	in.edges_lost = 1;
	in.lost_edge = "north-1a2b3c4d";
	ck_assert_uint_eq(alarms_update(&al, &in, 10), 1);
	ck_assert_str_eq(alarm_name(ALARM_EDGE_LOST), "edge_lost");
	ck_assert_ptr_nonnull(strstr(al.a[ALARM_EDGE_LOST].message, "north-1a2b3c4d"));
	ck_assert_uint_eq(alarms_update(&al, &in, 10 + ALARM_EDGE_LOST_S - 1), 0);
	ck_assert(al.a[ALARM_EDGE_LOST].active);
	alarms_update(&al, &in, 10 + ALARM_EDGE_LOST_S + 1);
	ck_assert(!al.a[ALARM_EDGE_LOST].active);
	ck_assert_int_eq(alarms_ack(&al, "edge_lost"), 0);
	in.edges_lost = 2;
	in.lost_edge = "south-00ff00ff";
	ck_assert_uint_eq(alarms_update(&al, &in, 200), 1);
	ck_assert_ptr_nonnull(strstr(al.a[ALARM_EDGE_LOST].message, "south-00ff00ff"));
}
END_TEST

static Suite *alarms_suite(void)
{
	Suite *s = suite_create("console_alarms");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_an_alarm_stays_until_acknowledged_and_comes_back_afresh);
	tcase_add_test(tc, test_venue_full_stage_down_and_a_rate_limit_storm);
	tcase_add_test(tc, test_a_few_throttled_phones_in_a_crowd_are_no_storm);
	tcase_add_test(tc, test_a_degraded_journal_is_an_alarm_with_its_reason);
	tcase_add_test(tc, test_the_edges_link_down_and_an_edge_lost_are_alarms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(alarms_suite());
}
