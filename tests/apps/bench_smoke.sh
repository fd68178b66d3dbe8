#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# nta-bench as a user runs it (app/bench.sh --quick), checked for what it
# must produce, never for speed: every case has an nta row that passed the
# bench's own checks (all objects back in the pool, nta audit clean, no
# failed get), a handler that crashes is reported as FAILED rather than
# dropped (bucket on unregistered threads), the footprint is there, and
# the CSV, JSON and chart files are written and well formed. The floor
# handler (bench_floor) is registered and measured in every case, and
# nta's ratio to it is in the table, CSV and JSON; the workset case has
# its rows for every keep.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/setup.sh"
nta_setup_all >/dev/null || exit 1

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

timeout 300 bash "$here/app/bench.sh" --quick --out="$out" \
	>"$out/stdout" 2>&1
rc=$?
check "bench.sh --quick exits 0 (rc=$rc)" test "$rc" = 0
tail -n 25 "$out/stdout"

csv=$out/results.csv
check "results.csv written" test -s "$csv"
# Columns by name from the header line: q 'AWK CONDITION' prints the
# matching rows; in it, f("handler") is that column of the row.
q() {
	awk -F, "NR == 1 { for (i = 1; i <= NF; i++) col[\$i] = i; next }
		function f(name) { return \$col[name] }
		# a ratio against one computed from two rates, all written with
		# 4 decimals: equal within that rounding
		function near(q, r, m, b) {
			if (m <= 0) return r + 0 == 0
			d = q - r; if (d < 0) d = -d
			return d <= 0.0001 + q * (0.00006 / m + 0.00006 / b)
		}
		$1" "$csv"
}
has_col() { head -n 1 "$csv" | tr , '\n' | grep -qx "$1"; }
for name in case lcores cache bulk keep handler status mops ratio ratio_floor; do
	check "results.csv has a column $name" has_col "$name"
done
# nta rows and floor rows: one per case, every one "ok"
for h in nta bench_floor; do
	for c in local workset pipeline mbuf unreg; do
		n=$(q "f(\"case\") == \"$c\" && f(\"handler\") == \"$h\"" | wc -l)
		bad=$(q "f(\"case\") == \"$c\" && f(\"handler\") == \"$h\" && f(\"status\") != \"ok\"" | wc -l)
		check "$c: $n $h rows, $bad not ok" test "$n" -gt 0 -a "$bad" = 0
	done
done
# the local case covers caches 0/32/256/512 x bulks 1/8/32 x 1 and 2 lcores
n=$(q 'f("case") == "local" && f("handler") == "nta"' | wc -l)
check "local: 24 nta rows (got $n)" test "$n" = 24
# the workset case: the same, for each of the keeps 32/128/512/2048
n=$(q 'f("case") == "workset" && f("handler") == "nta"' | wc -l)
check "workset: 96 nta rows (got $n)" test "$n" = 96
check "workset rows carry keeps 32, 128, 512 and 2048" \
	test "$(q 'f("case") == "workset" && f("handler") == "nta" { print f("keep") }' | sort -un | tr '\n' ' ')" = "32 128 512 2048 "
check "other cases have keep 0" \
	test "$(q 'f("case") != "workset" && f("keep") != 0' | wc -l)" = 0
# the baseline's ratio is 1 by definition; nta's ratio is its rate over it
check "ring_mp_mc ratio is 1.0000 in every ok row" \
	test "$(q 'f("handler") == "ring_mp_mc" && f("status") == "ok" && f("ratio") != "1.0000"' | wc -l)" = 0
check "nta ratio = nta rate / ring_mp_mc rate (local, 1 lcore, cache 0, bulk 1)" \
	q 'f("case") == "local" && f("lcores") == 1 && f("cache") == 0 && f("bulk") == 1 {
		if (f("handler") == "nta") { m = f("mops"); r = f("ratio") }
		else if (f("handler") == "ring_mp_mc") b = f("mops") }
		END { exit !(b > 0 && near(m / b, r, m, b)) }'
# the same for the floor: its own ratio is 1, nta's is nta over floor
check "bench_floor ratio_floor is 1.0000 in every ok row" \
	test "$(q 'f("handler") == "bench_floor" && f("status") == "ok" && f("ratio_floor") != "1.0000"' | wc -l)" = 0
