/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * The public read-outs: statistics, the audit that proves every object is
 * in exactly one place, the dump, and the lcore flush.
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_malloc.h>

#include "nta_private.h"

int
rte_mempool_nta_is_nta(const struct rte_mempool *mp)
{
	return nta_pool_of(mp) != NULL;
}

static void
nta_counters_read(const struct nta_counters *c,
		  struct rte_mempool_nta_lcore_stats *s)
{
	unsigned int k;

	s->local_hits = __atomic_load_n(&c->local_hits, __ATOMIC_RELAXED);
	s->local_frees = __atomic_load_n(&c->local_frees, __ATOMIC_RELAXED);
	s->remote_sent = __atomic_load_n(&c->remote_sent, __ATOMIC_RELAXED);
	s->remote_drained = __atomic_load_n(&c->remote_drained,
					    __ATOMIC_RELAXED);
	s->depot_gets = __atomic_load_n(&c->depot_gets, __ATOMIC_RELAXED);
	s->depot_puts = __atomic_load_n(&c->depot_puts, __ATOMIC_RELAXED);
	s->failed_dequeues = __atomic_load_n(&c->failed_dequeues,
					     __ATOMIC_RELAXED);
	for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
		s->bad_frees[k] = __atomic_load_n(&c->bad_frees[k],
						  __ATOMIC_RELAXED);
}

static void
nta_lcore_read(const struct nta_pool *p, unsigned int id,
	       struct rte_mempool_nta_lcore_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (id >= RTE_MAX_LCORE) {
		nta_counters_read(&p->unreg_cnt, s);
		s->held = nta_unreg_count(p);
		return;
	}
	nta_counters_read(&p->lc[id].cnt, s);
	if (__atomic_load_n(&p->lc[id].lane_to, __ATOMIC_ACQUIRE) != NULL) {
		s->held = nta_store_count(&p->lc[id].s);
		s->ring_pending = nta_lanes_pending(p, id);
	}
}

int
rte_mempool_nta_lcore_stats_get(const struct rte_mempool *mp,
				unsigned int lcore_id,
				struct rte_mempool_nta_lcore_stats *stats)
{
	const struct nta_pool *p = nta_pool_of(mp);

	if (p == NULL || stats == NULL ||
	    (lcore_id >= RTE_MAX_LCORE && lcore_id != LCORE_ID_ANY))
		return -EINVAL;
	nta_lcore_read(p, lcore_id, stats);
	return 0;
}

/* Summed as an array of uint64_t: every field is one, with no padding.
 * held, ring_pending, seven counters, then the bad frees.
 */
static_assert(sizeof(struct rte_mempool_nta_lcore_stats) ==
	      (9 + RTE_MEMPOOL_NTA_BAD_MAX) * sizeof(uint64_t),
	      "lcore stats must be uint64_t fields only");
/* The public structs are ABI (version.map): a new field takes a reserved
 * one, never grows them.
 */
static_assert(sizeof(struct rte_mempool_nta_params) == 32 &&
	      sizeof(struct rte_mempool_nta_stats) ==
	      8 * 8 + 4 * 4 + sizeof(struct rte_mempool_nta_lcore_stats) &&
	      sizeof(struct rte_mempool_nta_audit_report) == 8 * 8,
	      "public struct sizes are ABI");

static void
nta_stats_accumulate(struct rte_mempool_nta_lcore_stats *t,
		     const struct rte_mempool_nta_lcore_stats *s)
{
	const uint64_t *src = (const uint64_t *)s;
	uint64_t *dst = (uint64_t *)t;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		dst[i] += src[i];
}

int
rte_mempool_nta_stats_get(const struct rte_mempool *mp,
			  struct rte_mempool_nta_stats *stats)
{
	const struct nta_pool *p = nta_pool_of(mp);
	struct rte_mempool_nta_lcore_stats s;
	unsigned int i;

