#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The plugin in a process that loads DPDK with dlopen() (language bindings,
# plugin hosts): tests/nta-dlopen opens librte_eal and librte_mempool, then
# the plugin, starts EAL (--no-pci --no-huge) and uses an nta pool. A
# plugin built with the initial-exec TLS model fails here with "cannot
# allocate memory in static TLS block".
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/setup.sh
. "$here/scripts/setup.sh"
nta_setup_all >/dev/null || exit 1

bin=$NTA_BUILD/tests/nta-dlopen
plugin=$(nta_plugin) || exit 1
pf="nta_dlopen_$$"
echo "plugin: $plugin"
readelf -d "$plugin" 2>/dev/null | grep -q STATIC_TLS &&
	echo "note: the plugin is marked STATIC_TLS (initial-exec TLS model)"
timeout 60 "$bin" "$plugin" "$pf"
rc=$?
rm -rf "/var/run/dpdk/$pf"

# TLS descriptors (-mtls-dialect=gnu2): glibc before 2.40 does not keep
# vector registers across the descriptor's slow path (BZ #31372), so no
# function that reads the lcore id may hold a value in one. Checked here
# for every function of the plugin with a descriptor call.
if command -v objdump >/dev/null 2>&1; then
	bad=$(objdump -d --no-show-raw-insn "$plugin" | awk '
		/^[0-9a-f]+ <.*>:$/ { fn = $2 }
		/%[xyz]mm[0-9]/ { vec[fn]++ }
		/call +\*\(%rax\)/ { desc[fn]++ }
		END { for (f in desc) if (vec[f]) print f }')
	n=$(objdump -d --no-show-raw-insn "$plugin" | grep -cE 'call +\*\(%rax\)')
	if [ -n "$bad" ]; then
		echo "FAIL: vector registers in functions that read TLS through a descriptor: $bad"
		rc=1
	else
		echo "ok   $n TLS descriptor call(s), no vector register in their functions"
	fi
fi
exit $rc
