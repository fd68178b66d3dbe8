/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The floor handler ("bench_floor"): the least a mempool handler can do
 * behind the ops call, as the yardstick for the others. It is registered
 * by nta-bench only, never checks an object, and is not meant for use
 * outside the benchmark.
 *
 * - Each lcore that had a role when the pool was made owns a LIFO of
 *   pointers, big enough for the whole pool (so a push never checks for
 *   room). Getting and putting on it is a length test and a memcpy: no
 *   atomic, no lock, no line shared with another lcore.
 * - A shared LIFO behind a spinlock holds what no lcore owns: every object
 *   when the pool is new (populate hands them over), what an lcore gives
 *   back when its LIFO grows past the spill mark (down to half of it), and
 *   the stock of threads without a LIFO (unregistered threads,
 *   LCORE_ID_ANY, and lcores that appeared later), which always go
 *   through the lock.
 * - An lcore whose LIFO is short takes from the shared one what it lacks
 *   plus half the spill mark, all or nothing.
 *
 * On one lcore, or on several lcores each putting back what it got, the
 * shared LIFO is touched only at start-up: that is the per-lcore pointer
 * stack with no sharing. When objects are got on one lcore and put on
 * another (a pipeline), no handler without sharing can serve; there the
 * floor is the same thing's spill and refill, one lock and one copy per
 * batch of half a spill mark, which is as cheap as a correct hand-over
 * gets without knowing the pipeline's shape.
 *
 * The spill mark is the pool's size over the number of LIFOs, so the
 * LIFOs together keep at most the whole pool: a get can fail while
 * another lcore's LIFO holds free objects, which is why nta-bench makes
 * its pools at least twice what its lcores can hold out at once.
 */

#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "bench.h"

struct floor_lifo {
	void **objs;            /* NULL: this lcore uses the shared LIFO */
	uint32_t len;           /* written by the owner; read by get_count */
} __rte_cache_aligned;

struct floor_pool {
	uint32_t spill;         /* a push past this gives back to shared */
	uint32_t keep;          /* what an lcore keeps after giving back */
	uint32_t cap;           /* entries of every LIFO: mp->size */
	rte_spinlock_t lock;    /* guards shared */
	struct floor_lifo shared;
	struct floor_lifo lc[RTE_MAX_LCORE];
};

static int
floor_alloc(struct rte_mempool *mp)
{
	unsigned int i, nb = 0;
	struct floor_pool *f;
	size_t bytes;
	void **mem;

	for (i = 0; i < RTE_MAX_LCORE; i++)
		if (rte_eal_lcore_role(i) != ROLE_OFF)
			nb++;
	bytes = sizeof(*f) + (size_t)(nb + 1) * mp->size * sizeof(void *);
	f = rte_zmalloc_socket("bench_floor", bytes, RTE_CACHE_LINE_SIZE,
			       mp->socket_id);
	if (f == NULL)
		return -ENOMEM;
	f->cap = mp->size;
	f->spill = RTE_MAX(mp->size / RTE_MAX(nb, 1u), 2u);
	f->keep = f->spill / 2;
	rte_spinlock_init(&f->lock);
	mem = (void **)(f + 1);
	f->shared.objs = mem;
	mem += mp->size;
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		if (rte_eal_lcore_role(i) == ROLE_OFF)
			continue;
		f->lc[i].objs = mem;
		mem += mp->size;
	}
	mp->pool_data = f;
	return 0;
}

static void
floor_free(struct rte_mempool *mp)
{
	rte_free(mp->pool_data);
}

/* len is read by get_count on other threads: relaxed, never torn. */
static inline void
lifo_len_set(struct floor_lifo *l, uint32_t len)
{
	__atomic_store_n(&l->len, len, __ATOMIC_RELAXED);
}

static inline void
lifo_push(struct floor_lifo *l, void * const *objs, unsigned int n)
{
	memcpy(&l->objs[l->len], objs, n * sizeof(void *));
	lifo_len_set(l, l->len + n);
}

static inline void
lifo_pop(struct floor_lifo *l, void **objs, unsigned int n)
{
	lifo_len_set(l, l->len - n);
	memcpy(objs, &l->objs[l->len], n * sizeof(void *));
}

static int
shared_put(struct floor_pool *f, void * const *objs, unsigned int n)
{
	rte_spinlock_lock(&f->lock);
	lifo_push(&f->shared, objs, n);
	rte_spinlock_unlock(&f->lock);
	return 0;
}

