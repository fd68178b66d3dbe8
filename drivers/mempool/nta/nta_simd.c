/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Vector steps of the bulk paths, four objects at a time: the free of a
 * row of this lcore's own objects (nta_simd_put) and the hand-out of
 * several objects from the loaded magazine (nta_simd_pop). They do what
 * nta_enqueue_fast() and nta_store_pop() do, in the same order as seen by
 * a process killed at any instruction (entries, then the length that
 * covers them, then the words), with one slot computation, two vector
 * stores of entries and one length store per four objects where the
 * scalar loops have four of each: at bulk 32 and above the per-object
 * work bounds the one-lcore rows (doc/benchmarks.rst). The words
 * themselves are loaded and stored one by one, or as one vector when the
 * four are adjacent (see nta_x4_run()).
 *
 * x86-64 with AVX-512 F, DQ, CD and VL, used on 256-bit registers only:
 * within DPDK's default SIMD width (no --force-max-simd-bitwidth needed;
 * --force-max-simd-bitwidth=128 turns these off). Chosen once per process,
 * at its first bulk call: the pool's memory holds no function pointer, so
 * processes of one pool may differ.
 */

#include <rte_cpuflags.h>
#include <rte_vect.h>

#include "nta_private.h"

int nta_simd_state = NTA_SIMD_UNKNOWN;

#if defined(RTE_ARCH_X86_64) && (defined(__clang__) || __GNUC__ >= 8)
#define NTA_SIMD_BUILT 1
#else
#define NTA_SIMD_BUILT 0
#endif

int
nta_simd_probe(void)
{
	int on = 0;

#if NTA_SIMD_BUILT
	on = rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512F) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512DQ) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512CD) > 0 &&
		rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX512VL) > 0 &&
		rte_vect_get_max_simd_bitwidth() >= RTE_VECT_SIMD_256;
#endif
	/* relaxed: every thread that probes finds the same answer */
	__atomic_store_n(&nta_simd_state, on ? NTA_SIMD_ON : NTA_SIMD_OFF,
			 __ATOMIC_RELAXED);
	NTA_LOG(DEBUG, "bulk loops: %s", on ? "avx512vl (256-bit)" : "scalar");
	return on;
}

#if NTA_SIMD_BUILT

#include <immintrin.h>

#define NTA_X4 __attribute__((target("avx512f,avx512dq,avx512cd,avx512vl")))

/* Four pointers loaded or stored whole: as masked moves with every lane
 * set, which the compilers emit as single 256-bit moves whatever the
 * tuning (-march=corei7's tuning splits a plain unaligned 256-bit move
 * in two halves: 2-5 % of the one-lcore bulk rows, nta-bench A/B).
 */
NTA_X4 static inline __m256i
nta_x4_loadu(const void *src)
{
	return _mm256_maskz_loadu_epi64(0xf, src);
}

NTA_X4 static inline void
nta_x4_storeu(void *dst, __m256i v)
{
	_mm256_mask_storeu_epi64(dst, 0xf, v);
}

/* One arena of the lookup cache, in vector registers: the slot of four
 * objects is a subtract, a multiply and a rotate (nta_div_rot()), checked
 * against the way's count in one compare.
 */
struct nta_x4_way {
	/* all three read from the way at once: a scalar lookup between
	 * two steps may fill the way with another arena
	 */
	nta_word_t *state;
	uint8_t *home;
	__m256i first;
	__m256i nb;
	uintptr_t first1; /* first and nb as scalars */
	uint64_t nb1;
};

NTA_X4 static inline void
nta_x4_way_load(struct nta_x4_way *w, const struct nta_lcore *lc,
		unsigned int arena_shift, const void *obj)
{
	const struct nta_hot *h =
		&lc->hot[((uintptr_t)obj >> arena_shift) & lc->hot_mask];

	w->state = h->state;
	w->home = h->home;
	w->first = _mm256_set1_epi64x((long long)h->first);
	/* an empty way has nb 0: every slot fails the compare */
	w->nb = _mm256_set1_epi64x(h->nb);
	w->first1 = h->first;
	w->nb1 = h->nb;
}

/* The slots of the four objects vo in way w, and whether all four are
 * object starts of its arena; the way follows vo's first object once if
 * they are not in w's arena.
 */
