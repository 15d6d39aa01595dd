/*
 * clock.h - show time: a monotonic clock that can be real or virtual.
 *
 * Show time is seconds (as double) since the clock was created. The real
 * clock follows CLOCK_MONOTONIC; the virtual clock only moves when told to,
 * so tests (and later rehearsal) run the same code deterministically.
 *
 * Thread: a clock is read by the thread that owns it; clock_real_now_s()
 * is safe from any thread.
 */
#ifndef TUTTI_CLOCK_H
#define TUTTI_CLOCK_H

#include <stdbool.h>

struct show_clock {
	bool is_virtual;
	double origin_s;	/* CLOCK_MONOTONIC at creation (real clock) */
	double virtual_s;	/* current time (virtual clock) */
};

/* A real clock whose show time starts at 0 now. */
void clock_init_real(struct show_clock *c);
/* A real clock whose show time is @start_s now (a show resumed from its journal goes on from there). */
void clock_init_real_at(struct show_clock *c, double start_s);
/* A virtual clock at show time @start_s. */
void clock_init_virtual(struct show_clock *c, double start_s);
/* Current show time in seconds. */
double clock_now_s(const struct show_clock *c);
/* Moves a virtual clock forward by @dt_s (ignored by a real clock). */
void clock_advance(struct show_clock *c, double dt_s);
/* CLOCK_MONOTONIC in seconds. */
double clock_real_now_s(void);

#endif
