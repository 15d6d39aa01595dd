/*
 * spsc.h - single-producer, single-consumer ring of fixed-size items with
 * C11 acquire/release atomics. Lock-free and allocation-free after init,
 * so the audio thread can be either end. On a full ring the producer's
 * push fails and the item is counted as dropped; nothing ever blocks.
 *
 * Producer: one thread only. Consumer: one thread only.
 */
#ifndef TUTTI_SPSC_H
#define TUTTI_SPSC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pool.h"

struct spsc {
	_Atomic uint32_t head;		/* next slot to write; written by the producer only */
	_Atomic uint32_t tail;		/* next slot to read; written by the consumer only */
	_Atomic uint64_t dropped;	/* pushes refused because the ring was full */
	uint32_t mask;			/* capacity - 1, a power of two */
	size_t item_size;
	unsigned char *items;
	struct pool *pool;		/* where items came from */
};

/* Room for @capacity items (rounded up to a power of two) of @item_size bytes, from @pool (NULL = heap). 0 or -1. */
int spsc_init(struct spsc *r, struct pool *pool, uint32_t capacity, size_t item_size);
void spsc_free(struct spsc *r);
/* Producer: copies @item in. Returns false (and counts a drop) when full. */
bool spsc_push(struct spsc *r, const void *item);
/* Consumer: copies the oldest item out. Returns false when empty. */
bool spsc_pop(struct spsc *r, void *item);
uint64_t spsc_dropped(const struct spsc *r);
/* Producer: copies up to @n items in, as many as fit; returns how many (the rest are dropped and counted). */
uint32_t spsc_write(struct spsc *r, const void *items, uint32_t n);
/* Consumer: copies up to @max items out; returns how many. */
uint32_t spsc_read(struct spsc *r, void *items, uint32_t max);

#endif
