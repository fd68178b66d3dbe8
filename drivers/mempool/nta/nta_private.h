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
 * Object life. Every object has a 32-bit word in its arena's metadata:
 * an owner byte and, above it, the epoch at which it was handed out (its
 * low 24 bits; see nta_word_epoch()).
 *   owner FREE    free: in exactly one store (an lcore's or a slot's
 *                 magazines) or in the depot
 *   owner 1 + L   handed out by lcore L (its "home") at epoch t
 *   owner UNREG   handed out to an unregistered thread
 * Each lcore counts its hand-out calls (its epoch) and stamps the objects
 * of each call with the new count. Only the home writes the word of a
 * USED(L) object: L frees its own objects with plain stores, and other
 * lcores send theirs home through lanes (nta_lane.c), tagged with L's
 * epoch read once per batch. On drain, L accepts an entry only if the
 * object is still USED(L) and was handed out no later than the tag: a
 * second free, or a stale one of an object handed out again since, is
 * refused. A store's objects are written only by the store's holder; UNREG
 * objects, which have no home, are claimed by a CAS.
 *
 * Besides the word, each object has a home byte (the owner code of the
 * last lcore or thread that handed it out), written only when it changes.
 * Other lcores read it to route a free, so that a free never reads the
 * word, a line its home writes on every call: the word lines stay in the
 * home's cache, and the home bytes are read-mostly.
 */

#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
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
 * nta_pool_ok(). NTA_POOL_LAYOUT also folds in the structure sizes and
 * the offset of the pool's lock, which catch most changes made without a
 * bump (a field that padding absorbs keeps the sizes, not the offsets).
 */
#define NTA_POOL_LAYOUT_VERSION 15u /* 2: magazines and lanes, 3: epochs,
				     * 4: a store's magazine pair,
				     * 5: a depot magazine's filer,
				     * 6: a store's word cache,
				     * 7: run headers in overflow lists,
				     * 8: a depot magazine per home,
				     * 9: a lane's link on its consumer's
				     *    line, an lcore's live flag on
				     *    its epoch's line,
				     * 10: lookup caches sized to the
				     *     pool,
				     * 11: a pool's hot_warned,
				     * 12: an lcore's lookup retry
				     *     back-off,
				     * 13: a lane's producer line apart
				     *     from its published head,
				     * 14: a guard line after each part
				     *     of a lane; an lcore's own
				     *     epoch copy,
				     * 15: a word cache per magazine of a
				     *     store and of the depot's
				     *     magazines it filed */
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
/* -Dcounters=false: 0, the fast-path counters compile out (nta_cnt_fast) */
#ifndef NTA_FAST_COUNTERS
#define NTA_FAST_COUNTERS 1
#endif

/* x is a power of two (a constant expression, for static_assert) */
#define NTA_IS_POW2(x) ((x) != 0 && ((x) & ((x) - 1)) == 0)

/* meson checks only the range of these options: the layout masks with
 * the arena size, and nta_auto_ring() rounds up to a power of two, which
 * would go past a ring_max that is not one
 */
static_assert(NTA_IS_POW2(NTA_DEFAULT_ARENA_SIZE) &&
	      NTA_DEFAULT_ARENA_SIZE >= 4096 &&
	      NTA_DEFAULT_ARENA_SIZE <= (1u << 30),
	      "arena_size must be a power of two in [4 KiB, 1 GiB]");
static_assert(NTA_IS_POW2(NTA_MAX_RING) && NTA_MAX_RING <= (1u << 20),
	      "ring_max must be a power of two, at most 2^20");

/* The object word: owner byte, the low 24 bits of the hand-out epoch
 * above it (see nta_word_epoch()).
 */
typedef uint32_t nta_word_t;
#define NTA_EPOCH_BITS 24
#define NTA_EPOCH_MASK ((UINT64_C(1) << NTA_EPOCH_BITS) - 1)
#define NTA_OWN_FREE 0u
#define NTA_OWN_UNREG 0xffu
#define NTA_OWN_MASK 0xffu
#define NTA_EPOCH_SHIFT 8
static_assert(RTE_MAX_LCORE + 1 < NTA_OWN_UNREG,
	      "lcore ids must fit in the owner byte");
/* the owner byte sits right below the epoch, and the two fill the word
 * (nta_word_used(), nta_word_epoch() shift without masking the top)
 */
static_assert(NTA_OWN_MASK + 1 == 1u << NTA_EPOCH_SHIFT &&
	      NTA_EPOCH_SHIFT + NTA_EPOCH_BITS == sizeof(nta_word_t) * 8,
	      "owner byte and epoch must fill the object word");
/* the home bytes (uint8_t) hold owner codes, NTA_OWN_UNREG included */
static_assert(NTA_OWN_UNREG <= UINT8_MAX, "owner codes must fit a home byte");

