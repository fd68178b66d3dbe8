/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* A pool created by the primary, used and counted from a secondary. */

#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

extern char *nta_test_argv0;
extern const char *nta_test_prefix;

NTA_TEST(secondary_child, "(run by the secondary test)", 0)
{
	struct rte_mempool *mp = rte_mempool_lookup("sec_pool");
	void *o[300];

	CHECK(rte_eal_process_type() == RTE_PROC_SECONDARY, "secondary");
	CHECK(mp != NULL, "lookup");
	CHECK(rte_mempool_nta_is_nta(mp), "nta");
	CHECK(rte_mempool_avail_count(mp) == 1900, "count seen from secondary: %u",
	      rte_mempool_avail_count(mp));
	CHECK(rte_mempool_get_bulk(mp, o, 300) == 0, "get");
	CHECK(tp_unique(o, 300) == 0, "dup");
	rte_mempool_put_bulk(mp, o, 50);
	CHECK(rte_mempool_avail_count(mp) == 1650, "count after use %u",
	      rte_mempool_avail_count(mp));
	/* 250 stay with the application of the secondary: the primary frees
	 * them through the shared object table below
	 */
	memcpy(rte_mempool_get_priv(mp), o + 50, 250 * sizeof(void *));
	return 0;
}

NTA_TEST(secondary, "primary creates, secondary uses and counts the pool", 2)
{
	struct rte_mempool *mp;
	void *o[100];
	char lc[16], pf[128];
	pid_t pid;
	int status;

	/* without hugepages, EAL has no shared memory for a secondary to map */
	SKIP_IF(!rte_eal_has_hugepages(), "secondary processes need hugepages");
	mp = rte_mempool_create_empty("sec_pool", 2000, 128, 0, 250 * sizeof(void *),
				      SOCKET_ID_ANY, 0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	CHECK(rte_mempool_populate_default(mp) == 2000, "populate");
	CHECK(rte_mempool_get_bulk(mp, o, 100) == 0, "get");
	CHECK(nta_test_prefix != NULL, "needs --file-prefix");

	/* the secondary runs on an lcore id the primary does not use */
	snprintf(lc, sizeof(lc), "%u", tp_worker());
	snprintf(pf, sizeof(pf), "--file-prefix=%s", nta_test_prefix);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(nta_test_argv0, nta_test_argv0, "-l", lc, "--no-pci",
		      "--proc-type=secondary", pf, "--log-level=lib.eal:warning",
		      "--", "secondary_child", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0, "fork");
	CHECK(waitpid(pid, &status, 0) == pid, "wait");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "secondary failed: %d", status);
	CHECK(rte_mempool_avail_count(mp) == 1650, "primary sees %u",
	      rte_mempool_avail_count(mp));
	rte_mempool_put_bulk(mp, o, 100);
	rte_mempool_put_bulk(mp, rte_mempool_get_priv(mp), 250);
	CHECK(rte_mempool_avail_count(mp) == 2000, "all back %u", rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	return 0;
}
