/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Pool creation: how long create + populate and free take, and how much
 * memory a handler needs beyond the objects themselves.
 *
 * The footprint is read off the DPDK heap: what it grew by while the pool
 * was made, less the object chunks and the mempool header (the same for
 * every handler). What remains is the handler's own memory (rings,
 * stacks, nta's arena metadata) plus a few hundred bytes of the mempool
 * library's bookkeeping. For nta the driver's own figure is shown too.
 */

#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "bench.h"

static int64_t
heap_allocated(void)
{
	struct rte_malloc_socket_stats s;
	unsigned int i;
	int64_t sum = 0;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(i),
						&s) == 0)
			sum += (int64_t)s.heap_allocsz_bytes;
	return sum;
}

static void
chunk_add(struct rte_mempool *mp __rte_unused, void *opaque,
	  struct rte_mempool_memhdr *memhdr, unsigned int mem_idx __rte_unused)
{
	*(uint64_t *)opaque += memhdr->len;
}

static void
footprint(struct rte_mempool *mp, int64_t heap_before, struct bench_create *r)
{
	struct rte_mempool_nta_stats st;

	r->obj_bytes = (uint64_t)mp->size *
		       (mp->header_size + mp->elt_size + mp->trailer_size);
	r->chunk_bytes = 0;
	rte_mempool_mem_iter(mp, chunk_add, &r->chunk_bytes);
	r->meta_bytes = heap_allocated() - heap_before -
			(int64_t)r->chunk_bytes - (int64_t)mp->mz->len;
	r->meta_known = 1;
	if (rte_mempool_nta_stats_get(mp, &st) == 0) {
		r->nta_meta_bytes = st.metadata_bytes;
		r->nta_obj_bytes = st.object_bytes;
		r->nta_known = 1;
	}
}

void
bench_create_run(const struct bench_opts *o, const char *ops,
		 struct bench_create *r)
{
	double hz = (double)rte_get_timer_hz() / 1e3;
	uint64_t t_make = 0, t_free = 0;
	char err[BENCH_NOTE_LEN];
	unsigned int i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < o->create_reps; i++) {
		int64_t heap = heap_allocated();
		uint64_t t0 = rte_get_timer_cycles(), t1, t2;
		struct rte_mempool *mp;

		mp = bench_pool_create(ops, o->create_objs, o->create_elt_size,
				       o->create_cache, err, sizeof(err));
		t1 = rte_get_timer_cycles();
		if (mp == NULL) {
			r->status = BENCH_ST_FAILED;
			snprintf(r->note, sizeof(r->note), "%s", err);
			return;
		}
		if (i == 0)
			footprint(mp, heap, r);
		t2 = rte_get_timer_cycles();
		rte_mempool_free(mp);
		t_make += t1 - t0;
		t_free += rte_get_timer_cycles() - t2;
	}
	r->status = BENCH_ST_OK;
	r->reps = o->create_reps;
	r->populate_ms = (double)t_make / hz / o->create_reps;
	r->free_ms = (double)t_free / hz / o->create_reps;
}
