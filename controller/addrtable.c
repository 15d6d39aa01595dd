/*
 * addrtable.c - per-address connection counts and input buckets.
 * See addrtable.h. Thread: net thread only.
 */
#include "addrtable.h"

#include <stdlib.h>

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

struct addr_entry *addrtable_acquire(struct addrtable *t, const char *address, double burst,
				     double now_s)
{
	uint64_t key = address_key(address);
	int64_t i = idmap_get(&t->map, key);
	struct addr_entry *e;

	if (i < 0) {
		if (t->free_count == 0)
			return NULL;
		i = t->free_stack[--t->free_count];
		e = &t->entries[i];
		e->key = key;
		e->connections = 0;
		token_bucket_init(&e->bucket, burst, now_s);
		idmap_put(&t->map, key, (uint32_t)i);
	}
	e = &t->entries[i];
	if (e->connections >= t->max_per_address)
		return NULL;
	e->connections++;
	return e;
}

void addrtable_release(struct addrtable *t, struct addr_entry *e)
{
	if (!e || e->key == 0)
		return;
	if (e->connections > 0)
		e->connections--;
	if (e->connections == 0) {
		idmap_del(&t->map, e->key);
		e->key = 0;
		t->free_stack[t->free_count++] = (uint32_t)(e - t->entries);
	}
}
