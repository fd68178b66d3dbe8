/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef NTA_BENCH_H
#define NTA_BENCH_H

/*
 * nta-bench: the nta mempool handler side by side with the handlers DPDK
 * ships, on identical pools, in one run. Shared types and the functions
 * each file gives the others.
 */

#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_lcore.h>
#include <rte_mempool.h>

#define BENCH_MAX_HANDLERS 8
#define BENCH_MAX_LIST 8
#define BENCH_MAX_BULK 512
#define BENCH_MAX_REPEAT 16
#define BENCH_NOTE_LEN 128
#define BENCH_BASELINE "ring_mp_mc"
#define BENCH_FLOOR "bench_floor"  /* floor.c: the cheapest handler */
#define BENCH_MAX_KEEP 16384

/*
 * The array a worker hands to get/put. Where it sits relative to a
 * handler's own arrays, modulo 4 KiB, changes that handler's speed by up
 * to 2x (a load whose address matches an older store's low 12 bits waits
 * for it), so a figure taken at one stack address measures luck. Workers
 * move their array through BENCH_SHIFTS positions BENCH_SHIFT_BYTES
 * apart, covering 4 KiB, every few turns: each figure is an average over
 * placements, and run-to-run spread drops.
 */
#define BENCH_SHIFTS 8
#define BENCH_SHIFT_BYTES 512

struct bench_objs {
	void *slot[BENCH_MAX_BULK + BENCH_SHIFTS * BENCH_SHIFT_BYTES /
		   sizeof(void *)];
} __attribute__((aligned(4096)));

static inline void **
bench_objs_at(struct bench_objs *b, unsigned int turn)
{
	return b->slot + (turn % BENCH_SHIFTS) *
		(BENCH_SHIFT_BYTES / sizeof(void *));
}

enum bench_case {
	BENCH_CASE_LOCAL,
	BENCH_CASE_PIPELINE,
	BENCH_CASE_MBUF,
	BENCH_CASE_UNREG,
	BENCH_CASE_CREATE,
	BENCH_CASE_WORKSET,
	BENCH_CASE_MAX
};

struct bench_opts {
	unsigned int cases;            /* bit (1u << enum bench_case) */
	unsigned int duration_ms;      /* one measurement */
	unsigned int warmup_ms;        /* untimed run before it */
	unsigned int repeat;           /* timed runs; the median is kept */
	char out_dir[PATH_MAX];
	unsigned int nb_handlers;
	char handlers[BENCH_MAX_HANDLERS][RTE_MEMPOOL_OPS_NAMESIZE];
	unsigned int nb_caches;
	unsigned int caches[BENCH_MAX_LIST];
	unsigned int nb_bulks;
	unsigned int bulks[BENCH_MAX_LIST];
	unsigned int nb_lcore_counts;
	unsigned int lcore_counts[BENCH_MAX_LIST];
	unsigned int nb_keeps;
	unsigned int keeps[BENCH_MAX_LIST];  /* workset: objects held */
	unsigned int pool_size;        /* objects per pool (at least) */
	unsigned int elt_size;         /* object size of get/put pools */
	unsigned int burst;            /* pipeline and mbuf burst */
	unsigned int ring_size;        /* pipeline ring slots */
	unsigned int unreg_threads;
	unsigned int create_objs;
	unsigned int create_elt_size;
	unsigned int create_cache;
	unsigned int create_reps;
	int quick;
	int shuffle;                   /* local, workset: free objects in
					* random order before each run */
};

enum bench_status {
	BENCH_ST_OK,
	BENCH_ST_FAILED,
	BENCH_ST_NA,
};

/* One handler's figure in one row. */
struct bench_cell {
	enum bench_status status;
	double mops;              /* objects (one get + one put) per us,
				   * median of the runs
				   */
	double mops_min;
	double mops_max;
	unsigned int reps;        /* runs */
	double run_mops[BENCH_MAX_REPEAT];
	uint64_t objs;
	double secs;
	uint64_t get_fails;
	char note[BENCH_NOTE_LEN];
};

struct bench_row {
	enum bench_case kind;
	unsigned int lcores;      /* EAL lcores used (0: none) */
	unsigned int threads;     /* threads doing the work */
	unsigned int cache;
	unsigned int bulk;
	unsigned int keep;        /* workset: objects each lcore holds */
	struct bench_cell cell[BENCH_MAX_HANDLERS];
};

/* Pool creation time and footprint of one handler. */
struct bench_create {
	enum bench_status status;
	unsigned int reps;
	double populate_ms;       /* create + populate, mean */
	double free_ms;           /* free, mean */
	uint64_t obj_bytes;       /* size * (header + elt + trailer) */
	uint64_t chunk_bytes;     /* memory chunks holding the objects */
	int64_t meta_bytes;       /* heap growth beyond chunks and header */
	int meta_known;
	uint64_t nta_meta_bytes;  /* as the nta driver reports it */
	uint64_t nta_obj_bytes;
	int nta_known;
	char note[BENCH_NOTE_LEN];
};

