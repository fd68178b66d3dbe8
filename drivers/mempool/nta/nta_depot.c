/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Magazines and the depot.
 *
 * The depot keeps the magazines that no store holds: full ones, empty
 * ones, and at most one partly filled. Stores trade whole magazines with
 * it (a full one for an empty one, or the reverse): O(1) under the lock,
 * whatever the magazine size. Every store holds exactly two magazines,
 * and the depot owns at least ceil(populated / M) + 1, so while it has at
 * most one partial magazine it always has an empty one for a store that
 * gives back a full one: were none empty, it would hold more objects than
 * the pool has. It owns one more per lcore that has used the pool, which
 * it lends to overflow lists when memory runs out (nta_lane.c).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_malloc.h>

#include "nta_private.h"

/* Zeroed driver memory that lives as long as the pool (under the lock),
 * cache-line aligned: the chunk header takes the first line. type names
 * it in rte_malloc's statistics (and to the tests' failure injection).
 */
static_assert(sizeof(struct nta_chunk) <= RTE_CACHE_LINE_SIZE,
	      "a chunk header must fit the line in front of the memory");
void *
nta_chunk_alloc(struct nta_pool *p, size_t size, const char *type)
{
	struct nta_chunk *c;

	size += RTE_CACHE_LINE_SIZE;
	c = rte_zmalloc_socket(type, size, RTE_CACHE_LINE_SIZE,
			       p->mp->socket_id);
	if (c == NULL)
		return NULL;
	c->size = size;
	c->next = p->chunks;
	p->chunks = c;
	__atomic_store_n(&p->meta_bytes, p->meta_bytes + size,
			 __ATOMIC_RELAXED);
	return RTE_PTR_ADD(c, RTE_CACHE_LINE_SIZE);
}

void
nta_chunks_free(struct nta_pool *p)
{
	while (p->chunks != NULL) {
		struct nta_chunk *c = p->chunks;

		p->chunks = c->next;
		rte_free(c);
	}
}

/* A new empty magazine (under the lock). */
struct nta_mag *
nta_mag_new(struct nta_pool *p)
{
	struct nta_mag *m = nta_chunk_alloc(p, sizeof(*m) +
					    (size_t)p->mag_size * sizeof(void *),
					    "nta_mag");

	if (m == NULL)
		return NULL;
	m->obj = RTE_PTR_ADD(m, sizeof(*m));
	return m;
}

static inline void
nta_mag_list_push(struct nta_mag **list, struct nta_mag *m)
{
	m->next = *list;
	*list = m;
}

static inline struct nta_mag *
nta_mag_list_pop(struct nta_mag **list)
{
	struct nta_mag *m = *list;

	if (m != NULL)
		*list = m->next;
	return m;
}

/* The partial magazine is a list of one: its link must end there. */
static inline void
nta_depot_set_part(struct nta_depot *d, struct nta_mag *m)
{
	m->next = NULL;
	m->filer = NTA_OWN_FREE; /* objects of anyone will be added */
	m->gen++; /* its objects change from here on */
	d->part = m;
}

static inline void
nta_depot_count_add(struct nta_pool *p, int64_t v)
{
	/* relaxed: get_count reads it without the lock */
	__atomic_store_n(&p->depot.count, p->depot.count + v,
			 __ATOMIC_RELAXED);
}

/* Move the k newest objects of src to the end of dst. */
static void
nta_mag_move(struct nta_mag *dst, struct nta_mag *src, uint32_t k)
{
	RTE_ASSERT(k <= src->n);
	src->n -= k;
	memcpy(dst->obj + dst->n, src->obj + src->n, k * sizeof(void *));
	dst->n += k;
}

