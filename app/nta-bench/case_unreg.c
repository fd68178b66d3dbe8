/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Unregistered threads: plain pthreads that DPDK does not know
 * (rte_lcore_id() == LCORE_ID_ANY), more of them than cores, getting and
 * putting one object at a time on a pool without cache. A thread
 * preempted in the middle of a lock-free ring operation stalls every other
 * thread of the pool until it runs again; this case shows that.
 *
 * Some handlers index per-lcore arrays with LCORE_ID_ANY and crash, so the
 * threads run in a forked child: a crash or a stall becomes a FAILED cell
 * instead of the end of the whole benchmark. The child shares the pool's
 * memory (hugepages are mapped shared) and touches nothing else of DPDK.
 */

#define _GNU_SOURCE /* pthread affinity, rte_cpuset_t */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "bench.h"

#define UNREG_CHECK_EVERY 16
#define UNREG_GRACE_MS 10000 /* beyond warm-up + duration: a stall */
#define UNREG_MAX_THREADS 256  /* as --threads allows */

struct unreg_run {
	struct rte_mempool *mp;
	uint64_t warm_cycles;
	uint64_t run_cycles;
	struct bench_sync sync;
	struct bench_tres *res;
	uint32_t registered;   /* threads that found an lcore id: a bug */
};

struct unreg_arg {
	struct unreg_run *r;
	unsigned int idx;
};

static void
unreg_loop(struct rte_mempool *mp, uint64_t cycles, struct bench_tres *t)
{
	uint64_t start, now, done = 0, fails = 0;
	unsigned int i;
	void *obj;

	start = rte_get_timer_cycles();
	do {
		for (i = 0; i < UNREG_CHECK_EVERY; i++) {
			if (unlikely(rte_mempool_get(mp, &obj) != 0)) {
				fails++;
				continue;
			}
			rte_mempool_put(mp, obj);
			done++;
		}
		now = rte_get_timer_cycles();
	} while (now - start < cycles);
	t->objs = done;
	t->cycles = now - start;
	t->get_fails = fails;
}

static void *
unreg_thread(void *arg)
{
	struct unreg_arg *a = arg;
	struct unreg_run *r = a->r;
	struct bench_tres warm;

	if (rte_lcore_id() != LCORE_ID_ANY)
		__atomic_fetch_add(&r->registered, 1, __ATOMIC_RELAXED);
	bench_sync_wait(&r->sync);
	unreg_loop(r->mp, r->warm_cycles, &warm);
	unreg_loop(r->mp, r->run_cycles, &r->res[a->idx]);
	r->res[a->idx].get_fails += warm.get_fails;
	return NULL;
}

/* The cores of the EAL lcores: the threads compete with nothing else. */
static void
eal_cpuset(rte_cpuset_t *set)
{
	unsigned int id;

	CPU_ZERO(set);
	RTE_LCORE_FOREACH(id) {
		rte_cpuset_t one = rte_lcore_cpuset(id);

		CPU_OR(set, set, &one);
	}
}

static int
unreg_start(struct unreg_run *r, struct unreg_arg *args, pthread_t *tid,
	    unsigned int n)
{
	pthread_attr_t attr;
	rte_cpuset_t set;
	unsigned int i;

	eal_cpuset(&set);
	pthread_attr_init(&attr);
	if (CPU_COUNT(&set) != 0)
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	for (i = 0; i < n; i++) {
		args[i].r = r;
		args[i].idx = i;
		if (pthread_create(&tid[i], &attr, unreg_thread, &args[i]) != 0)
			break;
	}
	pthread_attr_destroy(&attr);
	return i == n ? 0 : -1;
}

