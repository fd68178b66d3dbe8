/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The store's word cache: a hand-out stamps the words of exactly the
 * objects it hands out, whether their word addresses come from the cache
 * (objects freed into the loaded magazine) or from a lookup (objects that
 * came with a magazine: a swap with the spare, a trade with the depot),
 * in bulk and one object at a time.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

#define WC_MAG 32          /* lifo_size 64: two magazines of 32 */
#define WC_N 1024
#define WC_K (5 * WC_MAG + 7) /* more than the store: depot trades */

/* What the audit says is in the application's hands. */
static int
wc_in_use(struct rte_mempool *mp, uint64_t *in_use)
{
	struct rte_mempool_nta_audit_report r;

	if (tp_audit_ok(mp) != 0 || rte_mempool_nta_audit(mp, &r) != 0)
		return -1;
	*in_use = r.in_use;
	return 0;
}

/* Get k objects into objs, in bulks of `bulk` (1: the one-object path). */
static int
wc_get(struct rte_mempool *mp, void **objs, unsigned int k,
       unsigned int bulk)
{
	unsigned int i;

	for (i = 0; i < k; i += bulk)
		if (rte_mempool_get_bulk(mp, objs + i, RTE_MIN(bulk, k - i)) != 0)
			return -1;
	return 0;
}

/* Put them back from the middle outwards, so that the magazines fill in
 * another order than the one they were emptied in.
 */
static void
wc_put(struct rte_mempool *mp, void **objs, unsigned int k,
       unsigned int bulk)
{
	unsigned int i;

	for (i = k / 2; i < k; i += bulk)
		rte_mempool_put_bulk(mp, objs + i, RTE_MIN(bulk, k - i));
	for (i = 0; i < k / 2; i += bulk)
		rte_mempool_put_bulk(mp, objs + i, RTE_MIN(bulk, k / 2 - i));
}

