/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The mempool ops: the fast paths (a registered lcore serving itself from
 * its LIFO, no atomics) and the slow ones (ring drain, depot, remote frees,
 * unregistered threads), kept apart.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "nta_private.h"

#define NTA_REMOTE_BATCH 32

static int nta_alloc(struct rte_mempool *mp);

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

/* ---------------- alloc / free ---------------- */

static int
nta_alloc(struct rte_mempool *mp)
{
	struct nta_layout lay;
	pthread_mutexattr_t attr;
	struct nta_pool *p;
	int ret;

	ret = nta_layout_compute(mp, &lay);
	if (ret < 0) {
		NTA_LOG(ERR, "pool %s: bad nta parameters", mp->name);
		return ret;
	}
	p = rte_zmalloc_socket("nta_pool", sizeof(*p), RTE_CACHE_LINE_SIZE,
			       mp->socket_id);
	if (p == NULL)
		return -ENOMEM;
	p->mp = mp;
	p->lay = lay;
	p->any_cap = RTE_MIN(NTA_ANY_MAX, lay.lifo_size);
	p->meta_bytes = sizeof(*p);
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
	NTA_LOG(DEBUG, "pool %s: arena %" PRIu64 " B, element %u B, lifo %u, ring %u",
		mp->name, lay.arena_size, lay.elt_total, lay.lifo_size,
		lay.ring_size);
	return 0;
}

/* Runs even if alloc never ran or failed, and after the objects' memory
 * is gone: it touches driver metadata only.
 */
static void
nta_free(struct rte_mempool *mp)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int i;

	if (!nta_pool_ok(p))
		return;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		rte_free(p->lc[i].lifo);
	nta_meta_free_all(p);
	pthread_mutex_destroy(&p->lock);
	p->magic = 0;
	rte_free(p);
	mp->pool_data = NULL;
}

/* ---------------- dequeue ---------------- */

/* Pop n objects from the LIFO top and mark them handed out by lcore id. */
static inline void
nta_lifo_pop(struct nta_lcore *lc, void **objs,
	     unsigned int n, uint8_t used)
{
	/* locals: the state byte stores are char stores, which may alias
	 * anything, so fields read through lc would be reloaded every time
	 */
	void ** const lifo = lc->lifo;
	uint8_t ** const lst = lc->lst;
	const unsigned int len = lc->len - n;
	unsigned int i;

	/* two passes: the pointer copy first (plain loads and stores), the
	 * state bytes after. Interleaved, each LIFO load came behind a byte
	 * store to an address known late, and waited on it (measured: a
	 * third slower at bulk 32)
	 */
	for (i = 0; i < n; i++)
		objs[i] = lifo[len + n - 1 - i];
	for (i = 0; i < n; i++)
		__atomic_store_n(lst[len + i], used, __ATOMIC_RELAXED);
	__atomic_store_n(&lc->len, len, __ATOMIC_RELAXED);
	nta_cnt_add(&lc->cnt.local_hits, n);
}

/* A depot take of at least min objects; when the depot is short, the
 * slots of unregistered threads are emptied into it and the take is tried
 * once more.
 */
static unsigned int
nta_depot_take_reclaim(struct nta_pool *p, void **dst, unsigned int min,
		       unsigned int max, uint8_t new_state)
{
	unsigned int got = nta_depot_take(p, dst, min, max, new_state);

	if (got == 0 && nta_any_reclaim_for(p, min))
		got = nta_depot_take(p, dst, min, max, new_state);
	return got;
}

static __rte_noinline int
nta_dequeue_any(struct nta_pool *p, void **objs, unsigned int n)
{
	struct nta_any_slot *s;
	int ok;

	if (n == 0)
		return 0;
	/* a shared slot, if one is free and it (or a refill) has enough */
	if (n <= p->any_cap && (s = nta_any_lock(p)) != NULL) {
		ok = s->len >= n || nta_any_refill(p, s, n) == 0;
		if (ok)
			nta_any_take(s, objs, n);
		nta_any_unlock(s);
		if (ok) {
			__atomic_fetch_add(&p->any_cnt.local_hits, n,
					   __ATOMIC_RELAXED);
			return 0;
		}
	}
	/* the depot, after taking back what the slots hold if need be */
	if (nta_depot_take_reclaim(p, objs, n, n, NTA_ST_USED_ANY) == 0) {
		__atomic_fetch_add(&p->any_cnt.failed_dequeues, 1,
				   __ATOMIC_RELAXED);
		nta_exhaustion_log(p, LCORE_ID_ANY, n);
		return -ENOBUFS;
	}
	__atomic_fetch_add(&p->any_cnt.depot_gets, n, __ATOMIC_RELAXED);
	return 0;
}

