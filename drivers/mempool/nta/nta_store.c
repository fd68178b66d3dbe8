/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * A store: the two magazines an lcore (or an unregistered-threads slot)
 * serves itself from. The fast paths (nta_store_pop/push in the private
 * header) use the loaded magazine only; here are the magazine changes,
 * each a swap with the spare or one trade with the depot under the lock.
 */

#include <errno.h>

#include "nta_private.h"

/* ---- the word cache's ways (struct nta_wc_way) ---- */

static inline struct nta_wc_way *
nta_wc_way_at(const struct nta_wc *t, unsigned int i)
{
	return RTE_PTR_ADD(t, RTE_CACHE_LINE_SIZE + (size_t)i * t->stride);
}

static_assert(sizeof(struct nta_wc) <= RTE_CACHE_LINE_SIZE,
	      "the table's header fits the line in front of its ways");

/* The store's table of ways, every way empty, s->wc at way 0's. */
static int
nta_wc_alloc_locked(struct nta_pool *p, struct nta_store *s)
{
	uint32_t stride = RTE_ALIGN_CEIL(sizeof(struct nta_wc_way) +
					 (size_t)p->mag_size *
					 sizeof(nta_word_t *),
					 RTE_CACHE_LINE_SIZE);
	struct nta_wc *t = nta_chunk_alloc(p, RTE_CACHE_LINE_SIZE +
					   (size_t)NTA_WC_WAYS * stride,
					   "nta_word_cache");
	unsigned int i;

	if (t == NULL)
		return -ENOMEM;
	t->stride = stride;
	for (i = 0; i < NTA_WC_WAYS; i++)
		nta_wc_way_at(t, i)->t = t;
	s->wc = nta_wc_way_at(t, 0)->w;
	return 0;
}

/* Every way forgets its magazine (the store is settled or refilled). */
static void
nta_wc_forget_all(const struct nta_store *s)
{
	const struct nta_wc *t = nta_wc_way_of(s->wc)->t;
	unsigned int i;

	for (i = 0; i < NTA_WC_WAYS; i++)
		nta_wc_way_at(t, i)->mag = NULL;
}

/* The way that keeps m's words, or NULL. */
static struct nta_wc_way *
nta_wc_find(const struct nta_store *s, const struct nta_mag *m)
{
	const struct nta_wc *t = nta_wc_way_of(s->wc)->t;
	unsigned int i;

	for (i = 0; i < NTA_WC_WAYS; i++) {
		struct nta_wc_way *x = nta_wc_way_at(t, i);

		if (x->mag == m)
			return x;
	}
	return NULL;
}

/* Mark way x (none when NULL) as the most recently used. */
static void
nta_wc_touch(struct nta_wc_way *x)
{
	if (x != NULL)
		x->used = ++x->t->tick;
}

/*
 * A way for magazine m, which comes into the store without its words:
 * whatever a way kept of m is stale (m has been through another store
 * or the depot's hands since) and dropped; the way taken is an empty one,
 * else the least recently used, never the way of keep (the magazine that
 * stays in the store beside m).
 */
static struct nta_wc_way *
nta_wc_fresh(const struct nta_store *s, const struct nta_mag *m,
	     const struct nta_mag *keep)
{
	const struct nta_wc *t = nta_wc_way_of(s->wc)->t;
	struct nta_wc_way *best = NULL;
	unsigned int i;

	for (i = 0; i < NTA_WC_WAYS; i++) {
		struct nta_wc_way *x = nta_wc_way_at(t, i);

		if (x->mag == m)
			x->mag = NULL;
		if (keep != NULL && x->mag == keep)
			continue;
		if (best == NULL || (best->mag != NULL &&
				     (x->mag == NULL || x->used < best->used)))
			best = x;
	}
	RTE_ASSERT(best != NULL);
	return best;
}

/*
 * Load magazine m, s->mag[i], in place of the one loaded, whose count the
 * caller recorded; its words from way x, valid from wlo up. In between,
 * obj is NULL: nothing is loaded and each magazine's n is its count, so
 * a process killed at any point of the change leaves a store that
 * nta_store_settle() reads right.
 */
