/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The depot gives a store back the full magazines it filed itself, so that
 * an lcore's objects (and the lines of their words) stay with its core
 * when two lcores trade with the depot; what a store takes back without
 * adopting it is still routed home correctly.
 */

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

#define DA_N 4096
#define DA_MAG 32       /* lifo_size 64: two magazines of 32 */
#define DA_K (6 * DA_MAG) /* two stay in the store, four are filed */
#define DA_BIG 1024

struct da_arg {
	struct rte_mempool *mp;
	void **objs;
	unsigned int n;
	int put;
};

static void *
da_unreg_thread(void *arg)
{
	struct da_arg *a = arg;

	a->put = rte_lcore_id() == LCORE_ID_ANY ? 0 : -1;
	if (a->put == 0)
		rte_mempool_put_bulk(a->mp, a->objs, a->n);
	return NULL;
}

/* Free objs from a thread that is not an lcore. */
static int
da_unreg_put(struct rte_mempool *mp, void **objs, unsigned int n)
{
	struct da_arg a = { mp, objs, n, 1 };
	pthread_t th;

	if (pthread_create(&th, NULL, da_unreg_thread, &a) != 0)
		return -1;
	pthread_join(th, NULL);
	return a.put;
}

NTA_TEST(depot_affinity, "a store gets back from the depot the magazines it filed", 2)
{
	struct rte_mempool_nta_params prm = { .lifo_size = 2 * DA_MAG };
	unsigned int main_lc = rte_get_main_lcore(), w = tp_worker();
	void *mine[DA_K], *first[DA_K], *again[DA_K];
	static void *big[DA_BIG];
	struct rte_mempool *mp;
	unsigned int same = 0, i;

	mp = tp_create("depot_aff", DA_N, 256, 0, 0, &prm);
	CHECK(mp != NULL, "create");
	/* the main lcore holds K objects while the worker cycles K */
	CHECK(tp_bulk_on(main_lc, mp, mine, DA_K, 0) == 0, "main get");
	CHECK(tp_bulk_on(w, mp, first, DA_K, 0) == 0, "worker get");
	CHECK(tp_bulk_on(w, mp, first, DA_K, 1) == 0, "worker put");
	/* the main lcore's frees file its magazines on top of the worker's:
	 * four and four, within the eight newest that the depot looks at
	 * (NTA_DEPOT_AFFINITY)
	 */
	CHECK(tp_bulk_on(main_lc, mp, mine, DA_K, 1) == 0, "main put");
	CHECK(tp_bulk_on(w, mp, again, DA_K, 0) == 0, "worker get again");
	qsort(first, DA_K, sizeof(void *), tp_ptr_cmp);
	qsort(again, DA_K, sizeof(void *), tp_ptr_cmp);
	for (i = 0; i < DA_K; i++)
		same += bsearch(&again[i], first, DA_K, sizeof(void *),
				tp_ptr_cmp) != NULL;
	CHECK(same == DA_K, "the worker got back %u of its %u objects",
	      same, DA_K);
	/* freed by the main lcore: each goes home to the worker, and is
	 * accepted there (its home byte names the worker: kept when its
	 * magazine came back, adopted otherwise)
	 */
	CHECK(tp_bulk_on(main_lc, mp, again, DA_K, 1) == 0, "remote put");
	CHECK(tp_bulk_on(w, mp, first, DA_K, 0) == 0, "worker takes them back");
	CHECK(tp_unique(first, DA_K) == 0, "no duplicate");
	CHECK(tp_bulk_on(w, mp, first, DA_K, 1) == 0, "worker put");
	/* the worker takes more than it filed, the main lcore's magazines
	 * too: their home bytes must name it now (adopted), or frees by
	 * others would go to the main lcore, which would refuse them (its
	 * words say the worker has them)
	 */
	CHECK(tp_bulk_on(main_lc, mp, mine, DA_K, 0) == 0, "main get");
	CHECK(tp_bulk_on(main_lc, mp, mine, DA_K, 1) == 0, "main put");
	CHECK(tp_bulk_on(w, mp, big, DA_BIG, 0) == 0, "worker gets %u", DA_BIG);
	CHECK(tp_unique(big, DA_BIG) == 0, "no duplicate");
	/* a third party frees them: a thread unknown to DPDK, whose frees
	 * go where the home bytes say
	 */
	CHECK(da_unreg_put(mp, big, DA_BIG) == 0, "unregistered put");
	/* the worker takes back what was sent to it: all of it accepted */
	CHECK(tp_bulk_on(w, mp, big, DA_BIG, 0) == 0, "worker gets %u", DA_BIG);
	CHECK(tp_unique(big, DA_BIG) == 0, "no duplicate");
	CHECK(tp_bulk_on(w, mp, big, DA_BIG, 1) == 0, "worker puts them back");
	CHECK(tp_bad_total(mp) == 0, "no free refused: %" PRIu64,
	      tp_bad_total(mp));
	CHECK(rte_mempool_avail_count(mp) == DA_N, "all back: %u",
	      rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	return 0;
}
