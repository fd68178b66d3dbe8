/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* Bad frees are refused, counted and logged; the pool stays whole. */

#include <stdlib.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

struct remote_arg {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
	int get;
};

static int
remote_fn(void *arg)
{
	struct remote_arg *a = arg;

	if (a->get)
		return rte_mempool_get_bulk(a->mp, a->objs, a->n);
	rte_mempool_put_bulk(a->mp, a->objs, a->n);
	return 0;
}

/* On the home lcore: take back what others freed to it (validated there). */
static int
home_flush_fn(void *arg)
{
	return rte_mempool_nta_lcore_flush(arg) < 0;
}

static int
pool_whole(struct rte_mempool *mp, unsigned int n)
{
	void **objs = calloc(n + 8, sizeof(void *));
	int got = tp_get_all(mp, objs, n + 8, 1);

	CHECK(got == (int)n, "%d objects obtainable, want %u", got, n);
	CHECK(tp_unique(objs, n) == 0, "an object handed out twice");
	rte_mempool_put_bulk(mp, objs, n);
	CHECK(tp_audit_ok(mp) == 0, "audit");
	free(objs);
	return 0;
}

NTA_TEST(bad_frees, "double, foreign, interior and other-pool frees refused", 1)
{
	const unsigned int n = 512;
	struct rte_mempool *mp = tp_create("bad", n, 256, 0, 0, NULL);
	struct rte_mempool *other = tp_create("other", 64, 256, 0, 0, NULL);
	void *o, *x, *stackvar[4], *heap = malloc(256);
	void *dpdk_mem = rte_malloc("nta_bad", 4096, 0);

	CHECK(mp != NULL && other != NULL, "create");
	CHECK(rte_mempool_get(mp, &o) == 0, "get");
	rte_mempool_put(mp, o);
	rte_mempool_put(mp, o);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 1, "double free counted");
	CHECK(rte_mempool_avail_count(mp) == n, "count unchanged: %u", rte_mempool_avail_count(mp));

	/* free of something never handed out */
	CHECK(rte_mempool_get(mp, &o) == 0, "get");
	CHECK(rte_mempool_get(mp, &x) == 0, "get");
	rte_mempool_put(mp, x);
	rte_mempool_put(mp, x);
	rte_mempool_put(mp, o);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 2, "second double free");

	/* the same object twice in one bulk free on its home (fast loop) */
	CHECK(rte_mempool_get(mp, &o) == 0 && rte_mempool_get(mp, &x) == 0,
	      "get");
	stackvar[0] = o;
	stackvar[1] = x;
	stackvar[2] = o;
	rte_mempool_put_bulk(mp, stackvar, 3);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 3,
	      "double free in one call counted");
	CHECK(rte_mempool_avail_count(mp) == n, "count after double free in one call: %u",
	      rte_mempool_avail_count(mp));

	x = &stackvar[1];
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	rte_mempool_ops_enqueue_bulk(mp, &heap, 1);
	x = NULL;
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN) == 3, "foreign: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN));
	x = RTE_PTR_ADD(dpdk_mem, 64);
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN) == 4, "DPDK heap memory");

	CHECK(rte_mempool_get(mp, &o) == 0, "get");
	x = RTE_PTR_ADD(o, 8);
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	x = RTE_PTR_SUB(o, 8);
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_INTERIOR) == 2, "interior: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_INTERIOR));
	rte_mempool_put(mp, o);

	CHECK(rte_mempool_get(other, &x) == 0, "get other");
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_OTHER_POOL) == 1, "other pool: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_OTHER_POOL));
	rte_mempool_put(other, x);
	CHECK(rte_mempool_avail_count(other) == 64, "other pool untouched");

	/* a burst mixing good and bad: the good ones all land */
	{
		void *burst[16];
		unsigned int i;

		CHECK(rte_mempool_get_bulk(mp, burst, 8) == 0, "get 8");
		for (i = 8; i < 16; i++)
			burst[i] = i & 1 ? burst[i - 8] : heap;
		rte_mempool_ops_enqueue_bulk(mp, burst, 16);
		CHECK(rte_mempool_avail_count(mp) == n, "good ones back");
	}
	CHECK(rte_mempool_avail_count(mp) == n, "count %u", rte_mempool_avail_count(mp));
	CHECK_OK(pool_whole(mp, n));
	rte_mempool_free(mp);
	rte_mempool_free(other);
	rte_free(dpdk_mem);
	free(heap);
	return 0;
}

