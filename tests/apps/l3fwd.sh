#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# DPDK's l3fwd (built at test time from Debian's dpdk-doc sources) on nta
# mbuf pools, routing real IPv4/UDP packets between two net_tap ports:
# frames injected on ntap0 from the kernel side must all come out of ntap1,
# routed (TTL decremented, IPv4 checksum updated). Exit status 0 only if
# every check holds.
#   standard: 2 KiB mbufs, 128-byte frames
#   jumbo:    9 KiB mbufs (l3fwd built with a 9216-byte data room),
#             8000-byte frames in (net_tap 22.11 cannot send frames over
#             its 1500 MTU: they must come back to the pool as Tx errors,
#             none lost, no Rx mbuf shortage), then 1514-byte frames
#             forwarded end to end through the same 9 KiB pool
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../../scripts/setup.sh
. "$here/../../scripts/setup.sh"
# shellcheck source=../../scripts/l3fwd_lib.sh
. "$here/../../scripts/l3fwd_lib.sh"

OPS=${NTA_L3FWD_OPS:-nta}
fails=0
check() { # DESCRIPTION CONDITION...
	local d=$1; shift
	if "$@"; then echo "  ok    $d"; else echo "  FAIL  $d"; fails=$((fails + 1)); fi
}
eq() { [ "${1:-x}" = "${2:-y}" ]; }
gt() { [ "${1:-0}" -gt "${2:-0}" ] 2>/dev/null; }

trap 'nta_l3fwd_stop' EXIT
nta_setup_all || { echo "setup failed"; exit 1; }
# own log directory: tests/run.sh empties test-logs when it starts
logdir=${NTA_L3FWD_LOGS:-$NTA_BUILD/l3fwd-logs}
mkdir -p "$logdir"
T0=$(date +%s)

show() { # LABEL RESULT
	echo "  $1: sent $(nta_kv sent "$2"), tun-queue drops $(nta_kv tapdrop "$2")," \
		"into l3fwd $(nta_kv into "$2"), out of l3fwd $(nta_kv out "$2")," \
		"received on $NTA_L3FWD_IF1 $(nta_kv matched "$2") (ttl ok $(nta_kv ttl_ok "$2")," \
		"csum ok $(nta_kv csum_ok "$2"))"
	echo "    DPDK port counters: port0 rx $(nta_kv d_ipackets0 "$2") ierrors $(nta_kv d_ierrors0 "$2")" \
		"rx_nombuf $(nta_kv d_rx_nombuf0 "$2"); port1 tx $(nta_kv d_opackets1 "$2")" \
		"oerrors $(nta_kv d_oerrors1 "$2"); kernel-side rate $(nta_kv rx_pps "$2") pps"
}

# traffic with a retry at a lower rate if the kernel's tun queue in front
# of l3fwd overflowed (a loaded machine, not a DPDK loss)
traffic() { # COUNT LEN PPS
	local r pps=$3 _
	for _ in 1 2 3; do
		r=$(nta_l3fwd_traffic "$1" "$2" "$pps")
		[ "$(nta_kv tapdrop "$r")" = 0 ] && break
		echo "  (tun queue overflowed at $pps pps: $(nta_kv tapdrop "$r") dropped before l3fwd; retrying slower)" >&2
		pps=$((pps / 3))
	done
	echo "$r"
}

