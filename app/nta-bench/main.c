/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * nta-bench: runs each selected case on each handler, one run at a time,
 * each on a fresh pool, --repeat times with the handlers taking turns;
 * then prints the table and writes the CSV, JSON and chart files.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "bench.h"

struct progress {
	unsigned int done;
	unsigned int total;
};

static int
case_on(const struct bench_opts *o, enum bench_case c)
{
	return (o->cases & (1u << c)) != 0;
}

static void
progress_print(struct progress *p, const struct bench_row *r,
	       const char *ops, const struct bench_cell *c)
{
	fprintf(stderr, "[%3u/%u] %-8s lcores=%u threads=%u cache=%-3u bulk=%-3u ",
		++p->done, p->total, bench_case_name(r->kind), r->lcores,
		r->threads, r->cache, r->bulk);
	if (r->kind == BENCH_CASE_WORKSET)
		fprintf(stderr, "keep=%-4u ", r->keep);
	fprintf(stderr, "%-11s ", ops);
	if (c->status == BENCH_ST_OK)
		fprintf(stderr, "%8.2f Mobj/s (%u runs, %.2f..%.2f)\n", c->mops,
			c->reps, c->mops_min, c->mops_max);
	else
		fprintf(stderr, "%s %s\n", bench_status_name(c->status),
			c->note);
}

/* How many measurements the selected cases make, for the progress lines. */
static unsigned int
measurements(const struct bench_opts *o)
{
	unsigned int n = 0, two = rte_lcore_count() >= 2;

	if (case_on(o, BENCH_CASE_LOCAL))
		n += o->nb_lcore_counts * o->nb_caches * o->nb_bulks;
	if (case_on(o, BENCH_CASE_WORKSET))
		n += o->nb_lcore_counts * o->nb_caches * o->nb_bulks *
		     o->nb_keeps;
	if (case_on(o, BENCH_CASE_PIPELINE) && two)
		n += 2;
	if (case_on(o, BENCH_CASE_MBUF))
		n += o->nb_lcore_counts * 2;
	if (case_on(o, BENCH_CASE_UNREG))
		n += 1;
	if (case_on(o, BENCH_CASE_CREATE))
		n += 1;
	return n * o->nb_handlers;
}

/* One run of one handler on the shape of row r. */
typedef void (case_fn_t)(const struct bench_opts *o, const char *ops,
			 const struct bench_row *r, struct bench_cell *c);

static void
local_fn(const struct bench_opts *o, const char *ops,
	 const struct bench_row *r, struct bench_cell *c)
{
	bench_local_run(o, ops, r->lcores, r->cache, r->bulk, c);
}

static void
workset_fn(const struct bench_opts *o, const char *ops,
	   const struct bench_row *r, struct bench_cell *c)
{
	bench_workset_run(o, ops, r->lcores, r->cache, r->bulk, r->keep, c);
}

static void
pipeline_fn(const struct bench_opts *o, const char *ops,
	    const struct bench_row *r, struct bench_cell *c)
{
	bench_pipeline_run(o, ops, r->cache, c);
}

static void
mbuf_fn(const struct bench_opts *o, const char *ops,
	const struct bench_row *r, struct bench_cell *c)
{
	bench_mbuf_run(o, ops, r->lcores, r->cache, c);
}

static void
unreg_fn(const struct bench_opts *o, const char *ops,
	 const struct bench_row *r __rte_unused, struct bench_cell *c)
{
	bench_unreg_run(o, ops, c);
}

/*
 * Measure one row. The handlers take turns run after run, so a slow
 * spell of the machine (another process, a frequency change) lands on
 * all of them alike rather than on whichever handler was running.
 */