static void
nta_store_load(struct nta_store *s, unsigned int i, struct nta_mag *m,
	       struct nta_wc_way *x, uint32_t wlo)
{
	RTE_ASSERT(wlo <= m->n);
	/* program order is what a kill keeps, hence the compiler barriers */
	s->obj = NULL;
	rte_compiler_barrier();
	s->mag[i] = m;
	__atomic_store_n(&s->len, m->n, __ATOMIC_RELAXED);
	x->mag = m;
	s->wc = x->w;
	s->wlo = wlo;
	rte_compiler_barrier();
	s->obj = m->obj;
}

/* The loaded magazine is about to leave the load (it becomes the spare,
 * or goes to the depot): its way records where its words start.
 */
static struct nta_wc_way *
nta_wc_save(struct nta_store *s)
{
	struct nta_wc_way *cur = nta_wc_way_of(s->wc);

	cur->wlo = s->wlo;
	return cur;
}

/* How a magazine about to be loaded comes (nta_wc_pick()). */
enum nta_wc_from {
	NTA_WC_ELSEWHERE, /* its words unknown */
	NTA_WC_SPARE,     /* the spare: as it left the load */
	NTA_WC_FILED,     /* from the depot, filed by this store's owner
			   * code: as this store filed it if its gen is
			   * the one its way recorded (another slot of
			   * unregistered threads, which share the code,
			   * may have had it meanwhile)
			   */
};

/* The way to load magazine m with, and in *wlo where its words start:
 * its own way when it comes as it left, else a fresh one (never keep's,
 * the magazine that stays in the store beside m).
 */
static struct nta_wc_way *
nta_wc_pick(const struct nta_store *s, const struct nta_mag *m,
	    enum nta_wc_from from, const struct nta_mag *keep, uint32_t *wlo)
{
	struct nta_wc_way *x = from != NTA_WC_ELSEWHERE ?
		nta_wc_find(s, m) : NULL;

	/* the gen says whether m is the filing the way recorded; the
	 * bound, that a way never claims more than m holds (a holder
	 * killed in a depot take leaves a full magazine shorter, its
	 * newest objects gone)
	 */
	if (x != NULL && (from != NTA_WC_FILED || x->gen == m->gen) &&
	    x->wlo <= m->n) {
		*wlo = x->wlo;
		x->t->kept++;
		return x;
	}
	*wlo = m->n;
	return nta_wc_fresh(s, m, keep);
}

/* Load the spare, with the words its way kept; the loaded magazine
 * becomes the spare.
 */
static void
nta_store_swap(struct nta_store *s)
{
	unsigned int i = nta_store_cur_idx(s);
	struct nta_mag *m = s->mag[!i];
	struct nta_wc_way *x;
	uint32_t wlo;

	/* the spare is always full or empty, and so is what replaces it */
	RTE_ASSERT(m->n == 0 || m->n == s->cap);
	RTE_ASSERT(s->len == 0 || s->len == s->cap);
	nta_wc_save(s);
	x = nta_wc_pick(s, m, NTA_WC_SPARE, s->mag[i], &wlo);
	s->mag[i]->n = s->len;
	rte_compiler_barrier();
	nta_store_load(s, !i, m, x, wlo);
}

/* The store of a thread that is gone, or of its own thread: each
 * magazine's n says what it holds, and the store is loaded (its thread
 * may have been killed in the middle of nta_store_load()).
 */
static void
nta_store_settle(struct nta_store *s)
{
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (s->obj == s->mag[i]->obj)
			s->mag[i]->n = s->len;
	/* a holder killed in a pop may have lowered wlo before len, over
	 * entries of an earlier magazine, or in a change of magazine left
	 * ways half set: whoever holds the store next starts the word
	 * cache again
	 */
	nta_wc_forget_all(s);
	if (s->obj == NULL)
		nta_store_load(s, 0, s->mag[0], nta_wc_way_of(s->wc),
			       s->mag[0]->n);
	nta_wc_way_of(s->wc)->mag = nta_store_cur(s);
	s->wlo = s->len;
}

/* Give the store its two magazines: empty ones from the depot when it
 * has more than it must keep, else new ones.
 */
