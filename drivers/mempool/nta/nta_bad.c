/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Refused frees: classify, count, log once per burst. The library drops
 * the return value of enqueue, so refusing, logging and counting is all a
 * handler can do; the pool itself is left exactly as it was.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* process_vm_readv */
#endif
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_memory.h>
#include <rte_memzone.h>

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

/*
 * A pointer outside our arenas: an object of another mempool, or nothing
 * we know? This runs on the free path, which may be inside
 * rte_mempool_walk() (the lcore callback flushing a leaving thread's
 * caches, or an application freeing from its own walk callback), so it
 * takes no lock at all: another read lock on the mempool list there
 * deadlocks once a writer (rte_mempool_create_empty) waits. Nor does it
 * read other pools' memory lists, which populate and free change without
 * any lock we could take. A pointer outside DPDK's memory (stack, libc
 * heap, a wild value) is foreign at once (the memseg lists are scanned
 * without a lock). Otherwise it reads the library's object header in
 * front of the pointer and the pool that header names, through the
 * kernel: process_vm_readv() answers EFAULT for unmapped or PROT_NONE
 * memory (a freed pool's pages, a wild pointer) where a load would crash,
 * and refuses device mappings. The header's pool counts only if it is a
 * live mempool: the memzone it records points back at it under the name
 * the library gives it. Cost: three system calls per refused pointer,
 * whatever the number of pools. Where the system call is not allowed
 * (seccomp), every such pointer is reported as foreign.
 */

static int
nta_peek(const void *addr, void *buf, size_t len)
{
	struct iovec dst = { .iov_base = buf, .iov_len = len };
	struct iovec src = { .iov_base = (void *)(uintptr_t)addr,
			     .iov_len = len };

	return process_vm_readv(getpid(), &dst, 1, &src, 1, 0) ==
		(ssize_t)len ? 0 : -1;
}

enum rte_mempool_nta_bad_kind
nta_classify_foreign(const struct nta_pool *p, const void *obj)
{
	struct rte_mempool_objhdr hdr;
	struct rte_mempool other;
	struct rte_memzone mz;
	char name[RTE_MEMZONE_NAMESIZE];

	if ((uintptr_t)obj < sizeof(hdr) ||
	    rte_mem_virt2memseg_list(obj) == NULL ||
	    nta_peek(RTE_PTR_SUB(obj, sizeof(hdr)), &hdr, sizeof(hdr)) < 0 ||
	    hdr.mp == NULL || hdr.mp == p->mp ||
	    nta_peek(hdr.mp, &other, sizeof(other)) < 0 ||
	    memchr(other.name, '\0', sizeof(other.name)) == NULL ||
	    other.mz == NULL ||
	    nta_peek(other.mz, &mz, sizeof(mz)) < 0 ||
	    mz.addr != (void *)hdr.mp)
		return RTE_MEMPOOL_NTA_BAD_FOREIGN;
	snprintf(name, sizeof(name), RTE_MEMPOOL_MZ_FORMAT, other.name);
	if (strncmp(name, mz.name, sizeof(name)) != 0)
		return RTE_MEMPOOL_NTA_BAD_FOREIGN;
	return RTE_MEMPOOL_NTA_BAD_OTHER_POOL;
}