static void
row_run(const struct bench_opts *o, struct bench_results *res,
	struct progress *p, case_fn_t *fn, enum bench_case kind,
	unsigned int lcores, unsigned int threads, unsigned int cache,
	unsigned int bulk, unsigned int keep)
{
	struct bench_row *r = bench_row_add(res, kind, lcores, threads, cache,
					    bulk);
	struct bench_cell one;
	unsigned int k, h;

	if (r == NULL)
		rte_exit(EXIT_FAILURE, "out of memory\n");
	r->keep = keep;
	for (k = 0; k < o->repeat; k++)
		for (h = 0; h < o->nb_handlers; h++) {
			/* a failure or n/a does not change on a rerun */
			if (r->cell[h].status != BENCH_ST_OK)
				continue;
			memset(&one, 0, sizeof(one));
			fn(o, o->handlers[h], r, &one);
			bench_cell_merge(&r->cell[h], &one);
		}
	for (h = 0; h < o->nb_handlers; h++) {
		bench_cell_finish(&r->cell[h]);
		progress_print(p, r, o->handlers[h], &r->cell[h]);
	}
}

static void
run_local(const struct bench_opts *o, struct bench_results *res,
	  struct progress *p)
{
	unsigned int l, c, b;

	for (l = 0; l < o->nb_lcore_counts; l++)
		for (c = 0; c < o->nb_caches; c++)
			for (b = 0; b < o->nb_bulks; b++)
				row_run(o, res, p, local_fn, BENCH_CASE_LOCAL,
					o->lcore_counts[l], o->lcore_counts[l],
					o->caches[c], o->bulks[b], 0);
}

static void
run_workset(const struct bench_opts *o, struct bench_results *res,
	    struct progress *p)
{
	unsigned int l, c, b, k;

	for (l = 0; l < o->nb_lcore_counts; l++)
		for (k = 0; k < o->nb_keeps; k++)
			for (c = 0; c < o->nb_caches; c++)
				for (b = 0; b < o->nb_bulks; b++)
					row_run(o, res, p, workset_fn,
						BENCH_CASE_WORKSET,
						o->lcore_counts[l],
						o->lcore_counts[l],
						o->caches[c], o->bulks[b],
						o->keeps[k]);
}

static void
run_pipeline(const struct bench_opts *o, struct bench_results *res,
	     struct progress *p)
{
	static const unsigned int caches[] = { 0, 256 };
	unsigned int c;

	if (rte_lcore_count() < 2) {
		snprintf(res->skipped[BENCH_CASE_PIPELINE], BENCH_NOTE_LEN,
			 "needs 2 lcores, EAL has %u", rte_lcore_count());
		fprintf(stderr, "pipeline: skipped, %s\n",
			res->skipped[BENCH_CASE_PIPELINE]);
		return;
	}
	for (c = 0; c < RTE_DIM(caches); c++)
		row_run(o, res, p, pipeline_fn, BENCH_CASE_PIPELINE, 2, 2,
			caches[c], o->burst, 0);
}

static void
run_mbuf(const struct bench_opts *o, struct bench_results *res,
	 struct progress *p)
{
	static const unsigned int caches[] = { 0, 256 };
	unsigned int l, c;

	for (l = 0; l < o->nb_lcore_counts; l++)
		for (c = 0; c < RTE_DIM(caches); c++)
			row_run(o, res, p, mbuf_fn, BENCH_CASE_MBUF,
				o->lcore_counts[l], o->lcore_counts[l],
				caches[c], o->burst, 0);
}

static void
run_unreg(const struct bench_opts *o, struct bench_results *res,
	  struct progress *p)
{
	row_run(o, res, p, unreg_fn, BENCH_CASE_UNREG, 0, o->unreg_threads,
		0, 1, 0);
}

static void
run_create(const struct bench_opts *o, struct bench_results *res,
	   struct progress *p)
{
	unsigned int h;

