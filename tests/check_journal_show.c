/*
 * check_journal_show.c - a show run with its journal, stopped, and started
 * again from the journal with fresh modules: the cue and its start, the
 * poll's state and tallies, participants resuming by their tokens with a
 * re-sent vote never counted twice, the safety state, and a mute.
 */
#include <check.h>
#include <sqlite3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audio_map.h"
#include "console_commands.h"
#include "crowd.h"
#include "journal.h"
#include "journal_show.h"
#include "metrics.h"
#include "net_audience.h"
#include "safety.h"
#include "show.h"
#include "test_util.h"

/* One run of the show: every module the journal reads and restores. */
struct run {
	struct venue_config *cfg;
	struct show *show;
	struct crowd *crowd;
	struct audiomap *map;
	struct metrics metrics;
	struct audience aud;
	struct safety *safety;
	struct console console;
	struct journal *journal;
	struct journal_show *js;
	bool resumed;
};

static char path[64];

static void on_safety(void *user, const struct safety_event *e)
{
	struct run *r = user;

	if (r->js)
		journal_show_safety_event(r->js, e);
}

static void run_start(struct run *r)
{
	struct journal_options o = { .path = path, .mode = JOURNAL_CONTINUE,
				     .show = { .venue = "Test", .config = TEST_VENUE_JSON,
					       .config_len = strlen(TEST_VENUE_JSON) } };
	char err[512];

	memset(r, 0, sizeof(*r));
	r->cfg = test_config(TEST_VENUE_JSON);
	r->show = show_create(r->cfg, 0);
	r->crowd = crowd_create(r->cfg, 64);
	r->map = audiomap_create(r->cfg);
	audience_init(&r->aud, r->cfg, r->crowd, r->show, &r->metrics, NULL, NULL);
	r->safety = safety_create(r->cfg, &(struct safety_wiring){ .audiomap = r->map, .audience = &r->aud,
								    .on_event = on_safety, .user = r });
	console_init(&r->console, &(struct console_wiring){ .cfg = r->cfg, .show = r->show, .audiomap = r->map,
								.audience = &r->aud, .safety = r->safety });
	r->journal = journal_open(&o, &r->resumed, err, sizeof(err));
	ck_assert_msg(r->journal != NULL, "%s", err);
	r->js = journal_show_create(&(struct journal_show_wiring){ .cfg = r->cfg, .show = r->show,
		.crowd = r->crowd, .safety = r->safety, .console = &r->console }, r->journal);
	if (r->resumed) {
		ck_assert_msg(journal_show_apply(r->js, err, sizeof(err)) == 0, "%s", err);
	}
	ck_assert_int_eq(journal_start(r->journal, NULL, NULL), 0);
}

static void run_stop(struct run *r)
{
	journal_close(r->journal);
	journal_show_destroy(r->js);
	safety_destroy(r->safety);
	audiomap_destroy(r->map);
	crowd_destroy(r->crowd);
	show_destroy(r->show);
	config_destroy(r->cfg);
}

static bool console(struct run *r, const char *json, double now)
{
	struct console_reply reply;

	console_execute(&r->console, CONSOLE_ROLE_OPERATOR, "test", json, strlen(json), now, &reply);
	journal_show_console(r->js, CONSOLE_ROLE_OPERATOR, json, strlen(json), reply.ok, now);
	return reply.ok;
}

/* A phone joins and votes in @poll, journaled as the audience journals them. */
static int phone_votes_in(struct run *r, uint32_t poll, uint32_t zone, uint32_t choice, uint64_t seq, double now,
			  char *token)
{
	bool resumed;
	int p = crowd_join(r->crowd, NULL, zone, now, &resumed, NULL);
	struct journal_event e = { .kind = JOURNAL_JOIN, .t = now, .a = (int32_t)zone };

	ck_assert_int_ge(p, 0);
	snprintf(e.participant, sizeof(e.participant), "%s", crowd_participant_id(r->crowd, p));
	snprintf(e.text, sizeof(e.text), "%s", crowd_participant_token(r->crowd, p));
	strcpy(token, e.text);
	journal_push(r->journal, &e);
	ck_assert(crowd_seq_take(r->crowd, p, seq));
	crowd_vote(r->crowd, p, poll, choice, now);
	e = (struct journal_event){ .kind = JOURNAL_VOTE, .t = now, .a = (int32_t)poll, .b = (int32_t)choice,
				    .x = (double)seq };
	snprintf(e.participant, sizeof(e.participant), "%s", crowd_participant_id(r->crowd, p));
	journal_push(r->journal, &e);
	return p;
}