# ---- standard: 2 KiB mbufs ------------------------------------------------
echo "== l3fwd on $OPS, standard mbufs (memory: $([ "$NTA_HUGE" = 1 ] && echo hugepages || echo no-huge))"
bin=$(nta_l3fwd_build std) || { echo "FAIL: cannot build l3fwd"; exit 1; }
log=$logdir/l3fwd_std_$OPS.log
if nta_l3fwd_start "$bin" "$OPS" "nta_l3_$$_std" "$log"; then
	nta_l3fwd_kernel_setup 1500
	r=$(traffic 20000 128 50000)
	show "128-byte frames" "$r"
	nta_l3fwd_stop
	sent=$(nta_kv sent "$r")
	check "packets sent on $NTA_L3FWD_IF0 > 0 ($sent)" gt "$sent" 0
	check "no drop in front of l3fwd" eq "$(nta_kv tapdrop "$r")" 0
	check "received on $NTA_L3FWD_IF1 == sent ($(nta_kv matched "$r") == $sent)" eq "$(nta_kv matched "$r")" "$sent"
	check "every packet routed: TTL 64 -> 63" eq "$(nta_kv ttl_ok "$r")" "$sent"
	check "every IPv4 checksum valid after routing" eq "$(nta_kv csum_ok "$r")" "$sent"
	check "DPDK port 0 rx == sent" eq "$(nta_kv d_ipackets0 "$r")" "$sent"
	check "DPDK port 1 tx == sent" eq "$(nta_kv d_opackets1 "$r")" "$sent"
	check "no rx_nombuf, no ierrors/oerrors" eq \
		"$(nta_kv d_rx_nombuf0 "$r")/$(nta_kv d_ierrors0 "$r")/$(nta_kv d_oerrors1 "$r")" "0/0/0"
	line=$(nta_l3fwd_pool_line "$log")
	echo "  driver: ${line:-no NTA pool line}"
	[ "$OPS" = nta ] && check "l3fwd's mbuf pool runs on nta (driver debug line)" [ -n "$line" ]
	check "l3fwd exited cleanly (Bye...)" grep -q "Bye" "$log"
	grep -q "already registered by another copy" "$log" &&
		echo "  note: the driver reported another copy of itself already registered"
else
	echo "  FAIL  l3fwd did not start (log $log)"; fails=$((fails + 1))
fi

# ---- jumbo: 9 KiB mbufs ---------------------------------------------------
echo "== l3fwd on $OPS, 9 KiB mbufs (data room $NTA_L3FWD_JUMBO_ROOM)"
bin=$(nta_l3fwd_build jumbo) || { echo "FAIL: cannot build l3fwd (jumbo)"; exit 1; }
log=$logdir/l3fwd_jumbo_$OPS.log
if nta_l3fwd_start "$bin" "$OPS" "nta_l3_$$_jumbo" "$log"; then
	nta_l3fwd_kernel_setup 9000
	# more frames than the pool holds (8832 mbufs), so every mbuf is
	# taken and given back several times
	a=$(traffic 20000 8000 20000)
	show "8000-byte frames" "$a"
	b=$(traffic 5000 1514 40000)
	show "1514-byte frames" "$b"
	nta_l3fwd_stop
	sent=$(nta_kv sent "$a")
	check "8000-byte frames sent > 0 ($sent)" gt "$sent" 0
	check "no drop in front of l3fwd" eq "$(nta_kv tapdrop "$a")" 0
	check "DPDK port 0 rx == sent, in single 9 KiB mbufs (no ierrors)" eq \
		"$(nta_kv d_ipackets0 "$a")/$(nta_kv d_ierrors0 "$a")" "$sent/0"
	check "no rx_nombuf (every jumbo mbuf went back to the pool)" eq "$(nta_kv d_rx_nombuf0 "$a")" 0
	check "none lost in l3fwd: forwarded + net_tap Tx errors == sent" eq \
		"$(( $(nta_kv matched "$a") + $(nta_kv d_oerrors1 "$a") ))" "$sent"
	sent=$(nta_kv sent "$b")
	check "1514-byte frames sent > 0 ($sent)" gt "$sent" 0
	check "received on $NTA_L3FWD_IF1 == sent ($(nta_kv matched "$b") == $sent)" eq "$(nta_kv matched "$b")" "$sent"
	check "every packet routed (TTL, checksum)" eq "$(nta_kv ttl_ok "$b")/$(nta_kv csum_ok "$b")" "$sent/$sent"
	check "no rx_nombuf, no errors" eq \
		"$(nta_kv d_rx_nombuf0 "$b")/$(nta_kv d_ierrors0 "$b")/$(nta_kv d_oerrors1 "$b")" "0/0/0"
	line=$(nta_l3fwd_pool_line "$log")
	echo "  driver: ${line:-no NTA pool line}"
	if [ "$OPS" = nta ]; then
		elt=$(echo "$line" | sed -n 's/.*element \([0-9]*\) B.*/\1/p')
		check "l3fwd's 9 KiB mbuf pool runs on nta (element ${elt:-?} B)" gt "${elt:-0}" "$NTA_L3FWD_JUMBO_ROOM"
	fi
	check "l3fwd exited cleanly (Bye...)" grep -q "Bye" "$log"
else
	echo "  FAIL  l3fwd (jumbo) did not start (log $log)"; fails=$((fails + 1))
fi

echo "== $(( $(date +%s) - T0 )) s, $fails failed check(s)"
[ "$fails" = 0 ]
