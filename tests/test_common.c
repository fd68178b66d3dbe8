/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_launch.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

struct rte_mempool *
tp_create(const char *name, unsigned int n, unsigned int elt,
	  unsigned int cache, unsigned int flags, void *params)
{
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty(name, n, elt, cache, 0, SOCKET_ID_ANY,
				      flags);
	if (mp == NULL) {
		printf("create_empty %s: %s\n", name, rte_strerror(rte_errno));
		return NULL;
	}
	if (rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME,
				       params) != 0 ||
	    rte_mempool_populate_default(mp) != (int)n) {
		printf("populate %s failed\n", name);
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

/* qsort()/bsearch() order of object pointers */
int
tp_ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

/* 0 if the n pointers are pairwise distinct */
int
tp_unique(void **objs, unsigned int n)
{
	void **c = malloc(sizeof(void *) * (n + 1));
	unsigned int i;
	int dup = 0;

	memcpy(c, objs, sizeof(void *) * n);
	qsort(c, n, sizeof(void *), tp_ptr_cmp);
	for (i = 1; i < n; i++)
		if (c[i] == c[i - 1]) {
			printf("duplicate object %p\n", c[i]);
			dup = -1;
			break;
		}
	free(c);
	return dup;
}

/* Get objects in bulks of `bulk` (then singles) until the pool says no. */
int
tp_get_all(struct rte_mempool *mp, void **objs, unsigned int max,
	   unsigned int bulk)
{
	unsigned int k = 0;

	while (k + bulk <= max && rte_mempool_get_bulk(mp, objs + k, bulk) == 0)
		k += bulk;
	while (k < max && rte_mempool_get(mp, objs + k) == 0)
		k++;
	return (int)k;
}

/* 1 when the driver counts fast-path events (local_hits, local_frees,
 * remote_sent, remote_drained), 0 when -Dcounters=false compiled them out
 */
int
tp_fast_counters(const struct rte_mempool *mp)
{
	struct rte_mempool_nta_stats st;

	return rte_mempool_nta_stats_get(mp, &st) == 0 &&
		!(st.flags & RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS);
}

int
tp_audit_ok(struct rte_mempool *mp)
{
	struct rte_mempool_nta_audit_report r;
	int ret = rte_mempool_nta_audit(mp, &r);

	if (ret != 0)
		printf("audit of %s: %d objects=%lu in_use=%lu depot=%lu lifos=%lu rings=%lu dup=%lu lost=%lu mism=%lu\n",
		       mp->name, ret, r.objects, r.in_use, r.in_depot,
		       r.in_lifos, r.in_rings, r.duplicates, r.lost,
		       r.mismatches);
	return ret;
}

/* Bad frees of one kind refused on mp so far (UINT64_MAX: no stats). */
uint64_t
tp_bad_count(struct rte_mempool *mp, enum rte_mempool_nta_bad_kind kind)
{
	struct rte_mempool_nta_stats st;

	if (rte_mempool_nta_stats_get(mp, &st) != 0)
		return UINT64_MAX;
	return st.total.bad_frees[kind];
}

/* Bad frees of every kind refused on mp so far (UINT64_MAX: no stats). */
uint64_t
tp_bad_total(struct rte_mempool *mp)
{
	struct rte_mempool_nta_stats st;
	uint64_t n = 0;
	unsigned int k;

	if (rte_mempool_nta_stats_get(mp, &st) != 0)
		return UINT64_MAX;
	for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
		n += st.total.bad_frees[k];
	return n;
}

int
tp_run_on(unsigned int lcore, int (*fn)(void *), void *arg)
{
	if (rte_eal_remote_launch(fn, arg, lcore) != 0)
		return -1;
	return rte_eal_wait_lcore(lcore);
}

struct tp_bulk {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
	int put;
};

static int
tp_bulk_run(void *arg)
{
	const struct tp_bulk *b = arg;

	if (b->put) {
		rte_mempool_put_bulk(b->mp, b->objs, b->n);
		return 0;
	}
	return rte_mempool_get_bulk(b->mp, b->objs, b->n);
}

/* One get (put 0) or put of n objects in one bulk, on lcore (the calling
 * one, or another, launched and waited for); the get's result.
 */
int
tp_bulk_on(unsigned int lcore, struct rte_mempool *mp, void **objs,
	   unsigned int n, int put)
{
	struct tp_bulk b = { mp, objs, n, put };

	if (lcore == rte_lcore_id())
		return tp_bulk_run(&b);
	return tp_run_on(lcore, tp_bulk_run, &b);
}

unsigned int
tp_worker(void)
{
	return rte_get_next_lcore(rte_get_main_lcore(), 1, 0);
}

/* Write a per-object pattern over the whole element (object bytes). */
int
tp_fill(struct rte_mempool *mp, void **objs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		uint8_t *b = objs[i];

		for (j = 0; j < mp->elt_size; j++)
			b[j] = (uint8_t)(((uintptr_t)b >> 6) + j * 7);
	}
	return 0;
}

int
tp_verify(struct rte_mempool *mp, void **objs, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < n; i++) {
		const uint8_t *b = objs[i];
		const struct rte_mempool_objhdr *h =
			RTE_PTR_SUB(objs[i], sizeof(*h));

		if (h->mp != mp) {
			printf("object %p: header pool pointer modified\n", b);
			return -1;
		}
		for (j = 0; j < mp->elt_size; j++)
			if (b[j] != (uint8_t)(((uintptr_t)b >> 6) + j * 7)) {
				printf("object %p byte %u modified\n", b, j);
				return -1;
			}
	}
	return 0;
}

/* The lookup cache size that rte_mempool_nta_dump() gives lcore's line:
 * its ways, 0 for lookup=none, -1 when the lcore has no line.
 */
long
tp_dump_lookup(struct rte_mempool *mp, unsigned int lcore)
{
	char *buf = NULL, head[32], *line, *end, *at;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	long ways = -1;

	if (f == NULL)
		return -1;
	rte_mempool_nta_dump(f, mp);
	fclose(f);
	snprintf(head, sizeof(head), "  lcore %-3u held=", lcore);
	line = buf != NULL ? strstr(buf, head) : NULL;
	end = line != NULL ? strchr(line, '\n') : NULL;
	at = line != NULL ? strstr(line, " lookup=") : NULL;
	if (at != NULL && (end == NULL || at < end))
		ways = strncmp(at, " lookup=none", 12) == 0 ? 0 :
			strtol(at + 8, NULL, 10);
	if (ways < 0)
		printf("  dump (lcore %u: no lookup= there):\n%s", lcore,
		       buf != NULL ? buf : "");
	free(buf);
	return ways;
}