/* ... in the cue's poll "song". */
static int phone_votes(struct run *r, uint32_t zone, uint32_t choice, uint64_t seq, double now, char *token)
{
	return phone_votes_in(r, 0, zone, choice, seq, now, token);
}

START_TEST(test_a_restarted_show_comes_back_as_it_was)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", tokens[3][64], id0[16];
	uint32_t tallies[3];
	struct run r;
	bool resumed;
	int p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	ck_assert(!r.resumed);
	phone_votes(&r, 0, 2, 1, 1.0, tokens[0]);
	phone_votes(&r, 1, 2, 1, 1.5, tokens[1]);
	phone_votes(&r, 1, 0, 4, 2.0, tokens[2]);
	snprintf(id0, sizeof(id0), "%s", crowd_participant_id(r.crowd, 0));
	ck_assert(console(&r, "{\"cmd\":\"poll.close\"}", 3.0));
	ck_assert(console(&r, "{\"cmd\":\"safety.blackout\",\"on\":true}", 4.0));
	ck_assert(console(&r, "{\"cmd\":\"safety.ceiling\",\"dbfs\":-6}", 4.5));
	ck_assert(console(&r, "{\"cmd\":\"safety.flash_policy\",\"max_per_s\":1}", 4.6));
	journal_show_tick(r.js, 5.0, NULL);
	{
		struct journal_status st;
		uint64_t before;

		/* Ticks that change nothing write nothing. */
		journal_status_get(r.journal, &st);
		before = st.pushed;
		for (int i = 0; i < 100; i++)
			journal_show_tick(r.js, 5.0 + i * 0.01, NULL);
		journal_status_get(r.journal, &st);
		ck_assert_uint_eq(st.pushed, before);
	}
	ck_assert(console(&r, "{\"cmd\":\"cue.go\"}", 6.0));
	journal_show_tick(r.js, 6.0, NULL);
	{
		char mute[128];

		snprintf(mute, sizeof(mute), "{\"cmd\":\"moderate.mute\",\"participant\":\"%s\",\"on\":true}", id0);
		ck_assert(console(&r, mute, 7.0));
	}
	ck_assert(!console(&r, "{\"cmd\":\"moderate.mute\",\"participant\":\"p-00000000\",\"on\":true}", 7.5));
	run_stop(&r);	/* the daemon dies here; whatever was pushed is committed at close */

	run_start(&r);
	ck_assert(r.resumed);
	ck_assert_int_eq(show_cue_index(r.show), 1);
	ck_assert_double_eq(show_cue_started(r.show), 6.0);
	ck_assert(!show_poll_is_open(r.show, 0));
	ck_assert(show_poll_revealed(r.show, 0));
	crowd_poll_tallies(r.crowd, 0, tallies);
	ck_assert_uint_eq(tallies[0], 1);
	ck_assert_uint_eq(tallies[2], 2);
	ck_assert(safety_state(r.safety)->blackout);
	ck_assert_double_eq(safety_state(r.safety)->ceiling_dbfs, -6);
	ck_assert_uint_eq(safety_state(r.safety)->max_flashes_per_s, 1);
	ck_assert_uint_eq(crowd_connected(r.crowd), 0);	/* everyone waits for their phone */
	/* A phone comes back with its token: the same participant, its vote, still muted. */
	p = crowd_join(r.crowd, tokens[0], 0, 10, &resumed, NULL);
	ck_assert(resumed);
	ck_assert_str_eq(crowd_participant_id(r.crowd, p), id0);
	ck_assert_int_eq(crowd_participant_votes(r.crowd, p)[0], 2);
	ck_assert(crowd_participant_muted(r.crowd, p));
	/* Its vote, re-sent with the same seq after the restart, is a duplicate. */
	ck_assert(!crowd_seq_take(r.crowd, p, 1));
	p = crowd_join(r.crowd, tokens[2], 0, 10, &resumed, NULL);
	ck_assert(!crowd_seq_take(r.crowd, p, 4));
	ck_assert(crowd_seq_take(r.crowd, p, 5));
	ck_assert(!crowd_participant_muted(r.crowd, p));
	run_stop(&r);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_a_forgotten_participants_vote_still_counts_after_a_restart)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", tokens[2][64];
	struct journal_event e = { .kind = JOURNAL_FORGET, .t = 2.0 };
	uint32_t tallies[3];
	struct run r;
	bool resumed;
	int p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	p = phone_votes(&r, 0, 1, 1, 1.0, tokens[0]);
	phone_votes(&r, 0, 1, 1, 1.5, tokens[1]);
	/* The first asks to be forgotten, as the audience does it. */
	snprintf(e.participant, sizeof(e.participant), "%s", crowd_participant_id(r.crowd, p));
	journal_push(r.journal, &e);
	crowd_leave(r.crowd, p, 2.0);
	crowd_forget(r.crowd, p);
	run_stop(&r);

	run_start(&r);
	crowd_poll_tallies(r.crowd, 0, tallies);
	ck_assert_uint_eq(tallies[1], 2);	/* its vote counts, as nobody's */
	p = crowd_join(r.crowd, tokens[0], 0, 3, &resumed, NULL);
	ck_assert(!resumed);			/* and its token no longer resumes */
	crowd_vote(r.crowd, p, 0, 0, 3);
	crowd_poll_tallies(r.crowd, 0, tallies);
	ck_assert_uint_eq(tallies[0], 1);
	ck_assert_uint_eq(tallies[1], 2);
	run_stop(&r);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_a_poll_reset_outlives_a_restart)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", tokens[2][64];
	uint32_t tallies[3];
	struct run r;
	bool resumed;
	int p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	phone_votes(&r, 0, 2, 1, 1.0, tokens[0]);
	journal_show_tick(r.js, 1.5, NULL);
	ck_assert(console(&r, "{\"cmd\":\"poll.reset\"}", 2.0));
	journal_show_tick(r.js, 2.0, NULL);
	ck_assert(console(&r, "{\"cmd\":\"poll.open\"}", 3.0));
	journal_show_tick(r.js, 3.0, NULL);
	phone_votes(&r, 1, 0, 1, 4.0, tokens[1]);	/* the new round's one vote */
	run_stop(&r);

	run_start(&r);
	crowd_poll_tallies(r.crowd, 0, tallies);
	ck_assert_uint_eq(tallies[2], 0);		/* the old round's vote is gone */
	ck_assert_uint_eq(tallies[0], 1);
	ck_assert(show_poll_is_open(r.show, 0));
	p = crowd_join(r.crowd, tokens[0], 0, 5, &resumed, NULL);
	ck_assert(resumed);
	ck_assert_int_eq(crowd_participant_votes(r.crowd, p)[0], -1);	/* it may vote again */
	run_stop(&r);
	snprintf(path, sizeof(path), "%s/show.db", dir);
	{
		sqlite3 *db;
		sqlite3_stmt *st;

		ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM vote WHERE poll = 0", -1, &st, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_an_ad_hoc_poll_outlives_a_restart)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", token[64];
	uint32_t tallies[3], slot;
	struct run r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	journal_show_tick(r.js, 0.5, NULL);	/* the show's first cue is written at its first tick */
	ck_assert(console(&r, "{\"cmd\":\"poll.create\",\"question\":\"Encore?\",\"options\":[\"Yes\",\"No\"]}", 1.0));
	journal_show_tick(r.js, 1.0, NULL);
	slot = (uint32_t)show_poll_adhoc_shown(r.show);
	phone_votes_in(&r, slot, 0, 1, 1, 2.0, token);
	run_stop(&r);

	run_start(&r);
	ck_assert_int_eq(show_poll_adhoc_shown(r.show), (int)slot);
	ck_assert_str_eq(r.cfg->polls[slot].question, "Encore?");
	ck_assert_str_eq(r.cfg->polls[slot].options[1], "No");
	ck_assert(show_poll_is_open(r.show, slot));
	crowd_poll_tallies(r.crowd, slot, tallies);
	ck_assert_uint_eq(tallies[1], 1);
	run_stop(&r);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_a_phone_that_joined_long_before_the_crash_still_resumes)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", token[64];
	struct run r;
	bool resumed;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	phone_votes(&r, 0, 1, 1, 1.0, token);
	/* Connected all along; the crash comes 700 s in, past the 600 s resume window from its join. */
	journal_show_tick(r.js, 700.0, &(struct journal_show_metrics){ .participants = 1 });
	run_stop(&r);

	run_start(&r);
	crowd_tick(r.crowd, journal_resumed_t(r.journal) + 1);
	ck_assert(crowd_join(r.crowd, token, 0, journal_resumed_t(r.journal) + 2, &resumed, NULL) >= 0);
	ck_assert_msg(resumed, "the phone comes back as itself, with the window from the restart");
	run_stop(&r);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	ck_assert_int_eq(system(path), 0);
}
END_TEST

