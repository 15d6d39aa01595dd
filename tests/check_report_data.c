/*
 * check_report_data.c - the post-show report's figures against the journal
 * (docs/report.md): a small show written through the real journal API
 * (four participants in two zones joining, leaving and coming back, taps at
 * known seconds under a taps_per_s mapping, a poll with a changed vote),
 * then report_data_build() on the file, each figure checked against a
 * number this test works out itself from what it wrote.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "journal.h"
#include "report_data.h"
#include "test_util.h"

/* Cue 1's filter: the artist's 1000 Hz; taps 0..10/s map to 500..5500 Hz; the crowd moves it half way. */
#define ARTIST_HZ 1000.0
#define CROWD 0.5
#define VENUE_JSON									\
	"{\"name\":\"Report test\",\"capacity\":100,"					\
	"\"zones\":[{\"id\":\"left\",\"capacity\":50},{\"id\":\"right\",\"capacity\":50}],"	\
	"\"cues\":[{\"id\":\"doors\",\"scene\":\"title\"},"				\
	"{\"id\":\"play\",\"scene\":\"crowd-field\",\"controls\":[\"tap\",\"vote\"],"	\
	"\"poll\":{\"id\":\"song\",\"question\":\"Which?\",\"options\":[\"A\",\"B\",\"C\"]},"	\
	"\"audio\":{\"filter_cutoff_hz\":1000,\"mappings\":[{\"source\":\"taps_per_s\","	\
	"\"target\":\"filter_cutoff\",\"from\":[0,10],\"to\":[500,5500],\"crowd\":0.5}]}}]}"

static char path[64];

static void push(struct journal *j, enum journal_kind kind, double t, const char *who, int a, int b, double x,
		 const char *text)
{
	struct journal_event e = { .kind = (uint8_t)kind, .t = t, .a = a, .b = b, .x = x };

	snprintf(e.participant, sizeof(e.participant), "%s", who);
	snprintf(e.text, sizeof(e.text), "%s", text);
	ck_assert_uint_gt(journal_push(j, &e), 0);
}

static void taps(struct journal *j, double t, const char *who, int n)
{
	for (int i = 0; i < n; i++)
		push(j, JOURNAL_INPUT, t + 0.01 * i, who, CONTROL_TAP, 0, 0, "");
}

/*
 * The show: p1 (left) at 0.5 s, p2 (left) at 1.2 s, p3 (right) at 1.5 s,
 * p4 (right) at 2.5 s; p2 leaves at 4.2 s and resumes at 6.5 s. Cue
 * "play" at 3 s opens poll "song"; votes p1 A, p3 B, p4 B, then p1 changes
 * to B. Taps: 6 in second 4, 2 in second 5, none in 6, 10 in 7.
 */
static void write_show(void)
{
	struct journal_options o = { .path = path, .mode = JOURNAL_FRESH,
				     .show = { .venue = "Report test", .config = VENUE_JSON,
					       .config_len = strlen(VENUE_JSON) } };
	char err[512] = "";
	bool resumed;
	struct journal *j = journal_open(&o, &resumed, err, sizeof(err));

	ck_assert_msg(j != NULL, "%s", err);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	push(j, JOURNAL_CUE, 0, "", 0, 0, 0, "doors");
	push(j, JOURNAL_JOIN, 0.5, "p-00000001", 0, 0, 0, "token-one-token-one-01");
	push(j, JOURNAL_JOIN, 1.2, "p-00000002", 0, 0, 0, "token-two-token-two-02");
	push(j, JOURNAL_JOIN, 1.5, "p-00000003", 1, 0, 0, "token-three-token-03");
	push(j, JOURNAL_JOIN, 2.5, "p-00000004", 1, 0, 0, "token-four-token-f-04");
	push(j, JOURNAL_CUE, 3.0, "", 1, 0, 0, "play");
	push(j, JOURNAL_POLL, 3.0, "", 0, 1, 0, "open");
	push(j, JOURNAL_VOTE, 3.2, "p-00000001", 0, 0, 1, "");
	push(j, JOURNAL_VOTE, 3.4, "p-00000003", 0, 1, 1, "");
	push(j, JOURNAL_VOTE, 3.5, "p-00000004", 0, 1, 1, "");
	taps(j, 4.1, "p-00000001", 3);
	taps(j, 4.5, "p-00000003", 3);
	push(j, JOURNAL_LEAVE, 4.2, "p-00000002", 0, 0, 0, "");
	push(j, JOURNAL_VOTE, 5.1, "p-00000001", 0, 1, 2, "");
	taps(j, 5.3, "p-00000004", 2);
	push(j, JOURNAL_RESUME, 6.5, "p-00000002", 0, 0, 0, "");
	taps(j, 7.2, "p-00000002", 10);
	for (int s = 0; s <= 9; s++) {
		char latency[120] = "";

		/* Input-to-state latency in the seconds phones tapped: p99 of 20, 40, 30 and 80 ms. */
		if (s >= 4 && s <= 7)
			snprintf(latency, sizeof(latency), "{\"latency_ms\":{\"n\":%d,\"p50\":%d,\"p90\":%d,\"p99\":%d}}",
				 5 + s, s, 2 * s, (int[]){ 20, 40, 30, 80 }[s - 4]);
		push(j, JOURNAL_METRICS, s, "", s < 3 ? s + 1 : 4, s >= 4 && s <= 7 ? 2 : 0, 0, latency);
	}
	/* The stage's flash limiter in seconds 2 and 5; p4 closed for flooding at 5.5 s, p3 removed at 8 s. */
	push(j, JOURNAL_FLASH, 2, "", 120, 0, 0, "");
	push(j, JOURNAL_FLASH, 5, "", 30, 7, 0, "");
	push(j, JOURNAL_MODERATION, 5.5, "p-00000004", 0, 0, 0, "closed: over the input rate for 3 s");
	push(j, JOURNAL_MODERATION, 8.0, "p-00000003", 0, 0, 0, "removed by the venue");
	journal_close(j);
}