/* Give a magazine (any fill) to the depot, keeping one partial at most. */
void
nta_depot_file_locked(struct nta_pool *p, struct nta_mag *m)
{
	struct nta_depot *d = &p->depot;

	RTE_ASSERT(nta_lock_held(p) && m->n <= p->mag_size);
	/* a new filing: what any way of a store recorded of m before is of
	 * another content (a store's own way takes the new gen)
	 */
	m->gen++;
	d->nb_mags++;
	nta_depot_count_add(p, m->n);
	if (m->n != 0 && m->n != p->mag_size && d->part != NULL) {
		nta_mag_move(d->part, m, RTE_MIN(m->n, p->mag_size - d->part->n));
		if (d->part->n == p->mag_size)
			nta_mag_list_push(&d->full, nta_mag_list_pop(&d->part));
	}
	if (m->n == 0)
		nta_mag_list_push(&d->empty, m);
	else if (m->n == p->mag_size)
		nta_mag_list_push(&d->full, m);
	else
		nta_depot_set_part(d, m); /* the old one just filled up */
}

/* m has left the depot's lists for a store or an overflow list. */
static inline void
nta_depot_out(struct nta_pool *p, struct nta_mag *m)
{
	p->depot.nb_mags--;
	nta_depot_count_add(p, -(int64_t)m->n);
	/* a filer is only ever the owner code of the store that filed m
	 * full, its objects unchanged since but for takes
	 * (nta_store_make_room()); the slots of unregistered threads share
	 * one code, and m->gen tells their filings apart
	 */
	m->filer = NTA_OWN_FREE;
}

/* Take a magazine from the depot: the fullest one (full set), or an
 * empty one. NULL when there is none of that kind.
 */
struct nta_mag *
nta_depot_get_locked(struct nta_pool *p, int full)
{
	struct nta_depot *d = &p->depot;
	struct nta_mag *m;

	RTE_ASSERT(nta_lock_held(p));
	if (full) {
		m = nta_mag_list_pop(&d->full);
		if (m == NULL)
			m = nta_mag_list_pop(&d->part);
	} else {
		m = nta_mag_list_pop(&d->empty);
	}
	if (m != NULL)
		nta_depot_out(p, m);
	return m;
}

/*
 * A full magazine for a store of owner code filer (nta_store_owner()):
 * one a store of that owner filed if there is one among the
 * NTA_DEPOT_AFFINITY newest (*own set), else the fullest (*own cleared). Objects then stay with the lcore
 * that freed them, and the lines of their words with its core: two
 * lcores trading through the depot would otherwise write words on the
 * same lines at every hand-out and free (a working set bigger than the
 * store, on each lcore); and the store need not adopt what it filed.
 */
struct nta_mag *
nta_depot_get_full_locked(struct nta_pool *p, uint32_t filer, int *own)
{
	struct nta_mag **pm = &p->depot.full, *m;
	unsigned int i;

	RTE_ASSERT(nta_lock_held(p) && filer != NTA_OWN_FREE);
	for (i = 0; i < NTA_DEPOT_AFFINITY && *pm != NULL;
	     i++, pm = &(*pm)->next) {
		m = *pm;
		if (m->filer != filer)
			continue;
		*pm = m->next; /* out of the list (loses, at worst) */
		nta_depot_out(p, m);
		*own = 1;
		return m;
	}
	*own = 0;
	return nta_depot_get_locked(p, 1);
}

/* An empty magazine out of the depot, for a store or the depot's own
 * partial one: the depot's, else a new one, else one the overflow lists
 * give back when repacked (out of memory: the depot lent them its empty
 * ones). NULL: none.
 */
struct nta_mag *
nta_depot_get_empty_locked(struct nta_pool *p)
{
	struct nta_mag *m = nta_depot_get_locked(p, 0);

	if (likely(m != NULL))
		return m;
	m = nta_mag_new(p);
	if (m != NULL)
		return m;
	nta_depot_reclaim_locked(p, RTE_MAX_LCORE);
	return nta_depot_get_locked(p, 0);
}