check "every ok nta row has a ratio_floor" \
	test "$(q 'f("handler") == "nta" && f("status") == "ok" && f("ratio_floor") == ""' | wc -l)" = 0
check "nta ratio_floor = nta rate / floor rate (workset, 1 lcore, cache 0, bulk 8, keep 512)" \
	q 'f("case") == "workset" && f("lcores") == 1 && f("cache") == 0 && f("bulk") == 8 && f("keep") == 512 {
		if (f("handler") == "nta") { m = f("mops"); r = f("ratio_floor") }
		else if (f("handler") == "bench_floor") b = f("mops") }
		END { exit !(b > 0 && near(m / b, r, m, b)) }'
# a crash is a FAILED cell with its reason, not a missing row
check "bucket on unregistered threads reported as failed" \
	test "$(q 'f("case") == "unreg" && f("handler") == "bucket" && f("status") == "FAILED" && /crashed/' | wc -l)" = 1
check "table shows FAILED for it" grep -q 'bucket: FAILED: crashed' "$out/stdout"
check "floor registered as a mempool ops" grep -q '^bench_floor: mempool ops slot' "$out/stdout"
check "table shows nta's ratio to the floor" grep -q 'ratio  /floor' "$out/stdout"
check "table defines the floor" grep -q '^bench_floor: the floor' "$out/stdout"

fp=$out/footprint.csv
check "footprint.csv written" test -s "$fp"
check "nta metadata under 2 % of the objects' memory" \
	awk -F, '$1 == "nta" { found = 1; ok = ($2 == "ok" && $13 + 0 > 0 && $13 + 0 < 2) }
		END { exit !(found && ok) }' "$fp"

check "results.json is valid JSON" sh -c 'python3 -m json.tool "$1" >/dev/null' _ "$out/results.json"
check "results.json: keep and ratio_floor in every rate, nta over floor as in the CSV" \
	python3 - "$out/results.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rates = d["rates"]
assert d["config"]["floor"] == "bench_floor" and d["config"]["keeps"] == [32, 128, 512, 2048]
assert all("keep" in r and "ratio_floor" in r for r in rates)
fl = {(r["case"], r["lcores"], r["cache"], r["bulk"], r["keep"]): r["mops"]
      for r in rates if r["handler"] == "bench_floor" and r["status"] == "ok"}
n = 0
for r in rates:
    k = (r["case"], r["lcores"], r["cache"], r["bulk"], r["keep"])
    if r["handler"] == "nta" and r["status"] == "ok" and k in fl:
        # rates and ratios are written with 4 decimals: allow for that
        q = r["mops"] / fl[k]
        tol = 0.0001 + (q * (0.00006 / r["mops"] + 0.00006 / fl[k]) if q else 0)
        assert abs(q - r["ratio_floor"]) <= tol, (k, q, r["ratio_floor"])
        n += 1
assert n >= 24 + 96, n
PY
# --shuffle: the same cases on pools whose free objects are in random
# order (bursts span the pool's arenas); every run must still pass the
# bench's checks (objects back, audit clean, no failed get)
sh_out=$out/shuffle
timeout 300 bash "$here/app/bench.sh" --quick --shuffle --out="$sh_out" \
	--cases=local,workset --handlers=nta,ring_mp_mc,bench_floor \
	--caches=0,256 --bulks=32 --keeps=512 >"$out/shuffle.txt" 2>&1
rc=$?
check "bench.sh --shuffle exits 0 (rc=$rc)" test "$rc" = 0
check "--shuffle said in the table" grep -q '^--shuffle: ' "$out/shuffle.txt"
n=$(awk -F, 'NR > 1 && $7 == "nta" && $8 == "ok"' "$sh_out/results.csv" | wc -l)
bad=$(awk -F, 'NR > 1 && $8 != "ok"' "$sh_out/results.csv" | wc -l)
check "--shuffle: $n nta rows ok, $bad rows not ok" test "$n" = 8 -a "$bad" = 0

if command -v gnuplot >/dev/null; then
	check "chart.png is a PNG" sh -c "head -c 8 '$out/chart.png' | od -An -tx1 | grep -q '89 50 4e 47'"
fi
exit $fail
