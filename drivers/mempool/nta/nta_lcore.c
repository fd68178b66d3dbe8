/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Per-lcore life: first use (store and lane table), the direct take of
 * frees sent home by others (when the store and its spare are empty,
 * before the depot), sweeps, and handing everything
 * back when a registered thread leaves or its process is gone, so that
 * nothing stays stranded behind a dead lcore id.
 */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <rte_malloc.h>

#include "nta_private.h"

#define NTA_BATCH 64

/*
 * Give lc its lookup cache: the pool's lookup_ways, or by default one way
 * per arena (a power of two, NTA_HOT_WAYS_MIN at least, NTA_HOT_WAYS_MAX
 * at most), 32 bytes per way, from the pool's chunks. 16 ways for every
 * pool made a pool of more arenas whose objects long use had mixed miss
 * at nearly every object (nta-bench --shuffle, 280 arenas: 51 against 193
 * Mobj/s at keep 2048). A default table only grows; without memory the
 * one there stays (p->hot_none at first: every lookup the slow way, which
 * sweeps retry, backing off: nta_lcore_hot_retry()), slower, never
 * wrong. Sized under the lock, as retire and reset clear the ways under
 * it; the owner fills its ways without it (nta_lcore_set_last()), the
 * table's only user while it runs.
 */
static void
nta_lcore_hot_size_locked(struct nta_pool *p, struct nta_lcore *lc)
{
	uint32_t ways = p->lay.hot_ways;
	struct nta_hot *h;

	RTE_ASSERT(nta_lock_held(p));
	if (ways == 0)
		ways = rte_align32pow2(RTE_MAX(RTE_MIN(p->nb_arenas,
						       NTA_HOT_WAYS_MAX),
					       NTA_HOT_WAYS_MIN));
	if (lc->hot != &p->hot_none && ways <= lc->hot_mask + 1)
		return;
	h = nta_chunk_alloc(p, ways * sizeof(*h), "nta_lookup");
	if (unlikely(h == NULL)) {
		if (!p->hot_warned)
			NTA_LOG(WARNING, "pool %s: no memory for a lookup cache of %u ways: lookups take the slow way",
				p->mp->name, ways);
		p->hot_warned = 1;
		return;
	}
	lc->hot = h;
	/* table before mask: a process killed between the two leaves a mask
	 * that fits the table, which retire and reset then clear in full
	 */
	rte_compiler_barrier();
	lc->hot_mask = ways - 1;
}

int
nta_lcore_setup(struct nta_pool *p, unsigned int id)
{
	struct nta_lcore *lc;
	int fresh, ret = 0;

	RTE_ASSERT(id < RTE_MAX_LCORE);
	lc = &p->lc[id];
	fresh = lc->lane_to == NULL;
	nta_lock(p);
	if (fresh) {
		struct nta_lane **t = nta_chunk_alloc(p, RTE_MAX_LCORE *
						      sizeof(*t), "nta_lanes");

		if (t == NULL) {
			nta_unlock(p);
			return -ENOMEM;
		}
		/* release: counts and audits skip a part without it */
		__atomic_store_n(&lc->lane_to, t, __ATOMIC_RELEASE);
	} else {
		/* a new thread on the id of one that left: take back the
		 * frees the lock holders have not reaped yet
		 */
		nta_reap_locked(p);
	}
	/* the depot's magazine for this home's overflow (counted once its
	 * lane table is there; a failed try is made up by the next one)
	 */
	if (nta_depot_reserve_locked(p, p->populated) < 0 ||
	    nta_store_attach_locked(p, &lc->s) < 0)
		ret = -ENOMEM;
	if (ret == 0 && !lc->live) {
		if (!fresh)
			p->nb_dead--;
		lc->pid = nta_self_pid();
		__atomic_store_n(&lc->live, 1, __ATOMIC_RELAXED);
	}
	nta_lcore_hot_size_locked(p, lc);
	nta_lcore_set_last(p, lc, NULL);
	nta_unlock(p);
	return ret;
}

/* Drain a home whose thread is gone into the depot (under the lock: the
 * lock holder is the lanes' single consumer then).
 */
unsigned int
nta_drain_dead_locked(struct nta_pool *p, unsigned int id)
{
	void *obj[NTA_BATCH];
	unsigned int got, k = 0;

	RTE_ASSERT(nta_lock_held(p) && id < RTE_MAX_LCORE);
	while ((got = nta_lanes_drain(p, id, NULL, obj, NULL, NTA_BATCH, 0)) != 0) {
		nta_depot_put_locked(p, obj, got);
		k += got;
	}
	return k;
}

