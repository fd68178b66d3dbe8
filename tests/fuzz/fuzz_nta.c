/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * libFuzzer harness for the nta mempool handler.
 *
 * The driver sources are compiled into this executable (see
 * tests/meson.build, option -Dfuzz=true), with ASan, UBSan and coverage.
 * Each input is a small program: a 16-byte header chooses two pools (sizes,
 * element sizes, cache sizes, nta tuning, populate flavour, and whether the
 * second one runs on nta or ring_mp_mc), then every following byte group is
 * one operation: get/put in bulk with or without the mempool cache, bad
 * frees of every kind, lcore switches (the harness impersonates lcores
 * 0..3 and unregistered threads by writing EAL's thread-local lcore id),
 * lcore and cache flushes, contiguous blocks, audits, statistics, and real
 * threads that register, work and unregister.
 *
 * A reference model (which objects the harness holds, and the bytes it last
 * wrote into each object) is checked after every operation:
 *   - avail_count + held == size, for each pool;
 *   - a failed get changes nothing; a good get returns distinct pool
 *     objects the harness does not hold, with their header intact and the
 *     bytes the harness left in them when it freed them unchanged (the pool
 *     never writes into a free object);
 *   - nothing writes into held objects;
 *   - a bad free raises exactly its kind's counter and changes no count;
 *   - audit == 0 and its figures match the model;
 *   - at the end: everything back, every cache and lcore flushed, the whole
 *     pool in the depot and obtainable in one bulk, audit clean, and every
 *     byte of driver metadata freed with the pool.
 * Any violation aborts (a crash for libFuzzer).
 *
 * Driver memory: the driver's rte_malloc family calls are wrapped
 * (-Wl,--wrap, see tests/meson.build and asan_heap.c) onto the ASan heap,
 * so that an overflow of driver metadata is caught (Debian's DPDK heap has
 * no ASan shadow), leaks are counted exactly, and header byte 1 can make
 * the Nth allocation fail (failed creates must free what they took; a
 * failed lcore setup must fall back to the shared path; a half-done
 * populate must leave a pool that populates again).
 *
 * Environment: NTA_FUZZ_VERBOSE=1 traces every operation;
 * NTA_FUZZ_STRICT_KIND=1 makes the known bad-free misclassification near
 * arena edges fatal (see put_checked() and README.md).
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "nta_private.h" /* diagnostics only: where the driver finds a pointer */
#include "asan_heap.h"

/* harness-only hot loops: kept out of coverage (not the code under test) */
#define FZ_NOCOV __attribute__((no_sanitize("coverage")))

#define FZ_MAX_OBJS 1024u     /* largest pool */
#define FZ_MAX_GET  2048u     /* largest single request */
#define FZ_MAX_OPS  400u      /* operations per input */
#define FZ_LCORES   4u        /* EAL lcores 0..3, all on cpu 0 */

/* ------------------------------------------------------------------ */
/* failures                                                            */

static const char *fz_what = "";
static int fz_verbose; /* NTA_FUZZ_VERBOSE=1: trace every operation */

#define FZ_TRACE(...) do { \
	if (unlikely(fz_verbose)) \
		fprintf(stderr, __VA_ARGS__); \
} while (0)

#define FZ_ASSERT(cond, ...) do { \
	if (unlikely(!(cond))) { \
		fprintf(stderr, "\nNTA FUZZ VIOLATION %s:%d (%s): %s\n  ", \
			__FILE__, __LINE__, fz_what, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fprintf(stderr, "\n"); \
		abort(); \
	} \
} while (0)

/* ------------------------------------------------------------------ */
/* input reader: bytes past the end read as zero                       */

struct fz_rd {
	const uint8_t *p;
	size_t n;
};

static uint8_t
rd8(struct fz_rd *r)
{
	if (r->n == 0)
		return 0;
	r->n--;
	return *r->p++;
}

static uint16_t
rd16(struct fz_rd *r)
{
	uint16_t v = rd8(r);

	return (uint16_t)(v | (uint16_t)rd8(r) << 8);
}

/* ------------------------------------------------------------------ */
/* lcore impersonation                                                 */

static void
fz_set_lcore(unsigned int id)
{
	RTE_PER_LCORE(_lcore_id) = id;
}

/* ------------------------------------------------------------------ */
/* the reference model of one pool                                     */

struct fz_pool {
	struct rte_mempool *mp;
	struct rte_mempool_nta_params prm;
	int nta;
	int anon;                /* objects outside DPDK memory */
	int id;
	unsigned int n;          /* objects populated */
	size_t elt, hdr, total;  /* object bytes, header, header+obj+trailer */
	void *objs[FZ_MAX_OBJS]; /* sorted: every object of the pool */
	uint8_t held[FZ_MAX_OBJS];
	uint64_t tag[FZ_MAX_OBJS];  /* pattern last written, 0: none */
	uint32_t hl[FZ_MAX_OBJS];   /* held indices */
	uint32_t hpos[FZ_MAX_OBJS]; /* index -> position in hl */
	unsigned int nheld;
};

static struct fz_pool fz_pools[2];
static uint64_t fz_seq;

static int
ptr_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static void
collect_obj(struct rte_mempool *mp, void *arg, void *obj, unsigned int i)
{
	struct fz_pool *pm = arg;

	RTE_SET_USED(mp);
	RTE_SET_USED(i);
	FZ_ASSERT(pm->n < FZ_MAX_OBJS, "more objects than asked for");
	pm->objs[pm->n++] = obj;
}

static FZ_NOCOV int
obj_index(const struct fz_pool *pm, const void *obj)
{
	unsigned int lo = 0, hi = pm->n;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;

		if ((uintptr_t)pm->objs[mid] < (uintptr_t)obj)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < pm->n && pm->objs[lo] == obj ? (int)lo : -1;
}

/* The pattern: 64-bit words derived from the tag, over the whole object
 * when small, else its first and last 256 bytes and one word of every
 * KiB. Element sizes are multiples of 8 (the library rounds them up).
 * The hot loops are kept out of coverage: they are the harness, not the
 * code under test.
 */
static inline FZ_NOCOV uint64_t
pat_word(uint64_t tag, size_t w)
{
	return tag ^ ((uint64_t)(w + 1) * 0x9e3779b97f4a7c15ull);
}