static int
shared_get(struct floor_pool *f, void **objs, unsigned int n)
{
	int ret = -ENOBUFS;

	rte_spinlock_lock(&f->lock);
	if (f->shared.len >= n) {
		lifo_pop(&f->shared, objs, n);
		ret = 0;
	}
	rte_spinlock_unlock(&f->lock);
	return ret;
}

/* The LIFO went past the spill mark: the excess over keep goes back. */
static __rte_noinline int
floor_spill(struct floor_pool *f, struct floor_lifo *l, void * const *objs,
	    unsigned int n)
{
	unsigned int give;

	lifo_push(l, objs, n);
	give = l->len - f->keep;
	rte_spinlock_lock(&f->lock);
	lifo_push(&f->shared, &l->objs[l->len - give], give);
	rte_spinlock_unlock(&f->lock);
	lifo_len_set(l, l->len - give);
	return 0;
}

/* The LIFO is short of n: take the rest and some stock, or nothing. */
static __rte_noinline int
floor_refill(struct floor_pool *f, struct floor_lifo *l, void **objs,
	     unsigned int n)
{
	unsigned int need = n - l->len, take;

	rte_spinlock_lock(&f->lock);
	if (f->shared.len < need) {
		rte_spinlock_unlock(&f->lock);
		return -ENOBUFS;
	}
	take = RTE_MIN(f->shared.len, need + f->keep);
	lifo_pop(&f->shared, &l->objs[l->len], take);
	rte_spinlock_unlock(&f->lock);
	lifo_len_set(l, l->len + take);
	lifo_pop(l, objs, n);
	return 0;
}

static int
floor_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct floor_pool *f = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct floor_lifo *l;

	if (unlikely(id >= RTE_MAX_LCORE || f->lc[id].objs == NULL))
		return shared_put(f, objs, n);
	l = &f->lc[id];
	if (unlikely(l->len + n > f->spill))
		return floor_spill(f, l, objs, n);
	lifo_push(l, objs, n);
	return 0;
}

static int
floor_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct floor_pool *f = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct floor_lifo *l;

	if (unlikely(id >= RTE_MAX_LCORE || f->lc[id].objs == NULL))
		return shared_get(f, objs, n);
	l = &f->lc[id];
	if (unlikely(l->len < n))
		return floor_refill(f, l, objs, n);
	lifo_pop(l, objs, n);
	return 0;
}

/* Exact when nothing moves; a close figure while threads run. */
static unsigned int
floor_get_count(const struct rte_mempool *mp)
{
	const struct floor_pool *f = mp->pool_data;
	unsigned int i, n;

	n = __atomic_load_n(&f->shared.len, __ATOMIC_RELAXED);
	for (i = 0; i < RTE_MAX_LCORE; i++)
		n += __atomic_load_n(&f->lc[i].len, __ATOMIC_RELAXED);
	return n;
}

/*
 * The library enqueues each new object on the populating thread, so they
 * would all sit in that lcore's LIFO where no other lcore can get them:
 * hand them to the shared LIFO once the chunk is in.
 */
static int
floor_populate(struct rte_mempool *mp, unsigned int max_objs, void *vaddr,
	       rte_iova_t iova, size_t len,
	       rte_mempool_populate_obj_cb_t *obj_cb, void *obj_cb_arg)
{
	struct floor_pool *f = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct floor_lifo *l;
	int ret;

	ret = rte_mempool_op_populate_default(mp, max_objs, vaddr, iova, len,
					      obj_cb, obj_cb_arg);
	if (id < RTE_MAX_LCORE && f->lc[id].objs != NULL) {
		l = &f->lc[id];
		rte_spinlock_lock(&f->lock);
		lifo_push(&f->shared, l->objs, l->len);
		rte_spinlock_unlock(&f->lock);
		lifo_len_set(l, 0);
	}
	return ret;
}

static const struct rte_mempool_ops floor_ops = {
	.name = BENCH_FLOOR,
	.alloc = floor_alloc,
	.free = floor_free,
	.enqueue = floor_enqueue,
	.dequeue = floor_dequeue,
	.get_count = floor_get_count,
	.populate = floor_populate,
};

/*
 * After rte_eal_init, so that the plugins EAL loads have their slots
 * first. The table has RTE_MEMPOOL_MAX_OPS_IDX (16) slots; Debian's DPDK
 * fills 14 and nta one: this is the last. Returns the slot or a negative
 * errno (-ENOSPC: table full).
 */
int
bench_floor_register(void)
{
	uint32_t i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name, BENCH_FLOOR) == 0)
			return (int)i;
	return rte_mempool_register_ops(&floor_ops);
}
