/*
 * phone_beat.c - the beat grid phones play. See phone_beat.h.
 * Thread: the show tick's.
 */
#include "phone_beat.h"

#include <math.h>
#include <string.h>

#define BEAT_LOST_PERIODS	3.0	/* no beat for this many periods: the beat stopped */
#define BEAT_LOST_MIN_S		2.0	/* ... and never sooner than this */

void phone_beat_init(struct phone_beat *b)
{
	memset(b, 0, sizeof(*b));
}

/* The fewest beats between flashes that keep them within @max_per_s. */
static uint32_t flash_every(double period_s, uint32_t max_per_s)
{
	uint32_t k = 1;

	if (!max_per_s || period_s <= 0)
		return 0;
	while (k < 64 && (double)k * period_s < 1.0 / max_per_s - 1e-9)
		k++;
	return k;
}

/* A beat seen at @t with tempo @bpm: moves the grid when the beat left it. */
static void beat_seen(struct phone_beat *b, double t, float bpm)
{
	struct frame_beat *g = &b->grid;
	double period = 60.0 / bpm;

	b->last_beat_s = t;
	if (g->on) {
		double k = round((t - g->at) / g->period);
		double off = t - (g->at + k * g->period);

		if (fabs(off) <= PHONE_BEAT_OFF_GRID_S &&
		    fabs(period - g->period) <= PHONE_BEAT_TEMPO_CHANGE * g->period)
			return;	/* on the grid: phones already play this beat */
	}
	g->on = true;
	g->at = t;
	g->period = period;
}

bool phone_beat_update(struct phone_beat *b, double now, float bpm, uint32_t beats,
		       uint32_t flash_max_per_s)
{
	struct frame_beat before = b->grid;
	struct frame_beat *g = &b->grid;

	if (b->counting && beats != b->beats_seen && bpm > 0 && isfinite(bpm))
		beat_seen(b, now, bpm);
	b->beats_seen = beats;
	b->counting = true;
	if (g->on && (!(bpm > 0) ||
		      now - b->last_beat_s > fmax(BEAT_LOST_MIN_S, BEAT_LOST_PERIODS * g->period)))
		memset(g, 0, sizeof(*g));
	g->flash_every = g->on ? flash_every(g->period, flash_max_per_s) : 0;
	return before.on != g->on || before.at != g->at || before.period != g->period ||
	       before.flash_every != g->flash_every;
}
