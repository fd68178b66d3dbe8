/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * nta-dlopen: a host program that is not linked with DPDK and loads it with
 * dlopen() at run time, as language bindings and plugin hosts do, then
 * loads the nta plugin, starts EAL, and gets and puts objects of an nta
 * pool. A plugin built with the initial-exec TLS model cannot be loaded
 * here: EAL's thread-local block was allocated dynamically, and glibc
 * answers "cannot allocate memory in static TLS block".
 *
 *   nta-dlopen PLUGIN FILE_PREFIX
 *
 * Only DPDK's headers are used (structure layouts); every function is
 * found with dlsym().
 */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_mempool.h>

#define N_OBJS 1024u

static void *
load(const char *name, const char *alt, int flags)
{
	void *h = dlopen(name, flags);

	if (h == NULL && alt != NULL)
		h = dlopen(alt, flags);
	if (h == NULL)
		printf("FAIL: dlopen %s: %s\n", name, dlerror());
	return h;
}

static void *
sym(void *h, const char *name)
{
	void *f = dlsym(h, name);

	if (f == NULL)
		printf("FAIL: dlsym %s: %s\n", name, dlerror());
	return f;
}

int
main(int argc, char **argv)
{
	int (*eal_init)(int, char **);
	int (*eal_cleanup)(void);
	struct rte_mempool *(*create_empty)(const char *, unsigned int,
					    unsigned int, unsigned int,
					    unsigned int, int, unsigned int);
	int (*set_ops)(struct rte_mempool *, const char *, void *);
	int (*populate)(struct rte_mempool *);
	unsigned int (*avail)(const struct rte_mempool *);
	void (*mp_free)(struct rte_mempool *);
	int (*is_nta)(const struct rte_mempool *);
	struct rte_mempool_ops_table *table;
	struct rte_mempool_ops *ops;
	struct rte_mempool *mp;
	void *eal, *mempool, *plugin, *objs[64];
	char prefix[128];
	char *eal_argv[] = { argv[0], "-l", "0", "--no-pci", "--no-huge",
			     "-m", "128", prefix, "--log-level=lib.eal:error",
			     NULL };
	unsigned int round;

	if (argc != 3) {
		printf("usage: %s PLUGIN FILE_PREFIX\n", argv[0]);
		return 2;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=%s", argv[2]);

	/* DPDK first, global so that the plugin binds to it */
	eal = load("librte_eal.so.23", "librte_eal.so", RTLD_NOW | RTLD_GLOBAL);
	mempool = load("librte_mempool.so.23", "librte_mempool.so",
		       RTLD_NOW | RTLD_GLOBAL);
	if (eal == NULL || mempool == NULL)
		return 1;
	/* then the plugin, as an application loading a driver would */
	plugin = load(argv[1], NULL, RTLD_NOW | RTLD_LOCAL);
	if (plugin == NULL)
		return 1;

	eal_init = sym(eal, "rte_eal_init");
	eal_cleanup = sym(eal, "rte_eal_cleanup");
	create_empty = sym(mempool, "rte_mempool_create_empty");
	set_ops = sym(mempool, "rte_mempool_set_ops_byname");
	populate = sym(mempool, "rte_mempool_populate_default");
	avail = sym(mempool, "rte_mempool_avail_count");
	mp_free = sym(mempool, "rte_mempool_free");
	table = sym(mempool, "rte_mempool_ops_table");
	is_nta = sym(plugin, "rte_mempool_nta_is_nta");
	if (!eal_init || !eal_cleanup || !create_empty || !set_ops ||
	    !populate || !avail || !mp_free || !table || !is_nta)
		return 1;

	if (eal_init(RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		printf("FAIL: rte_eal_init\n");
		return 1;
	}
	mp = create_empty("dlopen_pool", N_OBJS, 64, 0, 0, SOCKET_ID_ANY, 0);
	if (mp == NULL || set_ops(mp, "nta", NULL) != 0 ||
	    populate(mp) != (int)N_OBJS) {
		printf("FAIL: nta pool (ops \"nta\" registered: %s)\n",
		       mp != NULL && set_ops(mp, "nta", NULL) == 0 ? "yes" : "no");
		return 1;
	}
	if (!is_nta(mp)) {
		printf("FAIL: the plugin does not see its pool\n");
		return 1;
	}
	/* get and put through the handler itself (rte_mempool_get/put are
	 * inline in DPDK's headers, and this program links nothing of DPDK);
	 * on lcore 0, so the driver reads EAL's thread-local lcore id
	 */
	ops = &table->ops[mp->ops_index];
	for (round = 0; round < 100; round++) {
		if (ops->dequeue(mp, objs, RTE_DIM(objs)) != 0) {
			printf("FAIL: dequeue, round %u\n", round);
			return 1;
		}
		if (avail(mp) != N_OBJS - RTE_DIM(objs)) {
			printf("FAIL: %u available with %zu out\n", avail(mp),
			       RTE_DIM(objs));
			return 1;
		}
		ops->enqueue(mp, objs, RTE_DIM(objs));
	}
	if (avail(mp) != N_OBJS) {
		printf("FAIL: %u available at the end, want %u\n", avail(mp),
		       N_OBJS);
		return 1;
	}
	mp_free(mp);
	eal_cleanup();
	printf("PASS: DPDK and the nta plugin loaded with dlopen(), pool of %u objects used\n",
	       N_OBJS);
	return 0;
}