static __rte_noinline int
nta_dequeue_fail(struct nta_pool *p, unsigned int id, unsigned int n)
{
	nta_cnt_add(&p->lc[id].cnt.failed_dequeues, 1);
	nta_exhaustion_log(p, id, n);
	return -ENOBUFS;
}

/* A request bigger than the LIFO: all of it, then the depot fills the
 * tail.
 */
static int
nta_dequeue_big(struct nta_pool *p, struct nta_lcore *lc, void **objs,
		unsigned int n, unsigned int id)
{
	unsigned int have;

	nta_drain_all(p, lc);
	have = lc->len;
	if (nta_depot_take_reclaim(p, objs + have, n - have, n - have,
				   nta_used_state(id)) == 0)
		return nta_dequeue_fail(p, id, n);
	nta_cnt_add(&lc->cnt.depot_gets, n - have);
	nta_lifo_pop(lc, objs, have, nta_used_state(id));
	return 0;
}

/* Refill the LIFO to at least n objects: first from the remote-free
 * ring (frees sent home by other lcores: they are ours), then from the
 * depot, what is missing plus half a LIFO in one visit.
 */
static int
nta_refill(struct nta_pool *p, struct nta_lcore *lc, unsigned int n)
{
	unsigned int need, want, got;

	nta_drain_ring(p, lc, lc->cap);
	if (lc->len >= n)
		return 0;
	need = n - lc->len;
	want = RTE_MIN(lc->cap - lc->len, need + lc->cap / 2);
	got = nta_depot_take_reclaim(p, lc->lifo + lc->len, need, want,
				     NTA_ST_LOCAL);
	if (got == 0)
		return -ENOBUFS;
	nta_lifo_note_states(p, lc, lc->len, lc->len + got);
	__atomic_store_n(&lc->len, lc->len + got, __ATOMIC_RELAXED);
	nta_cnt_add(&lc->cnt.depot_gets, got);
	return 0;
}

static __rte_noinline int
nta_dequeue_slow(struct nta_pool *p, void **objs, unsigned int n,
		 unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];

	if (n == 0)
		return 0;
	if ((lc->lifo == NULL || !lc->live) && nta_lcore_setup(p, id) < 0)
		return nta_dequeue_any(p, objs, n);
	if (n > lc->cap)
		return nta_dequeue_big(p, lc, objs, n, id);
	if (nta_refill(p, lc, n) < 0)
		return nta_dequeue_fail(p, id, n);
	nta_lifo_pop(lc, objs, n, nta_used_state(id));
	return 0;
}

/* Several objects (or an empty LIFO): kept out of nta_dequeue() so
 * that the one-object path needs no saved registers.
 */
static __rte_noinline int
nta_dequeue_bulk(struct nta_pool *p, void **objs, unsigned int n,
		 unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];

	if (likely(lc->len >= n && n != 0)) {
		nta_lifo_pop(lc, objs, n, nta_used_state(id));
		return 0;
	}
	return nta_dequeue_slow(p, objs, n, id);
}

static int
nta_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct nta_lcore *lc;

	if (unlikely(id >= RTE_MAX_LCORE))
		return nta_dequeue_any(p, objs, n);
	lc = &p->lc[id];
	if (n == 1 && likely(lc->len != 0)) {
		/* rte_mempool_get() of one object, without a cache */
		unsigned int len = lc->len - 1;

		objs[0] = lc->lifo[len];
		__atomic_store_n(lc->lst[len], nta_used_state(id),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&lc->len, len, __ATOMIC_RELAXED);
		nta_cnt_add(&lc->cnt.local_hits, 1);
		return 0;
	}
	return nta_dequeue_bulk(p, objs, n, id);
}

