/*
 * idmap.h - fixed-size open-addressing map from a non-zero 64-bit key to a
 * 32-bit index (linear probing, backward-shift deletion, no tombstones).
 * Sized once at creation: never allocates afterwards.
 * Thread: its owner's.
 */
#ifndef TUTTI_IDMAP_H
#define TUTTI_IDMAP_H

#include <stdbool.h>
#include <stdint.h>

struct idmap {
	uint64_t *keys;		/* 0 = empty slot */
	uint32_t *values;
	uint32_t mask;		/* slots - 1, a power of two */
	uint32_t count;
	uint32_t max_count;	/* refuses inserts beyond this (load <= 1/2) */
};

/* Room for @max_entries keys. Returns 0, or -1 when out of memory. */
int idmap_init(struct idmap *m, uint32_t max_entries);
void idmap_free(struct idmap *m);
/* The value for @key, or -1. */
int64_t idmap_get(const struct idmap *m, uint64_t key);
/* Inserts or replaces. Returns 0, or -1 when @key is 0 or the map is full. */
int idmap_put(struct idmap *m, uint64_t key, uint32_t value);
/* Removes @key if present. */
void idmap_del(struct idmap *m, uint64_t key);

#endif
