/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * Two copies of the driver in one process (the installed plugin and one
 * given with -d, or a plugin next to an application linked with the
 * driver): the first registers the "nta" ops and serves; the second stays
 * idle, and neither its lcore callback nor its public API may act on the
 * pools of the first (whose structure layout may differ from its own).
 * Also: a pool whose layout version is not this build's is refused.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_lcore.h>

#include "rte_mempool_nta.h"
#include "nta_private.h"
#include "nta_test.h"

/* Load a second copy of the plugin: a copy of the file, so that the
 * dynamic linker does not hand back the one already loaded.
 */
static void *
load_second_copy(void)
{
	char exe[PATH_MAX], src[PATH_MAX + 64], dst[] = "/tmp/nta_copy_XXXXXX";
	char buf[65536];
	ssize_t k;
	void *h = NULL;
	int in, out;

	k = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (k <= 0)
		return NULL;
	exe[k] = '\0';
	/* <build>/tests/nta-tests -> <build>/drivers/mempool/nta/ */
	snprintf(src, sizeof(src), "%s/../drivers/mempool/nta/librte_mempool_nta.so",
		 dirname(exe));
	in = open(src, O_RDONLY);
	out = mkstemp(dst);
	if (in < 0 || out < 0) {
		printf("cannot copy %s\n", src);
		goto out;
	}
	while ((k = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)k) != k)
			goto out;
	h = dlopen(dst, RTLD_NOW | RTLD_LOCAL);
	if (h == NULL)
		printf("dlopen of the copy: %s\n", dlerror());
out:
	if (in >= 0)
		close(in);
	if (out >= 0) {
		close(out);
		unlink(dst);
	}
	return h;
}

/* Runs on a leaving thread between the serving copy's lcore callback and
 * the idle copy's: it leaves an object in the thread's mempool cache,
 * which only a copy that acts on the pool would flush.
 */
static struct rte_mempool *cb_pool;
static void *cb_obj;

static void
put_on_leave(unsigned int lcore_id, void *arg)
{
	RTE_SET_USED(arg);
	RTE_SET_USED(lcore_id);
	if (cb_pool != NULL && cb_obj != NULL) {
		rte_mempool_put(cb_pool, cb_obj);
		cb_obj = NULL;
	}
}

struct leaver {
	struct rte_mempool *mp;
	unsigned int lcore;
	int ret;
};

static void *
leaver_fn(void *arg)
{
	struct leaver *l = arg;

	l->ret = rte_thread_register();
	l->lcore = rte_lcore_id();
	if (l->ret == 0) {
		l->ret = rte_mempool_get(l->mp, &cb_obj);
		rte_thread_unregister();
	}
	return NULL;
}

NTA_TEST(idle_copy, "a second copy of the driver leaves the serving copy's pools alone", 1)
{
	const unsigned int n = 512;
	struct rte_mempool *mp = tp_create("copies", n, 64, 32, 0, NULL);
	int (*idle_is_nta)(const struct rte_mempool *);
	int (*idle_stats)(const struct rte_mempool *,
			  struct rte_mempool_nta_stats *);
	int (*idle_flush)(struct rte_mempool *);
	int (*idle_audit)(const struct rte_mempool *,
			  struct rte_mempool_nta_audit_report *);
	struct rte_mempool_nta_stats st;
	struct rte_mempool_nta_audit_report rep;
	struct rte_mempool_cache *c;
	struct leaver l = { .mp = mp };
	void *cb, *h;
	pthread_t th;

	CHECK(mp != NULL, "create");
	/* registered before the second copy loads: runs before its callback */
	cb = rte_lcore_callback_register("nta_test_copies", NULL, put_on_leave,
					 NULL);
	CHECK(cb != NULL, "lcore callback");
	h = load_second_copy();
	CHECK(h != NULL, "second copy");
	idle_is_nta = (int (*)(const struct rte_mempool *))
		dlsym(h, "rte_mempool_nta_is_nta");
	idle_stats = (int (*)(const struct rte_mempool *,
			      struct rte_mempool_nta_stats *))
		dlsym(h, "rte_mempool_nta_stats_get");
	idle_flush = (int (*)(struct rte_mempool *))
		dlsym(h, "rte_mempool_nta_lcore_flush");
	idle_audit = (int (*)(const struct rte_mempool *,
			      struct rte_mempool_nta_audit_report *))
		dlsym(h, "rte_mempool_nta_audit");
	CHECK(idle_is_nta && idle_stats && idle_flush && idle_audit,
	      "symbols of the second copy");
	CHECK((void *)idle_is_nta != (void *)rte_mempool_nta_is_nta,
	      "not a second copy");

	/* the serving copy still serves, and sees the pool */
	CHECK(rte_mempool_nta_is_nta(mp) == 1, "serving copy: is_nta");
	CHECK(rte_mempool_nta_stats_get(mp, &st) == 0, "serving copy: stats");
	/* the idle copy's API refuses it */
	CHECK(idle_is_nta(mp) == 0, "idle copy claims the pool");
	CHECK(idle_stats(mp, &st) == -EINVAL, "idle copy reads the pool's stats");
	CHECK(idle_flush(mp) == -EINVAL, "idle copy flushes the pool");
	CHECK(idle_audit(mp, &rep) == -EINVAL, "idle copy audits the pool");

	/* a thread leaves: only the serving copy's callback acts */
	cb_pool = mp;
	CHECK(pthread_create(&th, NULL, leaver_fn, &l) == 0, "thread");
	pthread_join(th, NULL);
	cb_pool = NULL;
	rte_lcore_callback_unregister(cb);
	CHECK(l.ret == 0, "register and get");
	CHECK(cb_obj == NULL, "the test callback did not run");
	c = rte_mempool_default_cache(mp, l.lcore);
	CHECK(c != NULL && c->len == 1,
	      "the idle copy's lcore callback flushed the leaving thread's cache (len %u)",
	      c != NULL ? c->len : 0);
	rte_mempool_cache_flush(c, mp);
	CHECK(rte_mempool_avail_count(mp) == n, "count %u",
	      rte_mempool_avail_count(mp));
	CHECK(tp_audit_ok(mp) == 0, "audit");
	/* the second copy stays loaded: its lcore callback is registered */
	rte_mempool_free(mp);
	return 0;
}

NTA_TEST(layout_version, "a pool of another driver layout is refused", 1)
{
	struct rte_mempool *mp = tp_create("layout", 256, 64, 0, 0, NULL);
	struct nta_pool *p;
	struct rte_mempool_nta_stats st;

	CHECK(mp != NULL, "create");
	p = mp->pool_data;
	CHECK(p->magic == NTA_POOL_MAGIC && p->layout == NTA_POOL_LAYOUT,
	      "magic and layout");
	/* as a driver of another layout sees it */
	p->layout ^= 1;
	CHECK(rte_mempool_nta_is_nta(mp) == 0, "is_nta");
	CHECK(rte_mempool_nta_stats_get(mp, &st) == -EINVAL, "stats");
	CHECK(rte_mempool_avail_count(mp) == 0, "count");
	p->layout ^= 1;
	CHECK(rte_mempool_nta_is_nta(mp) == 1, "is_nta again");
	CHECK(rte_mempool_avail_count(mp) == 256, "count again");
	rte_mempool_free(mp);
	return 0;
}
