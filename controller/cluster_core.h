/*
 * cluster_core.h - the core's side of `tutti run --cluster` (docs/scale.md):
 * the phones of every edge, each a peer of the one audience here, so the
 * crowd, its tokens and its votes are the venue's whatever edge a phone
 * came through, and the journal keeps every input as it does for a phone
 * on this process.
 *
 * Each tick the edges' batches are applied (cluster_core_receive, from
 * the show tick's inputs), and after the state is built each edge gets
 * one message: the state (its show part when that edge lacks it) and,
 * per phone, what the audience had for it (cluster_core_publish). An edge
 * silent for cluster.edge_timeout_s is gone: its phones leave and may
 * resume on another edge.
 *
 * Thread: the net thread.
 */
#ifndef TUTTI_CLUSTER_CORE_H
#define TUTTI_CLUSTER_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "net_audience.h"
#include "state_stream.h"

#define CLUSTER_EDGES_MAX	64

struct cluster_core;
struct net;

/*
 * Connects to NATS at @url and listens to the edges. @audience is the
 * show's; @net is asked to close a phone of its own that an edge's phone
 * took over. NULL (logged) when the link's options are refused. @url NULL:
 * no NATS (a test's core, fed by cluster_core_apply, sending nothing).
 */
struct cluster_core *cluster_core_create(const struct venue_config *cfg, const char *url, struct audience *audience,
					 struct net *net);
void cluster_core_destroy(struct cluster_core *cc);

/* Applies every batch the edges sent since the last tick, at show time @now. */
void cluster_core_receive(struct cluster_core *cc, double now);
/* One edge's message, as it came over NATS (garbled ones are counted and dropped). */
void cluster_core_apply(struct cluster_core *cc, const void *data, size_t len, double now);
/* True when an edge's phone had an input applied and waits for its state (a prompt state is due). */
bool cluster_core_states_awaited(const struct cluster_core *cc);
/*
 * Sends each edge the state @st (just built; @broadcast as for
 * net_state_publish) and its phones' answers. @st NULL: answers only.
 */
void cluster_core_publish(struct cluster_core *cc, const struct state_stream *st, bool broadcast, double now);

/* For the console, /healthz and /metrics. */
struct cluster_core_status {
	bool nats;			/* the link is up */
	uint32_t edges;			/* edges heard within their timeout */
	uint32_t phones;		/* the phones they hold, as they last said */
	uint32_t edges_lost;		/* edges that fell silent, ever */
	uint64_t batches, garbled;
	char lost_edge[72];	/* the last edge lost, "" = none */
};
void cluster_core_status_get(const struct cluster_core *cc, struct cluster_core_status *s);

#endif
