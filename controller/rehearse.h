/*
 * rehearse.h - `tutti rehearse` and `tutti replay`: the show engine
 * (show_engine.h) on a virtual clock, as fast as the machine goes, with no
 * sockets and no device (docs/rehearsal.md).
 *
 * A rehearsal runs a venue for a given length with a seeded simulated
 * crowd, the operator's run sheet (or the cues' own auto-advance), and
 * writes into its folder the show's audio rendered offline (show.wav), the
 * stage screen's stills (frames/), and the show's journal (show.db). A
 * replay runs a recorded show again from its journal (rehearse_journal.h),
 * a live one included, and writes its audio and stills. The same venue,
 * seed and run sheet give the same bytes; replaying a rehearsal's journal
 * gives its WAV again, byte for byte.
 *
 * Ticks are on the show's grid (tick n at n / tick_hz); the audio is
 * rendered in the venue's blocks, and before each block every tick due by
 * its start runs, so the engine hears each tick's parameters where a live
 * show's callback would.
 *
 * Thread: main; the stage screen draws on its own render thread and the
 * journal writes on its own.
 */
#ifndef TUTTI_REHEARSE_H
#define TUTTI_REHEARSE_H

#include <stdint.h>

#include "config.h"

#define REHEARSE_STAGE_FPS	10	/* pictures a second of show: see docs/rehearsal.md */

struct rehearse_options {
	const struct venue_config *cfg;	/* rehearse: the venue; replay: NULL (the journal keeps it) */
	const char *config_path;	/* rehearse: its file (the journal keeps a copy) */
	const char *journal_path;	/* replay: the recorded show */
	const char *out_dir;		/* created if missing; what it held of ours is replaced */
	double duration_s;		/* rehearse: the show's length */
	uint32_t crowd;			/* rehearse: simulated phones */
	uint64_t seed;			/* rehearse: the crowd's seed */
	const char *run_sheet;		/* rehearse: the operator's commands; NULL = none */
	double frames_every_s;		/* a still every this many seconds of show; 0 = none */
	int stage_width, stage_height;
	double stage_fps;		/* pictures drawn per second of show */
	int stage_renderer;		/* enum stage_renderer (stage_screen.h) */
	const char *font_path;
};

/* `tutti rehearse`. Returns the exit status: 0, 1 (the show or an output failed), 2 (bad input). */
int rehearse_run(const struct rehearse_options *o);
/* `tutti replay`. The same statuses. */
int replay_run(const struct rehearse_options *o);

#endif
