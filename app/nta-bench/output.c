/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Machine-readable results: results.csv (one line per handler and case),
 * footprint.csv (creation time and memory), results.json (both).
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <rte_version.h>

#include "bench.h"

/* mkdir -p */
int
bench_out_dir_make(const char *dir)
{
	char path[PATH_MAX];
	size_t i, len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return -EINVAL;
	memcpy(path, dir, len + 1);
	for (i = 1; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST)
			return -errno;
		if (i < len)
			path[i] = '/';
	}
	return 0;
}

/* Open a file of the output directory for writing; NULL (said) on error. */
FILE *
bench_out_open(const struct bench_opts *o, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", o->out_dir, name) >=
	    (int)sizeof(path)) {
		fprintf(stderr, "path too long: %s/%s\n", o->out_dir, name);
		return NULL;
	}
	f = fopen(path, "w");
	if (f == NULL)
		fprintf(stderr, "cannot write %s: %s\n", path, strerror(errno));
	return f;
}

/* Quoted so that a note may hold commas or quotes. */
static void
csv_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void
csv_rates(FILE *f, const struct bench_opts *o, const struct bench_results *res)
{
	unsigned int i, h;

	fprintf(f, "case,lcores,threads,cache,bulk,keep,handler,status,mops,"
		"ratio,ratio_floor,mops_min,mops_max,runs,objects,seconds,"
		"get_failures,note\n");
	for (i = 0; i < res->nb_rows; i++) {
		const struct bench_row *r = &res->rows[i];

		for (h = 0; h < o->nb_handlers; h++) {
			const struct bench_cell *c = &r->cell[h];
			double ratio = bench_ratio(o, r, h);
			double rfloor = bench_ratio_floor(o, r, h);

			fprintf(f, "%s,%u,%u,%u,%u,%u,%s,%s,",
				bench_case_name(r->kind), r->lcores, r->threads,
				r->cache, r->bulk, r->keep, o->handlers[h],
				bench_status_name(c->status));
			if (c->status == BENCH_ST_OK)
				fprintf(f, "%.4f,", c->mops);
			else
				fputc(',', f);
			if (!isnan(ratio))
				fprintf(f, "%.4f", ratio);
			fputc(',', f);
			if (!isnan(rfloor))
				fprintf(f, "%.4f", rfloor);
			if (c->status == BENCH_ST_OK)
				fprintf(f, ",%.4f,%.4f,%u", c->mops_min,
					c->mops_max, c->reps);
			else
				fprintf(f, ",,,");
			fprintf(f, ",%" PRIu64 ",%.4f,%" PRIu64 ",", c->objs,
				c->secs, c->get_fails);
			csv_str(f, c->note);
			fputc('\n', f);
		}
	}
}

static void
csv_create(FILE *f, const struct bench_opts *o,
	   const struct bench_results *res)
{
	unsigned int h;

	fprintf(f, "handler,status,objects,elt_size,reps,create_populate_ms,"
		"free_ms,object_bytes,chunk_bytes,handler_bytes,handler_pct,"
		"nta_metadata_bytes,nta_metadata_pct,note\n");
	for (h = 0; h < o->nb_handlers; h++) {
		const struct bench_create *c = &res->create[h];

		fprintf(f, "%s,%s,%u,%u,%u,", o->handlers[h],
			bench_status_name(c->status), o->create_objs,
			o->create_elt_size, c->reps);
		if (c->status == BENCH_ST_OK)
			fprintf(f, "%.3f,%.3f,%" PRIu64 ",%" PRIu64 ",",
				c->populate_ms, c->free_ms, c->obj_bytes,
				c->chunk_bytes);
		else
			fprintf(f, ",,,,");
		if (c->meta_known)
			fprintf(f, "%" PRId64 ",%.3f,", c->meta_bytes,
				100.0 * (double)c->meta_bytes / c->obj_bytes);
		else
			fprintf(f, ",,");
		if (c->nta_known)
			fprintf(f, "%" PRIu64 ",%.3f,", c->nta_meta_bytes,
				100.0 * c->nta_meta_bytes / c->nta_obj_bytes);
		else
			fprintf(f, ",,");
		csv_str(f, c->note);
		fputc('\n', f);
	}
}

int
bench_csv_write(const struct bench_opts *o, const struct bench_results *res)
{
	FILE *f;

	if (res->nb_rows != 0) {
		f = bench_out_open(o, "results.csv");
		if (f == NULL)
			return -1;
		csv_rates(f, o, res);
		fclose(f);
	}
	if (res->have_create) {
		f = bench_out_open(o, "footprint.csv");
		if (f == NULL)
			return -1;
		csv_create(f, o, res);
		fclose(f);
	}
	return 0;
}

static void
json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* JSON has no NaN: a figure that does not exist is null. */
static void
json_num(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, "null");
	else
		fprintf(f, "%.4f", v);
}

