/*
 * alloc_guard.h - counts heap calls made while a guard is up, to prove
 * the audio callback never allocates. It defines malloc, calloc, realloc,
 * free, posix_memalign and aligned_alloc in the test executable, which
 * take precedence over glibc's for the whole process, and forwards them
 * to glibc's own. Include it in exactly one .c file of a test executable.
 *
 * Under AddressSanitizer (`make test-sanitize`) the sanitizer owns the
 * heap and these wrappers would hand its pointers to glibc: the guard then
 * counts nothing, and the ordinary build is the one that checks.
 */
#ifndef TUTTI_ALLOC_GUARD_H
#define TUTTI_ALLOC_GUARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ALLOC_GUARD_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ALLOC_GUARD_SANITIZED 1
#endif
#endif

static _Atomic int alloc_guard_up;
static _Atomic long alloc_guard_calls;

#ifndef ALLOC_GUARD_SANITIZED
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);
extern void *__libc_memalign(size_t alignment, size_t size);

static inline void alloc_guard_count(void)
{
	if (atomic_load_explicit(&alloc_guard_up, memory_order_relaxed))
		atomic_fetch_add_explicit(&alloc_guard_calls, 1, memory_order_relaxed);
}

void *malloc(size_t size)
{
	alloc_guard_count();
	return __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
	alloc_guard_count();
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
	alloc_guard_count();
	return __libc_realloc(p, size);
}

void free(void *p)
{
	if (p)
		alloc_guard_count();
	__libc_free(p);
}

int posix_memalign(void **out, size_t alignment, size_t size)
{
	alloc_guard_count();
	*out = __libc_memalign(alignment, size);
	return *out ? 0 : 12;	/* ENOMEM */
}

void *aligned_alloc(size_t alignment, size_t size)
{
	alloc_guard_count();
	return __libc_memalign(alignment, size);
}
#endif

/* Starts counting heap calls (from every thread). */
static inline void alloc_guard_begin(void)
{
	atomic_store(&alloc_guard_calls, 0);
	atomic_store(&alloc_guard_up, 1);
}

/* Stops counting; returns how many heap calls were made since alloc_guard_begin(). */
static inline long alloc_guard_end(void)
{
	atomic_store(&alloc_guard_up, 0);
	return atomic_load(&alloc_guard_calls);
}

#endif
