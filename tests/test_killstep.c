/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * A process killed at any instruction (review 4). The primary runs a
 * secondary under ptrace and single-steps one of its calls, instruction
 * by instruction. After each step it reads the pool as the reaper would
 * find it were the secondary killed right there: the dead lcore's store
 * as nta_store_detach_locked() files it (its two magazines, see
 * nta_store_settle()), the depot, overflow lists, and lane entries whose word the
 * drain would accept. An object that would end up in no place (and is not
 * in the secondary's hands) or in two, is a kill window: the primary kills
 * the secondary at that instruction with SIGKILL and then checks, with
 * the pool's own API, that every object comes back exactly once.
 *
 * Windows while the secondary holds the pool lock are reported and
 * skipped (design.rst accepts that what a dead lock holder was doing is
 * lost); KS_LOCKED=1 in the environment kills there too.
 */

#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"
#include "nta_private.h"
#include "nta_test.h"

extern char *nta_test_argv0;
extern const char *nta_test_prefix;

#define KS_N 512u
#define KS_LIFO 64u             /* magazines of 32 */
#define KS_RING 16u
#define KS_X 32u
#define KS_IO 128u

enum { KS_SWEEP = 1, KS_SWAP = 2, KS_MIXED = 3, KS_PUTSWAP = 4,
       KS_REUSE = 5 };

struct ks_share {
	uint32_t scenario;
	uint32_t armed;          /* child: stepping may start (it stops) */
	uint32_t done;           /* child: the stepped part is over */
	uint32_t pad;
	void *io[KS_IO];         /* the child's objects in hand */
	void *prim[KS_X];        /* primary's objects the child frees */
};

static struct rte_mempool *ks_mp;
static void *ks_x[KS_X];

static void *
ks_unreg_free(void *arg)
{
	RTE_SET_USED(arg);
	/* an unregistered thread: to the home's overflow list */
	rte_mempool_put_bulk(ks_mp, ks_x, KS_X);
	return NULL;
}

static void
ks_put_io(struct rte_mempool *mp, struct ks_share *sh, unsigned int n)
{
	unsigned int i;

	rte_mempool_put_bulk(mp, sh->io, n);
	for (i = 0; i < n; i++)
		sh->io[i] = NULL;
}

NTA_TEST(killstep_child, "(run by the secondary_killstep_* tests)", 0)
{
	struct rte_mempool *mp = rte_mempool_lookup("ks_pool");
	struct ks_share *sh;
	struct nta_pool *p;
	struct nta_lcore *lc;
	unsigned int id = rte_lcore_id(), m, held = 0;
	pthread_t th;
	void *o;

	CHECK(mp != NULL, "lookup");
	sh = rte_mempool_get_priv(mp);
	p = mp->pool_data;
	lc = &p->lc[id];
	m = p->mag_size;
	ks_mp = mp;
	/* both magazines of the store full */
	CHECK(rte_mempool_get_bulk(mp, sh->io, 2 * m) == 0, "get");
	ks_put_io(mp, sh, 2 * m);
	switch (sh->scenario) {
	case KS_SWEEP:
		/* X waits in this lcore's overflow list */
		CHECK(rte_mempool_get_bulk(mp, ks_x, KS_X) == 0, "get x");
		CHECK(pthread_create(&th, NULL, ks_unreg_free, NULL) == 0,
		      "thread");
		pthread_join(th, NULL);
		CHECK(lc->ovf_n == KS_X, "ovf_n %" PRIu64, lc->ovf_n);
		/* the next hand-out call sweeps */
		while (lc->epoch_own + 1 < lc->sweep_at) {
			CHECK(rte_mempool_get(mp, &o) == 0, "get");
			rte_mempool_put(mp, o);
		}
		__atomic_store_n(&sh->armed, 1, __ATOMIC_RELEASE);
		raise(SIGSTOP);
		CHECK(rte_mempool_get(mp, &sh->io[0]) == 0, "get");
		held = 1;
		break;
	case KS_SWAP:
	case KS_REUSE:
		/* the loaded magazine empties, the full spare comes in */
		__atomic_store_n(&sh->armed, 1, __ATOMIC_RELEASE);
		raise(SIGSTOP);
		CHECK(rte_mempool_get_bulk(mp, sh->io, m + 1) == 0, "get");
		held = m + 1;
		break;
	case KS_PUTSWAP:
		/* loaded magazine full, spare empty: a put swaps them */
		CHECK(rte_mempool_get_bulk(mp, sh->io, 2 * m) == 0, "get");
		ks_put_io(mp, sh, m);
		__atomic_store_n(&sh->armed, 1, __ATOMIC_RELEASE);
		raise(SIGSTOP);
		rte_mempool_put_bulk(mp, sh->io + m, 1);
		sh->io[m] = NULL;
		memmove(sh->io, sh->io + m + 1, (m - 1) * sizeof(void *));
		memset(sh->io + m - 1, 0, (m + 1) * sizeof(void *));
		held = m - 1;
		break;
	case KS_MIXED:
		__atomic_store_n(&sh->armed, 1, __ATOMIC_RELEASE);
		raise(SIGSTOP);
		CHECK(rte_mempool_get_bulk(mp, sh->io, m + 5) == 0, "get");
		ks_put_io(mp, sh, m + 5);
		CHECK(rte_mempool_get_bulk(mp, sh->io, 3 * m) == 0, "get");
		ks_put_io(mp, sh, 3 * m);
		rte_mempool_put_bulk(mp, sh->prim, KS_X);
		break;
	}
	__atomic_store_n(&sh->done, 1, __ATOMIC_RELEASE);
	/* not stepped any more: give back what this process holds */
	ks_put_io(mp, sh, held);
	return 0;
}

/* ---- the reaper's view, read by the tracer while the child is stopped */

struct ks_view {
	void *all[KS_N];          /* sorted */
	uint8_t copies[KS_N];     /* in a place (store, depot, list) */
	uint8_t hand[KS_N];
};

static int
ks_cmp(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

static int
ks_index(const struct ks_view *v, const void *o)
{
	const void **e = bsearch(&o, v->all, KS_N, sizeof(void *), ks_cmp);

	return e != NULL ? (int)(e - (const void **)v->all) : -1;
}

static void
ks_count(struct ks_view *v, void * const *obj, uint64_t n, uint32_t cap)
{
	uint64_t i;

	if (obj == NULL)
		return;
	for (i = 0; i < n && i < cap; i++) {
		int j = ks_index(v, obj[i]);

		if (j >= 0 && v->copies[j] < 255)
			v->copies[j]++;
	}
}

static void
ks_count_mags(struct ks_view *v, const struct nta_pool *p,
	      const struct nta_mag *m)
{
	unsigned int bound = 100000;

	for (; m != NULL && bound-- != 0; m = m->next)
		ks_count(v, m->obj, m->n, p->mag_size);
}

/* A store as the reaper files it (nta_store_settle()): each of its two
 * magazines, with s->len objects for the one loaded (s->obj), its own
 * count for the other, or for both in the middle of a load (s->obj NULL).
 */
static void
ks_count_store(struct ks_view *v, const struct nta_pool *p,
	       const struct nta_store *s)
{
	unsigned int i;

	if (s->cap == 0)
		return;
	for (i = 0; i < 2; i++) {
		const struct nta_mag *m = s->mag[i];

		if (m != NULL)
			ks_count(v, m->obj, m->obj == s->obj ? s->len : m->n,
				 p->mag_size);
	}
}

/* A pending free is a place when its home would accept it. */
static void
ks_count_pending(struct ks_view *v, const struct nta_pool *p, void *o,
		 unsigned int home, uint8_t *pend)
{
	const struct nta_arena *a = nta_dir_find(p, (uintptr_t)o);
	int64_t idx = a != NULL ? nta_arena_slot(p, a, (uintptr_t)o) : -1;
	int j = ks_index(v, o);

	if (idx < 0 || j < 0)
		return;
	if ((__atomic_load_n(&a->state[idx], __ATOMIC_RELAXED) &
	     NTA_OWN_MASK) == nta_owner(home))
		pend[j] = 1;
}

/* 0: every object in one place or in hand; 1: a kill here loses or
 * duplicates one (what is printed).
 */
static int
ks_check(struct ks_view *v, const struct nta_pool *p,
	 const struct ks_share *sh, int verbose, unsigned int *in_hand)
{
	uint8_t pend[KS_N];
	unsigned int i, bad = 0;

	memset(v->copies, 0, sizeof(v->copies));
	memset(v->hand, 0, sizeof(v->hand));
	memset(pend, 0, sizeof(pend));
	for (i = 0; i < RTE_MAX_LCORE; i++) {
		const struct nta_lcore *lc = &p->lc[i];
		const struct nta_lane *l;
		unsigned int bound = 1000;

		if (lc->lane_to == NULL)
			continue;
		ks_count_store(v, p, &lc->s);
		{
			const struct nta_mag *m;

			/* overflow entries wait like lane entries */
			for (m = lc->ovf; m != NULL && bound-- != 0;
			     m = m->next) {
				uint32_t k;

				for (k = 0; k < m->n && k < p->mag_size; k++)
					if (!nta_is_hdr((uintptr_t)m->obj[k]))
						ks_count_pending(v, p,
								 m->obj[k], i,
								 pend);
			}
		}
		for (l = lc->lanes_in; l != NULL; l = l->next) {
			uint32_t t;

			for (t = l->tail; t != l->head; t++) {
				uintptr_t e = l->ent[t & l->mask];

				if (!nta_is_hdr(e))
					ks_count_pending(v, p, (void *)e, i,
							 pend);
			}
		}
	}
	for (i = 0; i < NTA_UNREG_SLOTS; i++)
		ks_count_store(v, p, &p->unreg[i].s);
	ks_count_mags(v, p, p->depot.full);
	ks_count_mags(v, p, p->depot.part);
	for (i = 0; i < KS_IO; i++) {
		int j = ks_index(v, sh->io[i]);

		if (j >= 0)
			v->hand[j] = 1;
	}
	for (i = 0; i < KS_X; i++) {
		int j = ks_index(v, sh->prim[i]);

		if (j >= 0)
			v->hand[j] = 1;
	}
	*in_hand = 0;
	for (i = 0; i < KS_N; i++) {
		/* a pending free (lane or overflow) is the object's place
		 * when nothing else holds it and its home accepts it
		 */
		unsigned int c = v->copies[i];

		if (c == 0 && pend[i])
			c = 1;
		if (c == 0 && v->hand[i]) {
			(*in_hand)++;
			continue;
		}
		if (c == 1)
			continue;
		if (verbose)
			printf("  object %p would be in %u places\n",
			       v->all[i], c);
		bad++;
	}
	return bad != 0;
}

static int
ks_lock_held(const struct nta_pool *p)
{
	/* the owner is cleared before the lock word on unlock */
	return p->lock.__data.__owner != 0 || p->lock.__data.__lock != 0;
}

/* Where the child stopped: file and offset (for addr2line). */
static void
ks_where(pid_t pid)
{
#if defined(__x86_64__)
	struct user_regs_struct regs;
	char path[64], line[512];
	unsigned long ip, lo, hi, off;
	FILE *f;

	if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) != 0)
		return;
	ip = regs.rip;
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char file[400] = "";

		if (sscanf(line, "%lx-%lx %*s %lx %*s %*s %399s", &lo, &hi,
			   &off, file) >= 3 && ip >= lo && ip < hi) {
			printf("  stopped at %s +0x%lx\n", file, ip - lo + off);
			break;
		}
	}
	fclose(f);