/* One bulk free of b good objects with bad entry x put at position pos:
 * x is refused as kind, the b others are kept.
 */
static int
row_with_bad(struct rte_mempool *mp, void **objs, unsigned int b,
	     unsigned int pos, void *x, enum rte_mempool_nta_bad_kind kind)
{
	void *row[64];
	uint64_t before = tp_bad_count(mp, kind), total = tp_bad_total(mp);
	unsigned int avail = rte_mempool_avail_count(mp);

	memcpy(row, objs, pos * sizeof(void *));
	row[pos] = x;
	memcpy(row + pos + 1, objs + pos, (b - pos) * sizeof(void *));
	rte_mempool_put_bulk(mp, row, b + 1);
	CHECK(tp_bad_count(mp, kind) == before + 1 &&
	      tp_bad_total(mp) == total + 1,
	      "bad entry at %u of %u: %lu refused as kind %d, want %lu",
	      pos, b + 1, tp_bad_count(mp, kind), kind, before + 1);
	CHECK(rte_mempool_avail_count(mp) == avail + b,
	      "bad entry at %u: %u free, want %u", pos,
	      rte_mempool_avail_count(mp), avail + b);
	return 0;
}

/* The fast free of a bulk takes its objects four at a time where the CPU
 * allows (nta_simd.c) and one at a time where a step of four cannot be
 * taken whole: a bad entry at any position of a step, or a second copy
 * of an object within a step or in a later one, is refused and counted,
 * and every good object of the bulk is kept. In small arenas too, so
 * that a bulk crosses arenas at every offset.
 */
