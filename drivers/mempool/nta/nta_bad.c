/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Refused frees: classify, count, log once per burst. The library drops
 * the return value of enqueue, so refusing, logging and counting is all a
 * handler can do; the pool itself is left exactly as it was.
 */

#include <rte_memory.h>

#include "nta_private.h"

RTE_LOG_REGISTER(nta_logtype, pmd.mempool.nta, NOTICE);

static const char * const nta_bad_names[RTE_MEMPOOL_NTA_BAD_MAX] = {
	[RTE_MEMPOOL_NTA_BAD_FOREIGN] = "pointer not in this pool",
	[RTE_MEMPOOL_NTA_BAD_INTERIOR] = "pointer inside the pool but not an object start",
	[RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE] = "double free",
	[RTE_MEMPOOL_NTA_BAD_OTHER_POOL] = "object of another mempool",
};

const char *
nta_bad_kind_str(enum rte_mempool_nta_bad_kind kind)
{
	return kind < RTE_MEMPOOL_NTA_BAD_MAX ? nta_bad_names[kind] : "?";
}

void
nta_bad_free(struct nta_pool *p, struct nta_counters *cnt, const void *obj,
	     enum rte_mempool_nta_bad_kind kind)
{
	RTE_SET_USED(obj);
	if (cnt == &p->any_cnt)
		__atomic_fetch_add(&cnt->bad_frees[kind], 1, __ATOMIC_RELAXED);
	else
		nta_cnt_add(&cnt->bad_frees[kind], 1);
}

void
nta_bad_burst_log(const struct nta_pool *p, unsigned int lcore_id,
		  unsigned int nb_bad, const void *first,
		  enum rte_mempool_nta_bad_kind kind)
{
	NTA_LOG(ERR, "pool %s: refused %u bad free(s) on lcore %d; first %p: %s",
		p->mp->name, nb_bad,
		lcore_id < RTE_MAX_LCORE ? (int)lcore_id : -1, first,
		nta_bad_kind_str(kind));
}

/* A pointer outside our arenas: is it another mempool's object? Only
 * memory DPDK mapped is read, so a wild pointer cannot fault here.
 */
enum rte_mempool_nta_bad_kind
nta_classify_foreign(const struct nta_pool *p, const void *obj)
{
	const struct rte_mempool_objhdr *hdr;
	const struct rte_memseg *ms, *ms_hdr;

	if (obj == NULL || (uintptr_t)obj < sizeof(*hdr))
		return RTE_MEMPOOL_NTA_BAD_FOREIGN;
	hdr = RTE_PTR_SUB(obj, sizeof(*hdr));
	ms = rte_mem_virt2memseg(obj, NULL);
	ms_hdr = rte_mem_virt2memseg(hdr, NULL);
	if (ms == NULL || ms_hdr == NULL)
		return RTE_MEMPOOL_NTA_BAD_FOREIGN;
	if (hdr->mp != NULL && hdr->mp != p->mp &&
	    rte_mem_virt2memseg(hdr->mp, NULL) != NULL)
		return RTE_MEMPOOL_NTA_BAD_OTHER_POOL;
	return RTE_MEMPOOL_NTA_BAD_FOREIGN;
}
