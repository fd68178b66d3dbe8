/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Double frees racing each other and the object's re-allocation.
 *
 * Each round the home lcore gets a batch of objects and publishes it;
 * then four parties free every object of the batch at once: the home
 * itself (its local path), another lcore (its lane to the home) and two
 * unregistered threads (the overflow list). Exactly one free of each
 * object may be accepted; the home re-allocates the objects in the next
 * rounds while stale copies of the refused frees still wait to be
 * drained. At the end: every second free refused and counted, nothing
 * handed out twice, every object obtainable exactly once, audit clean.
 */

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_launch.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

#define RACE_BATCH 64
#define RACE_PARTIES 4 /* home, worker lcore, two unregistered threads */

struct race {
	struct rte_mempool *mp;
	void *batch[RACE_BATCH];
	uint32_t round;          /* published round; release */
	uint32_t done;           /* parties finished with the round */
	uint32_t rounds;
	uint32_t stop;
};

static void
race_wait(const uint32_t *v, uint32_t want)
{
	unsigned int spins = 0;

	while (__atomic_load_n(v, __ATOMIC_ACQUIRE) < want)
		if (++spins % 64 == 0)
			sched_yield(); /* the parties share two cores */
}

/* Free the whole batch, in bulks of 8, starting at a party's offset. */
static void
race_free(struct race *r, unsigned int party)
{
	unsigned int i;

	for (i = 0; i < RACE_BATCH; i += 8)
		rte_mempool_put_bulk(r->mp,
				     &r->batch[(i + party * 16) % RACE_BATCH], 8);
}

static void
race_party(struct race *r, unsigned int party)
{
	uint32_t k;

	for (k = 1; k <= r->rounds; k++) {
		race_wait(&r->round, k);
		race_free(r, party);
		__atomic_fetch_add(&r->done, 1, __ATOMIC_RELEASE);
	}
}

static int
race_lcore(void *arg)
{
	race_party(arg, 1);
	return 0;
}

static void *
race_thread(void *arg)
{
	static uint32_t next_party = 2;

	race_party(arg, __atomic_fetch_add(&next_party, 1, __ATOMIC_RELAXED));
	return NULL;
}

/* The home's rounds: get a batch (nothing in it may be live), publish it,
 * free it as one of the parties, wait for the others.
 */
static int
race_home(struct race *r)
{
	uint32_t k, i;

	for (k = 1; k <= r->rounds; k++) {
		CHECK(rte_mempool_get_bulk(r->mp, r->batch, RACE_BATCH) == 0,
		      "round %u: get", k);
		for (i = 0; i < RACE_BATCH; i++) {
			uint64_t *live = r->batch[i];

			CHECK(__atomic_exchange_n(live, 1, __ATOMIC_RELAXED) == 0,
			      "round %u: object %p handed out while live", k,
			      r->batch[i]);
		}
		/* release: the batch is written before the parties see k */
		__atomic_store_n(&r->round, k, __ATOMIC_RELEASE);
		race_free(r, 0);
		race_wait(&r->done, k * (RACE_PARTIES - 1));
		/* every free of the round is in: the objects are free */
		for (i = 0; i < RACE_BATCH; i++)
			*(uint64_t *)r->batch[i] = 0;
	}
	return 0;
}

static int
home_flush(void *arg)
{
	return rte_mempool_nta_lcore_flush(arg) < 0;
}

static uint64_t
double_frees(struct rte_mempool *mp)
{
	struct rte_mempool_nta_stats st;

	rte_mempool_nta_stats_get(mp, &st);
	return st.total.bad_frees[RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE];
}