static int
bad_every_position(struct rte_mempool *mp, unsigned int n)
{
	const unsigned int b = 32;
	void *objs[32], *freed;
	unsigned int pos;

	CHECK(rte_mempool_get(mp, &freed) == 0, "get");
	rte_mempool_put(mp, freed);
	for (pos = 0; pos <= b; pos++) {
		/* a copy of the entry just before (or just after, at 0):
		 * the same step of four, or the one before
		 */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		CHECK_OK(row_with_bad(mp, objs, b, pos,
				      objs[pos != 0 ? pos - 1 : 0],
				      RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
		/* a copy of one further on or further back */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		CHECK_OK(row_with_bad(mp, objs, b, pos, objs[(pos + 17) % b],
				      RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
		/* an object free before the call */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		CHECK_OK(row_with_bad(mp, objs, b, pos, freed,
				      RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
		/* a pointer into an object */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		CHECK_OK(row_with_bad(mp, objs, b, pos,
				      RTE_PTR_ADD(objs[b / 2], 8),
				      RTE_MEMPOOL_NTA_BAD_INTERIOR));
	}
	CHECK(tp_bad_total(mp) == 4 * (b + 1), "%lu refused, want %u",
	      tp_bad_total(mp), 4 * (b + 1));
	return pool_whole(mp, n);
}

NTA_TEST(bad_frees_every_position, "a bad entry at each position of a bulk free refused, the rest kept", 1)
{
	struct rte_mempool_nta_params small = { .arena_size = 1 << 14 };
	struct rte_mempool *mp = tp_create("badpos", 1024, 256, 0, 0, NULL);
	struct rte_mempool *sm = tp_create("badpos_s", 1024, 256, 0, 0,
					   &small);

	CHECK(mp != NULL && sm != NULL, "create");
	CHECK_OK(bad_every_position(mp, 1024));
	CHECK_OK(bad_every_position(sm, 1024));
	rte_mempool_free(mp);
	rte_mempool_free(sm);
	return 0;
}

/* Four objects of the pool in adjacent slots, out of b got (sorted in
 * place); their index in objs, or b when there are none.
 */
static unsigned int
adjacent_four(struct rte_mempool *mp, void **objs, unsigned int b)
{
	uintptr_t stride = mp->header_size + mp->elt_size + mp->trailer_size;
	unsigned int at;

	qsort(objs, b, sizeof(void *), tp_ptr_cmp);
	for (at = 0; at + 3 < b; at++)
		if ((uintptr_t)objs[at + 3] - (uintptr_t)objs[at] == 3 * stride)
			return at;
	return b;
}

/* A bulk free of b objects whose first four are four adjacent objects
 * (ascending, or descending with down), the first entries of row; the
 * others follow. Returns the number of entries.
 */
static unsigned int
row_adjacent_first(void **row, void **objs, unsigned int b, unsigned int at,
		   int down)
{
	unsigned int i, k = 4;

	for (i = 0; i < 4; i++)
		row[i] = objs[at + (down ? 3 - i : i)];
	for (i = 0; i < b; i++)
		if (i < at || i > at + 3)
			row[k++] = objs[i];
	return k;
}

/* Four adjacent objects freed in one step have their words checked and
 * written as one (nta_x4_run()): one of the four free already, at each
 * place of the four and in either order, is refused and counted and the
 * three others kept; so is a second copy of the whole four.
 */
NTA_TEST(bad_free_adjacent_four, "a double free among four adjacent objects refused, in either order", 1)
{
	const unsigned int n = 512, b = 32;
	/* not IOVA-contiguous: an unpaged grid, the vector steps' kind,
	 * in every memory mode (small pages make the others paged)
	 */
	struct rte_mempool *mp = tp_create("badadj", n, 256, 0,
					   RTE_MEMPOOL_F_NO_IOVA_CONTIG, NULL);
	void *objs[32], *row[40];
	unsigned int pos, down, at, avail, k;
	uint64_t before;

	CHECK(mp != NULL, "create");
	for (down = 0; down < 2; down++) {
		for (pos = 0; pos < 4; pos++) {
			CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
			at = adjacent_four(mp, objs, b);
			CHECK(at < b, "no four adjacent objects among %u", b);
			k = row_adjacent_first(row, objs, b, at, down);
			/* the one at pos freed before the call */
			rte_mempool_put(mp, row[pos]);
			before = tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
			avail = rte_mempool_avail_count(mp);
			rte_mempool_put_bulk(mp, row, k);
			CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) ==
			      before + 1, "free one at %u of four (%s): %" PRIu64 " refused, want %" PRIu64,
			      pos, down ? "down" : "up",
			      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE),
			      before + 1);
			CHECK(rte_mempool_avail_count(mp) == avail + k - 1,
			      "free one at %u of four: %u free, want %u", pos,
			      rte_mempool_avail_count(mp), avail + k - 1);
		}
		/* the four twice in one call: the second copy refused */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		at = adjacent_four(mp, objs, b);
		CHECK(at < b, "no four adjacent objects among %u", b);
		k = row_adjacent_first(row, objs, b, at, down);
		memcpy(row + k, row, 4 * sizeof(void *));
		before = tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		avail = rte_mempool_avail_count(mp);
		rte_mempool_put_bulk(mp, row, k + 4);
		CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) ==
		      before + 4, "four twice: %" PRIu64 " refused, want %" PRIu64,
		      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE),
		      before + 4);
		CHECK(rte_mempool_avail_count(mp) == avail + k,
		      "four twice: %u free, want %u",
		      rte_mempool_avail_count(mp), avail + k);
		/* the four and its copy alone: the copy meets the vector
		 * check with all four words free
		 */
		CHECK(rte_mempool_get_bulk(mp, objs, b) == 0, "get");
		at = adjacent_four(mp, objs, b);
		CHECK(at < b, "no four adjacent objects among %u", b);
		k = row_adjacent_first(row, objs, b, at, down);
		rte_mempool_put_bulk(mp, row + 4, k - 4);
		memcpy(row + 4, row, 4 * sizeof(void *));
		before = tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		avail = rte_mempool_avail_count(mp);
		rte_mempool_put_bulk(mp, row, 8);
		CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) ==
		      before + 4, "four twice alone: %" PRIu64 " refused, want %" PRIu64,
		      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE),
		      before + 4);
		CHECK(rte_mempool_avail_count(mp) == avail + 4,
		      "four twice alone: %u free, want %u",
		      rte_mempool_avail_count(mp), avail + 4);
	}
	CHECK_OK(pool_whole(mp, n));
	rte_mempool_free(mp);
	return 0;
}

