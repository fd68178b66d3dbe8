/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * A populate that the library undid, then a new populate while memory is
 * short: the driver forgets the old arenas (nta_pool_reset) and must leave
 * a usable pool whatever fails.
 *
 * Failures are injected by type name: nta-tests defines rte_zmalloc and
 * rte_zmalloc_socket itself; the dynamic linker binds DPDK's libraries and
 * the driver to these, which fail the armed type and pass everything else
 * to DPDK's own (dlsym RTLD_NEXT).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

static const char *fail_type;   /* allocations of this type fail */
static unsigned int fail_hits;

static int
fail_now(const char *type)
{
	const char *t = __atomic_load_n(&fail_type, __ATOMIC_ACQUIRE);

	if (t == NULL || type == NULL || strcmp(t, type) != 0)
		return 0;
	__atomic_fetch_add(&fail_hits, 1, __ATOMIC_RELAXED);
	return 1;
}

void *
rte_zmalloc(const char *type, size_t size, unsigned int align)
{
	static void *(*real)(const char *, size_t, unsigned int);

	if (fail_now(type))
		return NULL;
	if (real == NULL)
		real = (void *(*)(const char *, size_t, unsigned int))
			dlsym(RTLD_NEXT, "rte_zmalloc");
	return real(type, size, align);
}

void *
rte_zmalloc_socket(const char *type, size_t size, unsigned int align,
		   int socket)
{
	static void *(*real)(const char *, size_t, unsigned int, int);

	if (fail_now(type))
		return NULL;
	if (real == NULL)
		real = (void *(*)(const char *, size_t, unsigned int, int))
			dlsym(RTLD_NEXT, "rte_zmalloc_socket");
	return real(type, size, align, socket);
}

/* Fail allocations of this type from now on (NULL: none); the count of
 * failed ones restarts when a type is armed.
 */
static void
fail_arm(const char *type)
{
	if (type != NULL)
		fail_hits = 0;
	__atomic_store_n(&fail_type, type, __ATOMIC_RELEASE);
}

NTA_TEST(pool_reset_nomem, "populate again after an undone one, with the driver's allocations failing: usable pool", 1)
{
	const unsigned int n = 256;
	struct rte_mempool *mp;
	size_t len_a = 16 << 10, len_b = 240 << 10;
	char *buf = rte_malloc("reset_buf", len_a + len_b, 4096);
	void *objs[256];
	unsigned int i;
	int ret, k;

	CHECK(buf != NULL, "buffer");
	mp = rte_mempool_create_empty("reset", n, 64, 0, 0, SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME, NULL) == 0,
	      "ops");

	/* part of the pool in chunk A */
	k = rte_mempool_populate_iova(mp, buf, RTE_BAD_IOVA, len_a, NULL, NULL);
	CHECK(k > 0 && k < (int)n, "populate A: %d", k);

	/* chunk B fails in the library (no memory for its chunk header):
	 * the library takes back chunk A as well
	 */
	fail_arm("MEMPOOL_MEMHDR");
	ret = rte_mempool_populate_virt(mp, buf + len_a, len_b, 4096, NULL, NULL);
	fail_arm(NULL);
	CHECK(ret < 0, "populate B should fail: %d", ret);
	CHECK(mp->populated_size == 0 && mp->nb_mem_chunks == 0,
	      "library undid the populate: %u objects, %u chunks",
	      mp->populated_size, mp->nb_mem_chunks);

	/* populate again while the driver's directory cannot be allocated */
	fail_arm("nta_dir");
	ret = rte_mempool_populate_iova(mp, buf, RTE_BAD_IOVA, len_a, NULL, NULL);
	fail_arm(NULL);
	printf("populate with nta_dir allocations failing: %d (%u failed)\n",
	       ret, fail_hits);
	CHECK(ret == 0 || ret == k, "populate A again: %d", ret);
	if (ret == 0) {
		/* refused cleanly: the pool must take memory again */
		ret = rte_mempool_populate_iova(mp, buf, RTE_BAD_IOVA, len_a,
						NULL, NULL);
		CHECK(ret == k, "populate A once more: %d", ret);
	}
	ret = rte_mempool_populate_iova(mp, buf + len_a, RTE_BAD_IOVA, len_b,
					NULL, NULL);
	CHECK(ret == (int)n - k, "populate B: %d", ret);
	CHECK(rte_mempool_avail_count(mp) == n, "count %u",
	      rte_mempool_avail_count(mp));

	/* every object, once, from the memory the pool has now; nothing of
	 * the forgotten arenas
	 */
	CHECK(rte_mempool_get_bulk(mp, objs, n) == 0, "get all");
	CHECK(tp_unique(objs, n) == 0, "an object handed out twice");
	for (i = 0; i < n; i++)
		CHECK((char *)objs[i] > buf && (char *)objs[i] < buf + len_a + len_b,
		      "object %p outside the pool's memory", objs[i]);
	CHECK(rte_mempool_get(mp, &objs[0]) != 0, "a 257th object");
	rte_mempool_put_bulk(mp, objs, n);
	CHECK(rte_mempool_avail_count(mp) == n, "all back");
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	rte_free(buf);
	return 0;
}

/*
 * An lcore whose lookup cache finds no memory at its first use hands out
 * and takes back exactly, the slow way (the dump says lookup=none), still
 * refusing a second free, and gets its table at a sweep once memory is
 * back (one every 4096 hand-out calls at most).
 */