static inline FZ_NOCOV size_t
pat_next(size_t elt, size_t j)
{
	/* next pattern offset after j (all offsets multiples of 8) */
	j += 8;
	if (elt > 512 && j >= 256 && j < elt - 256) {
		size_t k = RTE_ALIGN_CEIL(j, 1024);

		j = k < elt - 256 ? k : elt - 256;
	}
	return j;
}

static FZ_NOCOV void
pat_write(const struct fz_pool *pm, void *obj, uint64_t tag)
{
	size_t j;

	for (j = 0; j + 8 <= pm->elt; j = pat_next(pm->elt, j)) {
		uint64_t v = pat_word(tag, j / 8);

		memcpy(RTE_PTR_ADD(obj, j), &v, 8);
	}
}

static FZ_NOCOV void
pat_check(const struct fz_pool *pm, const void *obj, uint64_t tag,
	  const char *when)
{
	const struct rte_mempool_objhdr *h = RTE_PTR_SUB(obj, sizeof(*h));
	size_t j;

	FZ_ASSERT(h->mp == pm->mp, "pool %d object %p (%s): header pool pointer %p, want %p",
		  pm->id, obj, when, (void *)h->mp, (void *)pm->mp);
	if (tag == 0)
		return;
	for (j = 0; j + 8 <= pm->elt; j = pat_next(pm->elt, j)) {
		uint64_t v;

		memcpy(&v, RTE_PTR_ADD(obj, j), 8);
		FZ_ASSERT(v == pat_word(tag, j / 8),
			  "pool %d object %p bytes %zu..%zu modified (%s): %#" PRIx64 ", want %#" PRIx64,
			  pm->id, obj, j, j + 7, when, v, pat_word(tag, j / 8));
	}
}

static void
hold(struct fz_pool *pm, unsigned int i)
{
	pm->held[i] = 1;
	pm->hpos[i] = pm->nheld;
	pm->hl[pm->nheld++] = i;
}

static void
unhold(struct fz_pool *pm, unsigned int i)
{
	uint32_t pos = pm->hpos[i], last = pm->hl[--pm->nheld];

	pm->hl[pos] = last;
	pm->hpos[last] = pos;
	pm->held[i] = 0;
}

static unsigned int
cache_total(const struct fz_pool *pm)
{
	unsigned int i, t = 0;

	if (pm->mp->cache_size == 0)
		return 0;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		t += pm->mp->local_cache[i].len;
	return t;
}

static FZ_NOCOV int
in_some_cache(const struct fz_pool *pm, const void *obj)
{
	unsigned int i, j;

	if (pm->mp->cache_size == 0)
		return 0;
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct rte_mempool_cache *c = &pm->mp->local_cache[i];

		for (j = 0; j < c->len; j++)
			if (c->objs[j] == obj)
				return 1;
	}
	return 0;
}

static void
check_counts(const struct fz_pool *pm)
{
	unsigned int avail = rte_mempool_avail_count(pm->mp);

	FZ_ASSERT(avail + pm->nheld == pm->n,
		  "pool %d: avail %u + held %u != size %u (cache %u)",
		  pm->id, avail, pm->nheld, pm->n, cache_total(pm));
	FZ_ASSERT(rte_mempool_in_use_count(pm->mp) == pm->nheld,
		  "pool %d: in_use %u != held %u", pm->id,
		  rte_mempool_in_use_count(pm->mp), pm->nheld);
}

/* cheap check of every held object: its first pattern word */
static FZ_NOCOV void
check_held_quick(const struct fz_pool *pm)
{
	unsigned int k;
	uint64_t v;

	if (pm->elt < 8)
		return;
	for (k = 0; k < pm->nheld; k++) {
		unsigned int i = pm->hl[k];

		memcpy(&v, pm->objs[i], 8);
		FZ_ASSERT(v == pat_word(pm->tag[i], 0),
			  "pool %d held object %p overwritten: %#" PRIx64,
			  pm->id, pm->objs[i], v);
	}
}

static void
check_all(void)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		if (fz_pools[k].mp == NULL)
			continue;
		check_counts(&fz_pools[k]);
		check_held_quick(&fz_pools[k]);
	}
}

/* Objects just obtained: pool objects, distinct, not held, untouched
 * since the harness freed them; then held and stamped.
 */
static FZ_NOCOV void
take_objects(struct fz_pool *pm, void **objs, unsigned int n)
{
	unsigned int k;

	for (k = 0; k < n; k++) {
		int i = obj_index(pm, objs[k]);

		FZ_ASSERT(i >= 0, "pool %d handed out %p: not one of its objects",
			  pm->id, objs[k]);
		FZ_ASSERT(!pm->held[i], "pool %d handed out %p twice (held)",
			  pm->id, objs[k]);
		pat_check(pm, objs[k], pm->tag[i], "free object modified in the pool");
		hold(pm, (unsigned int)i);
		pm->tag[i] = (++fz_seq << 8) | (uint64_t)(pm->id + 1);
		pat_write(pm, objs[k], pm->tag[i]);
	}
}

static void *fz_buf[FZ_MAX_GET + 64];
static void *fz_buf2[FZ_MAX_GET + 64];

static int
do_get(struct fz_pool *pm, unsigned int n, int use_cache)
{
	unsigned int before = rte_mempool_avail_count(pm->mp);
	int ret;

	fz_what = "get";
	if (n > FZ_MAX_GET)
		n = FZ_MAX_GET;
	if (use_cache)
		ret = rte_mempool_get_bulk(pm->mp, fz_buf, n);
	else
		ret = rte_mempool_generic_get(pm->mp, fz_buf, n, NULL);
	if (ret != 0) {
		FZ_ASSERT(ret < 0, "get returned %d", ret);
		FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before,
			  "pool %d: failed get of %u changed avail %u -> %u",
			  pm->id, n, before, rte_mempool_avail_count(pm->mp));
		/* ring_mp_mc refuses n == 0; nta must not */
		FZ_ASSERT(n > 0 || !pm->nta, "pool %d: get of 0 failed", pm->id);
		return 0;
	}
	take_objects(pm, fz_buf, n);
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before - n,
		  "pool %d: get of %u: avail %u -> %u", pm->id, n, before,
		  rte_mempool_avail_count(pm->mp));
	return (int)n;
}

