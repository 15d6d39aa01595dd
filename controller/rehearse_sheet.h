/*
 * rehearse_sheet.h - a rehearsal's run sheet: what the operator does at
 * which show time, as console commands (docs/protocol.md, "Console
 * commands"), one a line (docs/rehearsal.md):
 *
 *   # doors, then the first song
 *   12.5   {"cmd":"cue.go"}
 *   1:05   {"cmd":"poll.open","poll":"song","duration_s":20}
 *
 * A time is seconds, or minutes:seconds, or hours:minutes:seconds. Each
 * command must be a JSON object naming a console command the operator may
 * run; what it asks for (a cue, a poll) is checked when it runs, as the
 * console's are. Blank lines and lines starting with # are skipped.
 *
 * Thread: the rehearsal's (main).
 */
#ifndef TUTTI_REHEARSE_SHEET_H
#define TUTTI_REHEARSE_SHEET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SHEET_COMMAND_MAX 511	/* what one journal event holds of a command */

struct sheet_command {
	double t;			/* show time */
	uint32_t line;			/* in the file, from 1 */
	char text[SHEET_COMMAND_MAX + 1];	/* the command's JSON, as written */
};

struct run_sheet {
	char path[512];
	struct sheet_command *commands;	/* by time, then by line */
	size_t count;
	size_t next;			/* the first not run yet */
};

/*
 * Reads the run sheet at @path. Every problem goes to @problems as
 * "PATH:LINE: what is wrong" (or "PATH: ..." for the file), and then it
 * returns NULL; else a sheet the caller frees with run_sheet_free().
 */
struct run_sheet *run_sheet_load(const char *path, FILE *problems);
void run_sheet_free(struct run_sheet *s);
/* The next command due at show time @now (taken), or NULL. */
const struct sheet_command *run_sheet_next_due(struct run_sheet *s, double now);

#endif
