/*
 * crowd_sim.h - a simulated crowd: N in-process phones that join, tap, move,
 * shake and vote through exactly the code path real phones use (they send
 * protocol JSON to the audience module). Behaviours: steady, bursty, idle,
 * leavers and joiners, spammers that try to swing polls and aggregates and
 * get throttled, and a coordinated group that acts as one within the rules.
 *
 * Like a real crowd, phones fill the zones in proportion to their
 * capacity, vote over a poll's life (most early, a tail, a few change
 * their mind, some never vote), and send crowd texts where a cue takes
 * them, some of which the venue's word filter catches.
 *
 * Deterministic for a given seed and sequence of tick times.
 *
 * Thread: net thread only (it drives the audience module).
 */
#ifndef TUTTI_CROWD_SIM_H
#define TUTTI_CROWD_SIM_H

#include <stdint.h>

#include "net_audience.h"

enum sim_behaviour {
	SIM_STEADY = 0,		/* taps on the beat, drifts towards the crowd's point, votes once */
	SIM_BURSTY,		/* bursts of activity, then pauses */
	SIM_IDLE,		/* joins and watches */
	SIM_SPAMMER,		/* floods inputs and votes to swing the crowd */
	SIM_LEAVER,		/* comes late, leaves, and may come back with its token */
	SIM_COORDINATED,	/* one of a group that votes the same option at once and pushes the extremes */
	SIM_BEHAVIOUR_COUNT
};

struct sim;

/* @count phones (they join over the first two seconds). NULL when out of memory. */
struct sim *sim_create(struct audience *a, uint32_t count, uint64_t seed, double now_s);
/* The phones still connected leave, at the last tick's show time. */
void sim_destroy(struct sim *s);
/* Lets every simulated phone act up to show time @now_s. Call once per tick. */
void sim_tick(struct sim *s, double now_s);
uint32_t sim_count(const struct sim *s);
/* How many phones have behaviour @b. */
uint32_t sim_count_behaviour(const struct sim *s, enum sim_behaviour b);
const char *sim_behaviour_name(enum sim_behaviour b);

#endif
