#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Unit tests of scripts/nta_traffic.py, the kernel side of the l3fwd test
# (tests/test_nta_traffic.py, Python's unittest): frame building and
# checking, counting, pacing, telemetry parsing, arguments. No root, no
# network, no DPDK, no build: a broken tool shows here in a second rather
# than as lost packets in app/l3fwd.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
command -v python3 >/dev/null || { echo "FAIL: python3 not found"; exit 1; }
cd "$here" || exit 1
# -B: no __pycache__ in the source tree
python3 -B -m unittest -v test_nta_traffic
