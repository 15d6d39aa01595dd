/*
 * tribuf.h - triple buffer: one producer publishes whole values, one
 * consumer always reads the newest complete one, neither ever waits.
 *
 * Three slots: the producer writes its back slot and swaps it with the
 * middle one (marking it fresh); the consumer swaps the middle one with
 * its front slot when it is fresh. Values are copied in and out, so a
 * slot is never read while it is written. Wait-free on both sides, no
 * allocation after init: safe for the audio thread.
 *
 * Producer: one thread only. Consumer: one thread only.
 */
#ifndef TUTTI_TRIBUF_H
#define TUTTI_TRIBUF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "pool.h"

#define TRIBUF_FRESH 4u		/* bit set in middle while it holds an unread value */

struct tribuf {
	unsigned char *slots;		/* 3 * size bytes */
	struct pool *pool;		/* where slots came from */
	size_t size;
	unsigned back;			/* producer's slot (producer only) */
	unsigned front;			/* consumer's slot (consumer only) */
	_Atomic unsigned middle;	/* slot index | TRIBUF_FRESH */
};

/* Allocates three slots of @size bytes from @pool (NULL = heap), all holding @initial. 0 or -1. */
int tribuf_init(struct tribuf *t, struct pool *pool, size_t size, const void *initial);
void tribuf_free(struct tribuf *t);
/* Producer: publishes a copy of @value. */
void tribuf_write(struct tribuf *t, const void *value);
/* Consumer: copies the newest value into @out; returns true when it is new since the last read. */
bool tribuf_read(struct tribuf *t, void *out);

#endif
