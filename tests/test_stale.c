/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Stale remote frees that wait long (found by review of the first epoch
 * design, whose lane entries carried 16 bits of the epoch).
 *
 * Both cases make a stale lane entry (the second copy of a double free,
 * sent while the object was free in its home's store, before the home
 * handed it out again) wait more than 2^16 of its home's epochs before it
 * is validated. The entry must still be refused: with a 16-bit tag it read
 * as a later epoch than the object's new hand-out, and the object went
 * back to the pool while the application still held it.
 */

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "nta_private.h"
#include "nta_test.h"

static uint64_t
rv2_double_frees(struct rte_mempool *mp)
{
	struct rte_mempool_nta_stats st;

	rte_mempool_nta_stats_get(mp, &st);
	return st.total.bad_frees[RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE];
}

struct rv2 {
	struct rte_mempool *mp;
	void *x;
	void *objs[64];
	unsigned int n;
};

static int
rv2_put_x(void *arg)
{
	struct rv2 *t = arg;

	rte_mempool_put(t->mp, t->x);
	return 0;
}

static int
rv2_put_objs(void *arg)
{
	struct rv2 *t = arg;

	rte_mempool_put_bulk(t->mp, t->objs, t->n);
	return 0;
}

/* Get everything main can get; how many times x is among it. */
static int
rv2_count_x(struct rte_mempool *mp, void *x, unsigned int n, unsigned int *dups)
{
	void **all = calloc(n + 8, sizeof(void *));
	int got, i;

	if (all == NULL)
		return -1;
	got = tp_get_all(mp, all, n + 8, 1);
	*dups = 0;
	for (i = 0; i < got; i++)
		*dups += all[i] == x;
	rte_mempool_put_bulk(mp, all, got);
	free(all);
	return got;
}

/*
 * nta_dequeue_contig_blocks() bumps the epoch but never calls
 * nta_lcore_tick(), so an lcore whose hand-outs are contiguous blocks
 * never sweeps (nor re-stamps). Main (the home) frees x itself, the worker
 * frees x too (stale copy, lane tag T), main gets x again, then makes
 * 65540 contiguous-block get/put cycles: no sweep. The next plain get
 * ticks, sweeps, and the stale copy's tag now reads as T + 2^16, later
 * than x's hand-out: accepted.
 */
NTA_TEST(stale_after_contig_blocks, "contiguous-block hand-outs keep the sweeps going: a stale remote free is refused after 2^16 of them", 2)
{
	const unsigned int n = 2048;
	struct rv2 t = { .mp = tp_create("rv2contig", n, 64, 0, 0, NULL) };
	unsigned int w = tp_worker(), i, j, dups = 0;
	size_t stride;
	uint64_t df0;
	void *o, *first, *blk[8];
	int got;

	CHECK(t.mp != NULL, "create");
	stride = t.mp->header_size + t.mp->elt_size + t.mp->trailer_size;
	CHECK(rte_mempool_get(t.mp, &t.x) == 0, "get x");
	rte_mempool_put(t.mp, t.x);              /* x free, top of main's LIFO */
	df0 = rv2_double_frees(t.mp);
	CHECK(tp_run_on(w, rv2_put_x, &t) == 0, "worker frees x again");
	CHECK(rte_mempool_get(t.mp, &o) == 0 && o == t.x, "x handed out again");
	for (i = 0; i < 65540; i++) {
		CHECK(rte_mempool_get_contig_blocks(t.mp, &first, 1) == 0,
		      "contig %u", i);
		for (j = 0; j < 8; j++)
			blk[j] = RTE_PTR_ADD(first, j * stride);
		rte_mempool_put_bulk(t.mp, blk, 8);
	}
	/* a plain get: its tick sweeps the lane holding the stale copy */
	CHECK(rte_mempool_get(t.mp, &o) == 0, "get");
	rte_mempool_put(t.mp, o);
	printf("  stale copy of x: %" PRIu64 " double free(s) refused\n",
	       rv2_double_frees(t.mp) - df0);
	got = rv2_count_x(t.mp, t.x, n, &dups);
	printf("  main holds x; got %d more objects, x among them %u time(s)\n",
	       got, dups);
	CHECK(dups == 0, "x handed out again while in use");
	CHECK(rv2_double_frees(t.mp) - df0 == 1, "the stale copy refused");
	rte_mempool_put(t.mp, t.x);
	CHECK(tp_audit_ok(t.mp) == 0, "audit");
	rte_mempool_free(t.mp);
	return 0;
}

