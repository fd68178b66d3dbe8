/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Overflow lists when memory runs out: validated again and packed, so
 * that they give the depot back the magazines it lent them.
 *
 * Frees that wait for their home in its overflow list (nta_lane.c) take
 * magazines from the heap, and when the heap has none, the depot lends
 * its empty ones. It owns one per M objects, one more, and one per lcore
 * that has used the pool (nta_depot_reserve_locked()): enough while every
 * magazine of every overflow list but one per home is full of objects.
 * Run headers, partly filled magazines and copies of one object (an
 * application's double free, waiting twice) break that; so when the
 * depot needs an empty magazine and has none, every list is rewritten
 * here (nta_depot_reclaim_locked()): each entry validated again, under
 * one epoch per home, without headers, and packed; copies dropped too if
 * that was not enough. Then the count holds: were the depot out of empty
 * ones, it would hold more objects than the pool has.
 *
 * One epoch for a whole list: T, the home's epoch read (acquire) before
 * the words are. Every stamp made at T or before is then in the word, and
 * a word written later says FREE or a use after T. An entry sent at t
 * (t <= T) whose word says a use by the home up to t is therefore judged
 * the same at T as at t, whenever it is drained; any other one is refused
 * at t now and for ever, and is refused now, counted as the drain would
 * count it. Words are read relative to T + 2^22: a stamp up to that far
 * ahead (the home goes on handing out) or 2^23 behind (the oldest a sweep
 * leaves) reads right.
 *
 * A holder killed in here leaves copies of entries (refused when
 * drained, and ovf_n recounted by the lock's recovery), never an entry
 * under a later epoch than its own.
 */

#include <string.h>

#include "nta_private.h"

#define NTA_OVF_AHEAD (UINT64_C(1) << 22)

/* Is the free of o, sent at t, kept when its list is judged at T? */
int
nta_ovf_keep(struct nta_pool *p, struct nta_lcore *lc, uint32_t owner,
	     void *o, uint64_t t, uint64_t T)
{
	nta_word_t v = nta_word_load(nta_word_of(p, NULL, o, NULL));

	if (nta_free_accepts(v, owner, t, T + NTA_OVF_AHEAD))
		return 1;
	nta_bad_free(p, &lc->cnt, o, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
	return 0;
}

/*
 * Validate a magazine of home's list at T and pack what is kept at its
 * bottom, in place, from the bottom up: each kept object moves down only,
 * over entries already judged, and under a run no later than its own (a
 * holder killed here leaves a copy, refused when drained, or an object
 * judged under an earlier epoch, refused: lost, never accepted wrongly).
 * Returns how many were refused.
 */
static uint32_t
nta_ovf_rejudge(struct nta_pool *p, struct nta_lcore *lc, uint32_t owner,
		struct nta_mag *m, uint64_t T)
{
	uint32_t i = 0, w = 0, end, refused = 0;
	uint64_t t;

	while (i < m->n) {
		/* the run from i: its epoch is in the header above it, or
		 * the magazine's for the newest run
		 */
		for (end = i; end < m->n && !nta_is_hdr((uintptr_t)m->obj[end]);
		     end++)
			;
		t = end < m->n ? nta_hdr_epoch((uintptr_t)m->obj[end]) :
			m->epoch;
		for (; i < end; i++) {
			void *o = m->obj[i];

			if (nta_ovf_keep(p, lc, owner, o, t, T))
				m->obj[w++] = o;
			else
				refused++;
		}
		i = end + 1; /* past the header */
	}
	rte_compiler_barrier();
	m->n = w;
	rte_compiler_barrier();
	m->epoch = T;
	return refused;
}

/* Move k objects from the top of src to the top of dst, both judged at
 * the same epoch: copied first, so that a holder killed here leaves a
 * second copy (refused when drained), never none. The depot moves the
 * other way round (nta_mag_move()): a copy there would be handed out
 * twice.
 */
static void
nta_ovf_move(struct nta_mag *dst, struct nta_mag *src, uint32_t k)
{
	memcpy(dst->obj + dst->n, src->obj + src->n - k, k * sizeof(void *));
	rte_compiler_barrier();
	dst->n += k;
	rte_compiler_barrier();
	src->n -= k;
}

/* Is o among the entries before m[w] in list `first` (m in it)? */
static int
nta_ovf_seen(const struct nta_mag *first, const struct nta_mag *m,
	     uint32_t w, const void *o)
{
	const struct nta_mag *q;
	uint32_t j;

	for (q = first; q != m; q = q->next)
		for (j = 0; j < q->n; j++)
			if (q->obj[j] == o)
				return 1;
	for (j = 0; j < w; j++)
		if (m->obj[j] == o)
			return 1;
	return 0;
}

/*
 * Drop the second and later copies of an object from a list judged at one
 * epoch (they are double frees: the first one drained would make them
 * refused), packing each magazine in place as nta_ovf_rejudge() does (a
 * list's copies are all in it: the word names one home). Quadratic in the
 * list's length, with no memory at all (the heap has none now, and a bit
 * per object kept for this would cost more than the pool's metadata
 * budget allows); only when repacking gave nothing back, which takes
 * copies, or a magazine lost by a holder killed under the lock. Returns
 * how many were dropped.
 */
static uint32_t
nta_ovf_dedupe(struct nta_pool *p, struct nta_lcore *lc)
{
	struct nta_mag *m;
	uint32_t dropped = 0;

	for (m = lc->ovf; m != NULL; m = m->next) {
		uint32_t i, w = 0;

		for (i = 0; i < m->n; i++) {
			void *o = m->obj[i];

			if (nta_ovf_seen(lc->ovf, m, w, o)) {
				nta_bad_free(p, &lc->cnt, o,
					     RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
				dropped++;
			} else {
				m->obj[w++] = o;
			}
		}
		rte_compiler_barrier();
		m->n = w;
	}
	return dropped;
}

/* Pack a list whose entries are all objects: every magazine full but
 * the first, empty ones onto the pool's spares (p->ovf_free: a holder
 * killed afterwards leaves them there, where nta_depot_reclaim_locked()
 * finds them).
 */
static void
nta_ovf_pack(struct nta_pool *p, struct nta_lcore *lc)
{
	const uint32_t M = p->mag_size;
	struct nta_mag **pp, *m, *dst = NULL;

	/* towards the front: only dst may be partly full */
	for (pp = &lc->ovf; (m = *pp) != NULL;) {
		if (dst != NULL && m != dst)
			nta_ovf_move(dst, m, RTE_MIN(M - dst->n, m->n));
		if (m->n == 0) {
			*pp = m->next;
			/* out of the list before linked to the spares */
			rte_compiler_barrier();
			m->next = p->ovf_free;
			p->ovf_free = m;
			continue;
		}
		if (dst == NULL || dst->n == M)
			dst = m->n < M ? m : NULL;
		pp = &m->next;
	}
	/* the first one partly full instead, where sends append: filled
	 * from it (moves, no relinking)
	 */
	if (dst != NULL && dst != lc->ovf)
		nta_ovf_move(dst, lc->ovf, M - dst->n);
}

/* Rewrite home's list at its epoch now, T: every entry validated, headers
 * gone, copies too when asked, magazines packed, the empty ones to the
 * spares. Returns T.
 */
uint64_t
nta_ovf_repack_locked(struct nta_pool *p, unsigned int home, int dedupe)
{
	struct nta_lcore *lc = &p->lc[home];
	const uint32_t owner = nta_owner(home);
	struct nta_mag *m;
	uint64_t dropped = 0;
	/* acquire: pairs with the release in nta_epoch_publish(): every
	 * word stamped at T or before is seen by the loads below
	 */
	const uint64_t T = __atomic_load_n(&lc->epoch, __ATOMIC_ACQUIRE);

	RTE_ASSERT(nta_lock_held(p) && home < RTE_MAX_LCORE);
	for (m = lc->ovf; m != NULL; m = m->next)
		dropped += nta_ovf_rejudge(p, lc, owner, m, T);
	if (dedupe)
		dropped += nta_ovf_dedupe(p, lc);
	nta_ovf_pack(p, lc);
	/* relaxed: ovf_n is written under the lock, read as a hint */
	__atomic_store_n(&lc->ovf_n, lc->ovf_n - dropped, __ATOMIC_RELAXED);
	return T;
}
