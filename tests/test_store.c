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

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "rte_mempool_nta.h"
#include "nta_private.h"
#include "nta_test.h"

#define WC_MAG 32          /* lifo_size 64: two magazines of 32 */
#define WC_N 1024
#define WC_K (5 * WC_MAG + 7) /* more than the store: depot trades */
/* magazines filed after one: twice what a store's word cache keeps the
 * words of
 */
#define WC_OVER (2 * NTA_WC_WAYS)

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
	static void *over[WC_OVER * WC_MAG];
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
	/* one more, then WC_OVER magazines more: the full magazine goes
	 * to the depot, and the store files so many after it that its way
	 * of the word cache serves others by the time the depot hands it
	 * back (the last, being the oldest); the get of 8 then loads it
	 * without its words
	 */
	x = fill[WC_MAG - 8];
	rte_mempool_put(mp, x);
	for (i = 0, j = 0; i < n && j < WC_OVER * WC_MAG; i++)
		if (all[i] != NULL)
			over[j++] = all[i];
	CHECK(j == WC_OVER * WC_MAG, "%u objects to file", j);
	rte_mempool_put_bulk(mp, over, j);
	CHECK(rte_mempool_get_bulk(mp, over, j) == 0, "get them back");
	CHECK(rte_mempool_get(mp, &x) == 0, "get");
	CHECK(rte_mempool_get_bulk(mp, got, 8) == 0, "get 8");
	rte_mempool_put_bulk(mp, got, 8);
	rte_mempool_put(mp, x);
	/* the over objects, which `all` still lists, are handed out */
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
	const uint32_t ways[] = { 0, 1, 4, 16, 64, 4096 };
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
		CHECK(tp_dump_lookup(mp, rte_lcore_id()) == want,
		      "lookup_ways %u: dump says lookup=%u", ways[i], want);
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

struct lg_arg {
	struct rte_mempool *mp;
	void *objs[64];
};

/* A worker's first calls: free the main lcore's objects, then get and
 * put some of its own; it leaves nothing in its store.
 */
static int
lg_worker(void *arg)
{
	struct lg_arg *a = arg;
	void *mine[32];

	rte_mempool_put_bulk(a->mp, a->objs, RTE_DIM(a->objs));
	if (rte_mempool_get_bulk(a->mp, mine, RTE_DIM(mine)) != 0)
		return -1;
	rte_mempool_put_bulk(a->mp, mine, RTE_DIM(mine));
	return rte_mempool_nta_lcore_flush(a->mp) < 0;
}

/* The way count a default lookup cache of mp has (one per arena). */
static long
lg_want(struct rte_mempool *mp)
{
	struct rte_mempool_nta_stats st;

	if (rte_mempool_nta_stats_get(mp, &st) != 0)
		return -1;
	return RTE_MAX(16, (long)rte_align32pow2((uint32_t)st.arenas));
}

/* Every object of mp got in bursts of 32 and put back: n of them, once. */
static int
lg_cycle(struct rte_mempool *mp, void **all, unsigned int n)
{
	unsigned int k = tp_get_all(mp, all, n, 32);

	CHECK(k == n, "got %u of %u", k, n);
	CHECK(tp_unique(all, n) == 0, "an object handed out twice");
	rte_mempool_put_bulk(mp, all, n);
	CHECK(rte_mempool_avail_count(mp) == n, "%u free of %u",
	      rte_mempool_avail_count(mp), n);
	return 0;
}

/*
 * Lookup caches follow the pool: populated in two steps, with use between
 * them, an lcore's table grows at its next setup (after a flush) to one
 * way per arena of the whole pool; a worker whose first call frees the
 * main lcore's objects gets a table of its own, and nothing writes the
 * shared empty way of lcores not set up (the audit checks it). A pool of
 * one arena gets 16 ways.
 */
