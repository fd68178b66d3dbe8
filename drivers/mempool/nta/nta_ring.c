/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Remote-free ring: many lcores push objects freed away from their home,
 * the home lcore alone pops them. Producers reserve slots with one CAS per
 * batch and fill them; a slot is published by storing a non-NULL pointer.
 * The consumer takes slots in order and stops at the first NULL one: a
 * producer preempted between reserve and fill holds back its own objects
 * and those queued behind them until it resumes, but nobody spins on it;
 * the consumer returns what it has and the caller moves on (to the depot).
 * A producer process that dies mid-push leaves that hole for good: the
 * objects behind it stay counted as free but cannot be taken back.
 */

#include "nta_private.h"

size_t
nta_ring_memsize(uint32_t size)
{
	return sizeof(struct nta_ring) + (size_t)size * sizeof(void *);
}

void
nta_ring_init(struct nta_ring *r, uint32_t size)
{
	memset(r, 0, nta_ring_memsize(size));
	r->mask = size - 1;
}

unsigned int
nta_ring_push(struct nta_ring *r, void * const *objs, unsigned int n)
{
	uint32_t head, cons, room, k, i;

	head = __atomic_load_n(&r->prod_head, __ATOMIC_RELAXED);
	do {
		/* acquire: pairs with the release of cons_tail in
		 * nta_ring_pop(); the slots below it have been emptied
		 * (set to NULL) and may be filled again.
		 */
		cons = __atomic_load_n(&r->cons_tail, __ATOMIC_ACQUIRE);
		room = r->mask + 1 - (head - cons);
		k = RTE_MIN(n, room);
		if (k == 0)
			return 0;
	} while (!__atomic_compare_exchange_n(&r->prod_head, &head, head + k,
					      1, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));

	for (i = 0; i < k; i++)
		/* release: publishes the object's REMOTE state (set by the
		 * CAS in the free path) to the consumer's acquire load.
		 */
		__atomic_store_n(&r->slot[(head + i) & r->mask], objs[i],
				 __ATOMIC_RELEASE);
	return k;
}

unsigned int
nta_ring_pop(struct nta_ring *r, void **out, unsigned int max)
{
	uint32_t pos = __atomic_load_n(&r->cons_tail, __ATOMIC_RELAXED);
	unsigned int k = 0;

	while (k < max) {
		void **slot = &r->slot[pos & r->mask];
		/* acquire: pairs with the producer's release store above */
		void *obj = __atomic_load_n(slot, __ATOMIC_ACQUIRE);

		if (obj == NULL)
			break;
		__atomic_store_n(slot, NULL, __ATOMIC_RELAXED);
		out[k++] = obj;
		pos++;
	}
	if (k != 0)
		/* release: the emptied slots go back to the producers */
		__atomic_store_n(&r->cons_tail, pos, __ATOMIC_RELEASE);
	return k;
}