static int
nta_dequeue_contig_blocks(struct rte_mempool *mp, void **first_obj_table,
			  unsigned int n)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct nta_counters *cnt;
	int ret;

	if (n == 0)
		return 0;
	if (id < RTE_MAX_LCORE && p->lc[id].lifo == NULL)
		nta_lcore_setup(p, id);
	if (id >= RTE_MAX_LCORE || p->lc[id].lifo == NULL)
		id = LCORE_ID_ANY;
	cnt = id < RTE_MAX_LCORE ? &p->lc[id].cnt : &p->any_cnt;
	ret = nta_depot_take_blocks(p, first_obj_table, n, nta_used_state(id));
	if (ret < 0 && nta_any_reclaim_for(p, (uint64_t)n * p->lay.contig))
		ret = nta_depot_take_blocks(p, first_obj_table, n,
					    nta_used_state(id));
	if (ret < 0)
		__atomic_fetch_add(&cnt->failed_dequeues, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&cnt->depot_gets,
				   (uint64_t)n * p->lay.contig,
				   __ATOMIC_RELAXED);
	return ret;
}

/* ---------------- enqueue ---------------- */

/* Frees that do not go to the caller's own LIFO, gathered per call. The
 * usual batch has one home (a Tx lcore freeing what one Rx lcore
 * allocated) and goes to its ring as it is; a batch of several homes is
 * sorted out by home when it is flushed.
 */
struct nta_remote_batch {
	unsigned int n;
	unsigned int nb_bad;
	const void *first_bad;
	enum rte_mempool_nta_bad_kind first_kind;
	unsigned int mixed;             /* more than one home in obj[] */
	void *obj[NTA_REMOTE_BATCH];
	uint8_t home[NTA_REMOTE_BATCH]; /* USED state = the owner */
};

/* Counters of an lcore have one writer; those of unregistered threads
 * are shared.
 */
static inline void
nta_cnt_add_by(const struct nta_pool *p, const struct nta_counters *cnt,
	       uint64_t *c, uint64_t v)
{
	if (cnt == &p->any_cnt)
		__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
	else
		nta_cnt_add(c, v);
}

static void
nta_batch_bad(struct nta_pool *p, struct nta_counters *cnt,
	      struct nta_remote_batch *b, const void *obj,
	      enum rte_mempool_nta_bad_kind kind)
{
	nta_bad_free(p, cnt, obj, kind);
	if (b->nb_bad++ == 0) {
		b->first_bad = obj;
		b->first_kind = kind;
	}
}

/* Deliver one home's objects to its ring; the rest (ring full, or objects
 * of an unregistered thread) to the depot.
 */
static void
nta_deliver(struct nta_pool *p, struct nta_counters *cnt, uint8_t home,
	    void **objs, unsigned int n)
{
	unsigned int pushed = 0;

	if (home != NTA_ST_USED_ANY)
		pushed = nta_ring_push(p->lc[home - NTA_ST_USED0].ring,
				       objs, n);
	if (pushed < n) {
		nta_depot_put(p, objs + pushed, n - pushed, NTA_ST_REMOTE,
			      cnt);
		nta_cnt_add_by(p, cnt, &cnt->depot_puts, n - pushed);
	}
	nta_cnt_add_by(p, cnt, &cnt->remote_sent, pushed);
}

static __rte_noinline void
nta_batch_flush(struct nta_pool *p, struct nta_counters *cnt,
		struct nta_remote_batch *b)
{
	void *group[NTA_REMOTE_BATCH];
	unsigned int i, k, left = b->n;

	if (likely(!b->mixed)) {
		if (left != 0)
			nta_deliver(p, cnt, b->home[0], b->obj, left);
		b->n = 0;
		return;
	}
	/* one push per home: gather each home's objects together */
	while (left != 0) {
		uint8_t home = b->home[0];
		unsigned int rest = 0;

		for (i = 0, k = 0; i < left; i++) {
			if (b->home[i] == home) {
				group[k++] = b->obj[i];
			} else {
				b->obj[rest] = b->obj[i];
				b->home[rest++] = b->home[i];
			}
		}
		nta_deliver(p, cnt, home, group, k);
		left = rest;
	}
	b->n = 0;
	b->mixed = 0;
}

