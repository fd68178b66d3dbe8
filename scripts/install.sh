#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-nta authors
#
# Install the plugin into DPDK's plugin directory (EAL loads it at start-up,
# so --mbuf-pool-ops-name=nta works in stock dpdk-testpmd without -d) and
# the public header under the DPDK include directory.
#   scripts/install.sh              build and install
#   scripts/install.sh --uninstall  remove what was installed
set -eu
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=setup.sh
. "$here/setup.sh"

if [ "${1:-}" = --uninstall ]; then
	[ -f "$NTA_BUILD/build.ninja" ] || { echo "nothing built in $NTA_BUILD" >&2; exit 1; }
	ninja -C "$NTA_BUILD" uninstall >/dev/null
	echo "uninstalled: $(meson introspect --buildoptions "$NTA_BUILD" >/dev/null 2>&1; \
		grep -o '/[^ ]*librte_mempool_nta.so' "$NTA_BUILD/meson-logs/install-log.txt" 2>/dev/null | head -n1)"
	exit 0
fi
nta_setup_all
meson install -C "$NTA_BUILD" --no-rebuild >/dev/null
grep -E 'librte_mempool_nta|rte_mempool_nta.h' "$NTA_BUILD/meson-logs/install-log.txt" |
	sed 's/^/installed: /'
