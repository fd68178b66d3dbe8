/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* The mempool contract on one lcore: drain and refill, all or nothing,
 * exact counts, untouched bytes, contiguous blocks, populate variants.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_memzone.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

static int
drain_refill_one(unsigned int n, unsigned int elt, unsigned int cache,
		 unsigned int bulk)
{
	struct rte_mempool *mp;
	void **objs = calloc(n + 64, sizeof(void *));
	char name[RTE_MEMPOOL_NAMESIZE];
	int got, i, round;

	snprintf(name, sizeof(name), "dr_%u_%u_%u", n, elt, bulk);
	mp = tp_create(name, n, elt, cache, 0, NULL);
	CHECK(mp != NULL, "create n=%u elt=%u", n, elt);
	CHECK(rte_mempool_avail_count(mp) == n, "avail %u", rte_mempool_avail_count(mp));
	for (round = 0; round < 2; round++) {
		got = tp_get_all(mp, objs, n + 64, bulk);
		CHECK(got == (int)n, "n=%u elt=%u bulk=%u cache=%u: got %d", n, elt, bulk, cache, got);
		CHECK(rte_mempool_avail_count(mp) == 0, "avail %u", rte_mempool_avail_count(mp));
		CHECK(rte_mempool_in_use_count(mp) == n, "in use");
		CHECK(tp_unique(objs, n) == 0, "duplicates");
		for (i = 0; i < got; i++)
			CHECK(rte_mempool_from_obj(objs[i]) == mp, "hdr");
		/* put back in bulks of a different size than taken */
		for (i = 0; i < got; i += 3)
			rte_mempool_put_bulk(mp, objs + i, RTE_MIN(3, got - i));
		CHECK(rte_mempool_avail_count(mp) == n, "avail after put %u", rte_mempool_avail_count(mp));
	}
	rte_mempool_cache_flush(rte_mempool_default_cache(mp, rte_lcore_id()), mp);
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	free(objs);
	return 0;
}

NTA_TEST(drain_refill, "drain and refill at many sizes, bulks and caches", 1)
{
	static const unsigned int sizes[] = { 1, 2, 7, 63, 1000, 4097 };
	static const unsigned int elts[] = { 64, 200, 2048, 9000, 65536 };
	static const unsigned int bulks[] = { 1, 2, 7, 32, 768 };
	unsigned int s, e, b;

	for (s = 0; s < RTE_DIM(sizes); s++)
		for (e = 0; e < RTE_DIM(elts); e++) {
			if (sizes[s] * (uint64_t)elts[e] > (64u << 20))
				continue;
			for (b = 0; b < RTE_DIM(bulks); b++)
				CHECK_OK(drain_refill_one(sizes[s], elts[e],
						(b & 1) && sizes[s] >= 64 ? 32 : 0,
						bulks[b]));
		}
	/* a large pool, bulk of the whole pool at once */
	CHECK_OK(drain_refill_one(300000, 64, 0, 300000));
	CHECK_OK(drain_refill_one(20000, 64, 512, 1));
	return 0;
}