/* Owner byte of an object handed out by lcore id (UNREG: unregistered). */
static inline uint32_t
nta_owner(unsigned int lcore_id)
{
	return lcore_id < RTE_MAX_LCORE ? lcore_id + 1 : NTA_OWN_UNREG;
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
	uint32_t hot_ways;     /* lookup cache ways; 0: one per arena */
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
	uint32_t pad2;
	uint8_t *home;         /* home bytes, after the words */
	nta_word_t state[];      /* the object words (see the top) */
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

/* Single-producer, single-consumer lane of remote frees from one lcore
 * (src) to the home of the objects (home); created the first time src
 * frees an object of home, so lanes exist only for pairs that exchange.
 * Entries are object pointers and run headers (nta_run_hdr()). See
 * nta_lane.c.
 */
/* lanes name their ends in 16 bits */
static_assert(RTE_MAX_LCORE <= UINT16_MAX + 1, "lcore ids must fit in 16 bits");

struct nta_lane {
	/* the producer's own line: read at each send, written by nothing
	 * else and read by nothing else on the fast paths
	 */
	uint32_t phead;        /* producer: head as it last published it */
	uint32_t tail_seen;    /* producer's last view of tail */
	uint32_t mask;
	uint16_t src;
	uint16_t home;
	/* each of the three parts is followed by an unused line: a core's
	 * adjacent-line prefetch fetches lines in pairs, and without the
	 * guard the producer writing the first entries took the consumer's
	 * line with them (and the home's reads of head the producer's)
	 */
	uint8_t guard_p[2 * RTE_CACHE_LINE_SIZE - 16];
	/* the line the home reads at each drain: its read left the line
	 * the producer read at each send shared, and the producer's next
	 * read of it missed (flowgen, mbcache 0: 41 % of nta_send_open)
	 */
	uint32_t head;         /* producer: entries written; release */
	uint32_t objs;         /* producer: objects written (head: entries) */
	uint8_t guard_h[2 * RTE_CACHE_LINE_SIZE - 8];
	uint32_t tail;         /* consumer: entries taken; release */
	uint32_t objs_taken;   /* consumer: objects taken */
	uint64_t run;          /* consumer: epoch of the run being taken */
	/* in the home's list, set before publish; on the consumer's line,
	 * which the home walks after each drain: the producer's line has
	 * been written again by then
	 */
	struct nta_lane *next;
	uint8_t guard_c[2 * RTE_CACHE_LINE_SIZE - 24];
	uintptr_t ent[];
};
static_assert(offsetof(struct nta_lane, head) == 2 * RTE_CACHE_LINE_SIZE &&
	      offsetof(struct nta_lane, tail) == 4 * RTE_CACHE_LINE_SIZE &&
	      offsetof(struct nta_lane, ent) == 6 * RTE_CACHE_LINE_SIZE,
	      "a lane's parts each start a pair of lines, with a guard line");

/* A magazine: up to mag_size free objects (8 bytes each: their words are
 * found by address when they are handed out, unless the store that holds
 * the magazine kept them in its word cache).
 */
struct nta_mag {
	struct nta_mag *next;  /* in a depot or overflow list */
	uint32_t n;            /* objects (stale while loaded in a store);
				* in an overflow list, entries: objects and
				* run headers */
	uint32_t filer;        /* full, in the depot: the owner code of
				* the store that filed it (nta_store_owner();
				* NTA_OWN_FREE: none) */
	void **obj;
	uint64_t epoch;        /* in an overflow list: the home's epoch when
				* the newest run of frees was sent (older
				* runs are closed by headers, see
				* nta_ovf_push_locked()) */
	uint32_t gen;          /* under the lock: raised each time the
				* depot takes it in or makes it its
				* partial one, so that a store's way
				* knows the magazine it filed from one
				* that went through other hands since
				* (struct nta_wc_way) */
	uint32_t pad;
};
/* a magazine's object array follows its header in the same allocation
 * (nta_mag_new(), nta_depot_reserve_locked())
 */
static_assert(sizeof(struct nta_mag) % sizeof(void *) == 0,
	      "the object array after a magazine must be pointer-aligned");

/* A chunk of magazines or overflow lists, freed with the pool. */
struct nta_chunk {
	struct nta_chunk *next;
	size_t size;
};

/*
 * The word cache of a store: NTA_WC_WAYS ways, each the words of one
 * magazine's objects, in one chunk (a line of header, then the ways,
 * stride bytes apart). The loaded magazine's way is the one s->wc points
 * into; the spare's, and those of the full magazines the store filed to
 * the depot lately, keep their words, so that a magazine coming back
 * (a swap, the depot handing back one this store filed: a working set
 * bigger than the store, nta_depot_get_full_locked()) needs no lookup of
 * its objects' words. A way is the holder's alone, like the cache.
 */
#define NTA_WC_WAYS 8u

struct nta_wc {
	uint64_t tick;         /* ticks so far (nta_wc_touch()) */
	uint32_t stride;       /* bytes from one way to the next */
	uint32_t kept;         /* magazines loaded with the words their way
				* kept (nta_wc_pick()), wrapping: what
				* tests read to know the path ran */
};

struct nta_wc_way {
	struct nta_mag *mag;   /* whose words w holds; NULL: none */
	struct nta_wc *t;      /* its table */
	uint64_t used;         /* tick of its magazine's last filing or
				* hand-back: of the ways of filed
				* magazines, the least recent is reused
				* first */
	uint32_t wlo;          /* not loaded: w[wlo .. mag->n - 1] are the
				* words of mag->obj[wlo .. mag->n - 1] */
	uint32_t gen;          /* filed: mag->gen once filed; the words
				* hold while the two are equal */
	uint64_t pad[4];       /* w on a line of its own */
	nta_word_t *w[];       /* mag_size entries */
};
static_assert(offsetof(struct nta_wc_way, w) == RTE_CACHE_LINE_SIZE,
	      "a way's words start on a line");

/* The way whose words a store's wc points at. */
static inline struct nta_wc_way *
nta_wc_way_of(nta_word_t **wc)
{
	return RTE_PTR_SUB(wc, offsetof(struct nta_wc_way, w));
}

/* Free objects held by one lcore or one unregistered-threads slot:
 * Bonwick's loaded and previous magazines. The loaded one is served
 * through obj/wc/len/wlo, which are all the fast paths touch; the spare
 * is always full or empty, so that a working set moving across a magazine
 * boundary swaps the two instead of going to the depot.
 *
 * The word cache: every object placed in the loaded magazine (a free, a
 * drained remote free) had its word looked up to be checked, and wc
 * keeps that word beside it, at the same index, so that handing the
 * object out needs no second lookup. Only entries at or above wlo were
 * placed since the magazine was loaded, or came with it in its way
 * (struct nta_wc_way); those below it are looked up. It is the holder's
 * alone and never read to recover a store: a killed holder's store is
 * settled from its magazines, and every way starts again (wlo = len).
 */
struct nta_store {
	void **obj;            /* the loaded magazine's objects; NULL in the
				* middle of a swap (see nta_store_swap()) */
	nta_word_t **wc;       /* word cache, cap entries: w of the loaded
				* magazine's way; NULL until the first
				* attach */
	uint32_t len;          /* owner writes, others read relaxed */
	uint32_t cap;          /* 0 while the store has no magazines */
	/* the two magazines: a swap changes which one is loaded (the one
	 * whose objects obj points to), never this pair, so that a process
	 * killed in a swap leaves each magazine findable exactly once
	 */
	struct nta_mag *mag[2];
	uint32_t wlo;          /* holder only: wc[wlo .. len - 1] are the
				* words of obj[wlo .. len - 1]; wlo <= len */
	uint32_t pad;
};

/* Full magazines of the depot looked at for one the store filed itself
 * (nta_depot_get_full_locked()).
 */
#define NTA_DEPOT_AFFINITY 8u
/* two ways of the word cache stay with the store's own magazines; the
 * others keep the words of filed ones, of which the depot looks at the
 * NTA_DEPOT_AFFINITY newest: more ways would never be used
 */
static_assert(NTA_WC_WAYS > 2 && NTA_WC_WAYS - 2 <= NTA_DEPOT_AFFINITY,
	      "ways for filed magazines: at least one, at most the depot looks at");

/* Index in s->mag of the loaded magazine (0 in the middle of a swap). */
static inline unsigned int
nta_store_cur_idx(const struct nta_store *s)
{
	return s->mag[1]->obj == s->obj;
}

static inline struct nta_mag *
nta_store_cur(const struct nta_store *s)
{
	return s->mag[nta_store_cur_idx(s)];
}

static inline struct nta_mag *
nta_store_spare(const struct nta_store *s)
{
	return s->mag[!nta_store_cur_idx(s)];
}

/* The first four count events of the fast paths, once per call or per
 * drain, and compile out with -Dcounters=false (NTA_FAST_COUNTERS 0:
 * they read 0); the rest count slow paths (the depot's under the pool
 * lock, failures, refused frees) and are always kept: the safety tests,
 * telemetry and the exhaustion log rely on them.
 */
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

/* The fewest and the most ways of a default lookup cache
 * (nta_lcore_hot_size_locked()): 512 bytes, and 128 KiB per lcore for a
 * pool of 4096 arenas (8 GiB in 2 MiB arenas).
 */
#define NTA_HOT_WAYS_MIN 16u
#define NTA_HOT_WAYS_MAX 4096u
/* the way is the arena number masked with the table's size - 1 */
static_assert(NTA_IS_POW2(NTA_HOT_WAYS_MIN) && NTA_IS_POW2(NTA_HOT_WAYS_MAX) &&
	      NTA_HOT_WAYS_MIN <= NTA_HOT_WAYS_MAX,
	      "lookup cache sizes must be powers of two");
/* One way of an lcore's lookup cache: an arena's first object, words,
 * object count (0: empty way) and first grid slot (see nta_arena).
 */
struct nta_hot {
	uintptr_t first;
	nta_word_t *state;
	uint8_t *home;
	uint32_t nb;
	uint32_t idx0;
};

/* Per-lcore part. The owner writes with plain or relaxed stores; readers
 * on other threads use relaxed atomic loads. The fast paths touch the
 * first line (the store), the loaded magazine and its word cache, and the
 * lookup cache's way of each row of objects.
 */
struct nta_lcore {
	struct nta_store s;
	/* lookup cache, owner only, by arena number (addr >> arena_shift)
	 * modulo hot_mask + 1: the fast paths find an object's word there
	 * without a table walk. Until the lcore's first use of the pool it
	 * is the pool's hot_none, which nothing fills; then a table of one
	 * way per arena, 16 at least (nta_lcore_hot_size_locked()): a
	 * burst of objects from more arenas than ways, as a pool shuffled
	 * by long use hands out, would evict a way at nearly every object.
	 */
	struct nta_hot *hot;
	uint32_t hot_mask;
	uint32_t pad0;
	const struct nta_arena *last; /* owner only: last arena looked up */
	struct nta_lane **lane_to;   /* [RTE_MAX_LCORE]: NULL until setup */
	struct nta_lane *lanes_in;   /* lanes to this lcore; acquire */
	struct nta_mag *ovf;         /* frees to this lcore that found their
				      * lane full; under the pool lock */
	uint64_t ovf_n;              /* objects in ovf; read relaxed */
	int32_t pid;                 /* process of the thread; 0 when none */
	uint32_t pad;
	/* owner only: its epoch (the value it last published) and when it
	 * sweeps next, off the epoch's line: senders read that line at
	 * each send, and the owner's loads there (the next epoch, the
	 * sweep check) missed after each such read (pipeline, cache 256:
	 * all but 4 % of nta_lcore_take's and nta_dequeue_bulk's samples)
	 */
	uint64_t epoch_own;
	uint64_t sweep_at;
	struct nta_counters cnt;
	/* hand-out calls so far: written by the owner once per call
	 * (release), read by senders once per batch (acquire), on a line
	 * that holds nothing else the owner writes every call
	 */
	uint64_t epoch __rte_cache_aligned;
	uint32_t scan_arena;         /* owner only: where the re-stamping */
	uint32_t scan_idx;           /* pass is (nta_lcore_restamp()) */
	/* 0 once its thread has left; read by senders with the epoch, on
	 * its line rather than the store's, which the owner writes every
	 * call (a sender's read there stalled the owner's next store)
	 */
	uint32_t live;
	/* owner only, at sweeps: a lookup cache that found no memory is
	 * asked for again after hot_wait more sweeps; hot_backoff is the
	 * wait after the last failure (nta_lcore_hot_retry())
	 */
	uint16_t hot_backoff;
	uint16_t hot_wait;
} __rte_cache_aligned;
static_assert(offsetof(struct nta_lcore, s) == 0 &&
	      offsetof(struct nta_lcore, pad0) + sizeof(uint32_t) <=
	      RTE_CACHE_LINE_SIZE,
	      "the store and the lookup cache's pointer and mask are in the first cache line");
static_assert(RTE_CACHE_LINE_SIZE % sizeof(struct nta_hot) == 0,
	      "each way of the lookup cache is on one cache line");

/* Free objects shared by unregistered threads (see nta_unreg.c): a store
 * behind a try-lock.
 */
#define NTA_UNREG_SLOTS 8u

struct nta_unreg_slot {
	int32_t holder;              /* process of the thread using the
				      * slot, 0 when free: the lock and its
				      * owner in one word, so that a holder
				      * killed at any point is found */
	uint32_t pad;
	struct nta_store s;
} __rte_cache_aligned;

/* The depot: magazines nobody holds. At most one is partly filled, so
 * that an empty one is always there for an lcore that gives back a full
 * one (see nta_depot.c). Under the pool lock; count read relaxed.
 */
struct nta_depot {
	struct nta_mag *full;
	struct nta_mag *empty;
	struct nta_mag *part;
	uint32_t nb_mags;
	uint32_t min_mags;           /* ceil(populated / M) + 1 + homes */
	uint64_t count;
};

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
	uint32_t mag_size;           /* M: objects per magazine */
	uint64_t exhaust_log_tsc;    /* last exhaustion report (rate limit) */
	struct nta_arena **arenas;   /* under lock */
	uint32_t arenas_cap;
	uint32_t nb_dead;            /* lcores whose thread left; under lock */
	uint32_t hot_warned;         /* a lookup cache found no memory (logged
				      * once); under lock */
	uint64_t populated;
	uint64_t meta_bytes;
	struct nta_metablock *meta;  /* bump allocator for arena headers */
	struct nta_chunk *chunks;    /* magazines, lanes, lcore storage */
	struct nta_mag *ovf_free;    /* spare overflow magazines; under lock */
	pthread_mutex_t lock;        /* depot, arena table, overflow, reaping */
	struct nta_depot depot;
	struct nta_counters unreg_cnt; /* unregistered threads, atomic adds */
	struct nta_unreg_slot unreg[NTA_UNREG_SLOTS];
	/* the lookup cache of lcores that have not used the pool: one
	 * empty way (nb 0: every lookup misses), never written
	 */
	struct nta_hot hot_none;
	struct nta_lcore lc[RTE_MAX_LCORE];
};

