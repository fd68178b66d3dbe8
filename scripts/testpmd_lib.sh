#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Run stock dpdk-testpmd on a chosen mempool handler and read its rate.
# Needs scripts/setup.sh sourced first (nta_plugin, nta_mem_args).

# nta_testpmd OPS MBCACHE SECONDS LOG [VDEV_KIND] [FWD_MODE] [NB_FWD] [EXTRA...]
#   prints: "<Mpps> <rx_nombuf> <ops selected>"
nta_testpmd() {
	local ops=$1 mbcache=$2 secs=$3 log=$4 kind=${5:-null} fwd=${6:-io} nbf=${7:-1}
	shift 7 2>/dev/null || shift $#
	local lcores="0-1" vdevs="--vdev net_${kind}0 --vdev net_${kind}1" txfirst=""
	[ "$nbf" -gt 1 ] && lcores="0@0,1@1,2@1"
	[ "$kind" = ring ] && txfirst="--tx-first"
	# without hugepages start-up takes seconds more: keep the same
	# measuring time
	[ "${NTA_HUGE:-1}" = 1 ] || secs=$((secs + 5))
	# shellcheck disable=SC2046,SC2086
	timeout -s INT "$secs" dpdk-testpmd --lcores "$lcores" --no-pci \
		--file-prefix="nta_tp_$$_${ops}_${mbcache}" --log-level=lib.eal:error \
		-d "$(nta_plugin)" $(nta_mem_args) $vdevs --mbuf-pool-ops-name="$ops" -- \
		--forward-mode="$fwd" --mbcache="$mbcache" --nb-cores="$nbf" \
		--stats-period=1 --total-num-mbufs=65536 $txfirst "$@" </dev/null >"$log" 2>&1
	rm -rf "/var/run/dpdk/nta_tp_$$_${ops}_${mbcache}"
	awk '
		/preferred mempool ops selected:/ { sel = $NF }
		/NIC statistics for port/ { np = ($5 + 1 > np) ? $5 + 1 : np }
		/Tx-pps:/ { v[n++] = $2 }
		/RX-nombuf:/ { if ($2 > nb) nb = $2 }
		END {
			if (np == 0) np = 2
			# skip the first two samples (partial seconds) if there
			# are more; else keep the last one
			skip = n > 3 * np ? 2 * np : (n > np ? n - np : 0)
			s = 0; k = 0
			for (i = skip; i < n; i++) { s += v[i]; k++ }
			printf "%.2f %d %s\n", (k ? s / k * np : 0) / 1e6, nb, sel == "" ? "?" : sel
		}' "$log"
}