/*
 * the 2^16 bound on a lane entry's age (sweep every 4096
 * epochs) counts from the publish of the lane head, but the tag is read
 * at nta_send_open(). A sender stalled between the two (preempted, or, as
 * here, waiting for the pool lock in nta_send_ovf_flush() with entries
 * already written to its lane) publishes an entry whose tag is as old as
 * the stall. Main (home) holds the pool lock (standing in for any lock
 * holder: a contiguous-block get, an audit, a populate, a restamp) while
 * the worker frees [x, ...]: x's stale copy is written to the lane with
 * tag T, then the worker blocks on the lock. Main hands x out again and
 * cycles it so that its last hand-out is at T + 2^16, releases the lock;
 * the worker publishes; main drains: accepted.
 */
NTA_TEST(stale_from_stalled_sender, "a stale remote free is refused even when its sender stalled between reading the tag and publishing it", 2)
{
	const unsigned int n = 512;
	struct rte_mempool_nta_params prm = { .ring_size = 16 };
	struct rv2 t = { .mp = tp_create("rv2stall", n, 64, 0, 0, &prm) };
	unsigned int w = tp_worker(), me = rte_lcore_id(), i, dups = 0;
	struct nta_pool *p;
	struct nta_lane *l;
	uint32_t head0;
	uint64_t df0, e0;
	void *o;
	int got;

	CHECK(t.mp != NULL, "create");
	p = t.mp->pool_data;
	CHECK(rte_mempool_get(t.mp, &t.x) == 0, "get x");
	t.n = 60;
	CHECK(rte_mempool_get_bulk(t.mp, t.objs, t.n) == 0, "get objs");
	/* the worker's lane to main exists (one legitimate free) */
	t.n = 1;
	CHECK(tp_run_on(w, rv2_put_objs, &t) == 0, "warm-up free");
	l = p->lc[w].lane_to[me];
	CHECK(l != NULL, "lane");
	rte_mempool_put(t.mp, t.x);              /* x free, top of main's LIFO */
	/* the worker's batch: x (stale copy) first, then 59 legitimate
	 * frees: 15 fill the lane, the rest overflow, and the second
	 * overflow batch needs the lock
	 */
	t.objs[0] = t.x;
	t.n = 60;
	df0 = rv2_double_frees(t.mp);
	e0 = p->lc[me].epoch;
	head0 = __atomic_load_n(&l->head, __ATOMIC_ACQUIRE);
	pthread_mutex_lock(&p->lock);
	CHECK(rte_eal_remote_launch(rv2_put_objs, &t, w) == 0, "launch");
	usleep(300 * 1000);
	CHECK(__atomic_load_n(&l->head, __ATOMIC_ACQUIRE) == head0 &&
	      rte_eal_get_lcore_state(w) == RUNNING,
	      "worker stalled with its lane entries unpublished");
	/* x handed out again, last at the epoch the stale tag will read as */
	for (i = 0; i < 65535; i++) {
		if (rte_mempool_get(t.mp, &o) != 0 || o != t.x) {
			pthread_mutex_unlock(&p->lock);
			rte_eal_wait_lcore(w);
			CHECK(0, "cycle %u: got %p, want x", i, o);
		}
		rte_mempool_put(t.mp, o);
	}
	CHECK(rte_mempool_get(t.mp, &o) == 0 && o == t.x, "x in use");
	printf("  tag read at epoch %" PRIu64 ", x handed out at %" PRIu64 "\n",
	       e0, p->lc[me].epoch);
	pthread_mutex_unlock(&p->lock);
	CHECK(rte_eal_wait_lcore(w) == 0, "worker");
	got = rv2_count_x(t.mp, t.x, n, &dups);
	printf("  stale copy of x: %" PRIu64 " double free(s) refused; main holds x, got %d more objects, x among them %u time(s)\n",
	       rv2_double_frees(t.mp) - df0, got, dups);
	CHECK(dups == 0, "x handed out again while in use");
	CHECK(rv2_double_frees(t.mp) - df0 == 1, "the stale copy refused");
	rte_mempool_put(t.mp, t.x);
	CHECK(tp_audit_ok(t.mp) == 0, "audit");
	rte_mempool_free(t.mp);
	return 0;
}

