/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Remote frees: lanes, and the overflow behind them.
 *
 * An object freed away from its home goes back to the home, which alone
 * writes its word. The freeing lcore reads only the object's home byte
 * (read-mostly) and, once per run of objects for one home, the home's
 * epoch, and appends to its lane to the home a run header with that epoch
 * and the objects: a single-producer, single-consumer ring created the
 * first time the pair exchanges, so the only lines both sides write are
 * the indices, once per batch (one release store of head per run, one of
 * tail per drain). The home validates each object on drain against its
 * own word: owner still itself and handed out no later than the run's
 * epoch. A second free of an object, sent before the object was handed
 * out again, finds the owner FREE or a later hand-out whenever it arrives,
 * and is refused and counted.
 *
 * A lane that is full sends the rest to the home's overflow list, under
 * the pool lock; unregistered threads, which have no lanes, send there
 * too. The home takes the list when its lanes are empty. An lcore whose
 * thread has left is drained by whoever holds the pool lock (nta_lcore.c).
 */

#include <string.h>

#include <rte_prefetch.h>

#include "nta_private.h"

#define NTA_SWEEP_BATCH 64

size_t
nta_lane_memsize(uint32_t size)
{
	return sizeof(struct nta_lane) + (size_t)size * sizeof(uintptr_t);
}

/* The lane from src to home, made on first use (under the lock). */
struct nta_lane *
nta_lane_create(struct nta_pool *p, unsigned int src, unsigned int home)
{
	struct nta_lcore *to = &p->lc[home];
	struct nta_lane *l;

	/* a lane joins two different lcores; the sender's table exists */
	RTE_ASSERT(src < RTE_MAX_LCORE && home < RTE_MAX_LCORE && src != home &&
		   p->lc[src].lane_to != NULL);
	nta_lock(p);
	l = nta_chunk_alloc(p, nta_lane_memsize(p->lay.ring_size),
			    "nta_lane");
	if (l != NULL) {
		l->mask = p->lay.ring_size - 1;
		l->src = (uint16_t)src;
		l->home = (uint16_t)home;
		l->next = to->lanes_in;
		/* release: the lane is initialised before its home (or a
		 * reader of the counts) can find it through the list
		 */
		__atomic_store_n(&to->lanes_in, l, __ATOMIC_RELEASE);
		p->lc[src].lane_to[home] = l;
	}
	nta_unlock(p);
	return l;
}

/* Validate a free of o (word w) sent at epoch t to home `owner`; on
 * success its word is `to` (0: FREE) and the object is in *obj: pushed
 * onto s when obj is the free end of store s (nta_store_place(): in its
 * place before its word says FREE), else written to the caller's buffer
 * (s NULL). Returns 1 if kept.
 */
static __rte_always_inline unsigned int
nta_home_take(struct nta_pool *p, nta_word_t *w, uint32_t owner,
	      uint64_t now, uint64_t t, void *o, void **obj,
	      struct nta_store *s, struct nta_counters *cnt, nta_word_t to)
{
	nta_word_t v;

