/*
 * pool.c - shared memory pool for the audio engine. See pool.h.
 * A bump allocator: the engine allocates once at set-up and frees
 * everything together, so there is nothing to reuse.
 */
#include "pool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define POOL_ALIGN 64		/* a cache line: rings' indices never share one by accident */

struct pool {
	size_t size, used;	/* the header sits at the start of its own mapping */
};

static size_t round_up(size_t n)
{
	return (n + POOL_ALIGN - 1) & ~(size_t)(POOL_ALIGN - 1);
}

struct pool *pool_create_shared(size_t bytes)
{
	size_t size = round_up(sizeof(struct pool)) + round_up(bytes);
	void *m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	struct pool *p;

	if (m == MAP_FAILED)
		return NULL;
	p = m;
	p->size = size;
	p->used = round_up(sizeof(struct pool));
	return p;
}

void pool_destroy(struct pool *p)
{
	if (p)
		munmap(p, p->size);
}

void *pool_calloc(struct pool *p, size_t n, size_t size)
{
	size_t bytes;
	void *out;

	if (!p)
		return calloc(n, size);
	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	bytes = round_up(bytes > 0 ? bytes : 1);
	if (bytes > p->size - p->used)
		return NULL;
	/*
	 * Fresh shared anonymous pages are zero and nothing is reused, but
	 * they are written here anyway: the pages are allocated now, at
	 * set-up, not by the audio callback's first write.
	 */
	out = (unsigned char *)p + p->used;
	memset(out, 0, bytes);
	p->used += bytes;
	return out;
}

void pool_prefault(const struct pool *p)
{
	long page = sysconf(_SC_PAGESIZE);
	const volatile unsigned char *base = (const volatile unsigned char *)p;

	if (!p || page <= 0)
		return;
	for (size_t off = 0; off < p->used; off += (size_t)page)
		(void)base[off];
}

void pool_free(struct pool *p, void *ptr)
{
	if (!p)
		free(ptr);
}
