/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Pool geometry and memory: how big an arena is, how much memory a number
 * of objects needs, how a populate chunk is cut into arenas, and the
 * directory that maps an address to its arena.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "nta_private.h"

static uint32_t
nta_log2_ceil(uint64_t v)
{
	uint32_t l = 0;

	while ((1ull << l) < v)
		l++;
	return l;
}

/* E = 2^rot * odd: the inverse of odd modulo 2^64 (Newton's iteration,
 * each step doubles the correct low bits: 3, 6, ... 96) for
 * nta_div_exact().
 */
static void
nta_layout_divider(struct nta_layout *lay)
{
	uint64_t odd = lay->elt_total, inv;
	unsigned int i;

	lay->div_rot = (uint32_t)__builtin_ctzll(odd); /* odd != 0 */
	odd >>= lay->div_rot;
	inv = odd;
	for (i = 0; i < 5; i++)
		inv *= 2 - odd * inv;
	lay->div_inv = inv;
}

static uint32_t
nta_auto_lifo(uint32_t size)
{
	return RTE_MAX(8u, RTE_MIN(NTA_MAX_LIFO, size / 16));
}

static uint32_t
nta_auto_ring(uint32_t size)
{
	return rte_align32pow2(RTE_MAX(16u, RTE_MIN(NTA_MAX_RING, size / 8)));
}

int
nta_layout_compute(const struct rte_mempool *mp, struct nta_layout *lay)
{
	const struct rte_mempool_nta_params *prm = mp->pool_config;
	uint64_t a = NTA_DEFAULT_ARENA_SIZE;
	size_t pg_sz = 0;

	memset(lay, 0, sizeof(*lay));
	lay->elt_total = mp->header_size + mp->elt_size + mp->trailer_size;
	lay->hdr_size = mp->header_size;
	if (lay->elt_total == 0 || lay->elt_total >= (1u << 30))
		return -EINVAL;
	if (prm != NULL) {
		if (prm->reserved[0] || prm->reserved[1])
			return -EINVAL;
		if (prm->lookup_ways != 0 &&
		    (!rte_is_power_of_2(prm->lookup_ways) ||
		     prm->lookup_ways > NTA_HOT_WAYS_MAX))
			return -EINVAL;
		if (prm->arena_size != 0) {
			if (!rte_is_power_of_2(prm->arena_size) ||
			    prm->arena_size < 4096 ||
			    prm->arena_size > (1ull << 30))
				return -EINVAL;
			a = prm->arena_size;
		}
		if (prm->ring_size != 0 && (!rte_is_power_of_2(prm->ring_size) ||
					    prm->ring_size > (1u << 20)))
			return -EINVAL;
		if (prm->lifo_size > (1u << 20))
			return -EINVAL;
	}

	/* Objects bigger than an arena: combine pages into a bigger one. */
	while (a < lay->elt_total)
		a <<= 1;
	lay->arena_size = a;
	lay->arena_shift = nta_log2_ceil(a);

	/* Objects that must not cross a page (IOVA-contiguous objects in
	 * memory of small pages) get a grid that restarts at every page.
	 */
	if (rte_mempool_get_page_size((struct rte_mempool *)(uintptr_t)mp,
				      &pg_sz) < 0)
		return -EINVAL;
	lay->page_shift = lay->arena_shift;
	if (pg_sz != 0 && lay->elt_total <= pg_sz && pg_sz < a)
		lay->page_shift = nta_log2_ceil(pg_sz);
	lay->per_page = (uint32_t)((1ull << lay->page_shift) / lay->elt_total);
	lay->lifo_size = (prm && prm->lifo_size) ? prm->lifo_size :
		nta_auto_lifo(mp->size);
	lay->ring_size = (prm && prm->ring_size) ? prm->ring_size :
		nta_auto_ring(mp->size);
	lay->contig = (prm && prm->contig_block_size) ?
		prm->contig_block_size : NTA_DEFAULT_CONTIG;
	lay->hot_ways = prm ? prm->lookup_ways : 0;
	nta_layout_divider(lay);
	return 0;
}