	/* the sender found the object in this pool: w != NULL */
	RTE_ASSERT(w != NULL);
	v = nta_word_load(w);
	if (unlikely(!nta_free_accepts(v, owner, t, now))) {
		nta_bad_free(p, cnt, o, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		return 0;
	}
	if (s != NULL)
		nta_store_place(s, s->obj, s->wc, s->len, o, w);
	else
		*obj = o;
	nta_word_store(w, to != 0 ? to : nta_word_freed(v));
	return 1;
}

/*
 * The epoch a drain for home `owner` reads the words against (`now`),
 * and what an accepted free's word becomes (0: FREE). A hand-out at
 * epoch e (nta_lcore_take()) reads them against e itself, so that a
 * second copy of an object it took in the same drain, now stamped e, is
 * refused; otherwise the home's epoch, read relaxed: only the home
 * writes it, and the home or the lock holder draining a home that left
 * (after it left) reads it.
 */
static __rte_always_inline uint64_t
nta_drain_now(const struct nta_lcore *home, uint64_t e)
{
	return e != 0 ? e : __atomic_load_n(&home->epoch, __ATOMIC_RELAXED);
}

static __rte_always_inline nta_word_t
nta_drain_to(uint32_t owner, uint64_t e)
{
	return e != 0 ? nta_word_used(owner, e) : 0;
}

/* Word of o, an object the sender found in this pool: through the
 * drainer's lookup cache (me NULL: a lock holder draining for a home that
 * left), else the directory. The way of each object, not the arena of
 * the one before (nta_hot_cur_slot()): what comes back from other lcores
 * mixes arenas (a pipeline's objects come from two or three, in no
 * order), and the test for the same arena as before would mispredict at
 * each change (cache 256 pipeline: +7 %).
 */
static __rte_always_inline nta_word_t *
nta_drain_word(const struct nta_pool *p, struct nta_lcore *me,
	       const struct nta_hot_key *k, const void *o, const int paged)
{
	const struct nta_hot *h;
	uint64_t s;

	if (likely(me != NULL) &&
	    likely((h = nta_hot_slot(k, o, paged, &s)) != NULL))
		return h->state + s;
	return nta_word_slow(p, me, o, NULL);
}

/* Lines of entries a drain asks for at once: about what a core keeps on
 * the way (a cache refill of 256 objects is 32 lines)
 */
#define NTA_DRAIN_PREFETCH_LINES 32u

/*
 * Ask for the lines of the entries a drain is about to read, at once:
 * they were written by the producer's core and sit in its cache, and the
 * drain loop, whose work per entry depends on the entry, would otherwise
 * have one or two of them on the way at a time. Only lines below head
 * (an empty lane's line at tail is the one its producer writes next),
 * at most max + 1 entries (a run header among them), at most
 * NTA_DRAIN_PREFETCH_LINES lines.
 */
static __rte_always_inline void
nta_lane_prefetch(const struct nta_lane *l, uint32_t tail, uint32_t head,
		  uint32_t mask, unsigned int max)
{
	const unsigned int per_line = RTE_CACHE_LINE_SIZE / sizeof(l->ent[0]);
	uint32_t want = RTE_MIN(head - tail, max + 1u);
	uint32_t i, end;

	want = RTE_MIN(want, NTA_DRAIN_PREFETCH_LINES * per_line);
	if (want == 0)
		return;
	end = tail + want;
	for (i = tail & ~(per_line - 1); (int32_t)(end - i) > 0; i += per_line)
		rte_prefetch0(&l->ent[i & mask]);
}

/* The loop of nta_lane_drain(), one per geometry (see nta_paged()) and
 * one more for the home's direct hand-out (take: me set, s NULL, e not
 * 0), a pipeline's every refill: with those known, the loop keeps no
 * test of them per entry.
 */
static __rte_always_inline unsigned int
nta_lane_drain_loop(struct nta_pool *p, struct nta_lane *l,
		    struct nta_lcore *me, uint32_t owner, void **obj,
		    struct nta_store *s, unsigned int max,
		    struct nta_counters *cnt, uint64_t e, const int paged,
		    const int take)
{
	uint32_t tail = l->tail, head, taken = 0;
	/* the lane's mask and home from what the drainer has at hand, not
	 * from the lane: they sit on the line the producer writes head in,
	 * whose miss the first of them took before anything else was asked
	 * for (perf, cache 256 pipeline: 11 % of the drain on l->home); and
	 * the stores below could alias them, making the compiler load them
	 * again per entry. Every lane of a pool has the pool's ring size.
	 */
	const uint32_t mask = p->lay.ring_size - 1;
	const uint64_t now = nta_drain_now(&p->lc[owner - 1], e);
	const nta_word_t to = nta_drain_to(owner, e);
	uint64_t run = l->run;
	struct nta_hot_key k = { .hot = NULL }; /* read only with me */
	unsigned int n = 0;

	RTE_ASSERT(mask == l->mask && owner == nta_owner(l->home));
	/* the direct hand-out's loop is only called with those known
	 * (nta_lane_drain()); to says USED(owner), never 0
	 */
	RTE_ASSERT(!take || (me != NULL && s == NULL && to != 0));
	if (take && (me == NULL || s != NULL || to == 0))
		__builtin_unreachable();
	if (me != NULL)
		nta_hot_key_init(p, me, &k);
	/* the first line of entries on its way beside head's, two misses
	 * at once. For an empty lane this is the line its producer writes
	 * next, which then costs that producer a miss on its next send
	 * here (nta_lane_prefetch() asks for no such line): the price of
	 * not waiting for head before asking (pipeline, cache 0: +10 %)
	 */
	rte_prefetch0(&l->ent[tail & mask]);
	/* acquire: pairs with the producer's release of head; the entries
	 * below it are written
	 */
	head = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
	nta_lane_prefetch(l, tail, head, mask, max);
	while (tail != head && n < max) {
		uintptr_t ent = l->ent[tail & mask];

		tail++;
		if (unlikely(nta_is_hdr(ent))) {
			run = nta_hdr_epoch(ent);
			continue;
		}
		n += nta_home_take(p, nta_drain_word(p, me, &k, (void *)ent,
						     paged),
				   owner, now, run, (void *)ent, obj + n, s, cnt, to);
		taken++;
	}
	l->run = run;
	/* relaxed: a count for readers, who tolerate a stale one */
	__atomic_store_n(&l->objs_taken, l->objs_taken + taken,
			 __ATOMIC_RELAXED);
	/* release: the entries read above may be written again */
	__atomic_store_n(&l->tail, tail, __ATOMIC_RELEASE);
	return n;
}

static unsigned int
nta_lane_drain(struct nta_pool *p, struct nta_lane *l, struct nta_lcore *me,
	       uint32_t owner, void **obj, struct nta_store *s,
	       unsigned int max, struct nta_counters *cnt, uint64_t e)
{
	if (me != NULL && s == NULL && e != 0 && !nta_paged(p))
		return nta_lane_drain_loop(p, l, me, owner, obj, NULL, max,
					   cnt, e, 0, 1);
	return nta_paged(p) ?
		nta_lane_drain_loop(p, l, me, owner, obj, s, max, cnt, e, 1,
				    0) :
		nta_lane_drain_loop(p, l, me, owner, obj, s, max, cnt, e, 0,
				    0);
}

/* Take the overflow list of home (under the lock), validate it. */
static unsigned int
nta_ovf_drain_locked(struct nta_pool *p, unsigned int home,
		     struct nta_lcore *me, uint32_t owner, void **obj,
		     struct nta_store *s, unsigned int max,
		     struct nta_counters *cnt, uint64_t e)
{
	struct nta_lcore *lc = &p->lc[home];
	const uint64_t now = nta_drain_now(lc, e);
	const nta_word_t to = nta_drain_to(owner, e);
	unsigned int k = 0;

