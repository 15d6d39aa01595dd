/*
 * net_addrtable.c - per-address connection counts and input buckets.
 * See net_addrtable.h. Thread: net thread only.
 */
#include "net_addrtable.h"

#include <stdlib.h>

#define NONE UINT32_MAX

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

struct addr_entry *addrtable_acquire(struct addrtable *t, const char *address, double burst,
				     double now_s)
{
	uint64_t key = address_key(address);
	int64_t i = idmap_get(&t->map, key);
	struct addr_entry *e;

	if (i < 0) {
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
		e->connections = 0;
		e->idle = false;
		token_bucket_init(&e->bucket, burst, now_s);
		token_bucket_init(&e->joins, t->max_per_address, now_s);
		e->joins_burst = t->max_per_address;
		idmap_put(&t->map, key, (uint32_t)i);
	}
	e = &t->entries[i];
	if (e->connections >= t->max_per_address)
		return NULL;
	idle_remove(t, (uint32_t)i);
	e->connections++;
	return e;
}

void addrtable_release(struct addrtable *t, struct addr_entry *e)
{
	if (!e || e->key == 0 || e->connections == 0)
		return;
	if (--e->connections == 0)
		idle_append(t, (uint32_t)(e - t->entries));
}

bool addrtable_join_allowed(struct addr_entry *e, double now_s)
{
	return !e || token_bucket_take(&e->joins, e->joins_burst * ADDR_JOINS_PER_MINUTE_FACTOR / 60.0,
				       e->joins_burst, now_s);
}
