/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/* An application that holds a known pool state while tests/apps/telemetry.sh
 * reads it through dpdk-telemetry.py.
 */

#include <unistd.h>

#include <rte_cycles.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

NTA_TEST(telemetry_serve_child, "(run by tests/apps/telemetry.sh)", 1)
{
	struct rte_mempool *mp = tp_create("tel_pool", 1000, 64, 0, 0, NULL);
	void *o[300], *bad = o;
	unsigned int i;

	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_get_bulk(mp, o, 300) == 0, "get");
	rte_mempool_put_bulk(mp, o, 100);            /* 200 stay in use */
	rte_mempool_put(mp, o[0]);                   /* one double free */
	rte_mempool_ops_enqueue_bulk(mp, &bad, 1);   /* one foreign pointer */
	printf("READY\n");
	fflush(stdout);
	/* wait for the reader to say it is done (or give up after 60 s) */
	for (i = 0; i < 600 && access("/tmp/nta_telemetry_done", F_OK) != 0; i++)
		rte_delay_ms(100);
	rte_mempool_put_bulk(mp, o + 100, 200);
	rte_mempool_free(mp);
	return 0;
}
