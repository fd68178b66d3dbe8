/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Per-lcore life: first use (LIFO and ring storage), draining the ring,
 * spilling an overfull LIFO, and handing everything back when a registered
 * thread leaves, so that nothing stays stranded behind a dead lcore id.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "nta_private.h"

#define NTA_BATCH 64

/* Bytes of one lcore's LIFO (object pointers, then their state bytes'
 * addresses), rounded to a cache line; its ring follows.
 */
static size_t
nta_lcore_lifo_size(const struct nta_layout *lay)
{
	return RTE_ALIGN_CEIL(2 * lay->lifo_size * sizeof(void *),
			      RTE_CACHE_LINE_SIZE);
}

size_t
nta_lcore_memsize(const struct nta_layout *lay)
{
	return nta_lcore_lifo_size(lay) + nta_ring_memsize(lay->ring_size);
}

int
nta_lcore_setup(struct nta_pool *p, unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];
	size_t lifo_sz = nta_lcore_lifo_size(&p->lay);
	size_t sz = nta_lcore_memsize(&p->lay);
	struct nta_ring *r;
	void *mem;

	if (lc->lifo != NULL) {
		/* a new thread took over the id of one that left: take
		 * back the ring from the lock holders that reaped it
		 */
		nta_lock(p);
		nta_reap_dead_rings_locked(p);
		if (!lc->live)
			p->nb_dead--;
		__atomic_store_n(&lc->live, 1, __ATOMIC_RELAXED);
		nta_lcore_set_last(p, lc, NULL);
		nta_unlock(p);
		return 0;
	}
	mem = rte_zmalloc_socket("nta_lcore", sz, RTE_CACHE_LINE_SIZE,
				 p->mp->socket_id);
	if (mem == NULL)
		return -ENOMEM;
	r = RTE_PTR_ADD(mem, lifo_sz);
	nta_ring_init(r, p->lay.ring_size);
	nta_lock(p);
	p->meta_bytes += sz;
	lc->cap = p->lay.lifo_size;
	lc->len = 0;
	lc->ring = r;
	lc->lst = (uint8_t **)mem + p->lay.lifo_size;
	lc->live = 1;
	/* release: the ring is initialised before anyone can target it
	 * (an object is USED(id) only after this lcore dequeued it)
	 */
	__atomic_store_n(&lc->lifo, (void **)mem, __ATOMIC_RELEASE);
	nta_unlock(p);
	return 0;
}

/* Record the state byte of LIFO entries from..to-1 (after a refill). */
void
nta_lifo_note_states(struct nta_pool *p, struct nta_lcore *lc,
		     unsigned int from, unsigned int to)
{
	unsigned int i;

	for (i = from; i < to; i++)
		lc->lst[i] = nta_state_ptr(p, lc, lc->lifo[i]);
}

/* Move the oldest objects of the LIFO to the depot, keeping `keep`. */
void
nta_lifo_spill(struct nta_pool *p, struct nta_lcore *lc, unsigned int keep)
{
	unsigned int out = lc->len - keep;

	if (lc->len <= keep)
		return;
	nta_depot_put(p, lc->lifo, out, NTA_ST_LOCAL, &lc->cnt);
	memmove(lc->lifo, lc->lifo + out, keep * sizeof(void *));
	memmove(lc->lst, lc->lst + out, keep * sizeof(uint8_t *));
	__atomic_store_n(&lc->len, keep, __ATOMIC_RELAXED);
	nta_cnt_add(&lc->cnt.depot_puts, out);
}