	for (h = 0; h < o->nb_handlers; h++) {
		struct bench_create *c = &res->create[h];

		bench_create_run(o, o->handlers[h], c);
		fprintf(stderr, "[%3u/%u] create   %u x %u B %-10s ", ++p->done,
			p->total, o->create_objs, o->create_elt_size,
			o->handlers[h]);
		if (c->status == BENCH_ST_OK)
			fprintf(stderr, "%.2f ms create+populate, %.2f ms free\n",
				c->populate_ms, c->free_ms);
		else
			fprintf(stderr, "FAILED %s\n", c->note);
	}
	res->have_create = 1;
}

/*
 * The floor handler lives in this program: register it when it is asked
 * for, after EAL has loaded its plugins (nta among them), and say which
 * slot it took, or why it has none.
 */
static void
floor_register(const struct bench_opts *o)
{
	int ret;

	if (bench_handler_index(o, BENCH_FLOOR) < 0)
		return;
	ret = bench_floor_register();
	if (ret >= 0)
		fprintf(stderr, "%s: mempool ops slot %d of %d (%u in use)\n",
			BENCH_FLOOR, ret, RTE_MEMPOOL_MAX_OPS_IDX,
			rte_mempool_ops_table.num_ops);
	else
		fprintf(stderr, "%s: cannot register: %s (%u of %d ops slots "
			"in use)\n", BENCH_FLOOR, strerror(-ret),
			rte_mempool_ops_table.num_ops,
			RTE_MEMPOOL_MAX_OPS_IDX);
}

/* A handler missing from the ops table fails every case; say why early. */
static void
handlers_check(const struct bench_opts *o)
{
	unsigned int h;
	uint32_t i;

	for (h = 0; h < o->nb_handlers; h++) {
		for (i = 0; i < rte_mempool_ops_table.num_ops; i++)
			if (strcmp(rte_mempool_ops_table.ops[i].name,
				   o->handlers[h]) == 0)
				break;
		if (i == rte_mempool_ops_table.num_ops)
			fprintf(stderr, "warning: mempool ops '%s' not registered "
				"(plugin not loaded?): it will show FAILED\n",
				o->handlers[h]);
	}
}

static void
outputs_write(const struct bench_opts *o, const struct bench_results *res)
{
	int ret = bench_out_dir_make(o->out_dir);

	if (ret < 0) {
		printf("note: cannot create %s: %s; no files written\n",
		       o->out_dir, strerror(-ret));
		return;
	}
	if (bench_csv_write(o, res) == 0 && bench_json_write(o, res) == 0)
		printf("\nresults: %s/{%s%sresults.json}\n", o->out_dir,
		       res->nb_rows ? "results.csv," : "",
		       res->have_create ? "footprint.csv," : "");
	bench_chart_make(o, res);
}

int
main(int argc, char **argv)
{
	struct bench_results res;
	struct bench_opts o;
	struct progress p;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		rte_exit(EXIT_FAILURE, "EAL init failed\n");
	argc -= ret;
	argv += ret;
	ret = bench_opts_parse(&o, argc, argv);
	if (ret != 0) {
		rte_eal_cleanup();
		return ret > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	floor_register(&o);
	handlers_check(&o);

	memset(&res, 0, sizeof(res));
	p.done = 0;
	p.total = measurements(&o);
	if (case_on(&o, BENCH_CASE_LOCAL))
		run_local(&o, &res, &p);
	if (case_on(&o, BENCH_CASE_WORKSET))
		run_workset(&o, &res, &p);
	if (case_on(&o, BENCH_CASE_PIPELINE))
		run_pipeline(&o, &res, &p);
	if (case_on(&o, BENCH_CASE_MBUF))
		run_mbuf(&o, &res, &p);
	if (case_on(&o, BENCH_CASE_UNREG))
		run_unreg(&o, &res, &p);
	if (case_on(&o, BENCH_CASE_CREATE))
		run_create(&o, &res, &p);

	bench_table_print(stdout, &o, &res);
	outputs_write(&o, &res);
	free(res.rows);
	rte_eal_cleanup();
	return EXIT_SUCCESS;
}
