/*
 * journal.h - the show's memory: every cue, poll event, vote, participant,
 * input, console action, safety event, moderation decision, alarm, and the
 * metrics once a second, in a SQLite database in WAL mode (docs/journal.md).
 *
 * The net thread pushes fixed-size events into a bounded lock-free ring and
 * never waits; a writer thread of the journal's own drains the ring and
 * commits them in batches, a transaction every JOURNAL_BATCH_MS. Each event
 * gets a sequence number at push; journal_committed() says how far the
 * database holds them, so a vote's ack can wait for its commit (durable
 * before acknowledged) without the tick ever waiting.
 *
 * When the disk is full, the file is locked or damaged, or any write fails,
 * the journal is degraded: the show goes on in memory, the writer retries
 * every second, and the events that did not fit the ring meanwhile are
 * counted as lost. journal_status() says which.
 *
 * Thread: journal_open/close on the net thread (before and after the show);
 * journal_push and the getters on the net thread; the rest is the writer's.
 */
#ifndef TUTTI_JOURNAL_H
#define TUTTI_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "journal_retention.h"

#define JOURNAL_SCHEMA_VERSION	3
#define JOURNAL_BATCH_MS	20	/* one transaction at most this often */
#define JOURNAL_RING		16384	/* events waiting for the writer */
#define JOURNAL_TEXT_MAX	512	/* a console command whole, an ad-hoc poll's included */
#define JOURNAL_ID_MAX		16

enum journal_kind {
	JOURNAL_CUE,			/* a: cue index; text: how (go, back, jump, advance, restore) */
	JOURNAL_POLL,			/* a: poll; b: open, revealed, vetoed, hidden bits; x: closes at; y: round; text: state or reset */
	JOURNAL_VOTE,			/* participant; a: poll, b: choice; x: the phone's seq */
	JOURNAL_JOIN,			/* participant; a: zone; text: its token */
	JOURNAL_RESUME,			/* participant */
	JOURNAL_LEAVE,			/* participant */
	JOURNAL_FORGET,			/* participant (or "" and text: its token): delete its rows, keep its votes as counts */
	JOURNAL_INPUT,			/* participant; a: control; x, y: values */
	JOURNAL_CONSOLE,		/* a: role, b: 1 accepted / 0 refused; text: command JSON */
	JOURNAL_SAFETY,			/* text: what changed */
	JOURNAL_MODERATION,		/* participant (may be ""); text: the decision */
	JOURNAL_ALARM,			/* text: alarm id and message */
	JOURNAL_METRICS,		/* a: participants, b: active; x: inputs/s, y: tick max ms; text: {"latency_ms"}
					 * over the second, when phones sent input (docs/journal.md) */
	JOURNAL_END,			/* the show stopped (cleanly, or a rehearsal's length) at t */
	JOURNAL_LOUDNESS,		/* x: short-term LUFS, y: momentary LUFS; text: {"integrated", "true_peak",
					 * "lra", "limiter_gr_db"} (docs/journal.md); silence: NULL / null */
	JOURNAL_WALL,			/* participant; a: the text's number; text: its approved words (the recap) */
	JOURNAL_FLASH,			/* t: a second of show; a: stage cells the flash limiter held back, b: cells
					 * whose red it removed, in that second (seconds with none: no row) */
	JOURNAL_KIND_COUNT
};

struct journal_event {
	uint8_t kind;			/* enum journal_kind */
	double t;			/* show time */
	int64_t tick;			/* the show tick it belongs to: stamped by journal_push() */
	char participant[JOURNAL_ID_MAX];	/* anonymous id ("p-1a2b3c4d"), "" = none */
	int32_t a, b;
	double x, y;
	char text[JOURNAL_TEXT_MAX];
};

/* What the show is: stored once, checked at every open. */
struct journal_show_info {
	const char *venue;		/* the venue's name */
	const char *config;		/* the venue config's text */
	size_t config_len;
	const char *config_path;	/* where it was read from (absolute), for its relative paths; NULL = unknown */
};

struct journal_status {
	bool degraded;			/* the last write failed; the show goes on in memory */
	char problem[200];		/* why, for the alarm and /healthz */
	uint64_t pushed;		/* events handed over */
	uint64_t committed;		/* events the database holds */
	uint64_t lost;			/* events that found the ring full */
	char set_aside[400];		/* at open, a damaged file was kept aside and a new show begun: what
					 * happened, for the alarm; "" = nothing of the kind */
};

struct journal;

/* Called on the writer thread after each commit (e.g. to wake the net thread's loop). */
typedef void journal_commit_fn(void *user);

enum journal_open_mode {
	JOURNAL_CONTINUE,		/* resume the show in the file; refuse another venue config */
	JOURNAL_FRESH,			/* start a new show: the file's old contents are replaced */
};

/* One stored event, handed back in order when a show resumes; a join's text is its token again. */
typedef void journal_replay_fn(void *user, const struct journal_event *ev, uint64_t seq);

