/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Bad frees never take the mempool list lock. A free happens inside
 * rte_mempool_walk() in two ways: the driver's own lcore callback (a
 * thread leaving with its mempool cache) and an application freeing from
 * a walk callback. DPDK's rwlock holds back new readers while a writer
 * waits, so a second read lock there, with rte_mempool_create_empty()
 * waiting for the write lock, hangs both threads for good. Each case
 * forces that interleaving; a watchdog fails the case instead of hanging.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fopencookie, memmem */
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_lcore.h>
#include <rte_log.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

/* ---- watchdog: fail (exit) instead of hanging ---- */

static pthread_mutex_t wd_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wd_cv = PTHREAD_COND_INITIALIZER;
static int wd_disarmed;
static const char *wd_what;

static void *
wd_thread(void *arg)
{
	unsigned int secs = (unsigned int)(uintptr_t)arg;
	struct timespec until;
	int fired = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += secs;
	pthread_mutex_lock(&wd_mx);
	while (!wd_disarmed && !fired)
		fired = pthread_cond_timedwait(&wd_cv, &wd_mx, &until) != 0;
	pthread_mutex_unlock(&wd_mx);
	if (!wd_disarmed) {
		printf("FAIL watchdog: %s: still blocked after %u s (deadlock)\n",
		       wd_what, secs);
		fflush(stdout);
		_exit(3);
	}
	return NULL;
}

static pthread_t
wd_arm(const char *what, unsigned int secs)
{
	pthread_t th;

	wd_what = what;
	wd_disarmed = 0;
	pthread_create(&th, NULL, wd_thread, (void *)(uintptr_t)secs);
	return th;
}

static void
wd_disarm(pthread_t th)
{
	pthread_mutex_lock(&wd_mx);
	wd_disarmed = 1;
	pthread_cond_signal(&wd_cv);
	pthread_mutex_unlock(&wd_mx);
	pthread_join(th, NULL);
}

/* ---- a thread that creates (and frees) a pool: the writer ---- */

struct creator {
	pthread_t th;
	int started;
	int done;
	int ok;
};

static void *
creator_fn(void *arg)
{
	struct creator *c = arg;
	struct rte_mempool *mp;

	__atomic_store_n(&c->started, 1, __ATOMIC_RELEASE);
	/* waits for the mempool list write lock while a walk holds it */
	mp = rte_mempool_create_empty("walk_new", 64, 64, 0, 0,
				      SOCKET_ID_ANY, 0);
	c->ok = mp != NULL;
	rte_mempool_free(mp);
	__atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Start the creator and give it time to queue on the write lock. */
static void
creator_start(struct creator *c)
{
	memset(c, 0, sizeof(*c));
	pthread_create(&c->th, NULL, creator_fn, c);
	while (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE))
		usleep(1000);
	usleep(300 * 1000);
}

/* ---- a bad free from an application's walk callback ---- */

struct walk_ctx {
	struct rte_mempool *mp;
	void *bad[2];
	struct creator cr;
	int seen;
	int creator_blocked;
};

static void
walk_bad_free(struct rte_mempool *mp, void *arg)
{
	struct walk_ctx *w = arg;

	if (mp != w->mp)
		return;
	w->seen = 1;
	/* this walk holds the read lock: the creator queues behind it */
	creator_start(&w->cr);
	w->creator_blocked = !__atomic_load_n(&w->cr.done, __ATOMIC_ACQUIRE);
	rte_mempool_ops_enqueue_bulk(mp, w->bad, 2);
}

NTA_TEST(bad_free_in_walk, "a bad free inside rte_mempool_walk() with a pool being created: no deadlock", 1)
{
	struct rte_mempool *mp = tp_create("walk_bad", 256, 64, 0, 0, NULL);
	/* another handler's pool: its objects are still recognised */
	struct rte_mempool *other = rte_mempool_create("walk_other", 63, 64, 0, 0,
						       NULL, NULL, NULL, NULL,
						       SOCKET_ID_ANY, 0);
	void *heap = malloc(64);
	struct walk_ctx w;
	pthread_t wd;

	CHECK(mp != NULL && other != NULL && heap != NULL, "create");
	memset(&w, 0, sizeof(w));
	w.mp = mp;
	w.bad[0] = heap;
	CHECK(rte_mempool_get(other, &w.bad[1]) == 0, "get other");
	wd = wd_arm("bad free inside a walk", 20);
	rte_mempool_walk(walk_bad_free, &w);
	pthread_join(w.cr.th, NULL);
	wd_disarm(wd);
	CHECK(w.seen, "walk saw the pool");
	CHECK(w.creator_blocked, "the creator did not wait for the lock");
	CHECK(w.cr.ok, "create after the walk");
	CHECK(tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN) == 1 &&
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_OTHER_POOL) == 1,
	      "bad frees counted: foreign %lu, other pool %lu",
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_FOREIGN),
	      tp_bad_count(mp, RTE_MEMPOOL_NTA_BAD_OTHER_POOL));
	CHECK(rte_mempool_avail_count(mp) == 256, "pool unchanged: %u",
	      rte_mempool_avail_count(mp));
	rte_mempool_put(other, w.bad[1]);
	CHECK(tp_audit_ok(mp) == 0, "audit");
	rte_mempool_free(mp);
	rte_mempool_free(other);
	free(heap);
	return 0;
}