	RTE_ASSERT(nta_lock_held(p));
	while (lc->ovf != NULL && k < max) {
		struct nta_mag *m = lc->ovf;

		while (m->n != 0 && k < max) {
			void *o = m->obj[m->n - 1];

			if (nta_is_hdr((uintptr_t)o)) {
				/* the run below was sent at this epoch (a
				 * kill in between reads the header again)
				 */
				m->epoch = nta_hdr_epoch((uintptr_t)o);
				rte_compiler_barrier();
				m->n--;
				continue;
			}
			/* placed (or refused) before it leaves the list: a
			 * holder killed in between leaves a copy that the
			 * next drain refuses, never an object in no place
			 */
			k += nta_home_take(p, nta_word_of(p, me, o, NULL),
					   owner, now, m->epoch, o, obj + k,
					   s, cnt, to);
			rte_compiler_barrier();
			m->n--;
			__atomic_store_n(&lc->ovf_n, lc->ovf_n - 1,
					 __ATOMIC_RELAXED);
		}
		if (m->n == 0) {
			lc->ovf = m->next;
			nta_ovf_release_locked(p, m);
		}
	}
	return k;
}

/*
 * Take back up to max objects freed to home by others, validated, into
 * obj. me is the home's own part when the home drains (its lookup cache),
 * NULL for a lock holder (locked) draining a home whose thread has left.
 * s: see nta_home_take(). e: 0, or the epoch of a hand-out by the home
 * (me, s NULL) that takes them straight to the caller: their words say
 * USED at e at once, never FREE in between (nta_lcore_take()).
 */
unsigned int
nta_lanes_drain(struct nta_pool *p, unsigned int home, struct nta_lcore *me,
		void **obj, struct nta_store *s, unsigned int max, uint64_t e)
{
	struct nta_lcore *lc = &p->lc[home];
	uint32_t owner = nta_owner(home);
	struct nta_counters *cnt = &lc->cnt;
	struct nta_lane *l;
	unsigned int k = 0;

	/* the home itself, or a lock holder for a home that left */
	RTE_ASSERT(home < RTE_MAX_LCORE && (me == lc || me == NULL));
	RTE_ASSERT(s == NULL || (s == &lc->s && max <= s->cap - s->len));
	/* a hand-out is the home's own, into the caller's array */
	RTE_ASSERT(e == 0 || (me == lc && s == NULL));
	/* acquire: pairs with the release in nta_lane_create() */
	for (l = __atomic_load_n(&lc->lanes_in, __ATOMIC_ACQUIRE);
	     l != NULL && k < max; l = l->next)
		k += nta_lane_drain(p, l, me, owner, obj + k, s, max - k,
				    cnt, e);
	if (k < max && __atomic_load_n(&lc->ovf_n, __ATOMIC_RELAXED) != 0) {
		if (me != NULL)
			nta_lock(p);
		k += nta_ovf_drain_locked(p, home, me, owner, obj + k, s,
					  max - k, cnt, e);
		if (me != NULL)
			nta_unlock(p);
	}
	nta_cnt_fast(&cnt->remote_drained, k);
	return k;
}

/* Room in the home's loaded magazine for one object at least, made by a
 * magazine change when it is full. Returns 0, or -ENOMEM.
 */
static int
nta_sweep_room(struct nta_pool *p, struct nta_lcore *lc)
{
	struct nta_store *s = &lc->s;

	if (s->len < s->cap)
		return 0;
	return nta_store_make_room(p, s, &lc->cnt);
}

/*
 * The home validates everything sent to it before this call: each lane up
 * to the head seen here (later entries may keep coming; they wait for the
 * next sweep), then the overflow list as it is now. Kept objects go
 * straight into the home's loaded magazine, its length raised before each
 * word says FREE (a process killed in a sweep leaves
 * nothing outside a place); a full magazine is changed first. Returns how
 * many were kept.
 */
uint64_t
nta_lanes_sweep(struct nta_pool *p, unsigned int home)
{
	struct nta_lcore *lc = &p->lc[home];
	struct nta_store *s = &lc->s;
	uint32_t owner = nta_owner(home);
	struct nta_lane *l;
	uint64_t kept = 0, rounds;

	/* acquire: pairs with the release in nta_lane_create() */
	for (l = __atomic_load_n(&lc->lanes_in, __ATOMIC_ACQUIRE); l != NULL;
	     l = l->next) {
		/* acquire: pairs with the producer's release of head */
		uint32_t end = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);

		/* each drain fills the magazine or reaches the head */
		while ((int32_t)(end - l->tail) > 0 &&
		       nta_sweep_room(p, lc) == 0)
			kept += nta_lane_drain(p, l, lc, owner,
					       s->obj + s->len, s,
					       s->cap - s->len, &lc->cnt, 0);
	}
	/* relaxed: ovf_n is a hint here; what the lock holds is exact.
	 * Each round takes one entry at least.
	 */
	rounds = __atomic_load_n(&lc->ovf_n, __ATOMIC_RELAXED);
	while (rounds-- != 0 &&
	       __atomic_load_n(&lc->ovf_n, __ATOMIC_RELAXED) != 0 &&
	       nta_sweep_room(p, lc) == 0) {
		nta_lock(p);
		kept += nta_ovf_drain_locked(p, home, lc, owner,
					     s->obj + s->len, s,
					     s->cap - s->len, &lc->cnt, 0);
		nta_unlock(p);
	}
	nta_cnt_fast(&lc->cnt.remote_drained, kept);
	return kept;
}

