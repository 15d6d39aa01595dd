/*
 * check_journal.c - the show's memory on a real SQLite file: events are
 * committed in order and counted as committed only once they are; a vote
 * changed is one row; a journal of another venue config is refused with
 * what to do; forget-me leaves only anonymous counts; a full disk degrades
 * the journal without blocking the show, and it catches up when there is
 * room again; the venue's retention period purges who did what and keeps
 * the aggregates; a schema 1 file is migrated; each event keeps the show
 * tick it belongs to; a rehearsal's journal waits for room and loses
 * nothing.
 */
#include <check.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "test_util.h"

static const char config_a[] = "{\"name\":\"Club\"}";
static const char config_b[] = "{\"name\":\"Club\",\"capacity\":10}";
static char path[64];

static void setup(void)
{
	char dir[] = "/tmp/tutti-journal-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
}

/* What a resumed show was handed back. */
static struct journal_event replayed[64];
static uint64_t replayed_seq[64];
static int replayed_n;

static void on_replay(void *user, const struct journal_event *ev, uint64_t seq)
{
	(void)user;
	ck_assert_int_lt(replayed_n, 64);
	replayed_seq[replayed_n] = seq;
	replayed[replayed_n++] = *ev;
}

static struct journal *open_show(const char *config, enum journal_open_mode mode, bool *resumed)
{
	struct journal_options o = { .path = path, .mode = mode,
				     .show = { .venue = "Club", .config = config, .config_len = strlen(config) } };
	char err[512] = "";
	struct journal *j;

	replayed_n = 0;
	j = journal_open(&o, resumed, err, sizeof(err));
	ck_assert_msg(j != NULL, "%s", err);
	if (*resumed)
		ck_assert_msg(journal_replay(j, on_replay, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	return j;
}

static void wait_committed(struct journal *j, uint64_t seq)
{
	for (int i = 0; i < 500 && journal_committed(j) < seq; i++)
		usleep(10000);
	ck_assert_uint_ge(journal_committed(j), seq);
}

static long long query_int(const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static uint64_t push(struct journal *j, enum journal_kind kind, const char *who, int a, int b, double x,
		     const char *text)
{
	struct journal_event e = { .kind = (uint8_t)kind, .t = 1.5, .a = a, .b = b, .x = x };

	snprintf(e.participant, sizeof(e.participant), "%s", who);
	snprintf(e.text, sizeof(e.text), "%s", text);
	return journal_push(j, &e);
}

START_TEST(test_events_are_committed_in_order_and_a_changed_vote_is_one_row)
{
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	uint64_t last;

	ck_assert(!resumed);
	ck_assert_uint_eq(push(j, JOURNAL_JOIN, "p-00000001", 0, 0, 0, "tokentokentokentoken12"), 1);
	push(j, JOURNAL_VOTE, "p-00000001", 0, 2, 1, "");
	push(j, JOURNAL_CUE, "", 1, 0, 0, "go");
	last = push(j, JOURNAL_VOTE, "p-00000001", 0, 1, 2, "");
	wait_committed(j, last);
	ck_assert(journal_settled(j, last));
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), 4);
	ck_assert_int_eq(query_int("SELECT max(seq) FROM event"), 4);
	ck_assert_int_eq(query_int("SELECT count(*) FROM vote"), 1);
	ck_assert_int_eq(query_int("SELECT choice FROM vote WHERE participant = 'p-00000001' AND poll = 0"), 1);
	ck_assert_int_eq(query_int("SELECT input_seq FROM vote"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM participant WHERE token = 'tokentokentokentoken12'"), 1);
	/* The token lives in the participant table only, not in the event stream a report reads. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE text LIKE '%tokentoken%'"), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"), JOURNAL_SCHEMA_VERSION);
	ck_assert_int_eq(query_int("SELECT ended_unix > started_unix FROM show"), 1);
}
END_TEST

START_TEST(test_another_venue_config_is_refused_with_what_to_do_and_fresh_starts_over)
{
	struct journal_options other = { .path = path, .mode = JOURNAL_CONTINUE,
					 .show = { .venue = "Club", .config = config_b, .config_len = strlen(config_b) } };
	char err[512] = "";
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_CONTINUE, &resumed);

	push(j, JOURNAL_CUE, "", 2, 0, 0, "go");
	journal_close(j);
	j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	ck_assert(resumed);
	journal_close(j);
	ck_assert_ptr_null(journal_open(&other, &resumed, err, sizeof(err)));
	ck_assert_msg(strstr(err, "another venue config") && strstr(err, "--journal-fresh"), "%s", err);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), 1);	/* nothing was touched */
	j = open_show(config_b, JOURNAL_FRESH, &resumed);
	ck_assert(!resumed);
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), 0);
}
END_TEST

START_TEST(test_forget_me_leaves_only_anonymous_vote_counts)
{
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_CONTINUE, &resumed);

