/*
 * net_addrtable.c - per-address connection counts and input buckets.
 * See net_addrtable.h. Thread: net thread only.
 */
#include "net_addrtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#define NONE UINT32_MAX

/* Keeps the first @prefix bits of @a6, zeroes the rest. */
static void ipv6_cut(struct in6_addr *a6, uint32_t prefix)
{
	for (uint32_t bit = 0; bit < 128; bit += 8) {
		uint8_t *byte = &a6->s6_addr[bit / 8];

		if (bit >= prefix)
			*byte = 0;
		else if (prefix - bit < 8)
			*byte &= (uint8_t)(0xff << (8 - (prefix - bit)));
	}
}

static int ipv6_text(const struct in6_addr *a6, uint32_t ipv6_prefix, char *out, size_t cap)
{
	struct in6_addr a = *a6;

	if (IN6_IS_ADDR_V4MAPPED(&a))
		return inet_ntop(AF_INET, &a.s6_addr[12], out, (socklen_t)cap) ? 0 : -1;
	ipv6_cut(&a, ipv6_prefix);
	return inet_ntop(AF_INET6, &a, out, (socklen_t)cap) ? 0 : -1;
}

int addrtable_address_normalize(const char *address, uint32_t ipv6_prefix, char *out, size_t cap)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, address, &a4) == 1 && inet_ntop(AF_INET, &a4, out, (socklen_t)cap))
		return 0;
	if (inet_pton(AF_INET6, address, &a6) == 1 && ipv6_text(&a6, ipv6_prefix, out, cap) == 0)
		return 0;
	snprintf(out, cap, "%s", address);
	return -1;
}

int addrtable_address_from_sockaddr(const struct sockaddr *sa, uint32_t ipv6_prefix, char *out,
				    size_t cap)
{
	if (sa->sa_family == AF_INET)
		return inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
				 (socklen_t)cap) ? 0 : -1;
	if (sa->sa_family == AF_INET6)
		return ipv6_text(&((const struct sockaddr_in6 *)sa)->sin6_addr, ipv6_prefix, out, cap);
	return -1;
}

/* FNV-1a over the address text; 0 is reserved for "free". */
static uint64_t address_key(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

int addrtable_init(struct addrtable *t, uint32_t max_addresses, uint32_t max_per_address)
{
	t->entries = calloc(max_addresses, sizeof(*t->entries));
	t->free_stack = malloc(max_addresses * sizeof(*t->free_stack));
	if (!t->entries || !t->free_stack || idmap_init(&t->map, max_addresses)) {
		addrtable_free(t);
		return -1;
	}
	for (uint32_t i = 0; i < max_addresses; i++)
		t->free_stack[i] = max_addresses - 1 - i;
	t->free_count = max_addresses;
	t->max_per_address = max_per_address;
	t->max_sockets_per_address = max_per_address + ADDR_SOCKETS_EXTRA;
	t->idle_head = t->idle_tail = NONE;
	return 0;
}

void addrtable_free(struct addrtable *t)
{
	free(t->entries);
	free(t->free_stack);
	idmap_free(&t->map);
	t->entries = NULL;
	t->free_stack = NULL;
}

static void idle_remove(struct addrtable *t, uint32_t i)
{
	struct addr_entry *e = &t->entries[i];

	if (!e->idle)
		return;
	if (e->idle_prev != NONE)
		t->entries[e->idle_prev].idle_next = e->idle_next;
	else
		t->idle_head = e->idle_next;
	if (e->idle_next != NONE)
		t->entries[e->idle_next].idle_prev = e->idle_prev;
	else
		t->idle_tail = e->idle_prev;
	e->idle = false;
}

static void idle_append(struct addrtable *t, uint32_t i)
{
	struct addr_entry *e = &t->entries[i];

	e->idle = true;
	e->idle_prev = t->idle_tail;
	e->idle_next = NONE;
	if (t->idle_tail != NONE)
		t->entries[t->idle_tail].idle_next = i;
	else
		t->idle_head = i;
	t->idle_tail = i;
}

/* The entry of @address, made (or taken from the longest idle) if it has none. NULL: no room. */
static struct addr_entry *entry_get(struct addrtable *t, const char *address, double burst, double now_s)
{
	uint64_t key = address_key(address);
	int64_t i = idmap_get(&t->map, key);
	struct addr_entry *e;

	if (i >= 0)
		return &t->entries[i];
	if (t->free_count == 0) {
		/* Reuse the address that has been idle longest. */
		if (t->idle_head == NONE)
			return NULL;
		i = t->idle_head;
		idle_remove(t, (uint32_t)i);
		idmap_del(&t->map, t->entries[i].key);
	} else {
		i = t->free_stack[--t->free_count];
	}
	e = &t->entries[i];
	e->key = key;
	e->sockets = 0;
	e->connections = 0;
	e->idle = false;
	token_bucket_init(&e->bucket, burst, now_s);
	token_bucket_init(&e->joins, t->max_per_address, now_s);
	e->joins_burst = t->max_per_address;
	idmap_put(&t->map, key, (uint32_t)i);
	/* A fresh entry counts nothing yet: idle until something takes it, so it is never lost. */
	idle_append(t, (uint32_t)i);
	return e;
}

/* Out of the idle list while anything holds it; back in when nothing does. */
static void idle_update(struct addrtable *t, struct addr_entry *e)
{
	uint32_t i = (uint32_t)(e - t->entries);

	if (e->sockets == 0 && e->connections == 0) {
		if (!e->idle)
			idle_append(t, i);
	} else {
		idle_remove(t, i);
	}
}

struct addr_entry *addrtable_socket_open(struct addrtable *t, const char *address, double burst,
					 double now_s)
{
	struct addr_entry *e = entry_get(t, address, burst, now_s);

	if (!e || e->sockets >= t->max_sockets_per_address)
		return NULL;
	e->sockets++;
	idle_update(t, e);
	return e;
}

void addrtable_socket_close(struct addrtable *t, struct addr_entry *e)
{
	if (!e || e->key == 0 || e->sockets == 0)
		return;
	e->sockets--;
	idle_update(t, e);
}

bool addrtable_admit(struct addrtable *t, struct addr_entry *e)
{
	if (!e || e->connections >= t->max_per_address)
		return false;
	e->connections++;
	idle_update(t, e);
	return true;
}

struct addr_entry *addrtable_acquire(struct addrtable *t, const char *address, double burst,
				     double now_s)
{
	struct addr_entry *e = entry_get(t, address, burst, now_s);

	return addrtable_admit(t, e) ? e : NULL;
}

void addrtable_release(struct addrtable *t, struct addr_entry *e)
{
	if (!e || e->key == 0 || e->connections == 0)
		return;
	e->connections--;
	idle_update(t, e);
}

bool addrtable_join_allowed(struct addr_entry *e, double now_s)
{
	return !e || token_bucket_take(&e->joins, e->joins_burst * ADDR_JOINS_PER_MINUTE_FACTOR / 60.0,
				       e->joins_burst, now_s);
}
