/*
 * show_engine.h - the show with everything but the world outside: crowd,
 * cues and polls, the audience code phones and simulated phones go through,
 * the console's commands, the venue's safety, the crowd-to-sound mapping and
 * the stage audio engine it drives, the journal, and the show tick.
 *
 * One engine, three drivers. `tutti run` (daemon.c) ticks it from the
 * network loop on the real clock and adds sockets, the audio device, the
 * stage window and OSC; `tutti rehearse` and `tutti replay` (rehearse.c)
 * tick it on a virtual clock as fast as the machine goes, rendering the
 * audio and the stage offline. Whatever the show does, it does here, so a
 * rehearsal runs the code a show runs.
 *
 * One tick, at show time @now:
 *   the venue's safety state reaches sound, phones and screen;
 *   the driver's inputs (OSC, a run sheet's commands, a journal's events);
 *   the simulated crowd; cue and poll timers; the journal's cue and poll
 *   changes; crowd expiry; the show frame; the stage audio's parameters.
 *
 * Thread: the thread that drives it (the net thread in `run`, main in
 * `rehearse`), which owns all of it.
 */
#ifndef TUTTI_SHOW_ENGINE_H
#define TUTTI_SHOW_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "console_commands.h"
#include "journal.h"

struct show_engine;

/* The driver's inputs for this tick: called once a tick, after safety, before the simulated crowd. */
typedef void show_engine_inputs_fn(void *user, struct show_engine *se, double now);

struct show_engine_options {
	const struct venue_config *cfg;		/* outlives the engine */
	const char *config_path;	/* the venue config's file, whose text the journal keeps */
	const char *journal_path;	/* the show's journal; NULL = in memory only */
	bool journal_fresh;		/* start a new show in the journal instead of resuming it */
	bool journal_offline;		/* a rehearsal's: waits for room instead of losing events, no fsync */
	uint32_t simulate;		/* simulated phones (at most the venue's capacity) */
	uint64_t seed;			/* the simulated crowd's seed */
	bool seeded_identities;		/* participants' ids and tokens from @seed: the same rehearsal, the same ids */
	const char *font_path;		/* the stage font: crowd text is cut to what it can draw */
	show_engine_inputs_fn *inputs;	/* NULL = none */
	void *user;			/* for @inputs */
};

/* The engine's modules, for the driver to wire its own to. Owned by the engine; valid for its life. */
struct show_engine_parts {
	struct crowd *crowd;
	struct show *show;
	struct audience *audience;
	struct crowdtext *texts;
	struct sim *sim;		/* NULL = no simulated crowd */
	struct engine *engine;		/* the stage audio; the driver runs engine_process() */
	struct audiomap *audiomap;
	struct console *console;
	struct alarms *alarms;
	struct safety *safety;
	struct metrics *metrics;
	struct journal *journal;	/* NULL = none */
	const struct show_frame *frame;	/* the newest tick's */
	const uint64_t *tick;		/* ticks run */
};

/*
 * Creates every module of the show, opens its journal and, when the
 * journal holds this show, applies it back. NULL (the reason logged) on
 * failure. The journal's writer starts with show_engine_journal_start().
 */
struct show_engine *show_engine_create(const struct show_engine_options *o);
/*
 * The show is over at show time @now: the simulated phones leave, the
 * journal records the end, commits what it holds and closes (a driver
 * whose journal commits wake a loop calls it before that loop goes). The
 * modules stay until destroy. A second call does nothing.
 */
void show_engine_stop(struct show_engine *se, double now);
/* Frees everything (after show_engine_stop(), or the show ends at its last tick). NULL does nothing. */
void show_engine_destroy(struct show_engine *se);
const struct show_engine_parts *show_engine_parts(const struct show_engine *se);
/* The show time a resumed journal goes on from; 0 for a new show. */
double show_engine_resumed_t(const struct show_engine *se);
/*
 * Starts the journal's writer; @on_commit (may be NULL) hears each commit
 * on the writer's thread. 0, or -1 when it cannot start. Without a journal: 0.
 */
int show_engine_journal_start(struct show_engine *se, journal_commit_fn *on_commit, void *user);

/* One show tick at show time @now. */
void show_engine_tick(struct show_engine *se, double now);
/*
 * The stage's flash limiter over the second of show from @second: screen
 * cells held back and cells whose red it removed, into the journal (the
 * report's safety chart). The driver that runs the stage screen says it.
 */
void show_engine_flash_second(struct show_engine *se, double second, uint64_t held, uint64_t red_dropped);

/*
 * A console command in @role from @who (a name for the log), run and
 * journaled like the console's. Returns the journal's sequence number of
 * it (0 = none): a reply to a person waits until the journal holds it.
 */
uint64_t show_engine_console(struct show_engine *se, enum console_role role, const char *who, const char *text,
			     size_t len, double now, struct console_reply *reply);

/* The join URL the stage's join scene shows (a driver that serves phones knows it). */
void show_engine_set_join_url(struct show_engine *se, const char *url);
/*
 * The stage frame at show time @now: the show frame, the join URL and one
 * dot per active participant. Owned by the engine, rewritten at each call.
 */
struct stage_frame;
const struct stage_frame *show_engine_stage_frame(struct show_engine *se, double now);

#endif
