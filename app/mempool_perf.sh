#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# DPDK's own mempool benchmark, mempool_perf_autotest of dpdk-test, on nta
# against ring_mp_mc in one run, side by side with their ratio.
#
#   app/mempool_perf.sh [--out DIR] [--lcores LIST] [--timeout SECS] [--all]
#   app/mempool_perf.sh --parse LOG
#
# One dpdk-test run with the nta plugin and --mbuf-pool-ops-name=nta. Its
# first section ("without cache") runs on a pool that rte_mempool_create
# puts on ring_mp_mc; its second ("for nta (without cache)") on the
# "default_pool", the same shape (same size, 2 KiB objects, no cache) on
# the mbuf pool ops, nta. Both go through every cores / get bulk / put
# bulk / keep combination of the test (cores 1, 2 and all lcores; bulks
# 1, 4, 8, 32; keep 32, 128, 512; each equal-bulk pair also with
# compile-time constant sizes): 60 lines of 5 s per core count, so with
# two lcores each section takes 15 minutes and the run about 31. The
# script stops dpdk-test when the third section starts (it and the fourth
# run on ring_mp_mc pools with caches, nothing of nta); --all lets it run
# to the end (about an hour). --timeout (default 2700 s) stops it in any
# case; the table then holds what the log has. --parse tabulates a log.
#
# Output in DIR (default ./mempool-perf-out): nta.log, compare.csv and
# compare.txt, the table printed at the end.

set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
# NTA_BUILD: the build directory, as in every script of the project
build=${NTA_BUILD:-$root/build}
out=./mempool-perf-out
limit=2700
lcores=0-1
parse_log=
all=

usage() {
	sed -n '5,26p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-0}"
}

while [ $# -gt 0 ]; do
	case $1 in
	--out) out=$2; shift 2 ;;
	--out=*) out=${1#--out=}; shift ;;
	--timeout) limit=$2; shift 2 ;;
	--timeout=*) limit=${1#--timeout=}; shift ;;
	--lcores) lcores=$2; shift 2 ;;
	--lcores=*) lcores=${1#--lcores=}; shift ;;
	--all) all=1; shift ;;
	--parse) parse_log=$2; shift 2 ;;
	-h|--help) usage 0 ;;
	*) echo "mempool_perf.sh: unknown argument $1" >&2; usage 1 >&2 ;;
	esac
done

# The log's rate lines, section by section, paired: for each line of the
# default_pool section the line of the ring_mp_mc section with the same
# cores, bulks, keep and constant flag, seen the same number of times
# before (with two lcores, "2 cores" and "all cores" are the same
# parameters: pass 1 and pass 2).
tabulate() {
	awk -v csv="$2" '
	/^start performance test for .* \(without cache\)/ {
		sec = "pool"; ops = $5; next
	}
	/^start performance test \(without cache\)/ { sec = "ring"; next }
	/^start performance test/ { sec = "other"; next }
	/^mempool_autotest .*rate_persec=[0-9]+/ {
		if (sec != "ring" && sec != "pool")
			next
		key = ""
		for (i = 2; i <= NF; i++) {
			split($i, kv, "=")
			if (kv[1] == "rate_persec")
				rate = kv[2]
			else if (kv[1] != "cache")
				key = key " " kv[2]
		}
		pass = ++seen[sec, key]
		key = key " " pass
		if (!(key in order)) {
			order[key] = ++nkeys
			keys[nkeys] = key
		}
		val[sec, key] = rate
		n[sec]++
	}
	END {
		if (ops == "")
			ops = "default_pool"
		printf "mempool_perf_autotest, one run: ring_mp_mc pool (section \"without cache\")\n"
		printf "against the default_pool on %s (section \"for %s (without cache)\"), both cache 0\n", ops, ops
		printf "rates in million objects per second (get + put), ratio = %s / ring_mp_mc;\n", ops
		printf "pass 2: the same parameters again (the test runs 1, 2 and all lcores)\n\n"
		printf "%5s %4s %4s %5s %5s %4s %12s %12s %7s\n", "cores", "get", "put",
		       "keep", "const", "pass", "ring_mp_mc", ops, "ratio"
		print "cores,n_get_bulk,n_put_bulk,n_keep,constant_n,pass,ring_mp_mc_rate," \
		      ops "_rate,ratio" > csv
		both = 0; lsum = 0; lo = ""; hi = ""
		for (i = 1; i <= nkeys; i++) {
			k = keys[i]
			split(substr(k, 2), p, " ")
			a = (("ring", k) in val) ? val["ring", k] : ""
			b = (("pool", k) in val) ? val["pool", k] : ""
			r = ""
			if (a != "" && b != "" && a > 0) {
				r = b / a; both++; lsum += log(r)
				if (lo == "" || r < lo) lo = r
				if (hi == "" || r > hi) hi = r
				if (p[4] == 512) k512++
			}
			printf "%5s %4s %4s %5s %5s %4s %12s %12s %7s\n", p[1], p[2], p[3],
			       p[4], p[5], p[6],
			       a == "" ? "-" : sprintf("%.2f", a / 1e6),
			       b == "" ? "-" : sprintf("%.2f", b / 1e6),
			       r == "" ? "-" : sprintf("%.2fx", r)
			print p[1] "," p[2] "," p[3] "," p[4] "," p[5] "," p[6] "," a "," \
			      b "," (r == "" ? "" : sprintf("%.4f", r)) > csv
		}
		printf "\n%d ring_mp_mc lines, %d %s lines, %d paired (%d with keep 512)\n",
		       n["ring"], n["pool"], ops, both, k512
		if (both > 0)
			printf "ratio %s / ring_mp_mc: geometric mean %.2fx, lowest %.2fx, highest %.2fx\n",
			       ops, exp(lsum / both), lo, hi
	}' "$1"
}

