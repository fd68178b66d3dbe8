#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# A short libFuzzer run of tests/fuzz/fuzz_nta (the driver compiled into a
# clang fuzzer with ASan + UBSan, see tests/fuzz/README.md): builds
# $NTA_BUILD-fuzz if needed, replays the seed corpus, fuzzes for
# NTA_FUZZ_SECONDS (60) on a copy of it, and passes only if nothing
# crashed. Skips (exit 0, "SKIP") only when clang's libFuzzer runtime is
# not there.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../../scripts/setup.sh
. "$here/scripts/setup.sh"
nta_packages >/dev/null 2>&1 || true # clang, libclang-rt-14-dev

secs=${NTA_FUZZ_SECONDS:-60}
runs=${NTA_FUZZ_RUNS:-100000000}
fbuild=${NTA_FUZZ_BUILD:-$NTA_BUILD-fuzz}
logs=${NTA_TEST_LOGS:-$fbuild/test-logs}/fuzz
mkdir -p "$logs"

# Is libFuzzer there at all?
probe=$(mktemp -d /tmp/nta_fuzz_probe.XXXXXX)
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! command -v clang >/dev/null 2>&1 ||
   ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >"$probe/err" 2>&1; then
	echo "SKIP: clang with the libFuzzer runtime is not available (apt-get install clang libclang-rt-14-dev)"
	sed 's/^/      /' "$probe/err" 2>/dev/null | tail -n 3
	rm -rf "$probe"
	exit 0
fi
rm -rf "$probe"

# Build (or reconfigure) the fuzzer build directory.
if [ ! -f "$fbuild/build.ninja" ]; then
	CC=clang meson setup "$fbuild" "$NTA_ROOT" -Dfuzz=true -Dapps=false \
		-Dwerror=false --buildtype=debugoptimized >"$logs/setup.log" 2>&1 ||
		{ echo "FAIL: meson setup of $fbuild"; tail -n 20 "$logs/setup.log"; exit 1; }
elif ! grep -q "fuzz_nta" "$fbuild/build.ninja"; then
	meson configure "$fbuild" -Dfuzz=true -Dapps=false >"$logs/setup.log" 2>&1 ||
		{ echo "FAIL: meson configure of $fbuild"; tail -n 20 "$logs/setup.log"; exit 1; }
fi
ninja -C "$fbuild" tests/fuzz_nta >"$logs/build.log" 2>&1 ||
	{ echo "FAIL: build of the fuzzer"; grep -E "error|FAILED" "$logs/build.log" | head -n 20; exit 1; }
bin="$fbuild/tests/fuzz_nta"

work=$(mktemp -d /tmp/nta_fuzz.XXXXXX)
cleanup() {
	rm -rf "$work"
	# runtime directories of fuzzer processes that are gone (--no-shconf
	# leaves an empty one behind)
	for d in /var/run/dpdk/nta_fuzz_*; do
		[ -d "$d" ] || continue
		[ -d "/proc/${d##*_}" ] || rm -rf "$d"
	done
}
trap cleanup EXIT
mkdir -p "$work/corpus"
cp "$NTA_ROOT"/tests/fuzz/corpus/* "$work/corpus/"

fails=0
# 1. every seed once, on its own (a clear verdict per seed), and every
# reproducer of a fixed defect (tests/fuzz/regress, not fuzzed from)
for s in "$NTA_ROOT"/tests/fuzz/corpus/* "$NTA_ROOT"/tests/fuzz/regress/*; do
	if ! (cd "$work" && timeout 120 "$bin" "$s") >"$work/seed.log" 2>&1; then
		echo "FAIL seed $(basename "$s")"
		grep -A3 -E "VIOLATION|ERROR: |runtime error" "$work/seed.log" | head -n 12
		fails=$((fails + 1))
	fi
done
[ $fails = 0 ] && echo "ok   $(ls "$NTA_ROOT"/tests/fuzz/corpus | wc -l) seeds and $(ls "$NTA_ROOT"/tests/fuzz/regress | wc -l) reproducers replayed"

# 2. fuzz for $secs seconds
(cd "$work" && timeout $((secs + 180)) "$bin" "$work/corpus" \
	-max_total_time="$secs" -runs="$runs" -max_len=1200 -timeout=60 \
	-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$work/") \
	>"$logs/fuzz.log" 2>&1
rc=$?
stats=$(grep -E "^#[0-9]+[[:space:]]+(pulse|NEW|REDUCE|DONE)" "$logs/fuzz.log" | tail -n 1)
done_line=$(grep -E "^Done [0-9]+ runs" "$logs/fuzz.log" | tail -n 1)
crashes=$(ls "$work" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' || true)
if [ $rc != 0 ] || [ -n "$crashes" ]; then
	echo "FAIL fuzzing: rc $rc; ${done_line:-no final line}"
	grep -B2 -A8 -E "VIOLATION|ERROR: |runtime error" "$logs/fuzz.log" | grep -v "^    #[1-9][0-9]" | head -n 30
	for c in $crashes; do
		cp "$work/$c" "$logs/"
		echo "      reproducer: $logs/$c"
		echo "      replay: NTA_FUZZ_VERBOSE=1 $bin $logs/$c"
	done
	fails=$((fails + 1))
else
	echo "ok   fuzzed ${secs}s: $done_line"
	echo "     $stats"
	grep -E "^fuzz_nta: " "$logs/fuzz.log" | sed 's/^/     /'
fi
exit $((fails != 0))
