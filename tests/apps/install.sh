#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The install step puts the plugin where EAL finds it by itself: stock
# dpdk-testpmd then runs on nta with no -d; uninstall removes it again.
# Whatever was installed before the test is put back afterwards.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
. "$here/scripts/setup.sh"
. "$here/scripts/testpmd_lib.sh"
nta_setup_all >/dev/null || exit 1

logs=${NTA_TEST_LOGS:-$NTA_BUILD/test-logs}/install
mkdir -p "$logs"
# where meson installs the plugin: the DPDK's own plugin folder, or plugin_dir
target=$(meson introspect --installed "$NTA_BUILD" | python3 -c \
	'import json,sys; print([v for v in json.load(sys.stdin).values() if v.endswith("/librte_mempool_nta.so")][0])')
[ -n "$target" ] || { echo "FAIL: meson introspect names no installed plugin"; exit 1; }
backup=""
if [ -e "$target" ]; then backup=$(mktemp); cp -a "$target" "$backup"; fi
restore() {
	if [ -n "$backup" ]; then cp -a "$backup" "$target"; rm -f "$backup"; else rm -f "$target"; fi
}
trap restore EXIT

fails=0
run_stock() { # LOG -> prints "<Mpps> <nombuf> <ops>" of testpmd WITHOUT -d
	timeout -s INT "$([ "$NTA_HUGE" = 1 ] && echo 4 || echo 9)" dpdk-testpmd -l 0-1 --no-pci --file-prefix="nta_inst_$$" \
		--log-level=lib.eal:error $(nta_mem_args) --vdev net_null0 --vdev net_null1 \
		--mbuf-pool-ops-name=nta -- --stats-period=1 --total-num-mbufs=32768 \
		</dev/null >"$1" 2>&1
	rm -rf "/var/run/dpdk/nta_inst_$$"
}

bash "$here/scripts/install.sh" >"$logs/install.log" 2>&1 || { echo "FAIL install"; exit 1; }
[ -f "$target" ] || { echo "FAIL: $target not installed"; exit 1; }
run_stock "$logs/stock.log"
if grep -q "preferred mempool ops selected: nta" "$logs/stock.log" &&
   grep -q "Tx-pps: *[1-9]" "$logs/stock.log"; then
	echo "ok   stock testpmd without -d forwards on nta ($target)"
else
	echo "FAIL stock testpmd without -d"; tail -n 5 "$logs/stock.log"; fails=$((fails + 1))
fi

bash "$here/scripts/install.sh" --uninstall >"$logs/uninstall.log" 2>&1
if [ -e "$target" ]; then
	echo "FAIL uninstall left $target"; fails=$((fails + 1))
else
	run_stock "$logs/after.log"
	if grep -q "Creation of mbuf pool for socket 0 failed" "$logs/after.log"; then
		echo "ok   uninstalled: testpmd refuses nta with a clear error"
	else
		echo "FAIL after uninstall"; tail -n 5 "$logs/after.log"; fails=$((fails + 1))
	fi
fi

# a missing plugin file given with -d: EAL says so and exits, no crash
timeout 20 dpdk-testpmd -l 0-1 --no-pci --file-prefix="nta_inst_$$" $(nta_mem_args) \
	-d /nonexistent/librte_mempool_nta.so -- --stats-period=1 </dev/null >"$logs/missing.log" 2>&1
rc=$?
rm -rf "/var/run/dpdk/nta_inst_$$"
if [ $rc -lt 128 ] && [ $rc -ne 0 ] && grep -qi "nonexistent" "$logs/missing.log"; then
	echo "ok   missing plugin: clear EAL error (rc $rc)"
else
	echo "FAIL missing plugin: rc $rc"; fails=$((fails + 1))
fi
exit $((fails != 0))
