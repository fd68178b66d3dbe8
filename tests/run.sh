#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# The whole test suite: sets the machine up (packages, hugepages, build),
# then runs every case of nta-tests in each memory mode, DPDK's own
# autotests with the plugin, and the application tests; then nta built and
# tested against each DPDK LTS release found in ../shared/dpdk (tests/lts.sh,
# stages named lts-VERSION/...). Ends with
#   N passed, N failed
# Usage: tests/run.sh [-k PATTERN] [--mode huge|va|nohuge]...
#   -k lts          only the DPDK LTS stages; -k lts-24.11 one release
#                   (a pattern without "lts" leaves them out)
#   NTA_LTS=0       skip the DPDK LTS stages
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../scripts/setup.sh
. "$here/../scripts/setup.sh"

pattern=""
modes=()
while [ $# -gt 0 ]; do
	case "$1" in
	-k) pattern=$2; shift 2 ;;
	--mode) modes+=("$2"); shift 2 ;;
	*) echo "usage: $0 [-k PATTERN] [--mode huge|va|nohuge]" >&2; exit 2 ;;
	esac
done

nta_setup_all || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }

if [ ${#modes[@]} -eq 0 ]; then
	if [ "$NTA_HUGE" = 1 ]; then modes=(huge va nohuge); else modes=(nohuge); fi
fi

installed=$(ls /usr/lib/x86_64-linux-gnu/dpdk/pmds-*/librte_mempool_nta.so 2>/dev/null | head -n1)
if [ -n "$installed" ] && ! cmp -s "$installed" "$(nta_plugin)"; then
	echo "note: $installed differs from this build; EAL loads it too, and"
	echo "      whichever copy registers first serves. Reinstall: scripts/install.sh"
fi

LOGDIR=${NTA_TEST_LOGS:-$NTA_BUILD/test-logs}
export NTA_TEST_LOGS=$LOGDIR
rm -rf "$LOGDIR"; mkdir -p "$LOGDIR"
passed=0; failed=0; failures=()
T0=$(date +%s)

# The va mode also keeps the driver to its scalar bulk loops (128-bit SIMD
# at most): huge runs the vector steps of nta_simd.c where the CPU has
# them, va the scalar loops on the same unpaged pools, nohuge paged pools
# (4 KiB pages), which the vector free does not serve.
mode_args() {
	case "$1" in
	huge) echo "--iova-mode=pa" ;;
	va) echo "--iova-mode=va --force-max-simd-bitwidth=128" ;;
	nohuge) echo "--no-huge -m 2048" ;;
	esac
}

# record NAME RC LOG
record() {
	if [ "$2" = 0 ]; then
		passed=$((passed + 1)); printf 'PASS  %s\n' "$1"
	else
		failed=$((failed + 1)); failures+=("$1"); printf 'FAIL  %s (rc %s, log %s)\n' "$1" "$2" "$3"
		tail -n 15 "$3" | sed 's/^/      | /'
	fi
}

prefix() { echo "nta_t$$_$1"; }
cleanup_prefix() { rm -rf "/var/run/dpdk/$1" "/dev/hugepages/$1"* 2>/dev/null; }

want() { [ -z "$pattern" ] || [[ "$1" == *$pattern* ]]; }

run_case() { # MODE CASE
	local mode=$1 tc=$2 name="$1/$2" pf log rc
	pf=$(prefix "${mode}_$tc"); log="$LOGDIR/${mode}_$tc.log"
	# shellcheck disable=SC2046
	timeout 300 "$NTA_BUILD/tests/nta-tests" -l 0-1 --no-pci --file-prefix="$pf" \
		--log-level=lib.eal:error $(mode_args "$mode") -- "$tc" >"$log" 2>&1
	rc=$?
	[ $rc = 0 ] && ! grep -q "^PASS $tc" "$log" && rc=99
	cleanup_prefix "$pf"
	record "$name" $rc "$log"
}

run_autotest() { # MODE TEST
	local mode=$1 t=$2 name="$1/dpdk-test:$2" pf log rc
	pf=$(prefix "${mode}_$t"); log="$LOGDIR/${mode}_dpdk_$t.log"
	# shellcheck disable=SC2046
	DPDK_TEST=$t timeout 600 dpdk-test -l 0-1 --no-pci --file-prefix="$pf" \
		-d "$(nta_plugin)" --mbuf-pool-ops-name=nta $(mode_args "$mode") \
		</dev/null >"$log" 2>&1
	rc=$?
	grep -q "Test OK" "$log" || rc=${rc/#0/98}
	[ "$t" = mempool_autotest ] && ! grep -q "Testing nta mempool handler" "$log" && rc=97
	cleanup_prefix "$pf"
	record "$name" "$rc" "$log"
}

cases=$("$NTA_BUILD/tests/nta-tests" -l 0 --no-pci --no-huge -m 64 --file-prefix="$(prefix list)" \
	--log-level=lib.eal:error -- list 2>/dev/null | awk '!/_child / {print $1}')
cleanup_prefix "$(prefix list)"
[ -n "$cases" ] || { echo "cannot list test cases"; echo "0 passed, 1 failed"; exit 1; }

for mode in "${modes[@]}"; do
	echo "== memory mode: $mode ($(mode_args "$mode"))"
	t_mode=$(date +%s)
	for tc in $cases; do
		# secondary processes need shared hugepage memory
		[ "$mode" = nohuge ] && [[ "$tc" == secondary* ]] && continue
		want "$mode/$tc" && run_case "$mode" "$tc"
	done
	# DPDK's own suites on nta pools: the mempool/mbuf ones in every mode,
	# a selection of other mbuf users once (link_bonding_autotest passes
	# too, but its TLB cases depend on timing and fail on a loaded machine)
	autotests="mempool_autotest mbuf_autotest"
	[ "$mode" = "${modes[0]}" ] &&
		autotests="$autotests reorder_autotest distributor_autotest ipfrag_autotest pdump_autotest"
	for t in $autotests; do
		want "$mode/dpdk-test:$t" && run_autotest "$mode" "$t"
	done
	echo "== memory mode $mode: $(( $(date +%s) - t_mode )) s"
done

# application tests (testpmd, l3fwd, ...) live in tests/apps/*.sh
for s in "$here"/apps/*.sh; do
	[ -f "$s" ] || continue
	n=$(basename "$s" .sh)
	want "app/$n" || continue
	log="$LOGDIR/app_$n.log"
	t_app=$(date +%s)
	timeout 600 bash "$s" >"$log" 2>&1
	record "app/$n" $? "$log"
	echo "      app/$n: $(( $(date +%s) - t_app )) s"
done

# nta against each DPDK LTS release (tests/lts.sh)
# shellcheck source=lts.sh
. "$here/lts.sh"
lts_stages

echo "== $(( $(date +%s) - T0 )) s; logs in $LOGDIR"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