static json_t *build(struct venue_config **cfg)
{
	char err[600] = "";
	json_t *d;

	snprintf(path, sizeof(path), "/tmp/check_report_data_%d.db", (int)getpid());
	write_show();
	*cfg = test_config(VENUE_JSON);
	d = report_data_build(path, *cfg, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

static void cleanup(json_t *d, struct venue_config *cfg)
{
	char side[80];

	json_decref(d);
	config_destroy(cfg);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static long present(json_t *d, size_t zone, size_t sec)
{
	json_t *z = json_array_get(json_object_get(json_object_get(d, "participation"), "zones"), zone);

	return (long)json_integer_value(json_array_get(json_object_get(z, "present"), sec));
}

START_TEST(test_report_participation_per_zone_follows_joins_leaves_and_resumes)
{
	struct venue_config *cfg;
	json_t *d = build(&cfg), *show = json_object_get(d, "show");

	ck_assert_int_eq(json_integer_value(json_object_get(show, "participants_total")), 4);
	/* Second 2: p1, p2 left; p3 right. Second 5: p2 gone. Second 7: p2 back. */
	ck_assert_int_eq(present(d, 0, 2), 2);
	ck_assert_int_eq(present(d, 1, 2), 1);
	ck_assert_int_eq(present(d, 0, 5), 1);
	ck_assert_int_eq(present(d, 1, 5), 2);
	ck_assert_int_eq(present(d, 0, 7), 2);
	ck_assert_int_eq(present(d, 1, 7), 2);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(d, "metrics"), "peak_participants")), 4);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(d, "metrics"), "peak_active")), 2);
	cleanup(d, cfg);
}
END_TEST

START_TEST(test_report_poll_outcome_counts_each_participants_latest_vote)
{
	struct venue_config *cfg;
	json_t *d = build(&cfg), *poll = json_array_get(json_object_get(d, "polls"), 0), *fin;

	ck_assert_ptr_nonnull(poll);
	ck_assert_str_eq(json_string_value(json_object_get(poll, "id")), "song");
	fin = json_object_get(poll, "final");
	/* p1 moved from A to B: A 0, B 3, C 0. */
	ck_assert_int_eq(json_integer_value(json_array_get(fin, 0)), 0);
	ck_assert_int_eq(json_integer_value(json_array_get(fin, 1)), 3);
	ck_assert_int_eq(json_integer_value(json_array_get(fin, 2)), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(poll, "total")), 3);
	ck_assert_str_eq(json_string_value(json_object_get(poll, "winner_option")), "B");
	/* At the end of second 3 the running tally was A 1, B 2. */
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(poll, "running"), 0), 0)), 1);
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(json_object_get(poll, "running"), 1), 0)), 2);
	cleanup(d, cfg);
}
END_TEST

/* The value the cue's mapping gives @taps in a second, worked out here from the config's numbers. */
static double expected_cutoff(double taps_in_second)
{
	double mapped = 500 + fmin(taps_in_second / 10, 1) * (5500 - 500);

	return ARTIST_HZ + CROWD * (mapped - ARTIST_HZ);
}

