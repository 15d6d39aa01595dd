/*
 * journal_reader.c - recaps read off the net thread. See journal_reader.h.
 *
 * Threads: the net thread asks and takes; the reader thread owns the
 * read-only connection. They share two small FIFOs under one mutex, held
 * only to copy a question or an answer in or out (never while reading).
 */
#include "journal_reader.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "journal_recap.h"
#include "log.h"
#include "net_protocol.h"

#define SETTLE_WAIT_MS	5	/* how often the reader looks whether the journal holds the question's events */

struct reader_question {
	char token[PROTOCOL_TOKEN_MAX + 1];
	uint64_t ticket;
	uint64_t after_seq;
};

struct reader_answer {
	uint64_t ticket;
	char *json;
};

struct journal_reader {
	char path[512];
	const struct journal *journal;
	sqlite3 *db;				/* the reader's own, opened at its first question */
	struct journal_recap_crowd crowd;	/* what every recap reads of the whole crowd */
	long long crowd_version;		/* the file's data_version it was read at; -1 = none */
	pthread_t thread;
	bool started;
	journal_reader_wake_fn *wake;
	void *user;
	pthread_mutex_t lock;			/* guards everything below */
	pthread_cond_t asked;
	bool stopping;
	struct reader_question questions[JOURNAL_READER_MAX];	/* a FIFO ring */
	uint32_t q_head, q_len;
	struct reader_answer answers[JOURNAL_READER_MAX];	/* a FIFO ring */
	uint32_t a_head, a_len;
	uint32_t reading;			/* a question taken, its answer not yet in answers */
};

struct journal_reader *journal_reader_create(const char *path, const struct journal *j)
{
	struct journal_reader *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->journal = j;
	r->crowd_version = -1;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->asked, NULL);
	return r;
}

/* The journal holds everything pushed before the question (or is degraded, and holds nothing back). */
static void wait_settled(struct journal_reader *r, uint64_t seq)
{
	struct timespec ts = { 0, SETTLE_WAIT_MS * 1000000L };

	while (!journal_settled(r->journal, seq)) {
		pthread_mutex_lock(&r->lock);
		bool stopping = r->stopping;

		pthread_mutex_unlock(&r->lock);
		if (stopping)
			return;
		nanosleep(&ts, NULL);
	}
}

/* The file's data_version: it changes whenever another connection (the writer) commits. -1 on error. */
static long long data_version(sqlite3 *db)
{
	sqlite3_stmt *s;
	long long v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * The crowd's part of every recap is read again only when the journal
 * changed since: after the show, once for all the phones that ask.
 */
static char *read_recap(struct journal_reader *r, const char *token)
{
	long long version;
	char *json;

	if (!r->db && sqlite3_open_v2(r->path, &r->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		log_warn("recap: cannot read the journal: %s", sqlite3_errmsg(r->db));
		sqlite3_close(r->db);
		r->db = NULL;
		return NULL;
	}
	sqlite3_busy_timeout(r->db, 1000);
	/* One read transaction: the crowd's part and the participant's come from the same commit. */
	sqlite3_exec(r->db, "BEGIN", NULL, NULL, NULL);
	version = data_version(r->db);
	if (version < 0 || version != r->crowd_version) {
		journal_recap_crowd_free(&r->crowd);
		r->crowd_version = journal_recap_crowd_read(r->db, &r->crowd) == 0 ? version : -1;
	}
	json = journal_recap_json(r->db, token, r->crowd_version >= 0 ? &r->crowd : NULL);
	sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL);
	return json;
}

static void *reader_main(void *arg)
{
	struct journal_reader *r = arg;

	for (;;) {
		struct reader_question q;
		char *json;

		pthread_mutex_lock(&r->lock);
		while (!r->q_len && !r->stopping)
			pthread_cond_wait(&r->asked, &r->lock);
		if (r->stopping) {
			pthread_mutex_unlock(&r->lock);
			break;
		}
		q = r->questions[r->q_head];
		r->q_head = (r->q_head + 1) % JOURNAL_READER_MAX;
		r->q_len--;
		r->reading++;
		pthread_mutex_unlock(&r->lock);

		wait_settled(r, q.after_seq);
		json = read_recap(r, q.token);

		pthread_mutex_lock(&r->lock);
		r->answers[(r->a_head + r->a_len) % JOURNAL_READER_MAX] = (struct reader_answer){ q.ticket, json };
		r->a_len++;
		r->reading--;
		pthread_mutex_unlock(&r->lock);
		if (r->wake)
			r->wake(r->user);
	}
	journal_recap_crowd_free(&r->crowd);
	sqlite3_close(r->db);
	r->db = NULL;
	return NULL;
}

int journal_reader_start(struct journal_reader *r, journal_reader_wake_fn *wake, void *user)
{
	r->wake = wake;
	r->user = user;
	if (pthread_create(&r->thread, NULL, reader_main, r) != 0)
		return -1;
	r->started = true;
	return 0;
}

void journal_reader_destroy(struct journal_reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_signal(&r->asked);
	pthread_mutex_unlock(&r->lock);
	if (r->started)
		pthread_join(r->thread, NULL);
	for (uint32_t i = 0; i < r->a_len; i++)
		free(r->answers[(r->a_head + i) % JOURNAL_READER_MAX].json);
	pthread_cond_destroy(&r->asked);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

int journal_reader_ask(struct journal_reader *r, const char *token, uint64_t ticket, uint64_t after_seq)
{
	struct reader_question *q;
	int rc = -1;

	pthread_mutex_lock(&r->lock);
	/* Answers not yet taken hold their room too: an answer always finds a place. */
	if (r->q_len + r->a_len + r->reading < JOURNAL_READER_MAX) {
		q = &r->questions[(r->q_head + r->q_len) % JOURNAL_READER_MAX];
		snprintf(q->token, sizeof(q->token), "%s", token);
		q->ticket = ticket;
		q->after_seq = after_seq;
		r->q_len++;
		pthread_cond_signal(&r->asked);
		rc = 0;
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

bool journal_reader_take(struct journal_reader *r, uint64_t *ticket, char **json)
{
	bool got = false;

	pthread_mutex_lock(&r->lock);
	if (r->a_len) {
		*ticket = r->answers[r->a_head].ticket;
		*json = r->answers[r->a_head].json;
		r->a_head = (r->a_head + 1) % JOURNAL_READER_MAX;
		r->a_len--;
		got = true;
	}
	pthread_mutex_unlock(&r->lock);
	return got;
}