NTA_TEST(lookup_grows, "lookup caches grow with a pool populated after first use; workers get their own", 2)
{
	const unsigned int n = 4096, main_lc = rte_lcore_id();
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 14 };
	struct rte_mempool *mp;
	struct lg_arg wa;
	void **all = calloc(n, sizeof(void *));
	size_t esz, len_a;
	char *buf = NULL;
	long want_a, want_b;
	int ka, kb;

	CHECK(all != NULL, "memory");
	mp = rte_mempool_create_empty("lgrow", n, 256, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME, &prm) == 0,
	      "ops");
	esz = mp->header_size + mp->elt_size + mp->trailer_size;
	len_a = (n / 2) * esz;
	buf = rte_malloc("lgrow_buf", 2 * len_a + (64 << 10), 1 << 14);
	CHECK(buf != NULL, "buffer");
	ka = rte_mempool_populate_iova(mp, buf, RTE_BAD_IOVA, len_a, NULL, NULL);
	CHECK(ka > 0 && ka < (int)n, "populate A: %d", ka);

	/* first use on the main lcore: one way per arena of part A */
	CHECK_OK(lg_cycle(mp, all, (unsigned int)ka));
	want_a = lg_want(mp);
	CHECK(want_a > 16, "%ld ways: want more than 16 arenas", want_a);
	CHECK(tp_dump_lookup(mp, main_lc) == want_a, "main: want lookup=%ld",
	      want_a);

	/* a worker's first call frees objects the main lcore got */
	wa.mp = mp;
	CHECK(rte_mempool_get_bulk(mp, wa.objs, RTE_DIM(wa.objs)) == 0, "get 64");
	CHECK(tp_run_on(tp_worker(), lg_worker, &wa) == 0, "worker");
	CHECK(tp_dump_lookup(mp, tp_worker()) == want_a,
	      "worker: want lookup=%ld", want_a);
	CHECK_OK(lg_cycle(mp, all, (unsigned int)ka));
	CHECK(tp_audit_ok(mp) == 0, "audit after part A");

	/* part B, then a flush: the next setup sizes the table anew */
	kb = rte_mempool_populate_iova(mp, buf + len_a, RTE_BAD_IOVA,
				       len_a + (64 << 10), NULL, NULL);
	CHECK(kb > 0 && ka + kb <= (int)n, "populate B: %d", kb);
	want_b = lg_want(mp);
	CHECK(want_b > want_a, "%ld ways after B, %ld before", want_b, want_a);
	printf("  lookup ways: %ld after part A, %ld after part B\n", want_a,
	       want_b);
	CHECK(rte_mempool_nta_lcore_flush(mp) >= 0, "flush");
	CHECK_OK(lg_cycle(mp, all, (unsigned int)(ka + kb)));
	CHECK(tp_dump_lookup(mp, main_lc) == want_b, "main: want lookup=%ld",
	      want_b);
	CHECK(tp_audit_ok(mp) == 0, "audit after part B");
	rte_mempool_free(mp);
	rte_free(buf);

	/* one arena: the fewest ways */
	mp = tp_create("lgrow1", 64, 64, 0, 0, NULL);
	CHECK(mp != NULL, "create small");
	CHECK_OK(lg_cycle(mp, all, 64));
	CHECK(lg_want(mp) == 16 && tp_dump_lookup(mp, main_lc) == 16,
	      "small pool: want lookup=16");
	rte_mempool_free(mp);
	free(all);
	return 0;
}

/*
 * Two stores (the main lcore's and the worker's) trading magazines with
 * the depot, in random working sets bigger than a store: the magazines a
 * store filed come back with their words (a way of its word cache), those
 * another store filed come without, and a magazine that went through the
 * other store's hands and back must not be served from the words a way
 * kept of it before. A word stamped from a stale way leaves an object
 * handed out with a FREE word (the audit's in-use count drops) and its
 * free refused.
 */
#define WW_N 1024
#define WW_ROUNDS 400

struct ww_side {
	struct rte_mempool *mp;
	void *held[WW_N];
	unsigned int n;      /* held */
	unsigned int get;    /* objects this round gets */
	unsigned int keep;   /* ... and of all it holds, keeps */
	unsigned int bulk;
	int ret;
};

static int
ww_round(void *arg)
{
	struct ww_side *w = arg;
	unsigned int i, b;

	w->ret = 0;
	for (i = 0; i < w->get; i += b) {
		b = RTE_MIN(w->bulk, w->get - i);
		if (rte_mempool_get_bulk(w->mp, w->held + w->n, b) != 0)
			break;
		w->n += b;
	}
	/* the newest first, then the oldest, so that magazines fill in
	 * another order than they emptied
	 */
	while (w->n > w->keep) {
		b = RTE_MIN(w->bulk, w->n - w->keep);
		w->n -= b;
		rte_mempool_put_bulk(w->mp, w->held + w->n, b);
		if (w->n > w->keep + b) {
			rte_mempool_put_bulk(w->mp, w->held, b);
			memmove(w->held, w->held + b, (w->n - b) * sizeof(void *));
			w->n -= b;
		}
	}
	return 0;
}