struct bench_results {
	unsigned int nb_rows;
	unsigned int cap_rows;
	struct bench_row *rows;
	struct bench_create create[BENCH_MAX_HANDLERS];
	int have_create;
	char skipped[BENCH_CASE_MAX][BENCH_NOTE_LEN];
};

/* Per-thread outcome of a timed loop, one cache line each. */
struct bench_tres {
	uint64_t objs;
	uint64_t cycles;
	uint64_t get_fails;
} __rte_cache_aligned;

/* Start line for the threads of one measurement. */
struct bench_sync {
	uint32_t arrived;
	uint32_t expected;
};

/* options.c */
int bench_opts_parse(struct bench_opts *o, int argc, char **argv);
const char *bench_case_name(enum bench_case c);

/* harness.c */
int bench_handler_allows(const char *ops, unsigned int getters,
			 unsigned int putters);
struct rte_mempool *bench_pool_create(const char *ops, unsigned int n,
				      unsigned int elt_size,
				      unsigned int cache, char *err,
				      size_t err_len);
unsigned int bench_pool_size(const struct bench_opts *o, unsigned int lcores,
			     unsigned int cache, unsigned int bulk,
			     unsigned int in_flight);
int bench_pool_check(struct rte_mempool *mp, struct bench_cell *c);
int bench_pool_shuffle(const struct bench_opts *o, const char *ops,
		       struct rte_mempool *mp, char *err, size_t err_len);
void bench_pool_name(char *buf, size_t len, const char *tag);
unsigned int bench_lcores_pick(unsigned int nb, unsigned int *ids);
int bench_launch(const unsigned int *ids, unsigned int nb,
		 lcore_function_t *fn, void *arg);
void bench_sync_init(struct bench_sync *s, uint32_t expected);
void bench_sync_wait(struct bench_sync *s);
uint64_t bench_ms_to_cycles(unsigned int ms);
void bench_cell_rate(struct bench_cell *c, const struct bench_tres *t,
		     unsigned int nb);
void bench_cell_merge(struct bench_cell *acc, const struct bench_cell *run);
void bench_cell_finish(struct bench_cell *acc);
void bench_cell_fail(struct bench_cell *c, const char *fmt, ...)
	__rte_format_printf(2, 3);
void bench_cell_na(struct bench_cell *c, const char *why);

/* case_local.c: local get/put and mbuf alloc/free */
void bench_local_run(const struct bench_opts *o, const char *ops,
		     unsigned int lcores, unsigned int cache,
		     unsigned int bulk, struct bench_cell *c);
void bench_mbuf_run(const struct bench_opts *o, const char *ops,
		    unsigned int lcores, unsigned int cache,
		    struct bench_cell *c);

/* case_pipeline.c */
void bench_pipeline_run(const struct bench_opts *o, const char *ops,
			unsigned int cache, struct bench_cell *c);

/* case_unreg.c */
void bench_unreg_run(const struct bench_opts *o, const char *ops,
		     struct bench_cell *c);

/* case_workset.c */
void bench_workset_run(const struct bench_opts *o, const char *ops,
		       unsigned int lcores, unsigned int cache,
		       unsigned int bulk, unsigned int keep,
		       struct bench_cell *c);

/* floor.c */
int bench_floor_register(void);

/* case_create.c */
void bench_create_run(const struct bench_opts *o, const char *ops,
		      struct bench_create *r);

/* results.c */
struct bench_row *bench_row_add(struct bench_results *res,
				enum bench_case kind, unsigned int lcores,
				unsigned int threads, unsigned int cache,
				unsigned int bulk);
int bench_baseline_index(const struct bench_opts *o);
int bench_handler_index(const struct bench_opts *o, const char *ops);
double bench_ratio(const struct bench_opts *o, const struct bench_row *r,
		   unsigned int h);
double bench_ratio_floor(const struct bench_opts *o, const struct bench_row *r,
			 unsigned int h);
const char *bench_status_name(enum bench_status s);
void bench_table_print(FILE *f, const struct bench_opts *o,
		       const struct bench_results *res);

/* output.c */
int bench_out_dir_make(const char *dir);
FILE *bench_out_open(const struct bench_opts *o, const char *name);
int bench_csv_write(const struct bench_opts *o,
		    const struct bench_results *res);
int bench_json_write(const struct bench_opts *o,
		     const struct bench_results *res);

/* chart.c */
void bench_chart_make(const struct bench_opts *o,
		      const struct bench_results *res);

#endif /* NTA_BENCH_H */