#define NTA_POOL_LAYOUT ((NTA_POOL_LAYOUT_VERSION << 24) ^ \
	(uint32_t)sizeof(struct nta_pool) ^ \
	((uint32_t)offsetof(struct nta_pool, lock) << 12) ^ \
	((uint32_t)sizeof(struct nta_arena) << 16) ^ \
	((uint32_t)sizeof(struct nta_lcore) << 8) ^ \
	((uint32_t)sizeof(struct nta_lane) << 4))

/* pool_data is a pool this build of the driver may act on */
static inline int
nta_pool_ok(const struct nta_pool *p)
{
	return p != NULL && p->magic == NTA_POOL_MAGIC &&
		p->layout == NTA_POOL_LAYOUT;
}

/*
 * The owner code of store s of pool p: its lcore's (stores of lcores are
 * in p->lc[]), or UNREG for a slot of unregistered threads. The depot
 * knows a filed magazine by it (struct nta_mag.filer): every object in a
 * store has this code as home byte, so a magazine that comes back to a
 * store of the same owner needs no adoption. Never NTA_OWN_FREE.
 */
static inline uint32_t
nta_store_owner(const struct nta_pool *p, const struct nta_store *s)
{
	uintptr_t a = (uintptr_t)s, lc0 = (uintptr_t)&p->lc[0];

	if (a >= lc0 && a < (uintptr_t)&p->lc[RTE_MAX_LCORE])
		return nta_owner((unsigned int)((a - lc0) /
						sizeof(struct nta_lcore)));
	return NTA_OWN_UNREG;
}

