/*
 * net_service.h - another module's endpoints on the venue server (the
 * console's login and socket), and the few helpers of the server such a
 * module may use.
 *
 * The module hands net_create() a struct net_service: its lws protocols,
 * the paths that lead to them, and what to call when the server stops.
 * net knows the module by that table only; the module reaches the server
 * from a connection with net_from_wsi(). Each protocol's user pointer is
 * the module's own state (lws_get_protocol(wsi)->user), as lws intends.
 *
 * Thread: the net thread, for everything here and for every call net
 * makes through a service.
 */
#ifndef TUTTI_NET_SERVICE_H
#define TUTTI_NET_SERVICE_H

#include <libwebsockets.h>
#include <stdbool.h>

struct net;

/* One path of the server: to an HTTP protocol's callback, or to a folder of files. */
struct net_mount {
	const char *path;		/* "/console/login"; the longest match wins */
	const char *protocol;		/* callback: this protocol's name; NULL for files */
	const char *folder;		/* files: this folder below the clients folder, default index.html */
};

struct net_service {
	const struct lws_protocols *protocols;	/* ends with a zeroed entry */
	const struct net_mount *mounts;		/* ends with a zeroed entry */
	void *user;				/* for stop and destroy */
	/*
	 * The loop is about to end (or never ran): stop every thread that could
	 * wake it. The protocols still get callbacks afterwards (closes) and must
	 * answer them without those threads. May be called twice.
	 */
	void (*stop)(void *user);
	void (*destroy)(void *user);		/* after the lws context is gone */
};

/* The server a connection belongs to. */
struct net *net_from_wsi(struct lws *wsi);
/* The Origin rules phones get (net_origin.h), applied to this request's headers. */
bool net_origin_allowed(struct net *n, struct lws *wsi);
/* Sets the close frame's code and reason, and counts the close in /metrics. */
void net_close_with(struct net *n, struct lws *wsi, int code, const char *why);
/*
 * For LWS_CALLBACK_WS_PEER_INITIATED_CLOSE (@in, @len: the close's
 * payload): 0 when it is one RFC 6455 allows, which lws then echoes; -1,
 * to be returned, when it is not (a lone byte, a reason that is not
 * UTF-8), with the close that says why (1002, 1007) set.
 */
int net_peer_close_check(struct net *n, struct lws *wsi, const void *in, size_t len);
/* True once the daemon is shutting down: WebSockets then close with LWS_CLOSE_STATUS_GOINGAWAY. */
bool net_stopping(const struct net *n);
/* Closes the old connection of a participant that resumed elsewhere or was removed. */
void net_wake_displaced(struct net *n);
/*
 * The client's address as every per-address limit counts it (IPv4-mapped
 * as plain IPv4, IPv6 cut to limits.ipv6_prefix; net_addrtable.h), into
 * @out (at least ADDR_TEXT_MAX bytes for any address). Use it for a
 * module's own per-address rules, so they see clients as net does.
 */
void net_peer_address(struct lws *wsi, char *out, size_t cap);

#endif
