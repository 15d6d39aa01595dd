/*
 * journal_retention.c - a show's journal purged of everything that names a
 * participant once the venue's retention period is over. See
 * journal_retention.h; what stays is listed in docs/privacy.md.
 */
#include "journal_retention.h"

#include <jansson.h>
#include <stdio.h>

#define DAY_S	86400.0

/* The purge, in order: votes become counts before the rows that name them go. */
static const char purge_sql[] =
	"INSERT INTO anonymous_vote (poll, choice, count)"
	" SELECT poll, choice, count(*) FROM vote WHERE true GROUP BY poll, choice"
	" ON CONFLICT (poll, choice) DO UPDATE SET count = count + excluded.count;"
	"DELETE FROM vote;"
	"DELETE FROM participant;"
	"DELETE FROM event WHERE kind IN ('input', 'join', 'resume', 'leave', 'wall');"
	/* A vote event keeps when and what (the poll's timeline), not who, nor the phone's seq. */
	"UPDATE event SET participant = NULL, x = CASE kind WHEN 'vote' THEN NULL ELSE x END"
	" WHERE participant IS NOT NULL;";

static long long count_of(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* When the show was over, and whether it was purged already. -1 when the file holds no show. */
static int show_over(sqlite3 *db, struct journal_purge *out)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT coalesce(ended_unix, last_unix, started_unix), purged_unix IS NOT NULL"
			       " FROM show WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->over_unix = sqlite3_column_double(s, 0);
		out->already = sqlite3_column_int(s, 1);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int journal_retention_apply(sqlite3 *db, double retention_days, double now_unix, struct journal_purge *out,
			    char *err, size_t err_size)
{
	sqlite3_stmt *mark;
	int rc;

	*out = (struct journal_purge){ 0 };
	if (show_over(db, out) != 0 || out->already || now_unix - out->over_unix <= retention_days * DAY_S)
		return 0;	/* no show, or purged already, or still within the period */
	out->due = true;
	if (exec(db, "BEGIN IMMEDIATE"))
		goto fail;
	out->inputs = count_of(db, "SELECT count(*) FROM event WHERE kind = 'input'");
	out->participants = count_of(db, "SELECT count(*) FROM participant");
	out->votes = count_of(db, "SELECT count(*) FROM vote");
	if (exec(db, purge_sql) ||
	    sqlite3_prepare_v2(db, "UPDATE show SET purged_unix = ? WHERE id = 1", -1, &mark, NULL) != SQLITE_OK)
		goto rollback;
	sqlite3_bind_double(mark, 1, now_unix);
	rc = sqlite3_step(mark);
	sqlite3_finalize(mark);
	if (rc != SQLITE_DONE || exec(db, "COMMIT"))
		goto rollback;
	/* secure_delete zeroed the rows in the database; the log's older copies of its pages go too. */
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	return 0;
rollback:
	snprintf(err, err_size, "cannot purge it: %s", sqlite3_errmsg(db));
	exec(db, "ROLLBACK");
	return -1;
fail:
	snprintf(err, err_size, "cannot purge it: %s", sqlite3_errmsg(db));
	return -1;
}

double journal_retention_stored_days(sqlite3 *db)
{
	double days = JOURNAL_RETENTION_DEFAULT_DAYS;
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(db, "SELECT config FROM show WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		return days;
	if (sqlite3_step(s) == SQLITE_ROW) {
		/* Only this key: the config's files (audio, word lists) may be long gone. */
		json_t *cfg = json_loadb((const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0),
					 0, NULL);
		json_t *d = json_object_get(json_object_get(cfg, "privacy"), "retention_days");

		if (json_is_number(d) && json_number_value(d) >= 0)
			days = json_number_value(d);
		json_decref(cfg);
	}
	sqlite3_finalize(s);
	return days;
}
