#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# DPDK's own mempool benchmark, mempool_perf_autotest of dpdk-test, run
# twice: once with the nta plugin as the mbuf pool ops, once with
# ring_mp_mc; the rate lines are then put side by side with their ratio.
#
#   app/mempool_perf.sh [--out DIR] [--timeout SECS] [--lcores LIST]
#   app/mempool_perf.sh --parse NTA_LOG RING_LOG
#
# A full run takes about an hour (each rate line is a 5 s measurement).
# --timeout cuts each of the two runs short; the table then holds what
# both logs have so far. --parse only tabulates two existing logs.
#
# Which pool runs on the chosen ops: dpdk-test's test only puts its
# "default pool" on the mbuf pool ops (section "default_pool" below).
# Its mp_nocache, mp_cache and user_cache sections use ring_mp_mc in both
# runs: their ratios should stay near 1.0 and show how noisy the machine
# was.

set -e

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-build}
case $build in
/*) ;;
*) build=$root/$build ;;
esac
out=./mempool-perf-out
limit=
lcores=0-1
parse_only=

usage() {
	sed -n '5,21p' "$0" | sed 's/^# \{0,1\}//'
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
	--parse) parse_only=1; nta_log=$2; ring_log=$3; shift 3 ;;
	-h|--help) usage 0 ;;
	*) echo "mempool_perf.sh: unknown argument $1" >&2; usage 1 >&2 ;;
	esac
done

# Side by side: key = section + parameters + how many times that same key
# was seen before (with -l 0-1, "2 cores" and "all cores" repeat a test).
tabulate() {
	awk -v nta_log="$1" -v ring_log="$2" -v csv="$3" '
	function section(line) {
		if (line ~ /user-owned cache/) return "user_cache"
		if (line ~ /with cache/) return "mp_cache"
		if (line ~ /test for .* \(without cache\)/) return "default_pool"
		if (line ~ /without cache/) return "mp_nocache"
		return "other"
	}
	function read_log(file, col,    line, sec, key, f, n, i, kv, rate, params) {
		sec = "-"
		while ((getline line < file) > 0) {
			if (line ~ /^start performance test/) {
				sec = section(line)
				continue
			}
			if (line !~ /^mempool_autotest .*rate_persec=[0-9]+/)
				continue
			params = ""
			n = split(line, f, " ")
			for (i = 2; i <= n; i++) {
				split(f[i], kv, "=")
				if (kv[1] == "rate_persec")
					rate = kv[2]
				else
					params = params " " kv[2]
			}
			key = sec params
			seen[col, key]++
			key = key " #" seen[col, key]
			if (!(key in order)) {
				order[key] = ++nkeys
				keys[nkeys] = key
			}
			val[col, key] = rate
		}
		close(file)
	}
	BEGIN {
		read_log(nta_log, 1)
		read_log(ring_log, 2)
		printf "%-13s %5s %5s %4s %4s %5s %5s %12s %12s %7s\n",
		       "section", "cache", "cores", "get", "put", "keep",
		       "const", "nta Mops", "ring Mops", "ratio"
		print "section,cache,cores,n_get_bulk,n_put_bulk,n_keep,constant_n,nta_rate,ring_mp_mc_rate,ratio" > csv
		both = 0
		for (i = 1; i <= nkeys; i++) {
			key = keys[i]
			split(key, p, " ")
			a = ((1, key) in val) ? val[1, key] : ""
			b = ((2, key) in val) ? val[2, key] : ""
			r = (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-"
			if (r != "-")
				both++
			printf "%-13s %5s %5s %4s %4s %5s %5s %12s %12s %7s\n",
			       p[1], p[2], p[3], p[4], p[5], p[6], p[7],
			       a == "" ? "-" : sprintf("%.2f", a / 1e6),
			       b == "" ? "-" : sprintf("%.2f", b / 1e6), r
			print p[1] "," p[2] "," p[3] "," p[4] "," p[5] "," p[6] "," \
			      p[7] "," a "," b "," (r == "-" ? "" : r) > csv
		}
		printf "\n%d rate lines in %s, %d in %s, %d in both\n",
		       count(1), nta_log, count(2), ring_log, both
	}
	function count(col,    k, n) {
		n = 0
		for (k in val) {
			split(k, s, SUBSEP)
			if (s[1] == col)
				n++
		}
		return n
	}'
}

if [ -n "$parse_only" ]; then
	tabulate "$nta_log" "$ring_log" /dev/null
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
# EAL refuses a -d plugin under a folder writable by all (a clone in /tmp):
# scripts/setup.sh gives a private copy then
plugin=$(NTA_BUILD=$build bash -c '. "$1/scripts/setup.sh" && nta_plugin' _ "$root") ||
	exit 1

mem_args=
free_huge=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
if [ "${free_huge:-0}" -eq 0 ]; then
	mem_args="--no-huge -m 1024"
fi

# One run. stdbuf: dpdk-test writes to a file through stdio, whose buffer
# would be lost when a --timeout ends the run.
run_one() {
	name=$1
	shift
	echo "mempool_perf.sh: running $name -> $out/$name.log" >&2
	rc=0
	# shellcheck disable=SC2086 # word splitting of the EAL argument lists
	${limit:+timeout $limit} stdbuf -oL -eL dpdk-test -l "$lcores" \
		--no-pci --file-prefix="nta_mpp_${name}_$$" $mem_args "$@" \
		mempool_perf_autotest >"$out/$name.log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		echo "mempool_perf.sh: $name ended with status $rc (partial log)" >&2
	fi
}

run_one nta -d "$plugin" --mbuf-pool-ops-name=nta
run_one ring_mp_mc --mbuf-pool-ops-name=ring_mp_mc
tabulate "$out/nta.log" "$out/ring_mp_mc.log" "$out/compare.csv" |
	tee "$out/compare.txt"
