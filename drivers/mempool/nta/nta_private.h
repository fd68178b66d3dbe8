/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef NTA_PRIVATE_H
#define NTA_PRIVATE_H

/*
 * Internal state of the nta mempool handler.
 *
 * Everything here lives in DPDK shared memory reachable from mp->pool_data:
 * no libc heap, no statics, no function pointers, so a secondary process
 * sees the same pool.
 *
 * Object life: every object has one state byte in its arena's metadata.
 *   DEPOT   free, in the shared depot (its arena)
 *   LOCAL   free, in one lcore's LIFO
 *   REMOTE  free, queued in a remote-free ring (or on its way to the depot)
 *   USED(L) handed out by lcore L; USED_ANY by an unregistered thread
 * A free of a USED(L) object done on L is local (plain stores); done
 * elsewhere it is marked REMOTE by compare-and-swap and queued to L's ring,
 * so the USED -> free transition of an object happens exactly once and a
 * second free of it is refused.
 */

#include <stdint.h>
#include <pthread.h>

#include <rte_common.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"

extern int nta_logtype;
#define NTA_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, nta_logtype, "NTA: " fmt "\n", ## __VA_ARGS__)

#define NTA_POOL_MAGIC  0x4e544170u /* "NTAp" */
/* Layout of struct nta_pool and of what hangs off it: bump on any change.
 * Kept beside the magic (the first two words in every layout), so that a
 * driver of another layout (another build in a secondary process, an
 * older plugin in the same process) leaves the pool alone; see
 * nta_pool_ok(). NTA_POOL_LAYOUT also folds in the structure sizes, which
 * catches a change made without a bump.
 */
#define NTA_POOL_LAYOUT_VERSION 1u
#define NTA_ARENA_MAGIC 0x4e544161u /* "NTAa" */

#ifndef NTA_DEFAULT_ARENA_SIZE
#define NTA_DEFAULT_ARENA_SIZE (2u << 20)
#endif
#ifndef NTA_MAX_LIFO
#define NTA_MAX_LIFO 512u
#endif
#ifndef NTA_MAX_RING
#define NTA_MAX_RING 1024u
#endif
#ifndef NTA_DEFAULT_CONTIG
#define NTA_DEFAULT_CONTIG 8u
#endif

enum nta_state {
	NTA_ST_NONE = 0,
	NTA_ST_DEPOT = 1,
	NTA_ST_LOCAL = 2,
	NTA_ST_REMOTE = 3,
	NTA_ST_USED0 = 4,     /* USED(L) = NTA_ST_USED0 + L */
	NTA_ST_USED_ANY = 255,
};
static_assert(NTA_ST_USED0 + RTE_MAX_LCORE < NTA_ST_USED_ANY,
	      "lcore ids must fit in the state byte");

static inline uint8_t
nta_used_state(unsigned int lcore_id)
{
	return lcore_id < RTE_MAX_LCORE ?
		(uint8_t)(NTA_ST_USED0 + lcore_id) : NTA_ST_USED_ANY;
}

static inline int
nta_state_is_used(uint8_t st)
{
	return st >= NTA_ST_USED0;
}

/* Pool geometry, derived from the mempool and its params only, so that
 * calc_mem_size gives the same answer every time it is asked.
 */
struct nta_layout {
	uint64_t arena_size;   /* A: power of two, arenas are A-aligned */
	uint32_t arena_shift;
	uint32_t elt_total;    /* E: header + element + trailer */
	uint32_t hdr_size;     /* offset of the object in its element */
	uint32_t lifo_size;
	uint32_t ring_size;
	uint32_t contig;
	uint32_t page_shift;   /* objects never cross a 2^page_shift page */
	uint32_t per_page;     /* slots per page */
	uint64_t div_inv;      /* inverse of E's odd part, mod 2^64 */
	uint32_t div_rot;      /* E's power of two */
};

/*
 * One arena: the objects of one A-aligned block that came in one populate
 * chunk. Its objects sit on a grid of slots, anchored at the grid
 * anchor (the piece start, or its page when objects must not cross
 * pages): page by page (2^page_shift bytes), per_page elements of E bytes.
 * Slot b starts at
 *   base + (b / per_page) * page + (b % per_page) * E
 * and the arena owns slots idx0 .. idx0 + nb - 1. The header lives in
 * driver metadata, found through the pool directory keyed by
 * (addr >> arena_shift), so a foreign pointer is rejected without ever
 * being dereferenced.
 */