/*
 * Frees of objects of home, whose thread has left, validated at once by
 * the caller, who holds the lock (the home's consumer while it is gone),
 * into the depot: nothing to allocate, nothing left waiting. Returns how
 * many were kept.
 */
unsigned int
nta_dead_take_locked(struct nta_pool *p, unsigned int home,
		     void * const *obj, unsigned int n)
{
	struct nta_lcore *lc = &p->lc[home];
	uint64_t now = lc->epoch;
	void *ok[NTA_SWEEP_BATCH];
	unsigned int i, k = 0, kept = 0;

	RTE_ASSERT(nta_lock_held(p) && !lc->live);
	for (i = 0; i < n; i++) {
		/* sent now, within the call that frees it */
		k += nta_home_take(p, nta_word_of(p, NULL, obj[i], NULL),
				   nta_owner(home), now, now, obj[i], ok + k,
				   NULL, &lc->cnt, 0);
		if (k == RTE_DIM(ok)) {
			nta_depot_put_locked(p, ok, k);
			kept += k;
			k = 0;
		}
	}
	nta_depot_put_locked(p, ok, k);
	return kept + k;
}

/* Frees waiting for home (lanes and overflow), read from any thread. */
uint64_t
nta_lanes_pending(const struct nta_pool *p, unsigned int home)
{
	const struct nta_lane *l;
	uint64_t n;

	RTE_ASSERT(home < RTE_MAX_LCORE);
	n = __atomic_load_n(&p->lc[home].ovf_n, __ATOMIC_RELAXED);
	for (l = __atomic_load_n(&p->lc[home].lanes_in, __ATOMIC_ACQUIRE);
	     l != NULL; l = l->next) {
		/* taken first: the count written after it is never behind */
		uint32_t taken = __atomic_load_n(&l->objs_taken,
						 __ATOMIC_ACQUIRE);

		n += __atomic_load_n(&l->objs, __ATOMIC_ACQUIRE) - taken;
	}
	return n;
}

