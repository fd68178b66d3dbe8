/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * A secondary process that leaves strands nothing: it uses the primary's
 * pool on an lcore of its own (its store fills), frees objects of the
 * primary's lcore (its lane to that home), and runs an unregistered
 * thread (a slot); then it exits, or is killed with SIGKILL mid-traffic.
 * The primary must then get every object the count promises, and every
 * object but those the dead process had in its hands.
 */

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "nta_test.h"

extern char *nta_test_argv0;
extern const char *nta_test_prefix;

#define EXIT_N 2048u
#define EXIT_PRIM 64u   /* primary's objects the child frees */
#define EXIT_BURST 32u  /* child's lcore burst */
#define EXIT_TBURST 8u  /* child's unregistered thread burst */

/* In the pool's private area, shared by both processes. */
struct exit_share {
	uint32_t kill;          /* 1: loop until killed */
	uint32_t running;       /* child: traffic started; release */
	void *prim[EXIT_PRIM];
};

static struct rte_mempool *exit_mp;
static volatile int exit_stop;

static int
exit_cycle(struct rte_mempool *mp, void **o, unsigned int n)
{
	if (rte_mempool_get_bulk(mp, o, n) != 0)
		return 0; /* the primary may hold a lot: try again */
	rte_mempool_put_bulk(mp, o, n);
	return 1;
}

/* An unregistered thread of the child: slot traffic. */
static void *
exit_thread(void *arg)
{
	void *o[EXIT_TBURST];
	unsigned int i;

	RTE_SET_USED(arg);
	for (i = 0; i < 20000 || exit_stop == 0; i++)
		if (!exit_cycle(exit_mp, o, EXIT_TBURST))
			sched_yield();
	return NULL;
}

NTA_TEST(exit_child, "(run by the secondary_exit and secondary_kill tests)", 0)
{
	struct rte_mempool *mp = rte_mempool_lookup("exit_pool");
	struct exit_share *sh;
	void *o[300];
	pthread_t th;
	unsigned int i;

	CHECK(rte_eal_process_type() == RTE_PROC_SECONDARY, "secondary");
	CHECK(mp != NULL, "lookup");
	sh = rte_mempool_get_priv(mp);
	exit_mp = mp;
	/* its store fills: 300 out, 300 back */
	CHECK(rte_mempool_get_bulk(mp, o, 300) == 0, "get");
	rte_mempool_put_bulk(mp, o, 300);
	/* the primary's objects go home through this lcore's lane */
	rte_mempool_put_bulk(mp, sh->prim, EXIT_PRIM);
	CHECK(pthread_create(&th, NULL, exit_thread, NULL) == 0, "thread");
	for (i = 0; i < 20000; i++)
		exit_cycle(mp, o, EXIT_BURST);
	/* release: the primary may kill from now on */
	__atomic_store_n(&sh->running, 1, __ATOMIC_RELEASE);
	while (__atomic_load_n(&sh->kill, __ATOMIC_RELAXED))
		exit_cycle(mp, o, EXIT_BURST);
	exit_stop = 1;
	pthread_join(th, NULL);
	/* the store still holds objects: the process leaves with them */
	CHECK(rte_mempool_get_bulk(mp, o, 100) == 0, "get");
	rte_mempool_put_bulk(mp, o, 100);
	return 0;
}

static pid_t
exit_spawn(void)
{
	char lc[16], pf[128];
	pid_t pid;

	snprintf(lc, sizeof(lc), "%u", tp_worker());
	snprintf(pf, sizeof(pf), "--file-prefix=%s", nta_test_prefix);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execl(nta_test_argv0, nta_test_argv0, "-l", lc, "--no-pci",
		      "--proc-type=secondary", pf, "--log-level=lib.eal:warning",
		      "--", "exit_child", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* After the child is gone: the primary gets what the count says, and at
 * least all but `lost_max`; nothing twice; audit consistent.
 */
static int
exit_check(struct rte_mempool *mp, unsigned int lost_max)
{
	struct rte_mempool_nta_audit_report r;
	unsigned int avail = rte_mempool_avail_count(mp);
	void **all = calloc(EXIT_N + 8, sizeof(void *));
	int got;

	CHECK(all != NULL, "calloc");
	got = tp_get_all(mp, all, EXIT_N + 8, 8);
	printf("  count %u, got %d of %u\n", avail, got, EXIT_N);
	CHECK(got == (int)avail, "got %d, count said %u", got, avail);
	CHECK(got + lost_max >= EXIT_N, "%u objects stranded",
	      EXIT_N - (unsigned int)got);
	CHECK(tp_unique(all, (unsigned int)got) == 0, "an object twice");
	rte_mempool_put_bulk(mp, all, got);
	free(all);
	/* what is not free is in the dead process's hands (in use): no
	 * object says FREE outside a place, wherever the kill struck
	 */
	CHECK(rte_mempool_nta_audit(mp, &r) == 0 || (r.duplicates == 0 &&
	      r.mismatches == 0 && r.lost == 0),
	      "audit: in_use %" PRIu64 " dup %" PRIu64 " lost %" PRIu64
	      " mism %" PRIu64, r.in_use, r.duplicates, r.lost, r.mismatches);
	CHECK(r.in_use + r.lost == EXIT_N - (unsigned int)got,
	      "audit: in_use %" PRIu64 " + lost %" PRIu64 ", want %u",
	      r.in_use, r.lost, EXIT_N - (unsigned int)got);
	return 0;
}

static int
exit_case(int kill_it)
{
	struct rte_mempool *mp;
	struct exit_share *sh;
	pid_t pid;
	int status;

	/* without hugepages, EAL has no shared memory for a secondary to map */
	SKIP_IF(!rte_eal_has_hugepages(), "secondary processes need hugepages");
	CHECK(nta_test_prefix != NULL, "needs --file-prefix");
	mp = rte_mempool_create_empty("exit_pool", EXIT_N, 64, 0,
				      sizeof(struct exit_share), SOCKET_ID_ANY,
				      0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", NULL) == 0, "ops");
	CHECK(rte_mempool_populate_default(mp) == (int)EXIT_N, "populate");
	sh = rte_mempool_get_priv(mp);
	memset(sh, 0, sizeof(*sh));
	sh->kill = kill_it;
	CHECK(rte_mempool_get_bulk(mp, sh->prim, EXIT_PRIM) == 0, "get");
	pid = exit_spawn();
	CHECK(pid > 0, "fork");
	if (kill_it) {
		struct timespec ts = { 0, 1000000 };
		unsigned int i;

		for (i = 0; i < 20000 &&
		     !__atomic_load_n(&sh->running, __ATOMIC_ACQUIRE); i++)
			nanosleep(&ts, NULL);
		ts.tv_nsec = 50000000; /* 50 ms of traffic */
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
	}
	CHECK(waitpid(pid, &status, 0) == pid, "wait");
	if (kill_it)
		CHECK(WIFSIGNALED(status), "child not killed: %d", status);
	else
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child failed: %d", status);
	/* killed: what its lcore and thread had in hand is gone with it */
	CHECK_OK(exit_check(mp, kill_it ? EXIT_BURST + EXIT_TBURST : 0));
	rte_mempool_free(mp);
	return 0;
}

NTA_TEST(secondary_exit, "a secondary that exits strands nothing: the primary gets every object", 2)
{
	return exit_case(0);
}

NTA_TEST(secondary_kill, "a secondary killed mid-traffic strands nothing but what it had in hand", 2)
{
	return exit_case(1);
}