/* In the child: run the threads, send the cell back, never return. */
static __rte_noreturn void
unreg_child(const struct bench_opts *o, struct rte_mempool *mp, int fd)
{
	unsigned int n = o->unreg_threads, i, avail;
	struct unreg_arg args[UNREG_MAX_THREADS];
	pthread_t tid[UNREG_MAX_THREADS];
	struct bench_cell c;
	struct unreg_run r;

	memset(&c, 0, sizeof(c));
	memset(&r, 0, sizeof(r));
	r.mp = mp;
	r.warm_cycles = bench_ms_to_cycles(o->warmup_ms);
	r.run_cycles = bench_ms_to_cycles(o->duration_ms);
	r.res = aligned_alloc(RTE_CACHE_LINE_SIZE, n * sizeof(*r.res));
	if (r.res == NULL) {
		bench_cell_fail(&c, "out of memory");
		goto out;
	}
	memset(r.res, 0, n * sizeof(*r.res));
	bench_sync_init(&r.sync, n);
	if (unreg_start(&r, args, tid, n) < 0) {
		/* the started threads wait at the start line for ever */
		bench_cell_fail(&c, "pthread_create failed");
		goto out;
	}
	for (i = 0; i < n; i++)
		pthread_join(tid[i], NULL);
	bench_cell_rate(&c, r.res, n);
	avail = rte_mempool_avail_count(mp);
	if (r.registered != 0)
		bench_cell_fail(&c, "threads had an lcore id");
	else if (c.get_fails != 0)
		bench_cell_fail(&c, "%" PRIu64 " gets failed on a pool that cannot run dry",
				c.get_fails);
	else if (avail != mp->size)
		bench_cell_fail(&c, "accounting: %u of %u objects free after the run",
				avail, mp->size);
out:
	if (write(fd, &c, sizeof(c)) != (ssize_t)sizeof(c))
		_exit(2);
	/* no exit handlers: they belong to the parent's EAL */
	_exit(0);
}

/* Read the child's cell; 0, -ETIMEDOUT, or -EPIPE when it died first. */
static int
unreg_collect(int fd, struct bench_cell *c, unsigned int timeout_ms)
{
	uint64_t end = rte_get_timer_cycles() + bench_ms_to_cycles(timeout_ms);
	size_t got = 0;

	while (got < sizeof(*c)) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		uint64_t now = rte_get_timer_cycles();
		ssize_t k;

		if (now >= end)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)((end - now) * 1000 /
				       rte_get_timer_hz()) + 1) < 0 &&
		    errno != EINTR)
			return -EPIPE;
		if (!(p.revents & (POLLIN | POLLHUP)))
			continue;
		k = read(fd, (char *)c + got, sizeof(*c) - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -EPIPE;
		got += (size_t)k;
	}
	return 0;
}

static void
unreg_fork(const struct bench_opts *o, struct rte_mempool *mp,
	   struct bench_cell *c)
{
	unsigned int timeout = o->warmup_ms + o->duration_ms + UNREG_GRACE_MS;
	int fds[2], status = 0, ret;
	struct bench_cell got;
	pid_t pid;

	if (pipe(fds) != 0) {
		bench_cell_fail(c, "pipe: %s", strerror(errno));
		return;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		bench_cell_fail(c, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		close(fds[0]);
		unreg_child(o, mp, fds[1]);
	}
	close(fds[1]);
	ret = unreg_collect(fds[0], &got, timeout);
	close(fds[0]);
	if (ret == -ETIMEDOUT)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (ret == 0)
		*c = got;
	else if (ret == -ETIMEDOUT)
		bench_cell_fail(c, "stalled: no result %u ms after start",
				timeout);
	else if (WIFSIGNALED(status))
		bench_cell_fail(c, "crashed: %s", strsignal(WTERMSIG(status)));
	else
		bench_cell_fail(c, "child exited with %d, no result",
				WEXITSTATUS(status));
}

void
bench_unreg_run(const struct bench_opts *o, const char *ops,
		struct bench_cell *c)
{
	unsigned int n = o->unreg_threads;
	struct rte_mempool *mp;
	char err[BENCH_NOTE_LEN];

	if (!bench_handler_allows(ops, n, n)) {
		bench_cell_na(c, "single-threaded handler");
		return;
	}
	mp = bench_pool_create(ops, bench_pool_size(o, n, 0, 1, 0),
			       o->elt_size, 0, err, sizeof(err));
	if (mp == NULL) {
		bench_cell_fail(c, "%s", err);
		return;
	}
	unreg_fork(o, mp, c);
	/* the child's work is visible here only with shared (hugepage)
	 * memory; the audit then checks what it left
	 */
	if (c->status == BENCH_ST_OK)
		bench_pool_check(mp, c);
	rte_mempool_free(mp);
}
