#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# DPDK's l3fwd example on a chosen mempool handler, routing real IPv4/UDP
# packets between two net_tap ports, with packets injected and counted on
# the kernel side. Needs scripts/setup.sh sourced first (NTA_BUILD,
# nta_plugin, nta_mem_args).
#
#   nta_l3fwd_build [std|jumbo]      build (or reuse) l3fwd; prints its path
#   nta_l3fwd_start BIN OPS PREFIX LOG [l3fwd args...]
#   nta_l3fwd_kernel_setup MTU      bring the tap interfaces up
#   nta_l3fwd_traffic COUNT FRAME_LEN PPS   inject, count; prints key=value
#   nta_l3fwd_stop                  stop l3fwd, remove its runtime files
#   nta_l3fwd_pool_line LOG         the driver's "NTA: pool mbuf_pool_0:0" line
#   nta_kv KEY LINE                 one value out of a key=value line
#
# Layout: l3fwd is built from Debian's dpdk-doc sources
# (/usr/share/dpdk/examples/l3fwd with ../common beside it), copied under
# $NTA_BUILD/l3fwd-src/<variant>/ (never into the source tree) and built
# with the example's own Makefile (pkg-config libdpdk); the binary is kept
# and reused while dpdk-doc and libdpdk keep their versions.
#
# Port and lcore layout: l3fwd runs with -l 0-1; lcore 1 polls everything
# and the main lcore 0 has nothing to do. net_tap needs as many Rx as Tx
# queues and l3fwd makes one Tx queue per lcore, so each port gets two Rx
# queues, both polled by lcore 1:
#   --config="(0,0,1),(0,1,1),(1,0,1),(1,1,1)"
# The mbufs that net_tap preallocates for its Rx queues are taken on lcore
# 0 (port setup) and freed on lcore 1 after transmission.
#
# Routing: l3fwd's default LPM table (ipv4_l3fwd_route_array in main.c)
# maps 198.18.N.0/24 to port N, so packets to 198.18.1.x that enter port 0
# (kernel side: sent on ntap0) leave port 1 (received on ntap1), with the
# TTL decremented, the IPv4 checksum updated and the destination MAC set to
# l3fwd's default 02:00:00:00:00:01. Unrouted packets go back out of the
# port they came in on, so kernel chatter (IPv6 ND, MLD) is kept out by
# disabling IPv6 on both interfaces; counting on ntap1 only counts frames
# that carry the test payload.
#
# Kernel side: scripts/nta_traffic.py (Python standard library) writes the
# frames on ntap0 with AF_PACKET, counts them on ntap1 and reads DPDK's port
# counters over telemetry; its pure parts are tested by
# tests/test_nta_traffic.py.
#
# Jumbo frames: stock l3fwd allocates 2 KiB mbufs (RTE_MBUF_DEFAULT_BUF_SIZE)
# and does not ask for Rx scatter, and DPDK 22.11's net_tap reports a
# 1522-byte maximum frame: "--max-pkt-len 9000" (the 22.11 option name) is
# refused at configure ("Frame size (9000) > device max frame size (1522)"),
# an 8000-byte frame is dropped at Rx (ierrors) by the stock build, and
# net_tap's Tx drops frames longer than the port MTU (1500) as oerrors. The
# "jumbo" variant therefore changes only the mbuf size of the copied sources
# (data room 9216 bytes, one sed on main.c): 8000-byte frames then arrive in
# single 9 KiB mbufs of the chosen handler, are routed, and are counted as
# Tx errors by net_tap and freed; frames up to 1514 bytes are forwarded.
set -u

NTA_L3FWD_SRC=${NTA_L3FWD_SRC:-/usr/share/dpdk/examples}
NTA_L3FWD_DIR=${NTA_L3FWD_DIR:-$NTA_BUILD/l3fwd-src}
NTA_L3FWD_IF0=${NTA_L3FWD_IF0:-ntap0}
NTA_L3FWD_IF1=${NTA_L3FWD_IF1:-ntap1}
NTA_L3FWD_JUMBO_ROOM=9216
NTA_L3FWD_PID=""
NTA_L3FWD_PREFIX=""
# The kernel side (AF_PACKET sender and receiver, telemetry reader) lives
# beside this file; found from this file's own path, since the library is
# sourced from scripts/, tests/apps/ and elsewhere, whatever the caller's
# working directory.
NTA_L3FWD_TOOL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/nta_traffic.py