/* The pool's geometry: the copy made at alloc once there is one (the
 * caller's params need not outlive populate, and a secondary process
 * cannot read them), else computed afresh.
 */
int
nta_layout_of(const struct rte_mempool *mp, struct nta_layout *lay)
{
	const struct nta_pool *p = mp->pool_data;

	if ((mp->flags & RTE_MEMPOOL_F_POOL_CREATED) && nta_pool_ok(p)) {
		*lay = p->lay;
		return 0;
	}
	return nta_layout_compute(mp, lay);
}

ssize_t
nta_calc_mem_size(const struct rte_mempool *mp, uint32_t obj_num,
		  uint32_t pg_shift, size_t *min_chunk_size, size_t *align)
{
	struct nta_layout lay;
	uint64_t per, mem;
	int ret;

	ret = nta_layout_of(mp, &lay);
	if (ret < 0)
		return ret;

	*min_chunk_size = lay.elt_total;
	if (pg_shift != 0 && pg_shift < lay.arena_shift &&
	    lay.elt_total <= (1ull << pg_shift)) {
		/* The caller will cut our memory page by page (anonymous
		 * memory): every page is an arena piece of its own.
		 */
		uint64_t pg = 1ull << pg_shift;

		per = pg / lay.elt_total;
		mem = ((uint64_t)obj_num + per - 1) / per * pg;
		*align = pg;
	} else {
		uint64_t rem, page = 1ull << lay.page_shift;

		per = (lay.arena_size >> lay.page_shift) * lay.per_page;
		rem = obj_num % per;
		mem = (uint64_t)(obj_num / per) * lay.arena_size +
			rem / lay.per_page * page +
			rem % lay.per_page * lay.elt_total;
		/* a small pool needs only enough alignment to stay inside
		 * one arena block; asking for more makes contiguous memory
		 * (one-object pools) needlessly hard to find
		 */
		*align = RTE_MIN(lay.arena_size,
				 RTE_MAX((uint64_t)RTE_CACHE_LINE_SIZE,
					 rte_align64pow2(mem)));
		/* a grid that restarts at every page starts at a page */
		if (lay.page_shift < lay.arena_shift)
			*align = RTE_MAX(*align, (size_t)page);
		/* memory aligned to less than an arena (a caller that
		 * ignores our alignment) may lose one slot at each end
		 */
		if (pg_shift != 0 && pg_shift < lay.arena_shift)
			mem += 2ull * lay.elt_total;
	}
	return (ssize_t)mem;
}

/* ---- metadata bump allocator: arena headers of one pool ---- */

/* a block's header takes its first line, the headers follow */
static_assert(sizeof(struct nta_metablock) <= RTE_CACHE_LINE_SIZE,
	      "a metadata block header must fit in one cache line");

static void *
nta_meta_alloc(struct nta_pool *p, size_t size)
{
	struct nta_metablock *b = p->meta;
	size_t bsz;
	void *ptr;

	size = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
	if (b == NULL || b->size - b->used < size) {
		bsz = RTE_MAX(size + RTE_CACHE_LINE_SIZE, (size_t)64 << 10);
		/* a small pool gets a small block, and a big arena one of
		 * its own (the rest of a shared block would be lost)
		 */
		if (p->meta == NULL || size >= ((size_t)8 << 10))
			bsz = size + RTE_CACHE_LINE_SIZE;
		b = rte_zmalloc_socket("nta_meta", bsz, RTE_CACHE_LINE_SIZE,
				       p->mp->socket_id);
		if (b == NULL)
			return NULL;
		b->size = bsz;
		b->used = RTE_CACHE_LINE_SIZE;
		p->meta_bytes += bsz;
		if (p->meta != NULL && bsz == size + RTE_CACHE_LINE_SIZE) {
			/* full at once: keep the shared block in front */
			b->next = p->meta->next;
			p->meta->next = b;
			b->used += size;
			return RTE_PTR_ADD(b, RTE_CACHE_LINE_SIZE);
		}
		b->next = p->meta;
		p->meta = b;
	}
	ptr = RTE_PTR_ADD(b, b->used);
	b->used += size;
	return ptr;
}

