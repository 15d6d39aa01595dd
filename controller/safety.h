/*
 * safety.h - the venue's safety state and the one place it changes: fade
 * to silence, stage blackout, frozen crowd input, the curfew, the output
 * ceiling and the flash policy.
 *
 * The console's safety panel asks through the verbs below; each verb
 * checks its range against the venue's config (a ceiling only lower than
 * the venue's, a flash policy only stricter) and, when it changes the
 * state, raises a safety event: one log line "safety: ..." and a call of
 * the event hook given at create (the journal's way in).
 *
 * safety_apply() reaches sound, phones and screen once a tick, before
 * anything else moves: the crowd and the artist act on top of the safety
 * state and cannot undo it. Blackout and the frozen controls are read
 * (safety_state()) where the stage and phone frames are built.
 *
 * Thread: the net thread owns a safety; nothing here is reached from
 * another thread.
 */
#ifndef TUTTI_SAFETY_H
#define TUTTI_SAFETY_H

#include <stdbool.h>
#include <stdint.h>

#include "audio_map.h"
#include "config.h"
#include "net_audience.h"
#include "safety_flash.h"

#define SAFETY_CEILING_MIN_DBFS	-30.0	/* the lowest ceiling the console may set */
#define SAFETY_CURFEW_MAX_S	86400.0	/* a curfew is at most a day away */

/* The venue's safety actions now in force. */
struct safety_state {
	bool fade_to_silence;		/* the master fades at the venue's gain rate */
	bool blackout;			/* the stage screen shows black */
	bool freeze;			/* phones' controls are off ("listening") */
	double curfew_at;		/* show time of the curfew, -1 = none */
	double ceiling_dbfs;		/* the output ceiling now: at most the venue's */
	uint32_t max_flashes_per_s;	/* the flash policy now: at most the venue's */
	uint32_t max_red_flashes_per_s;
	uint32_t flash_generation;	/* +1 at every flash policy change (not at a repeat of the same) */
};

enum safety_change {
	SAFETY_FADE, SAFETY_BLACKOUT, SAFETY_FREEZE, SAFETY_CURFEW, SAFETY_CEILING, SAFETY_FLASH_POLICY,
};

/* One change of the safety state, as raised. */
struct safety_event {
	uint64_t seq;			/* 1 for the first event, +1 for each one after */
	enum safety_change change;
	double t;			/* show time */
	struct safety_state state;	/* the state after the change */
	char text[96];			/* what the log line says after "safety: " */
};

/* Called once per event, on the net thread, after the state changed. */
typedef void safety_event_fn(void *user, const struct safety_event *e);

/* What the safety state drives, and who hears its events. Borrowed: they outlive the safety. */
struct safety_wiring {
	struct audiomap *audiomap;	/* fade and ceiling; NULL = no stage audio */
	struct audience *audience;	/* frozen input; NULL = none */
	uint32_t *phone_flash_max;	/* phones' flashes allowed in any second (phone_beat.h); NULL = none */
	safety_event_fn *on_event;	/* NULL = the log line only */
	void *user;			/* for on_event */
};

/*
 * A safety state at the venue's config: nothing on, no curfew, the
 * venue's ceiling and flash limits. NULL when out of memory. Caller
 * destroys; destroy(NULL) does nothing.
 */
struct safety *safety_create(const struct venue_config *cfg, const struct safety_wiring *w);
void safety_destroy(struct safety *s);

/* The state now. The pointer stays valid for the safety's life. */
const struct safety_state *safety_state(const struct safety *s);
/* Events raised so far. */
uint64_t safety_event_count(const struct safety *s);

void safety_set_fade(struct safety *s, bool on, double now);
void safety_set_blackout(struct safety *s, bool on, double now);
void safety_set_freeze(struct safety *s, bool on, double now);
/* The curfew @in_s seconds after @now (0 to SAFETY_CURFEW_MAX_S), NAN = none. 0, or -ERANGE (unchanged). */
int safety_set_curfew(struct safety *s, double in_s, double now);
/* The output ceiling: SAFETY_CEILING_MIN_DBFS to the venue's, NAN = the venue's. 0, or -ERANGE (unchanged). */
int safety_set_ceiling(struct safety *s, double dbfs, double now);
/*
 * The flash policy: @max_per_s 0 to the venue's, @max_red_per_s 0 to the
 * venue's red limit, or NULL for @max_per_s capped at the venue's red
 * limit. Never looser than the venue's. 0, or -ERANGE (unchanged).
 */
int safety_set_flash_policy(struct safety *s, int64_t max_per_s, const int64_t *max_red_per_s, double now);

/*
 * Once a tick: the state reaches the audio map, the audience and the
 * phones' flash limit. (The stage screen gets blackout and the flash
 * policy with each stage frame.)
 */
void safety_apply(struct safety *s);

#endif