nta_l3log() { printf '[l3fwd] %s\n' "$*" >&2; }

nta_kv() { # KEY LINE
	local kv
	for kv in $2; do
		[ "${kv%%=*}" = "$1" ] && { echo "${kv#*=}"; return 0; }
	done
	echo ""
}

nta_l3fwd_sources() {
	[ -f "$NTA_L3FWD_SRC/l3fwd/main.c" ] && [ -d "$NTA_L3FWD_SRC/common" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		nta_l3log "no l3fwd sources in $NTA_L3FWD_SRC: install dpdk-doc (as root)"
		return 1
	fi
	nta_l3log "installing dpdk-doc for the l3fwd sources"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpdk-doc >/dev/null 2>&1 || {
		apt-get update -qq >/dev/null 2>&1
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpdk-doc >/dev/null 2>&1
	}
	if [ ! -f "$NTA_L3FWD_SRC/l3fwd/main.c" ] || [ ! -d "$NTA_L3FWD_SRC/common" ]; then
		nta_l3log "dpdk-doc did not provide $NTA_L3FWD_SRC/l3fwd"; return 1
	fi
}

# nta_l3fwd_build [std|jumbo] -> prints the path of the l3fwd binary
nta_l3fwd_build() {
	local variant=${1:-std} dir bin want
	case "$variant" in std|jumbo) ;; *) nta_l3log "unknown variant $variant"; return 1 ;; esac
	dir=$NTA_L3FWD_DIR/$variant
	bin=$dir/l3fwd/build/l3fwd-shared
	want="doc=$(dpkg-query -W -f='${Version}' dpdk-doc 2>/dev/null) libdpdk=$(pkg-config --modversion libdpdk 2>/dev/null) variant=$variant room=$NTA_L3FWD_JUMBO_ROOM"
	if [ -x "$bin" ] && [ "$(cat "$dir/.stamp" 2>/dev/null)" = "$want" ]; then
		echo "$bin"; return 0
	fi
	nta_l3fwd_sources || return 1
	pkg-config --exists libdpdk || { nta_l3log "pkg-config cannot find libdpdk"; return 1; }
	rm -rf "$dir"; mkdir -p "$dir"
	cp -r "$NTA_L3FWD_SRC/l3fwd" "$NTA_L3FWD_SRC/common" "$dir/" || return 1
	chmod -R u+w "$dir"
	if [ "$variant" = jumbo ]; then
		sed -i "s/RTE_MBUF_DEFAULT_BUF_SIZE, socketid)/(RTE_PKTMBUF_HEADROOM + $NTA_L3FWD_JUMBO_ROOM), socketid)/" \
			"$dir/l3fwd/main.c"
		grep -q "RTE_PKTMBUF_HEADROOM + $NTA_L3FWD_JUMBO_ROOM" "$dir/l3fwd/main.c" || {
			nta_l3log "cannot set the mbuf size in l3fwd/main.c"; return 1; }
	fi
	nta_l3log "building l3fwd ($variant) in $dir"
	make -C "$dir/l3fwd" -j"$(nproc)" shared >"$dir/build.log" 2>&1 || {
		tail -n 20 "$dir/build.log" >&2; nta_l3log "l3fwd build failed"; return 1; }
	[ -x "$bin" ] || { nta_l3log "no binary at $bin"; return 1; }
	echo "$want" >"$dir/.stamp"
	echo "$bin"
}