#else
	RTE_SET_USED(pid);
#endif
}

static pid_t
ks_spawn(void)
{
	char lc[16], pf[128];
	pid_t pid;

	snprintf(lc, sizeof(lc), "%u", tp_worker());
	snprintf(pf, sizeof(pf), "--file-prefix=%s", nta_test_prefix);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl(nta_test_argv0, nta_test_argv0, "-l", lc, "--no-pci",
		      "--proc-type=secondary", pf, "--log-level=lib.eal:warning",
		      "--", "killstep_child", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* A new process on the lcore id of one killed in a swap: ordinary gets
 * and puts (run by secondary_killstep_reuse).
 */
NTA_TEST(killstep_reuse_child, "(run by secondary_killstep_reuse)", 0)
{
	struct rte_mempool *mp = rte_mempool_lookup("ks_pool");
	void *o[8];

	CHECK(mp != NULL, "lookup");
	CHECK(rte_mempool_generic_get(mp, o, 1, NULL) == 0, "get 1");
	rte_mempool_generic_put(mp, o, 1, NULL);
	CHECK(rte_mempool_generic_get(mp, o, 8, NULL) == 0, "get 8");
	rte_mempool_generic_put(mp, o, 8, NULL);
	return 0;
}

static pid_t
ks_spawn_reuse(void)
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
		      "--", "killstep_reuse_child", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int
ks_case(uint32_t scenario)
{
	struct rte_mempool_nta_params prm = {
		.lifo_size = KS_LIFO, .ring_size = KS_RING,
	};
	const char *env = getenv("KS_LOCKED");
	int kill_locked = env != NULL && atoi(env) != 0;
	const char *survey_env = getenv("KS_SURVEY");
	int survey = survey_env != NULL && atoi(survey_env) != 0, in_window = 0;
	struct rte_mempool_nta_audit_report r;
	struct ks_view *v = calloc(1, sizeof(*v));
	void **got_all = calloc(KS_N + 8, sizeof(void *));
	unsigned long steps = 0, locked_windows = 0;
	unsigned int in_hand = 0;
	struct rte_mempool *mp;
	struct ks_share *sh;
	struct nta_pool *p;
	int status, got, killed = 0;
	pid_t pid;

	SKIP_IF(!rte_eal_has_hugepages(), "secondary processes need hugepages");
	CHECK(nta_test_prefix != NULL, "needs --file-prefix");
	CHECK(v != NULL && got_all != NULL, "calloc");
	mp = rte_mempool_create_empty("ks_pool", KS_N, 64, 0,
				      sizeof(struct ks_share), SOCKET_ID_ANY,
				      0);
	CHECK(mp != NULL, "create");
	CHECK(rte_mempool_set_ops_byname(mp, "nta", &prm) == 0, "ops");
	CHECK(rte_mempool_populate_default(mp) == (int)KS_N, "populate");
	p = mp->pool_data;
	sh = rte_mempool_get_priv(mp);
	memset(sh, 0, sizeof(*sh));
	sh->scenario = scenario;
	CHECK(rte_mempool_get_bulk(mp, v->all, KS_N) == 0, "get all");
	rte_mempool_put_bulk(mp, v->all, KS_N);
	qsort(v->all, KS_N, sizeof(void *), ks_cmp);
	CHECK(rte_mempool_get_bulk(mp, sh->prim, KS_X) == 0, "get prim");
	if (scenario != KS_MIXED) {
		rte_mempool_put_bulk(mp, sh->prim, KS_X);
		memset(sh->prim, 0, sizeof(sh->prim));
	}
	alarm(300);
	pid = ks_spawn();
	CHECK(pid > 0, "fork");
	/* stopped at exec; then run to the child's SIGSTOP */
	CHECK(waitpid(pid, &status, 0) == pid && WIFSTOPPED(status), "exec stop");
	ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)PTRACE_O_EXITKILL);
	ptrace(PTRACE_CONT, pid, NULL, NULL);
	for (;;) {
		CHECK(waitpid(pid, &status, 0) == pid, "wait");
		CHECK(WIFSTOPPED(status), "child ended before stepping: %d",
		      status);
		if (WSTOPSIG(status) == SIGSTOP &&
		    __atomic_load_n(&sh->armed, __ATOMIC_ACQUIRE))
			break;
		ptrace(PTRACE_CONT, pid, NULL,
		       (void *)(uintptr_t)WSTOPSIG(status));
	}
	CHECK(ks_check(v, p, sh, 1, &in_hand) == 0, "bad state before stepping");
	/* one instruction at a time until the call is over */
	while (!__atomic_load_n(&sh->done, __ATOMIC_ACQUIRE)) {
		int sig = 0;

		ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(uintptr_t)sig);
		CHECK(waitpid(pid, &status, 0) == pid, "wait");
		CHECK(WIFSTOPPED(status), "child ended while stepped: %d",
		      status);
		steps++;
		if (scenario == KS_REUSE) {
			const struct nta_store *st = &p->lc[tp_worker()].s;

			if (st->cap == 0 || st->obj != NULL || st->len == 0)
				continue;
			printf("  step %lu: killed with its store's obj NULL, len %u\n",
			       steps, st->len);
			ks_check(v, p, sh, 0, &in_hand);
			kill(pid, SIGKILL);
			killed = 1;
			break;
		}
		if (!ks_check(v, p, sh, 0, &in_hand)) {
			in_window = 0;
			continue;
		}
		if (survey) {
			/* list every window (where it opens), kill nowhere */
			if (!in_window) {
				printf("  window at step %lu%s:", steps,
				       ks_lock_held(p) ? " (lock held)" : "");
				ks_where(pid);
			}
			in_window = 1;
			continue;
		}
		if (ks_lock_held(p) && !kill_locked) {
			locked_windows++;
			continue;
		}
		printf("  step %lu: a kill here loses or duplicates objects%s (%u in the child's hands):\n",
		       steps, ks_lock_held(p) ? " (pool lock held)" : "",
		       in_hand);
		ks_check(v, p, sh, 1, &in_hand);
		ks_where(pid);
		kill(pid, SIGKILL);
		killed = 1;
		break;
	}
	printf("  %lu instructions stepped, %lu of them windows under the pool lock (skipped)\n",
	       steps, locked_windows);
	if (!killed) {
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		CHECK(waitpid(pid, &status, 0) == pid, "wait");
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "child failed: %d", status);
		ks_check(v, p, sh, 0, &in_hand);
	} else {
		CHECK(waitpid(pid, &status, 0) == pid, "wait");
	}
	if (scenario == KS_REUSE) {
		CHECK(killed, "the store never had obj NULL and len != 0");
		/* the audit, before any reap, reads the dead store */
		memset(&r, 0, sizeof(r));
		rte_mempool_nta_audit(mp, &r);
		printf("  audit before the reap: dup %" PRIu64 " lost %" PRIu64
		       " mism %" PRIu64 "\n", r.duplicates, r.lost,
		       r.mismatches);
		/* a new process on the same lcore id, before any reap */
		pid = ks_spawn_reuse();
		CHECK(pid > 0, "fork");
		CHECK(waitpid(pid, &status, 0) == pid, "wait");
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the new process on the dead one's lcore id failed: status 0x%x%s%s",
		      status, WIFSIGNALED(status) ? ", signal " : "",
		      WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "");
	}
	alarm(0);
	/* the primary takes everything back: all but what the child held */
	got = tp_get_all(mp, got_all, KS_N + 8, 1);
	printf("  got %d of %u, %u in the dead child's hands\n", got, KS_N,
	       killed ? in_hand : 0);
	CHECK(tp_unique(got_all, (unsigned int)got) == 0, "an object twice");
	CHECK((unsigned int)got + (killed ? in_hand : 0) == KS_N,
	      "%u objects lost", KS_N - (unsigned int)got -
	      (killed ? in_hand : 0));
	rte_mempool_put_bulk(mp, got_all, got);
	CHECK(rte_mempool_nta_audit(mp, &r) == 0 || (r.duplicates == 0 &&
	      r.lost == 0 && r.mismatches == 0),
	      "audit: dup %" PRIu64 " lost %" PRIu64 " mism %" PRIu64,
	      r.duplicates, r.lost, r.mismatches);
	rte_mempool_free(mp);
	free(v);
	free(got_all);
	return 0;
}

NTA_TEST(secondary_killstep_sweep, "a secondary killed at any instruction of a sweep of its overflow list loses nothing", 2)
{
	return ks_case(KS_SWEEP);
}

NTA_TEST(secondary_killstep_swap, "a secondary killed at any instruction of a get that loads its full spare loses nothing", 2)
{
	return ks_case(KS_SWAP);
}

NTA_TEST(secondary_killstep_putswap, "a secondary killed at any instruction of a put that swaps in its empty spare loses nothing", 2)
{
	return ks_case(KS_PUTSWAP);
}

NTA_TEST(secondary_killstep_mixed, "a secondary killed at any instruction of gets and puts across magazines and remote frees loses nothing", 2)
{
	return ks_case(KS_MIXED);
}

NTA_TEST(secondary_killstep_reuse, "a secondary started on the lcore id of one killed in the middle of a magazine load gets and puts", 2)
{
	return ks_case(KS_REUSE);
}