/* Loose free objects (their words already FREE) into the depot. */
void
nta_depot_put_locked(struct nta_pool *p, void * const *objs, unsigned int n)
{
	struct nta_depot *d = &p->depot;

	RTE_ASSERT(nta_lock_held(p));
	while (n != 0) {
		struct nta_mag *m = d->part;
		uint32_t k;

		if (m == NULL) {
			m = nta_depot_get_empty_locked(p);
			if (unlikely(m == NULL)) {
				NTA_LOG(CRIT, "pool %s: no memory for a magazine: %u objects lost",
					p->mp->name, n);
				return;
			}
			d->nb_mags++; /* in the depot again, its partial one */
			nta_depot_set_part(d, m);
		}
		k = RTE_MIN(n, p->mag_size - m->n);
		memcpy(m->obj + m->n, objs, k * sizeof(void *));
		m->n += k;
		objs += k;
		n -= k;
		nta_depot_count_add(p, k);
		if (m->n == p->mag_size)
			nta_mag_list_push(&d->full, nta_mag_list_pop(&d->part));
	}
}

/* Copy up to n loose objects out of the depot (partial magazine first). */
unsigned int
nta_depot_take_locked(struct nta_pool *p, void **objs, unsigned int n)
{
	struct nta_depot *d = &p->depot;
	unsigned int got = 0;

	RTE_ASSERT(nta_lock_held(p));
	while (got < n) {
		struct nta_mag *m = d->part != NULL ? d->part : d->full;
		uint32_t k;

		if (m == NULL)
			break;
		k = RTE_MIN(n - got, m->n);
		m->n -= k;
		memcpy(objs + got, m->obj + m->n, k * sizeof(void *));
		got += k;
		nta_depot_count_add(p, -(int64_t)k);
		if (m == d->part) {
			if (m->n == 0)
				nta_mag_list_push(&d->empty,
						  nta_mag_list_pop(&d->part));
		} else {
			nta_mag_list_pop(&d->full);
			if (m->n == 0) {
				m->filer = NTA_OWN_FREE; /* only full ones */
				nta_mag_list_push(&d->empty, m);
			} else
				nta_depot_set_part(d, m);
		}
	}
	return got;
}

/* Lcores that have used the pool: each may be the home of an overflow
 * list (under the lock).
 */
static uint32_t
nta_homes_locked(const struct nta_pool *p)
{
	uint32_t i, n = 0;

	for (i = 0; i < RTE_MAX_LCORE; i++)
		n += p->lc[i].lane_to != NULL;
	return n;
}

/* Give the depot the magazines the counting argument asks for, for a
 * pool of `objects` and the lcores that have used it so far: done before
 * objects are added (and at each lcore's first use), so that adding them
 * cannot fail. One magazine per M objects and one more, and one per lcore
 * for the partly filled overflow magazine it may be home to (nta_ovf.c).
 * Only what the count grew by is added, less what the depot has beyond
 * the count already: it may have lent magazines to overflow lists, and
 * stores give theirs back when they leave.
 */
int
nta_depot_reserve_locked(struct nta_pool *p, uint64_t objects)
{
	struct nta_depot *d = &p->depot;
	uint32_t want = (uint32_t)((objects + p->mag_size - 1) /
				   p->mag_size) + 1 + nta_homes_locked(p);
	size_t one = RTE_ALIGN_CEIL(sizeof(struct nta_mag) +
				    (size_t)p->mag_size * sizeof(void *),
				    sizeof(void *));
	/* magazines the depot has beyond what it must keep serve first */
	uint32_t spare = d->nb_mags > d->min_mags ? d->nb_mags - d->min_mags : 0;
	uint8_t *c;
	uint32_t i;

	RTE_ASSERT(nta_lock_held(p));
	if (want <= d->min_mags + spare) {
		d->min_mags = RTE_MAX(d->min_mags, want);
		return 0;
	}
	/* in one allocation: a chunk header per magazine would add a few
	 * percent to the 8 bytes per object they cost
	 */
	c = nta_chunk_alloc(p, one * (want - d->min_mags - spare),
			    "nta_mags");
	if (c == NULL)
		return -ENOMEM;
	for (i = d->min_mags + spare; i < want; i++, c += one) {
		struct nta_mag *m = (struct nta_mag *)c;

		m->obj = RTE_PTR_ADD(m, sizeof(*m));
		nta_depot_file_locked(p, m);
	}
	d->min_mags = want;
	return 0;
}