int
nta_store_attach_locked(struct nta_pool *p, struct nta_store *s)
{
	struct nta_mag *m[2];
	struct nta_wc_way *x;
	unsigned int i;

	RTE_ASSERT(nta_lock_held(p));
	if (s->cap != 0)
		return 0;
	/* the word cache, kept from one attach to the next */
	if (s->wc == NULL && nta_wc_alloc_locked(p, s) < 0)
		return -ENOMEM;
	for (i = 0; i < 2; i++) {
		m[i] = NULL;
		if (p->depot.nb_mags > p->depot.min_mags)
			m[i] = nta_depot_get_locked(p, 0);
		if (m[i] == NULL)
			m[i] = nta_mag_new(p);
		if (m[i] == NULL && p->ovf_free != NULL) {
			/* out of memory: a spare of the overflow lists */
			m[i] = p->ovf_free;
			p->ovf_free = m[i]->next;
		}
		if (m[i] == NULL) {
			if (i == 1)
				nta_depot_file_locked(p, m[0]);
			return -ENOMEM;
		}
	}
	nta_wc_forget_all(s);
	x = nta_wc_way_of(s->wc);
	s->mag[1] = m[1];
	nta_store_load(s, 0, m[0], x, m[0]->n);
	x = nta_wc_fresh(s, m[1], m[0]);
	x->mag = m[1];
	x->wlo = m[1]->n;
	s->cap = p->mag_size;
	return 0;
}

/* Hand both magazines, and what they hold, to the depot. */
void
nta_store_detach_locked(struct nta_pool *p, struct nta_store *s)
{
	RTE_ASSERT(nta_lock_held(p));
	if (s->cap == 0)
		return;
	nta_store_settle(s);
	s->cap = 0;
	__atomic_store_n(&s->len, 0, __ATOMIC_RELAXED);
	nta_depot_file_locked(p, s->mag[0]);
	nta_depot_file_locked(p, s->mag[1]);
	s->obj = NULL;
	__atomic_store_n(&s->mag[0], NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&s->mag[1], NULL, __ATOMIC_RELAXED);
}

/* The loaded magazine is full: load an empty one (the spare, or one from
 * the depot for the full spare). Returns 0, or -ENOMEM if the depot had
 * no empty magazine and none could be made.
 */
int
nta_store_make_room(struct nta_pool *p, struct nta_store *s,
		    struct nta_counters *cnt)
{
	struct nta_mag *m;

	RTE_ASSERT(s->cap != 0 && s->len == s->cap);
	if (nta_store_spare(s)->n == 0) {
		nta_store_swap(s);
		return 0;
	}
	nta_lock(p);
	m = nta_depot_get_empty_locked(p);
	if (m != NULL) {
		unsigned int i = nta_store_cur_idx(s);
		struct nta_mag *full = s->mag[!i];
		struct nta_wc_way *x, *fw = nta_wc_find(s, full);

		/* the spare's way keeps its words while the depot holds it
		 * (the newest way: the depot hands back the newest first)
		 */
		nta_wc_touch(fw);
		nta_wc_save(s);
		x = nta_wc_fresh(s, m, s->mag[i]);
		/* out of the store, then into the depot: a kill in between
		 * (under the lock) loses the magazine, never files it twice
		 */
		s->mag[i]->n = s->len;
		rte_compiler_barrier();
		nta_store_load(s, !i, m, x, m->n);
		rte_compiler_barrier();
		/* every object of the spare has this store's owner as home
		 * byte: what the depot gives back to this store needs no
		 * adoption (nta_depot_get_full_locked())
		 */
		full->filer = nta_store_owner(p, s);
		nta_depot_file_locked(p, full);
		if (fw != NULL)
			fw->gen = full->gen; /* this filing's */
		nta_cnt_add_by(p, cnt, &cnt->depot_puts, p->mag_size);
	}
	nta_unlock(p);
	return m != NULL ? 0 : -ENOMEM;
}

/* The loaded magazine is empty: load the full spare, or trade the empty
 * magazine for a full one of the depot, preferably one this store filed
 * (nta_depot_get_full_locked()). Returns 0 (the spare, or a magazine this
 * store filed: its objects' home bytes already name the store's owner),
 * 1 (another's: the caller adopts its objects, see nta_store_adopt()), or
 * -ENOBUFS when the depot is empty too.
 */
int
nta_store_swap_or_depot(struct nta_pool *p, struct nta_store *s,
			struct nta_counters *cnt)
{
	struct nta_mag *m;
	int own = 0;