static unsigned int
nta_lcore_retire_locked(struct nta_pool *p, unsigned int id, int dead)
{
	struct nta_lcore *lc = &p->lc[id];
	unsigned int k;

	RTE_ASSERT(nta_lock_held(p));
	if (dead && lc->s.cap != 0)
		nta_store_mark_free(p, &lc->s);
	k = nta_store_count(&lc->s); /* settled above if its thread died */
	nta_store_detach_locked(p, &lc->s);
	if (lc->live)
		p->nb_dead++;
	__atomic_store_n(&lc->live, 0, __ATOMIC_RELAXED);
	lc->pid = 0;
	nta_lcore_set_last(p, lc, NULL);
	k += nta_drain_dead_locked(p, id);
	nta_cnt_add(&lc->cnt.depot_puts, k);
	return k;
}

unsigned int
nta_lcore_retire(struct nta_pool *p, unsigned int id)
{
	unsigned int k;

	RTE_ASSERT(id < RTE_MAX_LCORE);
	if (p->lc[id].lane_to == NULL)
		return 0;
	nta_lock(p);
	k = nta_lcore_retire_locked(p, id, 0);
	nta_unlock(p);
	return k;
}

/*
 * Hand out up to n objects that others freed to lcore id, straight from
 * its lanes into objs: each is validated and its word goes from the use
 * the free ended to the new one, epoch e, in one store (no FREE in
 * between, no placing in the store and taking out again). Each object is
 * in objs before its word changes, and the lane's tail moves past it
 * after: a process killed in the drain leaves what it took in its
 * caller's hands, as any hand-out does, and the entries in the lane,
 * which the reaper validates again and either refuses or takes back to
 * the depot (a stamp one ahead of the published epoch reads as the
 * oldest 24-bit age once that epoch is past 2^24, else as a later
 * hand-out); never in two live places. Returns how many.
 */
unsigned int
nta_lcore_take(struct nta_pool *p, struct nta_lcore *lc, unsigned int id,
	       void **objs, unsigned int n)
{
	uint64_t e = nta_epoch_next(lc);
	unsigned int k;

	RTE_ASSERT(id < RTE_MAX_LCORE && lc == &p->lc[id]);
	k = nta_lanes_drain(p, id, lc, objs, NULL, n, e);
	if (k != 0)
		nta_epoch_publish(lc, e);
	return k;
}

/*
 * The next part of the pass over all words: this lcore's objects handed
 * out more than NTA_RESTAMP_AGE epochs ago (an mbuf parked in an Rx ring,
 * a table entry) get that age instead, so that their 24-bit stamps stay
 * readable. A later stamp than the real one is still correct: no lane
 * entry is that old (see NTA_SWEEP_EVERY), so none can be a stale free of
 * such an object. Under the lock (the arena table may grow); only this
 * lcore writes these words.
 */
static void
nta_lcore_restamp(struct nta_pool *p, struct nta_lcore *lc, unsigned int id)
{
	const uint32_t owner = nta_owner(id);
	const uint64_t now = lc->epoch_own;
	uint64_t budget;

	if (now < NTA_RESTAMP_AGE)
		return; /* nothing can be that old yet */
	nta_lock(p);
	budget = p->populated * NTA_SWEEP_EVERY / NTA_RESTAMP_PASS + 64;
	while (budget != 0 && p->nb_arenas != 0) {
		struct nta_arena *a;

		if (lc->scan_arena >= p->nb_arenas) {
			lc->scan_arena = 0;
			lc->scan_idx = 0;
		}
		a = p->arenas[lc->scan_arena];
		for (; lc->scan_idx < a->nb && budget != 0;
		     lc->scan_idx++, budget--) {
			nta_word_t *w = &a->state[lc->scan_idx];
			nta_word_t v = nta_word_load(w);

			if ((v & NTA_OWN_MASK) == owner &&
			    now - nta_word_epoch(v, now) > NTA_RESTAMP_AGE)
				nta_word_store(w, nta_word_used(owner,
						now - NTA_RESTAMP_AGE));
		}
		if (lc->scan_idx >= a->nb) {
			lc->scan_arena++;
			lc->scan_idx = 0;
		}
	}
	nta_unlock(p);
}

/* Sweeps an lcore short of memory for its lookup cache waits at most
 * between two tries (64 sweeps: 262144 hand-out calls)
 */