void
nta_meta_free_all(struct nta_pool *p)
{
	struct nta_metablock *b, *next;
	struct nta_dir *d, *dnext;

	for (b = p->meta; b != NULL; b = next) {
		next = b->next;
		rte_free(b);
	}
	p->meta = NULL;
	for (d = p->dir; d != NULL; d = dnext) {
		dnext = d->retired;
		rte_free(d);
	}
	p->dir = NULL;
	while (p->flat_old != NULL) {
		struct nta_flat *f = p->flat_old;

		p->flat_old = f->retired;
		rte_free(f);
	}
	p->flat = NULL;
	rte_free(p->arenas);
	p->arenas = NULL;
}

/* ---- directory ---- */

static struct nta_dir *
nta_dir_new(struct nta_pool *p, uint32_t slots)
{
	size_t sz = sizeof(struct nta_dir) + slots * sizeof(struct nta_dir_ent);
	struct nta_dir *d;

	d = rte_zmalloc_socket("nta_dir", sz, RTE_CACHE_LINE_SIZE,
			       p->mp->socket_id);
	if (d == NULL)
		return NULL;
	d->mask = slots - 1;
	p->meta_bytes += sz;
	return d;
}

static void
nta_dir_insert(struct nta_dir *d, uintptr_t key, struct nta_arena *a)
{
	uint32_t h = (uint32_t)(nta_dir_hash(key) >> 32) & d->mask;

	while (d->ent[h].key != 0 && d->ent[h].key != key)
		h = (h + 1) & d->mask;
	if (d->ent[h].key == key) {
		a->next_in_block = d->ent[h].arena;
		/* release: the arena header is complete before it is found */
		__atomic_store_n(&d->ent[h].arena, a, __ATOMIC_RELEASE);
		return;
	}
	d->ent[h].arena = a;
	/* release: pairs with the acquire in nta_dir_find() */
	__atomic_store_n(&d->ent[h].key, key, __ATOMIC_RELEASE);
	d->used++;
}

int
nta_dir_init(struct nta_pool *p, uint32_t expect_arenas)
{
	p->dir = nta_dir_new(p, rte_align32pow2(RTE_MAX(16u,
							expect_arenas * 2)));
	return p->dir == NULL ? -ENOMEM : 0;
}

/* Grow the table to keep it at most half full; old tables stay allocated
 * until the pool is freed, as a reader may still walk them.
 */
static int
nta_dir_reserve(struct nta_pool *p, uint32_t more)
{
	struct nta_dir *old = p->dir, *d;
	uint32_t slots = old->mask + 1, i;

	if ((old->used + more) * 2 <= slots)
		return 0;
	while ((old->used + more) * 2 > slots)
		slots <<= 1;
	d = nta_dir_new(p, slots);
	if (d == NULL)
		return -ENOMEM;
	for (i = 0; i <= old->mask; i++) {
		uint32_t h;

		if (old->ent[i].key == 0)
			continue;
		h = (uint32_t)(nta_dir_hash(old->ent[i].key) >> 32) & d->mask;
		while (d->ent[h].key != 0)
			h = (h + 1) & d->mask;
		d->ent[h] = old->ent[i];
		d->used++;
	}
	d->retired = old;
	/* release: pairs with the acquire in nta_dir_find() */
	__atomic_store_n(&p->dir, d, __ATOMIC_RELEASE);
	return 0;
}

/* Keep the direct map covering every block, while that costs at most
 * four map entries per arena; past that, lookups use the hash only.
 */
