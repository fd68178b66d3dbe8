/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * An object's word and home byte the long way: through the directory,
 * for the paths that miss the lookup cache (nta_lookup()) or have none
 * (lock holders, other processes, the audit). The fast paths inline the
 * cache hit (nta_word_of()) and come here for the rest.
 */

#include "nta_private.h"

/* Word of obj the long way (directory; makes its arena the hot one). */
nta_word_t *
nta_word_slow(const struct nta_pool *p, struct nta_lcore *lc, const void *obj,
	      uint8_t **home)
{
	const struct nta_arena *a;
	int64_t idx;

	a = lc != NULL ? nta_lookup(p, lc, (uintptr_t)obj) :
		nta_dir_find(p, (uintptr_t)obj);
	idx = a != NULL ? nta_arena_slot(p, a, (uintptr_t)obj) : -1;
	if (idx < 0)
		return NULL;
	if (home != NULL)
		*home = a->home + idx;
	return (nta_word_t *)(uintptr_t)&a->state[idx];
}