NTA_TEST(bulk_all_or_nothing, "a dequeue that cannot be served takes nothing", 1)
{
	const unsigned int n = 1000;
	struct rte_mempool *mp = tp_create("aon", n, 128, 0, 0, NULL);
	void *objs[1100], *more[64];
	unsigned int i;

	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_get_bulk(mp, objs, n + 1) == -ENOBUFS, "over size");
	CHECK(rte_mempool_avail_count(mp) == n, "nothing taken");
	CHECK(rte_mempool_get_bulk(mp, objs, 990) == 0, "990");
	CHECK(rte_mempool_get_bulk(mp, more, 11) == -ENOBUFS, "11 of 10");
	CHECK(rte_mempool_avail_count(mp) == 10, "still 10: %u", rte_mempool_avail_count(mp));
	CHECK(rte_mempool_get_bulk(mp, more, 0) == 0, "n = 0");
	CHECK(rte_mempool_get_bulk(mp, objs + 990, 10) == 0, "last 10");
	CHECK(rte_mempool_get(mp, more) == -ENOBUFS, "empty");
	CHECK(tp_unique(objs, n) == 0, "dup");
	CHECK(rte_mempool_ops_dequeue_bulk(mp, more, 1) == -ENOBUFS, "ops level");
	rte_mempool_put_bulk(mp, objs, n);
	CHECK(rte_mempool_avail_count(mp) == n, "all back");
	/* ops-level odd sizes as PMDs call them */
	for (i = 1; i < 40; i += 5) {
		CHECK(rte_mempool_ops_dequeue_bulk(mp, objs, i) == 0, "ops %u", i);
		CHECK(rte_mempool_ops_enqueue_bulk(mp, objs, i) == 0, "ops put %u", i);
	}
	CHECK(rte_mempool_avail_count(mp) == n, "all back");
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	return 0;
}

static int
bytes_case(unsigned int cache, unsigned int elt)
{
	const unsigned int n = 2048;
	struct rte_mempool *mp = tp_create(cache ? "bytes_c" : "bytes_nc", n, elt, cache, 0, NULL);
	void **objs = calloc(n, sizeof(void *));
	unsigned int i;

	CHECK(mp != NULL, "create");
	CHECK(tp_get_all(mp, objs, n, 16) == (int)n, "get all");
	tp_fill(mp, objs, n);
	for (i = 0; i < n; i++)
		rte_mempool_put(mp, objs[i]);
	rte_mempool_cache_flush(rte_mempool_default_cache(mp, rte_lcore_id()), mp);
	CHECK(tp_get_all(mp, objs, n, 5) == (int)n, "get all again");
	CHECK(tp_verify(mp, objs, n) == 0, "object bytes modified (cache %u)", cache);
	rte_mempool_put_bulk(mp, objs, n);
	rte_mempool_free(mp);
	free(objs);
	return 0;
}

NTA_TEST(bytes_untouched, "no byte of a free object (nor its header) is written", 1)
{
	CHECK_OK(bytes_case(0, 64));
	CHECK_OK(bytes_case(0, 2048));
	CHECK_OK(bytes_case(256, 200));
	return 0;
}

NTA_TEST(exact_counts, "avail/in-use counts exact, also with objects in LIFO and cache", 1)
{
	const unsigned int n = 5000;
	struct rte_mempool *mp = tp_create("counts", n, 100, 64, 0, NULL);
	struct rte_mempool_nta_stats st;
	void *objs[5000];
	unsigned int k;

	CHECK(mp != NULL, "create");
	for (k = 1; k < n; k = k * 3 + 1) {
		CHECK(rte_mempool_get_bulk(mp, objs, k) == 0, "get %u", k);
		CHECK(rte_mempool_in_use_count(mp) == k, "in use %u vs %u", rte_mempool_in_use_count(mp), k);
		CHECK(rte_mempool_avail_count(mp) == n - k, "avail");
		rte_mempool_put_bulk(mp, objs, k / 2);
		CHECK(rte_mempool_in_use_count(mp) == k - k / 2, "after put");
		rte_mempool_put_bulk(mp, objs + k / 2, k - k / 2);
		CHECK(rte_mempool_avail_count(mp) == n, "all back");
	}
	CHECK(rte_mempool_nta_stats_get(mp, &st) == 0, "stats");
	CHECK(st.size == n && st.avail == n && st.in_use == 0, "stats %lu %lu", st.size, st.avail);
	CHECK(rte_mempool_nta_is_nta(mp) == 1, "is nta");
	rte_mempool_free(mp);
	return 0;
}