	if (p == NULL || stats == NULL)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		if (__atomic_load_n(&p->lc[i].lane_to, __ATOMIC_ACQUIRE) == NULL)
			continue;
		stats->active_lcores++;
		nta_lcore_read(p, i, &s);
		nta_stats_accumulate(&stats->total, &s);
	}
	nta_lcore_read(p, LCORE_ID_ANY, &s);
	nta_stats_accumulate(&stats->total, &s);
	stats->size = p->populated;
	stats->avail = nta_pool_count(p);
	stats->in_use = stats->size - RTE_MIN(stats->avail, stats->size);
	stats->depot = __atomic_load_n(&p->depot.count, __ATOMIC_RELAXED);
	stats->arenas = __atomic_load_n(&p->nb_arenas, __ATOMIC_RELAXED);
	stats->arena_size = p->lay.arena_size;
	stats->metadata_bytes = __atomic_load_n(&p->meta_bytes,
						__ATOMIC_RELAXED);
	stats->object_bytes = p->populated * p->lay.elt_total;
	stats->lifo_size = p->lay.lifo_size;
	stats->ring_size = p->lay.ring_size;
	if (!NTA_FAST_COUNTERS)
		stats->flags |= RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS;
	return 0;
}

int
rte_mempool_nta_stats_reset(struct rte_mempool *mp)
{
	struct nta_pool *p = nta_pool_of(mp);
	unsigned int i;

	if (p == NULL)
		return -EINVAL;
	for (i = 0; i < RTE_MAX_LCORE; i++)
		memset(&p->lc[i].cnt, 0, sizeof(p->lc[i].cnt));
	memset(&p->unreg_cnt, 0, sizeof(p->unreg_cnt));
	return 0;
}

/* ---- audit ---- */

struct nta_audit_ctx {
	const struct nta_pool *p;
	uint8_t *seen;     /* one byte per object: times found in a place */
	uint64_t *base;    /* first global index of each arena */
	struct rte_mempool_nta_audit_report *r;
};

/* Object obj found in a place where its word must be `expect` (owner
 * byte; for a tagged lane entry, the whole match).
 */
static void
nta_audit_mark(struct nta_audit_ctx *c, const void *obj, int free_only)
{
	const struct nta_arena *a = nta_dir_find(c->p, (uintptr_t)obj);
	int64_t idx = a ? nta_arena_slot(c->p, a, (uintptr_t)obj) : -1;

	if (idx < 0 || (free_only && (nta_word_load(&a->state[idx]) &
				      NTA_OWN_MASK) != NTA_OWN_FREE)) {
		c->r->mismatches++;
		return;
	}
	if (c->seen[c->base[a->index] + idx]++ != 0)
		c->r->duplicates++;
}

static uint64_t
nta_audit_mag(struct nta_audit_ctx *c, const struct nta_mag *m, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		nta_audit_mark(c, m->obj[i], 1);
	return n;
}

static uint64_t
nta_audit_store(struct nta_audit_ctx *c, const struct nta_store *s)
{
	if (s->cap == 0)
		return 0;
	if (s->obj == NULL) /* its thread killed in a load: both counts true */
		return nta_audit_mag(c, s->mag[0], s->mag[0]->n) +
			nta_audit_mag(c, s->mag[1], s->mag[1]->n);
	return nta_audit_mag(c, nta_store_cur(s), s->len) +
		nta_audit_mag(c, nta_store_spare(s), nta_store_spare(s)->n);
}

static uint64_t
nta_audit_list(struct nta_audit_ctx *c, const struct nta_mag *m)
{
	uint64_t n = 0;

	for (; m != NULL; m = m->next)
		n += nta_audit_mag(c, m, m->n);
	return n;
}

/* A pending free (sent at epoch t) counts as a free object if its home
 * will take it; one that the home will refuse (a second free) is no
 * object at all.
 */
static void
nta_audit_pending(struct nta_audit_ctx *c, void *obj, uint64_t t,
		  unsigned int home)
{
	const nta_word_t *w = nta_word_of(c->p, NULL, obj, NULL);
	uint64_t now = __atomic_load_n(&c->p->lc[home].epoch,
				       __ATOMIC_RELAXED);

	if (w != NULL && !nta_free_accepts(nta_word_load(w),
					   nta_owner(home), t, now))
		return;
	nta_audit_mark(c, obj, 0);
	c->r->in_rings++;
}