/* An empty magazine m becomes the head of lc's overflow list, for frees
 * sent at epoch e: whole before it is linked (under the lock; a holder
 * killed before the link loses only m).
 */
static inline void
nta_ovf_link(struct nta_lcore *lc, struct nta_mag *m, uint64_t e)
{
	m->n = 0;
	m->epoch = e;
	m->next = lc->ovf;
	rte_compiler_barrier();
	lc->ovf = m;
}

/*
 * The n frees of obj, sent to home at e, that found no magazine to wait
 * in, the heap and the depot out of them: every list repacked
 * (nta_depot_reclaim_locked()), then these judged at the epoch home's
 * list was judged at, T, and appended with no header, in magazines the
 * depot lends: the lists stay packed. When it has none left, what was
 * appended since the last repack is repacked with the rest (copies of one
 * object in obj among it), and the remaining ones judged at the new T.
 * Out of line: only when memory ran out.
 */
static __rte_noinline void
nta_ovf_squeeze_locked(struct nta_pool *p, unsigned int home,
		       void * const *obj, unsigned int n, uint64_t e)
{
	struct nta_lcore *lc = &p->lc[home];
	uint32_t owner = nta_owner(home), added = 0;
	uint64_t T = nta_depot_reclaim_locked(p, home);
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct nta_mag *m = lc->ovf;

		if (!nta_ovf_keep(p, lc, owner, obj[i], e, T))
			continue;
		if (m == NULL || m->n == p->mag_size) {
			m = nta_depot_get_locked(p, 0);
			if (unlikely(m == NULL) && added != 0) {
				/* what was appended since the last repack
				 * may hold copies: repacked in turn
				 */
				__atomic_store_n(&lc->ovf_n, lc->ovf_n + added,
						 __ATOMIC_RELAXED);
				added = 0;
				T = nta_depot_reclaim_locked(p, home);
				i--; /* judged again at T */
				continue;
			}
			if (unlikely(m == NULL)) {
				/* the count says this cannot be */
				NTA_LOG(CRIT, "pool %s: no memory to send %u frees to lcore %u: objects lost",
					p->mp->name, n - i, home);
				break;
			}
			nta_ovf_link(lc, m, T);
		}
		m->obj[m->n] = obj[i];
		rte_compiler_barrier();
		m->n++;
		added++;
	}
	/* relaxed: ovf_n is written under the lock, read as a hint */
	__atomic_store_n(&lc->ovf_n, lc->ovf_n + added, __ATOMIC_RELAXED);
}

