/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * What every case shares: making a pool on a given handler, checking it
 * after a run, picking and launching lcores, the start line, and turning
 * per-thread counts into a rate.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_mempool.h>
#include <rte_pause.h>

#include "rte_mempool_nta.h"
#include "bench.h"

/*
 * Handlers built on a single-producer or single-consumer ring are only
 * correct when one thread enqueues (puts) or one dequeues (gets); a run
 * outside that would measure a race, not the handler.
 */
int
bench_handler_allows(const char *ops, unsigned int getters,
		     unsigned int putters)
{
	if (strcmp(ops, "ring_sp_sc") == 0)
		return getters <= 1 && putters <= 1;
	if (strcmp(ops, "ring_mp_sc") == 0)
		return getters <= 1;
	if (strcmp(ops, "ring_sp_mc") == 0)
		return putters <= 1;
	return 1;
}

void
bench_pool_name(char *buf, size_t len, const char *tag)
{
	/* pool names must be unique while they live; a counter is enough */
	static unsigned int seq;

	snprintf(buf, len, "nb%s%u", tag, seq++);
}

struct rte_mempool *
bench_pool_create(const char *ops, unsigned int n, unsigned int elt_size,
		  unsigned int cache, char *err, size_t err_len)
{
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp;
	int ret;

	bench_pool_name(name, sizeof(name), "p");
	mp = rte_mempool_create_empty(name, n, elt_size, cache, 0,
				      SOCKET_ID_ANY, 0);
	if (mp == NULL) {
		snprintf(err, err_len, "create_empty: %s",
			 rte_strerror(rte_errno));
		return NULL;
	}
	ret = rte_mempool_set_ops_byname(mp, ops, NULL);
	if (ret != 0) {
		snprintf(err, err_len, "set_ops_byname: %s%s",
			 rte_strerror(-ret),
			 ret == -EINVAL ? " (ops not registered?)" : "");
		rte_mempool_free(mp);
		return NULL;
	}
	ret = rte_mempool_populate_default(mp);
	if (ret < 0 || mp->populated_size != n) {
		snprintf(err, err_len, "populate: %s (%u of %u objects)",
			 ret < 0 ? rte_strerror(-ret) : "short",
			 mp->populated_size, n);
		rte_mempool_free(mp);
		return NULL;
	}
	return mp;
}

/*
 * With --shuffle: every object got (on this lcore, one at a time), put in
 * random order (a fixed seed: every handler and run sees the same order)
 * and put back, so that the free objects no longer sit in address order,
 * as in a pool after long use: a burst then spans the pool's memory. The
 * floor is left as it is (its per-lcore stocks are dealt out at
 * creation). Returns 0, or -1 with err set.
 */
int
bench_pool_shuffle(const struct bench_opts *o, const char *ops,
		   struct rte_mempool *mp, char *err, size_t err_len)
{
	unsigned int n = mp->size, got, i;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	void **objs;

	if (!o->shuffle || strcmp(ops, BENCH_FLOOR) == 0)
		return 0;
	objs = malloc(n * sizeof(void *));
	if (objs == NULL) {
		snprintf(err, err_len, "shuffle: out of memory");
		return -1;
	}
	for (got = 0; got < n; got++)
		if (rte_mempool_generic_get(mp, &objs[got], 1, NULL) != 0)
			break;
	for (i = got; i > 1; i--) {
		unsigned int j;
		void *t;

		/* xorshift64: a fixed sequence, no libc state */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = (unsigned int)(x % i);
		t = objs[i - 1];
		objs[i - 1] = objs[j];
		objs[j] = t;
	}
	for (i = 0; i < got; i++)
		rte_mempool_generic_put(mp, &objs[i], 1, NULL);
	free(objs);
	if (got != n) {
		snprintf(err, err_len, "shuffle: %u of %u objects got", got, n);
		return -1;
	}
	return 0;
}

/*
 * Objects a run may hold at once: each lcore's cache can grow to 1.5x its
 * size before it flushes, plus the burst in the worker's hands, plus what
 * is in flight between lcores or held by them (workset). The pool is at
 * least twice that, so a failed get means the handler lost track of
 * objects, not that the pool ran dry: a handler may keep free objects per
 * lcore where other lcores cannot get them (the floor handler keeps up to
 * the pool's size over the lcore count on each, bucket keeps buckets).
 */
unsigned int
bench_pool_size(const struct bench_opts *o, unsigned int lcores,
		unsigned int cache, unsigned int bulk, unsigned int in_flight)
{
	unsigned int need = lcores * ((cache * 3 + 1) / 2 + bulk) + bulk +
			    in_flight;

	return RTE_MAX(o->pool_size, 2 * need);
}