	push(j, JOURNAL_JOIN, "p-00000001", 0, 0, 0, "aaaaaaaaaaaaaaaaaaaaaa");
	push(j, JOURNAL_JOIN, "p-00000002", 1, 0, 0, "bbbbbbbbbbbbbbbbbbbbbb");
	push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "");
	push(j, JOURNAL_VOTE, "p-00000001", 0, 2, 1, "");
	push(j, JOURNAL_VOTE, "p-00000002", 0, 2, 1, "");
	push(j, JOURNAL_WALL, "p-00000001", 3, 0, 0, "Happy birthday Sam");
	wait_committed(j, push(j, JOURNAL_FORGET, "p-00000001", 0, 0, 0, ""));
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE participant = 'p-00000001'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE text LIKE '%birthday%'"), 0);	/* its wall text */
	ck_assert_int_eq(query_int("SELECT count(*) FROM participant WHERE id = 'p-00000001'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM vote WHERE participant = 'p-00000001'"), 0);
	ck_assert_int_eq(query_int("SELECT count FROM anonymous_vote WHERE poll = 0 AND choice = 2"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM vote"), 1);	/* the other phone's vote stays its own */
}
END_TEST

START_TEST(test_a_full_disk_degrades_without_blocking_and_the_journal_catches_up)
{
	struct rlimit lim;
	struct journal_status st;
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	uint64_t last = 0;
	char text[JOURNAL_TEXT_MAX];
	double t0;

	wait_committed(j, push(j, JOURNAL_CUE, "", 0, 0, 0, "go"));
	signal(SIGXFSZ, SIG_IGN);	/* a write past the limit fails with EFBIG instead of killing us */
	getrlimit(RLIMIT_FSIZE, &lim);
	lim.rlim_cur = 256 * 1024;	/* the disk is full at 256 KiB */
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	t0 = (double)clock() / CLOCKS_PER_SEC;
	for (int i = 0; i < 4000; i++) {
		uint64_t s = push(j, JOURNAL_MODERATION, "", i, 0, 0, text);

		if (s)
			last = s;
		if (i % 200 == 0)
			usleep(20000);
	}
	ck_assert_double_lt((double)clock() / CLOCKS_PER_SEC - t0, 1.0);	/* pushing never waited */
	for (int i = 0; i < 300; i++) {
		journal_status_get(j, &st);
		if (st.degraded)
			break;
		usleep(10000);
	}
	ck_assert_msg(st.degraded, "4,000 events of 240 bytes fit in 256 KiB?");
	ck_assert_str_ne(st.problem, "");
	ck_assert(journal_settled(j, last));	/* the show does not wait for a degraded journal */
	lim.rlim_cur = RLIM_INFINITY;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	for (int i = 0; i < 500 && (st.degraded || st.committed < last); i++) {
		usleep(10000);
		journal_status_get(j, &st);
	}
	ck_assert(!st.degraded);
	ck_assert_uint_eq(st.committed, last);
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), (long long)last);
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}
END_TEST

