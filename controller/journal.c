/*
 * journal.c - the show's memory in SQLite (WAL), written by its own thread.
 * See journal.h; the schema is in docs/journal.md.
 *
 * Threads: journal_push() and the getters run on the net thread; the
 * writer thread owns the database connection from journal_open() to
 * journal_close(). They share only the ring and a few atomics.
 */
#include "journal.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "journal_retention.h"
#include "log.h"
#include "spsc.h"

#define RETRY_S		1.0	/* a degraded journal tries again this often */
#define BATCH_MAX	1024	/* events in one transaction at most */
#define UNIX_NOW	"(julianday('now') - 2440587.5) * 86400.0"	/* unixepoch('subsec') before SQLite 3.42 */

static const char *const kind_names[JOURNAL_KIND_COUNT] = {
	[JOURNAL_CUE] = "cue", [JOURNAL_POLL] = "poll", [JOURNAL_VOTE] = "vote",
	[JOURNAL_JOIN] = "join", [JOURNAL_RESUME] = "resume", [JOURNAL_LEAVE] = "leave",
	[JOURNAL_FORGET] = "forget", [JOURNAL_INPUT] = "input", [JOURNAL_CONSOLE] = "console",
	[JOURNAL_SAFETY] = "safety", [JOURNAL_MODERATION] = "moderation", [JOURNAL_ALARM] = "alarm",
	[JOURNAL_METRICS] = "metrics", [JOURNAL_END] = "end", [JOURNAL_LOUDNESS] = "loudness",
	[JOURNAL_WALL] = "wall", [JOURNAL_FLASH] = "flash",
};

/* Version 1 of the schema; each later version is a migration step after it (docs/journal.md). */
static const char schema_v1[] =
	"CREATE TABLE show (id INTEGER PRIMARY KEY CHECK (id = 1), config_sha256 TEXT NOT NULL,"
	" config TEXT NOT NULL, venue TEXT NOT NULL, started_unix REAL NOT NULL, ended_unix REAL,"
	" last_t REAL NOT NULL DEFAULT 0);"
	"CREATE TABLE event (seq INTEGER PRIMARY KEY, t REAL NOT NULL, kind TEXT NOT NULL,"
	" participant TEXT, a INTEGER, b INTEGER, x REAL, y REAL, text TEXT);"
	"CREATE INDEX event_by_kind ON event (kind, seq);"
	"CREATE INDEX event_by_participant ON event (participant) WHERE participant IS NOT NULL;"
	"CREATE TABLE participant (id TEXT PRIMARY KEY, token TEXT NOT NULL, zone INTEGER NOT NULL,"
	" joined_t REAL NOT NULL, left_t REAL);"
	"CREATE TABLE vote (participant TEXT NOT NULL, poll INTEGER NOT NULL, choice INTEGER NOT NULL,"
	" input_seq INTEGER NOT NULL, t REAL NOT NULL, PRIMARY KEY (participant, poll));"
	"CREATE TABLE anonymous_vote (poll INTEGER NOT NULL, choice INTEGER NOT NULL,"
	" count INTEGER NOT NULL, PRIMARY KEY (poll, choice));";

/* Version 2: when the show last wrote (wall clock) and when retention purged it (journal_retention.h). */
static const char schema_v2[] =
	"ALTER TABLE show ADD COLUMN last_unix REAL;"
	"ALTER TABLE show ADD COLUMN purged_unix REAL;"
	"UPDATE show SET last_unix = started_unix + last_t;";	/* a v1 file's best guess */

/*
 * Version 3: the show tick each event belongs to, so a replay applies it
 * exactly there (NULL in rows a version 2 daemon wrote); where the venue
 * config was read from, so a replay finds the files it names; and whether
 * a rehearsal wrote it (a rehearsal replaces only a rehearsal's journal).
 */
static const char schema_v3[] =
	"ALTER TABLE event ADD COLUMN tick INTEGER;"
	"ALTER TABLE show ADD COLUMN config_path TEXT;"
	"ALTER TABLE show ADD COLUMN rehearsal INTEGER NOT NULL DEFAULT 0;";

static const char *const schema_steps[JOURNAL_SCHEMA_VERSION] = { schema_v1, schema_v2, schema_v3 };