START_TEST(test_the_loudness_row_is_written_each_second_with_silence_as_null)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", sql[160];
	struct run r;
	struct loudness_reading quiet = { .momentary_lufs = -INFINITY, .shortterm_lufs = -INFINITY,
					  .integrated_lufs = -INFINITY, .true_peak_dbtp = -INFINITY };
	struct loudness_reading loud = { .momentary_lufs = -14.256, .shortterm_lufs = -16.5, .integrated_lufs = -18.0,
					 .range_lu = 4.25, .true_peak_dbtp = -1.5 };
	sqlite3 *db;
	sqlite3_stmt *st;
	int rows = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	ck_assert(journal_show_tick(r.js, 0.0, &(struct journal_show_metrics){ .loudness = &quiet }));
	ck_assert(!journal_show_tick(r.js, 0.5, &(struct journal_show_metrics){ .loudness = &loud }));
	ck_assert(journal_show_tick(r.js, 1.0, &(struct journal_show_metrics){ .loudness = &loud,
									.limiter_max_db = 2.5 }));
	run_stop(&r);

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT t, quote(x), quote(y), text FROM event"
					    " WHERE kind = 'loudness' ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *want[2][3] = {
			{ "NULL", "NULL", "{\"integrated\":null,\"true_peak\":null,\"lra\":0.0,\"limiter_gr_db\":0.0}" },
			{ "-16.5", "-14.256", "{\"integrated\":-18.0,\"true_peak\":-1.5,\"lra\":4.25,"
					      "\"limiter_gr_db\":2.5}" },
		};

		ck_assert_int_lt(rows, 2);
		ck_assert_double_eq(sqlite3_column_double(st, 0), rows);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 1), want[rows][0]);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 2), want[rows][1]);
		ck_assert_str_eq((const char *)sqlite3_column_text(st, 3), want[rows][2]);
		rows++;
	}
	ck_assert_int_eq(rows, 2);
	sqlite3_finalize(st);
	sqlite3_close(db);

	snprintf(sql, sizeof(sql), "rm -rf %s", dir);
	ck_assert_int_eq(system(sql), 0);
}
END_TEST

