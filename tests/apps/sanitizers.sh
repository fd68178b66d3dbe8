#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Every nta-tests case under AddressSanitizer + UndefinedBehaviorSanitizer,
# with the driver's RTE_ASSERT checks on (-Ddebug=true), in --no-huge mode,
# twice:
#   nta-tests            the driver as shipped (a shared library), built with
#                        -Db_sanitize=address,undefined -Db_lundef=false;
#   nta-tests-asan-heap  the driver compiled in, its metadata on the ASan
#                        heap (tests/fuzz/asan_heap.c): Debian's DPDK heap
#                        has no ASan shadow, so only this one catches an
#                        overflow of driver memory.
# Any sanitizer report fails the case. Builds $NTA_BUILD-asan if needed.
# Skipped cases: *_child (run by other cases) and secondary* (need shared
# hugepage memory). A case that cannot run in a build says SKIP and exits
# with 77 (lookup_nomem in nta-tests-asan-heap, whose driver allocations
# bypass the failure injection): counted as skipped.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/setup.sh
. "$here/scripts/setup.sh"
nta_packages >/dev/null 2>&1 || true

abuild=${NTA_ASAN_BUILD:-$NTA_BUILD-asan}
logs=${NTA_TEST_LOGS:-$abuild/test-logs}/sanitizers
mkdir -p "$logs"

# -Ddebug=true: the driver's RTE_ASSERT checks run under the sanitizers
# too; a build folder made before (or by hand) without it is reconfigured
if [ ! -f "$abuild/build.ninja" ]; then
	meson setup "$abuild" "$NTA_ROOT" -Db_sanitize=address,undefined \
		-Db_lundef=false -Dapps=false -Dwerror=false -Ddebug=true \
		>"$logs/setup.log" 2>&1 ||
		{ echo "FAIL: meson setup of $abuild"; tail -n 20 "$logs/setup.log"; exit 1; }
elif ! meson introspect --buildoptions "$abuild" 2>/dev/null |
	python3 -c 'import json, sys
sys.exit(not any(o["name"] == "debug" and o["value"] is True
		 for o in json.load(sys.stdin)))'; then
	meson configure "$abuild" -Ddebug=true >"$logs/setup.log" 2>&1 ||
		{ echo "FAIL: meson configure of $abuild"; tail -n 20 "$logs/setup.log"; exit 1; }
fi
ninja -C "$abuild" >"$logs/build.log" 2>&1 ||
	{ echo "FAIL: sanitizer build"; grep -E "error|FAILED" "$logs/build.log" | head -n 20; exit 1; }

# DPDK under ASan: no leak check at exit by default (EAL keeps some memory
# to the end; NTA_SAN_LEAKS=1 turns it on: nta-tests is clean today),
# stop at the first report, and give reports an exit status of their own.
export ASAN_OPTIONS="detect_leaks=${NTA_SAN_LEAKS:-0}:halt_on_error=1:abort_on_error=0:exitcode=86:print_summary=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:exitcode=87"
report_re='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer'

passed=0; failed=0; skipped=0
run_bin() { # BINARY TAG
	local bin=$1 tag=$2 cases tc pf log rc
	cases=$("$bin" -l 0 --no-pci --no-huge -m 64 --file-prefix="nta_san$$_list" \
		--log-level=lib.eal:error -- list 2>/dev/null | awk '{print $1}')
	rm -rf "/var/run/dpdk/nta_san$$_list"
	[ -n "$cases" ] || { echo "FAIL $tag: cannot list the cases"; failed=$((failed + 1)); return; }
	for tc in $cases; do
		case "$tc" in *_child|secondary*) continue ;; esac
		pf="nta_san$$_${tag}_$tc"; log="$logs/${tag}_$tc.log"
		mkdir -p "$logs"
		timeout 120 "$bin" -l 0-1 --no-pci --no-huge -m 2048 --file-prefix="$pf" \
			--log-level=lib.eal:error -- "$tc" >"$log" 2>&1
		rc=$?
		rm -rf "/var/run/dpdk/$pf"
		if [ $rc = 0 ] && grep -q "^PASS $tc" "$log" && ! grep -qE "$report_re" "$log"; then
			passed=$((passed + 1))
		elif [ $rc = 77 ] && grep -q "^SKIP" "$log" && ! grep -qE "$report_re" "$log"; then
			# the case says why it cannot run in this build
			skipped=$((skipped + 1))
			echo "skip $tag/$tc: $(grep -m1 "^SKIP" "$log")"
		else
			failed=$((failed + 1))
			echo "FAIL $tag/$tc (rc $rc, log $log)"
			grep -E -A12 "$report_re|^FAIL" "$log" | head -n 25 | sed 's/^/      | /'
		fi
	done
}

T0=$(date +%s)
run_bin "$abuild/tests/nta-tests" asan
if [ -x "$abuild/tests/nta-tests-asan-heap" ]; then
	run_bin "$abuild/tests/nta-tests-asan-heap" asanheap
else
	echo "FAIL: $abuild/tests/nta-tests-asan-heap was not built"
	failed=$((failed + 1))
fi
echo "sanitizers: $passed passed, $failed failed, $skipped skipped in $(( $(date +%s) - T0 )) s (ASan+UBSan, --no-huge; logs in $logs)"
exit $((failed != 0))