/* Put k held objects (from position `from` of the held list). */
static void
do_put(struct fz_pool *pm, unsigned int k, unsigned int from, int use_cache)
{
	unsigned int before = rte_mempool_avail_count(pm->mp), j;

	fz_what = "put";
	if (k > pm->nheld)
		k = pm->nheld;
	if (k == 0)
		return;
	from %= pm->nheld;
	for (j = 0; j < k; j++) {
		unsigned int i = pm->hl[(from + j) % pm->nheld];

		pat_check(pm, pm->objs[i], pm->tag[i], "held object modified");
		fz_buf[j] = pm->objs[i];
	}
	for (j = 0; j < k; j++)
		unhold(pm, (unsigned int)obj_index(pm, fz_buf[j]));
	if (use_cache)
		rte_mempool_put_bulk(pm->mp, fz_buf, k);
	else
		rte_mempool_generic_put(pm->mp, fz_buf, k, NULL);
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before + k,
		  "pool %d: put of %u: avail %u -> %u", pm->id, k, before,
		  rte_mempool_avail_count(pm->mp));
}

/* ------------------------------------------------------------------ */
/* bad frees                                                           */

static void
bad_counts(const struct fz_pool *pm, uint64_t c[RTE_MEMPOOL_NTA_BAD_MAX])
{
	struct rte_mempool_nta_stats st;
	unsigned int k;

	FZ_ASSERT(rte_mempool_nta_stats_get(pm->mp, &st) == 0, "stats_get");
	for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
		c[k] = st.total.bad_frees[k];
}

static const char *const kind_name[] = {
	"foreign", "interior", "double free", "other pool",
};

/* Put `n` pointers from tbl straight to the driver (no cache): `good` of
 * them are held objects (already unheld by the caller), `nbad` bad ones
 * of kind `kind`.
 */
/* Diagnostics: which arena the driver finds for ptr, and its slot. */
static void
explain_ptr(const struct fz_pool *pm, const void *ptr)
{
	const struct nta_pool *p = nta_pool_of(pm->mp);
	const struct nta_arena *a;
	uint32_t i;

	if (p == NULL)
		return;
	a = nta_dir_find(p, (uintptr_t)ptr);
	fprintf(stderr, "  driver view of %p: arena %p", ptr, (const void *)a);
	if (a != NULL)
		fprintf(stderr, " [%#" PRIxPTR ", %#" PRIxPTR ") nb %u slot %" PRId64,
			a->start, a->end, a->nb,
			nta_arena_slot(p, a, (uintptr_t)ptr));
	fprintf(stderr, "; flat %p arena_shift %u page_shift %u E %u per_page %u\n",
		(const void *)p->flat, p->lay.arena_shift, p->lay.page_shift,
		p->lay.elt_total, p->lay.per_page);
	if (p->flat != NULL)
		fprintf(stderr, "    flat lo %#" PRIxPTR " n %u; key of ptr %#" PRIxPTR
			"; a[0] %p\n", p->flat->lo, p->flat->n,
			(uintptr_t)ptr >> p->lay.arena_shift,
			(void *)p->flat->a[0]);
	for (i = 0; i < p->nb_arenas; i++) {
		const struct nta_arena *x = p->arenas[i];

		if ((uintptr_t)ptr + 65536 > x->start && (uintptr_t)ptr < x->end + 65536)
			fprintf(stderr, "    arena %u (%p): [%#" PRIxPTR ", %#" PRIxPTR ") base %#" PRIxPTR
				" first %#" PRIxPTR " idx0 %u nb %u\n", i, (const void *)x, x->start,
				x->end, x->base, x->first, x->idx0, x->nb);
	}
}

/*
 * Bad pointers within header-size bytes of an arena edge were once counted
 * under a neighbouring kind (fixed in the driver; see tests/fuzz/README.md).
 * The check is exact by default; NTA_FUZZ_LAX_KIND=1 accepts any of
 * foreign / interior / other for such pointers and tallies them at exit.
 */
static int fz_strict_kind;
static uint64_t fz_tolerated;
static uint64_t fz_tol_kind[RTE_MEMPOOL_NTA_BAD_MAX][RTE_MEMPOOL_NTA_BAD_MAX];
static int fz_bad_zero_size; /* the bad pointer is a zero-sized object */

static int
in_some_arena(const struct nta_pool *p, uintptr_t a)
{
	uint32_t i;

	for (i = 0; i < p->nb_arenas; i++)
		if (a - p->arenas[i]->start < p->arenas[i]->end - p->arenas[i]->start)
			return 1;
	return 0;
}

static int
near_arena_edge(const struct fz_pool *pm, const void *ptr)
{
	const struct nta_pool *p = nta_pool_of(pm->mp);

	return p != NULL && in_some_arena(p, (uintptr_t)ptr) !=
		in_some_arena(p, (uintptr_t)ptr - p->lay.hdr_size);
}

/*
 * A second free sent to another lcore is refused when that home takes it
 * back (it validates on drain), not in the put: let every home drain, so
 * that the counters and counts settle before they are checked.
 */
static void
settle_homes(struct fz_pool *pm)
{
	unsigned int me = rte_lcore_id(), i;

	for (i = 0; i < FZ_LCORES; i++) {
		fz_set_lcore(i);
		rte_mempool_nta_lcore_flush(pm->mp);
	}
	fz_set_lcore(me);
}

