/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The mempool ops: the fast paths (a registered lcore serving itself from
 * its loaded magazine, no atomics) and the slow ones (magazine changes,
 * remote frees, bad frees, unregistered threads), kept apart.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>

#include "nta_private.h"

#define NTA_OVF_BATCH 32
/* struct nta_send keeps the home of each overflow free in 16 bits */
static_assert(RTE_MAX_LCORE <= UINT16_MAX + 1, "lcore ids must fit in 16 bits");

/* ---------------- dequeue ---------------- */

static __rte_noinline int
nta_dequeue_fail(struct nta_pool *p, struct nta_counters *cnt,
		 unsigned int id, unsigned int n)
{
	nta_cnt_add_by(p, cnt, &cnt->failed_dequeues, 1);
	nta_exhaustion_log(p, id, n);
	return -ENOBUFS;
}

/* Below this many objects a call keeps to the scalar loops (a vector
 * call's set-up would cost more than it saves).
 */
#define NTA_SIMD_MIN 8u

/* Hand out n objects of lcore lc's own store (nta_store_pop()), with the
 * vector steps when this process has them.
 */
static __rte_always_inline void
nta_lcore_pop(const struct nta_pool *p, struct nta_lcore *lc, void **objs,
	      unsigned int n, uint32_t owner)
{
	if (n >= NTA_SIMD_MIN && nta_simd_on())
		nta_simd_pop(p, lc, objs, n, owner);
	else
		nta_store_pop(p, lc, &lc->s, objs, n, owner);
}

/* Put back objects a failed get had taken (they are USED(owner) now). */
static void
nta_store_undo(struct nta_pool *p, struct nta_store *s, struct nta_lcore *lc,
	       void * const *objs, unsigned int n, struct nta_counters *cnt)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		nta_word_t *w = nta_word_of(p, lc, objs[i], NULL);

		if (s->len == s->cap && nta_store_make_room(p, s, cnt) < 0) {
			NTA_LOG(CRIT, "pool %s: no memory for a magazine: %u objects lost",
				p->mp->name, n - i);
			return;
		}
		nta_store_push(s, objs[i], w, nta_word_load(w));
	}
}

/*
 * Objects that came to store s from the depot: their home bytes now name
 * the store's owner, which will hand them out (the store's own frees and
 * lanes bring only objects whose home byte says so already). The lookup
 * that finds each home byte finds its word too: the word cache keeps it,
 * so the hand-out needs no second lookup.
 */
static __rte_noinline void
nta_store_adopt(const struct nta_pool *p, struct nta_lcore *lc,
		struct nta_store *s, uint32_t owner)
{
	nta_word_t ** const wc = s->wc;
	unsigned int i;

	for (i = 0; i < s->len; i++) {
		uint8_t *home;

		wc[i] = nta_word_of(p, lc, s->obj[i], &home);
		nta_home_set(home, owner);
	}
	s->wlo = 0;
}

/* Could a get of n be served? Counts what the store holds, the depot and
 * what waits for this lcore (lanes: it has lanes), all without the lock.
 */
static int
nta_store_can_serve(const struct nta_pool *p, const struct nta_store *s,
		    unsigned int id, int lanes, unsigned int n)
{
	uint64_t have = nta_store_count(s);

	/* the depot first: its count changes only under the lock, while
	 * the lanes' counts sit on lines their producers write every call
	 */
	if (have < n)
		have += __atomic_load_n(&p->depot.count, __ATOMIC_RELAXED);
	if (have < n && lanes)
		have += nta_lanes_pending(p, id);
	return have >= n;
}

/* The general get: magazine after magazine, all or nothing. lc is the
 * lcore's part (its lanes are drained on the way), NULL for a slot. On
 * failure objs[] is left as it was: the library keeps objects there (its
 * cache's array) and counts on them being intact; save has room for n
 * pointers to keep them meanwhile.
 */