struct nta_arena {
	uint32_t magic;
	uint32_t nb;
	uintptr_t start;       /* first byte of the chunk piece */
	uintptr_t end;         /* one past its last byte */
	uintptr_t base;        /* grid anchor: piece start or its page */
	uintptr_t first;       /* base + header size: first object pointer */
	uint32_t idx0;         /* block slot of the arena's first object */
	uint32_t pad;
	struct nta_arena *next_in_block;
	uint32_t index;        /* in the pool's arena table */
	uint32_t depot_avail;  /* DEPOT objects; under the depot lock */
	uint32_t cursor;       /* next depot map word to scan; under the lock */
	uint64_t *dmap;        /* bit per slot: in the depot; under the lock */
	uint8_t state[];
};

struct nta_dir_ent {
	uintptr_t key;         /* (addr >> shift) + 1, 0 when empty */
	struct nta_arena *arena;
};

struct nta_dir {
	uint32_t mask;
	uint32_t used;
	struct nta_dir *retired; /* older tables, freed with the pool */
	struct nta_dir_ent ent[];
};

/* Direct map block -> arena, kept while the pool's memory is compact
 * (the usual case: one or a few memzones); the hash above serves the rest.
 */
struct nta_flat {
	uintptr_t lo;            /* first block number */
	uint32_t n;              /* blocks covered */
	uint32_t pad;
	struct nta_flat *retired;
	struct nta_arena *a[];
};

/* Multi-producer, single-consumer ring of freed objects. A slot holds NULL
 * when empty, so the consumer sees a half-done push as "not yet" and never
 * spins waiting for a preempted producer (see nta_ring.c).
 */
struct nta_ring {
	uint32_t mask;
	uint32_t prod_head __rte_cache_aligned;
	uint32_t cons_tail __rte_cache_aligned;
	void *slot[] __rte_cache_aligned;
};

struct nta_counters {
	uint64_t local_hits;
	uint64_t local_frees;
	uint64_t remote_sent;
	uint64_t remote_drained;
	uint64_t depot_gets;
	uint64_t depot_puts;
	uint64_t failed_dequeues;
	uint64_t bad_frees[RTE_MEMPOOL_NTA_BAD_MAX];
};

/* Per-lcore part. The owner writes len/lifo/counters with plain stores;
 * readers on other threads use relaxed atomic loads.
 */
struct nta_lcore {
	uint32_t len;
	uint32_t cap;
	void **lifo;                 /* NULL until the lcore first uses the pool */
	uint8_t **lst;               /* state byte of each LIFO entry */
	struct nta_ring *ring;
	/* lookup cache, owner only: the arena of the last object looked
	 * up, and for the fast paths its slots (object q is
	 * hot_first + q * E, with q < hot_nb; hot_nb is 0 when the arena's
	 * slots are not one evenly spaced run)
	 */
	const struct nta_arena *last;
	uintptr_t hot_first;
	uint8_t *hot_state;
	uint32_t hot_nb;
	uint32_t live;               /* 0 once its thread has unregistered */
	struct nta_counters cnt;
} __rte_cache_aligned;

/* Free objects shared by unregistered threads (see nta_any.c): a small
 * LIFO behind a try-lock. Its objects are LOCAL, like a LIFO's.
 */
#define NTA_ANY_SLOTS 8u
#define NTA_ANY_MAX 64u

struct nta_any_slot {
	uint32_t lock;               /* 1 while a thread uses the slot */
	uint32_t len;                /* under lock; read relaxed by counts */
	void *obj[NTA_ANY_MAX];
	uint8_t *st[NTA_ANY_MAX];    /* state byte of each entry */
} __rte_cache_aligned;

struct nta_metablock {
	struct nta_metablock *next;
	size_t used;
	size_t size;
};

struct nta_pool {
	uint32_t magic;
	uint32_t layout;             /* NTA_POOL_LAYOUT */
	uint32_t nb_arenas;
	struct rte_mempool *mp;
	struct nta_layout lay;
	struct nta_dir *dir;         /* published with release */
	struct nta_flat *flat;       /* published with release; may be NULL */
	struct nta_flat *flat_old;   /* retired flat maps, freed with the pool */
	uint32_t flat_off;           /* 1 once the memory got too sparse */
	uint64_t exhaust_log_tsc;    /* last exhaustion report (rate limit) */
	struct nta_arena **arenas;   /* under lock */
	uint32_t arenas_cap;
	uint32_t depot_cursor;       /* under lock */
	uint64_t depot_count;        /* under lock, read relaxed */
	uint64_t populated;
	uint64_t meta_bytes;
	struct nta_metablock *meta;  /* bump allocator for arena headers */
	pthread_mutex_t lock;        /* depot, arena table, dead rings */
	uint32_t nb_dead;            /* lcores whose thread left; under lock */
	struct nta_counters any_cnt; /* unregistered threads, atomic adds */
	uint32_t any_cap;            /* objects per slot, <= NTA_ANY_MAX */
	struct nta_any_slot any[NTA_ANY_SLOTS];
	struct nta_lcore lc[RTE_MAX_LCORE];
};