static void
put_checked(struct fz_pool *pm, void **tbl, unsigned int n, unsigned int good,
	    unsigned int nbad, enum rte_mempool_nta_bad_kind kind,
	    const void *bad)
{
	uint64_t b0[RTE_MEMPOOL_NTA_BAD_MAX], b1[RTE_MEMPOOL_NTA_BAD_MAX];
	unsigned int before = rte_mempool_avail_count(pm->mp), k;

	bad_counts(pm, b0);
	rte_mempool_generic_put(pm->mp, tbl, n, NULL);
	if (kind == RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE)
		settle_homes(pm);
	bad_counts(pm, b1);
	if (b1[kind] - b0[kind] != nbad && bad != NULL) {
		if (fz_verbose || fz_strict_kind)
			explain_ptr(pm, bad);
		/* likewise a zero-sized object of another pool: its pointer
		 * is its element's end, and may be the end of its pool's
		 * memory chunk, so it can count as foreign
		 */
		if (!fz_strict_kind && kind != RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE &&
		    (near_arena_edge(pm, bad) || fz_bad_zero_size)) {
			uint64_t sum0 = 0, sum1 = 0;

			for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
				if (k != RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE &&
				    b1[k] != b0[k])
					fz_tol_kind[kind][k]++;
			for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
				if (k != RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE) {
					sum0 += b0[k];
					sum1 += b1[k];
					b1[k] = b0[k];
				}
			b1[kind] += sum1 - sum0;
			fz_tolerated++;
			FZ_TRACE("  tolerated: %s pointer %p near an arena edge\n",
				 kind_name[kind], bad);
		}
	}
	for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
		FZ_ASSERT(b1[k] - b0[k] == (k == kind ? nbad : 0),
			  "pool %d: %s free of %p (lcore %d): %s counter +%" PRIu64 ", want +%u",
			  pm->id, kind_name[kind], n ? tbl[0] : NULL,
			  (int)rte_lcore_id(), kind_name[k], b1[k] - b0[k],
			  k == kind ? nbad : 0);
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before + good,
		  "pool %d: %s free: avail %u -> %u, want +%u", pm->id,
		  kind_name[kind], before, rte_mempool_avail_count(pm->mp), good);
}

static int fz_static_var;
static void *fz_dpdk_buf;  /* real rte_malloc memory, zeroed */
static void *fz_heap_buf;  /* libc heap */

/* Build one bad pointer of the kind asked for; NULL-kind if impossible. */
static int
bad_pointer(struct fz_pool *pm, struct fz_pool *other, uint8_t sel,
	    uint16_t arg, void **out, enum rte_mempool_nta_bad_kind *kind,
	    void *stack_ptr)
{
	unsigned int i, tries;


	switch (sel & 3) {
	case 0: /* double free: an object the driver has (not in a cache) */
		if (pm->nheld == pm->n)
			return -1;
		for (tries = 0, i = arg % pm->n; tries < pm->n;
		     tries++, i = (i + 1) % pm->n)
			if (!pm->held[i] && !in_some_cache(pm, pm->objs[i]))
				break;
		if (tries == pm->n)
			return -1;
		*out = pm->objs[i];
		*kind = RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE;
		return 0;
	case 1: { /* interior: anywhere in an element but its object start */
		uint64_t r = arg % (pm->total - 1);
		int64_t off = (int64_t)r - (int64_t)pm->hdr;

		if (off >= 0)
			off++;
		*out = RTE_PTR_ADD(pm->objs[(arg >> 3) % pm->n], off);
		*kind = RTE_MEMPOOL_NTA_BAD_INTERIOR;
		/* zero-sized objects: an element start is the previous
		 * object's start, a good pointer
		 */
		if (obj_index(pm, *out) >= 0)
			return -1;
		FZ_TRACE("  interior: object %p %+" PRId64 " (element %zu B, header %zu)\n",
			 pm->objs[(arg >> 3) % pm->n], off, pm->total, pm->hdr);
		return 0;
	}
	case 2: /* foreign */
		*kind = RTE_MEMPOOL_NTA_BAD_FOREIGN;
		switch ((sel >> 2) % 7) {
		case 0: *out = stack_ptr; break; /* the caller's frame */
		case 1: *out = fz_heap_buf; break;
		case 2: *out = RTE_PTR_ADD(fz_dpdk_buf, 64 + (arg & 0x3c0)); break;
		case 3: *out = NULL; break;
		case 4: *out = &fz_static_var; break;
		case 5: *out = (void *)(uintptr_t)(0xdead0000000ull + arg * 64ull); break;
		default: *out = (void *)(uintptr_t)(1u + arg); break;
		}
		return 0;
	default: /* an object of the other pool */
		if (other == NULL || other->mp == NULL)
			return -1;
		*out = other->objs[arg % other->n];
		/* the driver recognises objects of other pools in DPDK
		 * memory only: populate_anon memory is foreign to it
		 */
		*kind = other->anon ? RTE_MEMPOOL_NTA_BAD_FOREIGN :
			RTE_MEMPOOL_NTA_BAD_OTHER_POOL;
		fz_bad_zero_size = other->total == other->hdr;
		return 0;
	}
}

static void
do_bad(struct fz_pool *pm, struct fz_pool *other, uint8_t sel, uint16_t arg)
{
	enum rte_mempool_nta_bad_kind kind;
	uint64_t on_stack[4] = { 0 };
	void *bad;

	fz_what = "bad free";
	fz_bad_zero_size = 0;
	if (!pm->nta || bad_pointer(pm, other, sel, arg, &bad, &kind,
				    &on_stack[1]) < 0)
		return;
	fz_buf2[0] = bad;
	put_checked(pm, fz_buf2, 1, 0, 1, kind, bad);
}

/* A put of held objects with one bad pointer mixed in at position pos. */
static void
do_mixed(struct fz_pool *pm, struct fz_pool *other, uint8_t sel, uint16_t arg,
	 uint8_t k, uint8_t pos)
{
	enum rte_mempool_nta_bad_kind kind;
	uint64_t on_stack[4] = { 0 };
	unsigned int j;
	void *bad;

	fz_what = "mixed put";
	fz_bad_zero_size = 0;
	if (!pm->nta || bad_pointer(pm, other, sel, arg, &bad, &kind,
				    &on_stack[1]) < 0)
		return;
	if (k > pm->nheld)
		k = (uint8_t)pm->nheld;
	pos = k ? pos % (k + 1) : 0;
	for (j = 0; j < k; j++) {
		unsigned int i = pm->hl[(arg + j) % pm->nheld];

		pat_check(pm, pm->objs[i], pm->tag[i], "held object modified");
		fz_buf[j] = pm->objs[i];
	}
	/* a double free candidate must not be one we are freeing right now */
	for (j = 0; j < k; j++)
		if (fz_buf[j] == bad)
			return;
	for (j = 0; j < k; j++)
		unhold(pm, (unsigned int)obj_index(pm, fz_buf[j]));
	memmove(&fz_buf[pos + 1], &fz_buf[pos], (k - pos) * sizeof(void *));
	fz_buf[pos] = bad;
	put_checked(pm, fz_buf, k + 1u, k, 1, kind, bad);
}

