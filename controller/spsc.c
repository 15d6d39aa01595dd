/*
 * spsc.c - single-producer, single-consumer ring. See spsc.h.
 * Thread: one producer, one consumer.
 */
#include "spsc.h"

#include <stdlib.h>
#include <string.h>

int spsc_init(struct spsc *r, struct pool *pool, uint32_t capacity, size_t item_size)
{
	uint32_t n = 2;

	while (n < capacity)
		n <<= 1;
	r->pool = pool;
	r->items = pool_calloc(pool, n, item_size);
	if (!r->items)
		return -1;
	r->mask = n - 1;
	r->item_size = item_size;
	atomic_init(&r->head, 0);
	atomic_init(&r->tail, 0);
	atomic_init(&r->dropped, 0);
	return 0;
}

void spsc_free(struct spsc *r)
{
	pool_free(r->pool, r->items);
	r->items = NULL;
}

bool spsc_push(struct spsc *r, const void *item)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);

	if (head - tail > r->mask) {
		atomic_fetch_add_explicit(&r->dropped, 1, memory_order_relaxed);
		return false;
	}
	memcpy(r->items + (size_t)(head & r->mask) * r->item_size, item, r->item_size);
	atomic_store_explicit(&r->head, head + 1, memory_order_release);
	return true;
}

bool spsc_pop(struct spsc *r, void *item)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);

	if (head == tail)
		return false;
	memcpy(item, r->items + (size_t)(tail & r->mask) * r->item_size, r->item_size);
	atomic_store_explicit(&r->tail, tail + 1, memory_order_release);
	return true;
}

uint64_t spsc_dropped(const struct spsc *r)
{
	return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}

uint32_t spsc_write(struct spsc *r, const void *items, uint32_t n)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
	uint32_t room = r->mask + 1 - (head - tail), done = 0;
	const unsigned char *in = items;

	if (n > room) {
		atomic_fetch_add_explicit(&r->dropped, n - room, memory_order_relaxed);
		n = room;
	}
	while (done < n) {
		/* Up to the end of the storage, then wrap: at most two copies. */
		uint32_t at = (head + done) & r->mask, run = r->mask + 1 - at;

		if (run > n - done)
			run = n - done;
		memcpy(r->items + (size_t)at * r->item_size, in + (size_t)done * r->item_size,
		       (size_t)run * r->item_size);
		done += run;
	}
	atomic_store_explicit(&r->head, head + n, memory_order_release);
	return n;
}

uint32_t spsc_read(struct spsc *r, void *items, uint32_t max)
{
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	uint32_t head = atomic_load_explicit(&r->head, memory_order_acquire);
	uint32_t n = head - tail < max ? head - tail : max, done = 0;
	unsigned char *out = items;

	while (done < n) {
		uint32_t at = (tail + done) & r->mask, run = r->mask + 1 - at;

		if (run > n - done)
			run = n - done;
		memcpy(out + (size_t)done * r->item_size, r->items + (size_t)at * r->item_size,
		       (size_t)run * r->item_size);
		done += run;
	}
	atomic_store_explicit(&r->tail, tail + n, memory_order_release);
	return n;
}