#define NTA_POOL_LAYOUT ((NTA_POOL_LAYOUT_VERSION << 24) ^ \
	(uint32_t)sizeof(struct nta_pool) ^ \
	((uint32_t)sizeof(struct nta_arena) << 16) ^ \
	((uint32_t)sizeof(struct nta_lcore) << 8))

/* pool_data is a pool this build of the driver may act on */
static inline int
nta_pool_ok(const struct nta_pool *p)
{
	return p != NULL && p->magic == NTA_POOL_MAGIC &&
		p->layout == NTA_POOL_LAYOUT;
}

/* nta_layout.c */
int nta_layout_compute(const struct rte_mempool *mp, struct nta_layout *lay);
int nta_layout_of(const struct rte_mempool *mp, struct nta_layout *lay);
ssize_t nta_calc_mem_size(const struct rte_mempool *mp, uint32_t obj_num,
			  uint32_t pg_shift, size_t *min_chunk_size,
			  size_t *align);
int nta_populate(struct rte_mempool *mp, unsigned int max_objs, void *vaddr,
		 rte_iova_t iova, size_t len,
		 rte_mempool_populate_obj_cb_t *obj_cb, void *obj_cb_arg);
int nta_dir_init(struct nta_pool *p, uint32_t expect_arenas);
void nta_meta_free_all(struct nta_pool *p);

/* nta_depot.c */
void nta_lock(struct nta_pool *p);
void nta_unlock(struct nta_pool *p);
unsigned int nta_depot_take(struct nta_pool *p, void **dst, unsigned int min,
			    unsigned int max, uint8_t new_state);
unsigned int nta_depot_put(struct nta_pool *p, void * const *objs,
			   unsigned int n, uint8_t expect,
			   struct nta_counters *cnt);
unsigned int nta_depot_put_locked(struct nta_pool *p, void * const *objs,
				  unsigned int n, uint8_t expect,
				  struct nta_counters *cnt);
int nta_depot_take_blocks(struct nta_pool *p, void **first, unsigned int n,
			  uint8_t new_state);
void nta_reap_dead_rings_locked(struct nta_pool *p);
void nta_recount_dead_locked(struct nta_pool *p);

/* nta_lcore.c */
int nta_lcore_setup(struct nta_pool *p, unsigned int id);
unsigned int nta_lcore_retire(struct nta_pool *p, unsigned int id);
void nta_drain_all(struct nta_pool *p, struct nta_lcore *lc);
unsigned int nta_drain_ring(struct nta_pool *p, struct nta_lcore *lc,
			    unsigned int max);
size_t nta_lcore_memsize(const struct nta_layout *lay);
void nta_lifo_spill(struct nta_pool *p, struct nta_lcore *lc,
		    unsigned int keep);
void nta_lifo_note_states(struct nta_pool *p, struct nta_lcore *lc,
			  unsigned int from, unsigned int to);

/* nta_any.c */
struct nta_any_slot *nta_any_lock(struct nta_pool *p);
void nta_any_unlock(struct nta_any_slot *s);
void nta_any_take(struct nta_any_slot *s, void **objs, unsigned int n);
int nta_any_refill(struct nta_pool *p, struct nta_any_slot *s,
		   unsigned int n);
unsigned int nta_any_spill(struct nta_pool *p, struct nta_any_slot *s,
			   unsigned int keep);
unsigned int nta_any_reclaim(struct nta_pool *p);
int nta_any_reclaim_for(struct nta_pool *p, uint64_t need);
uint64_t nta_any_count(const struct nta_pool *p);

/* nta_bad.c */
void nta_bad_free(struct nta_pool *p, struct nta_counters *cnt,
		  const void *obj, enum rte_mempool_nta_bad_kind kind);
void nta_bad_burst_log(const struct nta_pool *p, unsigned int lcore_id,
		       unsigned int nb_bad, const void *first,
		       enum rte_mempool_nta_bad_kind kind);
