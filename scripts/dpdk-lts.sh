#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Build a minimal shared DPDK of one LTS release from its release tarball,
# for building and testing nta against it, and print the PKG_CONFIG_PATH
# that selects it:
#
#   scripts/dpdk-lts.sh 24.11        # or 24.11.6; builds once, then reuses
#   PKG_CONFIG_PATH=$(scripts/dpdk-lts.sh 24.11) meson setup build-24.11
#   scripts/dpdk-lts.sh --list       # the versions the tarballs give
#   scripts/dpdk-lts.sh --prefix 24.11   # print the install prefix instead
#
# Tarballs (dpdk-VERSION.tar.xz) are looked for in $NTA_DPDK_TARBALLS, else
# in ../shared/dpdk beside the checkout (or beside the main checkout of a git
# worktree). Nothing is downloaded.
# The build is installed under $NTA_DPDK_CACHE/VERSION; the default cache is
# /var/cache/dpdk-nta for root, ${XDG_CACHE_HOME:-~/.cache}/dpdk-nta else.
# No parent of it may be world-writable: EAL refuses -d plugins (and its own
# driver directory) below such a folder.
#
# The build holds what nta, nta-tests, dpdk-test's mempool and mbuf suites and
# dpdk-testpmd with net_null / net_ring need: the mandatory libraries, the
# vdev and pci buses, the ring and stack mempool drivers, net_null, net_ring,
# and the apps test and test-pmd. Progress goes to stderr, the log of the
# DPDK build to $NTA_DPDK_CACHE/VERSION.log.
set -euo pipefail

NTA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[dpdk-lts] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

usage() {
	echo "usage: $0 [--prefix] VERSION | --list" >&2
	exit 2
}

# Where the release tarballs are: prints the folder, or nothing.
tarball_dir() {
	local d common
	if [ -n "${NTA_DPDK_TARBALLS:-}" ]; then
		[ -d "$NTA_DPDK_TARBALLS" ] && echo "$NTA_DPDK_TARBALLS"
		return 0
	fi
	d="$NTA_ROOT/../shared/dpdk"
	if [ -d "$d" ]; then (cd "$d" && pwd); return 0; fi
	# a git worktree: ../shared/dpdk beside the main checkout
	common=$(git -C "$NTA_ROOT" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)
	if [ -n "$common" ] && [ -d "$common/../../shared/dpdk" ]; then
		(cd "$common/../../shared/dpdk" && pwd)
	fi
}

cache_dir() {
	if [ -n "${NTA_DPDK_CACHE:-}" ]; then
		echo "$NTA_DPDK_CACHE"
	elif [ "$(id -u)" = 0 ]; then
		echo /var/cache/dpdk-nta
	else
		echo "${XDG_CACHE_HOME:-$HOME/.cache}/dpdk-nta"
	fi
}

# The full versions the tarballs give, oldest first.
list_versions() {
	local d f
	d=$(tarball_dir)
	[ -n "$d" ] || return 0
	for f in "$d"/dpdk-*.tar.xz; do
		[ -e "$f" ] || continue
		f=${f##*/dpdk-}; echo "${f%.tar.xz}"
	done | sort -V
}

# VERSION (22.11, 24.11.6) -> the full version of the newest matching
# tarball, or of an existing build when there is no tarball.
resolve_version() {
	local want=$1 v best="" cache
	for v in $(list_versions); do
		[ "$v" = "$want" ] || [[ "$v" == "$want".* ]] && best=$v
	done
	if [ -z "$best" ]; then
		cache=$(cache_dir)
		for v in "$cache"/*/.nta-dpdk-stamp; do
			[ -e "$v" ] || continue
			v=${v%/.nta-dpdk-stamp}; v=${v##*/}
			{ [ "$v" = "$want" ] || [[ "$v" == "$want".* ]]; } && best=$v
		done
	fi
	echo "$best"
}

# EAL refuses a plugin when a folder above it is writable by everyone.
check_parents() {
	local p=$1
	while [ -n "$p" ] && [ "$p" != / ]; do
		if [ -d "$p" ] && [ -n "$(find "$p" -maxdepth 0 -perm -0002 2>/dev/null)" ]; then
			die "$p is world-writable: EAL would refuse plugins below it; set NTA_DPDK_CACHE elsewhere"
		fi
		p=$(dirname "$p")
	done
}

