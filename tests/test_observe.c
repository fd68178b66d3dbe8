/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* What a user sees: rte_mempool_dump, rte_mempool_nta_dump, and the
 * exhaustion report that says where the free objects are.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_cpuflags.h>
#include <rte_log.h>
#include <rte_vect.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

struct hold {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
};

static int
take_and_keep(void *arg)
{
	struct hold *h = arg;

	/* get, then free locally: the objects stay in this lcore's LIFO */
	if (rte_mempool_get_bulk(h->mp, h->objs, h->n) != 0)
		return -1;
	rte_mempool_put_bulk(h->mp, h->objs, h->n);
	return 0;
}

/* Run fn with the DPDK log going to a memory buffer; returns the text. */
static char *
capture_log(void (*fn)(void *), void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	FILE *old = rte_log_get_stream();

	rte_openlog_stream(f);
	fn(arg);
	rte_openlog_stream(old == stderr ? NULL : old);
	fclose(f);
	return buf;
}

static void
try_get_all(void *arg)
{
	struct hold *h = arg;

	h->n = (unsigned int)(rte_mempool_get_bulk(h->mp, h->objs, 200) == 0);
}

NTA_TEST(exhaustion_report, "a failed dequeue logs where the free objects are", 2)
{
	struct rte_mempool_nta_params prm = { .lifo_size = 128 };
	struct rte_mempool *mp = tp_create("exhaust", 200, 64, 0, 0, &prm);
	void *objs[200];
	struct hold h = { mp, objs, 100 };
	struct rte_mempool_nta_lcore_stats ls, ms;
	unsigned int w = tp_worker();
	char *log, want[64];

	CHECK(mp != NULL, "create");
	CHECK(tp_run_on(w, take_and_keep, &h) == 0, "worker");
	CHECK(rte_mempool_nta_lcore_stats_get(mp, w, &ls) == 0 && ls.held >= 100,
	      "worker holds %lu", ls.held);
	rte_log_set_level(rte_log_register("pmd.mempool.nta"), RTE_LOG_INFO);
	log = capture_log(try_get_all, &h);
	printf("  log: %s", log);
	CHECK(h.n == 0, "200 cannot be had while the worker holds %lu", ls.held);
	CHECK(strstr(log, "dequeue of 200 failed") != NULL, "names the request");
	/* the failed get leaves what it took from the depot in main's store */
	CHECK(rte_mempool_nta_lcore_stats_get(mp, rte_lcore_id(), &ms) == 0,
	      "main's stats");
	snprintf(want, sizeof(want), "200 free (depot %lu;", 200 - ls.held - ms.held);
	CHECK(strstr(log, want) != NULL, "counts free and depot: %s", want);
	snprintf(want, sizeof(want), "lcore %u: %lu held + 0 in ring", w, ls.held);
	CHECK(strstr(log, want) != NULL, "names the lcore that holds them: %s", want);
	CHECK(strstr(log, "stranded") != NULL, "calls it stranding");
	free(log);
	rte_log_set_level(rte_log_register("pmd.mempool.nta"), RTE_LOG_NOTICE);
	rte_mempool_free(mp);
	return 0;
}

static char *
dump_text(int nta, struct rte_mempool *mp)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (nta)
		rte_mempool_nta_dump(f, mp);
	else
		rte_mempool_dump(f, mp);
	fclose(f);
	return buf;
}

/* Has the CPU what the driver's vector steps need (nta_simd.c)? */
static int
cpu_has_avx512vl(void)
{
#ifdef RTE_ARCH_X86_64
	return rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512DQ) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512CD) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0;
#else
	return 0;
#endif
}

NTA_TEST(dumps, "rte_mempool_dump and rte_mempool_nta_dump show the pool's state", 1)
{
	struct rte_mempool *mp = tp_create("dumped", 1000, 64, 0, 0, NULL);
	void *objs[300];
	char *d;

	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_get_bulk(mp, objs, 300) == 0, "get");
	rte_mempool_put_bulk(mp, objs, 100);
	rte_mempool_put(mp, objs[0]); /* double free */
	d = dump_text(0, mp);
	CHECK(strstr(d, "ops_name: <nta>") != NULL, "ops name in rte_mempool_dump");
	CHECK(strstr(d, "common_pool_count=800") != NULL, "exact count in rte_mempool_dump");
	free(d);
	d = dump_text(1, mp);
	printf("%s", d);
	CHECK(strstr(d, "size=1000 avail=800 in_use=200") != NULL, "figures");
	CHECK(strstr(d, "lcore 0  ") != NULL || strstr(d, "lcore 0 ") != NULL, "per lcore line");
	CHECK(strstr(d, "bad=1") != NULL, "refused free counted");
	/* the bulk loops this process chose: scalar when EAL allows no
	 * 256-bit SIMD (--force-max-simd-bitwidth=128, the va mode)
	 */
	if (rte_vect_get_max_simd_bitwidth() < RTE_VECT_SIMD_256 ||
	    !cpu_has_avx512vl())
		CHECK(strstr(d, "bulk loops: scalar") != NULL, "scalar loops said");
	else
		CHECK(strstr(d, "bulk loops: avx512vl") != NULL,
		      "vector loops chosen where the CPU and EAL allow them");
	/* fast-path counters, or the line that says they are compiled out */
	if (tp_fast_counters(mp))
		CHECK(strstr(d, "hits=300 ") != NULL &&
		      strstr(d, "compiled out") == NULL, "hits counted");
	else
		CHECK(strstr(d, "counters: compiled out") != NULL &&
		      strstr(d, "hits=300 ") == NULL, "counters off said");
	free(d);
	rte_mempool_put_bulk(mp, objs + 100, 200);
	rte_mempool_free(mp);
	return 0;
}
