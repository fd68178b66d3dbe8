/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The depot: free objects nobody holds, kept in place in their arenas
 * (state DEPOT) rather than in a list, so it costs no memory per object.
 * Taking scans arena state bytes from a per-arena cursor. All of it runs
 * under the pool lock, a process-shared mutex: a thread preempted while
 * holding it puts the waiters to sleep instead of making them spin.
 */

#include <errno.h>
#include <inttypes.h>

#include "nta_private.h"

void
nta_lock(struct nta_pool *p)
{
	if (unlikely(pthread_mutex_lock(&p->lock) == EOWNERDEAD)) {
		/* The holder died (a crashed secondary process). What it
		 * was doing under the lock is lost with it, but the pool
		 * stays usable; the audit tells whether anything was hurt.
		 */
		NTA_LOG(ERR, "pool %s: a process died holding the pool lock",
			p->mp->name);
		pthread_mutex_consistent(&p->lock);
		nta_recount_dead_locked(p);
	}
}

void
nta_unlock(struct nta_pool *p)
{
	pthread_mutex_unlock(&p->lock);
}

/* Take up to max DEPOT objects from arena a, 64 slots per map word,
 * from where the last take stopped; returns how many.
 */
static unsigned int
nta_arena_take(struct nta_pool *p, struct nta_arena *a, void **dst,
	       unsigned int max, uint8_t new_state)
{
	uint32_t words = (a->nb + 63) / 64, w = a->cursor, seen, k = 0;

	for (seen = 0; seen <= words && k < max && a->depot_avail > 0; seen++) {
		if (w >= words)
			w = 0;
		while (a->dmap[w] != 0 && k < max) {
			uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(a->dmap[w]);

			nta_dmap_clear(a, i);
			a->depot_avail--;
			if (unlikely(!nta_state_cas(a, i, NTA_ST_DEPOT,
						    new_state))) {
				/* a double free raced the object's home:
				 * it sits in the home's LIFO too; leave it
				 * there (see the user guide's limits)
				 */
				__atomic_store_n(&p->depot_count,
						 p->depot_count - 1,
						 __ATOMIC_RELAXED);
				__atomic_fetch_add(&p->any_cnt.bad_frees[
					RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE], 1,
					__ATOMIC_RELAXED);
				continue;
			}
			dst[k++] = nta_slot_obj(p, a, i);
		}
		if (k < max)
			w++;
	}
	a->cursor = w;
	return k;
}

static unsigned int
nta_depot_take_locked(struct nta_pool *p, void **dst, unsigned int n,
		      uint8_t new_state)
{
	unsigned int k = 0, tries;
	uint32_t c = p->depot_cursor;

	for (tries = 0; tries < p->nb_arenas && k < n; tries++) {
		struct nta_arena *a;

		if (c >= p->nb_arenas)
			c = 0;
		a = p->arenas[c];
		if (a->depot_avail != 0)
			k += nta_arena_take(p, a, dst + k, n - k, new_state);
		if (k < n)
			c++;
	}
	p->depot_cursor = c;
	__atomic_store_n(&p->depot_count, p->depot_count - k, __ATOMIC_RELAXED);
	return k;
}

unsigned int
nta_depot_take(struct nta_pool *p, void **dst, unsigned int min,
	       unsigned int max, uint8_t new_state)
{
	unsigned int k;

	nta_lock(p);
	if (p->depot_count < min)
		nta_reap_dead_rings_locked(p);
	if (p->depot_count < min) {
		nta_unlock(p);
		return 0;
	}
	k = nta_depot_take_locked(p, dst, RTE_MIN((uint64_t)max,
						   p->depot_count), new_state);
	if (unlikely(k < min)) {
		/* the count promised more than the arenas hold (a racing
		 * double free can cause that): give back, take nothing
		 */
		NTA_LOG(ERR, "pool %s: depot count %" PRIu64 " but %u found",
			p->mp->name, p->depot_count + k, k);
		nta_depot_put_locked(p, dst, k, new_state, &p->any_cnt);
		k = 0;
	}
	nta_unlock(p);
	return k;
}

unsigned int
nta_depot_put_locked(struct nta_pool *p, void * const *objs, unsigned int n,
		     uint8_t expect, struct nta_counters *cnt)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++) {
		struct nta_arena *a = nta_dir_find(p, (uintptr_t)objs[i]);
		int64_t idx = a ? nta_arena_slot(p, a, (uintptr_t)objs[i]) : -1;

		/* The CAS catches an owner that overwrote the state in a
		 * race with a double free: the object stays where it is.
		 */
		if (idx < 0 || !nta_state_cas(a, (uint32_t)idx, expect,
					      NTA_ST_DEPOT)) {
			nta_bad_free(p, cnt, objs[i],
				     RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
			continue;
		}
		nta_dmap_set(a, (uint32_t)idx);
		a->depot_avail++;
		k++;
	}
	__atomic_store_n(&p->depot_count, p->depot_count + k, __ATOMIC_RELAXED);
	return k;
}

unsigned int
nta_depot_put(struct nta_pool *p, void * const *objs, unsigned int n,
	      uint8_t expect, struct nta_counters *cnt)
{
	unsigned int k;

	nta_lock(p);
	k = nta_depot_put_locked(p, objs, n, expect, cnt);
	nta_unlock(p);
	return k;
}

/* ---- contiguous blocks ---- */

/* Are slots i .. i + b - 1 all in the depot and adjacent in memory
 * (not split by a page boundary)?
 */
static int
nta_block_free(const struct nta_pool *p, const struct nta_arena *a,
	       uint32_t i, uint32_t b)
{
	uint32_t j;

	if ((uintptr_t)nta_slot_obj(p, a, i + b - 1) -
	    (uintptr_t)nta_slot_obj(p, a, i) !=
	    (uintptr_t)(b - 1) * p->lay.elt_total)
		return 0;
	for (j = 0; j < b; j++)
		if (nta_state_load(a, i + j) != NTA_ST_DEPOT)
			return 0;
	return 1;
}

static unsigned int
nta_blocks_scan(struct nta_pool *p, void **first, unsigned int n,
		uint8_t new_state, int take)
{
	uint32_t b = p->lay.contig, ai, i, j;
	unsigned int k = 0;

	for (ai = 0; ai < p->nb_arenas && k < n; ai++) {
		struct nta_arena *a = p->arenas[ai];

		if (a->depot_avail < b)
			continue;
		for (i = 0; i + b <= a->nb && k < n; i += b) {
			if (!nta_block_free(p, a, i, b))
				continue;
			if (take) {
				for (j = 0; j < b; j++) {
					nta_state_store(a, i + j, new_state);
					nta_dmap_clear(a, i + j);
				}
				a->depot_avail -= b;
				first[k] = nta_slot_obj(p, a, i);
			}
			k++;
		}
	}
	return k;
}

int
nta_depot_take_blocks(struct nta_pool *p, void **first, unsigned int n,
		      uint8_t new_state)
{
	nta_lock(p);
	/* all or nothing: count first, then take */
	if (nta_blocks_scan(p, first, n, new_state, 0) < n) {
		nta_unlock(p);
		return -ENOBUFS;
	}
	nta_blocks_scan(p, first, n, new_state, 1);
	__atomic_store_n(&p->depot_count,
			 p->depot_count - (uint64_t)n * p->lay.contig,
			 __ATOMIC_RELAXED);
	nta_unlock(p);
	return 0;
}