struct rv3_put {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
};

static void *
rv3_put_thread(void *arg)
{
	struct rv3_put *t = arg;

	rte_mempool_put_bulk(t->mp, t->objs, t->n);
	return NULL;
}

/* rte_mempool_put_bulk() from an unregistered thread: the frees go to the
 * overflow list of the objects' home
 */
static int
rv3_put_unregistered(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct rv3_put t = { mp, objs, n };
	pthread_t th;

	if (pthread_create(&th, NULL, rv3_put_thread, &t) != 0)
		return -1;
	return pthread_join(th, NULL);
}

/*
 * Found by review of the run-header design: an overflow drain that stopped
 * in the middle of a group left the rest of it under the next group pushed,
 * which lent it its (later) epoch, and a stale entry of the old group was
 * accepted. Each overflow magazine now carries its own epoch.
 *
 * Main (home) holds everything. An unregistered thread frees [x, f1..f11]
 * (epoch h1), in overflow magazines of 8. Main gets 8, straight from the
 * overflow (f11..f4); x, f1..f3 stay. Main frees x itself and gets it
 * again (a later epoch): the pending entry for x is now stale. The thread
 * frees [f20] (a later epoch again). Main's next get drains f20 and the
 * rest of the first group: x must be refused, not handed out while main
 * holds it; it asks 5, gets 4, and fails whole (the 4 go to its store).
 */
NTA_TEST(stale_ovf_partly_drained, "an overflow group drained in part keeps its own epoch when another group is pushed after it", 1)
{
	const unsigned int n = 256;
	struct rte_mempool_nta_params prm = { .lifo_size = 16 };
	struct rte_mempool *mp = tp_create("stovf", n, 64, 0, 0, &prm);
	void **all = calloc(n, sizeof(void *));
	void *g1[12], *g2[1], *tmp[16], *o, *x;
	unsigned int i, got, me = rte_lcore_id();
	struct nta_pool *p;
	uint64_t df0;

	CHECK(mp != NULL && all != NULL, "create");
	p = mp->pool_data;
	CHECK(p->mag_size == 8, "magazines of 8 (%u)", p->mag_size);
	got = tp_get_all(mp, all, n, 1);
	CHECK(got == n, "main holds every object (%u)", got);
	x = all[0];
	for (i = 0; i < 12; i++)
		g1[i] = all[i];
	g2[0] = all[20];
	df0 = rv2_double_frees(mp);

	CHECK(rv3_put_unregistered(mp, g1, 12) == 0, "group 1");
	CHECK(p->lc[me].ovf_n == 12, "12 frees in overflow (%" PRIu64 ")",
	      p->lc[me].ovf_n);
	CHECK(rte_mempool_get_bulk(mp, tmp, 8) == 0, "get 8 after group 1");
	CHECK(p->lc[me].ovf_n == 4, "x, f1..f3 still pending (%" PRIu64 ")",
	      p->lc[me].ovf_n);
	rte_mempool_put(mp, x);
	CHECK(rte_mempool_get(mp, &o) == 0 && o == x, "x handed out again");
	CHECK(rv3_put_unregistered(mp, g2, 1) == 0, "group 2");
	/* empty main's store, so that the next get drains */
	got = p->lc[me].s.len;
	CHECK(got <= RTE_DIM(tmp) &&
	      rte_mempool_get_bulk(mp, tmp, got) == 0, "empty the store");
	/* what the caller's array held comes back whole on failure (the
	 * library keeps its cache's objects there)
	 */
	for (i = 0; i < 5; i++)
		tmp[i] = (void *)(uintptr_t)(0x5a5a0000u + 64 * i);
	CHECK(rte_mempool_get_bulk(mp, tmp, 5) == -ENOBUFS,
	      "get 5 after group 2: only 4 are free");
	for (i = 0; i < 5; i++)
		CHECK(tmp[i] == (void *)(uintptr_t)(0x5a5a0000u + 64 * i),
		      "array entry %u changed by a failed get: %p", i, tmp[i]);
	CHECK(rv2_double_frees(mp) - df0 == 1,
	      "the stale entry for x refused (%" PRIu64 ")",
	      rv2_double_frees(mp) - df0);
	CHECK(p->lc[me].ovf_n == 0, "overflow drained (%" PRIu64 ")",
	      p->lc[me].ovf_n);
	CHECK(rte_mempool_get_bulk(mp, tmp, 4) == 0, "get the 4");
	for (i = 0; i < 4; i++)
		CHECK(tmp[i] != x, "x handed out while main holds it");
	free(all);
	return 0;
}