if [ -n "$parse_log" ]; then
	tabulate "$parse_log" /dev/null
	exit 0
fi

command -v dpdk-test >/dev/null || {
	echo "mempool_perf.sh: dpdk-test not found (Debian package dpdk-dev?)" >&2
	exit 1
}
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$root" >/dev/null
fi
ninja -C "$build" >/dev/null
mkdir -p "$out"
log=$out/nta.log
# EAL refuses a -d plugin under a folder writable by all (a clone in /tmp):
# scripts/setup.sh gives a private copy then
plugin=$(NTA_BUILD=$build bash -c '. "$1/scripts/setup.sh" && nta_plugin' _ "$root") ||
	exit 1

# --huge-unlink: dpdk-test is stopped by a signal, and hugepage files
# left behind would keep their pages.
mem_args=--huge-unlink
free_huge=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
if [ "${free_huge:-0}" -eq 0 ]; then
	mem_args="--no-huge -m 1024"
fi

# stdbuf: dpdk-test writes its log through stdio, whose buffer would be
# lost when the run is stopped.
prefix=nta_mpp_$$
echo "mempool_perf.sh: dpdk-test on lcores $lcores -> $log" \
	"(about 31 min with 2 lcores${all:+; --all: about an hour})" >&2
start=$(date +%s)
# shellcheck disable=SC2086 # word splitting of the EAL argument lists
timeout "$limit" stdbuf -oL -eL dpdk-test -l "$lcores" --no-pci \
	--file-prefix="$prefix" $mem_args -d "$plugin" \
	--mbuf-pool-ops-name=nta mempool_perf_autotest >"$log" 2>&1 &
pid=$!
cleanup() {
	rm -rf "/var/run/dpdk/$prefix"
	rm -f /dev/hugepages/"$prefix"map_*
}
trap 'kill "$pid" 2>/dev/null; cleanup' EXIT INT TERM

# Watch the log: progress every minute, stop at the first section on
# pools with a cache (nothing of nta follows).
last=0
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	if [ -z "$all" ] && grep -q '^start performance test (with cache)' "$log"; then
		echo "mempool_perf.sh: default_pool section done, stopping dpdk-test" >&2
		kill "$pid" 2>/dev/null || true
		break
	fi
	now=$(date +%s)
	if [ $((now - last)) -ge 60 ]; then
		last=$now
		echo "mempool_perf.sh: $((now - start)) s, $(grep -c 'rate_persec=' "$log" || true) of" \
			"360 rate lines" >&2
	fi
done
rc=0
wait "$pid" || rc=$?
trap - EXIT INT TERM
cleanup
if grep -q 'test failed\|Test Failed\|cannot ' "$log"; then
	echo "mempool_perf.sh: dpdk-test reported a failure (rc $rc):" >&2
	grep 'test failed\|Test Failed\|cannot \|not full' "$log" | head -n 5 >&2
elif [ "$rc" = 124 ]; then
	echo "mempool_perf.sh: stopped by --timeout $limit (partial log)" >&2
fi
echo "mempool_perf.sh: $(($(date +%s) - start)) s" >&2
tabulate "$log" "$out/compare.csv" | tee "$out/compare.txt"