/* ---- a thread leaving with foreign pointers in its mempool caches ----
 *
 * The leaving thread flushes its caches from inside the driver's walk of
 * the pools (lcore callback). The first refused free is logged: the log
 * stream below holds that thread there, inside the walk, until a creator
 * queues on the write lock; then the second pool's cache is flushed.
 */

static pthread_mutex_t ls_mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ls_cv = PTHREAD_COND_INITIALIZER;
static int ls_armed;     /* hold the next "refused" log line */
static int ls_holding;   /* a thread is held in the log stream */
static int ls_release;

static ssize_t
ls_write(void *cookie, const char *buf, size_t size)
{
	RTE_SET_USED(cookie);
	fwrite(buf, 1, size, stdout);
	fflush(stdout);
	pthread_mutex_lock(&ls_mx);
	if (ls_armed && memmem(buf, size, "refused", 7) != NULL) {
		ls_armed = 0;
		ls_holding = 1;
		pthread_cond_broadcast(&ls_cv);
		while (!ls_release)
			pthread_cond_wait(&ls_cv, &ls_mx);
	}
	pthread_mutex_unlock(&ls_mx);
	return (ssize_t)size;
}

struct leaver {
	struct rte_mempool *mp[2];
	void *bad[2];
	unsigned int lcore;
	int reg;
	int done;
};

static void *
leaver_fn(void *arg)
{
	struct leaver *l = arg;

	l->reg = rte_thread_register();
	l->lcore = rte_lcore_id();
	if (l->reg == 0) {
		/* into the thread's caches, nothing checks them yet */
		rte_mempool_put(l->mp[0], l->bad[0]);
		rte_mempool_put(l->mp[1], l->bad[1]);
		rte_thread_unregister();
	}
	__atomic_store_n(&l->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

NTA_TEST(unregister_bad_cache, "a thread leaves with bad pointers in its caches while a pool is created: no deadlock", 1)
{
	struct rte_mempool *a = tp_create("leave_a", 256, 64, 32, 0, NULL);
	struct rte_mempool *b = tp_create("leave_b", 256, 64, 32, 0, NULL);
	struct rte_mempool *other = tp_create("leave_other", 64, 64, 0, 0, NULL);
	cookie_io_functions_t io = { .write = ls_write };
	FILE *prev = rte_log_get_stream(), *f;
	struct leaver l;
	struct creator cr;
	pthread_t th, wd;

	CHECK(a != NULL && b != NULL && other != NULL, "create");
	memset(&l, 0, sizeof(l));
	l.mp[0] = a;
	l.mp[1] = b;
	CHECK(rte_mempool_get(other, &l.bad[0]) == 0, "get other");
	l.bad[1] = malloc(64);
	f = fopencookie(NULL, "w", io);
	CHECK(f != NULL, "log stream");
	setvbuf(f, NULL, _IONBF, 0);
	rte_openlog_stream(f);
	ls_armed = 1;
	ls_holding = 0;
	ls_release = 0;

	wd = wd_arm("thread unregister with bad pointers in its caches", 20);
	pthread_create(&th, NULL, leaver_fn, &l);
	/* wait until the leaving thread is held inside the driver's walk */
	pthread_mutex_lock(&ls_mx);
	while (!ls_holding && !__atomic_load_n(&l.done, __ATOMIC_ACQUIRE)) {
		pthread_mutex_unlock(&ls_mx);
		usleep(1000);
		pthread_mutex_lock(&ls_mx);
	}
	pthread_mutex_unlock(&ls_mx);
	CHECK(ls_holding, "no bad free logged from the leaving thread (reg %d)", l.reg);
	creator_start(&cr);
	CHECK(!__atomic_load_n(&cr.done, __ATOMIC_ACQUIRE),
	      "the creator did not wait for the lock");
	pthread_mutex_lock(&ls_mx);
	ls_release = 1;
	pthread_cond_broadcast(&ls_cv);
	pthread_mutex_unlock(&ls_mx);
	pthread_join(th, NULL);
	pthread_join(cr.th, NULL);
	wd_disarm(wd);
	rte_openlog_stream(prev);
	fclose(f);

	CHECK(l.reg == 0, "register");
	CHECK(cr.ok, "create while the thread left");
	CHECK(tp_bad_total(a) == 1 && tp_bad_total(b) == 1, "bad frees counted: %lu %lu",
	      tp_bad_total(a), tp_bad_total(b));
	CHECK(rte_mempool_default_cache(a, l.lcore)->len == 0 &&
	      rte_mempool_default_cache(b, l.lcore)->len == 0, "caches flushed");
	CHECK(rte_mempool_avail_count(a) == 256 && rte_mempool_avail_count(b) == 256,
	      "pools unchanged");
	CHECK(tp_audit_ok(a) == 0 && tp_audit_ok(b) == 0, "audit");
	rte_mempool_put(other, l.bad[0]);
	free(l.bad[1]);
	rte_mempool_free(a);
	rte_mempool_free(b);
	rte_mempool_free(other);
	return 0;
}