static __rte_noinline void
nta_classify_bad(struct nta_pool *p, struct nta_counters *cnt,
		 struct nta_remote_batch *b, void *obj,
		 const struct nta_arena *a)
{
	enum rte_mempool_nta_bad_kind kind;

	/* a was found from the element start; the pointer itself may lie
	 * elsewhere (in front of an arena's first object, or past its end)
	 */
	if (a == NULL || !nta_in_arena(a, (uintptr_t)obj))
		a = nta_dir_find(p, (uintptr_t)obj + p->lay.hdr_size);
	if (a == NULL || !nta_in_arena(a, (uintptr_t)obj))
		kind = nta_classify_foreign(p, obj);
	else if (nta_arena_slot(p, a, (uintptr_t)obj) < 0)
		kind = RTE_MEMPOOL_NTA_BAD_INTERIOR;
	else
		kind = RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE;
	nta_batch_bad(p, cnt, b, obj, kind);
}

/* Free of a valid object that is not ours to put in our LIFO (its state
 * byte was v): claim it with a CAS (USED -> REMOTE; a second free of it
 * fails here) and batch it home.
 */
static inline void
nta_free_remote(struct nta_pool *p, struct nta_counters *cnt,
		struct nta_remote_batch *b, void *obj, uint8_t *st, uint8_t v)
{
	if (unlikely(!nta_state_is_used(v) ||
		     !__atomic_compare_exchange_n(st, &v, NTA_ST_REMOTE, 0,
						  __ATOMIC_RELAXED,
						  __ATOMIC_RELAXED))) {
		nta_batch_bad(p, cnt, b, obj, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		return;
	}
	if (unlikely(b->n == NTA_REMOTE_BATCH))
		nta_batch_flush(p, cnt, b);
	if (b->n != 0 && b->home[0] != v)
		b->mixed = 1;
	b->home[b->n] = v;
	b->obj[b->n++] = obj;
}

/* Free of a USED_ANY object into the thread's slot; 1 if kept there.
 * The CAS: other threads may free the same object at the same moment.
 */
static inline unsigned int
nta_free_to_slot(struct nta_pool *p, struct nta_any_slot *s,
		 struct nta_remote_batch *b, void *obj, uint8_t *st)
{
	uint8_t v = NTA_ST_USED_ANY;

	if (unlikely(!__atomic_compare_exchange_n(st, &v, NTA_ST_LOCAL, 0,
						  __ATOMIC_RELAXED,
						  __ATOMIC_RELAXED))) {
		nta_batch_bad(p, &p->any_cnt, b, obj,
			      RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		return 0;
	}
	if (unlikely(s->len == p->any_cap))
		nta_any_spill(p, s, p->any_cap / 2);
	s->obj[s->len] = obj;
	s->st[s->len] = st;
	__atomic_store_n(&s->len, s->len + 1, __ATOMIC_RELAXED);
	return 1;
}

static __rte_noinline int
nta_enqueue_any(struct nta_pool *p, void * const *objs, unsigned int n,
		unsigned int id)
{
	struct nta_any_slot *s = n != 0 ? nta_any_lock(p) : NULL;
	struct nta_remote_batch b;
	unsigned int i, kept = 0;

	b.n = 0;
	b.nb_bad = 0;
	b.mixed = 0;
	for (i = 0; i < n; i++) {
		void *o = objs[i];
		const struct nta_arena *a = nta_dir_find(p, (uintptr_t)o);
		int64_t idx = a != NULL ? nta_arena_slot(p, a, (uintptr_t)o) : -1;
		uint8_t *st;
		uint8_t v;

		if (unlikely(idx < 0)) {
			nta_classify_bad(p, &p->any_cnt, &b, o, a);
			continue;
		}
		st = (uint8_t *)(uintptr_t)&a->state[idx];
		v = __atomic_load_n(st, __ATOMIC_RELAXED);
		if (s != NULL && v == NTA_ST_USED_ANY) {
			kept += nta_free_to_slot(p, s, &b, o, st);
			continue;
		}
		/* an lcore's object goes home; without a slot, USED_ANY
		 * objects go to the depot
		 */
		nta_free_remote(p, &p->any_cnt, &b, o, st, v);
	}
	if (s != NULL)
		nta_any_unlock(s);
	nta_batch_flush(p, &p->any_cnt, &b);
	if (kept != 0)
		__atomic_fetch_add(&p->any_cnt.local_frees, kept,
				   __ATOMIC_RELAXED);
	if (unlikely(b.nb_bad != 0))
		nta_bad_burst_log(p, id, b.nb_bad, b.first_bad, b.first_kind);
	return 0;
}

/* State byte of obj found the long way (and made the hot arena), or NULL
 * after reporting obj as bad.
 */
static __rte_noinline uint8_t *
nta_cold_state(struct nta_pool *p, struct nta_lcore *lc,
	       struct nta_remote_batch *b, void *obj)
{
	const struct nta_arena *a = nta_lookup(p, lc, (uintptr_t)obj);
	int64_t idx = a != NULL ? nta_arena_slot(p, a, (uintptr_t)obj) : -1;

