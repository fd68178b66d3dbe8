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

# 0 when neither PATH nor any folder above it is writable by all. EAL
# refuses a -d plugin otherwise ("directory path /tmp is world-writable and
# insecure"), checking each folder of the path as written, links followed.
nta_path_private() {
	local p=$1 mode
	while :; do
		mode=$(stat -L -c %a "$p" 2>/dev/null) || return 1
		[ $(( 8#$mode & 2 )) = 0 ] || return 1
		[ "$p" = / ] && return 0
		p=$(dirname "$p")
	done
}

# Where a plugin copy may live when the build itself sits under a folder
# writable by all (a clone in /tmp): a folder of the user's own.
nta_plugin_store() {
	if [ -n "${NTA_PLUGIN_STORE:-}" ]; then
		echo "$NTA_PLUGIN_STORE"
	elif [ "$(id -u)" = 0 ]; then
		echo /var/lib/dpdk-nta/plugins
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/dpdk-nta/plugins"
	fi
}

# The plugin to give EAL with -d: the build's own file when its path
# passes EAL's check, else a copy in nta_plugin_store, in a folder named
# after its content (runs from several clones never overwrite each other's;
# copies unused for a week are removed). Prints the path; on failure one
# line on stderr says what to do, and it returns 1.
nta_plugin() {
	local built="$NTA_BUILD/drivers/mempool/nta/librte_mempool_nta.so"
	local store dir sum tmp
	if [ ! -f "$built" ]; then
		nta_log "plugin not built: $built (run: ninja -C $NTA_BUILD)"
		return 1
	fi
	if nta_path_private "$built"; then
		echo "$built"
		return 0
	fi
	store=$(nta_plugin_store)
	sum=$(sha256sum "$built" | cut -c1-16)
	dir="$store/$sum"
	if ! cmp -s "$built" "$dir/librte_mempool_nta.so"; then
		find "$store" -mindepth 1 -maxdepth 1 -type d -mtime +7 \
			-exec rm -rf {} + 2>/dev/null
		(umask 022 && mkdir -p "$dir" &&
		 tmp=$(mktemp "$dir/.copy.XXXXXX") && cp "$built" "$tmp" &&
		 chmod 644 "$tmp" && mv -f "$tmp" "$dir/librte_mempool_nta.so") ||
			{ rm -f "$dir"/.copy.* 2>/dev/null; }
	fi
	touch "$dir" 2>/dev/null
	if ! cmp -s "$built" "$dir/librte_mempool_nta.so" ||
	   ! nta_path_private "$dir/librte_mempool_nta.so"; then
		nta_log "EAL refuses plugins under a folder writable by all ($built), and no private copy could be made in $store: clone the project elsewhere, or set NTA_PLUGIN_STORE to a folder that only you can write"
		return 1
	fi
	echo "$dir/librte_mempool_nta.so"
}

# EAL memory arguments for this machine
nta_mem_args() {
	if [ "${NTA_HUGE:-0}" = 1 ]; then echo ""; else echo "--no-huge -m 1024"; fi
}

nta_setup_all() {
	nta_packages || return 1
	nta_hugepages
	nta_build || return 1
	# a clone under /tmp: the private plugin copy is made here, once
	nta_plugin >/dev/null
}
