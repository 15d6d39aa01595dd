/*
 * net_internal.h - what net.c shares with console_net.c, the console's
 * endpoints on the same server. Not for other modules.
 * Thread: net thread.
 */
#ifndef TUTTI_NET_INTERNAL_H
#define TUTTI_NET_INTERNAL_H

#include <libwebsockets.h>
#include <stdbool.h>

#include "net_addrtable.h"
#include "net.h"

#define RX_BUFFER_SIZE		512	/* small: most phone messages fit; saves RSS per socket */
#define PERSONAL_MAX		65536	/* largest welcome (32 zones of escaped names, 64 votes) */
#define FANOUT_SLICE		256	/* states written per slice of a broadcast */
#define FD_RESERVE		64	/* files kept free for logs, configs, the listener */
#define PING_AFTER_S		20	/* idle this long: lws sends a WebSocket ping */
#define HANGUP_AFTER_S		45	/* no valid pong by then: the phone is gone */
#define SHUTDOWN_GRACE_US	(1000 * 1000)	/* for close frames to reach phones */
#define NET_HTTP_BODY_MAX	65536	/* /metrics fits with room to spare */

/*
 * A set of audience connections with constant-time add and remove: each
 * member keeps its slot (index + 1, so lws' zeroing means "not in it") in
 * a field of its own, at @slot_offset in struct net_pss. Removing swaps
 * the last member into the hole.
 */
struct net_pss;
struct pss_set {
	struct net_pss **items;
	uint32_t n;
	size_t slot_offset;
};

struct net {
	struct lws_context *ctx;
	struct lws_vhost *vhost;
	const struct venue_config *cfg;
	struct audience *audience;
	struct metrics *metrics;
	struct net_handlers h;
	struct addrtable addrs;
	lws_sorted_usec_list_t tick_sul;
	lws_usec_t tick_period_us;
	lws_usec_t next_tick_us;
	bool stopping;
	lws_usec_t stop_deadline_us;		/* stop waiting for phones to close */
	bool tls;
	int port;
	uint32_t max_connections;
	int fd_ceiling;				/* accepted sockets at or above this fd are refused */
	/* the newest state, one per zone, each with LWS_PRE headroom */
	uint64_t state_gen;			/* every publish, broadcast or prompt */
	uint64_t broadcast_gen;			/* broadcasts only: what "skipped" counts */
	struct pss_set awaiting;		/* phones with an input applied since the last publish */
	struct pss_set peers;			/* every admitted phone, for the broadcast */
	uint32_t fanout_next;			/* the broadcast goes round peers from here */
	uint32_t fanout_left;			/* phones still to visit for the newest broadcast */
	lws_sorted_usec_list_t fanout_sul;
	unsigned char *state_mem;
	size_t state_len[CONFIG_MAX_ZONES];
	unsigned char personal[LWS_PRE + PERSONAL_MAX];	/* scratch for one write */
	char http_scratch[NET_HTTP_BODY_MAX];		/* /healthz, /metrics rendered here */
	char mount_origin[CONFIG_PATH_MAX + 16];
	struct lws_http_mount mounts[6];
	struct lws_protocols protocols[4];
	struct net_console *console;		/* the console's login and socket; NULL = no console */
	char console_origin[CONFIG_PATH_MAX + 16];
	lws_retry_bo_t retry;
};

/* Per audience connection. */
struct net_pss {
	struct audience_peer peer;
	struct lws *wsi;
	char *rx;			/* assembling a message split over callbacks */
	uint32_t rx_len;
	bool rx_too_large;
	bool admitted;			/* counted in connections and the address table */
	bool close_armed;		/* close frame set; the timer callback closes */
	uint32_t awaiting_at;		/* slot in net.awaiting (see pss_set); 0, as lws zeroes it, = not in it */
	uint32_t peer_at;		/* slot in net.peers */
	bool closing;			/* a close frame went or came: no more data frames */
	uint64_t broadcast_seen;	/* the broadcast generation its last state covered */
};

/* Per HTTP connection to a dynamic route. */
struct http_pss {
	char *body;			/* LWS_PRE headroom, then the response body */
	size_t len;
	/* console login and logout (console_net.c) */
	int console;			/* 0, or what the request is waiting for */
	char *login;			/* the request body, as it arrives */
	size_t login_len;
	int job;			/* login job slot, -1 = none */
	int status;			/* the answer's HTTP status, once known */
	char answer[160];		/* its JSON body */
	char cookie[200];		/* its Set-Cookie, or "" */
	char addr[64];			/* the client's address, for the slow-down */
};

/* console_net.c: the console's login, logout and WebSocket (tutti.console.v1). */
struct net_console *net_console_create(struct net *n);
void net_console_destroy(struct net_console *c);
/* From the HTTP callback for /console/login and /console/logout; same return rules. */
int net_console_http(struct net *n, struct lws *wsi, enum lws_callback_reasons reason,
		     struct http_pss *hp, void *in, size_t len);
/* The tutti.console.v1 protocol's callback. */
int net_console_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
			 void *in, size_t len);
/* Per console socket. */
struct console_pss;
size_t net_console_pss_size(void);

struct net *net_of(struct lws *wsi);
/* The Origin rules phones get: the allowlist, or same-origin on a Host that names us. */
bool origin_allowed(struct net *n, struct lws *wsi);
void close_with(struct net *n, struct lws *wsi, int code, const char *why);

/* Closes the old connection of a participant that resumed elsewhere or was removed (net.c). */
void net_wake_displaced(struct net *n);

#endif
