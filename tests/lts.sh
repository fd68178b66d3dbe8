#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The DPDK LTS stages of tests/run.sh (sourced by it; uses its record, want,
# prefix, cleanup_prefix, cases and LOGDIR). For each DPDK release whose
# tarball scripts/dpdk-lts.sh finds (23.11, 24.11, 25.11 in ../shared/dpdk):
#   lts-V/dpdk-build       that DPDK, built once into a cache and reused
#   lts-V/nta-build        nta, its tests and nta-bench built against it
#                          (-Werror), in $NTA_BUILD/lts/<version>
#   lts-V/install-dir      meson install puts the plugin into that DPDK's
#                          plugin folder (pmds-<its ABI>)
#   lts-V/nohuge/CASE      every nta-tests case, --no-huge
#   lts-V/nohuge/dpdk-test:mempool_autotest, mbuf_autotest
#                          that DPDK's dpdk-test on nta (-d plugin)
#   lts-V/telemetry        tests/apps/telemetry.sh with that DPDK
#   lts-V/testpmd:null-io, ring-io
#                          that DPDK's dpdk-testpmd forwarding on nta
# Stage names start with "lts-", so `tests/run.sh -k lts` runs only these and
# `-k lts-24.11` one release. They run when -k is not given or its pattern
# says "lts" (`-k stress` stays a quick run of the system stages).
# The two build stages run (and count) whenever any stage of their release is
# selected. NTA_LTS=0 skips them all, NTA_LTS_VERSIONS="24.11 25.11" picks
# releases.

# shellcheck disable=SC2154 # pattern, cases, LOGDIR: set by tests/run.sh
true
set -u

lts_short() { echo "$1" | cut -d. -f1-2; }

lts_any() { [ -z "$pattern" ] || [[ "$pattern" == *lts* ]]; }
lts_want() { lts_any && want "$1"; }

# lts_wanted SHORT: does the -k pattern select any stage of this release?
lts_wanted() {
	local s=$1 tc
	for tc in dpdk-build nta-build install-dir telemetry testpmd:null-io testpmd:ring-io \
		nohuge/dpdk-test:mempool_autotest nohuge/dpdk-test:mbuf_autotest; do
		lts_want "lts-$s/$tc" && return 0
	done
	for tc in $cases; do
		lts_want "lts-$s/nohuge/$tc" && return 0
	done
	return 1
}

