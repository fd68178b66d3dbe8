#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Stock dpdk-testpmd forwarding on nta pools: io and mac modes, net_null and
# net_ring ports, with and without the mbuf cache, one and two forwarding
# lcores. Each run must forward packets, count no rx_nombuf (the pool is
# large enough) and report nta as the pool's ops.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/setup.sh"
. "$here/scripts/testpmd_lib.sh"
nta_setup_all >/dev/null || exit 1

logs=${NTA_TEST_LOGS:-$NTA_BUILD/test-logs}/testpmd
mkdir -p "$logs"
fails=0
check() { # KIND MODE MBCACHE NB_FWD
	local res mpps nombuf ops log="$logs/$1_$2_$3_$4.log"
	res=$(nta_testpmd nta "$3" 4 "$log" "$1" "$2" "$4")
	read -r mpps nombuf ops <<<"$res"
	if awk -v m="$mpps" 'BEGIN { exit !(m > 0.1) }' && [ "$nombuf" = 0 ] && [ "$ops" = nta ]; then
		echo "ok   $1 $2 mbcache=$3 fwd_lcores=$4: $mpps Mpps, rx_nombuf=$nombuf, ops=$ops"
	else
		echo "FAIL $1 $2 mbcache=$3 fwd_lcores=$4: $mpps Mpps, rx_nombuf=$nombuf, ops=$ops (log $log)"
		tail -n 5 "$log"
		fails=$((fails + 1))
	fi
}
for mbc in 250 0; do
	for mode in io mac; do
		for nf in 1 2; do
			check null "$mode" "$mbc" "$nf"
		done
	done
	check ring io "$mbc" 1
done
# a pool ops name nobody registered: a clear error from testpmd, no crash
log="$logs/bad_ops.log"
timeout 20 dpdk-testpmd -l 0-1 --no-pci --file-prefix="nta_tp_bad_$$" $(nta_mem_args) \
	--vdev net_null0 --mbuf-pool-ops-name=nta_missing -- --stats-period=1 </dev/null >"$log" 2>&1
rc=$?
rm -rf "/var/run/dpdk/nta_tp_bad_$$"
if [ $rc -ge 128 ] || ! grep -q "Creation of mbuf pool" "$log"; then
	echo "FAIL unknown ops name: rc $rc"; fails=$((fails + 1))
else
	echo "ok   unknown ops name refused cleanly (rc $rc)"
fi
exit $((fails != 0))