static int
nta_flat_update(struct nta_pool *p, uintptr_t key, struct nta_arena *head)
{
	struct nta_flat *old = p->flat, *f;
	uintptr_t lo = key, hi = key;
	uint64_t n;
	size_t sz;

	if (p->flat_off)
		return 0;
	if (old != NULL && key - old->lo < old->n) {
		/* release: the arena is complete before a reader finds it */
		__atomic_store_n(&old->a[key - old->lo], head, __ATOMIC_RELEASE);
		return 0;
	}
	if (old != NULL) {
		lo = RTE_MIN(lo, old->lo);
		hi = RTE_MAX(hi, old->lo + old->n - 1);
	}
	n = hi - lo + 1;
	if (n > 64 && n > 4ull * (p->nb_arenas + 1)) {
		p->flat_off = 1;
		/* release: readers fall back to the (complete) hash */
		__atomic_store_n(&p->flat, NULL, __ATOMIC_RELEASE);
		return 0;
	}
	sz = sizeof(*f) + n * sizeof(f->a[0]);
	f = rte_zmalloc_socket("nta_flat", sz, RTE_CACHE_LINE_SIZE,
			       p->mp->socket_id);
	if (f == NULL) {
		p->flat_off = 1;
		__atomic_store_n(&p->flat, NULL, __ATOMIC_RELEASE);
		return 0;
	}
	p->meta_bytes += sz;
	f->lo = lo;
	f->n = (uint32_t)n;
	if (old != NULL)
		memcpy(&f->a[old->lo - lo], old->a, old->n * sizeof(f->a[0]));
	f->a[key - lo] = head;
	f->retired = p->flat_old;
	p->flat_old = f;
	/* release: pairs with the acquire in nta_dir_find() */
	__atomic_store_n(&p->flat, f, __ATOMIC_RELEASE);
	return 0;
}

static int
nta_arena_table_add(struct nta_pool *p, struct nta_arena *a)
{
	if (p->nb_arenas == p->arenas_cap) {
		uint32_t cap = RTE_MAX(16u, p->arenas_cap * 2);
		struct nta_arena **t;

		t = rte_realloc_socket(p->arenas, cap * sizeof(*t),
				       RTE_CACHE_LINE_SIZE, p->mp->socket_id);
		if (t == NULL)
			return -ENOMEM;
		p->meta_bytes += (cap - p->arenas_cap) * sizeof(*t);
		p->arenas = t;
		p->arenas_cap = cap;
	}
	a->index = p->nb_arenas;
	p->arenas[p->nb_arenas++] = a;
	return 0;
}

/* ---- populate ---- */

/* Where an arena's grid is anchored: at its page when objects must not
 * cross pages (pages are aligned), else at the piece start so that memory
 * of any alignment loses nothing.
 */
static uintptr_t
nta_grid_base(const struct nta_layout *l, uintptr_t start)
{
	if (l->page_shift < l->arena_shift)
		return RTE_ALIGN_FLOOR(start, 1ull << l->page_shift);
	return start;
}

static struct nta_arena *
nta_arena_new(struct nta_pool *p, uintptr_t start, uintptr_t end,
	      uint32_t idx0, uint32_t nb)
{
	struct nta_arena *a;

	/* header, then the object words, then the home bytes */
	a = nta_meta_alloc(p, sizeof(*a) + (size_t)nb * (sizeof(nta_word_t) + 1));
	if (a == NULL)
		return NULL;
	a->magic = NTA_ARENA_MAGIC;
	a->nb = nb;
	a->start = start;
	a->end = end;
	a->base = nta_grid_base(&p->lay, start);
	a->first = a->base + p->lay.hdr_size;
	a->idx0 = idx0;
	a->home = (uint8_t *)(a->state + nb);
	memset(a->home, NTA_OWN_FREE, nb);
	return a;
}

/* Element start of block slot b. */
static uintptr_t
nta_grid_elt(const struct nta_layout *l, uintptr_t base, uint32_t b)
{
	return base + ((uintptr_t)(b / l->per_page) << l->page_shift) +
		(uintptr_t)(b % l->per_page) * l->elt_total;
}

/* First block slot whose element starts at or after va, and how many
 * consecutive slots fit before end (at most max).
 */