# nta_l3fwd_start BIN OPS PREFIX LOG [extra l3fwd application args...]
# Starts l3fwd in the background (NTA_L3FWD_PID) and waits until it
# forwards and both tap interfaces exist.
nta_l3fwd_start() {
	local bin=$1 ops=$2 pf=$3 log=$4 i
	shift 4
	for i in "$NTA_L3FWD_IF0" "$NTA_L3FWD_IF1"; do
		if [ -e "/sys/class/net/$i" ]; then
			nta_l3log "interface $i already exists (another l3fwd running?)"
			return 1
		fi
	done
	rm -rf "/var/run/dpdk/$pf"
	# l3fwd prints with printf: line-buffer stdout so the log is live
	local sb=""
	command -v stdbuf >/dev/null && sb="stdbuf -oL"
	# shellcheck disable=SC2046,SC2086
	$sb "$bin" -l 0-1 --no-pci --file-prefix="$pf" --log-level=lib.eal:error \
		--log-level=pmd.mempool.nta:debug -d "$(nta_plugin)" $(nta_mem_args) \
		--mbuf-pool-ops-name="$ops" \
		--vdev "net_tap0,iface=$NTA_L3FWD_IF0" --vdev "net_tap1,iface=$NTA_L3FWD_IF1" \
		-- -p 0x3 -P --lookup=lpm \
		--config="(0,0,1),(0,1,1),(1,0,1),(1,1,1)" "$@" </dev/null >"$log" 2>&1 &
	NTA_L3FWD_PID=$!
	NTA_L3FWD_PREFIX=$pf
	for i in $(seq 1 300); do
		if ! kill -0 "$NTA_L3FWD_PID" 2>/dev/null; then
			nta_l3log "l3fwd exited during start-up (log $log):"
			tail -n 8 "$log" >&2
			nta_l3fwd_stop
			return 1
		fi
		# "entering main loop" comes from RTE_LOG, never buffered
		if grep -qs "entering main loop" "$log" &&
			[ -e "/sys/class/net/$NTA_L3FWD_IF0" ] && [ -e "/sys/class/net/$NTA_L3FWD_IF1" ] &&
			[ -S "/var/run/dpdk/$pf/dpdk_telemetry.v2" ]; then
			return 0
		fi
		sleep 0.1
	done
	nta_l3log "l3fwd did not start within 30 s (log $log)"
	nta_l3fwd_stop
	return 1
}

# nta_l3fwd_kernel_setup MTU: interfaces up, IPv6 off (no chatter into
# l3fwd), a deep queue in front of l3fwd's Rx. No addresses, neighbours or
# routes are needed: frames are written and read with AF_PACKET.
nta_l3fwd_kernel_setup() {
	local mtu=${1:-1500} i
	for i in "$NTA_L3FWD_IF0" "$NTA_L3FWD_IF1"; do
		sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" 2>/dev/null
		ip link set dev "$i" mtu "$mtu" up || return 1
	done
	ip link set dev "$NTA_L3FWD_IF0" txqueuelen 10000
	sleep 1 # let whatever the kernel sent at link-up drain
}

nta_l3fwd_sys() { cat "/sys/class/net/$1/statistics/$2" 2>/dev/null || echo 0; }

