/*
 * net_addrtable.h - connections and input rate per client address.
 *
 * Debian's libwebsockets has no per-peer limits, so the daemon counts
 * connections per address itself and keeps one token bucket per address:
 * a script opening many sockets from one machine gets the share of one
 * address, not of many phones.
 *
 * Thread: net thread only.
 */
#ifndef TUTTI_NET_ADDRTABLE_H
#define TUTTI_NET_ADDRTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "idmap.h"
#include "ratelimit.h"

struct addr_entry {
	uint64_t key;			/* hash of the address text; 0 = free */
	uint32_t sockets;		/* open sockets of any kind, counted from accept */
	uint32_t connections;		/* of those, admitted audience WebSockets */
	struct token_bucket bucket;	/* inputs from every connection of this address */
	struct token_bucket joins;	/* new participants this address may create */
	uint32_t joins_burst;		/* the table's max_per_address: the join budget */
	uint32_t idle_prev, idle_next;	/* in the idle list while it has no connection */
	bool idle;
};

/*
 * An address with no socket left keeps its entry (and its buckets):
 * closing and reopening sockets must not refill them. Idle entries are
 * reused oldest first only when the table needs room.
 */
struct addrtable {
	struct idmap map;		/* key -> entry index */
	struct addr_entry *entries;
	uint32_t *free_stack;
	uint32_t free_count;
	uint32_t idle_head, idle_tail;	/* least recently idle first */
	uint32_t max_per_address;	/* audience WebSockets */
	uint32_t max_sockets_per_address;	/* sockets of any kind: max_per_address + ADDR_SOCKETS_EXTRA */
};

/*
 * Sockets an address may hold beyond its audience WebSockets: a browser
 * loads the page over up to six at once, and the console needs its own.
 * Past that, a socket is closed as it is accepted.
 */
#define ADDR_SOCKETS_EXTRA 8

/* Room for any address as addrtable_address_normalize() writes it. */
#define ADDR_TEXT_MAX 64

/* New participants one address may create: its connection cap at once, and again each minute. */
#define ADDR_JOINS_PER_MINUTE_FACTOR 1.0

/* Room for @max_addresses distinct addresses. Returns 0 or -1 (out of memory). */
int addrtable_init(struct addrtable *t, uint32_t max_addresses, uint32_t max_per_address);
void addrtable_free(struct addrtable *t);

/*
 * The text that stands for one client in every per-address limit, from
 * @address as lws_get_peer_simple() gives it: "::ffff:a.b.c.d" is the
 * plain IPv4 "a.b.c.d"; an IPv6 address keeps its first @ipv6_prefix bits
 * (the rest zeroed), so with 128 every address is its own, with 64 a
 * whole SLAAC network is one. Writes @out (at most @cap bytes, terminated).
 * Returns 0, or -1 when @address is not an IP address (then @out is a copy
 * of it, cut to fit, so the caller still has a key).
 */
int addrtable_address_normalize(const char *address, uint32_t ipv6_prefix, char *out, size_t cap);
/* The same from a socket address (as accept() gives it). Returns 0, or -1 when not IPv4 or IPv6. */
int addrtable_address_from_sockaddr(const struct sockaddr *sa, uint32_t ipv6_prefix, char *out,
				    size_t cap);

/*
 * Counts a socket just accepted from @address (normalized text). Returns
 * its entry, or NULL when the address holds max_sockets_per_address
 * already (or the table has no room): close the socket then. The bucket
 * of a new address starts full with @burst tokens.
 */
struct addr_entry *addrtable_socket_open(struct addrtable *t, const char *address, double burst,
					 double now_s);
/* The socket counted by addrtable_socket_open() closed, whatever it had become. */
void addrtable_socket_close(struct addrtable *t, struct addr_entry *e);
/*
 * Admits one of @e's sockets as an audience WebSocket. False when the
 * address has max_per_address of them already.
 */
bool addrtable_admit(struct addrtable *t, struct addr_entry *e);

/*
 * Counts a new connection from @address (text form, e.g. "127.0.0.5"),
 * without a socket of its own (a simulated or test connection).
 * Returns its entry, or NULL when the address already has its maximum of
 * connections (or the table is full). The bucket of a new address starts
 * full with @burst tokens.
 */
struct addr_entry *addrtable_acquire(struct addrtable *t, const char *address, double burst,
				     double now_s);
/*
 * The connection counted by addrtable_acquire() or addrtable_admit()
 * closed; with no socket left, the entry stays, idle, for reuse.
 */
void addrtable_release(struct addrtable *t, struct addr_entry *e);
/* Takes one new-participant token from @e (NULL: always allowed). False when over budget. */
bool addrtable_join_allowed(struct addr_entry *e, double now_s);

#endif
