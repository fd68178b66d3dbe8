/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef NTA_TEST_H
#define NTA_TEST_H

/* A small test harness: each case is a function returning 0 on success;
 * CHECK() prints where and why it failed and makes the case fail, SKIP_IF()
 * ends it as skipped (NTA_TEST_SKIP).
 */

#include <stdio.h>
#include <string.h>
#include <stdint.h>

#include <rte_errno.h>
#include <rte_mempool.h>

#include "rte_mempool_nta.h"

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		return -1; \
	} \
} while (0)

#define CHECK_OK(expr) do { \
	if ((expr) != 0) \
		return -1; \
} while (0)

/* The exit status of a case that cannot run here (the automake and meson
 * convention, so "meson test" reports SKIP rather than FAIL).
 */
#define NTA_TEST_SKIP 77

/* Ends a case as skipped, saying why, when cond holds. */
#define SKIP_IF(cond, ...) do { \
	if (cond) { \
		printf("SKIP: "); \
		printf(__VA_ARGS__); \
		printf("\n"); \
		return NTA_TEST_SKIP; \
	} \
} while (0)

struct nta_test_case {
	const char *name;
	const char *what;
	int (*fn)(void);
	unsigned int min_lcores;
};

#define NTA_TEST(name_, what_, lcores_) \
	static int name_(void); \
	static const struct nta_test_case nta_tc_ ## name_ \
		__attribute__((used, section("nta_tests"), aligned(8))) = { \
		#name_, what_, name_, lcores_ }; \
	static int name_(void)

/* helpers, test_common.c */
struct rte_mempool *tp_create(const char *name, unsigned int n,
			      unsigned int elt, unsigned int cache,
			      unsigned int flags, void *params);
int tp_unique(void **objs, unsigned int n);
int tp_ptr_cmp(const void *a, const void *b);
int tp_get_all(struct rte_mempool *mp, void **objs, unsigned int max,
	       unsigned int bulk);
int tp_audit_ok(struct rte_mempool *mp);
uint64_t tp_bad_count(struct rte_mempool *mp,
		      enum rte_mempool_nta_bad_kind kind);
uint64_t tp_bad_total(struct rte_mempool *mp);
int tp_fast_counters(const struct rte_mempool *mp);
int tp_run_on(unsigned int lcore, int (*fn)(void *), void *arg);
int tp_bulk_on(unsigned int lcore, struct rte_mempool *mp, void **objs,
	       unsigned int n, int put);
unsigned int tp_worker(void);
int tp_fill(struct rte_mempool *mp, void **objs, unsigned int n);
int tp_verify(struct rte_mempool *mp, void **objs, unsigned int n);
long tp_dump_lookup(struct rte_mempool *mp, unsigned int lcore);

#endif