# nta_l3fwd_traffic COUNT FRAME_LEN PPS (PPS 0: as fast as possible)
# Needs a running l3fwd (nta_l3fwd_start) and nta_l3fwd_kernel_setup.
# Prints one key=value line:
#   sent       frames the sender wrote to ntap0
#   tapdrop    frames the kernel dropped because l3fwd's Rx queue (the tun
#              queue) was full: lost before DPDK
#   into       frames l3fwd read from ntap0 (ntap0 tx_packets)
#   out        frames l3fwd wrote to ntap1 (ntap1 rx_packets)
#   matched    frames received on ntap1 carrying the test payload, of which
#              ttl_ok have TTL 63 and csum_ok a valid IPv4 header checksum
#   d_*        DPDK's own port counters (telemetry), deltas over the run
#   rx_pps     kernel-side receive rate on ntap1
nta_l3fwd_traffic() {
	local count=$1 flen=$2 pps=$3 tool=$NTA_L3FWD_TOOL work mac rp s0 s1 k res sres rres
	work=$NTA_L3FWD_DIR/run.$$
	rm -rf "$work"; mkdir -p "$work"
	# net_tap gives the kernel interface the DPDK port's MAC address
	mac=$(cat "/sys/class/net/$NTA_L3FWD_IF0/address")
	local sock=/var/run/dpdk/$NTA_L3FWD_PREFIX/dpdk_telemetry.v2
	local tx0 drop0 rx1
	tx0=$(nta_l3fwd_sys "$NTA_L3FWD_IF0" tx_packets)
	drop0=$(nta_l3fwd_sys "$NTA_L3FWD_IF0" tx_dropped)
	rx1=$(nta_l3fwd_sys "$NTA_L3FWD_IF1" rx_packets)
	s0=$(python3 "$tool" ethstats "$sock" 2>/dev/null)
	python3 "$tool" recv "$NTA_L3FWD_IF1" "$work/ready" "$work/progress" >"$work/recv" 2>&1 &
	rp=$!
	for _ in $(seq 1 100); do [ -f "$work/ready" ] && break; sleep 0.05; done
	sres=$(python3 "$tool" send "$NTA_L3FWD_IF0" "$mac" "$count" "$flen" "$pps")
	local sent dropped prev=-1 stable=0 p
	sent=$(nta_kv sent "$sres")
	# settle: wait until everything that entered l3fwd came out, or 10 s
	for _ in $(seq 1 100); do
		dropped=$(( $(nta_l3fwd_sys "$NTA_L3FWD_IF0" tx_dropped) - drop0 ))
		p=$(cat "$work/progress" 2>/dev/null || echo 0)
		if [ "$p" = "$prev" ]; then stable=$((stable + 1)); else stable=0; fi
		prev=$p
		[ "$p" -ge $(( ${sent:-0} - dropped )) ] && [ $stable -ge 2 ] && break
		[ $stable -ge 20 ] && break # nothing moved for 2 s
		sleep 0.1
	done
	s1=$(python3 "$tool" ethstats "$sock" 2>/dev/null)
	kill -TERM "$rp" 2>/dev/null
	wait "$rp" 2>/dev/null
	rres=$(cat "$work/recv")
	res="$sres $rres"
	res="$res tapdrop=$(( $(nta_l3fwd_sys "$NTA_L3FWD_IF0" tx_dropped) - drop0 ))"
	res="$res into=$(( $(nta_l3fwd_sys "$NTA_L3FWD_IF0" tx_packets) - tx0 ))"
	res="$res out=$(( $(nta_l3fwd_sys "$NTA_L3FWD_IF1" rx_packets) - rx1 ))"
	for k in ipackets0 ierrors0 rx_nombuf0 opackets1 oerrors1 rx_nombuf1 opackets0 ipackets1; do
		res="$res d_$k=$(( $(nta_kv "$k" "$s1") - $(nta_kv "$k" "$s0") ))"
	done
	rm -rf "$work"
	echo "$res"
}

# nta_l3fwd_stop: SIGINT (l3fwd closes its ports and exits), SIGKILL after
# 10 s; then the runtime directory and hugepage files of the prefix go.
nta_l3fwd_stop() {
	local pid=$NTA_L3FWD_PID pf=$NTA_L3FWD_PREFIX i
	if [ -n "$pid" ]; then
		kill -INT "$pid" 2>/dev/null
		for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -0 "$pid" 2>/dev/null && { nta_l3log "l3fwd ignored SIGINT, killing it"; kill -KILL "$pid" 2>/dev/null; }
		wait "$pid" 2>/dev/null
	fi
	if [ -n "$pf" ]; then
		rm -rf "/var/run/dpdk/$pf" /dev/hugepages/"$pf"map_* 2>/dev/null
	fi
	for i in $(seq 1 30); do
		[ -e "/sys/class/net/$NTA_L3FWD_IF0" ] || [ -e "/sys/class/net/$NTA_L3FWD_IF1" ] || break
		sleep 0.1
	done
	NTA_L3FWD_PID=""
	NTA_L3FWD_PREFIX=""
}

# The driver logs this line (DEBUG level) when l3fwd's mbuf pool is
# created on nta: proof that the pool ops really are nta.
nta_l3fwd_pool_line() { grep -os -m 1 "NTA: pool mbuf_pool_0:0.*" "$1"; }
