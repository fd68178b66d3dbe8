/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Local cases: every lcore gets objects and puts the same objects back, in
 * a tight loop, so each object stays on the lcore that took it. One case
 * goes through rte_mempool_get/put_bulk, the other through the mbuf API
 * (which also resets each mbuf, as a driver's Rx path does).
 */

#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "bench.h"

/* Timer reads per loop turn would cost as much as a cache hit: check the
 * clock once per this many turns.
 */
#define LOCAL_CHECK_EVERY 16

struct local_run;
typedef void (local_loop_t)(const struct local_run *r, uint64_t cycles,
			    struct bench_tres *t);

struct local_run {
	struct bench_tres res[RTE_MAX_LCORE]; /* by lcore id */
	struct rte_mempool *mp;
	unsigned int bulk;
	local_loop_t *loop;
	uint64_t warm_cycles;
	uint64_t run_cycles;
	struct bench_sync sync;
};

static void
pool_loop(const struct local_run *r, uint64_t cycles, struct bench_tres *t)
{
	struct rte_mempool *mp = r->mp;
	unsigned int bulk = r->bulk, i, turn = 0;
	uint64_t start, now, done = 0, fails = 0;
	struct bench_objs buf;

	start = rte_get_timer_cycles();
	do {
		void **objs = bench_objs_at(&buf, turn++);

		for (i = 0; i < LOCAL_CHECK_EVERY; i++) {
			if (unlikely(rte_mempool_get_bulk(mp, objs, bulk) != 0)) {
				fails++;
				continue;
			}
			rte_mempool_put_bulk(mp, objs, bulk);
			done += bulk;
		}
		now = rte_get_timer_cycles();
	} while (now - start < cycles);
	t->objs = done;
	t->cycles = now - start;
	t->get_fails = fails;
}

static void
mbuf_loop(const struct local_run *r, uint64_t cycles, struct bench_tres *t)
{
	struct rte_mempool *mp = r->mp;
	unsigned int bulk = r->bulk, i, turn = 0;
	uint64_t start, now, done = 0, fails = 0;
	struct bench_objs buf;

	start = rte_get_timer_cycles();
	do {
		struct rte_mbuf **m =
			(struct rte_mbuf **)bench_objs_at(&buf, turn++);

		for (i = 0; i < LOCAL_CHECK_EVERY; i++) {
			if (unlikely(rte_pktmbuf_alloc_bulk(mp, m, bulk) != 0)) {
				fails++;
				continue;
			}
			rte_pktmbuf_free_bulk(m, bulk);
			done += bulk;
		}
		now = rte_get_timer_cycles();
	} while (now - start < cycles);
	t->objs = done;
	t->cycles = now - start;
	t->get_fails = fails;
}

static int
local_worker(void *arg)
{
	struct local_run *r = arg;
	struct bench_tres *t = &r->res[rte_lcore_id()], warm;

	bench_sync_wait(&r->sync);
	/* the first gets set up per-lcore state in some handlers (nta's
	 * LIFO, bucket's stacks): keep that out of the figure
	 */
	r->loop(r, r->warm_cycles, &warm);
	r->loop(r, r->run_cycles, t);
	t->get_fails += warm.get_fails;
	return 0;
}

static void
local_measure(const struct bench_opts *o, struct rte_mempool *mp,
	      unsigned int lcores, unsigned int bulk, local_loop_t *loop,
	      struct bench_cell *c)
{
	struct bench_tres res[RTE_MAX_LCORE];
	unsigned int ids[RTE_MAX_LCORE], nb, i;
	struct local_run *r;

	r = aligned_alloc(RTE_CACHE_LINE_SIZE, sizeof(*r));
	if (r == NULL) {
		bench_cell_fail(c, "out of memory");
		return;
	}
	memset(r, 0, sizeof(*r));
	r->mp = mp;
	r->bulk = bulk;
	r->loop = loop;
	r->warm_cycles = bench_ms_to_cycles(o->warmup_ms);
	r->run_cycles = bench_ms_to_cycles(o->duration_ms);
	nb = bench_lcores_pick(lcores, ids);
	bench_sync_init(&r->sync, nb);
	bench_launch(ids, nb, local_worker, r);

	for (i = 0; i < nb; i++)
		res[i] = r->res[ids[i]];
	free(r);
	bench_cell_rate(c, res, nb);
	/* the pool holds more than all lcores can take at once */
	if (c->get_fails != 0) {
		bench_cell_fail(c, "%" PRIu64 " gets failed on a pool that cannot run dry",
				c->get_fails);
		return;
	}
	bench_pool_check(mp, c);
}

void
bench_local_run(const struct bench_opts *o, const char *ops,
		unsigned int lcores, unsigned int cache, unsigned int bulk,
		struct bench_cell *c)
{
	struct rte_mempool *mp;
	char err[BENCH_NOTE_LEN];

	if (!bench_handler_allows(ops, lcores, lcores)) {
		bench_cell_na(c, "single-threaded handler");
		return;
	}
	mp = bench_pool_create(ops, bench_pool_size(o, lcores, cache, bulk, 0),
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
	local_measure(o, mp, lcores, bulk, pool_loop, c);
	rte_mempool_free(mp);
}

void
bench_mbuf_run(const struct bench_opts *o, const char *ops,
	       unsigned int lcores, unsigned int cache, struct bench_cell *c)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;

	if (!bench_handler_allows(ops, lcores, lcores)) {
		bench_cell_na(c, "single-threaded handler");
		return;
	}
	bench_pool_name(name, sizeof(name), "m");
	/* the common mbuf: 2 KiB of data after the default headroom */
	mp = rte_pktmbuf_pool_create_by_ops(name,
			bench_pool_size(o, lcores, cache, o->burst, 0), cache, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY, ops);
	if (mp == NULL) {
		bench_cell_fail(c, "pktmbuf_pool_create_by_ops: %s",
				rte_strerror(rte_errno));
		return;
	}
	local_measure(o, mp, lcores, o->burst, mbuf_loop, c);
	rte_mempool_free(mp);
}
