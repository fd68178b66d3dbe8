/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Free objects kept for unregistered threads (rte_lcore_id() ==
 * LCORE_ID_ANY). Such a thread has no store of its own and no mempool
 * cache, so without help each of its gets and puts would take the pool
 * lock, and with several of them on few cores most of the time went to
 * the kernel (futex waits and wake-ups). A few shared slots serve them
 * instead: stores like an lcore's, each behind a try-lock. A thread takes
 * the first free slot from a start picked by its thread id; a slot held by
 * a preempted thread is skipped, never waited for; when every slot is busy
 * the thread uses the depot. What the slots hold, at most two magazines
 * each, counts as free, and goes back to the depot when a dequeue would
 * otherwise fail.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "nta_private.h"

/* nta_unreg_start() draws the start from the hash's top three bits: more
 * slots would never be a start, a count not a power of two favours some
 */
static_assert(NTA_IS_POW2(NTA_UNREG_SLOTS) && NTA_UNREG_SLOTS <= 8,
	      "NTA_UNREG_SLOTS must be a power of two, at most 8");

static unsigned int
nta_unreg_start(void)
{
	/* thread descriptors sit a stack apart: mix the bits */
	uint64_t h = (uint64_t)(uintptr_t)pthread_self() *
		0x9e3779b97f4a7c15ull;

	return (unsigned int)(h >> 61) % NTA_UNREG_SLOTS;
}

static int
nta_unreg_trylock(struct nta_unreg_slot *s)
{
	/* acquire: pairs with the release in nta_unreg_unlock(); what the
	 * last holder put in the slot is visible
	 */
	int32_t free_ = 0;

	if (__atomic_load_n(&s->holder, __ATOMIC_RELAXED) != 0)
		return 0;
	return __atomic_compare_exchange_n(&s->holder, &free_, nta_self_pid(),
					   0, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

struct nta_unreg_slot *
nta_unreg_lock(struct nta_pool *p)
{
	unsigned int i, start = nta_unreg_start();

	for (i = 0; i < NTA_UNREG_SLOTS; i++) {
		struct nta_unreg_slot *s = &p->unreg[(start + i) % NTA_UNREG_SLOTS];

		if (nta_unreg_trylock(s))
			return s;
	}
	return NULL;
}

void
nta_unreg_unlock(struct nta_unreg_slot *s)
{
	/* release: publishes the slot's content to its next holder */
	__atomic_store_n(&s->holder, 0, __ATOMIC_RELEASE);
}

/* A slot locked by a process that is gone: take the lock over. The dead
 * holder may have been anywhere in a push or a pop: what its store holds
 * is free, whatever the words say (see nta_store_push()).
 */
static int
nta_unreg_take_over(struct nta_pool *p, struct nta_unreg_slot *s)
{
	int32_t pid = __atomic_load_n(&s->holder, __ATOMIC_RELAXED);

	if (pid == 0 || pid == nta_self_pid() || kill(pid, 0) == 0 || errno != ESRCH)
		return 0;
	/* acquire: as in nta_unreg_trylock() (what the dead holder wrote) */
	if (!__atomic_compare_exchange_n(&s->holder, &pid, nta_self_pid(), 0,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (s->s.cap != 0) {
		nta_lock(p);
		nta_store_mark_free(p, &s->s);
		nta_unlock(p);
	}
	return 1;
}

/* Give everything the slots hold back to the depot (a slot held by
 * another thread right now keeps its objects). Never called with the
 * pool lock held.
 */
unsigned int
nta_unreg_reclaim(struct nta_pool *p)
{
	unsigned int i, k = 0;

	for (i = 0; i < NTA_UNREG_SLOTS; i++) {
		struct nta_unreg_slot *s = &p->unreg[i];
		unsigned int held;

		if (nta_store_count(&s->s) == 0 ||
		    (!nta_unreg_trylock(s) && !nta_unreg_take_over(p, s)))
			continue;
		held = nta_store_count(&s->s);
		nta_lock(p);
		nta_store_detach_locked(p, &s->s);
		nta_unlock(p);
		k += held;
		nta_unreg_unlock(s);
	}
	if (k != 0)
		__atomic_fetch_add(&p->unreg_cnt.depot_puts, k, __ATOMIC_RELAXED);
	return k;
}

uint64_t
nta_unreg_count(const struct nta_pool *p)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < NTA_UNREG_SLOTS; i++)
		sum += nta_store_count(&p->unreg[i].s);
	return sum;
}