/*
 * Functions between the driver's files, grouped by file from the bottom
 * of the layout up: a file calls only into the groups above its own
 * (doc/design.rst, source map; tests/apps/layout.sh checks it).
 */

/* nta_bad.c: bad frees */
void nta_bad_free(struct nta_pool *p, struct nta_counters *cnt,
		  const void *obj, enum rte_mempool_nta_bad_kind kind);
void nta_bad_burst_log(const struct nta_pool *p, unsigned int lcore_id,
		       unsigned int nb_bad, const void *first,
		       enum rte_mempool_nta_bad_kind kind);
const char *nta_bad_kind_str(enum rte_mempool_nta_bad_kind kind);
enum rte_mempool_nta_bad_kind nta_classify_foreign(const struct nta_pool *p,
						   const void *obj);

/* nta_lock.c: the pool lock, process identity */
void nta_lock(struct nta_pool *p);
void nta_unlock(struct nta_pool *p);
int nta_lock_held(struct nta_pool *p);
int32_t nta_self_pid(void);
/* this process's pid once nta_self_pid() has run, else 0 */
extern int32_t nta_pid_cached;

/* nta_lookup.c: an object's word the long way */
nta_word_t *nta_word_slow(const struct nta_pool *p, struct nta_lcore *lc,
			const void *obj, uint8_t **home);

/* nta_ovf.c: overflow lists repacked when memory runs out */
int nta_ovf_keep(struct nta_pool *p, struct nta_lcore *lc, uint32_t owner,
		 void *o, uint64_t t, uint64_t T);