const char *nta_bad_kind_str(enum rte_mempool_nta_bad_kind kind);
enum rte_mempool_nta_bad_kind nta_classify_foreign(const struct nta_pool *p,
						   const void *obj);

/* nta_ring.c */
size_t nta_ring_memsize(uint32_t size);
void nta_ring_init(struct nta_ring *r, uint32_t size);
unsigned int nta_ring_push(struct nta_ring *r, void * const *objs,
			   unsigned int n);
unsigned int nta_ring_pop(struct nta_ring *r, void **out, unsigned int max);

/* nta_stats.c */
void nta_exhaustion_log(struct nta_pool *p, unsigned int lcore_id,
			unsigned int n);

/* nta_ops.c */
struct nta_pool *nta_pool_of(const struct rte_mempool *mp);
uint64_t nta_pool_count(const struct nta_pool *p);

/* ---- small inline helpers shared by the fast path ---- */

static inline void
nta_dmap_set(struct nta_arena *a, uint32_t i)
{
	a->dmap[i >> 6] |= 1ull << (i & 63);
}

static inline void
nta_dmap_clear(struct nta_arena *a, uint32_t i)
{
	a->dmap[i >> 6] &= ~(1ull << (i & 63));
}

static inline void
nta_cnt_add(uint64_t *c, uint64_t v)
{
	/* owner-only counter: a relaxed store keeps readers race-free */
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

static inline uint64_t
nta_dir_hash(uintptr_t key)
{
	return (uint64_t)key * 0x9e3779b97f4a7c15ull;
}

static inline int
nta_in_arena(const struct nta_arena *a, uintptr_t addr)
{
	return addr - a->start < a->end - a->start;
}

static inline struct nta_arena *
nta_block_walk(struct nta_arena *a, uintptr_t addr)
{
	for (; a != NULL; a = a->next_in_block)
		if (nta_in_arena(a, addr))
			return a;
	return NULL;
}

/* Find the arena holding the object at addr, or NULL. The search uses
 * the element start (addr - header size), which always lies inside the
 * arena, even for zero-sized objects. Never dereferences addr.
 */
static inline struct nta_arena *
nta_dir_find(const struct nta_pool *p, uintptr_t obj)
{
	uintptr_t addr = obj - p->lay.hdr_size;
	/* acquire: pairs with the release in nta_flat_publish(); the map
	 * and the arenas it points to are complete before it is visible.
	 */
	const struct nta_flat *f = __atomic_load_n(&p->flat, __ATOMIC_ACQUIRE);
	const struct nta_dir *d;
	uintptr_t key = addr >> p->lay.arena_shift;
	uint32_t h;

	if (likely(f != NULL)) {
		uintptr_t i = key - f->lo;

		return i < f->n ? nta_block_walk(
			__atomic_load_n(&f->a[i], __ATOMIC_ACQUIRE), addr) : NULL;
	}
	/* acquire: pairs with the release in nta_dir_reserve(); the table's
	 * entries and arenas are fully written before it is visible.
	 */
	d = __atomic_load_n(&p->dir, __ATOMIC_ACQUIRE);
	key++;
	h = (uint32_t)(nta_dir_hash(key) >> 32) & d->mask;

	for (;;) {
		/* acquire: pairs with the release store of the key in
		 * nta_dir_insert(); the arena pointer is set before.
		 */
		uintptr_t k = __atomic_load_n(&d->ent[h].key, __ATOMIC_ACQUIRE);

		if (k == key)
			break;
		if (k == 0)
			return NULL;
		h = (h + 1) & d->mask;
	}
	return nta_block_walk(__atomic_load_n(&d->ent[h].arena,
					      __ATOMIC_ACQUIRE), addr);
}

/* off / E when E divides off, or a number above 2^64 / E when it does
 * not: one multiply by the inverse of E's odd part and a rotate (the
 * exact-division test of Hacker's Delight, 10-17). A slot check is then
 * a single compare of the result against the slot count, which also
 * rejects off "below zero" (a huge unsigned off).
 */
static inline uint64_t
nta_div_exact(const struct nta_layout *l, uint64_t off)
{
	uint64_t q = off * l->div_inv;

	return (q >> l->div_rot) | (q << ((64 - l->div_rot) & 63));
}

/* Slot index of addr in a, or -1 if addr is not an object start. */
static inline int64_t
nta_arena_slot(const struct nta_pool *p, const struct nta_arena *a,
	       uintptr_t addr)
{
	const struct nta_layout *l = &p->lay;
	uint64_t rel = addr - a->first, in, s, idx;

	if (likely(l->page_shift == l->arena_shift)) {
		/* one page per arena: the grid starts at the first object */
		s = nta_div_exact(l, rel);
		return likely(s < a->nb) ? (int64_t)s : -1;
	}
	/* callers found a by range, so rel < 2^30 when addr >= first */
	if (unlikely(addr < a->first))
		return -1;
	in = rel & ((1ull << l->page_shift) - 1);
	s = nta_div_exact(l, in);
	if (unlikely(s >= l->per_page))
		return -1;
	idx = (rel >> l->page_shift) * l->per_page + s - a->idx0;
	if (unlikely(idx >= a->nb))
		return -1;
	return (int64_t)idx;
}

/* Object pointer of slot idx of a (slow paths: it divides). */
static inline void *
nta_slot_obj(const struct nta_pool *p, const struct nta_arena *a,
	     uint32_t idx)
{
	const struct nta_layout *l = &p->lay;
	uint32_t b = idx + a->idx0;

	return (void *)(a->base + ((uintptr_t)(b / l->per_page) << l->page_shift) +
			(uintptr_t)(b % l->per_page) * l->elt_total +
			l->hdr_size);
}

/* State byte of an object known to be in the pool. */
static inline uint8_t *
nta_state_ptr(const struct nta_pool *p, struct nta_lcore *lc, void *obj);

/* Point the owner's lookup cache at a (NULL: forget). */
static inline void
nta_lcore_set_last(const struct nta_pool *p, struct nta_lcore *lc,
		   const struct nta_arena *a)
{
	lc->last = a;
	lc->hot_first = a != NULL ? a->first : 0;
	lc->hot_state = a != NULL ? (uint8_t *)(uintptr_t)a->state : NULL;
	lc->hot_nb = a != NULL && p->lay.page_shift == p->lay.arena_shift ?
		a->nb : 0;
}

/* Owner-side lookup with a one-entry cache. */
static inline const struct nta_arena *
nta_lookup(const struct nta_pool *p, struct nta_lcore *lc, uintptr_t addr)
{
	const struct nta_arena *a = lc->last;

	if (likely(a != NULL && nta_in_arena(a, addr - p->lay.hdr_size)))
		return a;
	a = nta_dir_find(p, addr);
	if (a != NULL)
		nta_lcore_set_last(p, lc, a);
	return a;
}

/* State byte of obj if it is an object of the lcore's hot arena, else
 * NULL. One multiply, one rotate, one compare (see nta_div_exact).
 */
static inline uint8_t *
nta_hot_state(const struct nta_pool *p, const struct nta_lcore *lc,
	      const void *obj)
{
	uint64_t q = nta_div_exact(&p->lay, (uintptr_t)obj - lc->hot_first);

	return likely(q < lc->hot_nb) ? lc->hot_state + q : NULL;
}

static inline uint8_t
nta_state_load(const struct nta_arena *a, uint32_t idx)
{
	return __atomic_load_n(&a->state[idx], __ATOMIC_RELAXED);
}

static inline void
nta_state_store(const struct nta_arena *a, uint32_t idx, uint8_t st)
{
	__atomic_store_n((uint8_t *)(uintptr_t)&a->state[idx], st,
			 __ATOMIC_RELAXED);
}

static inline int
nta_state_cas(const struct nta_arena *a, uint32_t idx, uint8_t expect,
	      uint8_t st)
{
	return __atomic_compare_exchange_n((uint8_t *)(uintptr_t)&a->state[idx],
					   &expect, st, 0, __ATOMIC_RELAXED,
					   __ATOMIC_RELAXED);
}

static inline uint32_t
nta_ring_count(const struct nta_ring *r)
{
	uint32_t cons;

	if (r == NULL)
		return 0;
	/* tail first: the head read later is never behind it */
	cons = __atomic_load_n(&r->cons_tail, __ATOMIC_ACQUIRE);
	return __atomic_load_n(&r->prod_head, __ATOMIC_ACQUIRE) - cons;
}


static inline uint8_t *
nta_state_ptr(const struct nta_pool *p, struct nta_lcore *lc, void *obj)
{
	const struct nta_arena *a = nta_lookup(p, lc, (uintptr_t)obj);

	return (uint8_t *)(uintptr_t)&a->state[nta_arena_slot(p, a,
							      (uintptr_t)obj)];
}

#endif /* NTA_PRIVATE_H */