static int
nta_store_get_saved(struct nta_pool *p, struct nta_store *s,
		    struct nta_lcore *lc, unsigned int id, void **objs,
		    unsigned int n, struct nta_counters *cnt, void **save)
{
	uint32_t owner = nta_owner(id);
	unsigned int done = 0, k;
	int ret;

	/* a request that cannot be served fails here, cheaply, touching
	 * nothing (routine near exhaustion: the cache's refill asks more)
	 */
	if (!nta_store_can_serve(p, s, id, lc != NULL, n) &&
	    (!nta_reclaim(p) || !nta_store_can_serve(p, s, id, lc != NULL, n)))
		return -ENOBUFS;
	/* the counts may promise what a racing thread takes first, or what
	 * a drain refuses: keep what objs[] held to put it back then
	 */
	memcpy(save, objs, n * sizeof(void *));
	while (done < n) {
		/* an empty store, and no full spare to swap in: what others
		 * freed to this lcore goes straight to the caller
		 */
		if (s->len == 0 && lc != NULL && nta_store_spare(s)->n == 0 &&
		    (k = nta_lcore_take(p, lc, id, objs + done,
					n - done)) != 0) {
			done += k;
			continue;
		}
		if (s->len == 0) {
			ret = nta_store_swap_or_depot(p, s, cnt);
			if (unlikely(ret < 0)) {
				nta_store_undo(p, s, lc, objs, done, cnt);
				memcpy(objs, save, n * sizeof(void *));
				break;
			}
			if (ret > 0)
				nta_store_adopt(p, lc, s, owner);
		}
		k = RTE_MIN(s->len, n - done);
		if (lc != NULL)
			nta_lcore_pop(p, lc, objs + done, k, owner);
		else
			nta_store_pop(p, NULL, s, objs + done, k, owner);
		done += k;
	}
	if (done < n)
		return -ENOBUFS;
	nta_cnt_fast_by(p, cnt, &cnt->local_hits, n);
	return 0;
}

/* Calls of more than this many objects (cache refills) keep objs[] in a
 * bigger buffer, out of line: an 8 KiB frame on every call cost the
 * pipeline's bursts of 32 about 10 % (nta-bench, A/B).
 */
#define NTA_SAVE_SMALL 64u

static __rte_noinline int
nta_store_get_big(struct nta_pool *p, struct nta_store *s,
		  struct nta_lcore *lc, unsigned int id, void **objs,
		  unsigned int n, struct nta_counters *cnt)
{
	void *stack_save[1024], **save = stack_save;
	int ret;

	if (n > RTE_DIM(stack_save))
		save = malloc(n * sizeof(void *));
	if (save == NULL)
		return -ENOBUFS;
	ret = nta_store_get_saved(p, s, lc, id, objs, n, cnt, save);
	if (save != stack_save)
		free(save);
	return ret;
}

static int
nta_store_get(struct nta_pool *p, struct nta_store *s, struct nta_lcore *lc,
	      unsigned int id, void **objs, unsigned int n,
	      struct nta_counters *cnt)
{
	void *save[NTA_SAVE_SMALL];

	if (n > NTA_SAVE_SMALL)
		return nta_store_get_big(p, s, lc, id, objs, n, cnt);
	return nta_store_get_saved(p, s, lc, id, objs, n, cnt, save);
}

/* An unregistered thread: a shared slot, else the depot itself. */
static __rte_noinline int
nta_dequeue_unreg(struct nta_pool *p, void **objs, unsigned int n)
{
	struct nta_unreg_slot *slot;
	unsigned int i;

	if (n == 0)
		return 0;
	slot = nta_unreg_lock(p);
	if (slot != NULL) {
		int ret = -ENOBUFS;

		if (slot->s.cap == 0) {
			nta_lock(p);
			nta_store_attach_locked(p, &slot->s);
			nta_unlock(p);
		}
		if (slot->s.cap != 0)
			ret = nta_store_get(p, &slot->s, NULL, LCORE_ID_ANY,
					    objs, n, &p->unreg_cnt);
		nta_unreg_unlock(slot);
		if (ret == 0)
			return 0;
	}
	/* all slots busy (or too few objects there): loose from the depot */
	nta_lock(p);
	if (p->depot.count < n) {
		nta_unlock(p);
		if (!nta_reclaim(p))
			return nta_dequeue_fail(p, &p->unreg_cnt, LCORE_ID_ANY, n);
		nta_lock(p);
	}
	if (p->depot.count < n) {
		nta_unlock(p);
		return nta_dequeue_fail(p, &p->unreg_cnt, LCORE_ID_ANY, n);
	}
	nta_depot_take_locked(p, objs, n);
	for (i = 0; i < n; i++) {
		uint8_t *home;

		nta_word_store(nta_word_of(p, NULL, objs[i], &home),
			       nta_word_used(NTA_OWN_UNREG, 0));
		nta_home_set(home, NTA_OWN_UNREG);
	}
	nta_unlock(p);
	__atomic_fetch_add(&p->unreg_cnt.depot_gets, n, __ATOMIC_RELAXED);
	return 0;
}

