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