NTA_X4 static inline int
nta_x4_slots(struct nta_x4_way *w, const struct nta_lcore *lc,
	     const struct nta_layout *lay, __m256i vo, __m256i inv,
	     __m256i rot, __m256i *sl)
{
	unsigned int t;

	for (t = 0; t < 2; t++) {
		*sl = _mm256_rorv_epi64(_mm256_mullo_epi64(
				_mm256_sub_epi64(vo, w->first), inv), rot);
		if (likely(_mm256_cmplt_epu64_mask(*sl, w->nb) == 0xf))
			return 1;
		if (t == 0)
			nta_x4_way_load(w, lc, lay->arena_shift,
					(const void *)(uintptr_t)
					_mm256_extract_epi64(vo, 0));
	}
	return 0;
}

/* The addresses of the words of slots sl of way w. */
NTA_X4 static inline __m256i
nta_x4_words(const struct nta_x4_way *w, __m256i sl)
{
	static_assert(sizeof(nta_word_t) == 4, "a word is 4 bytes");
	return _mm256_add_epi64(
		_mm256_set1_epi64x((long long)(uintptr_t)w->state),
		_mm256_slli_epi64(sl, 2));
}

/* The four words at wa set to v with scalar stores (see nta_x4_store()). */
NTA_X4 static inline void
nta_x4_store_apart(__m256i wa, nta_word_t v)
{
	__m128i lo = _mm256_castsi256_si128(wa);
	__m128i hi = _mm256_extracti128_si256(wa, 1);

	nta_word_store((nta_word_t *)(uintptr_t)_mm_cvtsi128_si64(lo), v);
	nta_word_store((nta_word_t *)(uintptr_t)_mm_extract_epi64(lo, 1), v);
	nta_word_store((nta_word_t *)(uintptr_t)_mm_cvtsi128_si64(hi), v);
	nta_word_store((nta_word_t *)(uintptr_t)_mm_extract_epi64(hi, 1), v);
}

/*
 * The first of four word addresses wa that are four adjacent words, in
 * either order (four objects handed out, or freed, in address order or
 * in reverse: a fresh pool, a magazine handed out and given back whole),
 * or NULL. Adjacent words are loaded and stored as one 16-byte vector:
 * each word is 4-byte aligned, so it is read and written whole, as the
 * relaxed scalar accesses do (nta_word_load()), and the four belong to
 * the caller alone, as theirs do (this lcore's USED objects, or FREE ones
 * in its own store).
 */
NTA_X4 static inline nta_word_t *
nta_x4_run(__m256i wa)
{
	const __m256i up = _mm256_set_epi64x(12, 8, 4, 0);
	const __m256i down = _mm256_set_epi64x(-12, -8, -4, 0);
	__m128i lo = _mm256_castsi256_si128(wa);
	__m256i d = _mm256_sub_epi64(wa, _mm256_broadcastq_epi64(lo));
	uintptr_t a0 = (uintptr_t)_mm_cvtsi128_si64(lo);

	static_assert(sizeof(nta_word_t) == 4, "a word is 4 bytes");
	if (likely(_mm256_cmpeq_epi64_mask(d, up) == 0xf))
		return (nta_word_t *)a0;
	if (_mm256_cmpeq_epi64_mask(d, down) == 0xf)
		return (nta_word_t *)(a0 - 3 * sizeof(nta_word_t));
	return NULL;
}

/* nta_x4_run() while *try is set; the first four that are not adjacent
 * clear it, and the rest of the call takes the words one by one: a
 * shuffled magazine, whose fours are hardly ever adjacent, pays for one
 * test per call rather than one per four.
 */
NTA_X4 static inline nta_word_t *
nta_x4_run_try(__m256i wa, int *try)
{
	nta_word_t *run;

	if (!*try)
		return NULL;
	run = nta_x4_run(wa);
	if (unlikely(run == NULL))
		*try = 0;
	return run;
}

/*
 * A chain: the last four were adjacent objects of way w (nta_x4_run()
 * found their words adjacent), in address order (d 4) or in reverse
 * (d -4). When the next four continue them (each pointer d objects of E
 * bytes past the one four places earlier) and stay in the arena, their
 * slots and words follow without the slot computation: a compare of
 * pointers and one bound check replace the subtract, multiply, rotate,
 * range compare and the adjacency test. Unpaged pools only: there the
 * object of slot b is first + b * E for every b below nb.
 */
struct nta_x4_chain {
	nta_word_t *run;  /* lowest word of the last four; NULL: none */
	__m256i vo;       /* their pointers */
	__m256i wa;       /* their word addresses */
	__m256i vstep;    /* d * E per lane */
	__m256i wstep;    /* d words per lane */
	int64_t lo;       /* slot of run in way w */
	int64_t d;
};

