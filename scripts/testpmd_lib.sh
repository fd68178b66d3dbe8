#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Run stock dpdk-testpmd on a chosen mempool handler and read its rate.
# Needs scripts/setup.sh sourced first (nta_plugin, nta_mem_args).
set -u

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
	nta_testpmd_rate "$log"
}

# nta_testpmd_rate LOG [MAX]
#   prints "<Mpps> <rx_nombuf> <ops selected>" from a testpmd log: the
#   mean of the per-second Tx-pps samples, summed over the ports; with
#   MAX, of the whole periods among the first MAX Tx-pps lines only
nta_testpmd_rate() {
	local log=$1 max=${2:-0}
	awk -v max="$max" '
		/preferred mempool ops selected:/ { sel = $NF }
		/NIC statistics for port/ { np = ($6 + 1 > np) ? $6 + 1 : np }
		/Tx-pps:/ { v[n++] = $2 }
		/RX-nombuf:/ { if ($2 > nb) nb = $2 }
		END {
			if (np == 0) np = 2
			# whole periods (a line per port) among the first max
			if (max > 0 && max < n) n = max - max % np
			# skip the first two samples (partial seconds) if there
			# are more; else keep the last one
			skip = n > 3 * np ? 2 * np : (n > np ? n - np : 0)
			s = 0; k = 0
			for (i = skip; i < n; i++) { s += v[i]; k++ }
			printf "%.2f %d %s\n", (k ? s / k * np : 0) / 1e6, nb, sel == "" ? "?" : sel
		}' "$log"
}

# nta_testpmd_flowgen OPS MBCACHE SECONDS LOG
#   flowgen across two forwarding lcores on two net_ring ports. A net_ring
#   port hands what is sent on it to its own receive queue, and testpmd
#   gives lcore 1 the stream "Rx port 0 -> Tx port 1" and lcore 2 "Rx port
#   1 -> Tx port 0": lcore 1 allocates the mbufs it sends on port 1 and
#   lcore 2, which polls port 1, frees them (flowgen frees what it
#   receives), and the other way round. Only mbufs that find the Tx ring
#   full are freed where they were allocated; "retry" (1 us waits, up to
#   64 times, before giving up a burst) keeps those few. Lcore 1 shares a
#   core with the main lcore, which sleeps while forwarding runs.
#   For nta, the pool's telemetry is read while it runs, at the end
#   (LOG.tel); the rate counts the seconds before that read only.
#   prints "<Mpps> <rx_nombuf> <ops> <fwd map> <cross %> <rx port 0> <rx port 1>"
#     fwd map: "<lcore>:<rx port>><tx port>,..." from testpmd's own lines;
#     cross %: mbufs freed by the receiving lcore, of all allocated
nta_testpmd_flowgen() {
	local ops=$1 mbcache=$2 secs=$3 log=$4 pf cmds pid started=0 nsamples=0
	pf="nta_fg_$$_${ops}_${mbcache}"
	cmds=$(mktemp)
	echo "set fwd flowgen retry" >"$cmds"
	rm -f "$log.tel"
	# SECONDS count from the first statistics (forwarding runs), not from
	# start-up, which takes seconds on a loaded machine or without
	# hugepages; timeout is the backstop
	# shellcheck disable=SC2046
	timeout -s INT $((secs + 90)) dpdk-testpmd --lcores "0@0,1@0,2@1" --no-pci \
		--file-prefix="$pf" --log-level=lib.eal:error \
		-d "$(nta_plugin)" $(nta_mem_args) --vdev net_ring0 --vdev net_ring1 \
		--mbuf-pool-ops-name="$ops" -- --forward-mode=flowgen \
		--cmdline-file="$cmds" --mbcache="$mbcache" --nb-cores=2 \
		--stats-period=1 --total-num-mbufs=65536 </dev/null >"$log" 2>&1 &
	pid=$!
	for _ in $(seq 600); do
		grep -q "Port statistics" "$log" 2>/dev/null && { started=1; break; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ "$started" = 1 ]; then
		sleep "$secs"
		# the samples so far make the rate: the read below starts
		# Python, which takes one of the machine's two cores from the
		# forwarding lcores for part of a second (nta 3 % slower when
		# it ran halfway, doc/benchmarks.rst)
		nsamples=$(grep -c "Tx-pps:" "$log")
		# then ask the pool (nta only) for its per-lcore counters,
		# still forwarding
		[ "$ops" != nta ] || echo "/mempool_nta/stats,mb_pool_0" |
			timeout 10 dpdk-telemetry.py -f "$pf" >"$log.tel" 2>&1
	fi
	# timeout passes the INT on to testpmd, which stops and prints totals
	kill -INT "$pid" 2>/dev/null
	wait "$pid"
	rm -rf "/var/run/dpdk/$pf" "$cmds"
	rm -f /dev/hugepages/"$pf"map_* 2>/dev/null
	printf '%s %s\n' "$(nta_testpmd_rate "$log" "$nsamples")" "$(awk '
		/^Logical Core [0-9]+ / { lc = $3 }
		/RX P=[0-9]+\/Q=[0-9]+ .*-> TX P=/ {
			split($0, a, "RX P="); split(a[2], r, "/")
			split($0, b, "TX P="); split(b[2], t, "/")
			map = map (map == "" ? "" : ",") lc ":" r[1] ">" t[1]
		}
		/Forward statistics for port/ { port = $6 }
		/RX-packets:.*RX-total:/ { if (port != "") rx[port] = $2 }
		/Accumulated forward statistics/ { acc = 1; port = "" }
		acc && /TX-packets:.*TX-dropped:/ { sent = $2; dropped = $4 }
		END {
			printf "%s %.1f %d %d", (map == "" ? "-" : map),
			       (sent + dropped > 0 ? 100 * sent / (sent + dropped) : 0),
			       rx[0], rx[1]
		}' "$log")"
}
