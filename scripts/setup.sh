#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Prepare a Debian 12 machine (as root) for dpdk-nta: packages, hugepages,
# build. Sourced by the demo and test commands; exports
#   NTA_HUGE=1 when 2 MiB hugepages are mounted and free, else 0
#   NTA_BUILD  the build directory
set -u

NTA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NTA_BUILD=${NTA_BUILD:-$NTA_ROOT/build}
export NTA_ROOT NTA_BUILD

nta_log() { printf '[setup] %s\n' "$*" >&2; }

nta_packages() {
	# python3-pyelftools, libnuma-dev, xz-utils: building DPDK LTS releases
	# from their tarballs (scripts/dpdk-lts.sh)
	local pkgs="dpdk dpdk-dev libdpdk-dev dpdk-doc meson ninja-build pkg-config gcc clang libclang-rt-14-dev gnuplot-nox python3 iproute2 libbsd-dev python3-pyelftools libnuma-dev xz-utils"
	local missing=""
	for p in $pkgs; do
		dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		nta_log "missing packages:$missing (run as root to install them)"
		return 1
	fi
	nta_log "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1 || true
	# shellcheck disable=SC2086
	apt-get install -y -qq $missing >/dev/null 2>&1 || {
		nta_log "apt-get install failed"; return 1; }
}

nta_hugepages() {
	local want=${NTA_HUGEPAGES:-1024} free
	NTA_HUGE=0
	if [ "$(id -u)" = 0 ]; then
		local have
		have=$(cat /proc/sys/vm/nr_hugepages 2>/dev/null || echo 0)
		if [ "$have" -lt "$want" ]; then
			echo "$want" > /proc/sys/vm/nr_hugepages 2>/dev/null || true
		fi
		mkdir -p /dev/hugepages
		mountpoint -q /dev/hugepages ||
			mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
	fi
	free=$(awk '/HugePages_Free/ {print $2}' /proc/meminfo)
	# NTA_FORCE_NOHUGE=1 tries the fallback on a machine that has hugepages
	if [ "${NTA_FORCE_NOHUGE:-0}" != 1 ] && [ "${free:-0}" -ge 256 ] &&
	   grep -q hugetlbfs /proc/mounts; then
		NTA_HUGE=1
	else
		nta_log "no usable hugepages: falling back to --no-huge"
	fi
	export NTA_HUGE
}

nta_build() {
	if [ ! -f "$NTA_BUILD/build.ninja" ]; then
		meson setup "$NTA_BUILD" "$NTA_ROOT" >/dev/null || return 1
	fi
	ninja -C "$NTA_BUILD" >/dev/null || ninja -C "$NTA_BUILD"
}

nta_plugin() { echo "$NTA_BUILD/drivers/mempool/nta/librte_mempool_nta.so"; }

# EAL memory arguments for this machine
nta_mem_args() {
	if [ "${NTA_HUGE:-0}" = 1 ]; then echo ""; else echo "--no-huge -m 1024"; fi
}

nta_setup_all() {
	nta_packages || return 1
	nta_hugepages
	nta_build
}