/* Take back up to max objects freed to this lcore by others. */
unsigned int
nta_drain_ring(struct nta_pool *p, struct nta_lcore *lc, unsigned int max)
{
	unsigned int room = RTE_MIN(max, lc->cap - lc->len);
	unsigned int got, i, k = 0;
	void **dst = lc->lifo + lc->len;

	got = nta_ring_pop(lc->ring, dst, room);
	for (i = 0; i < got; i++) {
		void *o = dst[i];
		uint8_t *st = nta_hot_state(p, lc, o);

		/* the sender checked it is an object of this pool */
		if (unlikely(st == NULL))
			st = nta_state_ptr(p, lc, o);
		/* the sender marked it REMOTE; anything else means the owner
		 * freed it locally in a race with this (double) free. A CAS,
		 * not a load and a store: a racing free may move it to the
		 * depot in between.
		 */
		if (unlikely(!__atomic_compare_exchange_n(st,
				&(uint8_t){ NTA_ST_REMOTE }, NTA_ST_LOCAL, 0,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED))) {
			nta_bad_free(p, &lc->cnt, o,
				     RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
			continue;
		}
		lc->lst[lc->len + k] = st;
		dst[k++] = o;
	}
	__atomic_store_n(&lc->len, lc->len + k, __ATOMIC_RELAXED);
	nta_cnt_add(&lc->cnt.remote_drained, k);
	return got;
}

void
nta_drain_all(struct nta_pool *p, struct nta_lcore *lc)
{
	for (;;) {
		if (lc->len == lc->cap)
			nta_lifo_spill(p, lc, lc->cap / 2);
		if (nta_drain_ring(p, lc, lc->cap) == 0)
			break;
	}
}

/* Under the lock: hand a ring's content to the depot. */
static unsigned int
nta_ring_to_depot_locked(struct nta_pool *p, struct nta_lcore *lc)
{
	void *buf[NTA_BATCH];
	unsigned int got, k = 0;

	while ((got = nta_ring_pop(lc->ring, buf, NTA_BATCH)) != 0)
		k += nta_depot_put_locked(p, buf, got, NTA_ST_REMOTE, &lc->cnt);
	return k;
}

/* After a process died holding the lock: nb_dead from the live flags. */
void
nta_recount_dead_locked(struct nta_pool *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_MAX_LCORE; i++)
		if (p->lc[i].lifo != NULL &&
		    !__atomic_load_n(&p->lc[i].live, __ATOMIC_RELAXED))
			n++;
	p->nb_dead = n;
}

/* Rings of lcores whose thread has left are consumed by the lock holder:
 * the lock makes it their single consumer.
 */
void
nta_reap_dead_rings_locked(struct nta_pool *p)
{
	unsigned int i;

	if (p->nb_dead == 0)
		return;
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		struct nta_lcore *lc = &p->lc[i];

		if (lc->ring != NULL &&
		    !__atomic_load_n(&lc->live, __ATOMIC_RELAXED) &&
		    nta_ring_count(lc->ring) != 0)
			nta_ring_to_depot_locked(p, lc);
	}
}

unsigned int
nta_lcore_retire(struct nta_pool *p, unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];
	unsigned int k;

	if (lc->lifo == NULL)
		return 0;
	nta_lock(p);
	k = nta_depot_put_locked(p, lc->lifo, lc->len, NTA_ST_LOCAL, &lc->cnt);
	__atomic_store_n(&lc->len, 0, __ATOMIC_RELAXED);
	k += nta_ring_to_depot_locked(p, lc);
	nta_cnt_add(&lc->cnt.depot_puts, k);
	nta_lcore_set_last(p, lc, NULL);
	if (lc->live)
		p->nb_dead++;
	__atomic_store_n(&lc->live, 0, __ATOMIC_RELAXED);
	nta_unlock(p);
	return k;
}

/* ---- lcore callbacks: a thread that unregisters strands nothing ---- */

static void
nta_walk_retire(struct rte_mempool *mp, void *arg)
{
	struct nta_pool *p = nta_pool_of(mp);
	unsigned int id = *(unsigned int *)arg;

	if (p == NULL || id >= RTE_MAX_LCORE)
		return;
	/* the library's per-lcore cache first: it runs on the leaving
	 * thread, so these objects come back to its LIFO, then to the depot.
	 * This runs inside rte_mempool_walk(): nothing below may walk the
	 * pools or look one up again (bad pointers are classified without
	 * the list lock, see nta_classify_foreign())
	 */
	if (rte_mempool_default_cache(mp, id) != NULL)
		rte_mempool_cache_flush(rte_mempool_default_cache(mp, id), mp);
	nta_lcore_retire(p, id);
}

static void
nta_lcore_uninit(unsigned int lcore_id, void *arg)
{
	RTE_SET_USED(arg);
	rte_mempool_walk(nta_walk_retire, &lcore_id);
}

/* Registered once per process at load time (no init callback, so it is
 * safe before rte_eal_init and never runs under EAL's lcore lock).
 */
RTE_INIT(nta_lcore_callbacks)
{
	if (rte_lcore_callback_register("mempool_nta", NULL,
					nta_lcore_uninit, NULL) == NULL)
		NTA_LOG(WARNING, "cannot register lcore callback: objects held by a thread that unregisters stay in its lcore slot until the id is reused");
}