struct journal {
	sqlite3 *db;
	char path[512];
	struct spsc ring;			/* net thread -> writer */
	pthread_t writer;
	_Atomic bool stopping;
	bool started, replaying;		/* net thread only */
	bool offline;				/* push waits for room; no fsync */
	uint64_t pushed;			/* net thread only */
	int64_t tick;				/* net thread only: the show tick events belong to */
	_Atomic uint64_t lost;
	_Atomic uint64_t committed;		/* written by the writer */
	_Atomic bool degraded;
	pthread_mutex_t problem_lock;		/* guards problem: written rarely, read by the console */
	char problem[200];
	char set_aside[400];			/* written before the writer starts, read under problem_lock */
	journal_commit_fn *on_commit;
	void *user;
	/* the writer's own */
	struct journal_event batch[BATCH_MAX];
	uint32_t batch_n;
	uint64_t batch_last_seq;
	uint64_t written_seq;			/* sequence number of the last event taken from the ring */
	double last_t;
	double resumed_t;
	int64_t resumed_tick;
	sqlite3_stmt *insert_event, *upsert_participant, *participant_left, *upsert_vote, *forget_votes,
		     *forget_vote_rows, *forget_events, *forget_participant, *last_t_stmt, *reset_votes,
		     *reset_anonymous, *id_of_token;
};

const char *journal_kind_name(enum journal_kind k)
{
	return (unsigned)k < JOURNAL_KIND_COUNT ? kind_names[k] : "unknown";
}

