/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Pipeline case: one lcore allocates bursts and hands the pointers over an
 * SP/SC ring to a second lcore, which frees them. Every free is of an
 * object another lcore allocated: the remote-free path of an Rx lcore
 * feeding a Tx lcore.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "bench.h"

struct pipe_run {
	struct bench_tres prod;
	struct bench_tres cons;
	struct rte_mempool *mp;
	struct rte_ring *ring;
	unsigned int burst;
	unsigned int consumer;     /* lcore id of the consumer */
	uint64_t warm_cycles;
	uint64_t run_cycles;
	uint32_t done;             /* producer has stopped */
	struct bench_sync sync;
};

static void
pipe_produce(struct pipe_run *r)
{
	uint64_t start, now, sent = 0, fails = 0;
	unsigned int burst = r->burst, n, turn = 0;
	struct bench_objs buf;

	bench_sync_wait(&r->sync);
	start = now = rte_get_timer_cycles();
	while (now - start < r->warm_cycles + r->run_cycles) {
		void **objs = bench_objs_at(&buf, turn++);

		if (unlikely(rte_mempool_get_bulk(r->mp, objs, burst) != 0)) {
			fails++;
		} else {
			/* a full ring is the consumer's back-pressure */
			for (n = 0; n < burst; )
				n += rte_ring_enqueue_burst(r->ring, objs + n,
							    burst - n, NULL);
			sent += burst;
		}
		now = rte_get_timer_cycles();
	}
	/* release: pairs with the consumer's acquire; every pointer
	 * enqueued above is in the ring when it sees done
	 */
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
	r->prod.objs = sent;
	r->prod.cycles = now - start;
	r->prod.get_fails = fails;
}

/* Free what arrives; the rate counts from the end of the warm-up until the
 * ring is drained after the producer stopped.
 */
static void
pipe_consume(struct pipe_run *r)
{
	uint64_t start, now, t0 = 0, freed = 0, base = 0;
	unsigned int burst = r->burst, n, turn = 0;
	struct bench_objs buf;
	int measuring = 0;

	bench_sync_wait(&r->sync);
	start = now = rte_get_timer_cycles();
	for (;;) {
		/* acquire: pairs with the producer's release of done */
		int fin = __atomic_load_n(&r->done, __ATOMIC_ACQUIRE);
		void **objs = bench_objs_at(&buf, turn++);

		n = rte_ring_dequeue_burst(r->ring, objs, burst, NULL);
		if (n != 0) {
			rte_mempool_put_bulk(r->mp, objs, n);
			freed += n;
		} else if (fin) {
			break;
		}
		now = rte_get_timer_cycles();
		if (!measuring && now - start >= r->warm_cycles) {
			measuring = 1;
			base = freed;
			t0 = now;
		}
	}
	r->cons.objs = measuring ? freed - base : 0;
	r->cons.cycles = measuring ? now - t0 : 0;
}

static int
pipe_worker(void *arg)
{
	struct pipe_run *r = arg;

	if (rte_lcore_id() == r->consumer)
		pipe_consume(r);
	else
		pipe_produce(r);
	return 0;
}

static void
pipe_measure(const struct bench_opts *o, struct rte_mempool *mp,
	     struct rte_ring *ring, struct bench_cell *c)
{
	unsigned int ids[2];
	struct pipe_run *r;

	r = aligned_alloc(RTE_CACHE_LINE_SIZE,
			  RTE_ALIGN_CEIL(sizeof(*r), RTE_CACHE_LINE_SIZE));
	if (r == NULL) {
		bench_cell_fail(c, "out of memory");
		return;
	}
	memset(r, 0, sizeof(*r));
	r->mp = mp;
	r->ring = ring;
	r->burst = o->burst;
	r->warm_cycles = bench_ms_to_cycles(o->warmup_ms);
	r->run_cycles = bench_ms_to_cycles(o->duration_ms);
	bench_lcores_pick(2, ids);
	r->consumer = ids[1];
	bench_sync_init(&r->sync, 2);
	bench_launch(ids, 2, pipe_worker, r);

	bench_cell_rate(c, &r->cons, 1);
	/* back-pressure is the ring's job; a failed get means the pool
	 * looked empty while most objects were free somewhere in it
	 */
	c->get_fails = r->prod.get_fails;
	if (r->prod.objs == 0)
		bench_cell_fail(c, "no get succeeded (%" PRIu64 " failed)",
				c->get_fails);
	else if (bench_pool_check(mp, c) == 0 && c->get_fails != 0)
		snprintf(c->note, sizeof(c->note),
			 "%" PRIu64 " producer gets failed (pool looked empty)",
			 c->get_fails);
	else if (c->status == BENCH_ST_OK && c->objs == 0)
		/* a busy machine can keep the consumer off its core */
		snprintf(c->note, sizeof(c->note),
			 "a timed window saw no object freed");
	free(r);
}

void
bench_pipeline_run(const struct bench_opts *o, const char *ops,
		   unsigned int cache, struct bench_cell *c)
{
	char name[RTE_RING_NAMESIZE], err[BENCH_NOTE_LEN];
	struct rte_mempool *mp;
	struct rte_ring *ring;

	/* one thread gets, the other puts: fine even for ring_sp_sc */
	if (!bench_handler_allows(ops, 1, 1)) {
		bench_cell_na(c, "single-threaded handler");
		return;
	}
	bench_pool_name(name, sizeof(name), "r");
	ring = rte_ring_create(name, o->ring_size, SOCKET_ID_ANY,
			       RING_F_SP_ENQ | RING_F_SC_DEQ | RING_F_EXACT_SZ);
	if (ring == NULL) {
		bench_cell_fail(c, "ring_create: %s", rte_strerror(rte_errno));
		return;
	}
	mp = bench_pool_create(ops,
			       bench_pool_size(o, 2, cache, o->burst,
					       o->ring_size),
			       o->elt_size, cache, err, sizeof(err));
	if (mp == NULL) {
		bench_cell_fail(c, "%s", err);
	} else {
		pipe_measure(o, mp, ring, c);
		rte_mempool_free(mp);
	}
	rte_ring_free(ring);
}