NTA_TEST(contig_blocks, "rte_mempool_get_contig_blocks gives runs of adjacent objects", 1)
{
	struct rte_mempool *mp = tp_create("contig", 4096, 64, 0, 0, NULL);
	struct rte_mempool_info info;
	void *first[64];
	size_t stride;
	unsigned int i, j;

	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_ops_get_info(mp, &info) == 0, "info");
	CHECK(info.contig_block_size == 8, "block %u", info.contig_block_size);
	stride = mp->header_size + mp->elt_size + mp->trailer_size;
	CHECK(rte_mempool_get_contig_blocks(mp, first, 64) == 0, "get");
	CHECK(rte_mempool_in_use_count(mp) == 64 * 8, "in use %u", rte_mempool_in_use_count(mp));
	CHECK(rte_mempool_get_contig_blocks(mp, first + 32, 4096) == -ENOBUFS, "too many");
	CHECK(rte_mempool_in_use_count(mp) == 64 * 8, "nothing taken on failure");
	for (i = 0; i < 64; i++)
		for (j = 0; j < 8; j++) {
			void *o = RTE_PTR_ADD(first[i], j * stride);

			CHECK(rte_mempool_from_obj(o) == mp, "block %u obj %u", i, j);
			rte_mempool_put(mp, o);
		}
	CHECK(rte_mempool_avail_count(mp) == 4096, "all back");
	/* freeing a block object twice is caught */
	CHECK(rte_mempool_get_contig_blocks(mp, first, 1) == 0, "one");
	rte_mempool_put(mp, first[0]);
	rte_mempool_put(mp, first[0]);
	for (j = 1; j < 8; j++)
		rte_mempool_put(mp, RTE_PTR_ADD(first[0], j * stride));
	CHECK(rte_mempool_avail_count(mp) == 4096, "count %u", rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	return 0;
}

static int
check_pool_usable(struct rte_mempool *mp, unsigned int n)
{
	void **objs = calloc(n + 1, sizeof(void *));
	int got;

	got = tp_get_all(mp, objs, n + 1, 1);
	CHECK(got == (int)n, "%s: got %d of %u", mp->name, got, n);
	CHECK(tp_unique(objs, n) == 0, "dup");
	tp_fill(mp, objs, n);
	CHECK(tp_verify(mp, objs, n) == 0, "bytes");
	rte_mempool_put_bulk(mp, objs, n);
	CHECK(rte_mempool_avail_count(mp) == n, "back");
	CHECK(tp_audit_ok(mp) == 0, "audit");
	free(objs);
	return 0;
}