/* A restart is handed the show back: everything but inputs and metrics, in order, the token again. */
START_TEST(test_a_resumed_show_is_handed_back_in_order_and_numbering_goes_on)
{
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	struct journal_event e = { .kind = JOURNAL_CUE, .t = 42.5, .a = 3 };
	uint64_t last;

	push(j, JOURNAL_JOIN, "p-00000001", 1, 0, 0, "tokentokentokentoken12");
	push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "");
	push(j, JOURNAL_VOTE, "p-00000001", 0, 2, 7, "");
	push(j, JOURNAL_METRICS, "", 1, 1, 0, "");
	snprintf(e.text, sizeof(e.text), "go");
	wait_committed(j, journal_push(j, &e));
	journal_close(j);
	j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	ck_assert(resumed);
	ck_assert_int_eq(replayed_n, 3);
	ck_assert_int_eq(replayed[0].kind, JOURNAL_JOIN);
	ck_assert_str_eq(replayed[0].participant, "p-00000001");
	ck_assert_str_eq(replayed[0].text, "tokentokentokentoken12");
	ck_assert_int_eq(replayed[0].a, 1);
	ck_assert_int_eq(replayed[1].kind, JOURNAL_VOTE);
	ck_assert_int_eq(replayed[1].b, 2);
	ck_assert_double_eq(replayed[1].x, 7);
	ck_assert_int_eq(replayed[2].kind, JOURNAL_CUE);
	ck_assert_uint_eq(replayed_seq[2], 5);
	ck_assert_double_eq(journal_resumed_t(j), 42.5);
	/* New events number on after the stored ones. */
	last = push(j, JOURNAL_CUE, "", 4, 0, 0, "go");
	ck_assert_uint_eq(last, 6);
	wait_committed(j, last);
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), 6);
}
END_TEST

static void exec_sql(const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg);
	sqlite3_close(db);
}

/* A show with two phones that joined, tapped and voted, a cue and the metrics; then it ended @days_ago. */
static void a_show_that_ended(const char *config, double days_ago)
{
	bool resumed;
	struct journal *j = open_show(config, JOURNAL_FRESH, &resumed);
	char sql[160];

	push(j, JOURNAL_JOIN, "p-00000001", 0, 0, 0, "aaaaaaaaaaaaaaaaaaaaaa");
	push(j, JOURNAL_JOIN, "p-00000002", 1, 0, 0, "bbbbbbbbbbbbbbbbbbbbbb");
	push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "");
	push(j, JOURNAL_INPUT, "p-00000002", 0, 0, 0.7, "");
	push(j, JOURNAL_VOTE, "p-00000001", 0, 2, 3, "");
	push(j, JOURNAL_VOTE, "p-00000002", 0, 1, 4, "");
	push(j, JOURNAL_MODERATION, "p-00000002", 0, 0, 0, "mute");
	push(j, JOURNAL_WALL, "p-00000001", 1, 0, 0, "Happy birthday Sam");
	push(j, JOURNAL_CUE, "", 1, 0, 0, "go");
	wait_committed(j, push(j, JOURNAL_METRICS, "", 2, 2, 1.0, ""));
	journal_close(j);
	snprintf(sql, sizeof(sql), "UPDATE show SET ended_unix = ended_unix - %f", days_ago * 86400.0);
	exec_sql(sql);
}

START_TEST(test_retention_purges_who_did_what_and_keeps_the_aggregates)
{
	struct journal_purge p;
	double days;
	bool resumed;
	char err[512];
	struct journal *j;

	a_show_that_ended(config_a, 29);	/* within the default 30 days: all kept */
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert(!p.due);
	ck_assert_double_eq(days, 30);
	ck_assert_int_eq(query_int("SELECT count(*) FROM participant"), 2);

	a_show_that_ended(config_a, 31);	/* past it: the next open purges */
	j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE kind IN ('input', 'join', 'resume', 'leave')"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE participant IS NOT NULL"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM participant"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM vote"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE text LIKE '%aaaaaaaaaa%'"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE text LIKE '%birthday%'"), 0);	/* a wall text too */
	/* The tallies, the poll's timeline without names, the cue, the moderation decision and the metrics stay. */
	ck_assert_int_eq(query_int("SELECT count FROM anonymous_vote WHERE poll = 0 AND choice = 2"), 1);
	ck_assert_int_eq(query_int("SELECT count FROM anonymous_vote WHERE poll = 0 AND choice = 1"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE kind = 'vote' AND x IS NULL"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE kind IN ('cue', 'metrics', 'moderation')"), 3);
	ck_assert_int_eq(query_int("SELECT purged_unix IS NOT NULL FROM show"), 1);
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert(p.already && !p.due);
}
END_TEST

