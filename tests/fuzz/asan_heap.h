/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef NTA_ASAN_HEAP_H
#define NTA_ASAN_HEAP_H

/*
 * The driver's rte_malloc family, wrapped (-Wl,--wrap=rte_malloc,...) onto
 * the ASan heap, for the fuzzer and the sanitizer build: Debian's DPDK
 * heap has no ASan shadow, so an overflow of driver metadata (LIFOs, rings,
 * arena headers, maps) is invisible there. Single-process use only: the
 * memory is not shared with secondary processes.
 *
 * Also counts live allocations (leak checks) and can fail one chosen
 * allocation (error paths).
 */

#include <stddef.h>
#include <stdint.h>

extern uint64_t nta_heap_alloc_no;  /* allocations counted since reset */
extern uint64_t nta_heap_fail_at;   /* 0: never; n: fail allocation #n */
extern int nta_heap_fail_sticky;    /* fail every allocation from #n on */
extern int nta_heap_fail_fired;     /* the chosen allocation failed */
extern int nta_heap_fail_paused;    /* no failure (and no counting) now */
extern long nta_heap_live;          /* live wrapped allocations */

/* Real DPDK heap memory (zeroed), for callers that want it. */
void *nta_heap_dpdk_zmalloc(size_t size);

#endif
