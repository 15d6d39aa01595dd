/*
 * journal_recap.h - one participant's recap of the night, read from the
 * show's journal: what they did, for them alone (docs/protocol.md, "recap").
 *
 * It holds their taps and other inputs with their busiest moments (show
 * times and the cue then), the stretches when their zone tapped most, each
 * poll they voted in with their choice and how it ended, their texts the
 * moderators put on the wall, and their share of the crowd's inputs and
 * votes. Of everybody else it holds only totals: no other id, text, vote
 * or rank.
 *
 * Thread: any; it reads through the connection it is given (read-only is
 * enough), never the journal writer's.
 */
#ifndef TUTTI_JOURNAL_RECAP_H
#define TUTTI_JOURNAL_RECAP_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#define RECAP_WINDOW_S		10.0	/* busiest moments and zone leads are counted in windows this long */
#define RECAP_MOMENTS_MAX	3	/* busiest moments, and zone-lead stretches, shown at most */
#define RECAP_WALL_MAX_SQL	"20"	/* wall texts shown at most (the first ones): the message stays small */

/*
 * What every recap reads of the whole crowd: which zone led each window,
 * and the crowd's totals. Reading it scans every tap of the show (about a
 * second for a ten-minute arena show), so a reader keeps it for as long as
 * the journal does not change (after the show, for every phone's recap).
 */
struct journal_recap_crowd {
	int16_t *leader;		/* per window: the zone that tapped most, -1 = none or a tie */
	size_t windows;
	long long inputs, votes, participants;	/* the crowd's totals */
};

/* Reads @c from the journal open in @db. 0, or -1 (nothing to free then). */
int journal_recap_crowd_read(sqlite3 *db, struct journal_recap_crowd *c);
void journal_recap_crowd_free(struct journal_recap_crowd *c);

/*
 * The phone's "recap" message (compact JSON, malloc'd: the caller frees
 * it) for the participant whose resume token is @token, in the journal
 * open in @db. A token the journal does not hold (never given, forgotten,
 * purged by retention) gives {"type":"recap","found":false}. @crowd is
 * what journal_recap_crowd_read() read of the same journal, or NULL to
 * read it for this recap alone. NULL when the file cannot be read or
 * memory runs out.
 */
char *journal_recap_json(sqlite3 *db, const char *token, const struct journal_recap_crowd *crowd);

#endif