uint64_t nta_ovf_repack_locked(struct nta_pool *p, unsigned int home,
			       int dedupe);

/* nta_depot.c: magazines and the depot */
void *nta_chunk_alloc(struct nta_pool *p, size_t size, const char *type);
void nta_chunks_free(struct nta_pool *p);
struct nta_mag *nta_mag_new(struct nta_pool *p);
void nta_depot_file_locked(struct nta_pool *p, struct nta_mag *m);
struct nta_mag *nta_depot_get_locked(struct nta_pool *p, int full);
struct nta_mag *nta_depot_get_full_locked(struct nta_pool *p, uint32_t filer,
					  int *own);
void nta_depot_put_locked(struct nta_pool *p, void * const *objs,
			  unsigned int n);
unsigned int nta_depot_take_locked(struct nta_pool *p, void **objs,
				   unsigned int n);
int nta_depot_reserve_locked(struct nta_pool *p, uint64_t objects);
void nta_ovf_release_locked(struct nta_pool *p, struct nta_mag *m);
uint64_t nta_depot_reclaim_locked(struct nta_pool *p, unsigned int home);
struct nta_mag *nta_depot_get_empty_locked(struct nta_pool *p);
int nta_depot_take_blocks(struct nta_pool *p, void **first, unsigned int n,
			  uint32_t owner, uint64_t e);

/* nta_store.c: one store (lcore or slot) */
int nta_store_attach_locked(struct nta_pool *p, struct nta_store *s);
void nta_store_detach_locked(struct nta_pool *p, struct nta_store *s);
int nta_store_make_room(struct nta_pool *p, struct nta_store *s,
			struct nta_counters *cnt);
void nta_store_forget(struct nta_store *s);
int nta_store_swap_or_depot(struct nta_pool *p, struct nta_store *s,
			    struct nta_counters *cnt);
uint64_t nta_store_count(const struct nta_store *s);
void nta_store_mark_free(struct nta_pool *p, struct nta_store *s);
void nta_store_pop_uncached(const struct nta_pool *p, struct nta_lcore *lc,
			    void * const *objs, unsigned int n, nta_word_t v);

/* nta_lane.c: remote frees */
size_t nta_lane_memsize(uint32_t size);
struct nta_lane *nta_lane_create(struct nta_pool *p, unsigned int src,
				 unsigned int home);
unsigned int nta_lanes_drain(struct nta_pool *p, unsigned int home,
			     struct nta_lcore *me, void **obj,
			     struct nta_store *s, unsigned int max, uint64_t e);
uint64_t nta_lanes_pending(const struct nta_pool *p, unsigned int home);
uint64_t nta_lanes_sweep(struct nta_pool *p, unsigned int home);
void nta_ovf_push_locked(struct nta_pool *p, unsigned int home,
			 void * const *obj, unsigned int n, uint64_t e);
unsigned int nta_dead_take_locked(struct nta_pool *p, unsigned int home,
				  void * const *obj, unsigned int n);

/* nta_unreg.c: slots of unregistered threads */
struct nta_unreg_slot *nta_unreg_lock(struct nta_pool *p);
void nta_unreg_unlock(struct nta_unreg_slot *s);
unsigned int nta_unreg_reclaim(struct nta_pool *p);
uint64_t nta_unreg_count(const struct nta_pool *p);

/* nta_lcore.c: lcore life */
int nta_lcore_setup(struct nta_pool *p, unsigned int id);
unsigned int nta_lcore_retire(struct nta_pool *p, unsigned int id);
void nta_lcore_adopt(struct nta_pool *p, unsigned int id);

/* Is lcore id's part of the pool this process's (or unused)? One compare
 * per call on the fast paths: a part that names another process, one
 * that may have been killed in the middle of a call, is retired before
 * this thread touches it (nta_lcore_adopt()).
 */
static inline void
nta_lcore_check(struct nta_pool *p, struct nta_lcore *lc, unsigned int id)
{
	if (unlikely(lc->pid != nta_pid_cached))
		nta_lcore_adopt(p, id);
}
unsigned int nta_lcore_take(struct nta_pool *p, struct nta_lcore *lc,
			    unsigned int id, void **objs, unsigned int n);
void nta_lcore_sweep(struct nta_pool *p, struct nta_lcore *lc,
		     unsigned int id);
void nta_reap_locked(struct nta_pool *p);
unsigned int nta_drain_dead_locked(struct nta_pool *p, unsigned int id);
int nta_reclaim(struct nta_pool *p);

/* nta_layout.c: geometry, directory, populate */
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

/* nta_pool.c: a pool's life */
int nta_alloc(struct rte_mempool *mp);
void nta_free(struct rte_mempool *mp);
struct nta_pool *nta_pool_of(const struct rte_mempool *mp);
uint64_t nta_pool_count(const struct nta_pool *p);

/* nta_stats.c: counters, audit, public API */
void nta_exhaustion_log(struct nta_pool *p, unsigned int lcore_id,
			unsigned int n);

/* ---- small inline helpers shared by the fast path ---- */

/*
 * The home sweeps (validates everything sent to it so far, and re-stamps
 * a part of the words) once per NTA_SWEEP_EVERY epochs, whether or not it
 * ever runs out of objects.
 */
#define NTA_SWEEP_EVERY 4096u
/* Stamps older than NTA_RESTAMP_AGE epochs are moved up to that age by
 * the sweeps, which visit every word once per NTA_RESTAMP_PASS epochs: no
 * stamp of a USED object gets older than the sum, and 24 bits read right.
 * A free whose sender read the home's epoch more than NTA_RESTAMP_AGE
 * epochs before the home validates it may find a later stamp than the
 * object's own hand-out, and be refused (a sender preempted that long).
 */