/* Where objs (n, sorted) run on at one stride across an arena boundary,
 * 16 objects before it and 16 from it, the index of the first object
 * past it; n when nowhere.
 */
static unsigned int
chain_boundary(void **objs, unsigned int n, uintptr_t stride,
	       unsigned int arena_shift)
{
	unsigned int j, i;

	for (j = 16; j + 16 <= n; j++) {
		if (((uintptr_t)objs[j] >> arena_shift) ==
		    ((uintptr_t)objs[j - 1] >> arena_shift))
			continue;
		for (i = j - 15; i < j + 16; i++)
			if ((uintptr_t)objs[i] - (uintptr_t)objs[i - 1] != stride)
				break;
		if (i == j + 16)
			return j;
	}
	return n;
}

/* The b adjacent objects of a chain row: 12 + off before the boundary at
 * j and the rest from it, in address order, or in reverse with down (12
 * + off from it, then the rest before it), so that the boundary falls at
 * each place of a four.
 */
static void
chain_row(void **row, void **all, unsigned int b, unsigned int j,
	  unsigned int off, int down)
{
	unsigned int i;

	for (i = 0; i < b; i++)
		row[i] = all[down ? j + 11 + off - i : j - 12 - off + i];
}

/*
 * A four that continues the adjacent four before it in a bulk free (and
 * in the hand-out of looked-up objects) takes its words from that
 * four's, without the slot computation (nta_x4_chain_next()). Rows of 24
 * adjacent objects across an arena boundary, where the next arena's
 * objects continue the stride, the boundary at each place of a four, in
 * address order or in reverse:
 * - got and freed three times: nothing refused, the same 24 free;
 * - freed with one of them freed already (at every place): that one is
 *   refused and counted, the 23 others kept;
 * so the fours past the boundary are checked against the next arena's
 * words, not the words (or the header) past either end of the first
 * one's.
 */
NTA_TEST(bad_free_chain, "a double free in a row of adjacent objects across an arena boundary refused, in either order", 1)
{
	const unsigned int n = 512, b = 24, shift = 14;
	struct rte_mempool_nta_params prm = { .arena_size = 1u << shift };
	/* a 448-byte element after its 64-byte header, not spread: 512
	 * bytes, which divide the arena size, so the next arena's objects
	 * continue the stride
	 */
	struct rte_mempool *mp = tp_create("badchain", n, 448, 0,
					   RTE_MEMPOOL_F_NO_IOVA_CONTIG |
					   RTE_MEMPOOL_F_NO_SPREAD, &prm);
	void **all = calloc(n, sizeof(void *));
	void *row[24], *back[24], *want[24];
	uintptr_t stride;
	unsigned int j, pos, down, off, round;
	uint64_t before;

	CHECK(mp != NULL && all != NULL, "create");
	stride = mp->header_size + mp->elt_size + mp->trailer_size;
	SKIP_IF(((1u << shift) % stride) != 0,
		"element of %lu bytes (a debug trailer?)", (unsigned long)stride);
	CHECK(tp_get_all(mp, all, n, 32) == (int)n, "get all");
	qsort(all, n, sizeof(void *), tp_ptr_cmp);
	j = chain_boundary(all, n, stride, shift);
	SKIP_IF(j == n, "no row runs on across an arena boundary");
	for (off = 0; off < 4; off++)
	for (down = 0; down < 2; down++) {
		chain_row(row, all, b, j, off, down);
		memcpy(want, row, sizeof(row));
		qsort(want, b, sizeof(void *), tp_ptr_cmp);
		/* the pool holds nothing else free */
		before = tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
		rte_mempool_put_bulk(mp, row, b);
		for (round = 0; round < 3; round++) {
			CHECK(rte_mempool_get_bulk(mp, back, b) == 0,
			      "off %u %s, round %u: get back", off,
			      down ? "down" : "up", round);
			rte_mempool_put_bulk(mp, back, b);
		}
		CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) ==
		      before, "off %u %s: %" PRIu64 " good frees refused",
		      off, down ? "down" : "up",
		      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) -
		      before);
		CHECK(rte_mempool_get_bulk(mp, back, b) == 0, "get back");
		qsort(back, b, sizeof(void *), tp_ptr_cmp);
		CHECK(memcmp(back, want, sizeof(back)) == 0,
		      "off %u %s: other objects came back", off,
		      down ? "down" : "up");
		/* the arena headers around the boundary untouched */
		CHECK(tp_audit_ok(mp) == 0, "off %u %s: audit", off,
		      down ? "down" : "up");
		for (pos = 0; pos < b; pos++) {
			/* the pool holds nothing else free */
			rte_mempool_put(mp, row[pos]);
			before = tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE);
			rte_mempool_put_bulk(mp, row, b);
			CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) ==
			      before + 1,
			      "off %u %s, freed at %u: %" PRIu64 " refused, want %" PRIu64,
			      off, down ? "down" : "up", pos,
			      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE),
			      before + 1);
			CHECK(rte_mempool_avail_count(mp) == b,
			      "off %u %s, freed at %u: %u free, want %u",
			      off, down ? "down" : "up", pos,
			      rte_mempool_avail_count(mp), b);
			CHECK(rte_mempool_get_bulk(mp, back, b) == 0, "get back");
			qsort(back, b, sizeof(void *), tp_ptr_cmp);
			CHECK(memcmp(back, want, sizeof(back)) == 0,
			      "off %u %s, freed at %u: other objects came back",
			      off, down ? "down" : "up", pos);
		}
	}
	rte_mempool_put_bulk(mp, all, n);
	free(all);
	CHECK_OK(pool_whole(mp, n));
	rte_mempool_free(mp);
	return 0;
}

