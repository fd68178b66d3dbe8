/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef RTE_MEMPOOL_NTA_H
#define RTE_MEMPOOL_NTA_H

/**
 * @file
 * Public interface of the "nta" mempool handler (Network Tree Allocator).
 *
 * A pool is put on nta with --mbuf-pool-ops-name=nta (mbuf pools) or with
 * rte_mempool_set_ops_byname(mp, RTE_MEMPOOL_NTA_OPS_NAME, params), where
 * params is NULL (defaults) or a struct rte_mempool_nta_params that must stay
 * valid until the pool is populated.
 *
 * Everything below may be called from any thread of any process that shares
 * the pool; the read-outs are exact only when the pool is quiescent.
 */

#include <stdint.h>
#include <stdio.h>

#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Name under which the handler is registered. */
#define RTE_MEMPOOL_NTA_OPS_NAME "nta"

/** Per-pool tuning, given as pool_config to rte_mempool_set_ops_byname(). */
struct rte_mempool_nta_params {
	/** Arena size in bytes, a power of two (0: build default, 2 MiB). */
	uint64_t arena_size;
	/**
	 * Free objects one lcore keeps (its two magazines of lifo_size / 2
	 * each) before it trades with the depot (0: auto). The name predates
	 * the magazines and is kept for the ABI.
	 */
	uint32_t lifo_size;
	/**
	 * Entries of each remote-free lane (one lane per pair of lcores that
	 * exchange objects), a power of two (0: auto).
	 */
	uint32_t ring_size;
	/** Objects per block for rte_mempool_get_contig_blocks() (0: 8). */
	uint32_t contig_block_size;
	/**
	 * Ways of each lcore's lookup cache, which finds an object's arena
	 * on the fast paths: a power of two, at most 4096 (0: one per arena
	 * of the pool, 16 at least, 4096 at most; 32 bytes each per lcore
	 * that uses the pool). Objects in flight from more arenas than ways
	 * take a slower lookup.
	 */
	uint32_t lookup_ways;
	uint32_t reserved[2]; /**< Must be zero. */
};

/** Kinds of refused frees. */
enum rte_mempool_nta_bad_kind {
	RTE_MEMPOOL_NTA_BAD_FOREIGN = 0,  /**< pointer not in this pool */
	RTE_MEMPOOL_NTA_BAD_INTERIOR,     /**< inside the pool, not an object start */
	RTE_MEMPOOL_NTA_BAD_DOUBLE_FREE,  /**< object already free */
	RTE_MEMPOOL_NTA_BAD_OTHER_POOL,   /**< object of another mempool */
	RTE_MEMPOOL_NTA_BAD_MAX
};

/**
 * Counters of one lcore (or of unregistered threads). local_hits,
 * local_frees, remote_sent and remote_drained are fast-path counters, which
 * a build with -Dcounters=false leaves at 0
 * (RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS).
 */
struct rte_mempool_nta_lcore_stats {
	uint64_t held;           /**< free objects in its LIFO now (for
				  *   unregistered threads: in their shared
				  *   slots) */
	uint64_t ring_pending;   /**< frees waiting in its remote ring now */
	uint64_t local_hits;     /**< objects it handed out (from its LIFO, or
				  *   straight from its rings) */
	uint64_t local_frees;    /**< objects it freed to its own LIFO */
	uint64_t remote_sent;    /**< objects it freed to another lcore's ring */
	uint64_t remote_drained; /**< objects taken back from its own rings
				  *   (into its LIFO or straight out) */
	uint64_t depot_gets;     /**< objects it took from the depot */
	uint64_t depot_puts;     /**< objects it gave to the depot */
	uint64_t failed_dequeues;/**< dequeue calls answered -ENOBUFS */
	uint64_t bad_frees[RTE_MEMPOOL_NTA_BAD_MAX]; /**< refused frees */
};

/**
 * Flag of rte_mempool_nta_stats.flags: the driver was built with
 * -Dcounters=false, so local_hits, local_frees, remote_sent and
 * remote_drained are not counted and read 0 (the other counters are).
 */
#define RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS (1u << 0)

/** Pool-wide figures. */
struct rte_mempool_nta_stats {
	uint64_t size;           /**< objects populated */
	uint64_t avail;          /**< free objects, wherever they are */
	uint64_t in_use;         /**< objects handed out */
	uint64_t depot;          /**< free objects in the shared depot */
	uint64_t arenas;         /**< arenas */
	uint64_t arena_size;     /**< bytes of address space per arena */
	uint64_t metadata_bytes; /**< driver memory (headers, lists, rings) */
	uint64_t object_bytes;   /**< memory of the populated objects */
	uint32_t lifo_size;      /**< objects per lcore store (2 magazines) */
	uint32_t ring_size;      /**< entries per remote-free lane */
	uint32_t active_lcores;  /**< lcores that used the pool */
	uint32_t flags;          /**< RTE_MEMPOOL_NTA_STATS_F_* */
	/** Sum over lcores and unregistered threads. */
	struct rte_mempool_nta_lcore_stats total;
};

