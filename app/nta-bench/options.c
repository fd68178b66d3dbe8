/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Command line of nta-bench (what follows the EAL arguments and "--").
 */

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_string_fns.h>

#include "bench.h"

static const char * const case_names[BENCH_CASE_MAX] = {
	[BENCH_CASE_LOCAL] = "local",
	[BENCH_CASE_PIPELINE] = "pipeline",
	[BENCH_CASE_MBUF] = "mbuf",
	[BENCH_CASE_UNREG] = "unreg",
	[BENCH_CASE_CREATE] = "create",
	[BENCH_CASE_WORKSET] = "workset",
};

static const char * const default_handlers[] = {
	"nta", "ring_mp_mc", "ring_sp_sc", "stack", "lf_stack", "bucket",
	BENCH_FLOOR,
};

const char *
bench_case_name(enum bench_case c)
{
	return c < BENCH_CASE_MAX ? case_names[c] : "?";
}

static void
usage(const char *prog)
{
	printf("Usage: %s [EAL options] -- [options]\n"
	       "  --cases=LIST        local,workset,pipeline,mbuf,unreg,create\n"
	       "                      (default all)\n"
	       "  --handlers=LIST     mempool ops to compare (default nta,ring_mp_mc,\n"
	       "                      ring_sp_sc,stack,lf_stack,bucket,bench_floor;\n"
	       "                      bench_floor is nta-bench's own floor handler)\n"
	       "  --duration-ms=N     length of one timed run (default 100)\n"
	       "  --repeat=N          runs per figure, the handlers taking turns;\n"
	       "                      the median is kept (default 5)\n"
	       "  --warmup-ms=N       untimed run before each one (default 20)\n"
	       "  --out=DIR           CSV, JSON and chart go there (default ./bench-out)\n"
	       "  --caches=LIST       cache sizes (default 0,32,256,512)\n"
	       "  --bulks=LIST        bulk sizes (default 1,8,32)\n"
	       "  --lcores=LIST       lcore counts, numbers or 'all' (default 1,all)\n"
	       "  --keeps=LIST        workset: objects each lcore holds before\n"
	       "                      putting them back (default 32,128,512,2048)\n"
	       "  --pool-size=N       objects per pool, at least (default 8192)\n"
	       "  --elt-size=N        object size in bytes (default 2048)\n"
	       "  --burst=N           pipeline and mbuf burst (default 32)\n"
	       "  --ring-size=N       pipeline ring slots (default 1024)\n"
	       "  --threads=N         unregistered threads (default 4)\n"
	       "  --create-objs=N     objects of the pool timed at creation (default 16384)\n"
	       "  --create-elt-size=N its object size (default 2048)\n"
	       "  --create-reps=N     creations averaged (default 10)\n"
	       "  --quick             very short run (tests)\n"
	       "  --shuffle           local and workset: the free objects put in\n"
	       "                      random order when the pool is made, as\n"
	       "                      after long use (not for %s)\n"
	       "  --help\n", prog, BENCH_FLOOR);
}

static void
opts_defaults(struct bench_opts *o)
{
	unsigned int i;

	memset(o, 0, sizeof(*o));
	o->cases = (1u << BENCH_CASE_MAX) - 1;
	o->duration_ms = 100;
	o->repeat = 5;
	o->warmup_ms = 20;
	rte_strscpy(o->out_dir, "./bench-out", sizeof(o->out_dir));
	o->nb_handlers = RTE_DIM(default_handlers);
	for (i = 0; i < o->nb_handlers; i++)
		rte_strscpy(o->handlers[i], default_handlers[i],
			    sizeof(o->handlers[i]));
	o->nb_caches = 4;
	o->caches[0] = 0;
	o->caches[1] = 32;
	o->caches[2] = 256;
	o->caches[3] = 512;
	o->nb_bulks = 3;
	o->bulks[0] = 1;
	o->bulks[1] = 8;
	o->bulks[2] = 32;
	o->nb_lcore_counts = 2;
	o->lcore_counts[0] = 1;
	o->lcore_counts[1] = 0; /* all, resolved after parsing */
	o->nb_keeps = 4;
	o->keeps[0] = 32;
	o->keeps[1] = 128;
	o->keeps[2] = 512;
	o->keeps[3] = 2048;
	o->pool_size = 8192;
	o->elt_size = 2048;
	o->burst = 32;
	o->ring_size = 1024;
	o->unreg_threads = 4;
	o->create_objs = 16384;
	o->create_elt_size = 2048;
	o->create_cache = 256;
	o->create_reps = 10;
}