#define NTA_RESTAMP_AGE (UINT64_C(1) << 22)
#define NTA_RESTAMP_PASS (UINT64_C(1) << 21)
static_assert(NTA_RESTAMP_AGE + NTA_RESTAMP_PASS + NTA_SWEEP_EVERY <
	      (UINT64_C(1) << (NTA_EPOCH_BITS - 1)),
	      "a stamp must stay readable (nta_word_epoch())");

static inline void
nta_lcore_tick(struct nta_pool *p, struct nta_lcore *lc, unsigned int id)
{
	if (unlikely(lc->epoch_own >= lc->sweep_at))
		nta_lcore_sweep(p, lc, id);
}

static inline void
nta_cnt_add(uint64_t *c, uint64_t v)
{
	/* owner-only counter: a relaxed store keeps readers race-free */
	__atomic_store_n(c, *c + v, __ATOMIC_RELAXED);
}

/* Counters of an lcore have one writer; those of unregistered threads
 * (p->unreg_cnt) are shared.
 */
static inline void
nta_cnt_add_by(const struct nta_pool *p, const struct nta_counters *cnt,
	       uint64_t *c, uint64_t v)
{
	if (cnt == &p->unreg_cnt)
		__atomic_fetch_add(c, v, __ATOMIC_RELAXED);
	else
		nta_cnt_add(c, v);
}

/* A fast-path counter (local_hits, local_frees, remote_sent,
 * remote_drained): nothing at all with -Dcounters=false.
 */
static inline void
nta_cnt_fast(uint64_t *c, uint64_t v)
{
#if NTA_FAST_COUNTERS
	nta_cnt_add(c, v);
#else
	RTE_SET_USED(c);
	RTE_SET_USED(v);
#endif
}