/* Start c from four objects vo of way w whose words wa are adjacent
 * (run from nta_x4_run()), or end it (run NULL).
 */
NTA_X4 static inline void
nta_x4_chain_start(struct nta_x4_chain *c, const struct nta_x4_way *w,
		   uint32_t elt, __m256i vo, __m256i wa, nta_word_t *run)
{
	c->run = run;
	if (run == NULL)
		return;
	c->d = run == (nta_word_t *)(uintptr_t)
		_mm_cvtsi128_si64(_mm256_castsi256_si128(wa)) ? 4 : -4;
	c->lo = run - w->state;
	c->vo = vo;
	c->wa = wa;
	c->vstep = _mm256_set1_epi64x(c->d * (int64_t)elt);
	c->wstep = _mm256_set1_epi64x(c->d * (int64_t)sizeof(nta_word_t));
}

/* The lowest word of four objects vo that continue chain c in way w
 * (their word addresses in *wa; c moves on to them), or NULL: they do
 * not, and the caller takes the slot computation.
 */
NTA_X4 static inline nta_word_t *
nta_x4_chain_next(struct nta_x4_chain *c, const struct nta_x4_way *w,
		  __m256i vo, __m256i *wa)
{
	if (c->run == NULL ||
	    _mm256_cmpeq_epi64_mask(vo, _mm256_add_epi64(c->vo, c->vstep)) !=
	    0xf ||
	    /* slots lo + d .. lo + d + 3 in the arena: going down, a row
	     * not aligned on the arena's first slot reaches -3 to -1
	     */
	    c->lo + c->d < 0 || (uint64_t)(c->lo + c->d) + 3 >= w->nb1)
		return NULL;
	c->lo += c->d;
	c->run += c->d;
	c->vo = vo;
	c->wa = _mm256_add_epi64(c->wa, c->wstep);
	*wa = c->wa;
	return c->run;
}

/* The words of four objects vo: from chain c when they continue it, else
 * through their slots in way w (c then starts again from them). Returns 0
 * when they are not all object starts of one arena of the lookup cache;
 * else their word addresses in *wa and, when adjacent, the lowest in
 * *run (NULL: apart, and *sl holds their slots).
 */
NTA_X4 static inline int
nta_x4_find(struct nta_x4_chain *c, struct nta_x4_way *w,
	    const struct nta_lcore *lc, const struct nta_layout *lay,
	    __m256i vo, __m256i inv, __m256i rot, int *try_run, __m256i *wa,
	    __m256i *sl, nta_word_t **run)
{
	*run = nta_x4_chain_next(c, w, vo, wa);
	if (*run != NULL)
		return 1;
	if (unlikely(!nta_x4_slots(w, lc, lay, vo, inv, rot, sl)))
		return 0;
	*wa = nta_x4_words(w, *sl);
	*run = nta_x4_run_try(*wa, try_run);
	nta_x4_chain_start(c, w, lay->elt_total, vo, *wa, *run);
	return 1;
}

/* The four words at wa (as nta_x4_words() gives them) set to v: adjacent
 * ones (run, from nta_x4_run()) with one vector store, others with scalar
 * stores, each address taken out of the register: a scatter costs more
 * than four stores on some cores (AMD Zen 4), and so does a trip through
 * the stack (64-bit loads of a 256-bit store wait for it).
 */
NTA_X4 static inline void
nta_x4_store(__m256i wa, nta_word_t *run, nta_word_t v)
{
	if (likely(run != NULL)) {
		_mm_storeu_si128((void *)run, _mm_set1_epi32((int)v));
		return;
	}
	nta_x4_store_apart(wa, v);
}

/* nta_x4_owned() of four words apart: scalar loads, as in
 * nta_x4_store_apart() (a gather is slower than four loads on those
 * cores).
 */
NTA_X4 static inline int
nta_x4_owned_apart(__m256i wa, uint32_t own)
{
	__m128i lo = _mm256_castsi256_si128(wa);
	__m128i hi = _mm256_extracti128_si256(wa, 1);
	nta_word_t x;

	x = nta_word_load((nta_word_t *)(uintptr_t)_mm_cvtsi128_si64(lo));
	x = (x ^ own) | (nta_word_load((nta_word_t *)(uintptr_t)
				       _mm_extract_epi64(lo, 1)) ^ own);
	x |= nta_word_load((nta_word_t *)(uintptr_t)
			   _mm_cvtsi128_si64(hi)) ^ own;
	x |= nta_word_load((nta_word_t *)(uintptr_t)
			   _mm_extract_epi64(hi, 1)) ^ own;
	return (x & NTA_OWN_MASK) == 0;
}

