/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The pool lock and the identity of processes.
 *
 * The lock is a process-shared robust mutex: a thread preempted while
 * holding it puts the waiters to sleep instead of making them spin, and a
 * process that dies holding it does not block the others. Each lcore part
 * and each locked slot records the pid of the process that runs it, so
 * that what a process that is gone held can be taken back (nta_lcore.c,
 * nta_unreg.c).
 */

#include <errno.h>
#include <unistd.h>

#include <rte_pause.h>

#include "nta_private.h"

/* Objects in an overflow list (its entries but run headers). */
static uint64_t
nta_ovf_count_locked(const struct nta_lcore *lc)
{
	const struct nta_mag *m;
	uint64_t n = 0;
	uint32_t i;

	for (m = lc->ovf; m != NULL; m = m->next)
		for (i = 0; i < m->n; i++)
			n += !nta_is_hdr((uintptr_t)m->obj[i]);
	return n;
}

/* After a process died holding the lock: nb_dead from the live flags, and
 * each overflow list's count from the list (a holder killed between an
 * entry and its count, or leaving a copy, left it wrong).
 */
static void
nta_recount_locked(struct nta_pool *p)
{
	unsigned int i, n = 0;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		struct nta_lcore *lc = &p->lc[i];

		if (lc->lane_to != NULL &&
		    !__atomic_load_n(&lc->live, __ATOMIC_RELAXED))
			n++;
		/* relaxed: read as a hint without the lock */
		__atomic_store_n(&lc->ovf_n, nta_ovf_count_locked(lc),
				 __ATOMIC_RELAXED);
	}
	p->nb_dead = n;
}

/* Tries before a waiter sleeps: a holder keeps the lock for one O(1)
 * trade with the depot (well under a microsecond), while a sleep costs
 * the waiter a system call and the holder another one to wake it. The
 * 95 pauses between them take about 1.5 us on AMD Zen 4, 3 to 5 us on
 * Intel cores since Skylake (a longer pause).
 */
#define NTA_LOCK_TRIES 8u

void
nta_lock(struct nta_pool *p)
{
	unsigned int i, j;
	int ret;

	/* a short spin, backed off, before the futex: glibc has no
	 * adaptive kind of a robust, process-shared mutex
	 */
	for (i = 0; i < NTA_LOCK_TRIES; i++) {
		ret = pthread_mutex_trylock(&p->lock);
		if (likely(ret == 0 || ret == EOWNERDEAD))
			break;
		if (ret != EBUSY || i == NTA_LOCK_TRIES - 1) {
			/* held all along, or an error: the blocking lock
			 * (which reports an error as it always did)
			 */
			ret = pthread_mutex_lock(&p->lock);
			break;
		}
		for (j = 0; j < 1u << RTE_MIN(i, 5u); j++)
			rte_pause();
	}
	if (unlikely(ret == EOWNERDEAD)) {
		/* What the dead holder was doing under the lock is lost
		 * with it; the audit tells whether anything was hurt.
		 */
		NTA_LOG(ERR, "pool %s: a process died holding the pool lock",
			p->mp->name);
		pthread_mutex_consistent(&p->lock);
		nta_recount_locked(p);
	}
}

void
nta_unlock(struct nta_pool *p)
{
	pthread_mutex_unlock(&p->lock);
}

/* Is the pool lock held (by anyone: a robust mutex does not tell who
 * without glibc internals)? For RTE_ASSERT in the _locked functions only:
 * it takes the lock when it is free, and gives it back at once.
 */
int
nta_lock_held(struct nta_pool *p)
{
	int ret = pthread_mutex_trylock(&p->lock);

	if (ret == EBUSY)
		return 1;
	if (ret == EOWNERDEAD)
		pthread_mutex_consistent(&p->lock);
	if (ret == 0 || ret == EOWNERDEAD)
		pthread_mutex_unlock(&p->lock);
	return 0;
}

/* This process's id, recorded with each lcore part and locked slot so
 * that what a process that is gone held can be taken back. Cached: the
 * slot lock of unregistered threads needs it on every call, and glibc's
 * getpid() is a system call. A forked child forgets the parent's.
 */
int32_t nta_pid_cached;
/* pids are kept in int32_t (lcore parts, slot holders) */
static_assert(sizeof(pid_t) <= sizeof(int32_t), "a pid must fit in int32_t");

static void
nta_pid_forget(void)
{
	nta_pid_cached = 0;
}

int32_t
nta_self_pid(void)
{
	if (unlikely(nta_pid_cached == 0))
		nta_pid_cached = getpid();
	return nta_pid_cached;
}

RTE_INIT(nta_pid_init)
{
	pthread_atfork(NULL, NULL, nta_pid_forget);
}
