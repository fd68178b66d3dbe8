/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Refused frees: classify, count, log once per burst. The library drops
 * the return value of enqueue, so refusing, logging and counting is all a
 * handler can do; the pool itself is left exactly as it was.
 */

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
	RTE_SET_USED(p);
	/* atomic: the lock holder may count on behalf of another lcore */
	__atomic_fetch_add(&cnt->bad_frees[kind], 1, __ATOMIC_RELAXED);
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

/* A pointer outside our arenas: is it inside another mempool's memory?
 * Only the mempools' own chunk lists are read, never the pointer itself,
 * so a stale pointer into freed (PROT_NONE) memory cannot fault here.
 */
struct nta_classify_ctx {
	const struct rte_mempool *self;
	uintptr_t addr;
	int found;
};

static void
nta_classify_walk(struct rte_mempool *mp, void *arg)
{
	struct nta_classify_ctx *c = arg;
	const struct rte_mempool_memhdr *m;

	uintptr_t elt = c->addr - mp->header_size;

	if (mp == c->self || c->found)
		return;
	/* the element start is inside a chunk even for zero-sized objects */
	STAILQ_FOREACH(m, &mp->mem_list, next)
		if (elt - (uintptr_t)m->addr < m->len) {
			c->found = 1;
			return;
		}
}

enum rte_mempool_nta_bad_kind
nta_classify_foreign(const struct nta_pool *p, const void *obj)
{
	struct nta_classify_ctx c = { p->mp, (uintptr_t)obj, 0 };

	if (obj != NULL)
		rte_mempool_walk(nta_classify_walk, &c);
	return c.found ? RTE_MEMPOOL_NTA_BAD_OTHER_POOL :
		RTE_MEMPOOL_NTA_BAD_FOREIGN;
}