static int
parse_uint(const char *s, unsigned int min, unsigned int max,
	   unsigned int *v)
{
	unsigned long x;
	char *end;

	errno = 0;
	x = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || x < min || x > max)
		return -EINVAL;
	*v = (unsigned int)x;
	return 0;
}

/* Split a comma separated list in place; returns the item count or -1. */
static int
split_list(char *s, char **items, unsigned int max)
{
	int n = rte_strsplit(s, strlen(s) + 1, items, max + 1, ',');

	if (n <= 0 || (unsigned int)n > max)
		return -1;
	return n;
}

static int
parse_uint_list(const char *arg, unsigned int min, unsigned int max,
		unsigned int *vals, unsigned int *nb, int allow_all)
{
	char buf[256], *items[BENCH_MAX_LIST + 1];
	int i, n;

	rte_strscpy(buf, arg, sizeof(buf));
	n = split_list(buf, items, BENCH_MAX_LIST);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (allow_all && strcmp(items[i], "all") == 0)
			vals[i] = 0;
		else if (parse_uint(items[i], min, max, &vals[i]) < 0)
			return -EINVAL;
	}
	*nb = (unsigned int)n;
	return 0;
}

static int
parse_cases(const char *arg, unsigned int *mask)
{
	char buf[256], *items[BENCH_CASE_MAX + 1];
	int i, n, c;

	rte_strscpy(buf, arg, sizeof(buf));
	n = split_list(buf, items, BENCH_CASE_MAX);
	if (n < 0)
		return -EINVAL;
	*mask = 0;
	for (i = 0; i < n; i++) {
		for (c = 0; c < BENCH_CASE_MAX; c++)
			if (strcmp(items[i], case_names[c]) == 0)
				break;
		if (c == BENCH_CASE_MAX)
			return -EINVAL;
		*mask |= 1u << c;
	}
	return 0;
}

static int
parse_handlers(const char *arg, struct bench_opts *o)
{
	char buf[512], *items[BENCH_MAX_HANDLERS + 1];
	int i, n;

	rte_strscpy(buf, arg, sizeof(buf));
	n = split_list(buf, items, BENCH_MAX_HANDLERS);
	if (n < 0)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (rte_strscpy(o->handlers[i], items[i],
				sizeof(o->handlers[i])) < 0 ||
		    items[i][0] == '\0')
			return -EINVAL;
	o->nb_handlers = (unsigned int)n;
	return 0;
}

/* Turn "all" into the EAL lcore count and drop counts seen twice. */
static int
resolve_lcore_counts(struct bench_opts *o)
{
	unsigned int i, j, k = 0, avail = rte_lcore_count();

	for (i = 0; i < o->nb_lcore_counts; i++) {
		unsigned int v = o->lcore_counts[i] == 0 ? avail :
				 o->lcore_counts[i];

		if (v > avail) {
			fprintf(stderr, "--lcores: %u lcores asked, EAL has %u\n",
				v, avail);
			return -EINVAL;
		}
		for (j = 0; j < k; j++)
			if (o->lcore_counts[j] == v)
				break;
		if (j == k)
			o->lcore_counts[k++] = v;
	}
	o->nb_lcore_counts = k;
	return 0;
}

enum {
	OPT_CASES = 256,
	OPT_DURATION,
	OPT_WARMUP,
	OPT_REPEAT,
	OPT_OUT,
	OPT_HANDLERS,
	OPT_CACHES,
	OPT_BULKS,
	OPT_LCORES,
	OPT_KEEPS,
	OPT_POOL_SIZE,
	OPT_ELT_SIZE,
	OPT_BURST,
	OPT_RING_SIZE,
	OPT_THREADS,
	OPT_CREATE_OBJS,
	OPT_CREATE_ELT,
	OPT_CREATE_REPS,
	OPT_QUICK,
	OPT_SHUFFLE,
	OPT_HELP,
};

static const struct option long_opts[] = {
	{ "cases", required_argument, NULL, OPT_CASES },
	{ "duration-ms", required_argument, NULL, OPT_DURATION },
	{ "warmup-ms", required_argument, NULL, OPT_WARMUP },
	{ "repeat", required_argument, NULL, OPT_REPEAT },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "handlers", required_argument, NULL, OPT_HANDLERS },
	{ "caches", required_argument, NULL, OPT_CACHES },
	{ "bulks", required_argument, NULL, OPT_BULKS },
	{ "lcores", required_argument, NULL, OPT_LCORES },
	{ "keeps", required_argument, NULL, OPT_KEEPS },
	{ "pool-size", required_argument, NULL, OPT_POOL_SIZE },
	{ "elt-size", required_argument, NULL, OPT_ELT_SIZE },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "ring-size", required_argument, NULL, OPT_RING_SIZE },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "create-objs", required_argument, NULL, OPT_CREATE_OBJS },
	{ "create-elt-size", required_argument, NULL, OPT_CREATE_ELT },
	{ "create-reps", required_argument, NULL, OPT_CREATE_REPS },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "shuffle", no_argument, NULL, OPT_SHUFFLE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static const char *