static uint32_t
nta_grid_span(const struct nta_layout *l, uintptr_t va, uintptr_t end,
	      uint32_t max, uint32_t *nb)
{
	uintptr_t base = nta_grid_base(l, va);
	uint64_t rel = va - base, page = 1ull << l->page_shift;
	uint64_t pg = rel >> l->page_shift, in = rel & (page - 1);
	uint64_t s = (in + l->elt_total - 1) / l->elt_total;
	uint32_t b, k = 0;

	if (s >= l->per_page) {
		pg++;
		s = 0;
	}
	b = (uint32_t)(pg * l->per_page + s);
	while (k < max && nta_grid_elt(l, base, b + k) + l->elt_total <= end)
		k++;
	*nb = k;
	return b;
}

/* Register the objects of one arena piece with the library and put them
 * in the depot, all under the lock so a concurrent user sees a whole arena.
 */
static int
nta_arena_add(struct nta_pool *p, uintptr_t start, uintptr_t end,
	      uint32_t idx0, uint32_t nb, uintptr_t vbase, rte_iova_t iova,
	      rte_mempool_populate_obj_cb_t *obj_cb, void *obj_cb_arg)
{
	struct nta_arena *a;
	void *objs[64];
	uint32_t i, k = 0;

	nta_lock(p);
	/* everything that can fail, before the library hears of an object */
	a = nta_arena_new(p, start, end, idx0, nb);
	if (a == NULL || nta_dir_reserve(p, 1) < 0 ||
	    nta_depot_reserve_locked(p, p->populated + nb) < 0 ||
	    nta_arena_table_add(p, a) < 0) {
		nta_unlock(p);
		return -ENOMEM;
	}
	/* every object pointer is even: lane entries tag run headers with
	 * bit 0 (the library aligns chunks, headers and elements to 8 bytes
	 * at least, even with RTE_MEMPOOL_F_NO_CACHE_ALIGN)
	 */
	RTE_ASSERT(((a->base | p->lay.hdr_size | p->lay.elt_total) & 1) == 0);
	for (i = 0; i < nb; i++) {
		uintptr_t obj = (uintptr_t)nta_slot_obj(p, a, i);

		obj_cb(p->mp, obj_cb_arg, (void *)obj,
		       iova == RTE_BAD_IOVA ? RTE_BAD_IOVA :
		       iova + (obj - vbase));
		a->state[i] = NTA_OWN_FREE;
		objs[k++] = (void *)obj;
		if (k == RTE_DIM(objs)) {
			nta_depot_put_locked(p, objs, k);
			k = 0;
		}
	}
	nta_depot_put_locked(p, objs, k);
	/* relaxed store: get_count reads it without the lock */
	__atomic_store_n(&p->populated, p->populated + nb, __ATOMIC_RELAXED);
	nta_dir_insert(p->dir, (start >> p->lay.arena_shift) + 1, a);
	nta_flat_update(p, start >> p->lay.arena_shift, a);
	nta_unlock(p);
	return 0;
}

/* Empty a list of the depot's magazines into its empty ones. */
static void
nta_mags_forget(struct nta_pool *p, struct nta_mag **list)
{
	while (*list != NULL) {
		struct nta_mag *m = *list;

		*list = m->next;
		m->n = 0;
		m->filer = NTA_OWN_FREE;
		m->next = p->depot.empty;
		p->depot.empty = m;
	}
}

/* A populate that failed was undone by the library (objects taken back,
 * memory freed): forget its arenas and every object of it wherever it
 * sits, before populating again, so a stale pointer into that memory is
 * refused rather than accepted.
 * It allocates nothing, so it cannot fail half-way: the newest directory
 * table is kept and emptied (freeing it and allocating a new one left the
 * pool without a table when memory was short, and its next lookup
 * crashed).
 */
