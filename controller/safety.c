/*
 * safety.c - the venue's safety state, its events, and applying it once a
 * tick. See safety.h.
 *
 * Thread: the net thread.
 */
#include "safety.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

struct safety {
	const struct venue_config *cfg;
	struct safety_wiring w;
	struct safety_state state;
	uint64_t events;		/* raised so far */
	uint32_t applied_flash_generation;	/* the flash policy last applied */
};

struct safety *safety_create(const struct venue_config *cfg, const struct safety_wiring *w)
{
	struct safety *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = cfg;
	if (w)
		s->w = *w;
	s->state.curfew_at = -1;
	s->state.ceiling_dbfs = cfg->safety.ceiling_dbfs;
	s->state.max_flashes_per_s = cfg->safety.max_flashes_per_s;
	s->state.max_red_flashes_per_s = cfg->safety.max_red_flashes_per_s;
	return s;
}

void safety_destroy(struct safety *s)
{
	free(s);
}

const struct safety_state *safety_state(const struct safety *s)
{
	return &s->state;
}

uint64_t safety_event_count(const struct safety *s)
{
	return s->events;
}

/* Field by field (a struct compare would read its padding); the generation is not the state. */
static bool state_same(const struct safety_state *a, const struct safety_state *b)
{
	return a->fade_to_silence == b->fade_to_silence && a->blackout == b->blackout && a->freeze == b->freeze &&
	       a->curfew_at == b->curfew_at && a->ceiling_dbfs == b->ceiling_dbfs &&
	       a->max_flashes_per_s == b->max_flashes_per_s && a->max_red_flashes_per_s == b->max_red_flashes_per_s;
}

/*
 * Every change of the state ends here, the one place a safety event is
 * raised: @next becomes the state, unless it is the state already (a
 * second "blackout on" changes nothing, and says nothing).
 */
static void safety_change(struct safety *s, const struct safety_state *next, enum safety_change change, double now,
			  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void safety_change(struct safety *s, const struct safety_state *next, enum safety_change change, double now,
			  const char *fmt, ...)
{
	struct safety_event e;
	va_list ap;

	if (state_same(next, &s->state))
		return;
	if (next->max_flashes_per_s != s->state.max_flashes_per_s ||
	    next->max_red_flashes_per_s != s->state.max_red_flashes_per_s)
		s->state.flash_generation++;	/* safety_apply hands a new policy on once */
	s->state.fade_to_silence = next->fade_to_silence;
	s->state.blackout = next->blackout;
	s->state.freeze = next->freeze;
	s->state.curfew_at = next->curfew_at;
	s->state.ceiling_dbfs = next->ceiling_dbfs;
	s->state.max_flashes_per_s = next->max_flashes_per_s;
	s->state.max_red_flashes_per_s = next->max_red_flashes_per_s;
	e = (struct safety_event){ .seq = ++s->events, .change = change, .t = now, .state = s->state };

	va_start(ap, fmt);
	vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	log_info("safety: %s", e.text);
	if (s->w.on_event)
		s->w.on_event(s->w.user, &e);
}

void safety_set_fade(struct safety *s, bool on, double now)
{
	struct safety_state next = s->state;

	next.fade_to_silence = on;
	safety_change(s, &next, SAFETY_FADE, now, "fade to silence %s", on ? "on" : "off");
}

void safety_set_blackout(struct safety *s, bool on, double now)
{
	struct safety_state next = s->state;

	next.blackout = on;
	safety_change(s, &next, SAFETY_BLACKOUT, now, "stage blackout %s", on ? "on" : "off");
}

void safety_set_freeze(struct safety *s, bool on, double now)
{
	struct safety_state next = s->state;

	next.freeze = on;
	safety_change(s, &next, SAFETY_FREEZE, now, "crowd input %s", on ? "frozen" : "open");
}

int safety_set_curfew(struct safety *s, double in_s, double now)
{
	struct safety_state next = s->state;

	if (isnan(in_s)) {
		next.curfew_at = -1;
		safety_change(s, &next, SAFETY_CURFEW, now, "curfew cleared");
		return 0;
	}
	if (!(in_s >= 0 && in_s <= SAFETY_CURFEW_MAX_S))
		return -ERANGE;
	next.curfew_at = now + in_s;
	safety_change(s, &next, SAFETY_CURFEW, now, "curfew in %.0f s, at show time %.1f s", in_s, next.curfew_at);
	return 0;
}

int safety_set_ceiling(struct safety *s, double dbfs, double now)
{
	double venue = s->cfg->safety.ceiling_dbfs;
	struct safety_state next = s->state;

	if (isnan(dbfs))
		dbfs = venue;
	else if (!(dbfs >= SAFETY_CEILING_MIN_DBFS && dbfs <= venue))
		return -ERANGE;
	next.ceiling_dbfs = dbfs;
	safety_change(s, &next, SAFETY_CEILING, now, "output ceiling now %.1f dBFS", dbfs);
	return 0;
}

int safety_set_flash_policy(struct safety *s, int64_t max_per_s, const int64_t *max_red_per_s, double now)
{
	int64_t venue = s->cfg->safety.max_flashes_per_s, venue_red = s->cfg->safety.max_red_flashes_per_s;
	struct safety_state next = s->state;

	/* Stricter than the venue's config, never looser: the config is the venue's limit. */
	if (max_per_s < 0 || max_per_s > venue ||
	    (max_red_per_s && (*max_red_per_s < 0 || *max_red_per_s > venue_red)))
		return -ERANGE;
	next.max_flashes_per_s = (uint32_t)max_per_s;
	next.max_red_flashes_per_s = (uint32_t)(max_red_per_s ? *max_red_per_s :
					       max_per_s < venue_red ? max_per_s : venue_red);
	safety_change(s, &next, SAFETY_FLASH_POLICY, now, "flash policy now %u flashes (%u red) per second",
		      next.max_flashes_per_s, next.max_red_flashes_per_s);
	return 0;
}

void safety_apply(struct safety *s)
{
	const struct safety_state *st = &s->state;

	if (s->w.audiomap) {
		audiomap_set_fade_to_silence(s->w.audiomap, st->fade_to_silence);
		audiomap_set_ceiling(s->w.audiomap, st->ceiling_dbfs);
	}
	if (s->w.audience)
		s->w.audience->frozen = st->freeze;
	if (st->flash_generation != s->applied_flash_generation) {
		/* Only on a change. The stage screen reads the policy from the stage frame. */
		s->applied_flash_generation = st->flash_generation;
		if (s->w.phone_flash_max)
			*s->w.phone_flash_max = st->max_flashes_per_s;
	}
}
