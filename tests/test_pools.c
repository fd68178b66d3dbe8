/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* Many pools, created and freed again and again, leak nothing. */

#include <rte_malloc.h>
#include <rte_memzone.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

static unsigned int mz_count;

static void
count_mz(const struct rte_memzone *mz, void *arg)
{
	RTE_SET_USED(mz);
	RTE_SET_USED(arg);
	mz_count++;
}

static size_t
heap_used(void)
{
	struct rte_malloc_socket_stats st;
	size_t used = 0;
	unsigned int s;

	for (s = 0; s < rte_socket_count(); s++) {
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s), &st) == 0)
			used += st.heap_allocsz_bytes;
	}
	return used;
}

NTA_TEST(many_pools, "50 pools created and freed 3 times; memzones and heap return", 1)
{
	struct rte_mempool *mp[50];
	unsigned int round, i, mz_before;
	size_t heap_before;
	void *o;

	/* first pool ever may register process-wide things: warm up */
	mp[0] = tp_create("warm", 10, 64, 0, 0, NULL);
	CHECK(mp[0] != NULL, "warm");
	rte_mempool_free(mp[0]);

	mz_count = 0;
	rte_memzone_walk(count_mz, NULL);
	mz_before = mz_count;
	heap_before = heap_used();
	for (round = 0; round < 3; round++) {
		for (i = 0; i < 50; i++) {
			char name[32];

			snprintf(name, sizeof(name), "many_%u", i);
			mp[i] = tp_create(name, 100 + i * 37, 64 + i * 16,
					  i % 3 ? 32 : 0, 0, NULL);
			CHECK(mp[i] != NULL, "create %u round %u", i, round);
			CHECK(rte_mempool_get(mp[i], &o) == 0, "use");
			rte_mempool_put(mp[i], o);
		}
		for (i = 0; i < 50; i++)
			rte_mempool_free(mp[i]);
		mz_count = 0;
		rte_memzone_walk(count_mz, NULL);
		CHECK(mz_count == mz_before, "memzones %u vs %u", mz_count, mz_before);
		CHECK(heap_used() == heap_before, "heap %zu vs %zu bytes, round %u",
		      heap_used(), heap_before, round);
	}
	return 0;
}

NTA_TEST(free_unpopulated, "free without populate, and after a failed populate", 1)
{
	struct rte_mempool_nta_params bad = { .arena_size = 3 };
	struct rte_mempool *mp;
	size_t heap_before = heap_used();

	mp = rte_mempool_create_empty("unpop", 100, 64, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	CHECK(rte_mempool_nta_is_nta(mp) == 0, "not populated yet");
	CHECK(rte_mempool_avail_count(mp) == 0, "count before populate");
	rte_mempool_free(mp);

	mp = rte_mempool_create_empty("failpop", 100, 64, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", &bad) == 0, "ops");
	CHECK(rte_mempool_populate_default(mp) < 0, "populate must fail");
	rte_mempool_free(mp);
	CHECK(heap_used() == heap_before, "heap back");
	return 0;
}
