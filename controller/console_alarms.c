/*
 * console_alarms.c - console alarms. See console_alarms.h.
 */
#include "console_alarms.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

static const char *const names[ALARM_COUNT] = {
	[ALARM_AUDIO_LOST] = "audio_lost", [ALARM_VENUE_FULL] = "venue_full",
	[ALARM_RATE_STORM] = "rate_storm", [ALARM_STAGE_DOWN] = "stage_down",
	[ALARM_JOURNAL_DEGRADED] = "journal_degraded", [ALARM_CLUSTER_LINK] = "cluster_link",
	[ALARM_EDGE_LOST] = "edge_lost",
};

const char *alarm_name(enum alarm_id id)
{
	return (unsigned)id < ALARM_COUNT ? names[id] : "unknown";
}

void alarms_init(struct alarms *al)
{
	memset(al, 0, sizeof(*al));
	al->storm_window_start = -1;
	al->edge_lost_at = -1;
}

/* Sets one alarm's condition; returns 1 when it is newly raised. */
static uint32_t set(struct alarms *al, enum alarm_id id, bool active, double now, const char *message)
{
	struct alarm *a = &al->a[id];
	uint32_t raised = 0;

	if (active && !a->active) {
		a->since = now;
		a->acknowledged = false;	/* a new occurrence needs a new acknowledgement */
		a->shown = true;
		al->raised_total++;
		raised = 1;
		log_error("alarm: %s: %s", names[id], message);
	}
	if (active)
		snprintf(a->message, sizeof(a->message), "%s", message);
	a->active = active;
	/* Cleared and acknowledged: gone from the console. Cleared but unseen: it stays. */
	if (!active && a->acknowledged)
		a->shown = false;
	return raised;
}

/* The core of edges: its NATS link, and an edge that fell silent (its phones resume on the others). */
static uint32_t cluster_update(struct alarms *al, const struct alarm_inputs *in, double now)
{
	char msg[200];
	uint32_t raised;

	raised = set(al, ALARM_CLUSTER_LINK, in->cluster && !in->cluster_nats, now,
		     "the NATS link to the edges is down: their phones keep the last state, and what they send "
		     "waits until it is back (reconnecting)");
	if (in->edges_lost > al->edges_lost_seen) {
		al->edges_lost_seen = in->edges_lost;
		al->edge_lost_at = now;
	}
	snprintf(msg, sizeof(msg), "edge %s fell silent: its phones are resuming on the other edges",
		 in->lost_edge && in->lost_edge[0] ? in->lost_edge : "?");
	return raised + set(al, ALARM_EDGE_LOST, al->edge_lost_at >= 0 && now - al->edge_lost_at < ALARM_EDGE_LOST_S,
			    now, msg);
}

uint32_t alarms_update(struct alarms *al, const struct alarm_inputs *in, double now)
{
	char msg[200];
	uint64_t storm;
	uint32_t raised = 0;

	snprintf(msg, sizeof(msg), "the audio device is gone (%s); the show runs on the null device",
		 in->audio_error && in->audio_error[0] ? in->audio_error : "no reason given");
	raised += set(al, ALARM_AUDIO_LOST, in->audio_lost, now, msg);
	snprintf(msg, sizeof(msg), "the venue is full: %u of %u; new phones wait", in->participants,
		 in->capacity);
	raised += set(al, ALARM_VENUE_FULL, in->capacity && in->participants >= in->capacity, now, msg);
	/*
	 * Rate-limited inputs over a sliding-ish window: the count since the
	 * window began. A few phones over their rate are throttled one by one
	 * and are the moderators' business; a storm is refusals that come to
	 * a good share of what the whole crowd may send.
	 */
	if (al->storm_window_start < 0 || now - al->storm_window_start >= ALARM_STORM_WINDOW_S) {
		double budget = (double)in->participants * in->inputs_per_second * ALARM_STORM_WINDOW_S;
		double threshold = fmax(ALARM_STORM_REJECTS, ALARM_STORM_SHARE * budget);

		storm = in->rate_limited_total - al->storm_base;
		if (al->storm_window_start >= 0) {
			snprintf(msg, sizeof(msg), "%llu rate-limited inputs in %.0f s, %.0f%% of what the whole crowd may "
				 "send: a flood or a broken client", (unsigned long long)storm, ALARM_STORM_WINDOW_S,
				 budget > 0 ? 100.0 * (double)storm / budget : 100.0);
			raised += set(al, ALARM_RATE_STORM, (double)storm >= threshold, now, msg);
		}
		al->storm_base = in->rate_limited_total;
		al->storm_window_start = now;
	}
	raised += set(al, ALARM_STAGE_DOWN, in->stage_wanted && !in->stage_running, now,
		      "the stage screen is not running");
	snprintf(msg, sizeof(msg), "the show's journal cannot write (%s); the show goes on in memory and the "
		 "journal retries", in->journal_problem && in->journal_problem[0] ? in->journal_problem : "no reason given");
	/* A damaged journal set aside at start stays an alarm: the show's first part is not in the new one. */
	if (!in->journal_degraded && in->journal_set_aside && in->journal_set_aside[0])
		snprintf(msg, sizeof(msg), "%s", in->journal_set_aside);
	raised += set(al, ALARM_JOURNAL_DEGRADED, in->journal_degraded || (in->journal_set_aside && in->journal_set_aside[0]),
		      now, msg);
	return raised + cluster_update(al, in, now);
}

int alarms_ack(struct alarms *al, const char *name)
{
	for (int i = 0; name && i < ALARM_COUNT; i++) {
		struct alarm *a = &al->a[i];

		if (strcmp(name, names[i]) != 0)
			continue;
		if (!a->shown)
			return -1;
		a->acknowledged = true;
		if (!a->active)
			a->shown = false;
		return 0;
	}
	return -1;
}