	if (unlikely(idx < 0)) {
		nta_classify_bad(p, &lc->cnt, b, obj, a);
		return NULL;
	}
	return (uint8_t *)(uintptr_t)&a->state[idx];
}

/* The general free loop: objects of any arena, remote frees and bad
 * pointers. What is ours goes to the LIFO (spilling half of it to the
 * depot when full), other lcores' objects are batched home, bad pointers
 * are refused.
 */
static unsigned int
nta_enqueue_local(struct nta_pool *p, struct nta_lcore *lc,
		  void * const *objs, unsigned int n, uint8_t mine,
		  struct nta_remote_batch *b)
{
	unsigned int i, local = 0;

	for (i = 0; i < n; i++) {
		void *o = objs[i];
		uint8_t *st = nta_hot_state(p, lc, o);
		uint8_t v;

		if (unlikely(st == NULL)) {
			st = nta_cold_state(p, lc, b, o);
			if (st == NULL)
				continue;
		}
		v = __atomic_load_n(st, __ATOMIC_RELAXED);
		if (v != mine) {
			/* not ours to keep: a remote free (or a bad one) */
			nta_free_remote(p, &lc->cnt, b, o, st, v);
			continue;
		}
		if (unlikely(lc->len == lc->cap))
			nta_lifo_spill(p, lc, lc->cap / 2);
		__atomic_store_n(st, NTA_ST_LOCAL, __ATOMIC_RELAXED);
		lc->lst[lc->len] = st;
		lc->lifo[lc->len] = o;
		__atomic_store_n(&lc->len, lc->len + 1, __ATOMIC_RELAXED);
		local++;
	}
	return local;
}

static __rte_noinline int
nta_enqueue_slow(struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, unsigned int id)
{
	struct nta_remote_batch b;
	unsigned int local;

	if (unlikely(lc->lifo == NULL || !lc->live) &&
	    nta_lcore_setup(p, id) < 0)
		return nta_enqueue_any(p, objs, n, id);
	b.n = 0;
	b.nb_bad = 0;
	b.mixed = 0;
	local = nta_enqueue_local(p, lc, objs, n, nta_used_state(id), &b);
	nta_batch_flush(p, &lc->cnt, &b);
	nta_cnt_add(&lc->cnt.local_frees, local);
	if (unlikely(b.nb_bad != 0))
		nta_bad_burst_log(p, id, b.nb_bad, b.first_bad, b.first_kind);
	return 0;
}

/* The fast free: objects this lcore took from the arena it last used,
 * while the LIFO has room. Returns how many it took; the first object
 * it could not take (other arena, other owner, bad pointer, full LIFO)
 * and those after it go to the slow path. Everything is in locals: the
 * state byte stores are char stores that may alias any field.
 */
static inline unsigned int
nta_enqueue_fast(const struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, uint8_t mine)
{
	const uint64_t inv = p->lay.div_inv;
	const unsigned int rot = p->lay.div_rot;
	const uintptr_t first = lc->hot_first;
	uint8_t * const state = lc->hot_state;
	const uint64_t nb = lc->hot_nb;
	void ** const lifo = lc->lifo;
	uint8_t ** const lst = lc->lst;
	unsigned int i, len = lc->len;

	n = RTE_MIN(n, lc->cap - len);
	for (i = 0; i < n; i++) {
		void *o = objs[i];
		uint64_t q = ((uintptr_t)o - first) * inv;
		uint8_t *st;

		/* slot index, or a huge number for anything else */
		q = (q >> rot) | (q << ((64 - rot) & 63));
		if (unlikely(q >= nb))
			break;
		st = state + q;
		if (unlikely(__atomic_load_n(st, __ATOMIC_RELAXED) != mine))
			break;
		/* relaxed: a racing double free elsewhere may CAS it */
		__atomic_store_n(st, NTA_ST_LOCAL, __ATOMIC_RELAXED);
		lst[len] = st;
		lifo[len++] = o;
	}
	__atomic_store_n(&lc->len, len, __ATOMIC_RELAXED);
	return i;
}

/* Several objects: the fast loop, then the general one for the rest. */
static __rte_noinline int
nta_enqueue_bulk(struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, unsigned int id)
{
	unsigned int done = nta_enqueue_fast(p, lc, objs, n, nta_used_state(id));

	nta_cnt_add(&lc->cnt.local_frees, done);
	if (unlikely(done != n))
		return nta_enqueue_slow(p, lc, objs + done, n - done, id);
	return 0;
}

/* rte_mempool_put() of one object, without a cache: the fast free
 * without its loop. Returns 0 when the object needs the general path.
 */
static inline int
nta_enqueue_one(const struct nta_pool *p, struct nta_lcore *lc, void *obj,
		uint8_t mine)
{
	uint64_t q = nta_div_exact(&p->lay, (uintptr_t)obj - lc->hot_first);
	unsigned int len = lc->len;
	uint8_t *st;

	if (unlikely(q >= lc->hot_nb || len == lc->cap))
		return 0;
	st = lc->hot_state + q;
	if (unlikely(__atomic_load_n(st, __ATOMIC_RELAXED) != mine))
		return 0;
	__atomic_store_n(st, NTA_ST_LOCAL, __ATOMIC_RELAXED);
	lc->lst[len] = st;
	lc->lifo[len] = obj;
	__atomic_store_n(&lc->len, len + 1, __ATOMIC_RELAXED);
	nta_cnt_add(&lc->cnt.local_frees, 1);
	return 1;
}

static int
nta_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct nta_lcore *lc;

