/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Working-set case: every lcore gets K objects, in bulks, holds them all,
 * then puts them back in bulks of the same size, over and over (the n_keep
 * loop of DPDK's mempool_perf_autotest). With K above the cache size the
 * handler serves most of it; with K larger than the cache, the mempool
 * cache flushes and refills as an application holding objects in flight
 * (Tx rings, reassembly) makes it do.
 */

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mempool.h>

#include "bench.h"

/* Clock reads: once per round of K, or per this many objects if more. */
#define WORKSET_CHECK_OBJS 512

struct workset_run {
	struct bench_tres res[RTE_MAX_LCORE]; /* by lcore id */
	struct rte_mempool *mp;
	unsigned int bulk;
	unsigned int keep;
	uint64_t warm_cycles;
	uint64_t run_cycles;
	struct bench_sync sync;
};

/* Room for K pointers at every placement (see bench_objs_at). */
#define WORKSET_SLOTS(k) ((k) + BENCH_SHIFTS * BENCH_SHIFT_BYTES / sizeof(void *))

static void
workset_loop(const struct workset_run *r, void **mem, uint64_t cycles,
	     struct bench_tres *t)
{
	unsigned int bulk = r->bulk, keep = r->keep, i, n, turn = 0, k;
	unsigned int rounds = RTE_MAX(1u, WORKSET_CHECK_OBJS / keep);
	struct rte_mempool *mp = r->mp;
	uint64_t start, now, done = 0, fails = 0;

	start = rte_get_timer_cycles();
	do {
		void **objs = mem + (turn++ % BENCH_SHIFTS) *
			(BENCH_SHIFT_BYTES / sizeof(void *));

		for (k = 0; k < rounds; k++) {
			for (i = 0; i < keep; i += n) {
				n = RTE_MIN(bulk, keep - i);
				if (unlikely(rte_mempool_get_bulk(mp, objs + i,
								  n) != 0)) {
					fails++;
					break;
				}
			}
			/* i: what was got (all of K unless a get failed) */
			keep = i;
			for (i = 0; i < keep; i += n) {
				n = RTE_MIN(bulk, keep - i);
				rte_mempool_put_bulk(mp, objs + i, n);
			}
			done += keep;
			keep = r->keep;
		}
		now = rte_get_timer_cycles();
	} while (now - start < cycles);
	t->objs = done;
	t->cycles = now - start;
	t->get_fails = fails;
}

static int
workset_worker(void *arg)
{
	struct workset_run *r = arg;
	struct bench_tres *t = &r->res[rte_lcore_id()], warm;
	void **mem;

	mem = aligned_alloc(4096, RTE_ALIGN_CEIL(WORKSET_SLOTS(r->keep) *
						  sizeof(void *), 4096));
	bench_sync_wait(&r->sync);
	if (mem == NULL) {
		t->get_fails = 1;
		return -1;
	}
	workset_loop(r, mem, r->warm_cycles, &warm);
	workset_loop(r, mem, r->run_cycles, t);
	t->get_fails += warm.get_fails;
	free(mem);
	return 0;
}

void
bench_workset_run(const struct bench_opts *o, const char *ops,
		  unsigned int lcores, unsigned int cache, unsigned int bulk,
		  unsigned int keep, struct bench_cell *c)
{
	struct bench_tres res[RTE_MAX_LCORE];
	unsigned int ids[RTE_MAX_LCORE], nb, i;
	char err[BENCH_NOTE_LEN];
	struct workset_run *r;
	struct rte_mempool *mp;

	if (!bench_handler_allows(ops, lcores, lcores)) {
		bench_cell_na(c, "single-threaded handler");
		return;
	}
	/* each lcore holds K besides its cache and a bulk */
	mp = bench_pool_create(ops, bench_pool_size(o, lcores, cache, bulk,
						    lcores * keep),
			       o->elt_size, cache, err, sizeof(err));
	if (mp == NULL) {
		bench_cell_fail(c, "%s", err);
		return;
	}
	if (bench_pool_shuffle(o, ops, mp, err, sizeof(err)) < 0) {
		bench_cell_fail(c, "%s", err);
		rte_mempool_free(mp);
		return;
	}
	r = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*r));
	if (r == NULL) {
		bench_cell_fail(c, "out of memory");
		rte_mempool_free(mp);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->mp = mp;
	r->bulk = bulk;
	r->keep = keep;
	r->warm_cycles = bench_ms_to_cycles(o->warmup_ms);
	r->run_cycles = bench_ms_to_cycles(o->duration_ms);
	nb = bench_lcores_pick(lcores, ids);
	bench_sync_init(&r->sync, nb);
	bench_launch(ids, nb, workset_worker, r);
	for (i = 0; i < nb; i++)
		res[i] = r->res[ids[i]];
	free(r);
	bench_cell_rate(c, res, nb);
	if (c->get_fails != 0)
		bench_cell_fail(c, "%" PRIu64 " gets failed on a pool that cannot run dry",
				c->get_fails);
	else
		bench_pool_check(mp, c);
	rte_mempool_free(mp);
}
