/*
 * cluster_edge.h - `tutti edge`: a gateway that holds phones for a core
 * (docs/scale.md). It serves the same page and protocol as `tutti run`,
 * with the same transport rules (net.h: origins, caps per address, message
 * size, UTF-8, floods), and relays the phones' messages to the core over
 * NATS in one batch a tick. The core owns the crowd, the show and the
 * journal; its answers and its state stream come back, and the edge fans
 * the state out to its own phones at their rates.
 *
 * When the core restarts (a new instance in its messages) the edge
 * re-sync its phones: each joined one resumes at the new core with its
 * token, unseen by the phone. When NATS is away the phones stay connected
 * with the last state, and what they send waits in libnats' buffer.
 *
 * Thread: the net thread (everything runs in the lws loop's tick).
 */
#ifndef TUTTI_CLUSTER_EDGE_H
#define TUTTI_CLUSTER_EDGE_H

#include "config.h"

struct edge_options {
	const struct venue_config *cfg;
	const char *cluster_url;	/* nats://HOST:PORT[,...] */
	const char *name;		/* NULL: "edge"; its id is NAME-INSTANCE */
	const char *listen;		/* NULL = cfg */
	int port;			/* -1 = cfg */
	const char *clients_dir;
};

/* Runs until SIGINT/SIGTERM. Returns the process exit status (0 = clean). */
int edge_run(const struct edge_options *o);

#endif