struct kh {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
};

static int
kh_put(void *arg)
{
	struct kh *t = arg;

	rte_mempool_put_bulk(t->mp, t->objs, t->n);
	return 0;
}

/* Every object back in main's hands, exactly once: returns how many. */
static unsigned int
kh_all(struct rte_mempool *mp, void **all, unsigned int n, int *dups)
{
	unsigned int got = (unsigned int)tp_get_all(mp, all, n, 32);

	*dups = tp_unique(all, got);
	rte_mempool_put_bulk(mp, all, got);
	return got;
}

/*
 * A producer killed between its copy of head (phead) and head itself
 * (nta_send_close()) leaves whole entries past head. Here the worker's
 * send is rewound to that state by hand: head set back to what it was
 * before the send, phead left after it. The next send on that lcore goes
 * on from phead and publishes those entries with its own. Round 0: the
 * objects of the "dead" send were still out, so they come home once.
 * Round 1: the application took them back first (main freed them), so
 * their entries are refused as double frees. Both: every object exactly
 * once, the audit clean.
 */
NTA_TEST(lane_killed_between_heads, "entries a producer killed between phead and head left: published by the next send, kept once or refused, never twice", 2)
{
	const unsigned int n = 512, k = 12, m = 4;
	struct rte_mempool_nta_params prm = { .ring_size = 64 };
	struct rte_mempool *mp = tp_create("khead", n, 64, 0, 0, &prm);
	unsigned int w = tp_worker(), me = rte_lcore_id(), round, got;
	void **all = calloc(n, sizeof(void *));
	void *a[12], *b[4];
	struct kh t;
	struct nta_pool *p;
	struct nta_lane *l;
	uint64_t df0;
	uint32_t head0;
	int dups;

	CHECK(mp != NULL && all != NULL, "create");
	p = mp->pool_data;
	for (round = 0; round < 2; round++) {
		CHECK(rte_mempool_get_bulk(mp, a, k) == 0 &&
		      rte_mempool_get_bulk(mp, b, m) == 0, "get");
		/* the lane exists after the first round's sends */
		l = p->lc[w].lane_to != NULL ? p->lc[w].lane_to[me] : NULL;
		head0 = l != NULL ? __atomic_load_n(&l->head, __ATOMIC_ACQUIRE) :
			0;
		t = (struct kh){ mp, a, k };
		CHECK(tp_run_on(w, kh_put, &t) == 0, "worker frees a");
		l = p->lc[w].lane_to[me];
		CHECK(l != NULL && l->phead == l->head && l->head != head0,
		      "a sent: head %u phead %u, was %u", l->head, l->phead,
		      head0);
		/* killed between the two stores: head not published */
		__atomic_store_n(&l->head, head0, __ATOMIC_RELEASE);
		if (round == 1)
			/* the application takes a back itself */
			rte_mempool_put_bulk(mp, a, k);
		df0 = rv2_double_frees(mp);
		/* the next send on the worker's lcore */
		t = (struct kh){ mp, b, m };
		CHECK(tp_run_on(w, kh_put, &t) == 0, "worker frees b");
		CHECK(l->head == l->phead, "published: head %u phead %u",
		      l->head, l->phead);
		got = kh_all(mp, all, n, &dups);
		printf("  round %u: %u of %u back, %d duplicate(s), %" PRIu64
		       " double free(s) refused\n", round, got, n, dups,
		       rv2_double_frees(mp) - df0);
		CHECK(got == n && dups == 0, "round %u: %u of %u, %d twice",
		      round, got, n, dups);
		CHECK(rv2_double_frees(mp) - df0 == (round == 0 ? 0 : k),
		      "round %u: %" PRIu64 " refused, want %u", round,
		      rv2_double_frees(mp) - df0, round == 0 ? 0 : k);
		CHECK(tp_audit_ok(mp) == 0, "round %u: audit", round);
	}
	free(all);
	rte_mempool_free(mp);
	return 0;
}
