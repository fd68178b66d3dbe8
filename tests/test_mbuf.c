/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* mbuf pools on nta: 2 KiB, 9 KiB and 16 KiB+ data rooms. */

#include <stdlib.h>

#include <rte_mbuf.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

static int
mbuf_case(const char *name, unsigned int n, uint16_t room, unsigned int cache)
{
	struct rte_mempool *mp;
	struct rte_mbuf **m = calloc(n, sizeof(*m));
	const char *why = NULL;
	unsigned int i, round;

	mp = rte_pktmbuf_pool_create_by_ops(name, n, cache, 0, room,
					    SOCKET_ID_ANY, "nta");
	CHECK(mp != NULL, "create %s: %s", name, rte_strerror(rte_errno));
	CHECK(rte_mempool_nta_is_nta(mp), "on nta");
	for (round = 0; round < 3; round++) {
		CHECK(rte_pktmbuf_alloc_bulk(mp, m, n) == 0, "alloc all, round %u", round);
		CHECK(rte_pktmbuf_alloc(mp) == NULL, "pool exhausted");
		CHECK(tp_unique((void **)m, n) == 0, "dup");
		for (i = 0; i < n; i++) {
			CHECK(rte_mbuf_check(m[i], 1, &why) == 0, "mbuf %u: %s", i, why);
			CHECK(rte_mbuf_refcnt_read(m[i]) == 1 && m[i]->next == NULL &&
			      m[i]->nb_segs == 1 && m[i]->buf_len == room &&
			      m[i]->pool == mp && m[i]->pkt_len == 0,
			      "mbuf %u fields", i);
			CHECK(m[i]->buf_iova == rte_mempool_virt2iova(m[i]) + sizeof(struct rte_mbuf) ||
			      m[i]->buf_iova == 0, "iova");
			/* write the whole data room */
			memset(rte_pktmbuf_mtod(m[i], void *), 0xa5, room - RTE_PKTMBUF_HEADROOM);
			rte_pktmbuf_append(m[i], 60);
		}
		/* chain pairs and free as multi-segment packets */
		for (i = 0; i + 1 < n; i += 2)
			CHECK(rte_pktmbuf_chain(m[i], m[i + 1]) == 0, "chain");
		for (i = 0; i + 1 < n; i += 2)
			rte_pktmbuf_free(m[i]);
		if (n & 1)
			rte_pktmbuf_free(m[n - 1]);
		CHECK(rte_mempool_avail_count(mp) == n, "all back: %u", rte_mempool_avail_count(mp));
	}
	rte_mempool_cache_flush(rte_mempool_default_cache(mp, rte_lcore_id()), mp);
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	free(m);
	return 0;
}

NTA_TEST(mbuf_pools, "pktmbuf pools with 2 KiB, 9 KiB and 16 KiB+ rooms pass rte_mbuf_check", 1)
{
	CHECK_OK(mbuf_case("mb2k", 4095, RTE_MBUF_DEFAULT_BUF_SIZE, 0));
	CHECK_OK(mbuf_case("mb2kc", 4095, RTE_MBUF_DEFAULT_BUF_SIZE, 256));
	CHECK_OK(mbuf_case("mb9k", 1025, 9000 + RTE_PKTMBUF_HEADROOM, 0));
	CHECK_OK(mbuf_case("mb16k", 513, 16384 + RTE_PKTMBUF_HEADROOM, 32));
	CHECK_OK(mbuf_case("mb60k", 129, 60000, 0));
	return 0;
}

NTA_TEST(metadata_footprint, "driver metadata stays under 2% of the pool's memory", 1)
{
	static const struct { unsigned int n, room; } shapes[] = {
		{ 8191, RTE_MBUF_DEFAULT_BUF_SIZE }, { 65535, RTE_MBUF_DEFAULT_BUF_SIZE },
		{ 4095, 9000 + RTE_PKTMBUF_HEADROOM }, { 262143, 512 },
	};
	struct rte_mempool_nta_stats st;
	unsigned int i;

	for (i = 0; i < RTE_DIM(shapes); i++) {
		char name[32];
		struct rte_mempool *mp;
		struct rte_mbuf *m;
		double pct;

		snprintf(name, sizeof(name), "fp%u", i);
		mp = rte_pktmbuf_pool_create_by_ops(name, shapes[i].n, 256, 0,
						    shapes[i].room, SOCKET_ID_ANY, "nta");
		CHECK(mp != NULL, "create");
		/* one lcore active: its LIFO and ring count too */
		m = rte_pktmbuf_alloc(mp);
		rte_pktmbuf_free(m);
		CHECK(rte_mempool_nta_stats_get(mp, &st) == 0, "stats");
		pct = 100.0 * (double)st.metadata_bytes / (double)st.object_bytes;
		printf("  %u x %u B room: metadata %lu B = %.3f%% of %lu B\n",
		       shapes[i].n, shapes[i].room, st.metadata_bytes, pct, st.object_bytes);
		CHECK(pct < 2.0, "metadata %.3f%%", pct);
		rte_mempool_free(mp);
	}
	return 0;
}