/* Pending frees of home, in the order it takes them (run headers first). */
static void
nta_audit_lanes(struct nta_audit_ctx *c, unsigned int home)
{
	const struct nta_lcore *lc = &c->p->lc[home];
	const struct nta_lane *l;
	const struct nta_mag *m;
	uint32_t pos, i;
	uint64_t run;

	for (l = lc->lanes_in; l != NULL; l = l->next) {
		run = l->run;
		for (pos = l->tail; pos != l->head; pos++) {
			uintptr_t e = l->ent[pos & l->mask];

			if (nta_is_hdr(e))
				run = nta_hdr_epoch(e);
			else
				nta_audit_pending(c, (void *)e, run, home);
		}
	}
	/* from the top down, as the drain takes them: a header gives the
	 * epoch of the run below it (nta_ovf_push_locked())
	 */
	for (m = lc->ovf; m != NULL; m = m->next) {
		run = m->epoch;
		for (i = m->n; i-- != 0;) {
			uintptr_t e = (uintptr_t)m->obj[i];

			if (nta_is_hdr(e))
				run = nta_hdr_epoch(e);
			else
				nta_audit_pending(c, (void *)e, run, home);
		}
	}
}

static void
nta_audit_places(struct nta_audit_ctx *c)
{
	const struct nta_pool *p = c->p;
	unsigned int i;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		if (p->lc[i].lane_to == NULL)
			continue;
		c->r->in_lifos += nta_audit_store(c, &p->lc[i].s);
		nta_audit_lanes(c, i);
	}
	for (i = 0; i < NTA_UNREG_SLOTS; i++)
		c->r->in_lifos += nta_audit_store(c, &p->unreg[i].s);
	c->r->in_depot = nta_audit_list(c, p->depot.full) +
		nta_audit_list(c, p->depot.part);
	if (c->r->in_depot != p->depot.count)
		c->r->mismatches++;
}

/* Lookup caches: the ways of an lcore not set up are one zeroed way that
 * nothing may write (its miss is what sends them the slow way), and every
 * table has a power of two of ways, NTA_HOT_WAYS_MAX at most.
 */
static void
nta_audit_hot(struct nta_audit_ctx *c)
{
	static const struct nta_hot zero;
	const struct nta_pool *p = c->p;
	unsigned int i;

	if (memcmp(&p->hot_none, &zero, sizeof(zero)) != 0) {
		NTA_LOG(ERR, "pool %s: audit: the empty lookup way was written",
			p->mp->name);
		c->r->mismatches++;
	}
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		uint32_t ways = p->lc[i].hot_mask + 1;

		if (!rte_is_power_of_2(ways) || ways > NTA_HOT_WAYS_MAX ||
		    (p->lc[i].hot == &p->hot_none && ways != 1)) {
			NTA_LOG(ERR, "pool %s: audit: lcore %u has a lookup cache of %u ways",
				p->mp->name, i, ways);
			c->r->mismatches++;
		}
	}
}

/* Arena headers: nothing writes them after populate, and a fast path
 * that strays past an arena's words (the chains of nta_simd.c once did)
 * lands in the next header or in its own home pointer; the lookup caches
 * hold copies, so only a check of the header itself sees it.
 */
static void
nta_audit_arenas(struct nta_audit_ctx *c)
{
	const struct nta_pool *p = c->p;
	uint32_t ai;

	for (ai = 0; ai < p->nb_arenas; ai++) {
		const struct nta_arena *a = p->arenas[ai];

		if (a->magic != NTA_ARENA_MAGIC || a->index != ai ||
		    a->home != (const uint8_t *)(a->state + a->nb)) {
			NTA_LOG(ERR, "pool %s: audit: header of arena %u written",
				p->mp->name, ai);
			c->r->mismatches++;
		}
	}
}

/* Every object: handed out, or found in exactly one place. */
static void
nta_audit_words(struct nta_audit_ctx *c)
{
	const struct nta_pool *p = c->p;
	uint32_t ai, i;

	for (ai = 0; ai < p->nb_arenas; ai++) {
		const struct nta_arena *a = p->arenas[ai];

		for (i = 0; i < a->nb; i++) {
			uint32_t own = nta_word_load(&a->state[i]) &
				NTA_OWN_MASK;
			uint8_t seen = c->seen[c->base[ai] + i];

			c->r->objects++;
			if (own != NTA_OWN_FREE && seen == 0)
				c->r->in_use++;
			else if (own == NTA_OWN_FREE && seen == 0)
				c->r->lost++; /* free, in no place */
		}
	}
}