/* A magazine an overflow list no longer needs: back to the depot while it
 * has lent some (nta_ovf.c), else kept for overflow lists.
 */
void
nta_ovf_release_locked(struct nta_pool *p, struct nta_mag *m)
{
	RTE_ASSERT(nta_lock_held(p));
	if (p->depot.nb_mags < p->depot.min_mags) {
		m->n = 0;
		nta_depot_file_locked(p, m);
	} else {
		m->next = p->ovf_free;
		p->ovf_free = m;
	}
}

/*
 * The depot needs an empty magazine, has none, and the heap has no memory:
 * its empty ones are lent to overflow lists. Repack every list
 * (nta_ovf.c), and drop copies as well if that gives none back. Returns
 * the epoch home's list was judged at (home RTE_MAX_LCORE: none).
 */
uint64_t
nta_depot_reclaim_locked(struct nta_pool *p, unsigned int home)
{
	struct nta_depot *d = &p->depot;
	uint64_t T = 0, t;
	unsigned int h;
	int dedupe;

	RTE_ASSERT(nta_lock_held(p) && home <= RTE_MAX_LCORE);
	for (dedupe = 0; dedupe < 2; dedupe++) {
		for (h = 0; h < RTE_MAX_LCORE; h++) {
			if (h != home && p->lc[h].ovf == NULL)
				continue;
			t = nta_ovf_repack_locked(p, h, dedupe);
			if (h == home)
				T = t;
		}
		/* what the lists gave back, and spares a holder killed
		 * before it could file them left
		 */
		while (d->nb_mags < d->min_mags && p->ovf_free != NULL) {
			struct nta_mag *m = nta_mag_list_pop(&p->ovf_free);

			m->n = 0;
			nta_depot_file_locked(p, m);
		}
		if (d->empty != NULL)
			break;
	}
	return T;
}

/* ---- contiguous blocks ---- */

/*
 * rte_mempool_get_contig_blocks(): blocks of `contig` adjacent objects,
 * all in the depot. Rare, so plainly done: every depot object is marked
 * in a scratch map, blocks are picked from the map, and the depot is
 * packed again without them.
 */
struct nta_blocks {
	uint64_t *map;    /* bit per object: in the depot */
	uint64_t *base;   /* first bit of each arena */
};

static uint64_t
nta_blocks_bit(const struct nta_pool *p, const struct nta_blocks *b,
	       const void *obj)
{
	const struct nta_arena *a = nta_dir_find(p, (uintptr_t)obj);

	return b->base[a->index] + (uint64_t)nta_arena_slot(p, a,
							    (uintptr_t)obj);
}

static int
nta_blocks_test(const struct nta_blocks *b, uint64_t i)
{
	return (b->map[i >> 6] >> (i & 63)) & 1;
}

static void
nta_blocks_mark(const struct nta_pool *p, struct nta_blocks *b,
		const struct nta_mag *m)
{
	uint32_t i;

	for (; m != NULL; m = m->next)
		for (i = 0; i < m->n; i++) {
			uint64_t bit = nta_blocks_bit(p, b, m->obj[i]);

			b->map[bit >> 6] |= UINT64_C(1) << (bit & 63);
		}
}

