/*
 * journal_retention.h - the venue's retention period, applied to a show's
 * journal: once a show has been over for longer than
 * privacy.retention_days, everything in it that names a participant goes
 * and the aggregates stay (docs/privacy.md).
 *
 * Purged: every input, join, resume and leave; the participants and their
 * resume tokens; which participant cast which vote (the votes stay as
 * anonymous counts, and the vote events stay without a name, for the
 * poll's timeline); the participant named by a moderation decision.
 * Kept: the show, its config, cues, polls and tallies, console actions,
 * safety events, alarms and the metrics once a second.
 *
 * Thread: whichever thread owns the database connection.
 */
#ifndef TUTTI_JOURNAL_RETENTION_H
#define TUTTI_JOURNAL_RETENTION_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define JOURNAL_RETENTION_DEFAULT_DAYS	30

struct journal_purge {
	bool due;			/* the show has been over longer than the retention period */
	bool already;			/* it was purged before */
	double over_unix;		/* when the show was over: its end, or its last write after a crash */
	long long inputs, participants, votes;	/* rows purged */
};

/*
 * Purges the journal in @db (schema 2 or later) when its show has been
 * over for more than @retention_days at @now_unix, in one transaction,
 * then truncates the write-ahead log so no copy of the purged rows stays
 * there. Fills @out. 0, or -1 with @err.
 */
int journal_retention_apply(sqlite3 *db, double retention_days, double now_unix, struct journal_purge *out,
			    char *err, size_t err_size);

/*
 * The retention period the show's own stored config asks for
 * (privacy.retention_days), JOURNAL_RETENTION_DEFAULT_DAYS when it says
 * nothing. For files opened without their venue config (`tutti purge`).
 */
double journal_retention_stored_days(sqlite3 *db);

#endif
