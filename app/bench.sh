#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Build (if needed) and run nta-bench: the nta mempool handler side by side
# with ring_mp_mc, ring_sp_sc, stack, lf_stack, bucket and bench_floor (the
# floor: nta-bench's own cheapest handler, see doc/benchmarks.rst).
#
#   app/bench.sh [nta-bench options]     e.g. app/bench.sh --quick
#
# Environment:
#   NTA_BUILD   meson build directory, as for every script of the project
#               (default: build in the source tree)
#   LCORES      EAL lcore list (default: 0-1)
#   EAL_ARGS    extra EAL arguments
#
# The EAL line always carries --no-pci (the NIC stays with the kernel) and
# a file prefix of its own, so runs never collide.

set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${NTA_BUILD:-$root/build}

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" >/dev/null

bin=$build/app/nta-bench/nta-bench
if [ ! -x "$bin" ]; then
	echo "bench.sh: $bin not built (meson option apps=false?)" >&2
	exit 1
fi

# Without free hugepages, run from ordinary memory.
mem_args=
free_huge=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
if [ "${free_huge:-0}" -eq 0 ]; then
	echo "bench.sh: no free hugepages, using --no-huge -m 1024" >&2
	mem_args="--no-huge -m 1024"
fi

# shellcheck disable=SC2086 # word splitting of the EAL argument lists
exec "$bin" -l "${LCORES:-0-1}" --no-pci --file-prefix=nta_bench_$$ \
	$mem_args ${EAL_ARGS:-} -- "$@"
