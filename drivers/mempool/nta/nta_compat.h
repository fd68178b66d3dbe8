/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-nta authors
 */

#ifndef NTA_COMPAT_H
#define NTA_COMPAT_H

/*
 * The differences between the DPDK releases nta builds against, in one
 * place: 22.11 (Debian 12), 23.11, 24.11 and 25.11. Code elsewhere calls the
 * nta_compat_* names below and carries no version tests of its own.
 *
 * What changed, and what it means here:
 * - 23.03: rte_tel_data_add_dict_uint() replaces rte_tel_data_add_dict_u64(),
 *   which is deprecated from then on (a warning, so an error with -Werror)
 *   and gone in 25.11.
 * - 23.07: rte_mempool_get() of a constant count takes a shorter path through
 *   the mempool cache; the cache still flushes its whole content (up to 1.5
 *   times its size) and refills size + request, so the handler sees the same
 *   bulk sizes as on 22.11. Nothing to adapt.
 * - 24.07: rte_mempool_get_mem_range() and rte_mempool_get_obj_alignment();
 *   mempool_autotest calls them on the pool of the ops under test. They read
 *   the pool's memory list, which populate fills through the library.
 * - 26.07 (not an LTS yet): the cache flushes and refills half its size, and
 *   holds at most its size: handler calls come in smaller batches, nothing
 *   to adapt in the driver (the user guide says what it means for sizing).
 */

#include <stdint.h>

#include <rte_version.h>

/* True when building against DPDK year.month or later. */
#define NTA_DPDK_AT_LEAST(year, month) \
	(RTE_VERSION >= RTE_VERSION_NUM(year, month, 0, 0))

/* Telemetry: an unsigned 64-bit value in a dictionary. */
#if NTA_DPDK_AT_LEAST(23, 3)
#define nta_compat_tel_add_dict_uint(d, name, val) \
	rte_tel_data_add_dict_uint((d), (name), (uint64_t)(val))
#else
#define nta_compat_tel_add_dict_uint(d, name, val) \
	rte_tel_data_add_dict_u64((d), (name), (uint64_t)(val))
#endif

#endif /* NTA_COMPAT_H */
