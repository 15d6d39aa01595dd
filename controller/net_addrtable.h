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
#include <stdint.h>

#include "idmap.h"
#include "ratelimit.h"

struct addr_entry {
	uint64_t key;			/* hash of the address text; 0 = free */
	uint32_t connections;
	struct token_bucket bucket;	/* inputs from every connection of this address */
	struct token_bucket joins;	/* new participants this address may create */
	uint32_t joins_burst;		/* the table's max_per_address: the join budget */
	uint32_t idle_prev, idle_next;	/* in the idle list while it has no connection */
	bool idle;
};

/*
 * An address with no connection left keeps its entry (and its buckets):
 * closing and reopening sockets must not refill them. Idle entries are
 * reused oldest first only when the table needs room.
 */
struct addrtable {
	struct idmap map;		/* key -> entry index */
	struct addr_entry *entries;
	uint32_t *free_stack;
	uint32_t free_count;
	uint32_t idle_head, idle_tail;	/* least recently idle first */
	uint32_t max_per_address;
};

/* New participants one address may create: its connection cap at once, and again each minute. */
#define ADDR_JOINS_PER_MINUTE_FACTOR 1.0

/* Room for @max_addresses distinct addresses. Returns 0 or -1 (out of memory). */
int addrtable_init(struct addrtable *t, uint32_t max_addresses, uint32_t max_per_address);
void addrtable_free(struct addrtable *t);

/*
 * Counts a new connection from @address (text form, e.g. "127.0.0.5").
 * Returns its entry, or NULL when the address already has its maximum of
 * connections (or the table is full). The bucket of a new address starts
 * full with @burst tokens.
 */
struct addr_entry *addrtable_acquire(struct addrtable *t, const char *address, double burst,
				     double now_s);
/* The connection counted by addrtable_acquire() closed; the entry stays, idle, for reuse. */
void addrtable_release(struct addrtable *t, struct addr_entry *e);
/* Takes one new-participant token from @e (NULL: always allowed). False when over budget. */
bool addrtable_join_allowed(struct addr_entry *e, double now_s);

#endif
