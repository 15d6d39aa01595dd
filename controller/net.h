/*
 * net.h - the venue's network face: libwebsockets on the libuv event loop.
 *
 * Serves the phone app (clients/audience/) at "/", GET /healthz and
 * GET /metrics, and the audience WebSocket (subprotocol tutti.audience.v1)
 * whose messages go to the audience module. It enforces the transport
 * rules: Origin allowlist, connection caps (total, and per address from
 * the moment a socket is accepted), a 5 s limit on a request's headers,
 * message size (close 1009), UTF-8 (close 1007), idle ping/pong. Other
 * modules add their own endpoints as a service (net_service.h).
 *
 * Phones get the newest state generation when their socket is writable:
 * a slow phone skips states and never grows a queue.
 *
 * Thread: everything here runs on the net thread (the lws service loop),
 * which also runs the show tick through the tick handler; net_wake() alone
 * may be called from any thread.
 */
#ifndef TUTTI_NET_H
#define TUTTI_NET_H

#include <stddef.h>
#include <stdint.h>

#include "net_audience.h"
#include "config.h"
#include "metrics.h"

struct net;
struct net_service;

struct net_options {
	const struct venue_config *cfg;
	const char *listen_address;	/* NULL: cfg->listen_address */
	int port;			/* < 0: cfg->port; 0: the OS picks one */
	const char *clients_dir;	/* folder holding audience/ (and each service's folder) */
	/*
	 * Another module's endpoints (the console; net_service.h), or NULL.
	 * net_create() takes it over, also when it fails: net_destroy() calls
	 * its destroy.
	 */
	struct net_service *service;
};

/* What the daemon plugs into the loop. All run on the net thread. */
struct net_handlers {
	void *user;
	void (*tick)(void *user);	/* at cfg->tick_hz */
	size_t (*healthz)(void *user, char *out, size_t cap);
	size_t (*metrics)(void *user, char *out, size_t cap);
	double (*now)(void *user);	/* show time in seconds */
};

/*
 * Creates the server and binds its port. Returns NULL (and logs why) when
 * the port cannot be bound, TLS files do not load, or memory runs out.
 */
struct net *net_create(const struct net_options *opts, const struct net_handlers *h,
		       struct audience *audience, struct metrics *metrics);
void net_destroy(struct net *n);

/* The port actually bound (useful with port 0). */
int net_port(const struct net *n);
/* "http" or "https". */
const char *net_scheme(const struct net *n);

/*
 * Runs the event loop until SIGINT or SIGTERM (or net_stop()), then
 * closes every connection (phones with 1001). SIGHUP is logged and
 * ignored; a crash signal keeps its default action (docs/operations.md,
 * "Signals"). Returns 0.
 */
int net_run(struct net *n);
/* Asks the loop to stop at its next tick. Safe from a signal handler. */
void net_stop(struct net *n);
/*
 * Any thread: wakes the loop to send what waited for another thread (a
 * phone's answer held until the journal's commit). Does nothing once the
 * loop has begun to stop; the caller keeps @n alive meanwhile.
 */
void net_wake(struct net *n);
/* The participants connected when the stop began (by then net_run() has closed them all). */
uint32_t net_participants_at_stop(const struct net *n);

/*
 * The phones' state stream (state_stream.h), which the tick updates before
 * each publish; the net owns it and writes each phone's message from it.
 */
struct state_stream *net_state_stream(struct net *n);
/*
 * Publishes a new state generation. A @broadcast gives a turn to every
 * phone, and a phone whose rate is due gets the state (docs/protocol.md,
 * "Rates": acting phones every broadcast, calm and hidden phones less
 * often); otherwise only the phones whose input or vote was applied, or
 * that asked for the whole show, since the last publish get it (a prompt
 * state: the person who acted sees it within a tick, with its
 * acknowledgement).
 */
void net_state_publish(struct net *n, bool broadcast);
/*
 * On an edge: the core answered @peer (a phone's connection here:
 * audience_relay_*). Writes what it has waiting now if the socket takes it,
 * puts its acknowledgement in the next state, and closes it if asked.
 */
void net_peer_wake(struct net *n, struct audience_peer *peer);
/* True when a phone whose input was applied waits for a state. */
bool net_states_awaited(const struct net *n);

#endif
