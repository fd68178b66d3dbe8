/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * rte_malloc & co. on the ASan heap: see asan_heap.h. Linked with
 *   -Wl,--wrap=rte_malloc,--wrap=rte_zmalloc,... (tests/meson.build)
 * so every call from the objects of this executable (driver and tests)
 * lands here, while DPDK's own libraries keep their heap. rte_free of a
 * pointer this heap does not own goes to the real rte_free.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_malloc.h>

#include "asan_heap.h"

/* from the sanitizer allocator interface (clang and gcc runtimes) */
int __sanitizer_get_ownership(const volatile void *p);
size_t __sanitizer_get_allocated_size(const volatile void *p);

void *__real_rte_zmalloc(const char *type, size_t size, unsigned int align);
void __real_rte_free(void *ptr);

uint64_t nta_heap_alloc_no;
uint64_t nta_heap_fail_at;
int nta_heap_fail_sticky;
int nta_heap_fail_fired;
int nta_heap_fail_paused;
long nta_heap_live;

void *
nta_heap_dpdk_zmalloc(size_t size)
{
	return __real_rte_zmalloc("nta_heap", size, 0);
}

static void *
heap_alloc(size_t size, unsigned int align, int zero)
{
	void *p = NULL;

	if (size == 0 || (align != 0 && !rte_is_power_of_2(align)))
		return NULL;
	if (!__atomic_load_n(&nta_heap_fail_paused, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&nta_heap_fail_at, __ATOMIC_RELAXED) != 0) {
		uint64_t no = __atomic_add_fetch(&nta_heap_alloc_no, 1,
						 __ATOMIC_RELAXED);

		if (no == nta_heap_fail_at ||
		    (nta_heap_fail_sticky && no > nta_heap_fail_at)) {
			nta_heap_fail_fired = 1;
			return NULL;
		}
	}
	align = RTE_MAX(align, (unsigned int)RTE_CACHE_LINE_SIZE);
	if (posix_memalign(&p, align, size) != 0)
		return NULL;
	/* rte_malloc gives no zeroes: neither do we */
	memset(p, zero ? 0 : 0xa5, size);
	__atomic_fetch_add(&nta_heap_live, 1, __ATOMIC_RELAXED);
	return p;
}

void *__wrap_rte_malloc(const char *t, size_t s, unsigned int a);
void *__wrap_rte_zmalloc(const char *t, size_t s, unsigned int a);
void *__wrap_rte_calloc(const char *t, size_t n, size_t s, unsigned int a);
void *__wrap_rte_malloc_socket(const char *t, size_t s, unsigned int a, int so);
void *__wrap_rte_zmalloc_socket(const char *t, size_t s, unsigned int a, int so);
void *__wrap_rte_calloc_socket(const char *t, size_t n, size_t s,
			       unsigned int a, int so);
void *__wrap_rte_realloc(void *p, size_t s, unsigned int a);
void *__wrap_rte_realloc_socket(void *p, size_t s, unsigned int a, int so);
void __wrap_rte_free(void *p);

void *
__wrap_rte_malloc(const char *t, size_t s, unsigned int a)
{
	RTE_SET_USED(t);
	return heap_alloc(s, a, 0);
}

void *
__wrap_rte_zmalloc(const char *t, size_t s, unsigned int a)
{
	RTE_SET_USED(t);
	return heap_alloc(s, a, 1);
}

void *
__wrap_rte_calloc(const char *t, size_t n, size_t s, unsigned int a)
{
	RTE_SET_USED(t);
	if (n != 0 && s > SIZE_MAX / n)
		return NULL;
	return heap_alloc(n * s, a, 1);
}

void *
__wrap_rte_malloc_socket(const char *t, size_t s, unsigned int a, int so)
{
	RTE_SET_USED(so);
	return __wrap_rte_malloc(t, s, a);
}

void *
__wrap_rte_zmalloc_socket(const char *t, size_t s, unsigned int a, int so)
{
	RTE_SET_USED(so);
	return __wrap_rte_zmalloc(t, s, a);
}

void *
__wrap_rte_calloc_socket(const char *t, size_t n, size_t s, unsigned int a,
			 int so)
{
	RTE_SET_USED(so);
	return __wrap_rte_calloc(t, n, s, a);
}

void
__wrap_rte_free(void *p)
{
	if (p == NULL)
		return;
	if (!__sanitizer_get_ownership(p)) {
		__real_rte_free(p); /* real DPDK memory */
		return;
	}
	__atomic_fetch_sub(&nta_heap_live, 1, __ATOMIC_RELAXED);
	free(p);
}

void *
__wrap_rte_realloc_socket(void *p, size_t s, unsigned int a, int so)
{
	size_t old;
	void *n;

	RTE_SET_USED(so);
	if (p == NULL)
		return heap_alloc(s, a, 0);
	if (!__sanitizer_get_ownership(p))
		abort(); /* realloc of memory this heap never gave */
	n = heap_alloc(s, a, 0);
	if (n == NULL)
		return NULL; /* the old block stays valid, as with rte_realloc */
	old = __sanitizer_get_allocated_size(p);
	memcpy(n, p, RTE_MIN(old, s));
	__wrap_rte_free(p);
	return n;
}

void *
__wrap_rte_realloc(void *p, size_t s, unsigned int a)
{
	return __wrap_rte_realloc_socket(p, s, a, SOCKET_ID_ANY);
}