NTA_TEST(bad_free_stale, "a pointer into a freed pool's memory is refused, no crash", 1)
{
	struct rte_mempool *mp = tp_create("stale", 256, 2048, 0, 0, NULL);
	struct rte_mempool *gone;
	struct rte_mbuf *m;
	void *x;

	CHECK(mp != NULL, "create");
	/* a big pool on another handler, freed: its pages go back to the
	 * system (PROT_NONE in dynamic memory mode)
	 */
	gone = rte_pktmbuf_pool_create_by_ops("stale_gone", 16383, 0, 0, 4096,
					      SOCKET_ID_ANY, "ring_mp_mc");
	CHECK(gone != NULL, "create other");
	m = rte_pktmbuf_alloc(gone);
	CHECK(m != NULL, "alloc");
	rte_mempool_free(gone);
	x = m;
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	x = RTE_PTR_ADD(m, 64);
	rte_mempool_ops_enqueue_bulk(mp, &x, 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN) == 2, "refused as foreign: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN));
	CHECK_OK(pool_whole(mp, 256));
	rte_mempool_free(mp);
	return 0;
}

NTA_TEST(bad_frees_remote, "double frees across lcores refused, never handed out twice", 2)
{
	const unsigned int n = 256;
	struct rte_mempool *mp = tp_create("badr", n, 64, 0, 0, NULL);
	void *objs[64];
	struct remote_arg a = { mp, objs, 64, 1 };
	unsigned int w = tp_worker();

	CHECK(mp != NULL, "create");
	/* worker allocates; main frees twice (remote path twice): both
	 * copies go home, where the second is refused on drain
	 */
	CHECK(tp_run_on(w, remote_fn, &a) == 0, "worker get");
	rte_mempool_put_bulk(mp, objs, 64);
	rte_mempool_put_bulk(mp, objs, 64);
	CHECK(tp_run_on(w, home_flush_fn, mp) == 0, "home drains");
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 64, "64 refused: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
	CHECK(rte_mempool_avail_count(mp) == n, "count %u", rte_mempool_avail_count(mp));
	/* worker frees them again after they came home */
	a.get = 0;
	CHECK(tp_run_on(w, remote_fn, &a) == 0, "worker put");
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 128, "128 refused");
	CHECK(rte_mempool_avail_count(mp) == n, "count %u", rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	/* every object still obtainable exactly once, from the worker */
	a.get = 1;
	a.n = n;
	{
		void *all[256];

		a.objs = all;
		CHECK(tp_run_on(w, remote_fn, &a) == 0, "worker gets the whole pool");
		CHECK(tp_unique(all, n) == 0, "dup");
		rte_mempool_put_bulk(mp, all, n);
	}
	CHECK(rte_mempool_avail_count(mp) == n, "back");
	rte_mempool_free(mp);
	return 0;
}