static void *
ww_thread(void *arg)
{
	ww_round(arg);
	return NULL;
}

/* Side k's round: on its lcore, or (slots) in a thread unknown to DPDK
 * that only slot k of the unregistered threads' slots lets in: the others
 * are marked held by this process, which is alive, so nobody takes them.
 */
static int
ww_run(struct ww_side *side, unsigned int k, const unsigned int *lc,
       int slots)
{
	struct nta_pool *p = side[k].mp->pool_data;
	pthread_t th;
	unsigned int j;
	int ret = 0;

	if (!slots) {
		if (lc[k] == rte_lcore_id())
			return ww_round(&side[k]);
		return tp_run_on(lc[k], ww_round, &side[k]);
	}
	for (j = 0; j < NTA_UNREG_SLOTS; j++)
		if (j != k)
			__atomic_store_n(&p->unreg[j].holder, getpid(),
					 __ATOMIC_RELEASE);
	if (pthread_create(&th, NULL, ww_thread, &side[k]) != 0)
		ret = -1;
	else
		pthread_join(th, NULL);
	for (j = 0; j < NTA_UNREG_SLOTS; j++)
		if (j != k)
			__atomic_store_n(&p->unreg[j].holder, 0,
					 __ATOMIC_RELEASE);
	return ret;
}

/* Magazines store s loaded with the words their way kept (white box:
 * the word cache's own count; 0 before the store's first use).
 */
static uint32_t
wk_kept(const struct nta_store *s)
{
	return s->wc != NULL ? nta_wc_way_of(s->wc)->t->kept : 0;
}

static int
ww_test(const char *name, int slots)
{
	static const unsigned int bulks[] = { 1, 3, 8, 32, 64 };
	struct rte_mempool_nta_params prm = { .lifo_size = 2 * WC_MAG };
	static struct ww_side side[2];
	unsigned int lc[2] = { rte_get_main_lcore(), tp_worker() };
	uint64_t seed = 777, in_use, bad;
	unsigned int round, i, k, kept;
	struct nta_pool *p;

	side[0].mp = side[1].mp = tp_create(name, WW_N, 64, 0, 0, &prm);
	CHECK(side[0].mp != NULL, "create");
	side[0].n = side[1].n = 0;
	for (round = 0; round < WW_ROUNDS; round++) {
		struct ww_side *w;

		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		k = (seed >> 40) & 1;
		w = &side[k];
		w->bulk = bulks[(seed >> 20) % RTE_DIM(bulks)];
		w->get = (unsigned int)((seed >> 30) % (12 * WC_MAG));
		w->get = RTE_MIN(w->get, WW_N / 2 - w->n);
		w->keep = (unsigned int)((seed >> 50) % (w->n + w->get + 1));
		CHECK(ww_run(side, k, lc, slots) == 0, "round %u: run", round);
		CHECK(wc_in_use(side[0].mp, &in_use) == 0, "round %u: audit",
		      round);
		CHECK(in_use == side[0].n + side[1].n,
		      "round %u: %" PRIu64 " in use, %u held", round, in_use,
		      side[0].n + side[1].n);
	}
	/* the ways were used, not only never misused */
	p = side[0].mp->pool_data;
	for (kept = 0, k = 0; k < 2; k++)
		kept += wk_kept(slots ? &p->unreg[k].s : &p->lc[lc[k]].s);
	CHECK(kept >= WW_ROUNDS / 4, "%u magazines loaded with kept words in %u rounds",
	      kept, WW_ROUNDS);
	for (k = 0; k < 2; k++) {
		side[k].keep = 0;
		side[k].get = 0;
		side[k].bulk = 32;
		CHECK(ww_run(side, k, lc, slots) == 0, "put back");
	}
	CHECK(rte_mempool_avail_count(side[0].mp) == WW_N, "all back: %u",
	      rte_mempool_avail_count(side[0].mp));
	/* a second free of the last objects is refused */
	CHECK(rte_mempool_get_bulk(side[0].mp, side[0].held, 64) == 0, "get");
	rte_mempool_put_bulk(side[0].mp, side[0].held, 64);
	bad = tp_bad_total(side[0].mp);
	for (i = 0; i < 64; i++)
		rte_mempool_put(side[0].mp, side[0].held[i]);
	CHECK(tp_bad_total(side[0].mp) - bad == 64, "%" PRIu64 " of 64 refused",
	      tp_bad_total(side[0].mp) - bad);
	CHECK(rte_mempool_avail_count(side[0].mp) == WW_N &&
	      tp_audit_ok(side[0].mp) == 0, "pool whole");
	rte_mempool_free(side[0].mp);
	return 0;
}