/* Do the four words at wa all name owner own? Adjacent ones (run, from
 * nta_x4_run()) in one vector load.
 */
NTA_X4 static inline int
nta_x4_owned(__m256i wa, const nta_word_t *run, uint32_t own)
{
	if (likely(run != NULL)) {
		const __m128i m = _mm_set1_epi32(NTA_OWN_MASK);
		__m128i x = _mm_loadu_si128((const void *)run);

		return _mm_cmpeq_epi32_mask(_mm_and_si128(x, m),
					    _mm_set1_epi32((int)own)) == 0xf;
	}
	return nta_x4_owned_apart(wa, own);
}

/*
 * nta_enqueue_fast() of an unpaged pool, four objects a step: each step
 * takes four objects of this lcore (their words say mine), all distinct,
 * into the loaded magazine. Stops at the first four that are not all
 * that, or when fewer than four are left or fit; returns how many it
 * took (a multiple of four), the caller's scalar loop does the rest.
 * Returns NTA_SIMD_FOREIGN, having read no word, when the first object's
 * home byte names another home (see nta_enqueue_bulk()), and
 * NTA_SIMD_UNSEEN when it took nothing without reading that byte (fewer
 * than four fit, the first object outside the way it loaded).
 */
NTA_X4 unsigned int
nta_simd_put(const struct nta_pool *p, struct nta_lcore *lc,
	     void * const *objs, unsigned int n, uint32_t mine)
{
	struct nta_store *s = &lc->s;
	void ** const obj = s->obj;
	nta_word_t ** const wc = s->wc;
	unsigned int len = s->len, i;
	const __m256i inv = _mm256_set1_epi64x((long long)p->lay.div_inv);
	const __m256i rot = _mm256_set1_epi64x(p->lay.div_rot);
	struct nta_x4_way w;
	struct nta_x4_chain ch;
	int try_run = 1;
	uint64_t s0;

	n = RTE_MIN(n, s->cap - len);
	if (n < 4)
		return NTA_SIMD_UNSEEN; /* cap 0: not set up, or detached */
	RTE_ASSERT(!nta_paged(p) && s->wlo <= len);
	nta_x4_way_load(&w, lc, p->lay.arena_shift, objs[0]);
	/* the first object's home byte, through the way just loaded: not
	 * this lcore's, no word is read (relaxed: see nta_home_set()); not
	 * in the way, the caller looks it up
	 */
	s0 = nta_div_rot((uintptr_t)objs[0] - w.first1, p->lay.div_inv,
			 p->lay.div_rot);
	if (unlikely(s0 >= w.nb1))
		return NTA_SIMD_UNSEEN;
	if (unlikely(__atomic_load_n(&w.home[s0], __ATOMIC_RELAXED) != mine))
		return NTA_SIMD_FOREIGN;
	ch.run = NULL;
	for (i = 0; i + 4 <= n; i += 4) {
		__m256i vo = nta_x4_loadu(objs + i);
		__m256i sl, wa, dup;
		nta_word_t *run;

		if (unlikely(!nta_x4_find(&ch, &w, lc, &p->lay, vo, inv, rot,
					  &try_run, &wa, &sl, &run)))
			break;
		/* the same object twice in four: the scalar loop refuses
		 * the second (across steps, the earlier step's FREE words
		 * stop the later one); four adjacent words are four
		 * different objects
		 */
		if (unlikely(run == NULL)) {
			dup = _mm256_conflict_epi64(sl);
			if (unlikely(_mm256_test_epi64_mask(dup, dup) != 0))
				break;
		}
		if (unlikely(!nta_x4_owned(wa, run, mine)))
			break;
		/* as nta_store_place(): entries, the length that covers
		 * them, then the words FREE (the epoch a FREE word keeps is
		 * never read, see nta_word_freed()); a kill leaves each
		 * object in a place
		 */
		nta_x4_storeu(obj + len, vo);
		nta_x4_storeu(wc + len, wa);
		rte_compiler_barrier();
		/* relaxed: a count for readers, as in nta_store_place() */
		__atomic_store_n(&s->len, len + 4, __ATOMIC_RELAXED);
		rte_compiler_barrier();
		nta_x4_store(wa, run, NTA_OWN_FREE);
		len += 4;
	}
	return i;
}

