/*
 * journal_reader.h - phones' recaps read from the show's journal on a
 * thread of their own, so that neither the net thread's tick nor the
 * journal's writer (whose commits hold votes' acks) ever waits for one.
 *
 * The net thread asks for the recap of a token with a ticket of its own
 * choosing; the reader waits until the journal holds everything pushed
 * before the question (so a recap asked right after the show ended counts
 * the last taps), reads it through its own read-only connection
 * (journal_recap.h), and hands the answer back with the ticket, waking the
 * net thread's loop. At most JOURNAL_READER_MAX questions wait at once.
 *
 * Thread: create/start/destroy and ask/take on the net thread; the rest
 * is the reader's.
 */
#ifndef TUTTI_JOURNAL_READER_H
#define TUTTI_JOURNAL_READER_H

#include <stdbool.h>
#include <stdint.h>

#include "journal.h"

#define JOURNAL_READER_MAX	256	/* questions waiting or answered but not taken, at most */

struct journal_reader;

/* Called on the reader's thread when an answer is ready (e.g. to wake the net thread's loop). */
typedef void journal_reader_wake_fn(void *user);

/* A reader of the journal file at @path, written by @j (borrowed). NULL when out of memory. */
struct journal_reader *journal_reader_create(const char *path, const struct journal *j);
/* Starts its thread. 0, or -1 when it cannot start. */
int journal_reader_start(struct journal_reader *r, journal_reader_wake_fn *wake, void *user);
/* Stops the thread (a recap being read is finished first) and frees what was not taken. NULL does nothing. */
void journal_reader_destroy(struct journal_reader *r);

/*
 * Asks for the recap of @token, answered with @ticket once the journal
 * holds event @after_seq (journal_pushed() now). 0, or -1 when
 * JOURNAL_READER_MAX questions wait already (the phone may ask again later).
 */
int journal_reader_ask(struct journal_reader *r, const char *token, uint64_t ticket, uint64_t after_seq);
/*
 * The next answer: true with its @ticket and *@json (the recap message,
 * malloc'd: the caller frees it; NULL when the file could not be read).
 */
bool journal_reader_take(struct journal_reader *r, uint64_t *ticket, char **json);

#endif