START_TEST(test_retention_is_the_one_the_show_was_run_with)
{
	static const char seven_days[] = "{\"name\":\"Club\",\"privacy\":{\"retention_days\":7}}";
	struct journal_purge p;
	double days;
	char err[512];

	a_show_that_ended(seven_days, 6);
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert_double_eq(days, 7);
	ck_assert(!p.due);
	a_show_that_ended(seven_days, 8);
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert(p.due);
	ck_assert_int_eq(p.inputs, 2);
	ck_assert_int_eq(p.participants, 2);
	ck_assert_int_eq(p.votes, 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM participant"), 0);
}
END_TEST

START_TEST(test_a_crashed_show_counts_from_its_last_write_and_other_databases_are_left_alone)
{
	struct journal_purge p;
	double days;
	char err[512];

	/* No end recorded (a crash): the period runs from the last write. */
	a_show_that_ended(config_a, 0);
	exec_sql("UPDATE show SET ended_unix = NULL, last_unix = last_unix - 31 * 86400.0");
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), 0);
	ck_assert(p.due);
	/* A database that is not a journal is refused and not given tables. */
	ck_assert_int_eq(unlink(path), 0);
	exec_sql("CREATE TABLE mine (x)");
	ck_assert_int_eq(journal_purge_file(path, &p, &days, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not a show journal"), "%s", err);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_schema"), 1);
}
END_TEST

START_TEST(test_a_schema_1_journal_is_migrated_and_resumes)
{
	bool resumed;
	struct journal *j = open_show(config_a, JOURNAL_FRESH, &resumed);

	wait_committed(j, push(j, JOURNAL_CUE, "", 1, 0, 0, "go"));
	journal_close(j);
	/* As an older tutti left it: no last_unix, no purged_unix, no tick, no config_path, user_version 1. */
	exec_sql("ALTER TABLE show DROP COLUMN last_unix; ALTER TABLE show DROP COLUMN purged_unix;"
		 "ALTER TABLE show DROP COLUMN config_path; ALTER TABLE show DROP COLUMN rehearsal;"
		 "ALTER TABLE event DROP COLUMN tick;"
		 "PRAGMA user_version = 1");
	j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	ck_assert(resumed);
	ck_assert_int_eq(replayed_n, 1);
	ck_assert_int_eq(journal_resumed_tick(j), -1);	/* its events belong to no tick */
	journal_close(j);
	ck_assert_int_eq(query_int("PRAGMA user_version"), JOURNAL_SCHEMA_VERSION);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event WHERE tick IS NULL"), 1);
	ck_assert_int_eq(query_int("SELECT last_unix >= started_unix FROM show"), 1);
}
END_TEST

START_TEST(test_each_event_keeps_its_tick_and_a_resumed_show_ticks_on_after_them)
{
	struct journal_options o = { .path = path, .mode = JOURNAL_FRESH,
				     .show = { .venue = "Club", .config = config_a, .config_len = strlen(config_a),
					       .config_path = "/venues/club.json" } };
	char err[512] = "";
	bool resumed;
	struct journal *j = journal_open(&o, &resumed, err, sizeof(err));

	ck_assert_msg(j != NULL, "%s", err);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	push(j, JOURNAL_CUE, "", 0, 0, 0, "go");	/* before the first tick: tick 0 */
	journal_set_tick(j, 300);
	push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "");
	journal_set_tick(j, 301);	/* between ticks 300 and 301: the next one sees it */
	wait_committed(j, push(j, JOURNAL_CONSOLE, "", 1, 1, 0, "{\"cmd\":\"cue.go\"}"));
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE seq = 1"), 0);
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'input'"), 300);
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'console'"), 301);
	ck_assert_int_eq(query_int("SELECT config_path = '/venues/club.json' FROM show"), 1);
	j = open_show(config_a, JOURNAL_CONTINUE, &resumed);
	ck_assert(resumed);
	ck_assert_int_eq(journal_resumed_tick(j), 301);
	journal_close(j);
}
END_TEST