# Meson options of the minimal build (the same for every LTS: each of
# 23.11, 24.11 and 25.11 has enable_libs, enable_apps and enable_drivers).
dpdk_options() {
	echo "-Ddefault_library=shared --buildtype=release --libdir=lib" \
		"-Dplatform=generic -Dtests=true -Denable_docs=false -Dexamples=" \
		"-Denable_apps=test,test-pmd" \
		"-Denable_libs=mempool" \
		"-Denable_drivers=bus/pci,bus/vdev,mempool/ring,mempool/stack,net/null,net/ring"
}

print_prefix=0
case "${1:-}" in
--list) list_versions; exit 0 ;;
--prefix) print_prefix=1; shift ;;
-h|--help|"") usage ;;
esac
[ $# = 1 ] || usage

version=$(resolve_version "$1")
[ -n "$version" ] || die "no DPDK $1: no tarball dpdk-$1*.tar.xz in ${NTA_DPDK_TARBALLS:-../shared/dpdk} and no earlier build in $(cache_dir)"
cache=$(cache_dir)
prefix=$cache/$version
stamp=$prefix/.nta-dpdk-stamp
opts=$(dpdk_options)

emit() {
	if [ "$print_prefix" = 1 ]; then echo "$prefix"; else echo "$prefix/lib/pkgconfig"; fi
}

if [ -f "$stamp" ] && [ "$(sed -n 2p "$stamp")" = "$opts" ]; then
	emit; exit 0
fi

src_dir=$(tarball_dir)
tarball=${src_dir:+$src_dir/dpdk-$version.tar.xz}
[ -n "$tarball" ] && [ -f "$tarball" ] || die "no tarball for DPDK $version"

umask 022
mkdir -p "$cache"
check_parents "$cache"
exec 9>"$cache/.lock-$version"
flock 9
# another run may have built it while this one waited for the lock
if [ -f "$stamp" ] && [ "$(sed -n 2p "$stamp")" = "$opts" ]; then
	emit; exit 0
fi

if [ -f "$src_dir/SHA256SUMS" ] && grep -q "dpdk-$version.tar.xz" "$src_dir/SHA256SUMS"; then
	(cd "$src_dir" && grep " dpdk-$version.tar.xz\$" SHA256SUMS | sha256sum -c --quiet -) ||
		die "checksum of $tarball does not match SHA256SUMS"
fi

# DPDK's build runs Python scripts that need pyelftools: meson runs them with
# the Python it runs under (Debian's /usr/bin/python3 for Debian's meson).
for p in meson ninja; do
	command -v $p >/dev/null || die "$p is missing (apt-get install meson ninja-build)"
done
[ -e /usr/include/numa.h ] || log "warning: libnuma-dev is missing; DPDK builds without NUMA support"

work=$cache/.build-$version
buildlog=$cache/$version.log
rm -rf "$work" "$prefix"
mkdir -p "$work"
# DPDK 25.11 insists on the first python3 on PATH having elftools; a Python
# of one's own (pyenv, venv) often lacks it while Debian's has it
if ! python3 -c 'import elftools' 2>/dev/null; then
	if /usr/bin/python3 -c 'import elftools' 2>/dev/null; then
		mkdir -p "$work/bin"; ln -s /usr/bin/python3 "$work/bin/python3"
		PATH=$work/bin:$PATH
	else
		die "python3 lacks the elftools module (apt-get install python3-pyelftools)"
	fi
fi
t0=$(date +%s)
log "building DPDK $version into $prefix (log: $buildlog)"
{
	tar -C "$work" -xf "$tarball"
	srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'dpdk*' | head -n1)
	# shellcheck disable=SC2086
	meson setup "$work/build" "$srcdir" --prefix="$prefix" $opts
	nice -n 10 ninja -C "$work/build" ${NTA_DPDK_JOBS:+-j "$NTA_DPDK_JOBS"}
	meson install -C "$work/build" --no-rebuild --quiet
} >"$buildlog" 2>&1 || { tail -n 30 "$buildlog" >&2; die "DPDK $version build failed (log: $buildlog)"; }
rm -rf "$work"
[ -f "$prefix/lib/pkgconfig/libdpdk.pc" ] || die "no libdpdk.pc in $prefix/lib/pkgconfig"
printf '%s\n%s\n%s\n' "$version" "$opts" "built $(date -u +%FT%TZ) in $(( $(date +%s) - t0 )) s" >"$stamp"
log "DPDK $version built in $(( $(date +%s) - t0 )) s"
emit
