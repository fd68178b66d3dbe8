/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * A pool's life: its driver structure made and freed (the ops' alloc and
 * free), found again from a mempool by every entry point that is not an
 * ops call, and its free objects counted.
 */

#include <errno.h>
#include <inttypes.h>

#include <rte_malloc.h>

#include "nta_private.h"

int
nta_alloc(struct rte_mempool *mp)
{
	struct nta_layout lay;
	pthread_mutexattr_t attr;
	struct nta_pool *p;
	unsigned int i;
	int ret;

	ret = nta_layout_compute(mp, &lay);
	if (ret < 0) {
		NTA_LOG(ERR, "pool %s: bad nta parameters (arena_size and ring_size: powers of two, arena_size 4 KiB to 1 GiB, ring_size and lifo_size up to 2^20, lookup_ways a power of two up to %u, reserved zero)",
			mp->name, NTA_HOT_WAYS_MAX);
		return ret;
	}
	p = rte_zmalloc_socket("nta_pool", sizeof(*p), RTE_CACHE_LINE_SIZE,
			       mp->socket_id);
	if (p == NULL)
		return -ENOMEM;
	p->mp = mp;
	p->lay = lay;
	/* two magazines per store: lifo_size objects held at most */
	p->mag_size = RTE_MAX(1u, lay.lifo_size / 2);
	p->meta_bytes = sizeof(*p);
	/* no lookup cache until an lcore's first use (nta_lcore_setup()) */
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		p->lc[i].hot = &p->hot_none;
		p->lc[i].hot_mask = 0;
	}
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	/* a process that dies holding it must not block the others */
	pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&p->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	ret = nta_dir_init(p, (uint32_t)(((uint64_t)mp->size * lay.elt_total) /
					lay.arena_size + 1));
	if (ret < 0) {
		pthread_mutex_destroy(&p->lock);
		rte_free(p);
		return ret;
	}
	p->magic = NTA_POOL_MAGIC;
	p->layout = NTA_POOL_LAYOUT;
	mp->pool_data = p;
	NTA_LOG(DEBUG, "pool %s: arena %" PRIu64 " B, element %u B, magazine %u, lane %u",
		mp->name, lay.arena_size, lay.elt_total, p->mag_size,
		lay.ring_size);
	return 0;
}

/* Runs even if alloc never ran or failed, and after the objects' memory
 * is gone: it touches driver metadata only.
 */
void
nta_free(struct rte_mempool *mp)
{
	struct nta_pool *p = mp->pool_data;

	if (!nta_pool_ok(p))
		return;
	nta_chunks_free(p);
	nta_meta_free_all(p);
	pthread_mutex_destroy(&p->lock);
	p->magic = 0;
	rte_free(p);
	mp->pool_data = NULL;
}

/* The pool, if this copy of the driver serves it: a second copy in the
 * process (the installed plugin and another one given with -d) finds the
 * ops slot filled by the first and stays idle; its lcore callback and its
 * public API then leave the pools alone (the other copy's layout may
 * differ).
 */
struct nta_pool *
nta_pool_of(const struct rte_mempool *mp)
{
	struct nta_pool *p;

	if (mp == NULL || mp->ops_index < 0 ||
	    rte_mempool_get_ops(mp->ops_index)->alloc != nta_alloc)
		return NULL;
	p = mp->pool_data;
	return nta_pool_ok(p) ? p : NULL;
}

/* Free objects: the depot, each lcore's store and what waits for it in
 * lanes and overflow, the slots; read from any thread or process.
 */
uint64_t
nta_pool_count(const struct nta_pool *p)
{
	uint64_t sum;
	unsigned int i;

	sum = __atomic_load_n(&p->depot.count, __ATOMIC_RELAXED);
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct nta_lcore *lc = &p->lc[i];

		if (__atomic_load_n(&lc->lane_to, __ATOMIC_ACQUIRE) == NULL)
			continue;
		sum += nta_store_count(&lc->s);
		sum += nta_lanes_pending(p, i);
	}
	sum += nta_unreg_count(p);
	/* a concurrent reader may briefly see an object twice */
	return RTE_MIN(sum, p->populated);
}
