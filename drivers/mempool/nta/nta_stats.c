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
		nta_counters_read(&p->any_cnt, s);
		s->held = nta_any_count(p);
		return;
	}
	nta_counters_read(&p->lc[id].cnt, s);
	if (__atomic_load_n(&p->lc[id].lifo, __ATOMIC_ACQUIRE) != NULL) {
		s->held = __atomic_load_n(&p->lc[id].len, __ATOMIC_RELAXED);
		s->ring_pending = nta_ring_count(p->lc[id].ring);
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
		if (__atomic_load_n(&p->lc[i].lifo, __ATOMIC_ACQUIRE) == NULL)
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
	stats->depot = __atomic_load_n(&p->depot_count, __ATOMIC_RELAXED);
	stats->arenas = __atomic_load_n(&p->nb_arenas, __ATOMIC_RELAXED);
	stats->arena_size = p->lay.arena_size;
	stats->metadata_bytes = __atomic_load_n(&p->meta_bytes,
						__ATOMIC_RELAXED);
	stats->object_bytes = p->populated * p->lay.elt_total;
	stats->lifo_size = p->lay.lifo_size;
	stats->ring_size = p->lay.ring_size;
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
	memset(&p->any_cnt, 0, sizeof(p->any_cnt));
	return 0;
}

/* ---- audit ---- */

struct nta_audit_ctx {
	const struct nta_pool *p;
	uint8_t *seen;     /* one byte per object: times found in a list */
	uint64_t *base;    /* first global index of each arena */
	struct rte_mempool_nta_audit_report *r;
};

static void
nta_audit_mark(struct nta_audit_ctx *c, const void *obj, uint8_t expect)
{
	const struct nta_arena *a = nta_dir_find(c->p, (uintptr_t)obj);
	int64_t idx = a ? nta_arena_slot(c->p, a, (uintptr_t)obj) : -1;

	if (idx < 0) {
		c->r->mismatches++;
		return;
	}
	if (nta_state_load(a, (uint32_t)idx) != expect)
		c->r->mismatches++;
	if (c->seen[c->base[a->index] + idx]++ != 0)
		c->r->duplicates++;
}

static void
nta_audit_lists(struct nta_audit_ctx *c)
{
	unsigned int i, j;

	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct nta_lcore *lc = &c->p->lc[i];
		uint32_t pos, end;

		if (lc->lifo == NULL)
			continue;
		for (j = 0; j < lc->len; j++)
			nta_audit_mark(c, lc->lifo[j], NTA_ST_LOCAL);
		c->r->in_lifos += lc->len;
		end = __atomic_load_n(&lc->ring->prod_head, __ATOMIC_ACQUIRE);
		for (pos = lc->ring->cons_tail; pos != end; pos++) {
			void *o = __atomic_load_n(&lc->ring->slot[pos &
							lc->ring->mask],
						  __ATOMIC_ACQUIRE);
			if (o != NULL)
				nta_audit_mark(c, o, NTA_ST_REMOTE);
			else
				c->r->lost++; /* reserved, never filled */
			c->r->in_rings++;
		}
	}
	for (i = 0; i < NTA_ANY_SLOTS; i++) {
		const struct nta_any_slot *s = &c->p->any[i];

		for (j = 0; j < s->len; j++)
			nta_audit_mark(c, s->obj[j], NTA_ST_LOCAL);
		c->r->in_lifos += s->len;
	}
}

static void
nta_audit_states(struct nta_audit_ctx *c)
{
	const struct nta_pool *p = c->p;
	uint32_t ai, i;
	uint64_t depot = 0;

	for (ai = 0; ai < p->nb_arenas; ai++) {
		const struct nta_arena *a = p->arenas[ai];
		uint32_t arena_depot = 0;

		for (i = 0; i < a->nb; i++) {
			uint8_t st = nta_state_load(a, i);
			uint8_t seen = c->seen[c->base[ai] + i];

			c->r->objects++;
			if ((st == NTA_ST_DEPOT) !=
			    !!(a->dmap[i >> 6] & (1ull << (i & 63))))
				c->r->mismatches++; /* map and state disagree */
			if (st == NTA_ST_DEPOT) {
				arena_depot++;
				if (seen != 0)
					c->r->duplicates++;
			} else if (nta_state_is_used(st)) {
				c->r->in_use++;
				if (seen != 0)
					c->r->duplicates++;
			} else if (seen == 0) {
				c->r->lost++; /* LOCAL/REMOTE in no list */
			}
		}
		if (arena_depot != a->depot_avail)
			c->r->mismatches++;
		depot += arena_depot;
	}
	c->r->in_depot = depot;
	if (depot != p->depot_count)
		c->r->mismatches++;
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
	nta_audit_lists(&c);
	nta_audit_states(&c);
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
	unsigned int before;

	if (p == NULL)
		return -EINVAL;
	if (id >= RTE_MAX_LCORE)
		/* an unregistered thread: the slots they share */
		return (int)nta_any_reclaim(p);
	if (p->lc[id].lifo == NULL)
		return 0;
	lc = &p->lc[id];
	/* a new thread on a reused id: take the ring back from the lock
	 * holders before consuming it
	 */
	if (!lc->live && nta_lcore_setup(p, id) < 0)
		return -ENOMEM;
	nta_drain_all(p, lc);
	before = lc->len;
	nta_lifo_spill(p, lc, 0);
	return (int)before;
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
	for (i = 0; i <= RTE_MAX_LCORE; i++) {
		struct rte_mempool_nta_lcore_stats s;
		unsigned int id = i < RTE_MAX_LCORE ? i : LCORE_ID_ANY;
		uint64_t bad = 0;

		if (id != LCORE_ID_ANY && p->lc[id].lifo == NULL)
			continue;
		nta_lcore_read(p, id, &s);
		for (k = 0; k < RTE_MEMPOOL_NTA_BAD_MAX; k++)
			bad += s.bad_frees[k];
		fprintf(f, "  %s%-3d held=%" PRIu64 " ring=%" PRIu64
			" hits=%" PRIu64 " frees=%" PRIu64 " sent=%" PRIu64
			" drained=%" PRIu64 " depot_get=%" PRIu64
			" depot_put=%" PRIu64 " failed=%" PRIu64 " bad=%" PRIu64 "\n",
			id == LCORE_ID_ANY ? "unregistered " : "lcore ",
			id == LCORE_ID_ANY ? -1 : (int)id, s.held, s.ring_pending,
			s.local_hits, s.local_frees, s.remote_sent,
			s.remote_drained, s.depot_gets, s.depot_puts,
			s.failed_dequeues, bad);
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
		uint32_t held, ring;

		if (__atomic_load_n(&lc->lifo, __ATOMIC_ACQUIRE) == NULL)
			continue;
		held = __atomic_load_n(&lc->len, __ATOMIC_RELAXED);
		ring = nta_ring_count(lc->ring);
		if (held == 0 && ring == 0)
			continue;
		off += snprintf(buf + off, sizeof(buf) - off,
				" lcore %u: %u held + %u in ring%s;", i, held,
				ring, lc->live ? "" : " (thread gone)");
		shown++;
	}
	if (nta_any_count(p) != 0)
		off += snprintf(buf + off, sizeof(buf) - off,
				" unregistered threads' slots: %" PRIu64 " held;",
				nta_any_count(p));
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
		free_now, __atomic_load_n(&p->depot_count, __ATOMIC_RELAXED),
		shown ? buf : " no lcore holds any",
		free_now >= n ? ": objects stranded on other lcores" : "");
}