int
rte_mempool_nta_audit(const struct rte_mempool *mp,
		      struct rte_mempool_nta_audit_report *report)
{
	struct nta_pool *p = nta_pool_of(mp);
	struct rte_mempool_nta_audit_report r;
	struct nta_audit_ctx c;
	uint64_t total = 0;
	uint32_t ai;
	int ret = 0;

	if (p == NULL)
		return -EINVAL;
	memset(&r, 0, sizeof(r));
	nta_lock(p);
	c.p = p;
	c.r = &r;
	c.base = rte_malloc("nta_audit", (p->nb_arenas + 1) * sizeof(uint64_t), 0);
	for (ai = 0; c.base != NULL && ai < p->nb_arenas; ai++) {
		c.base[ai] = total;
		total += p->arenas[ai]->nb;
	}
	c.seen = rte_zmalloc("nta_audit", total + 1, 0);
	if (c.base == NULL || c.seen == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	nta_audit_arenas(&c);
	nta_audit_places(&c);
	nta_audit_words(&c);
	nta_audit_hot(&c);
	if (r.objects != p->populated || r.duplicates || r.lost ||
	    r.mismatches ||
	    r.in_use + r.in_depot + r.in_lifos + r.in_rings != r.objects)
		ret = -EFAULT;
out:
	nta_unlock(p);
	rte_free(c.seen);
	rte_free(c.base);
	if (report != NULL)
		*report = r;
	if (ret == -EFAULT)
		NTA_LOG(ERR, "pool %s: audit failed: %" PRIu64 " objects, %" PRIu64
			" duplicates, %" PRIu64 " lost, %" PRIu64 " mismatches",
			mp->name, r.objects, r.duplicates, r.lost, r.mismatches);
	return ret;
}

int
rte_mempool_nta_lcore_flush(struct rte_mempool *mp)
{
	struct nta_pool *p = nta_pool_of(mp);
	unsigned int id = rte_lcore_id();
	struct nta_lcore *lc;
	unsigned int k;

	if (p == NULL)
		return -EINVAL;
	if (id >= RTE_MAX_LCORE)
		/* an unregistered thread: the slots they share */
		return (int)nta_unreg_reclaim(p);
	lc = &p->lc[id];
	if (lc->lane_to == NULL)
		return 0;
	nta_lcore_check(p, lc, id);
	/* what the store holds and what others sent home, to the depot;
	 * the lcore takes magazines again (nta_lcore_setup) at its next get
	 * or put, which every path reaches through its slow path
	 */
	k = nta_lcore_retire(p, id);
	return (int)k;
}

/* An lcore's lookup cache: its ways, or none (no memory yet). Relaxed:
 * the owner sets both under the lock; a dump is a glance.
 */
static void
nta_dump_lookup(FILE *f, const struct nta_pool *p, const struct nta_lcore *lc)
{
	const struct nta_hot *h = __atomic_load_n(&lc->hot, __ATOMIC_RELAXED);

	if (h == &p->hot_none)
		fprintf(f, " lookup=none");
	else
		fprintf(f, " lookup=%u",
			__atomic_load_n(&lc->hot_mask, __ATOMIC_RELAXED) + 1);
}

int
rte_mempool_nta_dump(FILE *f, const struct rte_mempool *mp)
{
	const struct nta_pool *p = nta_pool_of(mp);
	struct rte_mempool_nta_stats st;
	unsigned int i, k;

	if (p == NULL || f == NULL)
		return -EINVAL;
	rte_mempool_nta_stats_get(mp, &st);
	fprintf(f, "nta pool <%s>\n", mp->name);
	fprintf(f, "  size=%" PRIu64 " avail=%" PRIu64 " in_use=%" PRIu64
		" depot=%" PRIu64 "\n", st.size, st.avail, st.in_use, st.depot);
	fprintf(f, "  arenas=%" PRIu64 " arena_size=%" PRIu64
		" element=%u lifo=%u ring=%u contig_block=%u\n",
		st.arenas, st.arena_size, p->lay.elt_total, st.lifo_size,
		st.ring_size, p->lay.contig);
	fprintf(f, "  metadata=%" PRIu64 " B (%.3f%% of %" PRIu64 " B of objects)\n",
		st.metadata_bytes, st.object_bytes ?
		100.0 * (double)st.metadata_bytes / (double)st.object_bytes : 0.0,
		st.object_bytes);
	/* this process's own (nta_simd.c): another may differ */
	fprintf(f, "  bulk loops: %s\n", nta_simd_on() ?
		"avx512vl (256-bit steps of four)" : "scalar");
	if (st.flags & RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS)
		fprintf(f, "  counters: compiled out (hits, frees, sent, drained read 0)\n");
	for (i = 0; i <= RTE_MAX_LCORE; i++) {
		struct rte_mempool_nta_lcore_stats s;
		unsigned int id = i < RTE_MAX_LCORE ? i : LCORE_ID_ANY;
		uint64_t bad = 0;

		if (id != LCORE_ID_ANY && p->lc[id].lane_to == NULL)
			continue;
		nta_lcore_read(p, id, &s);
		for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
			bad += s.bad_frees[k];
		fprintf(f, "  %s%-3d held=%" PRIu64 " ring=%" PRIu64
			" hits=%" PRIu64 " frees=%" PRIu64 " sent=%" PRIu64
			" drained=%" PRIu64 " depot_get=%" PRIu64
			" depot_put=%" PRIu64 " failed=%" PRIu64 " bad=%" PRIu64,
			id == LCORE_ID_ANY ? "unregistered " : "lcore ",
			id == LCORE_ID_ANY ? -1 : (int)id, s.held, s.ring_pending,
			s.local_hits, s.local_frees, s.remote_sent,
			s.remote_drained, s.depot_gets, s.depot_puts,
			s.failed_dequeues, bad);
		if (id != LCORE_ID_ANY)
			nta_dump_lookup(f, p, &p->lc[id]);
		fprintf(f, "\n");
	}
	return 0;
}

/* A dequeue failed: say where the free objects are, at most once a second
 * per pool, so a user sees stranding (objects held by idle lcores) at once.
 */
void
nta_exhaustion_log(struct nta_pool *p, unsigned int lcore_id, unsigned int n)
{
	uint64_t now = rte_get_timer_cycles();
	uint64_t last = __atomic_load_n(&p->exhaust_log_tsc, __ATOMIC_RELAXED);
	char buf[512];
	size_t off = 0;
	unsigned int i, shown = 0;
	uint64_t free_now;

	if (!rte_log_can_log(nta_logtype, RTE_LOG_INFO))
		return;
	if (last != 0 && now - last < rte_get_timer_hz())
		return;
	if (!__atomic_compare_exchange_n(&p->exhaust_log_tsc, &last, now, 0,
					 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		return;
	buf[0] = '\0';
	for (i = 0; i < RTE_MAX_LCORE && off < sizeof(buf) - 64; i++) {
		const struct nta_lcore *lc = &p->lc[i];
		uint64_t held, ring;

		if (__atomic_load_n(&lc->lane_to, __ATOMIC_ACQUIRE) == NULL)
			continue;
		held = nta_store_count(&lc->s);
		ring = nta_lanes_pending(p, i);
		if (held == 0 && ring == 0)
			continue;
		off += snprintf(buf + off, sizeof(buf) - off,
				" lcore %u: %" PRIu64 " held + %" PRIu64 " in ring%s;", i, held,
				ring, lc->live ? "" : " (thread gone)");
		shown++;
	}
	if (nta_unreg_count(p) != 0)
		off += snprintf(buf + off, sizeof(buf) - off,
				" unregistered threads' slots: %" PRIu64 " held;",
				nta_unreg_count(p));
	free_now = nta_pool_count(p);
	/* Fewer free objects than asked is plain exhaustion, and routine
	 * when the mempool cache asks for a refill (it falls back to a
	 * smaller request): informational. Enough free objects that this
	 * lcore cannot reach is stranding: worth a warning.
	 */
	rte_log(free_now >= n ? RTE_LOG_WARNING : RTE_LOG_INFO, nta_logtype,
		"NTA: pool %s: dequeue of %u failed on lcore %d: %" PRIu64
		" free (depot %" PRIu64 ";%s)%s\n",
		p->mp->name, n, lcore_id < RTE_MAX_LCORE ? (int)lcore_id : -1,
		free_now, __atomic_load_n(&p->depot.count, __ATOMIC_RELAXED),
		shown ? buf : " no lcore holds any",
		free_now >= n ? ": objects stranded on other lcores" : "");
}
