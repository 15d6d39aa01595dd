/*
 * rehearse_progress.h - how far a rehearsal or a replay has got, on
 * stderr: a bar redrawn in place on a terminal,
 *
 *   [#########...........] 4:12 / 10:00  x9.3
 *
 * (show time done, show length, show seconds per second of this machine's),
 * and otherwise a plain line at every tenth of the show, for logs. Log lines
 * written meanwhile clear the bar first, so they never run into it.
 *
 * Thread: the rehearsal's (main); one at a time.
 */
#ifndef TUTTI_REHEARSE_PROGRESS_H
#define TUTTI_REHEARSE_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct progress {
	FILE *out;
	bool tty;			/* a bar in place; else plain lines */
	const char *label;		/* "rehearse", "replay" */
	double total_s;			/* the show's length */
	double started;			/* the wall clock at the start */
	double next_draw;		/* tty: the wall clock of the next redraw */
	int next_tenth;			/* plain: the next tenth of the show that gets a line */
	bool drawn;			/* tty: the bar is on the line now */
};

/* Starts showing @label's progress through @total_s seconds of show on @out. */
void progress_start(struct progress *p, FILE *out, const char *label, double total_s);
/* At show time @show_s: redraws the bar at most ten times a second, or prints the next line that is due. */
void progress_update(struct progress *p, double show_s);
/* The show is done: the last bar or line, and the terminal's line back. */
void progress_end(struct progress *p, double show_s);
/* "4:12" for 252.4 s (hours too when the show has them). */
void progress_format_time(char *out, size_t cap, double s);

#endif
