#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Telemetry of a running application, read with stock dpdk-telemetry.py:
# /mempool_nta/list names the pool, /mempool_nta/stats,<pool> gives exact
# figures for the state the application set up (1000 objects, 200 in use,
# one double free, one foreign pointer refused).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/setup.sh"
nta_setup_all >/dev/null || exit 1

pf="nta_tel_$$"
done_file=/tmp/nta_telemetry_done
rm -f "$done_file"
log=$(mktemp)
# shellcheck disable=SC2046
"$NTA_BUILD/tests/nta-tests" -l 0 --no-pci --file-prefix="$pf" $(nta_mem_args) \
	--log-level=lib.eal:error -- telemetry_serve_child >"$log" 2>&1 &
app=$!
for _ in $(seq 100); do grep -q READY "$log" && break; sleep 0.1; done
q() { echo "$1" | timeout 20 dpdk-telemetry.py -f "$pf" 2>/dev/null; }
list=$(q /mempool_nta/list)
stats=$(q "/mempool_nta/stats,tel_pool")
bad=$(q "/mempool_nta/stats,no_such_pool")
touch "$done_file"
wait $app; rc=$?
rm -f "$done_file" "$log"; rm -rf "/var/run/dpdk/$pf"
echo "list:  $list"
echo "stats: $stats"
echo "unknown pool: $bad"
[ $rc = 0 ] || { echo "FAIL: application exited $rc"; exit 1; }
python3 - "$list" "$stats" "$bad" <<'PY'
import json, sys
def last_json(text):
    # dpdk-telemetry.py echoes the connection banner first; take the last object
    objs = [l for l in text.splitlines() if l.strip().startswith("{")]
    return json.loads(objs[-1])
lst = last_json(sys.argv[1])["/mempool_nta/list"]
st = last_json(sys.argv[2])["/mempool_nta/stats"]
bad = last_json(sys.argv[3])["/mempool_nta/stats"]
ok = True
def want(cond, what):
    global ok
    print(("ok   " if cond else "FAIL ") + what)
    ok &= bool(cond)
want("tel_pool" in lst, "list names tel_pool")
want(st["size"] == 1000, "size 1000")
want(st["in_use"] == 200 and st["avail"] == 800, "200 in use, 800 available")
lc = st["lcore_0"]
want(lc["bad_double_free"] == 1, "one double free counted")
want(lc["bad_foreign"] == 1, "one foreign pointer counted")
want(lc["held"] + lc["ring_pending"] + st["depot"] == 800, "held + pending + depot = available")
want(bad is None, "unknown pool gives null")
sys.exit(0 if ok else 1)
PY
