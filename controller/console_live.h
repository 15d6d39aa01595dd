/*
 * console_live.h - the console's live view: the show, the crowd, the
 * venue's safety state and the machine's health as one JSON message,
 * built panel by panel; and its short form for GET /healthz.
 *
 * It only reads: the modules it reads are named once in struct
 * console_live_sources, and none of them calls back into it.
 *
 * Thread: net thread only (it reads the show state the net thread owns).
 */
#ifndef TUTTI_CONSOLE_LIVE_H
#define TUTTI_CONSOLE_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "console_auth.h"

#define CONSOLE_LIVE_FIRST	65536		/* the console's first buffer for one live view */
#define CONSOLE_LIVE_MAX	(1u << 20)	/* the most it grows to: beyond, the console shows an error */

struct alarms;
struct audio_device;
struct console;
struct crowd_sanctions;
struct audiomap;
struct crowd;
struct crowdtext;
struct engine;
struct metrics;
struct safety_state;
struct show;
struct show_frame;
struct sim;
struct venue_config;
struct visuals;

/* What the live view reads. Every pointer must outlive the renders; those marked NULL may be. */
struct console_live_sources {
	const struct venue_config *cfg;
	const struct show *show;
	const struct crowd *crowd;
	const struct crowdtext *texts;		/* the moderators' queue and the wall */
	const struct audiomap *audiomap;	/* NULL = no artist controls */
	const struct alarms *alarms;
	const struct safety_state *safety;	/* the venue's safety state */
	const struct metrics *metrics;
	const struct show_frame *frame;		/* the newest tick's */
	const struct audio_device *audio;
	const struct engine *engine;
	struct visuals *visuals;		/* the stage screen; NULL = none */
	const struct sim *sim;			/* the simulated crowd; NULL = none */
	const uint64_t *tick;			/* ticks run */
	const size_t *state_bytes;		/* the newest state to phones (venue zone 0) */
	const struct osc_out *osc;		/* stage gear over OSC */
	const struct osc_in *osc_in;		/* the artist's controller; NULL = none */
	const struct journal *journal;		/* the show's memory; NULL = none */
	const struct console *console;		/* its activity feed; NULL = none */
	const struct crowd_sanctions *sanctions;	/* the muted and removed; NULL = none */
	const struct cluster_core *cluster;	/* the edges (--cluster); NULL = none */
};

/*
 * The live view for a console in @role at show time @now, as compact JSON
 * in @out. The artist's view has no participant ids and no unread crowd
 * text. Returns the length, or 0 when it does not fit in @cap.
 */
size_t console_live_render(const struct console_live_sources *src, enum console_role role, double now,
			   char *out, size_t cap);

/*
 * An upper bound of the operator's live view for @cfg, in bytes: the cue
 * list, the largest poll, mix and artist panel, zones, alarms and crowd
 * texts as long as the venue allows. For `tutti check`: a venue whose
 * live view may pass CONSOLE_LIVE_FIRST costs each console that much four
 * times a second, and one past CONSOLE_LIVE_MAX gets no live view.
 */
size_t console_live_estimate(const struct venue_config *cfg);
/*
 * `tutti check`'s warning about the live view's size, into @out: true when
 * @cfg has a console and its estimate passes CONSOLE_LIVE_FIRST (heavy on
 * the network) or CONSOLE_LIVE_MAX (the console would get an error instead).
 */
bool console_live_warning(const struct venue_config *cfg, char *out, size_t cap);

/* GET /metrics: the daemon's counters and the machine's health as Prometheus text. 0 when it does not fit. */
size_t console_live_metrics(const struct console_live_sources *src, double now, char *out, size_t cap);
/* GET /healthz at show time @now: whether the show runs, and its headline numbers. As above. */
size_t console_live_healthz(const struct console_live_sources *src, double now, char *out, size_t cap);

#endif
