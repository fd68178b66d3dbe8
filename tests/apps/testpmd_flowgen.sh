#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Stock dpdk-testpmd, flowgen across two forwarding lcores on two net_ring
# ports (scripts/testpmd_lib.sh, nta_testpmd_flowgen, says why every
# forwarded mbuf is allocated on one lcore and freed on the other), with
# --mbcache=250 and --mbcache=0, on nta and on ring_mp_mc in the same run.
# Function only, never speed: each run must forward packets on both ports,
# count no rx_nombuf, use the handler asked for, and testpmd must map the
# streams across the lcores (lcore A sends on the port lcore B receives
# from, and the other way round). For nta the pool's own telemetry, read
# while forwarding runs, must show no failed dequeue and, with
# --mbcache=0, remote frees on both forwarding lcores: each frees into the
# pool what the other allocated. (With a cache of 250 the freeing lcore's
# mempool cache takes the mbufs and its own next allocations reuse them,
# so they seldom reach the handler: mbufs still cross the lcores, the
# handler's remote path hardly runs; the counts are shown, not required.)
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/setup.sh"
. "$here/scripts/testpmd_lib.sh"
nta_setup_all >/dev/null || exit 1

logs=${NTA_TEST_LOGS:-$NTA_BUILD/test-logs}/testpmd_flowgen
mkdir -p "$logs"
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }

# Each lcore's Tx port must be the Rx port of the other lcore.
crossed() { # MAP like "1:0>1,2:1>0"
	awk -v m="$1" 'BEGIN {
		n = split(m, e, ",")
		if (n != 2) exit 1
		for (i = 1; i <= 2; i++) {
			split(e[i], a, ":"); split(a[2], p, ">")
			lc[i] = a[1]; rx[i] = p[1]; tx[i] = p[2]
		}
		exit !(lc[1] != lc[2] && tx[1] == rx[2] && tx[2] == rx[1] && rx[1] != rx[2])
	}'
}

# The nta pool's per-lcore counters, read while forwarding ran: both
# forwarding lcores sent frees home to the other one.
remote_frees() { # TELEMETRY_OUTPUT REQUIRE_REMOTE(0|1)
	python3 - "$1" "$2" <<'PY'
import json, sys
need_remote = sys.argv[2] == "1"
text = open(sys.argv[1]).read()
objs = [l for l in text.splitlines() if l.strip().startswith("{")]
if not objs:
    print("no telemetry answer"); sys.exit(1)
st = json.loads(objs[-1]).get("/mempool_nta/stats")
if not isinstance(st, dict):
    print("no /mempool_nta/stats for mb_pool_0"); sys.exit(1)
ok = True
out = []
for lc in ("lcore_1", "lcore_2"):
    c = st.get(lc, {})
    sent = sum(v for k, v in c.items()
               if "remote" in k and ("sent" in k or "free" in k))
    failed = c.get("failed_dequeues", 0)
    out.append("%s remote frees %d, failed dequeues %d" % (lc, sent, failed))
    ok &= (sent > 0 or not need_remote) and failed == 0
print("; ".join(out))
sys.exit(0 if ok else 1)
PY
}

printf '%-9s %-11s %8s %9s %8s %s\n' mbcache handler Mpps rx_nombuf cross% "fwd map (lcore:rx>tx)"
for mbc in 250 0; do
	for ops in nta ring_mp_mc; do
		log="$logs/${ops}_$mbc.log"
		read -r mpps nombuf sel map cross rx0 rx1 < <(nta_testpmd_flowgen "$ops" "$mbc" 4 "$log")
		printf '%-9s %-11s %8s %9s %8s %s\n' "$mbc" "$ops" "$mpps" "$nombuf" "$cross" "$map"
		what="flowgen mbcache=$mbc $ops"
		if [ "${rx0:-0}" -gt 1000 ] && [ "${rx1:-0}" -gt 1000 ]; then
			ok "$what: forwarded on both ports ($rx0, $rx1 packets received)"
		else
			bad "$what: packets received on ports 0/1: ${rx0:-?}/${rx1:-?} (log $log)"
			tail -n 5 "$log"
		fi
		if [ "$nombuf" = 0 ]; then
			ok "$what: rx_nombuf=0"
		else
			bad "$what: rx_nombuf=$nombuf"
		fi
		if [ "$sel" = "$ops" ]; then
			ok "$what: testpmd selected $sel"
		else
			bad "$what: testpmd selected '$sel', not $ops"
		fi
		if crossed "$map"; then
			ok "$what: streams cross the lcores ($map)"
		else
			bad "$what: streams do not cross the lcores ('$map')"
		fi
		if [ "$ops" = nta ]; then
			if res=$(remote_frees "$log.tel" $((mbc == 0))); then
				ok "$what: telemetry: $res"
			else
				bad "$what: telemetry: $res (see $log.tel)"
			fi
		fi
	done
done
exit $((fails != 0))