#define NTA_HOT_RETRY_MAX 63u

/*
 * Its lookup cache found no memory (at setup or since): ask again at this
 * sweep, or wait. Each failure doubles the sweeps to the next try, up to
 * NTA_HOT_RETRY_MAX: a try takes the pool lock and asks the heap, and an
 * lcore that failed at every sweep held the lock once per 4096 calls
 * just when its peers, short of memory too, need it most.
 */
static __rte_noinline void
nta_lcore_hot_retry(struct nta_pool *p, struct nta_lcore *lc)
{
	if (lc->hot_wait != 0) {
		lc->hot_wait--;
		return;
	}
	nta_lock(p);
	nta_lcore_hot_size_locked(p, lc);
	nta_unlock(p);
	if (lc->hot != &p->hot_none) {
		lc->hot_backoff = 0;
		return;
	}
	lc->hot_backoff = (uint16_t)RTE_MIN(2u * lc->hot_backoff + 1u,
					    NTA_HOT_RETRY_MAX);
	lc->hot_wait = lc->hot_backoff;
}

/*
 * Validate every free sent to this lcore so far: due every
 * NTA_SWEEP_EVERY epochs, so that no lane entry outlives its tag.
 */
void
nta_lcore_sweep(struct nta_pool *p, struct nta_lcore *lc, unsigned int id)
{
	RTE_ASSERT(id < RTE_MAX_LCORE && lc == &p->lc[id]);
	if (unlikely(lc->s.cap == 0))
		return; /* not set up, or failed to: the next call sweeps */
	if (unlikely(lc->hot == &p->hot_none))
		nta_lcore_hot_retry(p, lc);
	nta_lanes_sweep(p, id);
	nta_lcore_restamp(p, lc, id);
	lc->sweep_at = lc->epoch_own + NTA_SWEEP_EVERY;
}

/* Is the process that ran lcore part lc gone? (failure paths only) */
static int
nta_lcore_orphaned(const struct nta_lcore *lc)
{
	return lc->live && lc->pid != 0 && lc->pid != nta_self_pid() &&
		kill(lc->pid, 0) < 0 && errno == ESRCH;
}

/*
 * Under the lock: lcores of processes that are gone are retired, and the
 * lanes of lcores whose thread left are drained into the depot.
 */
void
nta_reap_locked(struct nta_pool *p)
{
	unsigned int i;

	RTE_ASSERT(nta_lock_held(p));
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		struct nta_lcore *lc = &p->lc[i];

		if (lc->lane_to == NULL)
			continue;
		if (nta_lcore_orphaned(lc)) {
			NTA_LOG(WARNING, "pool %s: lcore %u of process %d, which is gone, gives back what it held",
				p->mp->name, i, (int)lc->pid);
			nta_lcore_retire_locked(p, i, 1);
		} else if (!lc->live && nta_lanes_pending(p, i) != 0) {
			nta_drain_dead_locked(p, i);
		}
	}
}

/*
 * The first call of this process on lcore id, whose part still names
 * another process: a process that is gone (killed, maybe in the middle of
 * a magazine change) left it as it was, and a new process given the same
 * lcore id must not serve itself from that store before it is settled.
 * The part is retired here, and the caller's path sets it up again when
 * it finds it without magazines. A part of a live process (two processes
 * on one lcore id, which EAL does not allow) is left alone.
 */
void
nta_lcore_adopt(struct nta_pool *p, unsigned int id)
{
	struct nta_lcore *lc = &p->lc[id];

	RTE_ASSERT(id < RTE_MAX_LCORE);
	if (lc->pid == 0 || lc->pid == nta_self_pid())
		return;
	nta_lock(p);
	if (nta_lcore_orphaned(lc)) {
		NTA_LOG(WARNING, "pool %s: lcore %u of process %d, which is gone, gives back what it held before process %d uses the lcore",
			p->mp->name, id, (int)lc->pid, (int)nta_self_pid());
		nta_lcore_retire_locked(p, id, 1);
	}
	nta_unlock(p);
}

/* A dequeue is about to fail: take back what lcores that are gone and
 * unregistered threads' slots hold. Returns the depot count after.
 */
int
nta_reclaim(struct nta_pool *p)
{
	nta_lock(p);
	nta_reap_locked(p);
	nta_unlock(p);
	nta_unreg_reclaim(p);
	return __atomic_load_n(&p->depot.count, __ATOMIC_RELAXED) != 0;
}
