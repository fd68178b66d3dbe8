#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The main job: on a fresh Debian 12 machine (as root) install what is
# needed, build, and forward packets with stock dpdk-testpmd on nta and on
# DPDK's default handler (ring_mp_mc), side by side, with and without the
# mbuf cache: io and mac forwarding on one lcore, and flowgen across two
# lcores (allocated on one, freed on the other); then l3fwd on nta when it
# can be built. Figures: Mpps and the ratio nta / ring_mp_mc.
#   scripts/demo.sh [SECONDS per run, default 6]
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=setup.sh
. "$here/setup.sh"
# shellcheck source=testpmd_lib.sh
. "$here/testpmd_lib.sh"

secs=${1:-6}
nta_setup_all || { echo "setup failed" >&2; exit 1; }
out=${NTA_DEMO_OUT:-$NTA_BUILD/demo}
mkdir -p "$out"

echo "dpdk-nta demo: stock dpdk-testpmd, io and mac forwarding between two net_null"
echo "ports on 1 forwarding lcore; flowgen between two net_ring ports on 2 forwarding"
echo "lcores (mbufs allocated on one lcore, freed on the other)"
echo "memory: $([ "$NTA_HUGE" = 1 ] && echo hugepages || echo '--no-huge (no hugepages available)')," \
	"$secs s per run, 65536 mbufs of 2 KiB; Mpps: sum over both ports"
echo
printf '%-22s %12s %12s %8s\n' "run" "nta Mpps" "ring Mpps" "ratio"
printf '%-22s %12s %12s %8s\n' "---" "--------" "---------" "-----"
status=0
for mbc in 250 0; do
	for mode in io mac; do
		read -r n_mpps n_nombuf n_ops < <(nta_testpmd nta "$mbc" "$secs" \
			"$out/testpmd_nta_${mode}_$mbc.log" null "$mode" 1)
		read -r r_mpps r_nombuf r_ops < <(nta_testpmd ring_mp_mc "$mbc" "$secs" \
			"$out/testpmd_ring_${mode}_$mbc.log" null "$mode" 1)
		ratio=$(awk -v a="$n_mpps" -v b="$r_mpps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
		printf '%-22s %12s %12s %7sx\n' "testpmd $mode mbcache=$mbc" "$n_mpps" "$r_mpps" "$ratio"
		if [ "$n_ops" != nta ] || [ "$r_ops" != ring_mp_mc ]; then
			echo "  (unexpected handler in use: $n_ops / $r_ops)"; status=1
		fi
		[ "$n_nombuf" = 0 ] || echo "  (nta rx_nombuf=$n_nombuf)"
	done
done
# Across lcores: flowgen on two net_ring ports and two forwarding lcores,
# every forwarded mbuf allocated on one lcore and freed on the other (see
# nta_testpmd_flowgen in testpmd_lib.sh).
for mbc in 250 0; do
	read -r n_mpps n_nombuf n_ops _ n_cross _ < <(nta_testpmd_flowgen nta "$mbc" "$secs" \
		"$out/testpmd_nta_flowgen_$mbc.log")
	read -r r_mpps r_nombuf r_ops _ r_cross _ < <(nta_testpmd_flowgen ring_mp_mc "$mbc" "$secs" \
		"$out/testpmd_ring_flowgen_$mbc.log")
	ratio=$(awk -v a="$n_mpps" -v b="$r_mpps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
	printf '%-22s %12s %12s %7sx\n' "flowgen mbcache=$mbc" "$n_mpps" "$r_mpps" "$ratio"
	if [ "$n_ops" != nta ] || [ "$r_ops" != ring_mp_mc ]; then
		echo "  (unexpected handler in use: $n_ops / $r_ops)"; status=1
	fi
	[ "$n_nombuf" = 0 ] && [ "$r_nombuf" = 0 ] ||
		echo "  (rx_nombuf: nta $n_nombuf, ring_mp_mc $r_nombuf)"
	flowgen_note="${flowgen_note:-}  mbcache=$mbc: $n_cross % (nta), $r_cross % (ring_mp_mc)\n"
done
echo
printf 'flowgen: share of allocated mbufs freed on the other lcore (the rest found the\n'
printf 'Tx ring full and were freed where they were allocated):\n%b' "$flowgen_note"
echo
if [ -x "$here/l3fwd_demo.sh" ]; then
	bash "$here/l3fwd_demo.sh" || status=1
fi
echo "logs: $out"
exit $status