NTA_TEST(word_cache, "a hand-out stamps exactly its objects' words, cached or looked up", 1)
{
	static const unsigned int bulks[] = { 1, 3, 32, WC_K };
	struct rte_mempool_nta_params prm = { .lifo_size = 2 * WC_MAG };
	static void *objs[WC_K];
	struct rte_mempool *mp;
	void *one;
	uint64_t in_use, bad;
	unsigned int round, b, i;

	mp = tp_create("word_cache", WC_N, 64, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	for (round = 0; round < 3; round++) {
		for (b = 0; b < RTE_DIM(bulks); b++) {
			unsigned int bulk = bulks[b];

			CHECK(wc_get(mp, objs, WC_K, bulk) == 0,
			      "get %u in bulks of %u", WC_K, bulk);
			CHECK(tp_unique(objs, WC_K) == 0, "no duplicate");
			/* a word stamped for the wrong object leaves one
			 * handed out with a FREE word and one in a magazine
			 * with a USED one: the audit finds both
			 */
			CHECK(wc_in_use(mp, &in_use) == 0, "audit");
			CHECK(in_use == WC_K, "%" PRIu64 " in use, %u handed out",
			      in_use, WC_K);
			/* one more, and back: the top of the store */
			CHECK(rte_mempool_get(mp, &one) == 0, "one more");
			rte_mempool_put(mp, one);
			wc_put(mp, objs, WC_K, bulk);
			CHECK(wc_in_use(mp, &in_use) == 0 && in_use == 0,
			      "%" PRIu64 " in use after the puts", in_use);
		}
	}
	/* every object handed out and given back is FREE: a second free of
	 * each is refused and counted, and nothing comes twice
	 */
	CHECK(wc_get(mp, objs, WC_K, 32) == 0, "get");
	wc_put(mp, objs, WC_K, 32);
	bad = tp_bad_total(mp);
	for (i = 0; i < WC_K; i++)
		rte_mempool_put(mp, objs[i]);
	CHECK(tp_bad_total(mp) - bad == WC_K, "%" PRIu64 " of %u second frees refused",
	      tp_bad_total(mp) - bad, WC_K);
	CHECK(rte_mempool_avail_count(mp) == WC_N, "all back once: %u",
	      rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	return 0;
}

/* Arena number of an object (arenas are aligned to their size). */
static uintptr_t
ws_arena(const void *o, unsigned int shift)
{
	return (uintptr_t)o >> shift;
}

/*
 * A magazine that came from elsewhere (no word cache) holding objects of
 * two arenas that share a way of the lookup cache, interleaved: a, a, a,
 * b, a, a, a, a from the newest. The hand-out looks the a's up four at a
 * time, b the slow way, which fills the way with b's arena; the a's after
 * b must still be stamped in a's words (regression: the vector lookup
 * kept a's bounds but read the way's word array again, b's). A wrong
 * stamp leaves an a FREE while handed out, and its free is refused.
 */
NTA_TEST(word_cache_shared_way, "a hand-out of objects from two arenas that share a lookup way stamps each in its own arena", 1)
{
	/* 16 ways for some 20 arenas: by default the cache would have one
	 * way per arena, and no two arenas would share one
	 */
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 14,
					      .lifo_size = 2 * WC_MAG,
					      .lookup_ways = 16 };
	struct rte_mempool *mp = tp_create("wc_way", WC_N, 256, 0, 0, &prm);
	void **all = calloc(WC_N, sizeof(void *)), *a[7], *b = NULL, *x;
	void *got[8], *fill[WC_MAG];
	unsigned int i, j, n, na = 0, nf = 0, shift = 14;
	uintptr_t ar = 0;

	CHECK(mp != NULL && all != NULL, "create");
	n = tp_get_all(mp, all, WC_N, 1);
	CHECK(n == WC_N, "got %u", n);
	/* arena A: one with 7 objects or more and another arena in its way */
	for (i = 0; i < n && ar == 0; i++) {
		unsigned int same = 0, other = 0;

		for (j = 0; j < n; j++) {
			uintptr_t d = ws_arena(all[j], shift);

			same += d == ws_arena(all[i], shift);
			other += d != ws_arena(all[i], shift) &&
				(d & (16 - 1)) == (ws_arena(all[i], shift) & 15);
		}
		if (same >= 7 && other != 0)
			ar = ws_arena(all[i], shift);
	}
	CHECK(ar != 0, "no arena shares a way with another (16 KiB arenas)");
	for (i = 0; i < n; i++) {
		uintptr_t d = ws_arena(all[i], shift);

		if (d == ar && na < 7)
			a[na++] = all[i];
		else if (d != ar && (d & 15) == (ar & 15) && b == NULL)
			b = all[i];
		else if ((d & 15) != (ar & 15) && nf < WC_MAG - 7)
			fill[nf++] = all[i];
		else
			continue;
		all[i] = NULL;
	}
	CHECK(na == 7 && b != NULL && nf == WC_MAG - 7, "picked %u %p %u",
	      na, b, nf);
	/* the loaded magazine: fillers, then a0 a1 a2 b a3 a4 a5 a6 */
	for (i = 0; i < WC_MAG - 8; i++)
		rte_mempool_put(mp, fill[i]);
	for (i = 0; i < 7; i++) {
		rte_mempool_put(mp, a[i]);
		if (i == 2)
			rte_mempool_put(mp, b);
	}
	/* one more: the full magazine becomes the spare; the get swaps
	 * it back in, without its word cache
	 */
	x = fill[WC_MAG - 8];
	rte_mempool_put(mp, x);
	CHECK(rte_mempool_get(mp, &x) == 0, "get");
	CHECK(rte_mempool_get_bulk(mp, got, 8) == 0, "get 8");
	rte_mempool_put_bulk(mp, got, 8);
	rte_mempool_put(mp, x);
	CHECK(tp_bad_total(mp) == 0, "%lu of the 8 refused when put back",
	      tp_bad_total(mp));
	for (i = 0; i < n; i++)
		if (all[i] != NULL)
			rte_mempool_put(mp, all[i]);
	CHECK(rte_mempool_avail_count(mp) == WC_N && tp_audit_ok(mp) == 0,
	      "pool whole: %u", rte_mempool_avail_count(mp));
	free(all);
	rte_mempool_free(mp);
	return 0;
}

/* A fixed shuffle (an LCG, so that a failure repeats). */
static void
lw_shuffle(void **v, unsigned int n, uint64_t *seed)
{
	unsigned int i;

	for (i = n - 1; i > 0; i--) {
		unsigned int j;
		void *t;

		*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
		j = (unsigned int)((*seed >> 33) % (i + 1));
		t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

/* Does lcore 0's line of rte_mempool_nta_dump() say lookup=ways? */
static int
lw_dump_says(struct rte_mempool *mp, unsigned int ways)
{
	char *buf = NULL, want[32];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ok;

	if (f == NULL)
		return 0;
	rte_mempool_nta_dump(f, mp);
	fclose(f);
	snprintf(want, sizeof(want), " lookup=%u\n", ways);
	ok = buf != NULL && strstr(buf, want) != NULL;
	if (!ok)
		printf("  dump, want%s%s", want, buf != NULL ? buf : "");
	free(buf);
	return ok;
}

/* Every object of an n-object pool got, shuffled and put back in bursts
 * of 32, each eighth burst with a second copy of its first object: the
 * copies refused, the pool whole.
 */
static int
lw_rounds(struct rte_mempool *mp, unsigned int n, void **all, uint64_t *seed)
{
	unsigned int round, i, k, dups = 0;
	uint64_t bad0 = tp_bad_total(mp);

	for (round = 0; round < 3; round++) {
		k = tp_get_all(mp, all, n, 32);
		CHECK(k == n, "round %u: got %u of %u", round, k, n);
		CHECK(tp_unique(all, n) == 0, "round %u: an object twice", round);
		lw_shuffle(all, n, seed);
		for (i = 0; i < n; i += 32) {
			void *burst[33];
			unsigned int b = RTE_MIN(32u, n - i);

			memcpy(burst, all + i, b * sizeof(void *));
			if ((i / 32) % 8 == 7) {
				burst[b] = burst[0];
				b++;
				dups++;
			}
			rte_mempool_put_bulk(mp, burst, b);
		}
		CHECK(rte_mempool_avail_count(mp) == n, "round %u: %u free",
		      round, rte_mempool_avail_count(mp));
	}
	CHECK(tp_bad_total(mp) - bad0 == dups, "%" PRIu64 " refused, want %u",
	      tp_bad_total(mp) - bad0, dups);
	CHECK(tp_audit_ok(mp) == 0, "audit");
	return 0;
}

/*
 * Each lcore's lookup cache: one way per arena of the pool by default (16
 * at least), or the lookup_ways asked for, as rte_mempool_nta_dump() says;
 * values that are not a power of two up to 4096 refused. Shuffled bursts
 * over some 40 arenas, with more arenas than ways or fewer, keep exact
 * counts and refuse every second free.
 */
NTA_TEST(lookup_ways, "lookup caches sized to the pool or to lookup_ways, exact with shuffled bursts", 1)
{
	const uint32_t ways[] = { 0, 1, 4, 16, 64 };
	const unsigned int n = 2048;
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 14 };
	void **all = calloc(n, sizeof(void *));
	struct rte_mempool_nta_stats st;
	struct rte_mempool *mp;
	uint64_t seed = 12345;
	unsigned int i, want;
	char name[32];

	CHECK(all != NULL, "memory");
	for (i = 0; i < RTE_DIM(ways); i++) {
		prm.lookup_ways = ways[i];
		snprintf(name, sizeof(name), "lways%u", ways[i]);
		mp = tp_create(name, n, 256, 0, 0, &prm);
		CHECK(mp != NULL, "create with lookup_ways %u", ways[i]);
		CHECK(rte_mempool_nta_stats_get(mp, &st) == 0 && st.arenas > 16,
		      "%" PRIu64 " arenas: want more than 16", st.arenas);
		CHECK_OK(lw_rounds(mp, n, all, &seed));
		want = ways[i] != 0 ? ways[i] :
			rte_align32pow2((uint32_t)st.arenas);
		CHECK(lw_dump_says(mp, want), "lookup_ways %u: dump says lookup=%u",
		      ways[i], want);
		rte_mempool_free(mp);
	}
	free(all);
	/* not a power of two, or more than 4096 */
	for (i = 0; i < 2; i++) {
		prm.lookup_ways = i == 0 ? 3 : 8192;
		mp = rte_mempool_create_empty("lways_bad", 100, 64, 0, 0,
					      SOCKET_ID_ANY, 0);
		CHECK(mp != NULL, "create");
		CHECK(rte_mempool_set_ops_byname(mp, "nta", &prm) == 0, "ops");
		CHECK(rte_mempool_populate_default(mp) < 0,
		      "lookup_ways %u refused", prm.lookup_ways);
		rte_mempool_free(mp);
	}
	return 0;
}