/*
 * Append n frees, sent at home's epoch e, to its overflow list (under
 * the lock). A magazine holds runs of frees of one epoch each: the
 * newest run's epoch is the magazine's (m->epoch), and each older run is
 * closed by a header entry with its epoch (nta_run_hdr(), as in lanes),
 * which the drain, taking entries from the top, meets before the run.
 * Sends at new epochs fill the newest magazine instead of each taking
 * one, so that the magazines the depot lends when memory runs out are
 * used up only by frees, and by one header per send at most.
 */
void
nta_ovf_push_locked(struct nta_pool *p, unsigned int home,
		    void * const *obj, unsigned int n, uint64_t e)
{
	struct nta_lcore *lc = &p->lc[home];

	RTE_ASSERT(nta_lock_held(p) && home < RTE_MAX_LCORE);
	while (n != 0) {
		struct nta_mag *m = lc->ovf;
		/* a header closes the run below when the epoch changes */
		uint32_t hdr = m != NULL && m->n != 0 && m->epoch != e;
		uint32_t k;

		if (m != NULL && m->n + hdr < p->mag_size) {
			/* in program order, each store covered before it is
			 * published, as the drain reads: a holder killed
			 * here (under the lock) may lose the send, but never
			 * leaves a run under another run's epoch
			 */
			if (hdr) {
				m->obj[m->n] = (void *)nta_run_hdr(m->epoch);
				rte_compiler_barrier();
				m->n++;
				rte_compiler_barrier();
			}
			m->epoch = e;
			rte_compiler_barrier();
		} else {
			m = p->ovf_free;
			if (m != NULL) {
				p->ovf_free = m->next;
				/* out of the spares before linked in: a kill
				 * in between loses it, never puts it in two
				 * lists
				 */
				rte_compiler_barrier();
			} else {
				m = nta_mag_new(p);
			}
			/* out of memory: the depot lends its empty ones
			 * (given back when the home has drained them); when
			 * it has none left, the lists are repacked
			 */
			if (unlikely(m == NULL))
				m = nta_depot_get_locked(p, 0);
			if (unlikely(m == NULL)) {
				nta_ovf_squeeze_locked(p, home, obj, n, e);
				return;
			}
			nta_ovf_link(lc, m, e);
		}
		k = RTE_MIN(n, p->mag_size - m->n);
		memcpy(m->obj + m->n, obj, k * sizeof(*obj));
		rte_compiler_barrier();
		m->n += k;
		obj += k;
		n -= k;
		__atomic_store_n(&lc->ovf_n, lc->ovf_n + k, __ATOMIC_RELAXED);
	}
}
