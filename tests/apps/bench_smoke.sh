#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# nta-bench as a user runs it (app/bench.sh --quick), checked for what it
# must produce, never for speed: every case has an nta row that passed the
# bench's own checks (all objects back in the pool, nta audit clean, no
# failed get), a handler that crashes is reported as FAILED rather than
# dropped (bucket on unregistered threads), the footprint is there, and
# the CSV, JSON and chart files are written and well formed.
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

BUILD_DIR=$NTA_BUILD timeout 300 bash "$here/app/bench.sh" --quick --out="$out" \
	>"$out/stdout" 2>&1
rc=$?
check "bench.sh --quick exits 0 (rc=$rc)" test "$rc" = 0
tail -n 25 "$out/stdout"

csv=$out/results.csv
check "results.csv written" test -s "$csv"
# nta rows: one per case, every one "ok"
for c in local pipeline mbuf unreg; do
	n=$(awk -F, -v c="$c" '$1 == c && $6 == "nta"' "$csv" | wc -l)
	bad=$(awk -F, -v c="$c" '$1 == c && $6 == "nta" && $7 != "ok"' "$csv" | wc -l)
	check "$c: $n nta rows, $bad not ok" test "$n" -gt 0 -a "$bad" = 0
done
# the local case covers caches 0/32/256/512 x bulks 1/8/32 x 1 and 2 lcores
n=$(awk -F, '$1 == "local" && $6 == "nta"' "$csv" | wc -l)
check "local: 24 nta rows (got $n)" test "$n" = 24
# the baseline's ratio is 1 by definition; nta's ratio is its rate over it
check "ring_mp_mc ratio is 1.0000 in every ok row" \
	test "$(awk -F, '$6 == "ring_mp_mc" && $7 == "ok" && $9 != "1.0000"' "$csv" | wc -l)" = 0
check "nta ratio = nta rate / ring_mp_mc rate (local, 1 lcore, cache 0, bulk 1)" \
	awk -F, '$1 == "local" && $2 == 1 && $4 == 0 && $5 == 1 {
		if ($6 == "nta") { m = $8; r = $9 } else if ($6 == "ring_mp_mc") b = $8 }
		END { d = m / b - r; exit !(b > 0 && d < 0.001 && d > -0.001) }' "$csv"
# a crash is a FAILED cell with its reason, not a missing row
check "bucket on unregistered threads reported as failed" \
	grep -q '^unreg,.*,bucket,FAILED,.*crashed' "$csv"
check "table shows FAILED for it" grep -q 'bucket: FAILED: crashed' "$out/stdout"

fp=$out/footprint.csv
check "footprint.csv written" test -s "$fp"
check "nta metadata under 2 % of the objects' memory" \
	awk -F, '$1 == "nta" { found = 1; ok = ($2 == "ok" && $13 + 0 > 0 && $13 + 0 < 2) }
		END { exit !(found && ok) }' "$fp"

check "results.json is valid JSON" python3 -m json.tool "$out/results.json" >/dev/null
if command -v gnuplot >/dev/null; then
	check "chart.png is a PNG" sh -c "head -c 8 '$out/chart.png' | od -An -tx1 | grep -q '89 50 4e 47'"
fi
exit $fail