/* The same held object freed two to twelve times in one call. */
static void
do_twice(struct fz_pool *pm, uint16_t arg, uint8_t shape, uint8_t more)
{
	unsigned int i, n = 0, extra = 1;

	fz_what = "double free in one call";
	if (!pm->nta || pm->nheld == 0)
		return;
	i = pm->hl[arg % pm->nheld];
	pat_check(pm, pm->objs[i], pm->tag[i], "held object modified");
	unhold(pm, i);
	fz_buf[n++] = pm->objs[i];
	if ((shape & 1) && pm->nheld > 0) {
		/* another good object in between */
		unsigned int i2 = pm->hl[(arg + 1) % pm->nheld];

		unhold(pm, i2);
		fz_buf[n++] = pm->objs[i2];
		fz_buf[n++] = pm->objs[i];
		put_checked(pm, fz_buf, n, 2, 1, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE,
			    NULL);
		return;
	}
	fz_buf[n++] = pm->objs[i];
	if (shape & 2) {
		fz_buf[n++] = pm->objs[i];
		extra = 2;
	}
	if ((shape & 4) && pm->nheld > 0) {
		/* 2 to 9 more copies, then another good object: sent home,
		 * the copies wait together (a list that memory running out
		 * makes the driver repack)
		 */
		unsigned int i2 = pm->hl[(arg + 1) % pm->nheld], c;

		for (c = 0; c < 2u + more % 8u; c++)
			fz_buf[n++] = pm->objs[i];
		pat_check(pm, pm->objs[i2], pm->tag[i2], "held object modified");
		unhold(pm, i2);
		fz_buf[n++] = pm->objs[i2];
		put_checked(pm, fz_buf, n, 2, n - 2,
			    RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE, NULL);
		return;
	}
	put_checked(pm, fz_buf, n, 1, extra, RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE,
		    NULL);
}

/* ------------------------------------------------------------------ */
/* flush, audit, stats, contiguous blocks                              */

static void
do_audit(const struct fz_pool *pm)
{
	struct rte_mempool_nta_audit_report r;
	unsigned int inc;
	int ret;

	if (!pm->nta)
		return;
	fz_what = "audit";
	nta_heap_fail_paused = 1;
	ret = rte_mempool_nta_audit(pm->mp, &r);
	nta_heap_fail_paused = 0;
	inc = cache_total(pm);
	FZ_ASSERT(ret == 0, "pool %d: audit %d: objects %" PRIu64 " in_use %" PRIu64
		  " depot %" PRIu64 " lifos %" PRIu64 " rings %" PRIu64 " dup %" PRIu64
		  " lost %" PRIu64 " mism %" PRIu64, pm->id, ret, r.objects, r.in_use,
		  r.in_depot, r.in_lifos, r.in_rings, r.duplicates, r.lost,
		  r.mismatches);
	FZ_ASSERT(r.objects == pm->n && r.in_use == pm->nheld + inc &&
		  r.in_depot + r.in_lifos + r.in_rings == pm->n - pm->nheld - inc,
		  "pool %d: audit objects %" PRIu64 " in_use %" PRIu64 " (held %u + cached %u)",
		  pm->id, r.objects, r.in_use, pm->nheld, inc);
}

static void
do_stats(const struct fz_pool *pm, int dump)
{
	struct rte_mempool_nta_stats st;
	static FILE *devnull;

	if (!pm->nta)
		return;
	fz_what = "stats";
	FZ_ASSERT(rte_mempool_nta_stats_get(pm->mp, &st) == 0, "stats_get");
	FZ_ASSERT(st.size == pm->n, "stats size %" PRIu64 ", want %u", st.size, pm->n);
	/* the handler's count: avail_count less the library's caches */
	FZ_ASSERT(st.avail == rte_mempool_avail_count(pm->mp) - cache_total(pm),
		  "stats avail %" PRIu64 " != avail %u - cached %u", st.avail,
		  rte_mempool_avail_count(pm->mp), cache_total(pm));
	FZ_ASSERT(st.in_use == st.size - st.avail, "stats in_use");
	FZ_ASSERT(st.depot + st.total.held + st.total.ring_pending == st.avail,
		  "depot %" PRIu64 " + held %" PRIu64 " + pending %" PRIu64 " != avail %" PRIu64,
		  st.depot, st.total.held, st.total.ring_pending, st.avail);
	FZ_ASSERT(rte_mempool_nta_is_nta(pm->mp) == 1, "is_nta");
	if (dump) {
		if (devnull == NULL)
			devnull = fopen("/dev/null", "w");
		if (devnull != NULL)
			FZ_ASSERT(rte_mempool_nta_dump(devnull, pm->mp) == 0, "dump");
	}
}

static void
do_flush(struct fz_pool *pm, uint8_t how)
{
	unsigned int before = rte_mempool_avail_count(pm->mp);
	unsigned int id = rte_lcore_id();

	fz_what = "flush";
	if ((how & 1) && pm->mp->cache_size != 0 && id < RTE_MAX_LCORE)
		rte_mempool_cache_flush(rte_mempool_default_cache(pm->mp, id),
					pm->mp);
	if ((how & 2) && pm->nta)
		FZ_ASSERT(rte_mempool_nta_lcore_flush(pm->mp) >= 0, "lcore_flush");
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before,
		  "pool %d: flush changed avail %u -> %u", pm->id, before,
		  rte_mempool_avail_count(pm->mp));
}

static void
do_contig(struct fz_pool *pm, unsigned int n)
{
	struct rte_mempool_info info;
	unsigned int before, k, j, b;
	int ret;

	if (!pm->nta)
		return;
	fz_what = "contig blocks";
	if (rte_mempool_ops_get_info(pm->mp, &info) != 0 ||
	    info.contig_block_size == 0)
		return;
	b = info.contig_block_size;
	if (n == 0 || (uint64_t)n * b > FZ_MAX_GET)
		return;
	before = rte_mempool_avail_count(pm->mp);
	ret = rte_mempool_get_contig_blocks(pm->mp, fz_buf2, n);
	if (ret != 0) {
		FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before,
			  "pool %d: failed contig get changed avail", pm->id);
		return;
	}
	for (k = 0; k < n; k++)
		for (j = 0; j < b; j++)
			fz_buf[k * b + j] = RTE_PTR_ADD(fz_buf2[k], j * pm->total);
	take_objects(pm, fz_buf, n * b);
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == before - n * b,
		  "pool %d: contig get of %u x %u: avail %u -> %u", pm->id, n,
		  b, before, rte_mempool_avail_count(pm->mp));
}