	if (unlikely(id >= RTE_MAX_LCORE))
		return nta_enqueue_any(p, objs, n, id);
	lc = &p->lc[id];
	if (n == 1 && nta_enqueue_one(p, lc, objs[0], nta_used_state(id)))
		return 0;
	return nta_enqueue_bulk(p, lc, objs, n, id);
}

/* ---------------- counts and info ---------------- */

uint64_t
nta_pool_count(const struct nta_pool *p)
{
	uint64_t sum;
	unsigned int i;

	sum = __atomic_load_n(&p->depot_count, __ATOMIC_RELAXED);
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct nta_lcore *lc = &p->lc[i];

		if (__atomic_load_n(&lc->lifo, __ATOMIC_ACQUIRE) == NULL)
			continue;
		sum += __atomic_load_n(&lc->len, __ATOMIC_RELAXED);
		sum += nta_ring_count(lc->ring);
	}
	sum += nta_any_count(p);
	/* a concurrent reader may briefly see an object twice */
	return RTE_MIN(sum, p->populated);
}

static unsigned int
nta_get_count(const struct rte_mempool *mp)
{
	const struct nta_pool *p = mp->pool_data;

	if (!nta_pool_ok(p))
		return 0;
	return (unsigned int)nta_pool_count(p);
}

static int
nta_get_info(const struct rte_mempool *mp, struct rte_mempool_info *info)
{
	struct nta_layout lay;

	if (nta_layout_of(mp, &lay) < 0)
		return -EINVAL;
	info->contig_block_size = lay.contig;
	return 0;
}

static struct rte_mempool_ops nta_ops = {
	.name = RTE_MEMPOOL_NTA_OPS_NAME,
	.alloc = nta_alloc,
	.free = nta_free,
	.enqueue = nta_enqueue,
	.dequeue = nta_dequeue,
	.get_count = nta_get_count,
	.calc_mem_size = nta_calc_mem_size,
	.populate = nta_populate,
	.get_info = nta_get_info,
	.dequeue_contig_blocks = nta_dequeue_contig_blocks,
};

/* Register "nta" once per process. The same driver may be present twice
 * (linked into an application and found again in the EAL plugin
 * directory, or given with -d as well): the first copy serves, the second
 * stays idle instead of taking a second slot of the 16-entry ops table.
 */
RTE_INIT(nta_register)
{
	unsigned int i;

	for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
		if (strcmp(rte_mempool_ops_table.ops[i].name,
			   RTE_MEMPOOL_NTA_OPS_NAME) == 0) {
			RTE_LOG(INFO, MEMPOOL,
				"nta: ops already registered by another copy of the driver\n");
			return;
		}
	if (rte_mempool_register_ops(&nta_ops) < 0)
		RTE_LOG(ERR, MEMPOOL, "nta: cannot register the mempool ops\n");
}