/* Stamp v into the words of the k objects at objs, which came with the
 * magazine (no word cache): looked up four at a time while the fours are
 * each in one arena of the lookup cache, the rest the scalar way.
 */
NTA_X4 static void
nta_simd_stamp_lookup(const struct nta_pool *p, struct nta_lcore *lc,
		      void * const *objs, unsigned int k, nta_word_t v)
{
	const __m256i inv = _mm256_set1_epi64x((long long)p->lay.div_inv);
	const __m256i rot = _mm256_set1_epi64x(p->lay.div_rot);
	struct nta_x4_way w;
	struct nta_x4_chain ch;
	unsigned int i;
	int try_run = 1;

	nta_x4_way_load(&w, lc, p->lay.arena_shift, objs[0]);
	ch.run = NULL;
	for (i = 0; i + 4 <= k; i += 4) {
		__m256i vo = nta_x4_loadu(objs + i);
		__m256i sl, wa;
		nta_word_t *run;

		/* four not all in one arena of the lookup cache: the scalar
		 * way from there on, as nta_enqueue_run() does
		 */
		if (unlikely(!nta_x4_find(&ch, &w, lc, &p->lay, vo, inv, rot,
					  &try_run, &wa, &sl, &run)))
			break;
		nta_x4_store(wa, run, v);
	}
	if (i < k)
		nta_store_pop_uncached(p, lc, objs + i, k - i, v);
}

/*
 * nta_store_pop() for lcore lc's own store, n of at least four: the
 * pointers copied out four at a time (reversed: the newest first), the
 * words stamped through the word cache, or after a lookup of four at a
 * time for those that came with the magazine.
 */
NTA_X4 void
nta_simd_pop(const struct nta_pool *p, struct nta_lcore *lc,
	     void **objs, unsigned int n, uint32_t owner)
{
	struct nta_store *s = &lc->s;
	void * const * const obj = s->obj;
	nta_word_t * const * const wc = s->wc;
	const unsigned int len = s->len - n;
	/* how many of the n came with the magazine: the oldest ones */
	const unsigned int k = s->wlo > len ? s->wlo - len : 0;
	const uint64_t e = nta_epoch_next(lc);
	const nta_word_t v = nta_word_used(owner, e);
	unsigned int i, j;
	int try_run = 1;

	RTE_ASSERT(n >= 4 && n <= s->len && s->len <= s->cap &&
		   s->wlo <= s->len);
	/* objs[i] = obj[len + n - 1 - i] */
	for (i = 0; i + 4 <= n; i += 4) {
		__m256i x = nta_x4_loadu(obj + len + n - 4 - i);

		nta_x4_storeu(objs + i, _mm256_permute4x64_epi64(x, 0x1b));
	}
	for (; i < n; i++)
		objs[i] = obj[len + n - 1 - i];
	/* the words of the newest n - k, from the word cache */
	for (j = len + k; j + 4 <= len + n; j += 4) {
		__m256i wa = nta_x4_loadu(wc + j);

		nta_x4_store(wa, nta_x4_run_try(wa, &try_run), v);
	}
	for (; j < len + n; j++)
		nta_word_store(wc[j], v);
	if (unlikely(k != 0)) {
		if (!nta_paged(p) && k >= 4)
			nta_simd_stamp_lookup(p, lc, obj + len, k, v);
		else
			nta_store_pop_uncached(p, lc, obj + len, k, v);
		s->wlo = len;
	}
	nta_epoch_publish(lc, e);
	__atomic_store_n(&s->len, len, __ATOMIC_RELAXED);
}

#else /* !NTA_SIMD_BUILT: never called, nta_simd_probe() says off */

unsigned int
nta_simd_put(const struct nta_pool *p, struct nta_lcore *lc,
	     void * const *objs, unsigned int n, uint32_t mine)
{
	RTE_SET_USED(p);
	RTE_SET_USED(lc);
	RTE_SET_USED(objs);
	RTE_SET_USED(n);
	RTE_SET_USED(mine);
	return NTA_SIMD_UNSEEN;
}

void
nta_simd_pop(const struct nta_pool *p, struct nta_lcore *lc,
	     void **objs, unsigned int n, uint32_t owner)
{
	nta_store_pop(p, lc, &lc->s, objs, n, owner);
}

#endif