/** Result of rte_mempool_nta_audit(). */
struct rte_mempool_nta_audit_report {
	uint64_t objects;    /**< objects found in the arenas */
	uint64_t in_use;     /**< objects in the hands of the application */
	uint64_t in_depot;   /**< free in the depot */
	uint64_t in_lifos;   /**< free in per-lcore LIFOs and shared slots */
	uint64_t in_rings;   /**< free, waiting in remote rings */
	uint64_t duplicates; /**< objects found in two places (must be 0) */
	uint64_t lost;       /**< free objects found in no list (must be 0) */
	uint64_t mismatches; /**< list entries whose state disagrees (must be 0) */
};

/**
 * Tell whether a mempool is served by this copy of the nta driver.
 *
 * @param mp
 *   The mempool; may be NULL.
 * @return
 *   1 if mp uses the nta ops and the driver has set the pool up (its
 *   alloc op ran: the pool has been populated at least once), 0 otherwise,
 *   also when mp is NULL or is served by another copy of the driver loaded
 *   in the same process.
 */
int rte_mempool_nta_is_nta(const struct rte_mempool *mp);

/**
 * Read the pool-wide figures and the counters summed over every lcore and
 * the unregistered threads.
 *
 * The read takes no lock: figures are exact while no thread uses the pool,
 * and approximate (each one consistent on its own) otherwise.
 *
 * @param mp
 *   An nta mempool.
 * @param stats
 *   Filled in on success. With RTE_MEMPOOL_NTA_STATS_F_NO_FAST_COUNTERS in
 *   stats->flags, the fast-path counters of stats->total read 0.
 * @return
 *   0 on success; -EINVAL if mp or stats is NULL, or mp is not an nta pool
 *   set up by this driver (see rte_mempool_nta_is_nta()).
 */
int rte_mempool_nta_stats_get(const struct rte_mempool *mp,
			      struct rte_mempool_nta_stats *stats);

/**
 * Read the counters of one lcore, or those shared by unregistered threads.
 *
 * An lcore that never used the pool reads all zeros. Lock-free, as
 * rte_mempool_nta_stats_get().
 *
 * @param mp
 *   An nta mempool.
 * @param lcore_id
 *   An lcore id below RTE_MAX_LCORE, or LCORE_ID_ANY for the counters and
 *   the slots of unregistered threads.
 * @param stats
 *   Filled in on success.
 * @return
 *   0 on success; -EINVAL if mp or stats is NULL, mp is not an nta pool,
 *   or lcore_id is neither below RTE_MAX_LCORE nor LCORE_ID_ANY.
 */
int rte_mempool_nta_lcore_stats_get(const struct rte_mempool *mp,
				    unsigned int lcore_id,
				    struct rte_mempool_nta_lcore_stats *stats);

/**
 * Zero the counters of every lcore and of unregistered threads. The held
 * and ring_pending figures are not counters (they say where objects are)
 * and stay. An lcore counting at the same moment may write back a count
 * taken before the reset: reset while the pool is quiescent for exact
 * zeros.
 *
 * @param mp
 *   An nta mempool.
 * @return
 *   0 on success; -EINVAL if mp is NULL or not an nta pool.
 */
int rte_mempool_nta_stats_reset(struct rte_mempool *mp);

/**
 * Walk the pool and check that every object is in exactly one place:
 * handed out, in the depot, in one LIFO or shared slot, or waiting in one
 * remote ring. Takes the pool lock and scratch memory of about one byte
 * per object. Call it only while no thread uses the pool: objects in
 * flight would show as mismatches.
 *
 * @param mp
 *   An nta mempool.
 * @param report
 *   Where each object was found; may be NULL. Filled in for 0 and
 *   -EFAULT (zeros for -ENOMEM).
 * @return
 *   0 if consistent; -EFAULT if not (a duplicate, a lost object, a list
 *   entry whose state disagrees, or counts that do not add up; also logged
 *   at ERR level); -EINVAL if mp is NULL or not an nta pool; -ENOMEM if
 *   the scratch memory could not be allocated.
 */
int rte_mempool_nta_audit(const struct rte_mempool *mp,
			  struct rte_mempool_nta_audit_report *report);

/**
 * Give what the calling lcore holds (LIFO and pending remote frees) back
 * to the shared depot, so other lcores and threads can get it. Use it when
 * an lcore stops using the pool for a while; its next get or put takes
 * magazines again. The library's per-lcore mempool cache is not the
 * driver's: flush it first (rte_mempool_cache_flush()) to give back its
 * objects too. Called from an unregistered thread, it gives back what the
 * slots shared by unregistered threads hold (a slot another thread is
 * using at that moment keeps its objects).
 *
 * @param mp
 *   An nta mempool.
 * @return
 *   The number of objects given back (0 for an lcore that never used the
 *   pool); -EINVAL if mp is NULL or not an nta pool.
 */
int rte_mempool_nta_lcore_flush(struct rte_mempool *mp);

/**
 * Print the driver's view of the pool: sizes and geometry, metadata
 * overhead, then one line of counters per lcore that used the pool and one
 * for unregistered threads. A build without fast-path counters says so
 * ("counters: compiled out"). Lock-free, as rte_mempool_nta_stats_get().
 *
 * @param f
 *   Output stream.
 * @param mp
 *   An nta mempool.
 * @return
 *   0 on success; -EINVAL if f or mp is NULL, or mp is not an nta pool.
 */
int rte_mempool_nta_dump(FILE *f, const struct rte_mempool *mp);

#ifdef __cplusplus
}
#endif

#endif /* RTE_MEMPOOL_NTA_H */