START_TEST(test_an_offline_journal_waits_for_room_and_loses_nothing)
{
	struct journal_options o = { .path = path, .mode = JOURNAL_FRESH, .offline = true,
				     .show = { .venue = "Club", .config = config_a, .config_len = strlen(config_a) } };
	char err[512] = "";
	bool resumed;
	struct journal *j = journal_open(&o, &resumed, err, sizeof(err));
	struct journal_status st;
	uint64_t last = 0;

	ck_assert_msg(j != NULL, "%s", err);
	ck_assert_int_eq(journal_start(j, NULL, NULL), 0);
	/* Three rings' worth at once, far faster than any disk: a live journal would lose most. */
	for (int i = 0; i < 3 * JOURNAL_RING; i++)
		last = push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "");
	ck_assert_uint_eq(last, 3 * JOURNAL_RING);
	journal_status_get(j, &st);
	ck_assert_uint_eq(st.lost, 0);
	journal_close(j);
	ck_assert_int_eq(query_int("SELECT count(*) FROM event"), 3 * JOURNAL_RING);
	/* A rehearsal's journal says so (a rehearsal may replace it); a show's does not; other files are neither. */
	ck_assert_int_eq(journal_file_rehearsal(path), 1);
	j = open_show(config_a, JOURNAL_FRESH, &resumed);
	journal_close(j);
	ck_assert_int_eq(journal_file_rehearsal(path), 0);
	ck_assert_int_eq(journal_file_rehearsal("/nonexistent/show.db"), -1);
}
END_TEST

START_TEST(test_a_damaged_file_is_told_apart_from_a_good_or_missing_one)
{
	char why[200];
	bool resumed;
	struct journal *j;
	FILE *f;

	ck_assert(!journal_file_damaged(path, why, sizeof(why)));	/* missing: a new journal */
	j = open_show(config_a, JOURNAL_FRESH, &resumed);
	for (int i = 0; i < 2000; i++)
		push(j, JOURNAL_INPUT, "p-00000001", 0, 0, 0.5, "a tap with enough text to fill pages");
	wait_committed(j, push(j, JOURNAL_CUE, "", 1, 0, 0, "go"));
	journal_close(j);
	ck_assert(!journal_file_damaged(path, why, sizeof(why)));
	/* Scribble over the middle of the file, as a failing disk might. */
	f = fopen(path, "r+b");
	ck_assert_ptr_nonnull(f);
	fseek(f, 8192, SEEK_SET);
	for (int i = 0; i < 8192; i++)
		fputc(0xa5, f);
	fclose(f);
	ck_assert(journal_file_damaged(path, why, sizeof(why)));
	ck_assert_msg(why[0], "a reason is given");
}
END_TEST

static Suite *journal_suite(void)
{
	Suite *s = suite_create("journal");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_events_are_committed_in_order_and_a_changed_vote_is_one_row);
	tcase_add_test(tc, test_another_venue_config_is_refused_with_what_to_do_and_fresh_starts_over);
	tcase_add_test(tc, test_forget_me_leaves_only_anonymous_vote_counts);
	tcase_add_test(tc, test_a_resumed_show_is_handed_back_in_order_and_numbering_goes_on);
	tcase_add_test(tc, test_a_full_disk_degrades_without_blocking_and_the_journal_catches_up);
	tcase_add_test(tc, test_retention_purges_who_did_what_and_keeps_the_aggregates);
	tcase_add_test(tc, test_retention_is_the_one_the_show_was_run_with);
	tcase_add_test(tc, test_a_crashed_show_counts_from_its_last_write_and_other_databases_are_left_alone);
	tcase_add_test(tc, test_a_schema_1_journal_is_migrated_and_resumes);
	tcase_add_test(tc, test_a_damaged_file_is_told_apart_from_a_good_or_missing_one);
	tcase_add_test(tc, test_each_event_keeps_its_tick_and_a_resumed_show_ticks_on_after_them);
	tcase_add_test(tc, test_an_offline_journal_waits_for_room_and_loses_nothing);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return test_run_suite(journal_suite());
}