/* After a run, with every thread stopped: is every object back? */
int
bench_pool_check(struct rte_mempool *mp, struct bench_cell *c)
{
	unsigned int avail = rte_mempool_avail_count(mp);
	struct rte_mempool_nta_audit_report rep;

	if (avail != mp->size) {
		bench_cell_fail(c, "accounting: %u of %u objects free after the run",
				avail, mp->size);
		return -1;
	}
	if (rte_mempool_nta_is_nta(mp) &&
	    rte_mempool_nta_audit(mp, &rep) == -EFAULT) {
		bench_cell_fail(c, "nta audit: %" PRIu64 " duplicates, %" PRIu64
				" lost, %" PRIu64 " mismatches",
				rep.duplicates, rep.lost, rep.mismatches);
		return -1;
	}
	return 0;
}

/* The main lcore first (it always takes part), then workers in order. */
unsigned int
bench_lcores_pick(unsigned int nb, unsigned int *ids)
{
	unsigned int n = 0, id;

	if (nb == 0)
		return 0;
	ids[n++] = rte_get_main_lcore();
	RTE_LCORE_FOREACH_WORKER(id) {
		if (n == nb)
			break;
		ids[n++] = id;
	}
	return n;
}

/* Run fn on ids[1..nb-1] and on the main lcore (ids[0]); wait for all. */
int
bench_launch(const unsigned int *ids, unsigned int nb, lcore_function_t *fn,
	     void *arg)
{
	unsigned int i;
	int ret, rc;

	for (i = 1; i < nb; i++)
		/* our workers are idle between cases; a busy one is a bug
		 * and would leave the others waiting at the start line
		 */
		if (rte_eal_remote_launch(fn, arg, ids[i]) != 0)
			rte_exit(EXIT_FAILURE, "lcore %u is busy\n", ids[i]);
	ret = fn(arg);
	for (i = 1; i < nb; i++) {
		rc = rte_eal_wait_lcore(ids[i]);
		if (rc != 0)
			ret = rc;
	}
	return ret;
}

void
bench_sync_init(struct bench_sync *s, uint32_t expected)
{
	s->arrived = 0;
	s->expected = expected;
}

/* Threads start their timed loops together, so they contend for real. */
void
bench_sync_wait(struct bench_sync *s)
{
	/* release/acquire: what a thread set up before arriving is visible
	 * to all once the last one is in
	 */
	__atomic_fetch_add(&s->arrived, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&s->arrived, __ATOMIC_ACQUIRE) < s->expected)
		rte_pause();
}

uint64_t
bench_ms_to_cycles(unsigned int ms)
{
	return rte_get_timer_hz() * ms / 1000;
}

/* One run: its rate is the sum of its threads' own rates. */
void
bench_cell_rate(struct bench_cell *c, const struct bench_tres *t,
		unsigned int nb)
{
	double hz = (double)rte_get_timer_hz(), rate = 0, secs = 0;
	unsigned int i;

	c->objs = 0;
	c->get_fails = 0;
	for (i = 0; i < nb; i++) {
		double s = (double)t[i].cycles / hz;

		c->objs += t[i].objs;
		c->get_fails += t[i].get_fails;
		if (s > 0)
			rate += (double)t[i].objs / s;
		secs = RTE_MAX(secs, s);
	}
	c->status = BENCH_ST_OK;
	c->mops = rate / 1e6;
	c->secs = secs;
}

/* Add one run to a figure; the first failure or n/a decides for good. */
void
bench_cell_merge(struct bench_cell *acc, const struct bench_cell *run)
{
	if (acc->status != BENCH_ST_OK)
		return;
	if (run->status != BENCH_ST_OK) {
		acc->status = run->status;
		memcpy(acc->note, run->note, sizeof(acc->note));
		return;
	}
	if (acc->reps < BENCH_MAX_REPEAT)
		acc->run_mops[acc->reps++] = run->mops;
	acc->objs += run->objs;
	acc->secs += run->secs;
	acc->get_fails += run->get_fails;
	if (acc->note[0] == '\0')
		memcpy(acc->note, run->note, sizeof(acc->note));
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median run: one run disturbed by something else on the machine
 * does not make the figure.
 */
void
bench_cell_finish(struct bench_cell *acc)
{
	double r[BENCH_MAX_REPEAT];
	unsigned int n = acc->reps;

	if (acc->status != BENCH_ST_OK || n == 0)
		return;
	memcpy(r, acc->run_mops, n * sizeof(r[0]));
	qsort(r, n, sizeof(r[0]), cmp_double);
	acc->mops_min = r[0];
	acc->mops_max = r[n - 1];
	acc->mops = n % 2 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
}

void
bench_cell_fail(struct bench_cell *c, const char *fmt, ...)
{
	va_list ap;

	c->status = BENCH_ST_FAILED;
	va_start(ap, fmt);
	vsnprintf(c->note, sizeof(c->note), fmt, ap);
	va_end(ap);
}

void
bench_cell_na(struct bench_cell *c, const char *why)
{
	c->status = BENCH_ST_NA;
	snprintf(c->note, sizeof(c->note), "%s", why);
}