static double cocreation_at(json_t *c, long sec)
{
	json_t *t = json_object_get(c, "t");

	for (size_t i = 0; i < json_array_size(t); i++)
		if (json_integer_value(json_array_get(t, i)) == sec)
			return json_number_value(json_array_get(json_object_get(c, "value"), i));
	ck_abort_msg("no co-creation value at second %ld", sec);
	return NAN;
}

START_TEST(test_report_cocreation_share_is_the_mapping_applied_to_each_seconds_taps)
{
	struct venue_config *cfg;
	json_t *d = build(&cfg), *c = json_array_get(json_object_get(d, "cocreation"), 0);

	ck_assert_ptr_nonnull(c);
	ck_assert_str_eq(json_string_value(json_object_get(c, "cue_id")), "play");
	ck_assert_double_eq_tol(json_number_value(json_object_get(c, "artist")), ARTIST_HZ, 1e-9);
	ck_assert_double_eq_tol(cocreation_at(c, 4), expected_cutoff(6), 1e-6);
	ck_assert_double_eq_tol(cocreation_at(c, 5), expected_cutoff(2), 1e-6);
	ck_assert_double_eq_tol(cocreation_at(c, 6), expected_cutoff(0), 1e-6);
	ck_assert_double_eq_tol(cocreation_at(c, 7), expected_cutoff(10), 1e-6);
	ck_assert_double_eq_tol(json_number_value(json_object_get(c, "max")), expected_cutoff(10), 1e-6);
	/* The crowd went all the way it was allowed (10 taps/s: half of 1000 -> 5500 Hz). */
	ck_assert_double_eq_tol(json_number_value(json_object_get(c, "moved_of_reach")), 1.0, 1e-9);
	cleanup(d, cfg);
}
END_TEST

/* The measured latency, the flash holds and the closes, as the journal holds them. */
START_TEST(test_report_latency_flash_holds_and_closes_come_from_their_rows)
{
	struct venue_config *cfg;
	json_t *d = build(&cfg), *lat = json_object_get(d, "latency"), *flash = json_object_get(d, "flash"),
	       *cd = json_object_get(d, "codestruction"), *closed = json_object_get(cd, "closed_or_removed");

	ck_assert_int_eq(json_integer_value(json_object_get(lat, "measured_seconds")), 4);
	ck_assert_int_eq(json_integer_value(json_object_get(lat, "measured_inputs")), 9 + 10 + 11 + 12);
	ck_assert(json_is_null(json_array_get(json_object_get(lat, "p99_ms"), 3)));
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(lat, "p99_ms"), 5)), 40);
	/* p99 by second: 20, 40, 30, 80: the median second's is 35, the worst 80. */
	ck_assert_double_eq(json_real_value(json_object_get(lat, "p99_ms_median_second")), 35);
	ck_assert_double_eq(json_real_value(json_object_get(lat, "p99_ms_worst_second")), 80);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(flash, "cells_held"), 2)), 120);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(flash, "cells_held"), 3)), 0);
	ck_assert_double_eq(json_real_value(json_array_get(json_object_get(flash, "red_dropped"), 5)), 7);
	ck_assert_double_eq(json_real_value(json_object_get(flash, "total_held")), 150);
	ck_assert_int_eq(json_integer_value(json_object_get(cd, "closed_for_flooding")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(cd, "removed")), 1);
	ck_assert_int_eq(json_integer_value(json_array_get(closed, 4)), 0);
	ck_assert_int_eq(json_integer_value(json_array_get(closed, 5)), 1);
	ck_assert_int_eq(json_integer_value(json_array_get(closed, 8)), 2);
	cleanup(d, cfg);
}
END_TEST

START_TEST(test_report_refuses_a_file_that_is_not_a_journal)
{
	struct venue_config *cfg = test_config(VENUE_JSON);
	char err[600] = "", file[64];
	FILE *f;

	snprintf(file, sizeof(file), "/tmp/check_report_data_bad_%d.db", (int)getpid());
	f = fopen(file, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not a database, just words\n", f);
	fclose(f);
	ck_assert_ptr_null(report_data_build(file, cfg, err, sizeof(err)));
	ck_assert_msg(err[0] != '\0', "the refusal says why");
	unlink(file);
	config_destroy(cfg);
}
END_TEST

TEST_MAIN("report_data", test_report_participation_per_zone_follows_joins_leaves_and_resumes,
	  test_report_poll_outcome_counts_each_participants_latest_vote,
	  test_report_cocreation_share_is_the_mapping_applied_to_each_seconds_taps,
	  test_report_refuses_a_file_that_is_not_a_journal, test_report_latency_flash_holds_and_closes_come_from_their_rows)
