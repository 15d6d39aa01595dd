/*
 * journal_show.h - the show's side of the journal: what the net thread
 * writes as the show runs, and how a restarted daemon applies it back.
 *
 * Each tick it compares the cue and every poll with what it last wrote and
 * journals the changes (so auto-advance and poll timers are kept as well as
 * the console's moves), and the metrics once a second. The console's
 * commands, safety events, and the phones' joins, votes and inputs are
 * handed to it as they happen.
 *
 * After a restart, journal_show_replay() is the journal's replay callback:
 * participants come back waiting for their phones, with their votes and
 * the seq of each vote (a re-sent vote is acked, never counted twice); the
 * cue with its start time; each poll's state; the safety state; and the
 * console's mix, artist values and moderation, by running its accepted
 * commands again. Address-level sanctions do not outlive a restart (the
 * journal keeps no address, not even a hash of one).
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_JOURNAL_SHOW_H
#define TUTTI_JOURNAL_SHOW_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "console_commands.h"
#include "crowd.h"
#include "audio_loudness.h"
#include "latency_hist.h"
#include "journal.h"
#include "safety.h"
#include "show.h"

/* What the show's journal reads and restores. Borrowed: they outlive it. */
struct journal_show_wiring {
	const struct venue_config *cfg;
	struct show *show;
	struct crowd *crowd;
	struct safety *safety;
	struct console *console;
};

/* What the metrics and loudness rows hold, once a second. */
struct journal_show_metrics {
	uint32_t participants, active;
	double inputs_per_s, tick_max_ms;
	const struct loudness_reading *loudness;	/* NULL = no loudness row */
	double limiter_max_db;		/* the limiter's largest gain reduction over the second */
	/* Input-to-state latency: the histogram now and as it was at the last metrics row (NULL = none). */
	const struct latency_hist *latency, *latency_then;
};

struct journal_show;

/*
 * Opens the show's journal at @path for the venue config in the file
 * @config_path (its text is kept and hashed, its absolute path kept), to
 * resume the show it holds or, with @fresh, to start a new one; *@resumed
 * says which. An @offline journal is a rehearsal's (journal.h). Before the
 * modules that write to it exist. NULL (the reason logged) on failure.
 */
struct journal *journal_show_open(const char *path, const char *config_path, const char *venue, bool fresh,
				  bool offline, bool *resumed);
/*
 * Once every module exists: the show's side of journal @j; a @resumed show
 * is applied back (*@resumed_t: its last show time, for the show clock).
 * The caller then starts the writer (journal_start), once whatever its
 * commits wake exists. NULL (the reason logged) on failure.
 */
struct journal_show *journal_show_begin(const struct journal_show_wiring *w, struct journal *j, bool resumed,
					double *resumed_t);

/* NULL when out of memory. */
struct journal_show *journal_show_create(const struct journal_show_wiring *w, struct journal *j);
void journal_show_destroy(struct journal_show *js);

/*
 * A resumed show applied back from its journal: every stored event, then
 * the votes that belong to nobody any more; what the show is then counts
 * as written, so only later changes are journaled. 0, or -1 with @err.
 */
int journal_show_apply(struct journal_show *js, char *err, size_t err_size);

/*
 * Once a tick, after show_tick: cue and poll changes; the metrics and the
 * loudness once a second. True when this tick wrote the second's rows.
 * @js NULL (no journal): nothing, false.
 */
bool journal_show_tick(struct journal_show *js, double now, const struct journal_show_metrics *m);
/*
 * A console command in @role and whether it was accepted, after the cue and
 * poll changes it made. Returns its sequence number (0 = none, or @js NULL):
 * once that commits, so has everything the command changed.
 */
uint64_t journal_show_console(struct journal_show *js, enum console_role role, const char *text, size_t len,
			      bool accepted, double now);
/*
 * The stage's flash limiter over one second of show starting at @second:
 * cells held back and cells whose red it removed. Nothing when both are 0.
 */
void journal_show_flash(struct journal_show *js, double second, uint64_t held, uint64_t red_dropped);
/* The show stops at show time @now (a clean stop, or a rehearsal's end): its length, for a replay. */
void journal_show_end(struct journal_show *js, double now);
/* The safety module's event hook (@user is the journal_show). */
void journal_show_safety_event(void *user, const struct safety_event *e);

#endif
