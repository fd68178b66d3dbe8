#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The driver's files depend on each other one way: the source map of
# doc/design.rst lists them from the bottom up, and a file may use only
# symbols defined in files listed before it. Checked on the object files'
# symbol tables (nm): a call, or a use of a variable, into a file listed
# later fails, and so does a driver source missing from the map.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/setup.sh
. "$here/scripts/setup.sh"
nta_setup_all >/dev/null || exit 1

objdir=$(ls -d "$NTA_BUILD"/drivers/mempool/nta/librte_mempool_nta*.p 2>/dev/null | head -n 1)
[ -n "$objdir" ] || { echo "no driver objects under $NTA_BUILD"; exit 1; }

# the files of the source map, bottom first
order=$(awk '/^Source map$/ {on = 1; next}
	on && /^[A-Z].*$/ && prev ~ /^$/ && seen {exit}
	on && match($0, /^``nta_[a-z_]+\.c``/) {
		print substr($0, 3, RLENGTH - 4); seen = 1 }
	{ prev = $0 }' "$here/doc/design.rst")
[ -n "$order" ] || { echo "no source map in doc/design.rst"; exit 1; }

# "user definer symbol" for every symbol a driver object uses from another
edges() {
	local o f
	for o in "$objdir"/*.o; do
		f=$(basename "$o" .o)
		nm --defined-only "$o" | awk -v f="$f" '$2 ~ /[TDBRC]/ {print "D", f, $3}'
		nm -u "$o" | awk -v f="$f" '{print "U", f, $2}'
	done | awk '$1 == "D" {def[$3] = $2; next} {use[NR] = $2 " " $3}
		END {for (i in use) {split(use[i], a, " ");
			if ((a[2] in def) && def[a[2]] != a[1])
				print a[1], def[a[2]], a[2]}}' | sort -u
}

# check ORDER EDGES: prints each violation, returns 1 if any
check() {
	awk -v order="$1" 'BEGIN {n = split(order, f, "\n");
			for (i = 1; i <= n; i++) rank[f[i]] = i}
		!($1 in rank) {print "not in the source map: " $1; bad = 1; next}
		!($2 in rank) {print "not in the source map: " $2; bad = 1; next}
		rank[$2] > rank[$1] {print $1 " calls up into " $2 ": " $3; bad = 1}
		END {exit bad}' <<<"$2"
}

e=$(edges)
[ -n "$e" ] || { echo "no symbols between driver files: nm failed?"; exit 1; }
srcs=$(cd "$here/drivers/mempool/nta" && ls nta_*.c)
missing=$(comm -23 <(sort <<<"$srcs") <(sort <<<"$order"))
[ -z "$missing" ] || { echo "driver sources missing from the source map: $missing"; exit 1; }
echo "source map, bottom up: $(tr '\n' ' ' <<<"$order")"
echo "$(wc -l <<<"$e") symbols used across files"

# the check can fail: with the map upside down, every edge goes up
if check "$(tac <<<"$order")" "$e" >/dev/null; then
	echo "self-check: the reversed map passed"; exit 1
fi
check "$order" "$e" || exit 1
echo "layout: every file calls only into files below it"