static int
nta_pool_reset(struct nta_pool *p)
{
	unsigned int i;
	uint64_t meta = sizeof(*p);
	const struct nta_chunk *c;
	struct nta_dir *dir;

	NTA_LOG(INFO, "pool %s: populated again, forgetting %u arenas",
		p->mp->name, p->nb_arenas);
	nta_lock(p);
	dir = p->dir;
	if (dir != NULL) {
		/* the older tables go with the rest of the metadata */
		p->dir = dir->retired;
		dir->retired = NULL;
	}
	nta_meta_free_all(p);
	if (dir == NULL && nta_dir_init(p, 16) < 0) {
		nta_unlock(p);
		return -ENOMEM; /* not reached: alloc makes the table */
	}
	if (dir != NULL) {
		for (i = 0; i <= dir->mask; i++) {
			__atomic_store_n(&dir->ent[i].key, 0, __ATOMIC_RELAXED);
			dir->ent[i].arena = NULL;
		}
		dir->used = 0;
		/* release: pairs with the acquire in nta_dir_find() */
		__atomic_store_n(&p->dir, dir, __ATOMIC_RELEASE);
	}
	meta += sizeof(*p->dir) +
		(uint64_t)(p->dir->mask + 1) * sizeof(p->dir->ent[0]);
	p->nb_arenas = 0;
	p->arenas_cap = 0;
	p->flat_off = 0;
	__atomic_store_n(&p->populated, 0, __ATOMIC_RELAXED);
	nta_mags_forget(p, &p->depot.full);
	nta_mags_forget(p, &p->depot.part);
	__atomic_store_n(&p->depot.count, 0, __ATOMIC_RELAXED);
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		struct nta_lcore *lc = &p->lc[i];
		struct nta_lane *l;

		if (lc->lane_to == NULL)
			continue;
		for (l = lc->lanes_in; l != NULL; l = l->next) {
			/* entries a killed producer wrote and did not
			 * publish (see nta_send_close()) go too
			 */
			l->phead = l->head;
			l->tail = l->head;
			/* and their objects leave the pending count */
			l->objs_taken = l->objs;
		}
		while (lc->ovf != NULL) {
			struct nta_mag *m = lc->ovf;

			/* the depot first, if it lent some */
			lc->ovf = m->next;
			nta_ovf_release_locked(p, m);
		}
		__atomic_store_n(&lc->ovf_n, 0, __ATOMIC_RELAXED);
		if (lc->s.cap != 0) {
			nta_store_forget(&lc->s);
		}
		nta_lcore_set_last(p, lc, NULL);
	}
	for (i = 0; i < NTA_UNREG_SLOTS; i++)
		if (p->unreg[i].s.cap != 0) {
			nta_store_forget(&p->unreg[i].s);
		}
	/* magazines, lanes and lane tables stay for the next populate */
	for (c = p->chunks; c != NULL; c = c->next)
		meta += c->size;
	__atomic_store_n(&p->meta_bytes, meta, __ATOMIC_RELAXED);
	nta_unlock(p);
	return 0;
}

int
nta_populate(struct rte_mempool *mp, unsigned int max_objs, void *vaddr,
	     rte_iova_t iova, size_t len,
	     rte_mempool_populate_obj_cb_t *obj_cb, void *obj_cb_arg)
{
	struct nta_pool *p = mp->pool_data;
	uintptr_t va = (uintptr_t)vaddr, end = va + len;
	uint64_t asz;
	unsigned int placed = 0;

	if (!nta_pool_ok(p))
		return 0;
	if (unlikely(mp->populated_size == 0 && p->populated != 0) &&
	    nta_pool_reset(p) < 0)
		return 0;
	asz = p->lay.arena_size;
	while (va < end && placed < max_objs) {
		uintptr_t piece_end = RTE_MIN(end, RTE_ALIGN_FLOOR(va, asz) + asz);
		uint32_t nb, idx0;

		idx0 = nta_grid_span(&p->lay, va, piece_end, max_objs - placed,
				     &nb);
		if (nb != 0) {
			if (nta_arena_add(p, va, piece_end, idx0, nb,
					  (uintptr_t)vaddr, iova, obj_cb,
					  obj_cb_arg) < 0) {
				NTA_LOG(ERR, "pool %s: cannot add an arena",
					mp->name);
				break;
			}
			placed += nb;
		}
		va = piece_end;
	}
	/* never negative: the library keeps this count unsigned */
	return (int)placed;
}