/* ------------------------------------------------------------------ */
/* a real thread that registers, works, and unregisters               */

struct fz_thr {
	struct fz_pool *pm;
	uint8_t get, keep, remote, use_cache;
};

static void *
thr_main(void *arg)
{
	struct fz_thr *t = arg;
	struct fz_pool *pm = t->pm;
	unsigned int held0 = pm->nheld, got;

	fz_set_lcore(LCORE_ID_ANY);
	rte_thread_register(); /* may fail: then it runs unregistered */
	got = (unsigned int)do_get(pm, t->get, t->use_cache);
	/* free some of what it got (local frees) ... */
	if (got > t->keep)
		do_put(pm, got - t->keep, held0, t->use_cache);
	/* ... and some objects the main thread got (remote frees) */
	if (t->remote && pm->nheld > 0)
		do_put(pm, t->remote, 0, t->use_cache);
	check_all();
	rte_thread_unregister();
	return NULL;
}

static void
do_thread(struct fz_pool *pm, uint8_t a, uint8_t b, uint8_t c)
{
	struct fz_thr t = {
		.pm = pm, .get = a % 64, .keep = b % 16, .remote = c % 32,
		.use_cache = (c & 0x80) != 0,
	};
	pthread_t th;

	fz_what = "thread";
	FZ_ASSERT(pthread_create(&th, NULL, thr_main, &t) == 0, "pthread_create");
	pthread_join(th, NULL);
}

/* ------------------------------------------------------------------ */
/* pools                                                               */

static const unsigned int elt_tab[16] = {
	0, 8, 24, 40, 64, 100, 128, 200, 256, 500, 1000, 2048, 2100, 4096,
	9000, 17000,
};
static const unsigned int cache_tab[8] = { 0, 0, 0, 2, 4, 8, 32, 64 };
static const uint64_t arena_tab[8] = {
	0, 0, 4096, 8192, 16384, 65536, 1u << 20, 4096,
};
static const uint32_t lifo_tab[8] = { 0, 0, 1, 2, 3, 8, 32, 100 };
static const uint32_t ring_tab[8] = { 0, 0, 1, 2, 4, 16, 64, 1024 };
static const uint32_t contig_tab[8] = { 0, 1, 2, 3, 8, 16, 0, 5 };
/* lookup_ways: from bits 3-4 of the ring byte (bits 0-2 pick ring_size).
 * The reproducers in regress/ read 0 (one way per arena), or 16, the size
 * every lookup cache had when they were found.
 */
static const uint32_t ways_tab[4] = { 0, 1, 2, 16 };

struct fz_pool_cfg {
	unsigned int n, elt, cache, flags;
	int anon, nta, defaults;
	int retry;   /* populate again after an injected failure */
	int badprm;  /* first try invalid params: populate must fail */
	uint8_t arena, lifo, ring, contig;
};

static void
read_cfg(struct fz_rd *r, struct fz_pool_cfg *c, unsigned int max_n)
{
	uint8_t cs;

	c->n = 1 + rd16(r) % max_n;
	c->elt = elt_tab[rd8(r) & 15];
	cs = rd8(r);
	c->cache = cache_tab[cs & 7];
	while (c->cache != 0 && c->cache * 3 / 2 > c->n)
		c->cache /= 2;
	c->arena = rd8(r);
	c->lifo = rd8(r);
	c->ring = rd8(r);
	c->contig = (uint8_t)(cs >> 3);
	c->retry = (cs >> 6) & 1;
	c->badprm = (cs >> 7) & 1;
}

/* Invalid params are refused: populate fails and the pool frees cleanly. */
static void
pool_bad_params(const char *name, const struct fz_pool_cfg *c)
{
	struct rte_mempool_nta_params bad;
	struct rte_mempool *mp;
	int ret;

	memset(&bad, 0, sizeof(bad));
	switch ((c->arena >> 3) % 6) {
	case 0: bad.arena_size = 3000; break;        /* not a power of 2 */
	case 1: bad.arena_size = 2048; break;        /* below 4 KiB */
	case 2: bad.ring_size = 3; break;            /* not a power of 2 */
	case 3: bad.reserved[1] = 7; break;          /* must be zero */
	case 4: bad.lookup_ways = 48; break;         /* not a power of 2 */
	default: bad.lifo_size = (1u << 20) + 1; break;
	}
	fz_what = "bad params";
	mp = rte_mempool_create_empty(name, c->n, c->elt, c->cache, 0, 0,
				      c->flags);
	FZ_ASSERT(mp != NULL, "create_empty %s", name);
	FZ_ASSERT(rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME,
					     &bad) == 0, "set_ops nta");
	ret = c->anon ? rte_mempool_populate_anon(mp) :
		rte_mempool_populate_default(mp);
	FZ_TRACE("pool %s: bad params (arena %" PRIu64 " ring %u lifo %u reserved %u): populate %d\n",
		 name, bad.arena_size, bad.ring_size, bad.lifo_size,
		 bad.reserved[1], ret);
	FZ_ASSERT(ret <= 0, "populate with bad params (arena %" PRIu64 " ring %u lifo %u reserved %u) gave %d objects",
		  bad.arena_size, bad.ring_size, bad.lifo_size, bad.reserved[1],
		  ret);
	rte_mempool_free(mp);
	fz_what = "create";
}

