/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * nta-tests: each run executes one named case (or "list") after EAL init:
 *   nta-tests <EAL args> -- <case>
 * so that a crash fails one case, not the suite.
 */

#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "nta_test.h"

extern const struct nta_test_case __start_nta_tests[];
extern const struct nta_test_case __stop_nta_tests[];

static const struct nta_test_case *
find_case(const char *name)
{
	const struct nta_test_case *tc;

	for (tc = __start_nta_tests; tc < __stop_nta_tests; tc++)
		if (strcmp(tc->name, name) == 0)
			return tc;
	return NULL;
}

char *nta_test_argv0;
const char *nta_test_prefix;

int
main(int argc, char **argv)
{
	const struct nta_test_case *tc;
	int ret, i;

	nta_test_argv0 = argv[0];
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--file-prefix=", 14) == 0)
			nta_test_prefix = argv[i] + 14;
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("FAIL: EAL init: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2 || strcmp(argv[1], "list") == 0) {
		for (tc = __start_nta_tests; tc < __stop_nta_tests; tc++)
			printf("%s %u %s\n", tc->name, tc->min_lcores, tc->what);
		rte_eal_cleanup();
		return 0;
	}
	tc = find_case(argv[1]);
	if (tc == NULL) {
		printf("FAIL: no test case %s\n", argv[1]);
		return 2;
	}
	if (rte_lcore_count() < tc->min_lcores) {
		printf("FAIL %s: needs %u lcores\n", tc->name, tc->min_lcores);
		return 1;
	}
	ret = tc->fn();
	printf("%s %s: %s\n", ret == 0 ? "PASS" : "FAIL", tc->name, tc->what);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