static __rte_noinline int
nta_dequeue_slow(struct nta_pool *p, void **objs, unsigned int n,
		 unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];

	if (n == 0)
		return 0;
	if (unlikely(lc->s.cap == 0) && nta_lcore_setup(p, id) < 0)
		return nta_dequeue_unreg(p, objs, n);
	if (nta_store_get(p, &lc->s, lc, id, objs, n, &lc->cnt) < 0)
		return nta_dequeue_fail(p, &lc->cnt, id, n);
	return 0;
}

/* Several objects (or an empty magazine): kept out of nta_dequeue() so
 * that the one-object path needs no saved registers.
 */
static __rte_noinline int
nta_dequeue_bulk(struct nta_pool *p, void **objs, unsigned int n,
		 unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];

	int ret = 0;

	if (likely(lc->s.len >= n && n != 0)) {
		nta_lcore_pop(p, lc, objs, n, nta_owner(id));
		nta_cnt_fast(&lc->cnt.local_hits, n);
	} else {
		ret = nta_dequeue_slow(p, objs, n, id);
	}
	nta_lcore_tick(p, lc, id);
	return ret;
}

static int
nta_dequeue(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct nta_lcore *lc;

	if (unlikely(id >= RTE_MAX_LCORE))
		return nta_dequeue_unreg(p, objs, n);
	lc = &p->lc[id];
	nta_lcore_check(p, lc, id);
	if (n == 1 && likely(lc->s.len != 0)) {
		/* rte_mempool_get() of one object, without a cache */
		nta_store_pop(p, lc, &lc->s, objs, 1, nta_owner(id));
		nta_cnt_fast(&lc->cnt.local_hits, 1);
		nta_lcore_tick(p, lc, id);
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
	uint64_t e;
	int ret;

	if (n == 0)
		return 0;
	if (id < RTE_MAX_LCORE)
		nta_lcore_check(p, &p->lc[id], id);
	if (id < RTE_MAX_LCORE && p->lc[id].s.cap == 0 &&
	    nta_lcore_setup(p, id) < 0)
		id = LCORE_ID_ANY;
	cnt = id < RTE_MAX_LCORE ? &p->lc[id].cnt : &p->unreg_cnt;
	e = id < RTE_MAX_LCORE ? nta_epoch_next(&p->lc[id]) : 0;
	ret = nta_depot_take_blocks(p, first_obj_table, n, nta_owner(id), e);
	if (ret == -ENOBUFS && nta_reclaim(p))
		ret = nta_depot_take_blocks(p, first_obj_table, n,
					    nta_owner(id), e);
	if (id < RTE_MAX_LCORE) {
		nta_epoch_publish(&p->lc[id], e);
		nta_lcore_tick(p, &p->lc[id], id);
	}
	if (ret < 0)
		__atomic_fetch_add(&cnt->failed_dequeues, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&cnt->depot_gets,
				   (uint64_t)n * p->lay.contig,
				   __ATOMIC_RELAXED);
	return ret;
}

/* ---------------- enqueue ---------------- */

/* What one put call sends away: the lane open for the current home, the
 * frees that go to overflow lists, and the bad frees for one log line.
 */
struct nta_send {
	struct nta_lane *l;             /* lane being written, or NULL */
	uint32_t head;                  /* its head, published at close */
	uint32_t room;
	uint32_t nobj;                  /* objects written since open */
	uint32_t need_hdr;              /* the run's header is not written */
	uint64_t epoch;                 /* its home's epoch, read at open */
	unsigned int sent;
	unsigned int nb_ovf;
	unsigned int nb_bad;
	const void *first_bad;
	enum rte_mempool_nta_bad_kind first_kind;
	uint16_t ovf_home[NTA_OVF_BATCH];
	void *ovf[NTA_OVF_BATCH];
};

static inline void
nta_send_init(struct nta_send *b)
{
	b->l = NULL;
	b->sent = 0;
	b->nb_ovf = 0;
	b->nb_bad = 0;
}

static void
nta_send_bad(struct nta_pool *p, struct nta_counters *cnt,
	     struct nta_send *b, const void *obj,
	     enum rte_mempool_nta_bad_kind kind)
{
	nta_bad_free(p, cnt, obj, kind);
	if (b->nb_bad++ == 0) {
		b->first_bad = obj;
		b->first_kind = kind;
	}
}

static __rte_noinline void
nta_send_classify(struct nta_pool *p, struct nta_counters *cnt,
		  struct nta_send *b, const void *obj)
{
	const struct nta_arena *a;
	enum rte_mempool_nta_bad_kind kind;

	a = nta_dir_find(p, (uintptr_t)obj);
	/* a was found from the element start; the pointer itself may lie
	 * elsewhere (in front of an arena's first object, or past its end)
	 */
	if (a == NULL || !nta_in_arena(a, (uintptr_t)obj))
		a = nta_dir_find(p, (uintptr_t)obj + p->lay.hdr_size);
	if (a == NULL || !nta_in_arena(a, (uintptr_t)obj))
		kind = nta_classify_foreign(p, obj);
	else
		kind = RTE_MEMPOOL_NTA_BAD_INTERIOR;
	nta_send_bad(p, cnt, b, obj, kind);
}

static __rte_noinline void
nta_send_ovf_flush(struct nta_pool *p, struct nta_send *b)
{
	unsigned int i = 0, j;

	if (b->nb_ovf == 0)
		return;
	nta_lock(p);
	while (i < b->nb_ovf) {
		unsigned int home = b->ovf_home[i];

		for (j = i + 1; j < b->nb_ovf && b->ovf_home[j] == home; j++)
			;
		/* a home whose thread has left drains nowhere: validate
		 * now (lc->live only changes under the lock), so that a
		 * double free is refused at once and nothing waits, what
		 * it was sent before too
		 */
		if (!p->lc[home].live) {
			nta_dead_take_locked(p, home, b->ovf + i, j - i);
			nta_drain_dead_locked(p, home);
			i = j;
			continue;
		}
		/* acquire: as in nta_send_open(); still within the call
		 * that frees these objects
		 */
		nta_ovf_push_locked(p, home, b->ovf + i, j - i,
				    __atomic_load_n(&p->lc[home].epoch,
						    __ATOMIC_ACQUIRE));
		i = j;
	}
	nta_unlock(p);
	b->sent += b->nb_ovf;
	b->nb_ovf = 0;
}

static void
nta_send_ovf(struct nta_pool *p, struct nta_send *b, unsigned int home,
	     void *obj)
{
	if (b->nb_ovf == NTA_OVF_BATCH)
		nta_send_ovf_flush(p, b);
	b->ovf_home[b->nb_ovf] = (uint16_t)home;
	b->ovf[b->nb_ovf++] = obj;
}

/* Publish what was written to the open lane. */
static inline void
nta_send_close(struct nta_send *b)
{
	if (b->l == NULL)
		return;
	/* relaxed: a count for readers (nta_lanes_pending()), who
	 * tolerate a stale one
	 */
	__atomic_store_n(&b->l->objs, b->l->objs + b->nobj, __ATOMIC_RELAXED);
	/* the producer's copy first, after the entries it covers: a
	 * process killed between the two leaves it ahead of head, never
	 * behind (a new thread on this lcore goes on from it, so head only
	 * grows; the entries in between are whole, and its first close
	 * publishes them: validated like any other). Program order is what
	 * a kill keeps, hence the compiler barrier (nta_store_place()).
	 */
	rte_compiler_barrier();
	b->l->phead = b->head;
	/* release: pairs with the home's acquire of head in
	 * nta_lane_drain(); the entries below head are written
	 */
	__atomic_store_n(&b->l->head, b->head, __ATOMIC_RELEASE);
	b->l = NULL;
}

static __rte_noinline int
nta_send_open(struct nta_pool *p, struct nta_lcore *lc, unsigned int src,
	      struct nta_send *b, unsigned int home)
{
	struct nta_lane *l = lc->lane_to[home];

	nta_send_close(b);
	/* relaxed: a hint only; a home that leaves after this check has
	 * its lanes drained by the next lock holder (nta_reap_locked())
	 */
	if (unlikely(!__atomic_load_n(&p->lc[home].live, __ATOMIC_RELAXED)))
		return -ESRCH; /* to the overflow list, drained at once */
	if (unlikely(l == NULL)) {
		l = nta_lane_create(p, src, home);
		if (l == NULL)
			return -ENOMEM;
	}
	b->l = l;
	/* acquire: pairs with the home's release in nta_epoch_publish();
	 * every object of home this call frees was handed out at this
	 * epoch or before
	 */
	b->epoch = __atomic_load_n(&p->lc[home].epoch, __ATOMIC_ACQUIRE);
	b->need_hdr = 1;
	b->nobj = 0;
	b->head = l->phead;
	b->room = l->mask + 1 - (b->head - l->tail_seen);
	return 0;
}

/* Room in the open lane for a run header and one object at least:
 * refreshes the producer's view of tail when it looks full.
 */
static inline int
nta_send_has_room(struct nta_send *b)
{
	struct nta_lane *l = b->l;

	if (likely(b->room > b->need_hdr))
		return 1;
	/* acquire: pairs with the home's release of tail in
	 * nta_lane_drain(); the entries below it are read
	 */
	l->tail_seen = __atomic_load_n(&l->tail, __ATOMIC_ACQUIRE);
	b->room = l->mask + 1 - (b->head - l->tail_seen);
	return b->room > b->need_hdr;
}

/* Write n objects (after the run's header if it is not written yet) into
 * the open lane, which has room for them.
 */
static inline void
nta_send_put(struct nta_send *b, void * const *objs, unsigned int n)
{
	struct nta_lane *l = b->l;
	uint32_t head = b->head, mask = l->mask;
	unsigned int i;

	if (unlikely(b->need_hdr)) {
		l->ent[head++ & mask] = nta_run_hdr(b->epoch);
		b->room--;
		b->need_hdr = 0;
	}
	for (i = 0; i < n; i++)
		l->ent[(head + i) & mask] = (uintptr_t)objs[i];
	b->head = head + n;
	b->room -= n;
	b->nobj += n;
	b->sent += n;
}

/* A free of obj, an object of lcore `home`. */
static inline void
nta_send(struct nta_pool *p, struct nta_lcore *lc, unsigned int src,
	 struct nta_send *b, unsigned int home, void *obj)
{
	/* another lcore's object, an even pointer (odd entries are run
	 * headers, see nta_run_hdr())
	 */
	RTE_ASSERT(home < RTE_MAX_LCORE && home != src &&
		   !nta_is_hdr((uintptr_t)obj));
	if (unlikely(b->l == NULL || b->l->home != home) &&
	    nta_send_open(p, lc, src, b, home) < 0) {
		nta_send_ovf(p, b, home, obj);
		return;
	}
	if (unlikely(!nta_send_has_room(b))) {
		nta_send_ovf(p, b, home, obj);
		return;
	}
	nta_send_put(b, &obj, 1);
}

/*
 * A row of objects of the home `own` names, into its lane: the remote
 * twin of nta_enqueue_fast() (a pipeline's Tx side, a cache flush of what
 * another lcore handed out). Their words are not read: the home checks
 * them when it drains. Stops at an object of another home, one outside
 * the lookup cache, or a full lane; returns how many were sent.
 */
static __rte_always_inline unsigned int
nta_send_fast(const struct nta_pool *p, struct nta_lcore *lc,
	      struct nta_send *b, void * const *objs, unsigned int n,
	      uint32_t own, const int paged)
{
	struct nta_hot_key k;
	struct nta_hot_cur c;
	unsigned int i;

	if (!nta_send_has_room(b))
		return 0;
	n = RTE_MIN(n, b->room - b->need_hdr);
	nta_hot_key_init(p, lc, &k);
	nta_hot_cur_init(&c);
	for (i = 0; i < n; i++) {
		uint64_t slot;

		/* relaxed: see nta_home_set() */
		if (unlikely(!nta_hot_cur_slot(&k, &c, objs[i], paged, &slot) ||
			     __atomic_load_n(&c.home[slot],
					     __ATOMIC_RELAXED) != own))
			break;
	}
	if (i != 0)
		nta_send_put(b, objs, i);
	return i;
}

/* nta_send_fast() to the home of the open lane, one loop per geometry. */
static inline unsigned int
nta_send_row(const struct nta_pool *p, struct nta_lcore *lc,
	     struct nta_send *b, void * const *objs, unsigned int n)
{
	uint32_t own = nta_owner(b->l->home);

	return nta_paged(p) ? nta_send_fast(p, lc, b, objs, n, own, 1) :
		nta_send_fast(p, lc, b, objs, n, own, 0);
}

static void
nta_send_finish(struct nta_pool *p, struct nta_counters *cnt,
		struct nta_send *b, unsigned int id)
{
	nta_send_close(b);
	nta_send_ovf_flush(p, b);
	if (b->sent != 0)
		nta_cnt_fast_by(p, cnt, &cnt->remote_sent, b->sent);
	if (unlikely(b->nb_bad != 0))
		nta_bad_burst_log(p, id, b->nb_bad, b->first_bad, b->first_kind);
}

/* Keep a free object in store s, changing magazines when it is full;
 * with no store (an unregistered thread that found every slot busy), in
 * the depot.
 */
static inline void
nta_keep(struct nta_pool *p, struct nta_store *s, struct nta_counters *cnt,
	 void *obj, nta_word_t *w, nta_word_t v)
{
	if (unlikely(s == NULL)) {
		nta_lock(p);
		nta_depot_put_locked(p, &obj, 1);
		/* FREE once in the depot (a kill in between leaves it there),
		 * before the unlock that lets another thread take it
		 */
		nta_word_store(w, nta_word_freed(v));
		nta_unlock(p);
		nta_cnt_add_by(p, cnt, &cnt->depot_puts, 1);
		return;
	}
	if (unlikely(s->len == s->cap) && nta_store_make_room(p, s, cnt) < 0) {
		NTA_LOG(CRIT, "pool %s: no memory for a magazine: object %p lost",
			p->mp->name, obj);
		return;
	}
	nta_store_push(s, obj, w, v);
}

/* Keep an object with no home (its word says UNREG), which racing frees may
 * claim too, by CAS: the object is in s before its word says FREE, so
 * that a process killed in between leaves it where the retirement or
 * take-over of s finds it (nta_store_mark_free()). Returns 0 if another
 * free won (nothing kept).
 */
static inline int
nta_keep_claim(struct nta_pool *p, struct nta_store *s,
	       struct nta_counters *cnt, void *obj, nta_word_t *w,
	       nta_word_t v)
{
	unsigned int len;

	if (unlikely(s == NULL || s->len == s->cap)) {
		/* the depot, or a magazine change: claimed first */
		if (!nta_word_claim(w, v))
			return 0;
		nta_keep(p, s, cnt, obj, w, v);
		return 1;
	}
	len = s->len;
	nta_store_place(s, s->obj, s->wc, len, obj, w);
	if (likely(nta_word_claim(w, v)))
		return 1;
	/* relaxed: as in nta_store_place() */
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
	return 0;
}

/*
 * The general free of one object into store s (owner `mine`), from an
 * lcore (lc != NULL: other lcores' objects go home through its lanes) or
 * from an unregistered thread (lc == NULL: they go through the overflow
 * lists; s is its slot's store, or NULL for the depot). Returns 1 if the
 * object was kept in s.
 *
 * An object whose home byte names another lcore goes there without its
 * word being read: the home checks it. Otherwise the word decides.
 */
static inline unsigned int
nta_free_one(struct nta_pool *p, struct nta_store *s, struct nta_lcore *lc,
	     unsigned int id, struct nta_counters *cnt, struct nta_send *b,
	     void *o)
{
	uint32_t mine = nta_owner(id);
	uint8_t *home;
	nta_word_t *w = nta_word_of(p, lc, o, &home);
	nta_word_t v;
	uint32_t own;

	if (unlikely(w == NULL)) {
		nta_send_classify(p, cnt, b, o);
		return 0;
	}
	/* relaxed: see nta_home_set() */
	own = __atomic_load_n(home, __ATOMIC_RELAXED);
	if (own == mine || own == NTA_OWN_UNREG || own == NTA_OWN_FREE) {
		/* this thread's own object, one with no home, or one never
		 * handed out (or a home byte not yet written by a racing
		 * hand-out of a double-freed object): the word says
		 */
		v = nta_word_load(w);
		own = v & NTA_OWN_MASK;
		if (own == mine && mine != NTA_OWN_UNREG) {
			nta_keep(p, s, cnt, o, w, v);
			return s != NULL;
		}
		if (own == NTA_OWN_UNREG) {
			/* no home: racing frees decide by CAS */
			if (!nta_keep_claim(p, s, cnt, o, w, v)) {
				nta_send_bad(p, cnt, b, o,
					     RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
				return 0;
			}
			/* it joined this store: its home byte says so */
			if (s != NULL)
				nta_home_set(home, mine);
			return s != NULL;
		}
		if (own == NTA_OWN_FREE) {
			nta_send_bad(p, cnt, b, o,
				     RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
			return 0;
		}
	}
	if (lc != NULL)
		nta_send(p, lc, id, b, own - 1, o);
	else
		nta_send_ovf(p, b, own - 1, o);
	return 0;
}

static __rte_noinline int
nta_enqueue_unreg(struct nta_pool *p, void * const *objs, unsigned int n)
{
	struct nta_unreg_slot *slot = n != 0 ? nta_unreg_lock(p) : NULL;
	struct nta_store *s = NULL;
	struct nta_send b;
	unsigned int i, kept = 0;

	if (slot != NULL && slot->s.cap == 0) {
		nta_lock(p);
		nta_store_attach_locked(p, &slot->s);
		nta_unlock(p);
	}
	if (slot != NULL && slot->s.cap != 0)
		s = &slot->s;
	else if (slot != NULL)
		nta_unreg_unlock(slot);
	nta_send_init(&b);
	for (i = 0; i < n; i++)
		kept += nta_free_one(p, s, NULL, LCORE_ID_ANY, &p->unreg_cnt, &b,
				     objs[i]);
	if (s != NULL)
		nta_unreg_unlock(slot);
	nta_send_finish(p, &p->unreg_cnt, &b, LCORE_ID_ANY);
	if (kept != 0)
		nta_cnt_fast_by(p, &p->unreg_cnt, &p->unreg_cnt.local_frees, kept);
	return 0;
}

static __rte_noinline int
nta_enqueue_slow(struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, unsigned int id)
{
	struct nta_send b;
	unsigned int i, kept = 0;

	if (unlikely(lc->s.cap == 0) && nta_lcore_setup(p, id) < 0)
		return nta_enqueue_unreg(p, objs, n);
	nta_send_init(&b);
	for (i = 0; i < n; ) {
		unsigned int sent = b.sent;

		kept += nta_free_one(p, &lc->s, lc, id, &lc->cnt, &b, objs[i++]);
		/* sent home: the objects after it most likely go there too
		 * (a flush of what one other lcore handed out)
		 */
		if (b.sent != sent && b.l != NULL && i < n)
			i += nta_send_row(p, lc, &b, objs + i, n - i);
	}
	nta_send_finish(p, &lc->cnt, &b, id);
	nta_cnt_fast(&lc->cnt.local_frees, kept);
	return 0;
}

/* The fast free: this lcore's own objects found in its lookup cache,
 * while the loaded magazine has room. Returns how many it took; the first
 * object it could not take (not in the cache, other owner, bad pointer,
 * full magazine) and those after it go to the slow path. Everything is in
 * locals: the word stores may alias any field.
 */
static __rte_always_inline unsigned int
nta_enqueue_fast(const struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, uint32_t mine,
		 const int paged)
{
	void ** const obj = lc->s.obj;
	nta_word_t ** const wc = lc->s.wc;
	unsigned int i, len = lc->s.len;
	struct nta_hot_key k;

	nta_hot_key_init(p, lc, &k);
	n = RTE_MIN(n, lc->s.cap - len);
	for (i = 0; i < n; i++) {
		void *o = objs[i];
		const struct nta_hot *h;
		nta_word_t *w;
		nta_word_t v;
		uint64_t slot;

		/* the way of each object (see nta_drain_word()) */
		h = nta_hot_slot(&k, o, paged, &slot);
		if (unlikely(h == NULL))
			break;
		w = h->state + slot;
		v = nta_word_load(w);
		if (unlikely((v & NTA_OWN_MASK) != mine))
			break;
		/* FREE before the next object is checked, so that a second
		 * copy of it in this call is refused
		 */
		len = nta_store_place(&lc->s, obj, wc, len, o, w);
		nta_word_store(w, nta_word_freed(v));
	}
	return i;
}

/* nta_enqueue_fast() of an unpaged pool: the vector steps where this
 * process has them, then the scalar loop from where they stop (an arena
 * change, an object that is not this lcore's, the same object twice, a
 * full magazine, fewer than four left) to the end of the call: rows mixed
 * from many arenas would stop the steps at nearly every four, each then
 * done twice. Returns as nta_enqueue_fast() does, or NTA_SIMD_FOREIGN
 * (from the vector steps).
 */
static __rte_always_inline unsigned int
nta_enqueue_run(const struct nta_pool *p, struct nta_lcore *lc,
		void * const *objs, unsigned int n, uint32_t mine)
{
	unsigned int done = 0;

	if (n >= NTA_SIMD_MIN && nta_simd_on()) {
		done = nta_simd_put(p, lc, objs, n, mine);
		if (unlikely(done == NTA_SIMD_FOREIGN))
			return done;
		if (done == NTA_SIMD_UNSEEN)
			done = 0;
	}
	return done + nta_enqueue_fast(p, lc, objs + done, n - done, mine, 0);
}

/* Is the first of objs another home's (by its home byte)? */
static inline int
nta_enqueue_foreign(const struct nta_pool *p, struct nta_lcore *lc,
		    void * const *objs, uint32_t mine)
{
	uint8_t *home;

	/* relaxed: see nta_home_set() */
	return nta_word_of(p, lc, objs[0], &home) != NULL &&
		__atomic_load_n(home, __ATOMIC_RELAXED) != mine;
}

/*
 * Several objects: the fast loop, then the general one for the rest.
 * Objects of another home (a pipeline's Tx side) go straight to the
 * general loop, which routes them by home byte without reading the first
 * one's word, a line that home writes: the vector steps read the first
 * home byte through the way they load anyway; without them, or when they
 * did not read it, a lookup of its own.
 */
static __rte_noinline int
nta_enqueue_bulk(struct nta_pool *p, struct nta_lcore *lc,
		 void * const *objs, unsigned int n, unsigned int id)
{
	const uint32_t mine = nta_owner(id);
	unsigned int done = NTA_SIMD_UNSEEN;

	if (n == 0)
		return 0;
	if (!nta_paged(p) && n >= NTA_SIMD_MIN && nta_simd_on())
		done = nta_simd_put(p, lc, objs, n, mine);
	if (unlikely(done == NTA_SIMD_FOREIGN) ||
	    (done == NTA_SIMD_UNSEEN && nta_enqueue_foreign(p, lc, objs, mine)))
		return nta_enqueue_slow(p, lc, objs, n, id);
	if (done == NTA_SIMD_UNSEEN)
		done = 0;
	done += nta_paged(p) ?
		nta_enqueue_fast(p, lc, objs + done, n - done, mine, 1) :
		nta_enqueue_fast(p, lc, objs + done, n - done, mine, 0);
	/* a full store (a flush bigger than its room): a magazine change,
	 * then the fast loop again
	 */
	while (done != n && lc->s.len == lc->s.cap && lc->s.cap != 0 &&
	       nta_store_make_room(p, &lc->s, &lc->cnt) == 0) {
		unsigned int k = nta_paged(p) ?
			nta_enqueue_fast(p, lc, objs + done, n - done, mine,
					 1) :
			nta_enqueue_run(p, lc, objs + done, n - done, mine);

		/* later objects of another home: the general loop below */
		if (k == NTA_SIMD_FOREIGN)
			break;
		done += k;
	}
	nta_cnt_fast(&lc->cnt.local_frees, done);
	if (unlikely(done != n))
		return nta_enqueue_slow(p, lc, objs + done, n - done, id);
	return 0;
}

/* rte_mempool_put() of one object, without a cache: the fast free
 * without its loop. Returns 0 when the object needs the general path.
 */
static inline int
nta_enqueue_one(const struct nta_pool *p, struct nta_lcore *lc, void *obj,
		uint32_t mine)
{
	const struct nta_hot *h;
	struct nta_hot_key k;
	nta_word_t *w, v;
	uint64_t slot;

	nta_hot_key_init(p, lc, &k);
	h = nta_paged(p) ? nta_hot_slot(&k, obj, 1, &slot) :
		nta_hot_slot(&k, obj, 0, &slot);
	if (unlikely(h == NULL || lc->s.len == lc->s.cap))
		return 0;
	/* relaxed: see nta_home_set(); another home's object goes the
	 * general way without its word being read
	 */
	if (unlikely(__atomic_load_n(&h->home[slot], __ATOMIC_RELAXED) != mine))
		return 0;
	w = h->state + slot;
	v = nta_word_load(w);
	if (unlikely((v & NTA_OWN_MASK) != mine))
		return 0;
	nta_store_push(&lc->s, obj, w, v);
	nta_cnt_fast(&lc->cnt.local_frees, 1);
	return 1;
}

static int
nta_enqueue(struct rte_mempool *mp, void * const *objs, unsigned int n)
{
	struct nta_pool *p = mp->pool_data;
	unsigned int id = rte_lcore_id();
	struct nta_lcore *lc;

	if (unlikely(id >= RTE_MAX_LCORE))
		return nta_enqueue_unreg(p, objs, n);
	lc = &p->lc[id];
	nta_lcore_check(p, lc, id);
	if (n == 1 && nta_enqueue_one(p, lc, objs[0], nta_owner(id)))
		return 0;
	return nta_enqueue_bulk(p, lc, objs, n, id);
}

/* ---------------- counts and info ---------------- */

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

/* ---------------- a thread that unregisters strands nothing ---------------- */

static void
nta_walk_retire(struct rte_mempool *mp, void *arg)
{
	struct nta_pool *p = nta_pool_of(mp);
	unsigned int id = *(unsigned int *)arg;

	if (p == NULL || id >= RTE_MAX_LCORE)
		return;
	/* the library's per-lcore cache first: it runs on the leaving
	 * thread, so these objects come back to its store, then to the depot.
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
