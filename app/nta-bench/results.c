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
bench_baseline_index(const struct bench_opts *o)
{
	unsigned int h;

	for (h = 0; h < o->nb_handlers; h++)
		if (strcmp(o->handlers[h], BENCH_BASELINE) == 0)
			return (int)h;
	return -1;
}

/* Rate of handler h over the baseline's in the same row; NAN if none. */
double
bench_ratio(const struct bench_opts *o, const struct bench_row *r,
	    unsigned int h)
{
	int b = bench_baseline_index(o);

	if (b < 0 || r->cell[h].status != BENCH_ST_OK ||
	    r->cell[b].status != BENCH_ST_OK || r->cell[b].mops <= 0)
		return NAN;
	return r->cell[h].mops / r->cell[b].mops;
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

/* Collapsed rates (unregistered threads) need more digits, and their
 * ratios fewer, to stay in the column.
 */
static void
cell_print(FILE *f, const struct bench_opts *o, const struct bench_row *r,
	   unsigned int h)
{
	const struct bench_cell *c = &r->cell[h];
	double ratio = bench_ratio(o, r, h);

	if (c->status != BENCH_ST_OK) {
		fprintf(f, " %*s", CELL_W, bench_status_name(c->status));
		return;
	}
	fprintf(f, c->mops >= 0.1 ? " %8.2f" : " %8.4f", c->mops);
	if (isnan(ratio))
		fprintf(f, " %7s", "-");
	else if (ratio < 100)
		fprintf(f, " %6.2fx", ratio);
	else if (ratio < 1e6)
		fprintf(f, " %6.0fx", ratio);
	else
		fprintf(f, " %7s", ">=1e6x");
}

static void
rates_header(FILE *f, const struct bench_opts *o)
{
	unsigned int h;

	fprintf(f, "%-9s %6s %7s %5s %4s", "case", "lcores", "threads",
		"cache", "bulk");
	for (h = 0; h < o->nb_handlers; h++)
		fprintf(f, " %*s", CELL_W, o->handlers[h]);
	fprintf(f, "\n%-9s %6s %7s %5s %4s", "", "", "", "", "");
	for (h = 0; h < o->nb_handlers; h++)
		fprintf(f, " %8s %7s", "Mobj/s", "ratio");
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
			fprintf(f, "  %s lcores=%u threads=%u cache=%u bulk=%u %s: %s%s\n",
				bench_case_name(r->kind), r->lcores, r->threads,
				r->cache, r->bulk, o->handlers[h],
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
		"in the same row\n\n", rte_lcore_count(), o->repeat,
		o->duration_ms, o->warmup_ms, o->pool_size, o->elt_size,
		BENCH_BASELINE);
	if (res->nb_rows != 0)
		rates_print(f, o, res);
	if (res->have_create)
		create_print(f, o, res);
	notes_print(f, o, res);
	fprintf(f, "\nn/a: handler is single-producer/single-consumer and the case "
		"has several getting or putting threads.\n");
	fflush(f);
}