/*
 * The kill test's finding: a GO's reply waits for its console event's commit,
 * so the cue it moved to must be in the journal by then, not only at the next
 * tick. Here the show stops right after the command, with no tick between.
 */
START_TEST(test_an_acknowledged_go_outlives_a_crash_before_the_next_tick)
{
	char dir[] = "/tmp/tutti-journal-show-XXXXXX", rm[256];
	struct run r;
	uint64_t hold;
	struct console_reply reply;
	const char *go = "{\"cmd\":\"cue.go\"}";

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/show.db", dir);
	run_start(&r);
	journal_show_tick(r.js, 0.0, NULL);
	console_execute(&r.console, CONSOLE_ROLE_OPERATOR, "test", go, strlen(go), 1.0, &reply);
	ck_assert(reply.ok);
	ck_assert_int_eq(show_cue_index(r.show), 1);
	hold = journal_show_console(r.js, CONSOLE_ROLE_OPERATOR, go, strlen(go), reply.ok, 1.0);
	while (!journal_settled(r.journal, hold))
		usleep(1000);
	/* The crash: the files as they are now, before journal_close writes what is still queued. */
	snprintf(rm, sizeof(rm), "cp %s/show.db %s/crash.db && cp %s/show.db-wal %s/crash.db-wal", dir, dir, dir, dir);
	ck_assert_int_eq(system(rm), 0);
	run_stop(&r);

	snprintf(path, sizeof(path), "%s/crash.db", dir);
	run_start(&r);
	ck_assert(r.resumed);
	ck_assert_int_eq(show_cue_index(r.show), 1);
	ck_assert_double_eq(show_cue_started(r.show), 1.0);
	run_stop(&r);
	snprintf(rm, sizeof(rm), "rm -rf %s", dir);
	ck_assert_int_eq(system(rm), 0);
}
END_TEST

TEST_MAIN("journal_show", test_a_restarted_show_comes_back_as_it_was,
	  test_a_forgotten_participants_vote_still_counts_after_a_restart, test_a_poll_reset_outlives_a_restart,
	  test_an_ad_hoc_poll_outlives_a_restart, test_a_phone_that_joined_long_before_the_crash_still_resumes,
	  test_the_loudness_row_is_written_each_second_with_silence_as_null,
	  test_an_acknowledged_go_outlives_a_crash_before_the_next_tick)