static void
json_config(FILE *f, const struct bench_opts *o)
{
	unsigned int h;

	fprintf(f, "  \"dpdk\": ");
	json_str(f, rte_version());
	fprintf(f, ",\n  \"config\": {\"lcores\": %u, \"duration_ms\": %u, "
		"\"warmup_ms\": %u, \"repeat\": %u, \"pool_size\": %u, "
		"\"elt_size\": %u, "
		"\"burst\": %u, \"ring_size\": %u, \"unreg_threads\": %u, "
		"\"baseline\": \"%s\", \"floor\": \"%s\", \"keeps\": [",
		rte_lcore_count(), o->duration_ms, o->warmup_ms, o->repeat,
		o->pool_size,
		o->elt_size, o->burst, o->ring_size, o->unreg_threads,
		BENCH_BASELINE, BENCH_FLOOR);
	for (h = 0; h < o->nb_keeps; h++)
		fprintf(f, "%s%u", h ? ", " : "", o->keeps[h]);
	fprintf(f, "], \"handlers\": [");
	for (h = 0; h < o->nb_handlers; h++) {
		if (h != 0)
			fputs(", ", f);
		json_str(f, o->handlers[h]);
	}
	fprintf(f, "]},\n");
}

static void
json_rates(FILE *f, const struct bench_opts *o,
	   const struct bench_results *res)
{
	unsigned int i, h, n = 0;

	fprintf(f, "  \"rates\": [");
	for (i = 0; i < res->nb_rows; i++) {
		const struct bench_row *r = &res->rows[i];

		for (h = 0; h < o->nb_handlers; h++) {
			const struct bench_cell *c = &r->cell[h];

			fprintf(f, "%s\n    {\"case\": \"%s\", \"lcores\": %u, "
				"\"threads\": %u, \"cache\": %u, \"bulk\": %u, "
				"\"keep\": %u, \"handler\": ", n++ ? "," : "",
				bench_case_name(r->kind), r->lcores,
				r->threads, r->cache, r->bulk, r->keep);
			json_str(f, o->handlers[h]);
			fprintf(f, ", \"status\": \"%s\", \"mops\": ",
				bench_status_name(c->status));
			json_num(f, c->status == BENCH_ST_OK ? c->mops : NAN);
			fprintf(f, ", \"ratio\": ");
			json_num(f, bench_ratio(o, r, h));
			fprintf(f, ", \"ratio_floor\": ");
			json_num(f, bench_ratio_floor(o, r, h));
			fprintf(f, ", \"mops_min\": ");
			json_num(f, c->status == BENCH_ST_OK ? c->mops_min : NAN);
			fprintf(f, ", \"mops_max\": ");
			json_num(f, c->status == BENCH_ST_OK ? c->mops_max : NAN);
			fprintf(f, ", \"runs\": %u", c->reps);
			fprintf(f, ", \"objects\": %" PRIu64 ", \"seconds\": %.4f, "
				"\"get_failures\": %" PRIu64 ", \"note\": ",
				c->objs, c->secs, c->get_fails);
			json_str(f, c->note);
			fputc('}', f);
		}
	}
	fprintf(f, "\n  ],\n");
}

static void
json_create(FILE *f, const struct bench_opts *o,
	    const struct bench_results *res)
{
	unsigned int h;

	fprintf(f, "  \"create\": [");
	for (h = 0; res->have_create && h < o->nb_handlers; h++) {
		const struct bench_create *c = &res->create[h];
		int ok = c->status == BENCH_ST_OK;

		fprintf(f, "%s\n    {\"handler\": ", h ? "," : "");
		json_str(f, o->handlers[h]);
		fprintf(f, ", \"status\": \"%s\", \"objects\": %u, "
			"\"elt_size\": %u, \"reps\": %u, \"create_populate_ms\": ",
			bench_status_name(c->status), o->create_objs,
			o->create_elt_size, c->reps);
		json_num(f, ok ? c->populate_ms : NAN);
		fprintf(f, ", \"free_ms\": ");
		json_num(f, ok ? c->free_ms : NAN);
		fprintf(f, ", \"object_bytes\": %" PRIu64 ", \"chunk_bytes\": %"
			PRIu64 ", \"handler_bytes\": ", c->obj_bytes,
			c->chunk_bytes);
		if (c->meta_known)
			fprintf(f, "%" PRId64, c->meta_bytes);
		else
			fputs("null", f);
		fprintf(f, ", \"nta_metadata_bytes\": ");
		if (c->nta_known)
			fprintf(f, "%" PRIu64, c->nta_meta_bytes);
		else
			fputs("null", f);
		fprintf(f, ", \"note\": ");
		json_str(f, c->note);
		fputc('}', f);
	}
	fprintf(f, "\n  ],\n");
}

static void
json_skipped(FILE *f, const struct bench_results *res)
{
	unsigned int i, n = 0;

	fprintf(f, "  \"skipped\": {");
	for (i = 0; i < BENCH_CASE_MAX; i++) {
		if (res->skipped[i][0] == '\0')
			continue;
		fprintf(f, "%s\"%s\": ", n++ ? ", " : "", bench_case_name(i));
		json_str(f, res->skipped[i]);
	}
	fprintf(f, "}\n");
}

int
bench_json_write(const struct bench_opts *o, const struct bench_results *res)
{
	FILE *f = bench_out_open(o, "results.json");

	if (f == NULL)
		return -1;
	fprintf(f, "{\n  \"tool\": \"nta-bench\",\n");
	json_config(f, o);
	json_rates(f, o, res);
	json_create(f, o, res);
	json_skipped(f, res);
	fprintf(f, "}\n");
	fclose(f);
	return 0;
}