/* Block at slot i of a: b objects, in the depot, adjacent in memory? */
static int
nta_block_fits(const struct nta_pool *p, const struct nta_blocks *bl,
	       const struct nta_arena *a, uint32_t i, uint32_t b)
{
	uint32_t j;

	if ((uintptr_t)nta_slot_obj(p, a, i + b - 1) -
	    (uintptr_t)nta_slot_obj(p, a, i) !=
	    (uintptr_t)(b - 1) * p->lay.elt_total)
		return 0;
	for (j = 0; j < b; j++)
		if (!nta_blocks_test(bl, bl->base[a->index] + i + j))
			return 0;
	return 1;
}

/* Find up to n blocks; with take, clear their bits and mark their
 * objects USED(owner) from epoch e. Blocks are disjoint, so counting
 * needs no marks.
 */
static unsigned int
nta_blocks_pick(struct nta_pool *p, struct nta_blocks *bl, void **first,
		unsigned int n, uint32_t owner, uint64_t e, int take)
{
	uint32_t b = p->lay.contig, ai, i, j;
	unsigned int k = 0;

	for (ai = 0; ai < p->nb_arenas && k < n; ai++) {
		struct nta_arena *a = p->arenas[ai];

		for (i = 0; i + b <= a->nb && k < n; i += b) {
			if (!nta_block_fits(p, bl, a, i, b))
				continue;
			for (j = 0; take && j < b; j++) {
				uint64_t bit = bl->base[ai] + i + j;

				bl->map[bit >> 6] &= ~(UINT64_C(1) << (bit & 63));
				nta_word_store(&a->state[i + j],
					       nta_word_used(owner, e));
				nta_home_set(&a->home[i + j], owner);
			}
			if (take)
				first[k] = nta_slot_obj(p, a, i);
			k++;
		}
	}
	return k;
}

/* Drop from the depot's magazines the objects whose bit was cleared. */
static void
nta_blocks_repack(struct nta_pool *p, const struct nta_blocks *bl)
{
	struct nta_depot *d = &p->depot;
	struct nta_mag *all = NULL, *m;
	void *obj[64];
	unsigned int k = 0;

	while ((m = nta_depot_get_locked(p, 1)) != NULL)
		nta_mag_list_push(&all, m);
	while ((m = nta_mag_list_pop(&all)) != NULL) {
		uint32_t i;

		for (i = 0; i < m->n; i++) {
			if (!nta_blocks_test(bl, nta_blocks_bit(p, bl, m->obj[i])))
				continue;
			obj[k++] = m->obj[i];
			if (k == RTE_DIM(obj)) {
				nta_depot_put_locked(p, obj, k);
				k = 0;
			}
		}
		m->n = 0;
		nta_mag_list_push(&d->empty, m);
		d->nb_mags++;
	}
	nta_depot_put_locked(p, obj, k);
}

int
nta_depot_take_blocks(struct nta_pool *p, void **first, unsigned int n,
		      uint32_t owner, uint64_t e)
{
	struct nta_blocks bl = { NULL, NULL };
	uint64_t total = 0;
	uint32_t ai;
	int ret = -ENOBUFS;

	nta_lock(p);
	if (p->depot.count < (uint64_t)n * p->lay.contig)
		goto out;
	bl.base = rte_malloc("nta_blocks", (p->nb_arenas + 1) * sizeof(uint64_t), 0);
	for (ai = 0; bl.base != NULL && ai < p->nb_arenas; ai++) {
		bl.base[ai] = total;
		total += p->arenas[ai]->nb;
	}
	bl.map = rte_zmalloc("nta_blocks", (total + 64) / 64 * sizeof(uint64_t), 0);
	if (bl.base == NULL || bl.map == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	nta_blocks_mark(p, &bl, p->depot.full);
	nta_blocks_mark(p, &bl, p->depot.part);
	/* all or nothing: count first, then take */
	if (nta_blocks_pick(p, &bl, first, n, owner, e, 0) < n)
		goto out;
	nta_blocks_pick(p, &bl, first, n, owner, e, 1);
	nta_blocks_repack(p, &bl);
	ret = 0;
out:
	nta_unlock(p);
	rte_free(bl.map);
	rte_free(bl.base);
	return ret;
}