NTA_TEST(populate_variants, "anon memory, odd chunks, NO_IOVA_CONTIG, max_objs, 1-object pool", 1)
{
	const struct rte_memzone *mz;
	struct rte_mempool *mp;
	size_t esz, off;
	int ret, total = 0;

	/* anonymous memory: page aligned only */
	mp = rte_mempool_create_empty("anon", 3000, 2048, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	ret = rte_mempool_populate_anon(mp);
	CHECK(ret == 3000, "populate_anon %d", ret);
	CHECK_OK(check_pool_usable(mp, 3000));
	rte_mempool_free(mp);

	/* no IOVA contiguity wanted */
	mp = tp_create("noiova", 5000, 1500, 32, RTE_MEMPOOL_F_NO_IOVA_CONTIG, NULL);
	CHECK(mp != NULL, "create noiova");
	CHECK_OK(check_pool_usable(mp, 5000));
	rte_mempool_free(mp);

	/* 8-byte aligned elements, no cache-line padding */
	mp = tp_create("nocalign", 3001, 40, 0, RTE_MEMPOOL_F_NO_CACHE_ALIGN, NULL);
	CHECK(mp != NULL, "create nocalign");
	CHECK_OK(check_pool_usable(mp, 3001));
	rte_mempool_free(mp);

	/* zero-sized elements: just the header */
	mp = tp_create("zero", 100, 0, 0, 0, NULL);
	CHECK(mp != NULL, "create zero");
	CHECK_OK(check_pool_usable(mp, 100));
	rte_mempool_free(mp);

	/* the biggest cache: flushes of 768 objects at once */
	mp = tp_create("bigcache", 10000, 64, RTE_MEMPOOL_CACHE_MAX_SIZE, 0, NULL);
	CHECK(mp != NULL, "create bigcache");
	CHECK_OK(check_pool_usable(mp, 10000));
	rte_mempool_free(mp);

	/* one object */
	mp = tp_create("one", 1, 64, 0, 0, NULL);
	CHECK(mp != NULL, "create one");
	CHECK_OK(check_pool_usable(mp, 1));
	rte_mempool_free(mp);

	/* odd chunks out of order, misaligned, a pool smaller than memory */
	mp = rte_mempool_create_empty("chunks", 700, 333, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create chunks");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	esz = mp->header_size + mp->elt_size + mp->trailer_size;
	mz = rte_memzone_reserve("nta_chunks", esz * 1000 + 4096, SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "mz");
	for (off = 0; off < 3; off++) {
		size_t start = (2 - off) * esz * 333 + 64 * off + 64;

		ret = rte_mempool_populate_iova(mp, RTE_PTR_ADD(mz->addr, start),
						off == 1 ? RTE_BAD_IOVA : mz->iova + start,
						esz * 300 + 17, NULL, NULL);
		CHECK(ret > 0, "chunk %zu: %d", off, ret);
		total += ret;
	}
	CHECK(total == 700 && mp->populated_size == 700, "max_objs honoured: %d", total);
	ret = rte_mempool_populate_iova(mp, RTE_PTR_ADD(mz->addr, esz * 999), mz->iova, esz, NULL, NULL);
	CHECK(ret == -ENOSPC, "full pool refuses more: %d", ret);
	CHECK_OK(check_pool_usable(mp, 700));
	rte_mempool_free(mp);
	rte_memzone_free(mz);

	/* a pool populated with memory it cannot fit an object in */
	mp = rte_mempool_create_empty("tiny", 10, 4000, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create tiny");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	mz = rte_memzone_reserve("nta_tiny", 4096, SOCKET_ID_ANY, 0);
	CHECK(mz != NULL, "mz");
	ret = rte_mempool_populate_iova(mp, mz->addr, mz->iova, 1000, NULL, NULL);
	CHECK(ret == 0, "no room gives 0, not an error code: %d", ret);
	rte_mempool_free(mp);
	rte_memzone_free(mz);
	return 0;
}

NTA_TEST(params, "per-pool tuning through pool_config, bad values refused", 1)
{
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 16, .lifo_size = 16,
		.ring_size = 64, .contig_block_size = 4 };
	struct rte_mempool_nta_stats st;
	struct rte_mempool *mp;

	mp = tp_create("params", 3000, 256, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_nta_stats_get(mp, &st) == 0, "stats");
	CHECK(st.arena_size == 1 << 16 && st.lifo_size == 16 && st.ring_size == 64,
	      "applied: %lu %u %u", st.arena_size, st.lifo_size, st.ring_size);
	CHECK(st.arenas >= 3000 * 320 / 65536, "arenas %lu", st.arenas);
	/* the params may change after populate: the pool keeps its copy */
	prm.contig_block_size = 99;
	prm.arena_size = 3;
	{
		struct rte_mempool_info info;

		CHECK(rte_mempool_ops_get_info(mp, &info) == 0 &&
		      info.contig_block_size == 4, "info after params changed");
	}
	CHECK_OK(check_pool_usable(mp, 3000));
	rte_mempool_free(mp);

	prm.arena_size = 12345;
	prm.contig_block_size = 4;
	mp = rte_mempool_create_empty("badprm", 100, 64, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", &prm) == 0, "ops");
	CHECK(rte_mempool_populate_default(mp) < 0, "bad arena size refused");
	rte_mempool_free(mp);
	return 0;
}