static int
pool_create(struct fz_pool *pm, int id, const struct fz_pool_cfg *c)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	int ret;

	memset(pm, 0, sizeof(*pm));
	pm->id = id;
	snprintf(name, sizeof(name), "fz%d", id);
	if (c->badprm && c->nta)
		pool_bad_params(name, c);
	mp = rte_mempool_create_empty(name, c->n, c->elt, c->cache, 0, 0,
				      c->flags);
	FZ_ASSERT(mp != NULL, "create_empty %s n %u elt %u cache %u: %s", name,
		  c->n, c->elt, c->cache, rte_strerror(rte_errno));
	pm->nta = c->nta;
	pm->anon = c->anon;
	if (!pm->nta && rte_mempool_set_ops_byname(mp, "ring_mp_mc", NULL) != 0)
		pm->nta = 1; /* no ring handler loaded: nta then */
	if (pm->nta) {
		pm->prm.arena_size = arena_tab[c->arena & 7];
		pm->prm.lifo_size = lifo_tab[c->lifo & 7];
		pm->prm.ring_size = ring_tab[c->ring & 7];
		pm->prm.contig_block_size = contig_tab[c->contig & 7];
		pm->prm.lookup_ways = ways_tab[(c->ring >> 3) & 3];
		FZ_ASSERT(rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME,
						     c->defaults ? NULL : &pm->prm) == 0,
			  "set_ops nta");
	}
	ret = c->anon ? rte_mempool_populate_anon(mp) :
		rte_mempool_populate_default(mp);
	FZ_TRACE("pool %d: %s n %u elt %u cache %u flags 0x%x anon %d arena %" PRIu64
		 " lifo %u ring %u contig %u defaults %d: populate %d\n", id,
		 pm->nta ? "nta" : "ring_mp_mc", c->n, c->elt, c->cache, c->flags,
		 c->anon, pm->prm.arena_size, pm->prm.lifo_size, pm->prm.ring_size,
		 pm->prm.contig_block_size, c->defaults, ret);
	if (ret <= 0 && nta_heap_fail_fired && c->retry) {
		/* the library undid the failed populate: populating again
		 * (now without failures) must give a whole, fresh pool
		 * (populate_anon may also stop half-way and keep what it
		 * has, a positive count: that pool stays as it is)
		 */
		nta_heap_fail_at = 0;
		nta_heap_fail_sticky = 0;
		ret = c->anon ? rte_mempool_populate_anon(mp) :
			rte_mempool_populate_default(mp);
		FZ_TRACE("pool %d: populated again: %d (%s)\n", id, ret,
			 ret < (int)c->n ? rte_strerror(rte_errno) : "ok");
		FZ_ASSERT(ret == (int)c->n, "populate of %s again after a failed one: %d, want %u",
			  name, ret, c->n);
	}
	if (ret != (int)c->n) {
		FZ_ASSERT(nta_heap_fail_fired, "populate of %s (n %u elt %u flags 0x%x anon %d arena %" PRIu64 "): %d",
			  name, c->n, c->elt, c->flags, c->anon,
			  pm->prm.arena_size, ret);
		rte_mempool_free(mp);
		return -1;
	}
	pm->mp = mp;
	pm->elt = mp->elt_size;
	pm->hdr = mp->header_size;
	pm->total = (size_t)mp->header_size + mp->elt_size + mp->trailer_size;
	rte_mempool_obj_iter(mp, collect_obj, pm);
	FZ_ASSERT(pm->n == c->n, "obj_iter found %u objects, want %u", pm->n, c->n);
	qsort(pm->objs, pm->n, sizeof(void *), ptr_cmp);
	check_counts(pm);
	if (pm->nta) {
		do_stats(pm, 0);
		do_audit(pm);
	}
	return 0;
}

/* End of input: everything back, every cache and lcore flushed, then the
 * whole pool must be in the depot and obtainable in one bulk.
 */
static void
pool_finish(struct fz_pool *pm)
{
	struct rte_mempool_nta_stats st;
	struct rte_mempool_nta_lcore_stats ls;
	unsigned int i;

	fz_what = "finish";
	fz_set_lcore(0);
	while (pm->nheld != 0)
		do_put(pm, RTE_MIN(pm->nheld, 512u), 0, 0);
	check_counts(pm);
	FZ_ASSERT(rte_mempool_avail_count(pm->mp) == pm->n, "avail != size at the end");
	if (!pm->nta)
		return;
	do_audit(pm);
	do_stats(pm, 1);
	fz_what = "finish flush";
	if (pm->mp->cache_size != 0)
		for (i = 0; i < RTE_MAX_LCORE; i++)
			if (pm->mp->local_cache[i].len != 0) {
				fz_set_lcore(i);
				rte_mempool_cache_flush(&pm->mp->local_cache[i],
							pm->mp);
			}
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		FZ_ASSERT(rte_mempool_nta_lcore_stats_get(pm->mp, i, &ls) == 0,
			  "lcore_stats");
		if (ls.held + ls.ring_pending != 0) {
			fz_set_lcore(i);
			FZ_ASSERT(rte_mempool_nta_lcore_flush(pm->mp) >= 0, "flush");
		}
	}
	/* the slots unregistered threads share: flushed from one of them */
	FZ_ASSERT(rte_mempool_nta_lcore_stats_get(pm->mp, LCORE_ID_ANY, &ls) == 0,
		  "unregistered stats");
	fz_set_lcore(LCORE_ID_ANY);
	FZ_ASSERT(rte_mempool_nta_lcore_flush(pm->mp) == (int)ls.held,
		  "pool %d: unregistered flush gave back other than the %" PRIu64
		  " held", pm->id, ls.held);
	fz_set_lcore(0);
	FZ_ASSERT(rte_mempool_nta_stats_get(pm->mp, &st) == 0, "stats");
	FZ_ASSERT(st.depot == pm->n && st.avail == pm->n,
		  "pool %d: after flushing every lcore: depot %" PRIu64 " avail %" PRIu64 ", want %u",
		  pm->id, st.depot, st.avail, pm->n);
	do_audit(pm);
	/* the whole pool in one bulk, then back */
	fz_what = "finish get all";
	FZ_ASSERT(rte_mempool_generic_get(pm->mp, fz_buf, pm->n, NULL) == 0,
		  "pool %d: the whole pool (%u) not obtainable in one bulk",
		  pm->id, pm->n);
	take_objects(pm, fz_buf, pm->n);
	do_put(pm, pm->n, 0, 0);
	do_audit(pm);
}