opt_name(int opt)
{
	const struct option *l;

	for (l = long_opts; l->name != NULL; l++)
		if (l->val == opt)
			return l->name;
	return "?";
}

/* Apply one option; explicit values win over --quick, whatever the order. */
static int
opt_apply(struct bench_opts *o, int opt, const char *arg, int *dur_set,
	  int *reps_set, int *rep_set)
{
	switch (opt) {
	case OPT_CASES:
		return parse_cases(arg, &o->cases);
	case OPT_DURATION:
		*dur_set = 1;
		return parse_uint(arg, 1, 600000, &o->duration_ms);
	case OPT_WARMUP:
		return parse_uint(arg, 0, 60000, &o->warmup_ms);
	case OPT_REPEAT:
		*rep_set = 1;
		return parse_uint(arg, 1, BENCH_MAX_REPEAT, &o->repeat);
	case OPT_OUT:
		return rte_strscpy(o->out_dir, arg, sizeof(o->out_dir)) < 0 ?
			-EINVAL : 0;
	case OPT_HANDLERS:
		return parse_handlers(arg, o);
	case OPT_CACHES:
		return parse_uint_list(arg, 0, RTE_MEMPOOL_CACHE_MAX_SIZE,
				       o->caches, &o->nb_caches, 0);
	case OPT_BULKS:
		return parse_uint_list(arg, 1, BENCH_MAX_BULK, o->bulks,
				       &o->nb_bulks, 0);
	case OPT_LCORES:
		return parse_uint_list(arg, 1, RTE_MAX_LCORE, o->lcore_counts,
				       &o->nb_lcore_counts, 1);
	case OPT_KEEPS:
		return parse_uint_list(arg, 1, BENCH_MAX_KEEP, o->keeps,
				       &o->nb_keeps, 0);
	case OPT_POOL_SIZE:
		return parse_uint(arg, 64, 1u << 26, &o->pool_size);
	case OPT_ELT_SIZE:
		return parse_uint(arg, 8, 1u << 20, &o->elt_size);
	case OPT_BURST:
		return parse_uint(arg, 1, BENCH_MAX_BULK, &o->burst);
	case OPT_RING_SIZE:
		return parse_uint(arg, 2, 1u << 20, &o->ring_size);
	case OPT_THREADS:
		return parse_uint(arg, 1, 256, &o->unreg_threads);
	case OPT_CREATE_OBJS:
		return parse_uint(arg, 64, 1u << 26, &o->create_objs);
	case OPT_CREATE_ELT:
		return parse_uint(arg, 8, 1u << 20, &o->create_elt_size);
	case OPT_CREATE_REPS:
		*reps_set = 1;
		return parse_uint(arg, 1, 10000, &o->create_reps);
	case OPT_QUICK:
		o->quick = 1;
		return 0;
	case OPT_SHUFFLE:
		o->shuffle = 1;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Returns 0, 1 when --help was asked (the caller exits), or -EINVAL. */
int
bench_opts_parse(struct bench_opts *o, int argc, char **argv)
{
	int opt, dur_set = 0, reps_set = 0, rep_set = 0;

	opts_defaults(o);
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			usage(argv[0]);
			return 1;
		}
		if (opt_apply(o, opt, optarg, &dur_set, &reps_set,
			      &rep_set) < 0) {
			if (opt != '?')
				fprintf(stderr, "bad value for --%s: %s\n",
					opt_name(opt), optarg);
			usage(argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "unexpected argument: %s\n", argv[optind]);
		usage(argv[0]);
		return -EINVAL;
	}
	if (o->quick) {
		/* long enough to be above timer noise, short enough for CI */
		if (!dur_set)
			o->duration_ms = 10;
		if (!reps_set)
			o->create_reps = 1;
		if (!rep_set)
			o->repeat = 1;
		o->warmup_ms = RTE_MIN(o->warmup_ms, 2u);
	}
	if (o->ring_size < o->burst) {
		fprintf(stderr, "--ring-size must be at least --burst\n");
		return -EINVAL;
	}
	return resolve_lcore_counts(o);
}