NTA_TEST(word_cache_two_stores, "magazines traded between two lcores' stores through the depot: every hand-out stamps its own objects' words", 2)
{
	return ww_test("wc_two", 0);
}

/* The slots of unregistered threads share one owner code, so the depot
 * hands a magazine one slot filed back to any of them as "its own": a
 * slot's way must tell its own filing from one another slot made since.
 */
NTA_TEST(word_cache_two_slots, "magazines traded between two slots of unregistered threads: every hand-out stamps its own objects' words", 2)
{
	return ww_test("wc_slots", 1);
}

/* Get all but one of the next magazine the store loads (from), into
 * objs: it must come with its words, the way that kept them counted.
 */
static int
wk_get_kept(struct rte_mempool *mp, const struct nta_store *s, void **objs,
	    const char *from)
{
	uint32_t kept = wk_kept(s);

	CHECK(rte_mempool_get_bulk(mp, objs, WC_MAG - 1) == 0, "get %s", from);
	CHECK(wk_kept(s) == kept + 1 && s->len == 1 && s->wlo == 0,
	      "%s: kept %u -> %u, %u left, words from %u", from, kept,
	      wk_kept(s), s->len, s->wlo);
	return 0;
}

/*
 * The word cache's ways keep their words where they should (review of
 * 3e2646d: the other tests fail when a way is reused wrongly, but would
 * pass if none ever were). A magazine loaded from the spare, and one the
 * depot hands back to the store that filed it, come with their words,
 * each a way kept: the count rises by one, and cap - 1 handed out leave
 * the last one's word known. (That a magazine filed elsewhere does not,
 * word_cache_two_stores and word_cache_two_slots check.)
 */
NTA_TEST(word_cache_ways_kept, "a magazine back from the spare or from the store that filed it keeps its words", 1)
{
	struct rte_mempool_nta_params prm = { .lifo_size = 2 * WC_MAG };
	static void *objs[4 * WC_MAG];
	unsigned int m = rte_lcore_id(), i;
	const struct nta_store *s;
	struct rte_mempool *mp;
	uint64_t in_use = 0;

	mp = tp_create("wc_kept", WC_N, 64, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	s = &((struct nta_pool *)mp->pool_data)->lc[m].s;
	/* four magazines out and back in bulks of one magazine: the store
	 * ends with two full ones, and filed two
	 */
	CHECK(wc_get(mp, objs, 4 * WC_MAG, WC_MAG) == 0, "get");
	for (i = 0; i < 4; i++)
		rte_mempool_put_bulk(mp, objs + i * WC_MAG, WC_MAG);
	CHECK(s->len == WC_MAG && s->wlo == 0,
	      "loaded after the puts: %u, words from %u", s->len, s->wlo);
	/* the loaded one out, then all but one of the spare */
	CHECK(rte_mempool_get_bulk(mp, objs, WC_MAG) == 0, "get loaded");
	CHECK_OK(wk_get_kept(mp, s, objs + WC_MAG, "spare"));
	/* the last one, then all but one of a magazine this store filed */
	CHECK(rte_mempool_get(mp, &objs[2 * WC_MAG - 1]) == 0, "get last");
	CHECK_OK(wk_get_kept(mp, s, objs + 2 * WC_MAG, "filed"));
	CHECK(wc_in_use(mp, &in_use) == 0 && in_use == 3 * WC_MAG - 1,
	      "%" PRIu64 " in use", in_use);
	rte_mempool_put_bulk(mp, objs, 3 * WC_MAG - 1);
	CHECK(rte_mempool_avail_count(mp) == WC_N && tp_audit_ok(mp) == 0,
	      "all back: %u", rte_mempool_avail_count(mp));
	rte_mempool_free(mp);
	return 0;
}