static int
race_case(unsigned int ring_size, uint32_t rounds)
{
	struct rte_mempool_nta_params prm = { .ring_size = ring_size };
	const unsigned int n = 256;
	struct race r = { .rounds = rounds };
	unsigned int w = tp_worker(), i;
	pthread_t th[RACE_PARTIES - 2];
	void **all = calloc(n + 8, sizeof(void *));
	int ret, got;

	r.mp = tp_create(ring_size ? "race_full" : "race", n, 64, 0, 0,
			 ring_size ? &prm : NULL);
	CHECK(r.mp != NULL && all != NULL, "create");
	/* millions of refused frees: keep the log quiet */
	rte_log_set_level(rte_log_register("pmd.mempool.nta"), RTE_LOG_CRIT);
	/* the first word of each object says "live" while the home has it */
	got = tp_get_all(r.mp, all, n, 1);
	for (i = 0; i < (unsigned int)got; i++)
		*(uint64_t *)all[i] = 0;
	rte_mempool_put_bulk(r.mp, all, got);
	rte_eal_remote_launch(race_lcore, &r, w);
	for (i = 0; i < RACE_PARTIES - 2; i++)
		pthread_create(&th[i], NULL, race_thread, &r);
	ret = race_home(&r);
	if (ret != 0) {
		/* let the parties finish the rounds they wait for */
		__atomic_store_n(&r.round, r.rounds, __ATOMIC_RELEASE);
	}
	rte_eal_wait_lcore(w);
	for (i = 0; i < RACE_PARTIES - 2; i++)
		pthread_join(th[i], NULL);
	CHECK(ret == 0, "home failed");
	/* the home takes back what is still on its way, and refuses the
	 * stale copies among it
	 */
	CHECK(home_flush(r.mp) == 0, "flush");
	printf("  %u rounds x %u objects x %u frees: %" PRIu64 " refused\n",
	       r.rounds, RACE_BATCH, RACE_PARTIES, double_frees(r.mp));
	CHECK(double_frees(r.mp) == (uint64_t)r.rounds * RACE_BATCH *
	      (RACE_PARTIES - 1), "every second free refused: %" PRIu64,
	      double_frees(r.mp));
	CHECK(rte_mempool_avail_count(r.mp) == n, "count %u",
	      rte_mempool_avail_count(r.mp));
	CHECK(tp_audit_ok(r.mp) == 0, "audit");
	got = tp_get_all(r.mp, all, n + 8, 8);
	CHECK(got == (int)n, "%d objects obtainable, want %u", got, n);
	CHECK(tp_unique(all, n) == 0, "an object handed out twice");
	rte_mempool_put_bulk(r.mp, all, n);
	rte_mempool_free(r.mp);
	free(all);
	rte_log_set_level(rte_log_register("pmd.mempool.nta"), RTE_LOG_NOTICE);
	return 0;
}

NTA_TEST(double_free_race, "racing double frees from home, lcore and unregistered threads, with re-allocation: one accepted, the rest refused", 2)
{
	/* 40000 x 64 x 4: 10^7 frees */
	CHECK_OK(race_case(0, 40000));
	/* lanes of 16: most remote frees overflow */
	CHECK_OK(race_case(16, 10000));
	return 0;
}

/*
 * A stale lane entry must be refused even when its home never runs dry.
 * Lane entries carry 16 bits of the generation: main sends x home, the
 * home frees x itself too (the application's double free; the lane copy
 * is the stale one), then cycles x locally 2^16 times, so that x, handed
 * out again, has the generation the lane entry was tagged with. Only if
 * the home validated the entry before then is x safe when the home later
 * drains its lanes.
 */
struct wrap {
	struct rte_mempool *mp;
	void *x;
	int phase;
	unsigned int got, dups;
	void *all[512];
};

static int
wrap_home(void *arg)
{
	struct wrap *t = arg;
	unsigned int i;
	void *o;

	if (t->phase == 0)
		return rte_mempool_get(t->mp, &t->x);
	rte_mempool_put(t->mp, t->x);
	/* x is on top of this lcore's LIFO: each get hands it out again */
	for (i = 0; i < 65535; i++) {
		if (rte_mempool_get(t->mp, &o) != 0 || o != t->x)
			return -1;
		rte_mempool_put(t->mp, o);
	}
	if (rte_mempool_get(t->mp, &o) != 0 || o != t->x)
		return -2;
	/* x in use; everything else too, so the home drains its lanes */
	while (t->got < RTE_DIM(t->all) &&
	       rte_mempool_get(t->mp, &t->all[t->got]) == 0)
		t->got++;
	for (i = 0; i < t->got; i++)
		t->dups += t->all[i] == t->x;
	rte_mempool_put(t->mp, t->x);
	rte_mempool_put_bulk(t->mp, t->all, t->got);
	return 0;
}