struct journal_options {
	const char *path;
	struct journal_show_info show;
	enum journal_open_mode mode;
	/*
	 * A rehearsal's journal: journal_push() waits for room instead of
	 * losing an event (nobody waits on a virtual clock), and commits skip
	 * fsync (a rehearsal cut short by a crash is run again, not resumed);
	 * the show is marked as a rehearsal's (show.rehearsal).
	 */
	bool offline;
};

/*
 * Opens (creating or migrating) the journal at o->path for o->show. A
 * stored show that has been over for longer than its config's
 * privacy.retention_days is purged first (journal_retention.h). With
 * JOURNAL_CONTINUE a file holding another venue config is refused with a
 * message that says what to do; *@resumed is set when the file already
 * holds this show. Nothing is written until journal_start(). Returns NULL
 * with @err.
 */
struct journal *journal_open(const struct journal_options *o, bool *resumed, char *err, size_t err_size);
/*
 * Before journal_start(), on a resumed show: calls @fn for each stored
 * event but inputs, metrics and loudness (they do not outlive a restart), in order.
 * Whatever is pushed meanwhile (the show re-applying them) is not written
 * again. 0, or -1 when the file cannot be read (with @err).
 */
int journal_replay(struct journal *j, journal_replay_fn *fn, void *user, char *err, size_t err_size);
/* One count of votes that belong to nobody any more (forget me): @count for @choice of @poll. */
typedef void journal_anonymous_fn(void *user, uint32_t poll, uint32_t choice, uint32_t count);
/*
 * Before journal_start(), on a resumed show: calls @fn for each anonymous
 * vote count, which the events no longer carry. 0, or -1 (with @err).
 */
int journal_replay_anonymous_votes(struct journal *j, journal_anonymous_fn *fn, void *user, char *err,
				   size_t err_size);
/* Starts the writer; @on_commit (may be NULL) hears each commit. 0, or -1 when no thread can start. */
int journal_start(struct journal *j, journal_commit_fn *on_commit, void *user);
/* The newest show time the file held when it was opened (0 for a new show): the show clock goes on from it. */
double journal_resumed_t(const struct journal *j);
/* The newest show tick the file held when it was opened (-1 for a new show): ticks go on after it. */
int64_t journal_resumed_tick(const struct journal *j);
/*
 * Net thread: the events pushed from now on belong to show tick @tick
 * (docs/journal.md, "Ticks"). The show sets it as each tick begins, and to
 * the next tick once it ends, so what arrives between two ticks belongs to
 * the tick that first sees it.
 */
void journal_set_tick(struct journal *j, int64_t tick);
/* Commits what is queued, records the show's end, stops the writer (if started). NULL does nothing. */
void journal_close(struct journal *j);

/*
 * Queues @ev (copied, stamped with the current show tick). Returns its
 * sequence number (from 1), or 0 when the ring was full (counted as lost)
 * or during journal_replay(). Never blocks, but an offline journal whose
 * writer runs waits for room. Net thread only. @j may be NULL (no journal):
 * returns 0.
 */
uint64_t journal_push(struct journal *j, const struct journal_event *ev);
/* The highest sequence number the database holds (every event up to it is committed). */
uint64_t journal_committed(const struct journal *j);
/*
 * True when @seq is committed, or the journal is degraded (the show does
 * not wait for it then). It reads atomics only: any thread may ask.
 */
bool journal_settled(const struct journal *j, uint64_t seq);
/* The sequence number of the newest event pushed (0 for none, or @j NULL). Net thread. */
uint64_t journal_pushed(const struct journal *j);
void journal_status_get(const struct journal *j, struct journal_status *st);
/* The SHA-256 of a venue config's text, in hex (65 bytes with the NUL). */
void journal_config_hash(const char *config, size_t len, char out[65]);

const char *journal_kind_name(enum journal_kind k);

/*
 * Before journal_open(): whether the file at @path is damaged (not a
 * database, or failing SQLite's quick check). A missing file is not. True
 * with @why when damaged.
 */
bool journal_file_damaged(const char *path, char *why, size_t why_size);
/*
 * Whether the journal at @path was written by a rehearsal (an offline
 * journal): 1 yes, 0 a show's, -1 not a journal this tutti reads (or none).
 */
int journal_file_rehearsal(const char *path);
/* Records that a damaged file was set aside before this journal began (see journal_status.set_aside). */
void journal_set_aside_note(struct journal *j, const char *note);

/*
 * `tutti purge`: brings the journal at @path to this schema and applies
 * its show's own retention period (*@retention_days, from the config it
 * keeps) at the current time, as journal_open() does. Fills @out. 0, or
 * -1 with @err (not a journal, unreadable, locked).
 */
int journal_purge_file(const char *path, struct journal_purge *out, double *retention_days, char *err,
		       size_t err_size);

#endif