	RTE_ASSERT(s->cap != 0 && s->len == 0);
	if (nta_store_spare(s)->n != 0) {
		nta_store_swap(s);
		return 0;
	}
	if (__atomic_load_n(&p->depot.count, __ATOMIC_RELAXED) == 0)
		return -ENOBUFS;
	nta_lock(p);
	m = nta_depot_get_full_locked(p, nta_store_owner(p, s), &own);
	if (m != NULL) {
		unsigned int i = nta_store_cur_idx(s);
		struct nta_mag *empty = s->mag[i];
		struct nta_wc_way *x;
		uint32_t wlo;

		/* the empty one leaves: its way has no words to keep */
		nta_wc_way_of(s->wc)->mag = NULL;
		x = nta_wc_pick(s, m, own ? NTA_WC_FILED : NTA_WC_ELSEWHERE,
				s->mag[!i], &wlo);
		nta_wc_touch(x);
		/* as in nta_store_make_room(): out, then filed */
		empty->n = s->len;
		rte_compiler_barrier();
		nta_store_load(s, i, m, x, wlo);
		rte_compiler_barrier();
		nta_depot_file_locked(p, empty);
		nta_cnt_add_by(p, cnt, &cnt->depot_gets, m->n);
	}
	nta_unlock(p);
	if (m == NULL)
		return -ENOBUFS;
	return own ? 0 : 1;
}

/* Forget what the store holds (its pool is populated again): both
 * magazines empty, whatever state a killed thread left them in.
 */
void
nta_store_forget(struct nta_store *s)
{
	s->mag[0]->n = 0;
	s->mag[1]->n = 0;
	nta_wc_forget_all(s);
	nta_store_load(s, 0, s->mag[0], nta_wc_way_of(s->wc), 0);
}

/* A store's objects are free, whatever a process killed in the middle of
 * a call left in their words (see nta_store_push()).
 */
void
nta_store_mark_free(struct nta_pool *p, struct nta_store *s)
{
	unsigned int i, k;

	nta_store_settle(s);
	for (k = 0; k < 2; k++)
		for (i = 0; i < s->mag[k]->n; i++) {
			nta_word_t *w = nta_word_slow(p, NULL,
						      s->mag[k]->obj[i], NULL);

			nta_word_store(w, nta_word_freed(nta_word_load(w)));
		}
}

/* The words of objects handed out, looked up one by one (they came to
 * the store with a magazine, so the word cache does not have them): now
 * v. lc: the caller's lookup cache, or NULL.
 */
static __rte_always_inline void
nta_store_pop_lookup(const struct nta_pool *p, struct nta_lcore *lc,
		     void * const *objs, unsigned int n, nta_word_t v,
		     const int paged)
{
	struct nta_hot_key k;
	unsigned int i;

	nta_hot_key_init(p, lc, &k);
	for (i = 0; i < n; i++) {
		const struct nta_hot *h;
		uint64_t s;

		h = nta_hot_slot(&k, objs[i], paged, &s);
		if (unlikely(h == NULL)) {
			nta_word_store(nta_word_slow(p, lc, objs[i], NULL), v);
			continue;
		}
		nta_word_store(h->state + s, v);
	}
}

/* The hand-out of objects that came with a magazine (nta_store_pop()), out
 * of line: the rarer case.
 */
void
nta_store_pop_uncached(const struct nta_pool *p, struct nta_lcore *lc,
		       void * const *objs, unsigned int n, nta_word_t v)
{
	unsigned int i;

	if (lc == NULL) {
		for (i = 0; i < n; i++)
			nta_word_store(nta_word_slow(p, NULL, objs[i], NULL), v);
	} else if (nta_paged(p)) {
		nta_store_pop_lookup(p, lc, objs, n, v, 1);
	} else {
		nta_store_pop_lookup(p, lc, objs, n, v, 0);
	}
}

/* Free objects in a store, read from any thread. */
uint64_t
nta_store_count(const struct nta_store *s)
{
	/* relaxed: a count for readers, who tolerate a stale one (a swap
	 * in progress may be counted once too many or too few)
	 */
	const struct nta_mag *m0 = __atomic_load_n(&s->mag[0], __ATOMIC_RELAXED);
	const struct nta_mag *m1 = __atomic_load_n(&s->mag[1], __ATOMIC_RELAXED);
	void **obj = __atomic_load_n(&s->obj, __ATOMIC_RELAXED);
	const struct nta_mag *sp;

	if (m0 == NULL || m1 == NULL)
		return 0;
	sp = m1->obj == obj ? m0 : m1;
	return __atomic_load_n(&s->len, __ATOMIC_RELAXED) +
		__atomic_load_n(&sp->n, __ATOMIC_RELAXED);
}
