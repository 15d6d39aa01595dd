/*
 * tribuf.c - wait-free triple buffer. See tribuf.h.
 * Thread: one producer, one consumer.
 */
#include "tribuf.h"

#include <stdlib.h>
#include <string.h>

int tribuf_init(struct tribuf *t, struct pool *pool, size_t size, const void *initial)
{
	t->pool = pool;
	t->slots = pool_calloc(pool, 3, size);
	if (!t->slots)
		return -1;
	t->size = size;
	for (int i = 0; i < 3; i++)
		memcpy(t->slots + i * size, initial, size);
	t->back = 0;
	atomic_init(&t->middle, 1u);
	t->front = 2;
	return 0;
}

void tribuf_free(struct tribuf *t)
{
	pool_free(t->pool, t->slots);
	t->slots = NULL;
}

void tribuf_write(struct tribuf *t, const void *value)
{
	unsigned old;

	memcpy(t->slots + t->back * t->size, value, t->size);
	/* Release: the copy above is visible before the consumer can take this slot. */
	old = atomic_exchange_explicit(&t->middle, t->back | TRIBUF_FRESH, memory_order_acq_rel);
	t->back = old & ~TRIBUF_FRESH;
}

bool tribuf_read(struct tribuf *t, void *out)
{
	bool fresh = false;

	if (atomic_load_explicit(&t->middle, memory_order_relaxed) & TRIBUF_FRESH) {
		/* Acquire: we see the producer's copy into the slot we take. */
		unsigned old = atomic_exchange_explicit(&t->middle, t->front, memory_order_acq_rel);

		t->front = old & ~TRIBUF_FRESH;
		fresh = true;
	}
	memcpy(out, t->slots + t->front * t->size, t->size);
	return fresh;
}
