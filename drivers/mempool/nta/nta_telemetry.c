/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Telemetry: /mempool_nta/list and /mempool_nta/stats,<pool name>,
 * readable with dpdk-telemetry.py.
 */

#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "nta_compat.h"
#include "nta_private.h"

static void
nta_tel_list_one(struct rte_mempool *mp, void *arg)
{
	if (rte_mempool_nta_is_nta(mp))
		rte_tel_data_add_array_string(arg, mp->name);
}

static int
nta_tel_list(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	rte_mempool_walk(nta_tel_list_one, d);
	return 0;
}

/* one key per kind of bad free below */
static_assert(RTE_MEMPOOL_NTA_BAD_MAX == 4,
	      "a new kind of bad free needs its telemetry key");

static void
nta_tel_counters(struct rte_tel_data *d,
		 const struct rte_mempool_nta_lcore_stats *s)
{
	nta_compat_tel_add_dict_uint(d, "held", s->held);
	nta_compat_tel_add_dict_uint(d, "ring_pending", s->ring_pending);
	nta_compat_tel_add_dict_uint(d, "local_hits", s->local_hits);
	nta_compat_tel_add_dict_uint(d, "local_frees", s->local_frees);
	nta_compat_tel_add_dict_uint(d, "remote_sent", s->remote_sent);
	nta_compat_tel_add_dict_uint(d, "remote_drained", s->remote_drained);
	nta_compat_tel_add_dict_uint(d, "depot_gets", s->depot_gets);
	nta_compat_tel_add_dict_uint(d, "depot_puts", s->depot_puts);
	nta_compat_tel_add_dict_uint(d, "failed_dequeues", s->failed_dequeues);
	nta_compat_tel_add_dict_uint(d, "bad_foreign",
				     s->bad_frees[RTE_MEMPOOL_NTA_BAD_FOREIGN]);
	nta_compat_tel_add_dict_uint(d, "bad_interior",
				     s->bad_frees[RTE_MEMPOOL_NTA_BAD_INTERIOR]);
	nta_compat_tel_add_dict_uint(d, "bad_double_free",
				     s->bad_frees[RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE]);
	nta_compat_tel_add_dict_uint(d, "bad_other_pool",
				     s->bad_frees[RTE_MEMPOOL_NTA_BAD_OTHER_POOL]);
}

/* One lcore's counters as a nested dictionary "lcore_<id>". */
static void
nta_tel_lcore(struct rte_tel_data *d, const struct rte_mempool *mp,
	      unsigned int id, const char *key)
{
	struct rte_mempool_nta_lcore_stats s;
	struct rte_tel_data *c;

	if (rte_mempool_nta_lcore_stats_get(mp, id, &s) != 0)
		return;
	c = rte_tel_data_alloc();
	if (c == NULL)
		return;
	rte_tel_data_start_dict(c);
	nta_tel_counters(c, &s);
	if (rte_tel_data_add_dict_container(d, key, c, 0) != 0)
		rte_tel_data_free(c);
}

static int
nta_tel_stats(const char *cmd, const char *params, struct rte_tel_data *d)
{
	const struct rte_mempool *mp;
	struct rte_mempool_nta_stats st;
	const struct nta_pool *p;
	unsigned int i;
	char key[32];

	RTE_SET_USED(cmd);
	if (params == NULL || params[0] == '\0')
		return -EINVAL;
	mp = rte_mempool_lookup(params);
	p = nta_pool_of(mp);
	if (p == NULL || rte_mempool_nta_stats_get(mp, &st) != 0)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "name", mp->name);
	nta_compat_tel_add_dict_uint(d, "size", st.size);
	nta_compat_tel_add_dict_uint(d, "avail", st.avail);
	nta_compat_tel_add_dict_uint(d, "in_use", st.in_use);
	nta_compat_tel_add_dict_uint(d, "depot", st.depot);
	nta_compat_tel_add_dict_uint(d, "arenas", st.arenas);
	nta_compat_tel_add_dict_uint(d, "arena_size", st.arena_size);
	nta_compat_tel_add_dict_uint(d, "metadata_bytes", st.metadata_bytes);
	nta_compat_tel_add_dict_uint(d, "object_bytes", st.object_bytes);
	nta_compat_tel_add_dict_uint(d, "lifo_size", st.lifo_size);
	nta_compat_tel_add_dict_uint(d, "ring_size", st.ring_size);
	nta_compat_tel_add_dict_uint(d, "active_lcores", st.active_lcores);
	/* 0: local_hits, local_frees, remote_sent, remote_drained compiled
	 * out (-Dcounters=false), read 0
	 */
	nta_compat_tel_add_dict_uint(d, "fast_counters",
		!(st.flags & RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS));
	nta_tel_lcore(d, mp, LCORE_ID_ANY, "unregistered");
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		if (__atomic_load_n(&p->lc[i].lane_to, __ATOMIC_ACQUIRE) == NULL)
			continue;
		snprintf(key, sizeof(key), "lcore_%u", i);
		nta_tel_lcore(d, mp, i, key);
	}
	return 0;
}

RTE_INIT(nta_telemetry_init)
{
	rte_telemetry_register_cmd("/mempool_nta/list", nta_tel_list,
		"Names of the mempools on the nta handler. Takes no parameters");
	rte_telemetry_register_cmd("/mempool_nta/stats", nta_tel_stats,
		"Counters of an nta mempool, per lcore. Parameters: pool name");
}
