/*
 * pool.h - where the audio engine keeps the state its callback writes.
 *
 * PortAudio runs in a child process (the audio host, audio_host.c) so a
 * driver or audio server that hangs PortAudio can be killed without
 * stopping the show. The child is forked from the daemon and runs the
 * engine's callback on memory both processes see: a shared pool, one
 * MAP_SHARED anonymous mapping that the engine, its rings and its DSP
 * lines are carved from. Read-only data (decoded stems) stays on the
 * ordinary heap; fork gives the child the same bytes at the same
 * addresses.
 *
 * A NULL pool means the ordinary heap, for state no other process needs
 * (the unit tests' rings and filters).
 *
 * Thread: pool_create/pool_calloc/pool_destroy on one thread at set-up;
 * the memory itself is used by any thread or process.
 */
#ifndef TUTTI_POOL_H
#define TUTTI_POOL_H

#include <stddef.h>

struct pool;

/* Maps @bytes of shared memory (reserved, not committed until touched). NULL on failure. */
struct pool *pool_create_shared(size_t bytes);
/* Unmaps the pool and everything allocated from it; NULL does nothing. */
void pool_destroy(struct pool *p);
/* Zeroed memory for @n items of @size bytes, 64-byte aligned in a shared pool; NULL = heap. */
void *pool_calloc(struct pool *p, size_t n, size_t size);
/* Heap memory is freed; a shared pool's memory goes with pool_destroy(). */
void pool_free(struct pool *p, void *ptr);
/*
 * Maps every page allocated so far into the calling process. A fork does
 * not copy a shared mapping's page tables, so the audio host calls this
 * before its stream starts: otherwise its first callbacks would take a
 * page fault per page of the engine.
 */
void pool_prefault(const struct pool *p);

#endif
