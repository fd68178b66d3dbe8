/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Free objects kept for unregistered threads (rte_lcore_id() ==
 * LCORE_ID_ANY). Such a thread has no LIFO of its own and no mempool
 * cache, so without help each of its gets and puts would take the depot's
 * lock, and with several of them on few cores most of the time went to
 * the kernel (futex waits and wake-ups). A few shared slots serve them
 * instead: small LIFOs, each behind a try-lock. A thread takes the first
 * free slot from a start picked by its thread id; a slot held by a
 * preempted thread is skipped, never waited for; when every slot is busy
 * the thread uses the depot, as before. What the slots hold, at most
 * NTA_ANY_SLOTS * any_cap objects, counts as free, and goes back to the
 * depot when a dequeue would otherwise fail.
 */

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "nta_private.h"

static unsigned int
nta_any_start(void)
{
	/* thread descriptors sit a stack apart: mix the bits */
	uint64_t h = (uint64_t)(uintptr_t)pthread_self() *
		0x9e3779b97f4a7c15ull;

	return (unsigned int)(h >> 61) % NTA_ANY_SLOTS;
}

struct nta_any_slot *
nta_any_lock(struct nta_pool *p)
{
	unsigned int i, start = nta_any_start();

	for (i = 0; i < NTA_ANY_SLOTS; i++) {
		struct nta_any_slot *s = &p->any[(start + i) % NTA_ANY_SLOTS];

		/* acquire: pairs with the release in nta_any_unlock(); what
		 * the last holder put in the slot is visible
		 */
		if (__atomic_load_n(&s->lock, __ATOMIC_RELAXED) == 0 &&
		    __atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE) == 0)
			return s;
	}
	return NULL;
}

void
nta_any_unlock(struct nta_any_slot *s)
{
	/* release: publishes the slot's content to its next holder */
	__atomic_store_n(&s->lock, 0, __ATOMIC_RELEASE);
}

/* Hand out the n newest objects of a slot holding at least n. */
void
nta_any_take(struct nta_any_slot *s, void **objs, unsigned int n)
{
	unsigned int i, len = s->len;

	for (i = 0; i < n; i++) {
		--len;
		objs[i] = s->obj[len];
		__atomic_store_n(s->st[len], NTA_ST_USED_ANY, __ATOMIC_RELAXED);
	}
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
}

/* Fill the slot to at least n objects from the depot (what is missing
 * plus half a slot). Returns 0, or -ENOBUFS with the slot unchanged.
 */
int
nta_any_refill(struct nta_pool *p, struct nta_any_slot *s, unsigned int n)
{
	unsigned int len = s->len, need = n - len, got, i;
	unsigned int want = RTE_MIN(p->any_cap - len, need + p->any_cap / 2);

	got = nta_depot_take(p, s->obj + len, need, want, NTA_ST_LOCAL);
	if (got == 0)
		return -ENOBUFS;
	for (i = len; i < len + got; i++) {
		const struct nta_arena *a = nta_dir_find(p, (uintptr_t)s->obj[i]);

		s->st[i] = (uint8_t *)(uintptr_t)&a->state[
			nta_arena_slot(p, a, (uintptr_t)s->obj[i])];
	}
	__atomic_store_n(&s->len, len + got, __ATOMIC_RELAXED);
	__atomic_fetch_add(&p->any_cnt.depot_gets, got, __ATOMIC_RELAXED);
	return 0;
}

/* Move the oldest objects of the slot to the depot, keeping `keep`. */
unsigned int
nta_any_spill(struct nta_pool *p, struct nta_any_slot *s, unsigned int keep)
{
	unsigned int out;

	if (s->len <= keep)
		return 0;
	out = s->len - keep;
	nta_depot_put(p, s->obj, out, NTA_ST_LOCAL, &p->any_cnt);
	memmove(s->obj, s->obj + out, keep * sizeof(s->obj[0]));
	memmove(s->st, s->st + out, keep * sizeof(s->st[0]));
	__atomic_store_n(&s->len, keep, __ATOMIC_RELAXED);
	__atomic_fetch_add(&p->any_cnt.depot_puts, out, __ATOMIC_RELAXED);
	return out;
}

/* Give everything the free slots hold back to the depot (a slot held by
 * another thread right now keeps its objects). Never called with the
 * depot lock held: spilling takes it.
 */
unsigned int
nta_any_reclaim(struct nta_pool *p)
{
	unsigned int i, k = 0;

	for (i = 0; i < NTA_ANY_SLOTS; i++) {
		struct nta_any_slot *s = &p->any[i];

		if (__atomic_load_n(&s->len, __ATOMIC_RELAXED) == 0 ||
		    __atomic_exchange_n(&s->lock, 1, __ATOMIC_ACQUIRE) != 0)
			continue;
		k += nta_any_spill(p, s, 0);
		nta_any_unlock(s);
	}
	return k;
}

/* After a depot take of `need` objects failed: take back what the slots
 * hold, and say whether a second try can succeed. The depot count, not
 * what this call moved, decides: another thread's reclaim may have moved
 * the same objects a moment earlier.
 */
int
nta_any_reclaim_for(struct nta_pool *p, uint64_t need)
{
	nta_any_reclaim(p);
	return __atomic_load_n(&p->depot_count, __ATOMIC_RELAXED) >= need;
}

uint64_t
nta_any_count(const struct nta_pool *p)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < NTA_ANY_SLOTS; i++)
		sum += __atomic_load_n(&p->any[i].len, __ATOMIC_RELAXED);
	return sum;
}