static inline void
nta_cnt_fast_by(const struct nta_pool *p, const struct nta_counters *cnt,
		uint64_t *c, uint64_t v)
{
#if NTA_FAST_COUNTERS
	nta_cnt_add_by(p, cnt, c, v);
#else
	RTE_SET_USED(p);
	RTE_SET_USED(cnt);
	RTE_SET_USED(c);
	RTE_SET_USED(v);
#endif
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
static __rte_always_inline uint64_t
nta_div_rot(uint64_t off, uint64_t inv, unsigned int rot)
{
	uint64_t q = off * inv;

	return (q >> rot) | (q << ((64 - rot) & 63));
}

static inline uint64_t
nta_div_exact(const struct nta_layout *l, uint64_t off)
{
	return nta_div_rot(off, l->div_inv, l->div_rot);
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

static inline struct nta_hot *
nta_hot_way(const struct nta_pool *p, struct nta_lcore *lc, uintptr_t addr)
{
	return &lc->hot[(addr >> p->lay.arena_shift) & lc->hot_mask];
}

/* Enter a in the owner's lookup cache (NULL: forget everything). */
static inline void
nta_lcore_set_last(const struct nta_pool *p, struct nta_lcore *lc,
		   const struct nta_arena *a)
{
	struct nta_hot *h;

	lc->last = a;
	/* an lcore not set up yet shares p->hot_none with the others */
	if (lc->hot == &p->hot_none)
		return;
	if (a == NULL) {
		memset(lc->hot, 0, (lc->hot_mask + 1) * sizeof(lc->hot[0]));
		return;
	}
	h = nta_hot_way(p, lc, a->start);
	h->first = a->first;
	h->state = (nta_word_t *)(uintptr_t)a->state;
	h->home = a->home;
	h->nb = a->nb;
	h->idx0 = a->idx0;
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

/*
 * What the fast loops read for every object, copied once per call into
 * locals, so that the word stores in the loop (which the compiler must
 * assume may alias the pool's fields) do not reload them.
 */
struct nta_hot_key {
	const struct nta_hot *hot;
	uintptr_t hot_mask;
	uint64_t inv;
	unsigned int rot;
	unsigned int arena_shift;
	unsigned int page_shift;
	uint32_t per_page;
};

static __rte_always_inline void
nta_hot_key_init(const struct nta_pool *p, const struct nta_lcore *lc,
		 struct nta_hot_key *k)
{
	k->hot = lc->hot;
	k->hot_mask = lc->hot_mask;
	k->inv = p->lay.div_inv;
	k->rot = p->lay.div_rot;
	k->arena_shift = p->lay.arena_shift;
	k->page_shift = p->lay.page_shift;
	k->per_page = p->lay.per_page;
}

/* Do objects stay within pages smaller than an arena (the grid restarts
 * on each page)? Callers pass the answer to nta_hot_slot() as a constant,
 * so each case gets its own loop.
 */
static inline int
nta_paged(const struct nta_pool *p)
{
	return p->lay.page_shift != p->lay.arena_shift;
}

/*
 * The way of obj's arena in the lookup cache and obj's slot in it (*slot),
 * or NULL. Unpaged: one multiply and rotate (nta_div_rot) and one
 * compare; paged, the slot is found page by page as in nta_arena_slot().
 */
static __rte_always_inline const struct nta_hot *
nta_hot_slot(const struct nta_hot_key *k, const void *obj, const int paged,
	     uint64_t *slot)
{
	uintptr_t addr = (uintptr_t)obj;
	const struct nta_hot *h =
		&k->hot[(addr >> k->arena_shift) & k->hot_mask];
	uint64_t rel = addr - h->first, q, s;

	if (!paged) {
		s = nta_div_rot(rel, k->inv, k->rot);
	} else {
		q = nta_div_rot(rel & ((UINT64_C(1) << k->page_shift) - 1),
				k->inv, k->rot);
		/* rel below 2^arena_shift: addr is not below first */
		if (unlikely(q >= k->per_page || (rel >> k->arena_shift) != 0))
			return NULL;
		s = (rel >> k->page_shift) * k->per_page + q - h->idx0;
	}
	*slot = s;
	return likely(s < h->nb) ? h : NULL;
}

/*
 * The arena a loop over a row of objects is in, held in registers: a run
 * of objects from one arena (the usual row: what one lcore handed out
 * from a magazine) costs one subtract, multiply, rotate and compare each,
 * without the way's loads. nb 0 until the first object.
 */
struct nta_hot_cur {
	uintptr_t first;
	nta_word_t *state;
	uint8_t *home;
	uint64_t nb;
};

static __rte_always_inline void
nta_hot_cur_init(struct nta_hot_cur *c)
{
	c->first = 0;
	c->state = NULL;
	c->home = NULL;
	c->nb = 0;
}

/* Like nta_hot_slot(), trying the arena of the last object first (paged
 * geometries go to the way every time); c follows obj's arena.
 */
static __rte_always_inline int
nta_hot_cur_slot(const struct nta_hot_key *k, struct nta_hot_cur *c,
		 const void *obj, const int paged, uint64_t *slot)
{
	const struct nta_hot *h;

	if (!paged) {
		uint64_t s = nta_div_rot((uintptr_t)obj - c->first, k->inv,
					 k->rot);

		if (likely(s < c->nb)) {
			*slot = s;
			return 1;
		}
	}
	h = nta_hot_slot(k, obj, paged, slot);
	if (unlikely(h == NULL))
		return 0;
	c->first = h->first;
	c->state = h->state;
	c->home = h->home;
	c->nb = h->nb;
	return 1;
}

/* Word of obj, or NULL if obj is not an object start of this pool; its
 * home byte in *home when home is not NULL. lc (may be NULL) is the
 * caller's lookup cache.
 */
static inline nta_word_t *
nta_word_of(const struct nta_pool *p, struct nta_lcore *lc, const void *obj,
	    uint8_t **home)
{
	if (lc != NULL) {
		struct nta_hot_key k;
		const struct nta_hot *h;
		uint64_t s;

		nta_hot_key_init(p, lc, &k);
		h = nta_paged(p) ? nta_hot_slot(&k, obj, 1, &s) :
			nta_hot_slot(&k, obj, 0, &s);
		if (likely(h != NULL)) {
			if (home != NULL)
				*home = h->home + s;
			return h->state + s;
		}
	}
	return nta_word_slow(p, lc, obj, home);
}

/*
 * The object word: every access to it goes through these. Relaxed is
 * enough for all of them: a word is written by one thread at a time (the
 * object's home, or the holder of the store it sits in), and the hand-overs
 * between those threads (lane publish, pool lock, slot lock) carry the
 * ordering; the only concurrent writers, frees of an UNREG object, use the
 * CAS.
 */
static inline nta_word_t
nta_word_load(const nta_word_t *w)
{
	return __atomic_load_n(w, __ATOMIC_RELAXED);
}

static inline void
nta_word_store(nta_word_t *w, nta_word_t v)
{
	__atomic_store_n(w, v, __ATOMIC_RELAXED);
}

/* The word of v once freed: owner FREE (the epoch is kept, unused). */
static_assert(NTA_OWN_FREE == 0, "clearing the owner byte must make it FREE");
static inline nta_word_t
nta_word_freed(nta_word_t v)
{
	return v & ~(nta_word_t)NTA_OWN_MASK;
}

/* The word of an object handed out by owner at epoch e. */
static inline nta_word_t
nta_word_used(uint32_t owner, uint64_t e)
{
	RTE_ASSERT(owner != NTA_OWN_FREE && owner <= NTA_OWN_MASK);
	return (nta_word_t)((e & NTA_EPOCH_MASK) << NTA_EPOCH_SHIFT) | owner;
}

/*
 * The full hand-out epoch of a USED word of home h, whose epoch is now:
 * the latest one not after now with the word's 24 bits. Right while the
 * object was handed out less than 2^24 epochs ago; the home's sweeps
 * move older stamps forward (nta_lcore_restamp()), which keeps every one
 * younger than 2^23.
 */
static inline uint64_t
nta_word_epoch(nta_word_t v, uint64_t now)
{
	return now - ((now - (v >> NTA_EPOCH_SHIFT)) & NTA_EPOCH_MASK);
}

/* Claim an UNREG object for a free: exactly one of racing frees wins. */
static inline int
nta_word_claim(nta_word_t *w, nta_word_t v)
{
	return __atomic_compare_exchange_n(w, &v, nta_word_freed(v), 0,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

/* Record that owner handed the object out (a store to a read-mostly
 * line only when the home changes).
 */
static inline void
nta_home_set(uint8_t *home, uint32_t owner)
{
	/* relaxed: senders read it after the object reached them, through
	 * whatever passed it on (which orders it)
	 */
	if (__atomic_load_n(home, __ATOMIC_RELAXED) != owner)
		__atomic_store_n(home, (uint8_t)owner, __ATOMIC_RELAXED);
}

/*
 * Lane entries are object pointers (even: objects are at least 8-byte
 * aligned) and run headers, odd: the home's epoch e, read by the sender
 * while it held the objects, as (e << 1) | 1, before the objects of the
 * run. (Overflow magazines carry the newest run's epoch in the magazine,
 * and a header after each older run.)
 */
/* the header keeps e's low 63 bits: a lane entry must hold 64 */
static_assert(sizeof(uintptr_t) == sizeof(uint64_t),
	      "lane entries must be 64 bits wide");

static inline uintptr_t
nta_run_hdr(uint64_t e)
{
	RTE_ASSERT(e < (UINT64_C(1) << 63));
	return (uintptr_t)(e << 1) | 1;
}

static inline int
nta_is_hdr(uintptr_t x)
{
	return (x & 1) != 0;
}

static inline uint64_t
nta_hdr_epoch(uintptr_t x)
{
	return (uint64_t)x >> 1;
}

/*
 * Does word v hold a use by owner that began no later than epoch t, the
 * run's? now is the home's epoch (to read the word's stamp).
 */
static inline int
nta_free_accepts(nta_word_t v, uint32_t owner, uint64_t t, uint64_t now)
{
	return (v & NTA_OWN_MASK) == owner && nta_word_epoch(v, now) <= t;
}

/* ---- store fast paths (owner only) ---- */

/* A new hand-out call of lcore lc: its epoch. */
static inline uint64_t
nta_epoch_next(struct nta_lcore *lc)
{
	return lc->epoch_own + 1;
}

/* Publish epoch e once the words are stamped with it, before the objects
 * leave the call: a sender that got one reads an epoch at least e. The
 * owner's copy first: a process killed between the two leaves it ahead,
 * and a new thread on the lcore goes on from it, so a kill after the
 * copy's store never reuses an epoch (one before it may: the retirement
 * of the dead lcore settles its store and lanes at the older epoch
 * before a new thread runs).
 */
static inline void
nta_epoch_publish(struct nta_lcore *lc, uint64_t e)
{
	lc->epoch_own = e;
	/* release: pairs with the acquire in nta_send_open() */
	__atomic_store_n(&lc->epoch, e, __ATOMIC_RELEASE);
}

/*
 * Hand out the n newest objects of a store holding at least n: each
 * pointer copied out and its word stamped in one pass, the word's address
 * taken from the word cache; the objects that came with the magazine
 * (below wlo) are copied, then looked up. Their home bytes already say
 * owner: objects enter a store only from its owner's frees and lanes, or
 * adopted (nta_store_adopt()).
 * lc: the caller's part (its epoch stamps the words, its lookup cache
 * serves the lookups), or NULL for a slot of unregistered threads.
 */
static inline void
nta_store_pop(const struct nta_pool *p, struct nta_lcore *lc,
	      struct nta_store *s, void **objs, unsigned int n,
	      uint32_t owner)
{
	void * const * const obj = s->obj;
	nta_word_t * const * const wc = s->wc;
	const unsigned int len = s->len - n;
	/* how many of the n came with the magazine: the oldest ones */
	const unsigned int k = s->wlo > len ? s->wlo - len : 0;
	const uint64_t e = lc != NULL ? nta_epoch_next(lc) : 0;
	const nta_word_t v = nta_word_used(owner, e);
	unsigned int i;

	RTE_ASSERT(n <= s->len && s->len <= s->cap && s->wlo <= s->len);
	for (i = 0; i < n - k; i++) {
		objs[i] = obj[len + n - 1 - i];
		nta_word_store(wc[len + n - 1 - i], v);
	}
	for (; i < n; i++)
		objs[i] = obj[len + n - 1 - i];
	if (unlikely(k != 0)) {
		nta_store_pop_uncached(p, lc, objs + n - k, k, v);
		s->wlo = len;
	}
	if (lc != NULL)
		nta_epoch_publish(lc, e);
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
}

/*
 * The one push onto a store: obj, whose word is w, at position len of its
 * loaded magazine (objs and wc, the caller's copies of s->obj and s->wc),
 * the length raised at once. Every free puts the object there before its
 * word says FREE: a process killed in between leaves it in the store,
 * where the retirement of the lcore or the take-over of the slot marks it
 * free (nta_store_mark_free()), never free and in no place. The room is
 * the caller's to check. Returns the new length.
 */
static inline unsigned int
nta_store_place(struct nta_store *s, void **objs, nta_word_t **wc,
		unsigned int len, void *obj, nta_word_t *w)
{
	/* the caller's copies are the store's own, and it checked room */
	RTE_ASSERT(objs == s->obj && wc == s->wc && len == s->len &&
		   len < s->cap && s->wlo <= len);
	objs[len] = obj;
	wc[len] = w;
	/* program order is what a kill keeps: the entry is written before
	 * the length that covers it, and both before the caller's word
	 * store (a compiler barrier is enough: a killed thread stops at an
	 * instruction, and its reaper reads after the kernel reaped it)
	 */
	rte_compiler_barrier();
	/* relaxed: a count for readers, who tolerate a stale one */
	__atomic_store_n(&s->len, len + 1, __ATOMIC_RELAXED);
	rte_compiler_barrier();
	return len + 1;
}

/* Keep a free object whose word (v) the caller checked; the store has
 * room.
 */
static inline void
nta_store_push(struct nta_store *s, void *obj, nta_word_t *w, nta_word_t v)
{
	nta_store_place(s, s->obj, s->wc, s->len, obj, w);
	nta_word_store(w, nta_word_freed(v));
}

/* ---- vector bulk loops (nta_simd.c) ---- */

#define NTA_SIMD_UNKNOWN (-1)
#define NTA_SIMD_OFF 0
#define NTA_SIMD_ON 1
/* this process's choice, NTA_SIMD_UNKNOWN until its first bulk call */
extern int nta_simd_state __attribute__((visibility("hidden")));
int nta_simd_probe(void);
/* nta_simd_put(): the first object is another home's */
#define NTA_SIMD_FOREIGN UINT_MAX
/* nta_simd_put(): took nothing, without reading the first home byte */
#define NTA_SIMD_UNSEEN (UINT_MAX - 1)
unsigned int nta_simd_put(const struct nta_pool *p, struct nta_lcore *lc,
			  void * const *objs, unsigned int n, uint32_t mine);
void nta_simd_pop(const struct nta_pool *p, struct nta_lcore *lc,
		  void **objs, unsigned int n, uint32_t owner);

/* Do the bulk paths of this process use the vector steps? */
static inline int
nta_simd_on(void)
{
	/* relaxed: set once, to the same value by whoever probes */
	int st = __atomic_load_n(&nta_simd_state, __ATOMIC_RELAXED);

	if (likely(st != NTA_SIMD_UNKNOWN))
		return st;
	return nta_simd_probe();
}

#endif /* NTA_PRIVATE_H */
