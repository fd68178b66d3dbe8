#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# DPDK's l3fwd example routing IPv4/UDP between two net_tap ports, on nta
# and on DPDK's default handler (ring_mp_mc): a fixed burst is injected on
# ntap0 from the kernel side as fast as a Python AF_PACKET sender can, and
# counted coming out of ntap1. Run by scripts/demo.sh; runs alone too.
#   scripts/l3fwd_demo.sh [PACKETS, default 200000]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=setup.sh
. "$here/setup.sh"
# shellcheck source=l3fwd_lib.sh
. "$here/l3fwd_lib.sh"

count=${1:-${NTA_L3FWD_DEMO_COUNT:-200000}}
flen=64
trap 'nta_l3fwd_stop' EXIT
nta_setup_all || { echo "setup failed" >&2; exit 1; }
out=${NTA_DEMO_OUT:-$NTA_BUILD/demo}
mkdir -p "$out"

bin=$(nta_l3fwd_build std) || { echo "l3fwd: cannot build it (see above)"; exit 1; }
echo "l3fwd (LPM lookup, 1 forwarding lcore) between two net_tap ports: $count x $flen-byte"
echo "IPv4/UDP frames to 198.18.1.0/24 written on $NTA_L3FWD_IF0 as fast as a Python AF_PACKET"
echo "sender can, counted on $NTA_L3FWD_IF1 (routed: TTL 63, checksum valid)"
echo
printf '%-11s %8s %9s %10s %10s %8s %10s %s\n' handler sent "tap drops" "into l3fwd" \
	"out (rx'd)" "lost" "rate pps" "pool ops check"
printf '%-11s %8s %9s %10s %10s %8s %10s %s\n' ------- ---- --------- ---------- \
	---------- ---- -------- --------------
status=0
for ops in nta ring_mp_mc; do
	log=$out/l3fwd_$ops.log
	if ! nta_l3fwd_start "$bin" "$ops" "nta_l3demo_$$_$ops" "$log"; then
		printf '%-11s l3fwd did not start (log %s)\n' "$ops" "$log"; status=1; continue
	fi
	nta_l3fwd_kernel_setup 1500
	r=$(nta_l3fwd_traffic "$count" "$flen" 0)
	nta_l3fwd_stop
	into=$(nta_kv into "$r"); matched=$(nta_kv matched "$r")
	lost=$(( ${into:-0} - ${matched:-0} ))
	line=$(nta_l3fwd_pool_line "$log")
	if [ "$ops" = nta ]; then
		chk="nta (driver log)"
		[ -n "$line" ] || { chk="NOT nta"; status=1; }
	else
		chk="not nta"
		[ -z "$line" ] || { chk="nta?!"; status=1; }
	fi
	[ "$lost" = 0 ] && [ "${matched:-0}" -gt 0 ] || status=1
	[ "$(nta_kv ttl_ok "$r")" = "$matched" ] || status=1
	printf '%-11s %8s %9s %10s %10s %8s %10s %s\n' "$ops" "$(nta_kv sent "$r")" \
		"$(nta_kv tapdrop "$r")" "$into" "$matched" "$lost" "$(nta_kv rx_pps "$r")" "$chk"
	echo "$ops $r" >>"$out/l3fwd_results.txt"
done
echo
echo "tap drops: frames the kernel dropped because the tun queue in front of l3fwd was full;"
echo "lost: frames l3fwd read from $NTA_L3FWD_IF0 but never wrote to $NTA_L3FWD_IF1 (the DPDK side)."
echo "The rate is bound by the tap/kernel path (a syscall per packet each way, a Python sender"
echo "and receiver), not by the mempool handler: see the testpmd figures for the handler's cost."
echo "With two cores (l3fwd polls one; sender, receiver and kernel share the other) the drops"
echo "and the rate swing from run to run: a gap between the two rows here is noise."
exit $status
