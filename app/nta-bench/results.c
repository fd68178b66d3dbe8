/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Results: rows as they are measured, ratios to the baseline handler, and
 * the table printed on stdout.
 */

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define CELL_W 16

struct bench_row *
bench_row_add(struct bench_results *res, enum bench_case kind,
	      unsigned int lcores, unsigned int threads, unsigned int cache,
	      unsigned int bulk)
{
	struct bench_row *r;

	if (res->nb_rows == res->cap_rows) {
		unsigned int cap = res->cap_rows ? res->cap_rows * 2 : 64;
		struct bench_row *rows = realloc(res->rows,
						 cap * sizeof(*rows));

		if (rows == NULL)
			return NULL;
		res->rows = rows;
		res->cap_rows = cap;
	}
	r = &res->rows[res->nb_rows++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->lcores = lcores;
	r->threads = threads;
	r->cache = cache;
	r->bulk = bulk;
	return r;
}

int
bench_handler_index(const struct bench_opts *o, const char *ops)
{
	unsigned int h;

	for (h = 0; h < o->nb_handlers; h++)
		if (strcmp(o->handlers[h], ops) == 0)
			return (int)h;
	return -1;
}

int
bench_baseline_index(const struct bench_opts *o)
{
	return bench_handler_index(o, BENCH_BASELINE);
}

/* Rate of handler h over handler b's in the same row; NAN if none. */
static double
ratio_to(const struct bench_row *r, unsigned int h, int b)
{
	if (b < 0 || r->cell[h].status != BENCH_ST_OK ||
	    r->cell[b].status != BENCH_ST_OK || r->cell[b].mops <= 0)
		return NAN;
	return r->cell[h].mops / r->cell[b].mops;
}

/* Rate of handler h over the baseline's (ring_mp_mc) in the same row. */
double
bench_ratio(const struct bench_opts *o, const struct bench_row *r,
	    unsigned int h)
{
	return ratio_to(r, h, bench_baseline_index(o));
}

/* Rate of handler h over the floor handler's in the same row. */
double
bench_ratio_floor(const struct bench_opts *o, const struct bench_row *r,
		  unsigned int h)
{
	return ratio_to(r, h, bench_handler_index(o, BENCH_FLOOR));
}

const char *
bench_status_name(enum bench_status s)
{
	switch (s) {
	case BENCH_ST_OK:
		return "ok";
	case BENCH_ST_FAILED:
		return "FAILED";
	default:
		return "n/a";
	}
}

/* The nta column also shows nta's rate over the floor handler's, beside
 * its ratio to ring_mp_mc, when both handlers are in the run.
 */
static int
floor_column(const struct bench_opts *o, unsigned int h)
{
	return strcmp(o->handlers[h], "nta") == 0 &&
	       bench_handler_index(o, BENCH_FLOOR) >= 0;
}

static void
ratio_print(FILE *f, double ratio)
{
	if (isnan(ratio))
		fprintf(f, " %7s", "-");
	else if (ratio < 100)
		fprintf(f, " %6.2fx", ratio);
	else if (ratio < 1e6)
		fprintf(f, " %6.0fx", ratio);
	else
		fprintf(f, " %7s", ">=1e6x");
}

/* Collapsed rates (unregistered threads) need more digits, and their
 * ratios fewer, to stay in the column.
 */
static void
cell_print(FILE *f, const struct bench_opts *o, const struct bench_row *r,
	   unsigned int h)
{
	const struct bench_cell *c = &r->cell[h];
	int fl = floor_column(o, h);

	if (c->status != BENCH_ST_OK) {
		fprintf(f, " %*s", CELL_W + (fl ? 8 : 0),
			bench_status_name(c->status));
		return;
	}
	fprintf(f, c->mops >= 0.1 ? " %8.2f" : " %8.4f", c->mops);
	ratio_print(f, bench_ratio(o, r, h));
	if (fl)
		ratio_print(f, bench_ratio_floor(o, r, h));
}

static void
rates_header(FILE *f, const struct bench_opts *o)
{
	unsigned int h;

	fprintf(f, "%-9s %6s %7s %5s %4s %4s", "case", "lcores", "threads",
		"cache", "bulk", "keep");
	for (h = 0; h < o->nb_handlers; h++)
		fprintf(f, " %*s", CELL_W + (floor_column(o, h) ? 8 : 0),
			o->handlers[h]);
	fprintf(f, "\n%-9s %6s %7s %5s %4s %4s", "", "", "", "", "", "");
	for (h = 0; h < o->nb_handlers; h++) {
		fprintf(f, " %8s %7s", "Mobj/s", "ratio");
		if (floor_column(o, h))
			fprintf(f, " %7s", "/floor");
	}
	fputc('\n', f);
}

static void
rates_print(FILE *f, const struct bench_opts *o,
	    const struct bench_results *res)
{
	unsigned int i, h;

	rates_header(f, o);
	for (i = 0; i < res->nb_rows; i++) {
		const struct bench_row *r = &res->rows[i];

		if (i > 0 && r->kind != res->rows[i - 1].kind)
			fputc('\n', f);
		fprintf(f, "%-9s %6u %7u %5u %4u", bench_case_name(r->kind),
			r->lcores, r->threads, r->cache, r->bulk);
		if (r->kind == BENCH_CASE_WORKSET)
			fprintf(f, " %4u", r->keep);
		else
			fprintf(f, " %4s", "-");
		for (h = 0; h < o->nb_handlers; h++)
			cell_print(f, o, r, h);
		fputc('\n', f);
	}
}

/* Failures and warnings, one line each; n/a cells all say the same. */
static void
notes_print(FILE *f, const struct bench_opts *o,
	    const struct bench_results *res)
{
	unsigned int i, h, nb = 0;

	for (i = 0; i < res->nb_rows; i++) {
		const struct bench_row *r = &res->rows[i];

		for (h = 0; h < o->nb_handlers; h++) {
			const struct bench_cell *c = &r->cell[h];

			if (c->status == BENCH_ST_NA || c->note[0] == '\0')
				continue;
			if (nb++ == 0)
				fprintf(f, "\nNotes:\n");
			fprintf(f, "  %s lcores=%u threads=%u cache=%u bulk=%u ",
				bench_case_name(r->kind), r->lcores, r->threads,
				r->cache, r->bulk);
			if (r->kind == BENCH_CASE_WORKSET)
				fprintf(f, "keep=%u ", r->keep);
			fprintf(f, "%s: %s%s\n", o->handlers[h],
				c->status == BENCH_ST_FAILED ? "FAILED: " : "",
				c->note);
		}
	}
	for (i = 0; i < BENCH_CASE_MAX; i++)
		if (res->skipped[i][0] != '\0')
			fprintf(f, "  %s: skipped: %s\n",
				bench_case_name(i), res->skipped[i]);
}

static void
create_print(FILE *f, const struct bench_opts *o,
	     const struct bench_results *res)
{
	unsigned int h;

	fprintf(f, "\nPool creation and footprint: %u objects of %u B, cache %u, %u reps\n",
		o->create_objs, o->create_elt_size, o->create_cache,
		o->create_reps);
	fprintf(f, "%-12s %10s %8s %10s %10s %12s %8s %14s\n", "handler",
		"create ms", "free ms", "obj MiB", "chunk MiB",
		"handler KiB", "% obj", "nta-reported");
	for (h = 0; h < o->nb_handlers; h++) {
		const struct bench_create *c = &res->create[h];

		fprintf(f, "%-12s", o->handlers[h]);
		if (c->status != BENCH_ST_OK) {
			fprintf(f, " %10s  %s\n", bench_status_name(c->status),
				c->note);
			continue;
		}
		fprintf(f, " %10.2f %8.2f %10.2f %10.2f", c->populate_ms,
			c->free_ms, c->obj_bytes / 1048576.0,
			c->chunk_bytes / 1048576.0);
		if (c->meta_known)
			fprintf(f, " %12.1f %7.2f%%", c->meta_bytes / 1024.0,
				100.0 * (double)c->meta_bytes / c->obj_bytes);
		else
			fprintf(f, " %12s %8s", "-", "-");
		if (c->nta_known)
			fprintf(f, " %7.1fK %5.2f%%", c->nta_meta_bytes / 1024.0,
				100.0 * c->nta_meta_bytes / c->nta_obj_bytes);
		else
			fprintf(f, " %14s", "-");
		fputc('\n', f);
	}
}

void
bench_table_print(FILE *f, const struct bench_opts *o,
		  const struct bench_results *res)
{
	fprintf(f, "\nnta-bench: %u EAL lcores; each figure the median of %u run(s) "
		"(handlers taking turns) of %u ms after %u ms warm-up, each on a fresh "
		"pool of >= %u objects of %u B\n"
		"Mobj/s: million objects got and put back per second; ratio: to %s "
		"in the same row%s%s\n\n", rte_lcore_count(), o->repeat,
		o->duration_ms, o->warmup_ms, o->pool_size, o->elt_size,
		BENCH_BASELINE, bench_handler_index(o, "nta") >= 0 &&
		bench_handler_index(o, BENCH_FLOOR) >= 0 ?
		"; nta /floor: nta's rate over " BENCH_FLOOR "'s" : "",
		o->shuffle ? "\n--shuffle: local and workset pools' free objects "
		"in random order (" BENCH_FLOOR " excepted)" : "");
	if (res->nb_rows != 0)
		rates_print(f, o, res);
	if (res->have_create)
		create_print(f, o, res);
	notes_print(f, o, res);
	fprintf(f, "\nn/a: handler is single-producer/single-consumer and the case "
		"has several getting or putting threads.\n");
	if (bench_handler_index(o, BENCH_FLOOR) >= 0)
		fprintf(f, "%s: the floor, nta-bench's own handler with no checks: "
			"a pointer LIFO per lcore,\n"
			"  sized for the pool, no sharing (local, workset, mbuf); "
			"objects got on one lcore and\n"
			"  put on another (pipeline) pass through a spinlocked "
			"shared LIFO in batches of half\n"
			"  the spill mark (pool size / lcores); threads without "
			"an lcore id (unreg) use that\n"
			"  shared LIFO for every call.\n", BENCH_FLOOR);
	fflush(f);
}