void journal_config_hash(const char *config, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(config, len, md, &n, EVP_sha256(), NULL);
	for (unsigned int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void set_problem(struct journal *j, const char *what)
{
	pthread_mutex_lock(&j->problem_lock);
	snprintf(j->problem, sizeof(j->problem), "%s: %s", what, j->db ? sqlite3_errmsg(j->db) : "no database");
	pthread_mutex_unlock(&j->problem_lock);
	if (!atomic_exchange(&j->degraded, true))
		log_error("journal: DEGRADED: %s; the show goes on in memory and the journal retries", j->problem);
}

static void clear_problem(struct journal *j)
{
	if (atomic_exchange(&j->degraded, false))
		log_info("journal: writing again (%llu events lost meanwhile)",
			 (unsigned long long)atomic_load(&j->lost));
}

static int exec(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static void finalize_statements(struct journal *j)
{
	sqlite3_stmt **all[] = { &j->insert_event, &j->upsert_participant, &j->participant_left, &j->upsert_vote,
				 &j->forget_votes, &j->forget_vote_rows, &j->forget_events, &j->forget_participant,
				 &j->last_t_stmt, &j->reset_votes, &j->reset_anonymous, &j->id_of_token };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
}

static int prepare_statements(struct journal *j)
{
	static const struct { size_t offset; const char *sql; } table[] = {
		{ offsetof(struct journal, insert_event),
		  "INSERT INTO event (seq, t, kind, participant, a, b, x, y, text, tick) VALUES (?,?,?,?,?,?,?,?,?,?)" },
		{ offsetof(struct journal, upsert_participant),
		  "INSERT INTO participant (id, token, zone, joined_t) VALUES (?,?,?,?)"
		  " ON CONFLICT (id) DO UPDATE SET left_t = NULL" },
		{ offsetof(struct journal, participant_left), "UPDATE participant SET left_t = ? WHERE id = ?" },
		{ offsetof(struct journal, upsert_vote),
		  "INSERT INTO vote (participant, poll, choice, input_seq, t) VALUES (?,?,?,?,?)"
		  " ON CONFLICT (participant, poll) DO UPDATE SET choice = excluded.choice,"
		  " input_seq = excluded.input_seq, t = excluded.t" },
		/* Forget me: the votes stay as anonymous counts, everything naming the participant goes. */
		{ offsetof(struct journal, forget_votes),
		  "INSERT INTO anonymous_vote (poll, choice, count) SELECT poll, choice, 1 FROM vote"
		  " WHERE participant = ?1 ON CONFLICT (poll, choice) DO UPDATE SET count = count + 1" },
		{ offsetof(struct journal, forget_vote_rows), "DELETE FROM vote WHERE participant = ?" },
		{ offsetof(struct journal, forget_events), "DELETE FROM event WHERE participant = ?" },
		{ offsetof(struct journal, forget_participant), "DELETE FROM participant WHERE id = ?" },
		{ offsetof(struct journal, id_of_token), "SELECT id FROM participant WHERE token = ?" },
		/* A poll reset: a fresh round, nobody's vote in it any more. */
		{ offsetof(struct journal, reset_votes), "DELETE FROM vote WHERE poll = ?" },
		{ offsetof(struct journal, reset_anonymous), "DELETE FROM anonymous_vote WHERE poll = ?" },
		{ offsetof(struct journal, last_t_stmt),
		  "UPDATE show SET last_t = ?, last_unix = " UNIX_NOW " WHERE id = 1" },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		sqlite3_stmt **s = (sqlite3_stmt **)((char *)j + table[i].offset);

		if (sqlite3_prepare_v3(j->db, table[i].sql, -1, SQLITE_PREPARE_PERSISTENT, s, NULL) != SQLITE_OK)
			return -1;
	}
	return 0;
}

static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Brings the file to JOURNAL_SCHEMA_VERSION: each step is one transaction, with its user_version. */
static int migrate(sqlite3 *db, char *err, size_t err_size)
{
	int v = schema_version(db);
	char set_version[40];

	if (v < 0) {
		snprintf(err, err_size, "cannot read its schema version: %s", sqlite3_errmsg(db));
		return -1;
	}
	if (v > JOURNAL_SCHEMA_VERSION) {
		snprintf(err, err_size, "it was written by a newer tutti (schema %d, this one knows %d)", v,
			 JOURNAL_SCHEMA_VERSION);
		return -1;
	}
	for (; v < JOURNAL_SCHEMA_VERSION; v++) {
		snprintf(set_version, sizeof(set_version), "PRAGMA user_version = %d", v + 1);
		if (exec(db, "BEGIN IMMEDIATE") || exec(db, schema_steps[v]) || exec(db, set_version) ||
		    exec(db, "COMMIT")) {
			snprintf(err, err_size, "cannot bring its tables to schema %d: %s", v + 1, sqlite3_errmsg(db));
			exec(db, "ROLLBACK");
			return -1;
		}
	}
	return 0;
}

static double unix_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_REALTIME, &now);
	return (double)now.tv_sec + now.tv_nsec * 1e-9;
}

/* The stored show's own retention period, before anything else reads the file (docs/privacy.md). */
static int retention_apply(struct journal *j, char *err, size_t err_size)
{
	double retention_days = journal_retention_stored_days(j->db);
	struct journal_purge p;

	if (journal_retention_apply(j->db, retention_days, unix_now(), &p, err, err_size) != 0)
		return -1;
	if (p.due)
		log_info("journal: the show ended %.0f days ago, more than the venue keeps (%g days): purged %lld "
			 "inputs, %lld participants and who cast %lld votes; the tallies and metrics stay",
			 (unix_now() - p.over_unix) / 86400.0, retention_days, p.inputs, p.participants,
			 p.votes);
	return 0;
}

/* The stored show's config hash into @hash ("" when the file holds no show). */
static int stored_show(sqlite3 *db, char hash[65])
{
	sqlite3_stmt *s;
	int rc;

	hash[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT config_sha256 FROM show WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

static int start_show(struct journal *j, const struct journal_show_info *show, const char *hash, bool rehearsal)
{
	sqlite3_stmt *s;
	int rc;

	if (exec(j->db, "BEGIN IMMEDIATE; DELETE FROM event; DELETE FROM participant; DELETE FROM vote;"
			"DELETE FROM anonymous_vote; DELETE FROM show;"))
		return -1;
	if (sqlite3_prepare_v2(j->db, "INSERT INTO show (id, config_sha256, config, venue, started_unix, config_path,"
			       " rehearsal) VALUES (1, ?, ?, ?, " UNIX_NOW ", ?, ?)", -1, &s, NULL) != SQLITE_OK) {
		exec(j->db, "ROLLBACK");
		return -1;
	}
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, show->config, (int)show->config_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, show->venue, -1, SQLITE_STATIC);
	if (show->config_path)
		sqlite3_bind_text(s, 4, show->config_path, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_int(s, 5, rehearsal);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE || exec(j->db, "COMMIT")) {
		exec(j->db, "ROLLBACK");
		return -1;
	}
	return 0;
}

static void bind_id(sqlite3_stmt *s, int i, const char *id)
{
	if (id[0])
		sqlite3_bind_text(s, i, id, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static int step_reset(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/*
 * Whom a forget names: its participant, or, when it has none, the one whose
 * resume token is its text (a phone after the show, whose participant the
 * daemon no longer holds in memory). "" when the token names nobody.
 */
static int forgotten_id(struct journal *j, const struct journal_event *e, char id[JOURNAL_ID_MAX])
{
	sqlite3_stmt *s = j->id_of_token;
	int rc;

	snprintf(id, JOURNAL_ID_MAX, "%s", e->participant);
	if (id[0] || !e->text[0])
		return 0;
	sqlite3_bind_text(s, 1, e->text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(id, JOURNAL_ID_MAX, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* The rows one event writes besides its own: participants, votes, forget-me. */
static int write_side_tables(struct journal *j, const struct journal_event *e)
{
	sqlite3_stmt *s;

	switch (e->kind) {
	case JOURNAL_JOIN:
		s = j->upsert_participant;
		sqlite3_bind_text(s, 1, e->participant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, e->text, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 3, e->a);
		sqlite3_bind_double(s, 4, e->t);
		return step_reset(s);
	case JOURNAL_LEAVE:
		s = j->participant_left;
		sqlite3_bind_double(s, 1, e->t);
		sqlite3_bind_text(s, 2, e->participant, -1, SQLITE_TRANSIENT);
		return step_reset(s);
	case JOURNAL_POLL:
		if (strcmp(e->text, "reset") != 0)
			return 0;
		sqlite3_bind_int(j->reset_votes, 1, e->a);
		sqlite3_bind_int(j->reset_anonymous, 1, e->a);
		return step_reset(j->reset_votes) || step_reset(j->reset_anonymous) ? -1 : 0;
	case JOURNAL_VOTE:
		s = j->upsert_vote;
		sqlite3_bind_text(s, 1, e->participant, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 2, e->a);
		sqlite3_bind_int(s, 3, e->b);
		sqlite3_bind_int64(s, 4, (sqlite3_int64)e->x);
		sqlite3_bind_double(s, 5, e->t);
		return step_reset(s);
	case JOURNAL_FORGET: {
		sqlite3_stmt *steps[] = { j->forget_votes, j->forget_vote_rows, j->forget_events,
					  j->forget_participant };
		char id[JOURNAL_ID_MAX];

		if (forgotten_id(j, e, id) != 0)
			return -1;
		for (size_t i = 0; i < 4; i++) {
			sqlite3_bind_text(steps[i], 1, id, -1, SQLITE_TRANSIENT);
			if (step_reset(steps[i]) != 0)
				return -1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* A value that is no number (a silent loudness's -inf) is stored as NULL: SQL and JSON readers know it. */
static void bind_real(sqlite3_stmt *s, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static int write_event(struct journal *j, const struct journal_event *e, uint64_t seq)
{
	sqlite3_stmt *s = j->insert_event;

	if (e->kind == JOURNAL_FORGET)	/* its own record would name it again */
		return write_side_tables(j, e);
	sqlite3_bind_int64(s, 1, (sqlite3_int64)seq);
	sqlite3_bind_double(s, 2, e->t);
	sqlite3_bind_text(s, 3, journal_kind_name((enum journal_kind)e->kind), -1, SQLITE_STATIC);
	bind_id(s, 4, e->participant);
	sqlite3_bind_int(s, 5, e->a);
	sqlite3_bind_int(s, 6, e->b);
	bind_real(s, 7, e->x);
	bind_real(s, 8, e->y);
	if (e->text[0] && e->kind != JOURNAL_JOIN)	/* a join's text is its token: in participant only */
		sqlite3_bind_text(s, 9, e->text, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, 9);
	sqlite3_bind_int64(s, 10, e->tick);
	if (step_reset(s) != 0)
		return -1;
	if (e->t > j->last_t)
		j->last_t = e->t;
	return write_side_tables(j, e);
}

/* Writes the held batch in one transaction. 0, or -1 with the batch still held for a retry. */
static int commit_batch(struct journal *j)
{
	uint64_t first = j->batch_last_seq - j->batch_n + 1;

	if (!j->db)
		return -1;
	if (exec(j->db, "BEGIN IMMEDIATE")) {
		set_problem(j, "cannot begin a transaction");
		return -1;
	}
	for (uint32_t i = 0; i < j->batch_n; i++)
		if (write_event(j, &j->batch[i], first + i) != 0) {
			set_problem(j, "cannot write");
			exec(j->db, "ROLLBACK");
			return -1;
		}
	sqlite3_bind_double(j->last_t_stmt, 1, j->last_t);
	if (step_reset(j->last_t_stmt) != 0 || exec(j->db, "COMMIT")) {
		set_problem(j, "cannot commit");
		exec(j->db, "ROLLBACK");
		return -1;
	}
	atomic_store_explicit(&j->committed, j->batch_last_seq, memory_order_release);
	j->batch_n = 0;
	clear_problem(j);
	if (j->on_commit)
		j->on_commit(j->user);
	return 0;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

static void *writer_main(void *arg)
{
	struct journal *j = arg;
	double next_retry = 0;

	for (;;) {
		bool stopping = atomic_load(&j->stopping);
		uint32_t got = 0;

		/* A held batch (a failed commit) goes first, whole, before anything newer. */
		if (j->batch_n == 0) {
			got = spsc_read(&j->ring, j->batch, BATCH_MAX);
			j->batch_n = got;
			j->written_seq += got;
			j->batch_last_seq = j->written_seq;
		}
		if (j->batch_n && (!atomic_load(&j->degraded) || mono_s() >= next_retry)) {
			if (commit_batch(j) != 0)
				next_retry = mono_s() + RETRY_S;
			else if (got == BATCH_MAX)
				continue;	/* more is waiting: no pause */
		}
		if (stopping && (j->batch_n == 0 || atomic_load(&j->degraded)))
			break;
		sleep_s(JOURNAL_BATCH_MS / 1000.0);
	}
	return NULL;
}

/* Hands the stored show back to @fn, and carries the sequence numbers and show time on. */
static int replay_stored(struct journal *j, journal_replay_fn *fn, void *user)
{
	static const char sql[] =
		"SELECT e.seq, e.t, e.kind, coalesce(e.participant, ''), e.a, e.b, e.x, e.y,"
		" coalesce(p.token, e.text, '') FROM event e"
		" LEFT JOIN participant p ON e.kind = 'join' AND p.id = e.participant"
		" WHERE e.kind NOT IN ('input', 'metrics', 'loudness') ORDER BY e.seq";
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(j->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct journal_event e = { .t = sqlite3_column_double(s, 1), .a = sqlite3_column_int(s, 4),
					   .b = sqlite3_column_int(s, 5), .x = sqlite3_column_double(s, 6),
					   .y = sqlite3_column_double(s, 7) };
		const char *kind = (const char *)sqlite3_column_text(s, 2);

		for (int k = 0; k < JOURNAL_KIND_COUNT; k++)
			if (strcmp(kind, kind_names[k]) == 0)
				e.kind = (uint8_t)k;
		snprintf(e.participant, sizeof(e.participant), "%s", (const char *)sqlite3_column_text(s, 3));
		snprintf(e.text, sizeof(e.text), "%s", (const char *)sqlite3_column_text(s, 8));
		fn(user, &e, (uint64_t)sqlite3_column_int64(s, 0));
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return -1;
	/* Sequence numbers go on after the stored ones (inputs included), and so do show time and ticks. */
	if (sqlite3_prepare_v2(j->db, "SELECT coalesce(max(seq), 0), (SELECT last_t FROM show),"
			       " coalesce(max(tick), -1) FROM event", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW) {
		j->pushed = j->written_seq = (uint64_t)sqlite3_column_int64(s, 0);
		atomic_store(&j->committed, j->pushed);
		j->resumed_t = j->last_t = sqlite3_column_double(s, 1);
		j->resumed_tick = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	return 0;
}

int journal_file_rehearsal(const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT rehearsal FROM show", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		rc = sqlite3_column_int(s, 0) == 1;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

bool journal_file_damaged(const char *path, char *why, size_t why_size)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	bool damaged = false;
	int rc;

	why[0] = '\0';
	if (access(path, F_OK) != 0)
		return false;	/* a new journal */
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &s, NULL);
	if (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
		const char *r = (const char *)sqlite3_column_text(s, 0);

		damaged = !r || strcmp(r, "ok") != 0;
		if (damaged)
			snprintf(why, why_size, "%s", r ? r : "quick check failed");
	} else {
		rc = db ? sqlite3_errcode(db) : rc;
		/* Not a database, or damaged; a file busy or unreadable is not ours to set aside. */
		damaged = rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT;
		if (damaged)
			snprintf(why, why_size, "%s", sqlite3_errstr(rc));
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return damaged;
}

void journal_set_aside_note(struct journal *j, const char *note)
{
	pthread_mutex_lock(&j->problem_lock);
	snprintf(j->set_aside, sizeof(j->set_aside), "%s", note);
	pthread_mutex_unlock(&j->problem_lock);
}

int journal_purge_file(const char *path, struct journal_purge *out, double *retention_days, char *err,
		       size_t err_size)
{
	sqlite3 *db = NULL;
	char why[300] = "";
	int rc = -1;

	*out = (struct journal_purge){ 0 };
	*retention_days = 0;
	/* Never creates a file: a typo in the path is an error, not an empty journal. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: cannot open: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
		goto out;
	}
	sqlite3_busy_timeout(db, 2000);
	/* A database with no schema version is not a journal: it is left as it is, not given tables. */
	if (exec(db, "PRAGMA journal_mode = WAL") || exec(db, "PRAGMA secure_delete = ON") ||
	    schema_version(db) <= 0 || migrate(db, why, sizeof(why)) != 0) {
		snprintf(err, err_size, "%s: not a show journal: %s", path, why[0] ? why : sqlite3_errmsg(db));
		goto out;
	}
	*retention_days = journal_retention_stored_days(db);
	if (journal_retention_apply(db, *retention_days, unix_now(), out, why, sizeof(why)) != 0) {
		snprintf(err, err_size, "%s: %s", path, why);
		goto out;
	}
	rc = 0;
out:
	sqlite3_close(db);
	return rc;
}

double journal_resumed_t(const struct journal *j)
{
	return j->resumed_t;
}

int64_t journal_resumed_tick(const struct journal *j)
{
	return j->resumed_tick;
}

void journal_set_tick(struct journal *j, int64_t tick)
{
	if (j)
		j->tick = tick;
}

struct journal *journal_open(const struct journal_options *o, bool *resumed, char *err, size_t err_size)
{
	const char *path = o->path;
	const struct journal_show_info *show = &o->show;
	enum journal_open_mode mode = o->mode;
	struct journal *j = calloc(1, sizeof(*j));
	char hash[65], stored[65], why[300] = "";

	*resumed = false;
	if (!j || spsc_init(&j->ring, NULL, JOURNAL_RING, sizeof(struct journal_event)) != 0) {
		free(j);
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	j->offline = o->offline;
	j->resumed_tick = -1;
	snprintf(j->path, sizeof(j->path), "%s", path);
	pthread_mutex_init(&j->problem_lock, NULL);
	journal_config_hash(show->config, show->config_len, hash);
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, err_size, "%s: cannot open: %s", path, j->db ? sqlite3_errmsg(j->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(j->db, 2000);
	/*
	 * WAL and FULL: a commit survives a pulled power cable, and readers
	 * never block the writer. secure_delete: a forgotten participant's rows
	 * are overwritten in the file, not left in its free pages.
	 */
	/* An offline journal takes a rehearsal's whole crowd as fast as it comes: a larger page cache (64 MB). */
	if (exec(j->db, "PRAGMA journal_mode = WAL") ||
	    exec(j->db, o->offline ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = FULL") ||
	    (o->offline && exec(j->db, "PRAGMA cache_size = -65536")) ||
	    exec(j->db, "PRAGMA secure_delete = ON")) {
		snprintf(err, err_size, "%s: not a journal this tutti can write: %s", path, sqlite3_errmsg(j->db));
		goto fail;
	}
	if (migrate(j->db, why, sizeof(why)) != 0 || retention_apply(j, why, sizeof(why)) != 0 ||
	    stored_show(j->db, stored) != 0) {
		snprintf(err, err_size, "%s: %s", path, why[0] ? why : sqlite3_errmsg(j->db));
		goto fail;
	}
	if (mode == JOURNAL_CONTINUE && stored[0] && strcmp(stored, hash) != 0) {
		snprintf(err, err_size, "%s holds a show of another venue config (or an edited one); keep that "
			 "file for its report and give another --journal path, or start a new show in it with "
			 "--journal-fresh", path);
		goto fail;
	}
	if (mode == JOURNAL_FRESH || !stored[0]) {
		if (start_show(j, show, hash, o->offline) != 0) {
			snprintf(err, err_size, "%s: cannot start the show: %s", path, sqlite3_errmsg(j->db));
			goto fail;
		}
	} else {
		*resumed = true;
	}
	if (prepare_statements(j) != 0) {
		snprintf(err, err_size, "%s: %s", path, sqlite3_errmsg(j->db));
		goto fail;
	}
	return j;
fail:
	finalize_statements(j);
	sqlite3_close(j->db);
	spsc_free(&j->ring);
	pthread_mutex_destroy(&j->problem_lock);
	free(j);
	return NULL;
}

int journal_replay(struct journal *j, journal_replay_fn *fn, void *user, char *err, size_t err_size)
{
	int rc;

	j->replaying = true;
	rc = replay_stored(j, fn, user);
	j->replaying = false;
	if (rc != 0)
		snprintf(err, err_size, "%s: cannot read the show back: %s", j->path, sqlite3_errmsg(j->db));
	return rc;
}

int journal_replay_anonymous_votes(struct journal *j, journal_anonymous_fn *fn, void *user, char *err,
				   size_t err_size)
{
	sqlite3_stmt *s;
	int rc = SQLITE_ERROR;

	if (sqlite3_prepare_v2(j->db, "SELECT poll, choice, count FROM anonymous_vote", -1, &s, NULL) == SQLITE_OK) {
		while ((rc = sqlite3_step(s)) == SQLITE_ROW)
			fn(user, (uint32_t)sqlite3_column_int(s, 0), (uint32_t)sqlite3_column_int(s, 1),
			   (uint32_t)sqlite3_column_int(s, 2));
		sqlite3_finalize(s);
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, err_size, "%s: cannot read the anonymous votes back: %s", j->path, sqlite3_errmsg(j->db));
		return -1;
	}
	return 0;
}

int journal_start(struct journal *j, journal_commit_fn *on_commit, void *user)
{
	j->on_commit = on_commit;
	j->user = user;
	if (pthread_create(&j->writer, NULL, writer_main, j) != 0)
		return -1;
	j->started = true;
	return 0;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	atomic_store(&j->stopping, true);
	if (j->started)
		pthread_join(j->writer, NULL);
	if (j->batch_n)
		log_error("journal: %u events could not be written before the end", j->batch_n);
	exec(j->db, "UPDATE show SET ended_unix = " UNIX_NOW " WHERE id = 1");
	finalize_statements(j);
	sqlite3_close(j->db);
	spsc_free(&j->ring);
	pthread_mutex_destroy(&j->problem_lock);
	free(j);
}

uint64_t journal_push(struct journal *j, const struct journal_event *ev)
{
	struct journal_event e;

	if (!j || j->replaying)
		return 0;
	e = *ev;
	e.tick = j->tick;
	while (!spsc_push(&j->ring, &e)) {
		/* A rehearsal's clock waits for its writer; a live show's never does. */
		if (!j->offline || !j->started || atomic_load(&j->degraded)) {
			atomic_fetch_add(&j->lost, 1);
			return 0;
		}
		sleep_s(0.0005);
	}
	return ++j->pushed;
}

uint64_t journal_committed(const struct journal *j)
{
	return atomic_load_explicit(&j->committed, memory_order_acquire);
}

uint64_t journal_pushed(const struct journal *j)
{
	return j ? j->pushed : 0;
}

bool journal_settled(const struct journal *j, uint64_t seq)
{
	return journal_committed(j) >= seq || atomic_load(&j->degraded);
}

void journal_status_get(const struct journal *j, struct journal_status *st)
{
	/* The lock guards a string the writer sets rarely; taking it does not change the journal. */
	pthread_mutex_t *lock = (pthread_mutex_t *)&j->problem_lock;

	memset(st, 0, sizeof(*st));
	st->degraded = atomic_load(&j->degraded);
	pthread_mutex_lock(lock);
	snprintf(st->problem, sizeof(st->problem), "%s", st->degraded ? j->problem : "");
	snprintf(st->set_aside, sizeof(st->set_aside), "%s", j->set_aside);
	pthread_mutex_unlock(lock);
	st->pushed = j->pushed;
	st->committed = journal_committed(j);
	st->lost = atomic_load(&j->lost);
}
