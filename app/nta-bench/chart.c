/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * chart.png through gnuplot: four panels of the local case, rate against
 * cache size and rate against lcore count, one line per handler. The data
 * files and chart.gp stay in the output directory, so the chart can be
 * redrawn (or restyled) without running the benchmark again.
 */

#include <errno.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

struct panel {
	const char *file;
	int vs_cache;          /* x: cache sizes, else lcore counts */
	unsigned int lcores;   /* fixed when vs_cache */
	unsigned int cache;    /* fixed when !vs_cache */
	unsigned int bulk;
	uint32_t has_data;     /* bit h: handler h has a point */
	char title[96];
};

static const struct bench_row *
row_find(const struct bench_results *res, unsigned int lcores,
	 unsigned int cache, unsigned int bulk)
{
	unsigned int i;

	for (i = 0; i < res->nb_rows; i++) {
		const struct bench_row *r = &res->rows[i];

		if (r->kind == BENCH_CASE_LOCAL && r->lcores == lcores &&
		    r->cache == cache && r->bulk == bulk)
			return r;
	}
	return NULL;
}

static void
series_line(FILE *f, const struct bench_opts *o, const struct bench_row *r,
	    unsigned int x, struct panel *p)
{
	unsigned int h;

	fprintf(f, "%u", x);
	for (h = 0; h < o->nb_handlers; h++) {
		if (r != NULL && r->cell[h].status == BENCH_ST_OK) {
			fprintf(f, " %.4f", r->cell[h].mops);
			p->has_data |= 1u << h;
		} else {
			fprintf(f, " NaN");
		}
	}
	fputc('\n', f);
}

static int
panel_write(const struct bench_opts *o, const struct bench_results *res,
	    struct panel *p)
{
	unsigned int i, h;
	FILE *f;

	f = bench_out_open(o, p->file);
	if (f == NULL)
		return -1;
	fprintf(f, "%s", p->vs_cache ? "cache" : "lcores");
	for (h = 0; h < o->nb_handlers; h++)
		fprintf(f, " %s", o->handlers[h]);
	fputc('\n', f);
	if (p->vs_cache)
		for (i = 0; i < o->nb_caches; i++)
			series_line(f, o, row_find(res, p->lcores,
						   o->caches[i], p->bulk),
				    o->caches[i], p);
	else
		for (i = 0; i < o->nb_lcore_counts; i++)
			series_line(f, o, row_find(res, o->lcore_counts[i],
						   p->cache, p->bulk),
				    o->lcore_counts[i], p);
	fclose(f);
	return 0;
}

static void
panels_init(const struct bench_opts *o, struct panel *p)
{
	unsigned int b0 = o->bulks[0], bl = o->bulks[o->nb_bulks - 1];
	unsigned int c0 = o->caches[0];
	unsigned int i, max_lc = 0;

	for (i = 0; i < o->nb_lcore_counts; i++)
		max_lc = RTE_MAX(max_lc, o->lcore_counts[i]);

	p[0] = (struct panel){ .file = "chart_cache_a.dat", .vs_cache = 1,
			       .lcores = o->lcore_counts[0], .bulk = b0 };
	p[1] = (struct panel){ .file = "chart_cache_b.dat", .vs_cache = 1,
			       .lcores = max_lc, .bulk = b0 };
	p[2] = (struct panel){ .file = "chart_lcores_a.dat", .cache = c0,
			       .bulk = b0 };
	p[3] = (struct panel){ .file = "chart_lcores_b.dat", .cache = c0,
			       .bulk = bl };
	snprintf(p[0].title, sizeof(p[0].title),
		 "rate vs cache size: %u lcore(s), bulk %u", p[0].lcores, b0);
	snprintf(p[1].title, sizeof(p[1].title),
		 "rate vs cache size: %u lcore(s), bulk %u", max_lc, b0);
	snprintf(p[2].title, sizeof(p[2].title),
		 "rate vs lcores: cache %u, bulk %u", c0, b0);
	snprintf(p[3].title, sizeof(p[3].title),
		 "rate vs lcores: cache %u, bulk %u", c0, bl);
}

/* Only handlers with a point get a line: gnuplot warns about the others. */
static void
panel_plot(FILE *f, const struct bench_opts *o, const struct panel *p)
{
	unsigned int h, n = 0;

	if (p->has_data == 0) {
		fprintf(f, "set multiplot next\n");
		return;
	}
	fprintf(f, "set title '%s'\nset xlabel '%s'\nplot", p->title,
		p->vs_cache ? "cache size" : "lcores");
	for (h = 0; h < o->nb_handlers; h++) {
		if (!(p->has_data & (1u << h)))
			continue;
		/* colour and point by handler, the same in every panel */
		fprintf(f, "%s '%s' using %u:xtic(1) with linespoints lw 2 "
			"lc %u pt %u title '%s'", n++ ? ", \\\n    " : "",
			p->file, h + 2, h + 1, 5 + 2 * (h % 4),
			o->handlers[h]);
	}
	fputc('\n', f);
}

static int
script_write(const struct bench_opts *o, const struct panel *p,
	     unsigned int nb)
{
	unsigned int i;
	FILE *f;

	f = bench_out_open(o, "chart.gp");
	if (f == NULL)
		return -1;
	fprintf(f, "# nta-bench chart; run in this directory: gnuplot chart.gp\n"
		"if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
		"  set terminal pngcairo size 1600,1100 noenhanced font ',10'\n"
		"} else {\n"
		"  set terminal png size 1600,1100 noenhanced\n"
		"}\n"
		"set output 'chart.png'\n"
		"set datafile missing 'NaN'\n"
		"set key outside right top\n"
		"set grid\n"
		"set logscale y\n"
		"set ylabel 'million objects/s (log)'\n"
		"set multiplot layout 2,2 title 'nta-bench: local get/put, "
		"median of %u x %u ms per point (missing point: n/a or FAILED)'\n",
		o->repeat, o->duration_ms);
	for (i = 0; i < nb; i++)
		panel_plot(f, o, &p[i]);
	fprintf(f, "unset multiplot\n");
	fclose(f);
	return 0;
}

/* Run gnuplot in the output directory; no shell, so no quoting trouble. */
static void
gnuplot_run(const struct bench_opts *o)
{
	int status = 0;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "chart: fork: %s\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		if (chdir(o->out_dir) == 0)
			execlp("gnuplot", "gnuplot", "chart.gp", (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		printf("note: gnuplot not found; %s/chart.gp written, no PNG\n",
		       o->out_dir);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		printf("note: gnuplot failed; see %s/chart.gp\n", o->out_dir);
	else
		printf("chart: %s/chart.png\n", o->out_dir);
}

void
bench_chart_make(const struct bench_opts *o, const struct bench_results *res)
{
	struct panel p[4];
	unsigned int i;

	if (!(o->cases & (1u << BENCH_CASE_LOCAL)) || res->nb_rows == 0) {
		printf("note: no chart (the local case did not run)\n");
		return;
	}
	panels_init(o, p);
	for (i = 0; i < RTE_DIM(p); i++)
		if (panel_write(o, res, &p[i]) < 0) {
			printf("note: no chart: cannot write %s/%s\n",
			       o->out_dir, p[i].file);
			return;
		}
	if (script_write(o, p, RTE_DIM(p)) < 0) {
		printf("note: no chart: cannot write %s/chart.gp\n", o->out_dir);
		return;
	}
	gnuplot_run(o);
}
