#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# One nta-tests case for "meson test" (tests/meson.build):
#   meson_case.sh PREFIX CASE NTA-TESTS-COMMAND...
# The command carries --file-prefix=PREFIX and ends with "-- CASE".
# EAL leaves its runtime folder /var/run/dpdk/PREFIX behind at every exit
# and, after a crash, hugepage files that hold hugepages until removed: both
# are removed before and after the case, as tests/run.sh does. The case's exit
# status is kept (77: skipped), and, as in run.sh, a 0 without a "PASS CASE"
# line is a failure (a forked child that returned through main, say).
set -u
pf=$1 tc=$2
shift 2

cleanup() { rm -rf "/var/run/dpdk/$pf" "/dev/hugepages/$pf"* 2>/dev/null; }

# the hugepage modes on a machine without hugepages (scripts/setup.sh
# reserves them) cannot run at all: skip, as run.sh runs only --no-huge there
case " $* " in
*" --no-huge "*) ;;
*)
	total=$(awk '/^HugePages_Total/ {print $2}' /proc/meminfo)
	if ! grep -q hugetlbfs /proc/mounts || [ "${total:-0}" = 0 ]; then
		echo "SKIP $tc: no hugepages (bash scripts/setup.sh reserves them)"
		exit 77
	fi
	;;
esac

log=$(mktemp) || exit 1
trap 'cleanup; rm -f "$log"' EXIT
# a test killed at its timeout (SIGTERM) still cleans up
trap 'exit 143' TERM INT
cleanup
"$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
if [ "$rc" = 0 ] && ! grep -q "^PASS $tc" "$log"; then
	echo "FAIL $tc: exit status 0 without a PASS line"
	rc=99
fi
exit "$rc"