NTA_TEST(lane_tag_wrap, "a stale remote free is refused before its 16-bit tag can match the object again", 2)
{
	const unsigned int n = 256;
	struct wrap *t = calloc(1, sizeof(*t));
	unsigned int w = tp_worker();
	uint64_t df0;

	CHECK(t != NULL, "calloc");
	t->mp = tp_create("tagwrap", n, 64, 0, 0, NULL);
	CHECK(t->mp != NULL, "create");
	CHECK(tp_run_on(w, wrap_home, t) == 0, "home gets x");
	df0 = double_frees(t->mp);
	rte_mempool_put(t->mp, t->x);            /* lane main -> home */
	t->phase = 1;
	CHECK(tp_run_on(w, wrap_home, t) == 0, "home cycles x");
	printf("  home got %u more objects, x among them %u time(s), %" PRIu64 " double free(s) refused\n",
	       t->got, t->dups, double_frees(t->mp) - df0);
	CHECK(t->dups == 0, "x handed out again while in use");
	CHECK(t->got == n - 1, "home got %u objects, want %u", t->got, n - 1);
	CHECK(double_frees(t->mp) - df0 == 1, "the stale copy refused once");
	CHECK(rte_mempool_avail_count(t->mp) == n, "count %u",
	      rte_mempool_avail_count(t->mp));
	CHECK(tp_audit_ok(t->mp) == 0, "audit");
	rte_mempool_free(t->mp);
	free(t);
	return 0;
}

/*
 * An object held for a long time is still accepted when another lcore
 * frees it. Words keep the low 24 bits of the hand-out epoch: the home
 * takes x, then makes 2^24 - 100 more hand-out calls before main frees x
 * (lane tag: the home's epoch then), and 4096 more before it drains that
 * lane. Read without the sweeps' re-stamping, x's 24-bit stamp would look
 * 100 epochs younger than the drain, so later than the tag: a live free
 * refused and x lost.
 */
struct held {
	struct rte_mempool *mp;
	void *x;
	uint32_t cycles;
};

static int
held_home(void *arg)
{
	struct held *t = arg;
	uint32_t i;
	void *o;

	if (t->x == NULL)
		return rte_mempool_get(t->mp, &t->x);
	for (i = 0; i < t->cycles; i++) {
		if (rte_mempool_get(t->mp, &o) != 0)
			return -1;
		rte_mempool_put(t->mp, o);
	}
	return 0;
}

NTA_TEST(long_held_remote_free, "an object held for 2^24 of its home's hand-outs is accepted when freed by another lcore", 2)
{
	const unsigned int n = 256;
	struct held t = { .mp = tp_create("held", n, 64, 0, 0, NULL) };
	unsigned int w = tp_worker();
	void *all[256 + 8];
	uint64_t df0;
	int got;

	CHECK(t.mp != NULL, "create");
	CHECK(tp_run_on(w, held_home, &t) == 0 && t.x != NULL, "home gets x");
	t.cycles = (1u << 24) - 100;
	CHECK(tp_run_on(w, held_home, &t) == 0, "home cycles");
	df0 = double_frees(t.mp);
	rte_mempool_put(t.mp, t.x);              /* lane main -> home */
	t.cycles = 4096 + 64;                    /* a sweep drains it */
	CHECK(tp_run_on(w, held_home, &t) == 0, "home cycles on");
	CHECK(double_frees(t.mp) == df0, "x refused: %" PRIu64 " double free(s)",
	      double_frees(t.mp) - df0);
	CHECK(rte_mempool_avail_count(t.mp) == n, "count %u",
	      rte_mempool_avail_count(t.mp));
	CHECK(tp_audit_ok(t.mp) == 0, "audit");
	CHECK(tp_run_on(w, home_flush, t.mp) == 0, "home flush");
	got = tp_get_all(t.mp, all, n + 8, 8);
	CHECK(got == (int)n, "%d objects obtainable, want %u", got, n);
	CHECK(tp_unique(all, n) == 0, "an object handed out twice");
	rte_mempool_put_bulk(t.mp, all, got);
	rte_mempool_free(t.mp);
	return 0;
}
