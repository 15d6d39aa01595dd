/*
 * rehearse_journal.h - a recorded show read back for `tutti replay`: the
 * venue config its journal keeps, and what came into the show, tick by
 * tick, applied again through the code that applied it then.
 *
 * Each participant becomes a replayed phone that sends the audience code
 * what the phone sent (hello with its zone or its token, inputs, votes) and
 * leaves when it left; a join gets back the id and token it had, so the
 * crowd is the one that was. The console's commands that changed the show
 * and were accepted run again, in their role. Everything else (cues and
 * polls moving on by themselves, safety events, the metrics) follows from
 * these, as it did. Each event is applied at its tick (docs/journal.md,
 * "Ticks"), at the point of the tick where the driver's inputs come in.
 *
 * Not in a journal, so not replayed: crowd texts (the words stay out of
 * the journal, so moderators' approvals find nothing to approve), the votes
 * of participants who asked to be forgotten, and who did what in a show
 * purged by its retention period.
 *
 * Thread: the replay's (main).
 */
#ifndef TUTTI_REHEARSE_JOURNAL_H
#define TUTTI_REHEARSE_JOURNAL_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "show_engine.h"

struct replay_source;

/*
 * Opens the journal at @path read-only (it is never written) and loads the
 * venue config it keeps, resolving the files it names against the folder
 * the config was read from. Every problem goes to @problems; then NULL.
 */
struct replay_source *replay_open(const char *path, FILE *problems);
void replay_close(struct replay_source *r);
/* The venue config the show ran with. Owned by the source. */
const struct venue_config *replay_config(const struct replay_source *r);
/* The show time the journal reaches: the replay's length. */
double replay_length_s(const struct replay_source *r);
/* Once the engine exists: its crowd takes the journal's identities for the joins replayed. */
int replay_attach(struct replay_source *r, struct show_engine *se);
/* Applies every event of tick @tick (and any older one not applied yet) at show time @now. */
void replay_apply(struct replay_source *r, int64_t tick, double now);
/* What was replayed, and what could not be, as a few lines on @out. 0, or -1 when the journal could not be read. */
int replay_report(const struct replay_source *r, FILE *out);

#endif
