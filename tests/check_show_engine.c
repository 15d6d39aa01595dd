/*
 * check_show_engine.c - the show engine every driver ticks: each tick gets
 * its number on the show's grid (a late live tick the next free number,
 * never one already used); what a driver does between two ticks belongs to
 * the next; a console command runs and is journaled as the console's; the
 * show's end is journaled when it stops. On a real journal file.
 */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "show.h"
#include "show_engine.h"
#include "test_util.h"

static char db[64];

static long long query_int(const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *s;
	long long v = -1;

	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(h));
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

START_TEST(test_engine_ticks_on_the_grid_and_between_ticks_belongs_to_the_next)
{
	char dir[] = "/tmp/tutti-engine-XXXXXX", config[96];
	struct venue_config *cfg = test_config(TEST_VENUE_JSON);
	struct show_engine *se;
	struct console_reply reply;
	const char *go = "{\"cmd\":\"cue.go\"}";
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/show.db", dir);
	snprintf(config, sizeof(config), "%s/venue.json", dir);
	f = fopen(config, "w");
	fputs(TEST_VENUE_JSON, f);
	fclose(f);
	se = show_engine_create(&(struct show_engine_options){ .cfg = cfg, .config_path = config, .journal_path = db,
		.journal_fresh = true, .font_path = TUTTI_SOURCE_DIR "/assets/fonts/DejaVuSans-Bold.ttf" });
	ck_assert_ptr_nonnull(se);
	ck_assert_int_eq(show_engine_journal_start(se, NULL, NULL), 0);
	show_engine_tick(se, 0.0);		/* grid 0 */
	show_engine_tick(se, 1.0 / 60 + 0.004);	/* a little late: still 1 */
	show_engine_tick(se, 2.0 / 60);		/* 2 */
	/* Between ticks 2 and the next, as the console's command would arrive: the next tick sees it. */
	ck_assert_uint_gt(show_engine_console(se, CONSOLE_ROLE_OPERATOR, "test", go, strlen(go), 2.5 / 60, &reply), 0);
	ck_assert(reply.ok);
	ck_assert_int_eq(show_cue_index(show_engine_parts(se)->show), 1);
	show_engine_tick(se, 3.7 / 60);		/* the loop fell behind: 4 */
	show_engine_tick(se, 4.2 / 60);		/* nearest is 4, taken: 5 */
	show_engine_stop(se, 0.1);
	show_engine_destroy(se);
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'console'"), 3);
	ck_assert_int_eq(query_int("SELECT a * 10 + b FROM event WHERE kind = 'console'"), CONSOLE_ROLE_OPERATOR * 10 + 1);
	/* The cue the GO moved to is written with the command, before its reply may go. */
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'cue' AND a = 1"), 3);
	ck_assert_int_lt(query_int("SELECT seq FROM event WHERE kind = 'cue' AND a = 1"),
			 query_int("SELECT seq FROM event WHERE kind = 'console'"));
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'cue' AND a = 0"), 0);
	ck_assert_int_eq(query_int("SELECT tick FROM event WHERE kind = 'end'"), 6);
	ck_assert_int_eq(query_int("SELECT t * 1000 FROM event WHERE kind = 'end'"), 100);
	config_destroy(cfg);
}
END_TEST

TEST_MAIN("show_engine", test_engine_ticks_on_the_grid_and_between_ticks_belongs_to_the_next)
