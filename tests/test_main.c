/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

/*
 * nta-tests: each run executes one named case (or "list") after EAL init:
 *   nta-tests <EAL args> -- <case>
 * so that a crash fails one case, not the suite. Exit status: 0 passed,
 * NTA_TEST_SKIP (77) skipped (a "SKIP" line says why), anything else failed.
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
	/* too few lcores is the command line's doing, not the driver's:
	 * a skip, so that "meson test" with a narrow -l says so
	 */
	if (rte_lcore_count() < tc->min_lcores) {
		printf("SKIP %s: needs %u lcores, has %u\n", tc->name,
		       tc->min_lcores, rte_lcore_count());
		rte_eal_cleanup();
		return NTA_TEST_SKIP;
	}
	ret = tc->fn();
	if (ret == NTA_TEST_SKIP) {
		printf("SKIP %s: %s\n", tc->name, tc->what);
		rte_eal_cleanup();
		return NTA_TEST_SKIP;
	}
	printf("%s %s: %s\n", ret == 0 ? "PASS" : "FAIL", tc->name, tc->what);
	rte_eal_cleanup();
	return ret == 0 ? 0 : 1;
}