NTA_TEST(lookup_nomem, "no memory for a lookup cache: exact the slow way; the table comes at a later sweep", 1)
{
	const unsigned int n = 2048, me = rte_lcore_id();
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 14 };
	struct rte_mempool_nta_stats st;
	void **all = calloc(n, sizeof(void *)), *x;
	struct rte_mempool *mp;
	unsigned int i, k, round;
	uint64_t bad0;
	long ways;

	CHECK(all != NULL, "memory");
	mp = tp_create("lnomem", n, 256, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_nta_stats_get(mp, &st) == 0 && st.arenas > 16,
	      "%" PRIu64 " arenas: want more than 16", st.arenas);
	for (round = 0; round < 2; round++) {
		/* round 0 without memory for the table, round 1 with it */
		fail_arm(round == 0 ? "nta_lookup" : NULL);
		k = tp_get_all(mp, all, n, 32);
		CHECK(k == n && tp_unique(all, n) == 0, "round %u: got %u of %u",
		      round, k, n);
		if (round == 0 && fail_hits == 0) {
			/* the driver's allocations do not come here (the
			 * sanitizer build wraps them into its own heap)
			 */
			fail_arm(NULL);
			rte_mempool_put_bulk(mp, all, n);
			rte_mempool_free(mp);
			free(all);
			SKIP_IF(1, "allocations of the driver are not injectable in this build");
		}
		bad0 = tp_bad_total(mp);
		rte_mempool_put_bulk(mp, all, n);
		rte_mempool_put(mp, all[n / 2]);
		CHECK(tp_bad_total(mp) - bad0 == 1,
		      "round %u: %" PRIu64 " refused, want 1", round,
		      tp_bad_total(mp) - bad0);
		CHECK(rte_mempool_avail_count(mp) == n && tp_audit_ok(mp) == 0,
		      "round %u: %u free", round, rte_mempool_avail_count(mp));
		ways = tp_dump_lookup(mp, me);
		if (round == 0) {
			CHECK(fail_hits > 0 && ways == 0,
			      "no memory (%u failed): lookup %ld, want none",
			      fail_hits, ways);
			fail_arm(NULL);
			/* two sweep periods of single hand-outs */
			for (i = 0; i < 2 * 4096; i++) {
				CHECK(rte_mempool_get(mp, &x) == 0, "get %u", i);
				rte_mempool_put(mp, x);
			}
		} else {
			CHECK(ways == (long)rte_align32pow2((uint32_t)st.arenas),
			      "memory back: lookup %ld, want %u", ways,
			      rte_align32pow2((uint32_t)st.arenas));
		}
	}
	rte_mempool_free(mp);
	free(all);
	return 0;
}

/* Single hand-outs (and frees) of one object: n sweep periods. */
static int
sweep_periods(struct rte_mempool *mp, unsigned int n)
{
	unsigned int i;
	void *x;

	for (i = 0; i < n * 4096; i++) {
		if (rte_mempool_get(mp, &x) != 0)
			return -1;
		rte_mempool_put(mp, x);
	}
	return 0;
}

/*
 * While its lookup cache finds no memory, an lcore asks again at fewer
 * and fewer sweeps (each failure doubles the wait, up to 64 sweeps), not
 * at every one: a try holds the pool lock. Once memory is back the table
 * comes within the longest wait.
 */
NTA_TEST(lookup_nomem_backoff, "no memory for a lookup cache: tries back off (at most 9 in 128 sweeps, not one per sweep), the table comes once memory is back", 1)
{
	const unsigned int n = 2048, me = rte_lcore_id();
	struct rte_mempool_nta_params prm = { .arena_size = 1 << 14 };
	struct rte_mempool_nta_stats st;
	struct rte_mempool *mp;
	unsigned int tries;
	void *x;

	mp = tp_create("lnoback", n, 256, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_nta_stats_get(mp, &st) == 0 && st.arenas > 16,
	      "%" PRIu64 " arenas: want more than 16", st.arenas);
	fail_arm("nta_lookup");
	/* the first hand-out sets the lcore up: its table fails */
	CHECK(rte_mempool_get(mp, &x) == 0, "get");
	rte_mempool_put(mp, x);
	if (fail_hits == 0) {
		fail_arm(NULL);
		rte_mempool_free(mp);
		SKIP_IF(1, "allocations of the driver are not injectable in this build");
	}
	CHECK(sweep_periods(mp, 128) == 0, "gets");
	tries = fail_hits;
	fail_arm(NULL);
	/* setup's try, then sweeps 1, 3, 7, 15, 31, 63 and 127 (waits of
	 * 1, 3, 7, 15, 31, 63 sweeps); without the back-off, 129 tries
	 */
	CHECK(tries >= 2 && tries <= 9, "%u tries in 128 sweeps, want 2-9",
	      tries);
	CHECK(tp_dump_lookup(mp, me) == 0, "lookup %ld, want none",
	      tp_dump_lookup(mp, me));
	CHECK(sweep_periods(mp, 65) == 0, "gets");
	CHECK(tp_dump_lookup(mp, me) == (long)rte_align32pow2((uint32_t)st.arenas),
	      "memory back: lookup %ld, want %u", tp_dump_lookup(mp, me),
	      rte_align32pow2((uint32_t)st.arenas));
	CHECK(rte_mempool_avail_count(mp) == n && tp_audit_ok(mp) == 0,
	      "%u free", rte_mempool_avail_count(mp));
	rte_mempool_free(mp);
	return 0;
}
