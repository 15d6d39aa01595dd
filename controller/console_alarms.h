/*
 * console_alarms.h - what the console must not miss: the audio device lost, the
 * venue full, a storm of rate-limited phones, the stage screen down, the
 * journal degraded, the NATS link to the edges down, an edge lost. Each
 * alarm is raised while its condition holds, stays on the console until
 * an operator or the artist acknowledges it, and an acknowledged alarm
 * that clears and comes back is raised afresh.
 *
 * Thread: net thread.
 */
#ifndef TUTTI_CONSOLE_ALARMS_H
#define TUTTI_CONSOLE_ALARMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum alarm_id { ALARM_AUDIO_LOST, ALARM_VENUE_FULL, ALARM_RATE_STORM, ALARM_STAGE_DOWN, ALARM_JOURNAL_DEGRADED,
		ALARM_CLUSTER_LINK, ALARM_EDGE_LOST, ALARM_COUNT };

#define ALARM_STORM_WINDOW_S	10.0	/* rate-limited inputs counted over this window */
#define ALARM_STORM_REJECTS	200	/* ... at least this many is a storm, */
#define ALARM_STORM_SHARE	0.25	/* ... and at least this share of all the crowd may send */
#define ALARM_EDGE_LOST_S	60.0	/* an edge lost is an alarm this long (and until acknowledged) */

/* What the daemon sees this tick. */
struct alarm_inputs {
	bool audio_lost;
	const char *audio_error;	/* why, for the message */
	uint32_t participants, capacity;
	uint64_t rate_limited_total;	/* the metrics counter */
	double inputs_per_second;	/* one phone's input limit: the crowd's budget is this per participant */
	bool stage_wanted, stage_running;
	bool journal_degraded;		/* the show's journal cannot write; the show goes on in memory */
	const char *journal_problem;	/* why, for the message */
	const char *journal_set_aside;	/* a damaged journal was set aside at start: what happened; NULL or "" = no */
	bool cluster;			/* the core of edges (--cluster): the two alarms below apply */
	bool cluster_nats;		/* its NATS link is up */
	uint32_t edges_lost;		/* edges that fell silent, ever */
	const char *lost_edge;		/* the last of them */
};

struct alarm {
	bool active;			/* the condition holds now */
	bool shown;			/* on the console: raised and not yet acknowledged, or still active */
	bool acknowledged;
	double since;			/* raised at (show time) */
	char message[200];
};

struct alarms {
	struct alarm a[ALARM_COUNT];
	uint64_t storm_base;		/* rate_limited_total at the start of the window */
	double storm_window_start;
	uint64_t raised_total;
	uint32_t edges_lost_seen;
	double edge_lost_at;		/* show time the last edge was lost, -1 = never */
};

void alarms_init(struct alarms *al);
/* Re-evaluates every alarm at show time @now. Returns how many were newly raised. */
uint32_t alarms_update(struct alarms *al, const struct alarm_inputs *in, double now);
/* The console acknowledges alarm @name ("audio_lost", ...). 0, or -1 when unknown or not shown. */
int alarms_ack(struct alarms *al, const char *name);
const char *alarm_name(enum alarm_id id);

#endif