/* ------------------------------------------------------------------ */
/* libFuzzer entry points                                              */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fz_at_exit(void)
{
	unsigned int i, j;

	if (fz_tolerated == 0)
		return;
	fprintf(stderr, "fuzz_nta: %" PRIu64 " bad frees near an arena edge counted under a neighbouring kind (NTA_FUZZ_LAX_KIND set):",
		fz_tolerated);
	for (i = 0; i < RTE_MEMPOOL_NTA_BAD_MAX; i++)
		for (j = 0; j < RTE_MEMPOOL_NTA_BAD_MAX; j++)
			if (fz_tol_kind[i][j] != 0)
				fprintf(stderr, " %s as %s: %" PRIu64 ";",
					kind_name[i], kind_name[j],
					fz_tol_kind[i][j]);
	fprintf(stderr, "\n");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char prefix[64];
	char *eal[] = {
		(*argv)[0], (char *)"--no-huge", (char *)"-m", (char *)"256",
		(char *)"--no-pci", prefix, (char *)"--lcores=(0-3)@0",
		(char *)"--no-telemetry", (char *)"--no-shconf",
		(char *)"--log-level=pmd.mempool.nta:critical",
		(char *)"--log-level=lib.eal:critical",
		(char *)"--log-level=lib.mempool:critical",
		NULL,
	};

	RTE_SET_USED(argc);
	fz_verbose = getenv("NTA_FUZZ_VERBOSE") != NULL;
	fz_strict_kind = getenv("NTA_FUZZ_LAX_KIND") == NULL;
	snprintf(prefix, sizeof(prefix), "--file-prefix=nta_fuzz_%d", (int)getpid());
	if (rte_eal_init((int)RTE_DIM(eal) - 1, eal) < 0) {
		fprintf(stderr, "fuzz_nta: EAL init failed: %s\n",
			rte_strerror(rte_errno));
		abort();
	}
	if (rte_lcore_count() < FZ_LCORES)
		fprintf(stderr, "fuzz_nta: only %u lcores\n", rte_lcore_count());
	atexit(fz_at_exit);
	fz_dpdk_buf = nta_heap_dpdk_zmalloc(4096);
	fz_heap_buf = malloc(256);
	FZ_ASSERT(fz_dpdk_buf != NULL && fz_heap_buf != NULL, "buffers");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_rd r = { data, size };
	struct fz_pool_cfg ca, cb;
	uint8_t f0, f1;
	unsigned int nops;
	long live0;
	int k;

	fz_set_lcore(0);
	fz_what = "create";
	f0 = rd8(&r);
	f1 = rd8(&r);
	read_cfg(&r, &ca, FZ_MAX_OBJS);
	read_cfg(&r, &cb, 256);
	ca.nta = 1;
	cb.nta = !(f0 & 1);
	ca.anon = (f0 >> 1) & 1;
	cb.anon = (f0 >> 4) & 1;
	ca.flags = ((f0 & 4) ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0) |
		((f0 & 8) ? RTE_MEMPOOL_F_NO_CACHE_ALIGN : 0);
	cb.flags = (f0 & 0x40) ? RTE_MEMPOOL_F_NO_IOVA_CONTIG : 0;
	ca.defaults = (f0 >> 5) & 1;
	cb.defaults = 0;

	live0 = nta_heap_live;
	nta_heap_alloc_no = 0;
	nta_heap_fail_fired = 0;
	nta_heap_fail_paused = 0;
	nta_heap_fail_at = (f0 & 0x80) ? (uint64_t)f1 + 1 : 0;
	/* pool A to be populated again: failures from #f1+1 on, so that a
	 * populate fails after placing part of the pool
	 */
	nta_heap_fail_sticky = ca.retry;

	if (pool_create(&fz_pools[0], 0, &ca) < 0)
		goto out;
	if (pool_create(&fz_pools[1], 1, &cb) < 0) {
		rte_mempool_free(fz_pools[0].mp);
		fz_pools[0].mp = NULL;
		goto out;
	}

	for (nops = 0; r.n != 0 && nops < FZ_MAX_OPS; nops++) {
		uint8_t op = rd8(&r), a = rd8(&r), b = rd8(&r);
		struct fz_pool *pm = &fz_pools[(op >> 4) & 1];
		struct fz_pool *other = &fz_pools[!((op >> 4) & 1)];
		uint8_t v = op >> 5;

		FZ_TRACE("op %u: code %u pool %d v %u a %u b %u lcore %d held %u/%u\n",
			 nops, op & 15, pm->id, v, a, b, (int)rte_lcore_id(),
			 pm->nheld, pm->n);

		switch (op & 15) {
		case 0:
		case 1: /* get: a < 200 as is, else bigger */
			do_get(pm, a < 200 ? a : (a - 200u) * 40u + b % 40u,
			       !(v & 1));
			break;
		case 2:
		case 3: /* put */
			do_put(pm, a >= 200 ? pm->nheld : a, b, !(v & 1));
			break;
		case 4: /* a bad free */
			do_bad(pm, other, (uint8_t)(v | (b << 3)),
			       (uint16_t)(a | b << 8));
			break;
		case 5: /* held objects with a bad one among them */
			do_mixed(pm, other, (uint8_t)(v | (b << 3)),
				 (uint16_t)a, b % 40, (uint8_t)(a ^ b));
			break;
		case 6: /* the same object twice in one put */
			do_twice(pm, a, v, b);
			break;
		case 7: /* lcore switch: 0..3 or an unregistered thread */
			fz_set_lcore(a % 5 < FZ_LCORES ? a % 5 : LCORE_ID_ANY);
			break;
		case 8:
			do_flush(pm, (uint8_t)(v % 3 + 1));
			break;
		case 9:
			do_audit(pm);
			break;
		case 10:
			do_contig(pm, a % 8);
			break;
		case 11:
			do_stats(pm, v & 1);
			break;
		case 12: /* a registered thread does some work and leaves */
			do_thread(pm, a, b, rd8(&r));
			break;
		case 13: /* get straight from the handler, n may be 0 */
			do_get(pm, a % 24, 0);
			break;
		default: /* burst: get then give some back on another lcore */
			if (do_get(pm, a % 64, !(v & 1)) > 0) {
				fz_set_lcore((rte_lcore_id() + 1 + (b & 1)) % FZ_LCORES);
				do_put(pm, b % 64, a, !(v & 2));
			}
			break;
		}
		fz_what = "after op";
		check_all();
	}

	for (k = 0; k < 2; k++)
		pool_finish(&fz_pools[k]);
	for (k = 0; k < 2; k++) {
		rte_mempool_free(fz_pools[k].mp);
		fz_pools[k].mp = NULL;
	}
out:
	fz_set_lcore(0);
	nta_heap_fail_at = 0;
	nta_heap_fail_sticky = 0;
	fz_what = "leak check";
	FZ_ASSERT(nta_heap_live == live0, "driver allocations leaked: %ld live, %ld before",
		  nta_heap_live, live0);
	return 0;
}