/* A free of another lcore's objects sends a row of them home in one loop
 * (nta_send_fast()): whatever breaks the row (an object of this lcore, a
 * foreign or interior pointer) goes the general way, and a second copy
 * inside the row is refused at home.
 */
NTA_TEST(bad_frees_remote_row, "a remote bulk free with own objects, bad pointers and a copy inside: each handled, nothing lost", 2)
{
	const unsigned int n = 256, nw = 40;
	struct rte_mempool *mp = tp_create("badrow", n, 64, 0, 0, NULL);
	void *w_objs[40], *row[48], *heap = malloc(64), *mine;
	struct remote_arg a = { mp, w_objs, nw, 1 };
	struct rte_mempool_nta_lcore_stats ls;
	unsigned int w = tp_worker(), i, k = 0;

	CHECK(mp != NULL && heap != NULL, "create");
	CHECK(tp_run_on(w, remote_fn, &a) == 0, "worker get");
	CHECK(rte_mempool_get(mp, &mine) == 0, "main get");
	for (i = 0; i < nw; i++) {
		if (i == 10)
			row[k++] = mine;
		if (i == 20)
			row[k++] = heap;
		if (i == 30) {
			row[k++] = RTE_PTR_ADD(w_objs[30], 8);
			row[k++] = w_objs[5];
		}
		row[k++] = w_objs[i];
	}
	rte_mempool_put_bulk(mp, row, k);
	CHECK(rte_mempool_nta_lcore_stats_get(mp, rte_lcore_id(), &ls) == 0,
	      "stats");
	/* the copy of w_objs[5] travels too: its home refuses it */
	CHECK(ls.remote_sent == nw + 1 && ls.local_frees == 1,
	      "sent %lu (want %u), kept %lu (want 1)", ls.remote_sent, nw + 1,
	      ls.local_frees);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN) == 1, "foreign: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN));
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_INTERIOR) == 1, "interior: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_INTERIOR));
	CHECK(tp_run_on(w, home_flush_fn, mp) == 0, "home drains");
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 1,
	      "the copy refused at home: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
	CHECK(rte_mempool_avail_count(mp) == n, "count %u",
	      rte_mempool_avail_count(mp));
	CHECK_OK(pool_whole(mp, n));
	free(heap);
	rte_mempool_free(mp);
	return 0;
}

/* A local bulk free bigger than the store's room changes magazines and
 * goes on in the fast loop (nta_enqueue_bulk()): a copy of an object
 * freed before the change is still refused, nothing is lost.
 */
NTA_TEST(bad_free_across_magazines, "a copy in a local bulk free that fills several magazines is refused, nothing lost", 1)
{
	struct rte_mempool_nta_params prm = { .lifo_size = 32 };
	const unsigned int n = 512, k = 200;
	struct rte_mempool *mp = tp_create("badmag", n, 64, 0, 0, &prm);
	struct rte_mempool_nta_lcore_stats ls;
	void *objs[201];

	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_get_bulk(mp, objs, k) == 0, "get %u", k);
	objs[k] = objs[3];
	rte_mempool_put_bulk(mp, objs, k + 1);
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) == 1,
	      "the copy refused: %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE));
	CHECK(rte_mempool_nta_lcore_stats_get(mp, rte_lcore_id(), &ls) == 0 &&
	      ls.local_frees == k && ls.depot_puts != 0,
	      "kept %lu (want %u), to the depot %lu (want some)",
	      ls.local_frees, k, ls.depot_puts);
	CHECK(rte_mempool_avail_count(mp) == n, "count %u",
	      rte_mempool_avail_count(mp));
	CHECK_OK(pool_whole(mp, n));
	rte_mempool_free(mp);
	return 0;
}