# lts_release VERSION: every stage of one release
lts_release() {
	local v=$1 s pc dp bdir plugin log rc t0 tc t name res mpps nombuf ops
	local times=""
	s=$(lts_short "$v")
	local logs=$LOGDIR/lts-$s
	mkdir -p "$logs"

	# DPDK itself (reused when already built)
	t0=$(date +%s)
	log=$logs/dpdk-build.log
	pc=$(bash "$NTA_ROOT/scripts/dpdk-lts.sh" "$v" 2>"$log")
	rc=$?
	[ $rc = 0 ] && [ -f "$pc/libdpdk.pc" ] || rc=${rc/#0/96}
	echo "pkg-config path: $pc" >>"$log"
	record "lts-$s/dpdk-build" $rc "$log"
	times+=" dpdk $(( $(date +%s) - t0 )) s$(grep -q 'built in' "$log" || echo ' (reused)'),"
	[ $rc = 0 ] || return 0
	dp=$(bash "$NTA_ROOT/scripts/dpdk-lts.sh" --prefix "$v" 2>/dev/null)

	# nta against it; the pkg-config path is stored in the build dir too
	t0=$(date +%s)
	bdir=$NTA_BUILD/lts/$v
	log=$logs/nta-build.log
	(
		if [ ! -f "$bdir/build.ninja" ]; then
			PKG_CONFIG_PATH=$pc meson setup "$bdir" "$NTA_ROOT" \
				-Dpkg_config_path="$pc" || exit 1
		fi
		nice -n 10 ninja -C "$bdir" || exit 1
		# linked to this DPDK's libraries (their major is the ABI's)
		need=$(readelf -d "$bdir/drivers/mempool/nta/librte_mempool_nta.so" |
			grep -o 'librte_eal\.so\.[0-9]*')
		echo "plugin needs $need"
		[ -e "$dp/lib/$need" ] || { echo "not this DPDK's: $dp/lib/$need missing"; exit 1; }
	) >"$log" 2>&1
	rc=$?
	record "lts-$s/nta-build" $rc "$log"
	times+=" nta build $(( $(date +%s) - t0 )) s,"
	[ $rc = 0 ] || return 0
	# what dpdk-test gets with -d: EAL refuses a plugin under a folder
	# that all may write (a clone in /tmp), nta_plugin() gives a private
	# copy then, as for the system stages (on failure it says why, and
	# dpdk-test fails with EAL's own line)
	plugin=$(NTA_BUILD=$bdir nta_plugin) ||
		plugin=$bdir/drivers/mempool/nta/librte_mempool_nta.so

	# meson install (into a staging folder) puts the plugin where this
	# DPDK's EAL looks for plugins by itself
	if lts_want "lts-$s/install-dir"; then
		log=$logs/install-dir.log
		(
			rm -rf "$bdir/staging"
			DESTDIR=$bdir/staging meson install -C "$bdir" --no-rebuild || exit 1
			abi=$(ls -d "$dp"/lib/dpdk/pmds-* | sed 's/.*pmds-//')
			echo "DPDK plugin folder: $dp/lib/dpdk/pmds-$abi"
			find "$bdir/staging" -name 'librte_mempool_nta.so*'
			[ -f "$bdir/staging$dp/lib/dpdk/pmds-$abi/librte_mempool_nta.so" ]
		) >"$log" 2>&1
		record "lts-$s/install-dir" $? "$log"
	fi

	# nta-tests, one memory mode
	t0=$(date +%s)
	for tc in $cases; do
		[[ "$tc" == secondary* ]] && continue # needs shared hugepage memory
		name="lts-$s/nohuge/$tc"
		lts_want "$name" || continue
		t=$(prefix "lts${s}_$tc"); log="$logs/nohuge_$tc.log"
		LD_LIBRARY_PATH=$dp/lib timeout 300 "$bdir/tests/nta-tests" -l 0-1 \
			--no-pci --file-prefix="$t" --log-level=lib.eal:error \
			--no-huge -m 2048 -- "$tc" >"$log" 2>&1
		rc=$?
		[ $rc = 0 ] && ! grep -q "^PASS $tc" "$log" && rc=99
		cleanup_prefix "$t"
		record "$name" $rc "$log"
	done
	times+=" nta-tests $(( $(date +%s) - t0 )) s,"

	# that DPDK's own mempool and mbuf suites on nta pools
	t0=$(date +%s)
	for tc in mempool_autotest mbuf_autotest; do
		name="lts-$s/nohuge/dpdk-test:$tc"
		lts_want "$name" || continue
		t=$(prefix "lts${s}_$tc"); log="$logs/dpdk_$tc.log"
		DPDK_TEST=$tc LD_LIBRARY_PATH=$dp/lib timeout 600 "$dp/bin/dpdk-test" \
			-l 0-1 --no-pci --file-prefix="$t" --no-huge -m 2048 \
			-d "$plugin" --mbuf-pool-ops-name=nta </dev/null >"$log" 2>&1
		rc=$?
		grep -q "Test OK" "$log" || rc=${rc/#0/98}
		[ "$tc" = mempool_autotest ] && ! grep -q "Testing nta mempool handler" "$log" && rc=97
		cleanup_prefix "$t"
		record "$name" $rc "$log"
	done
	times+=" dpdk-test $(( $(date +%s) - t0 )) s,"

	# the telemetry commands (the calls nta_compat.h maps per version),
	# read with that DPDK's dpdk-telemetry.py
	if lts_want "lts-$s/telemetry"; then
		log=$logs/telemetry.log
		NTA_BUILD=$bdir PATH=$dp/bin:$PATH LD_LIBRARY_PATH=$dp/lib \
			NTA_TEST_LOGS=$logs timeout 300 bash "$NTA_ROOT/tests/apps/telemetry.sh" >"$log" 2>&1
		record "lts-$s/telemetry" $? "$log"
	fi

	# that DPDK's testpmd forwarding on nta (io mode, two vdevs, one
	# forwarding lcore): net_null with the mbuf cache, net_ring without it.
	# (Two forwarding lcores on net_ring would free remotely, but on a
	# two-core machine they share a CPU and the 32 packets in flight move
	# at scheduler speed, with any handler; nta-tests covers remote frees.)
	t0=$(date +%s)
	for t in "null 250 1" "ring 0 1"; do
		# shellcheck disable=SC2086 # split "KIND MBCACHE NB_FWD"
		set -- $t
		name="lts-$s/testpmd:$1-io"
		lts_want "$name" || continue
		log="$logs/testpmd_$1.log"
		res=$(
			export NTA_BUILD=$bdir PATH=$dp/bin:$PATH LD_LIBRARY_PATH=$dp/lib
			# shellcheck source=../scripts/testpmd_lib.sh
			. "$NTA_ROOT/scripts/testpmd_lib.sh"
			nta_testpmd nta "$2" 4 "$log" "$1" io "$3"
		)
		echo "result: $res (Mpps, rx_nombuf, ops)" >>"$log"
		read -r mpps nombuf ops <<<"$res"
		rc=0
		awk -v m="$mpps" 'BEGIN { exit !(m > 0.1) }' && [ "$nombuf" = 0 ] &&
			[ "$ops" = nta ] || rc=95
		record "$name" $rc "$log"
	done
	times+=" testpmd $(( $(date +%s) - t0 )) s"
	echo "== lts $v:$times"
}

lts_stages() {
	local versions v s
	if [ "${NTA_LTS:-1}" = 0 ]; then
		lts_any && echo "== DPDK LTS stages skipped (NTA_LTS=0)"
		return 0
	fi
	versions=$(bash "$NTA_ROOT/scripts/dpdk-lts.sh" --list 2>/dev/null)
	if [ -z "$versions" ]; then
		lts_any && echo "== DPDK LTS stages skipped: no DPDK release tarballs (../shared/dpdk, or NTA_DPDK_TARBALLS)"
		return 0
	fi
	if [ -n "${NTA_LTS_VERSIONS:-}" ]; then
		local pick=""
		for v in $versions; do
			for s in $NTA_LTS_VERSIONS; do
				[ "$v" = "$s" ] || [[ "$v" == "$s".* ]] && pick+=" $v"
			done
		done
		versions=$pick
	fi
	[ -n "$versions" ] || echo "== DPDK LTS stages: no release matches NTA_LTS_VERSIONS=$NTA_LTS_VERSIONS"
	for v in $versions; do
		lts_wanted "$(lts_short "$v")" || continue
		echo "== DPDK $v (scripts/dpdk-lts.sh $(lts_short "$v"))"
		lts_release "$v"
	done
}
