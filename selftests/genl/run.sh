#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ercoexist genetlink selftest (build/genl/ercoexist_genl) as root in a
# fresh network namespace holding two dummy devices, ercxer0 (ER) and
# ercxvpn0 (VPN), both up.  Prints the harness's TAP; exits non-zero when a
# test failed.  Needs the module loaded (in the VM: selftests/vm/run.sh).
#
#   run.sh [harness options, e.g. -t events -v reject]
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${ERCX_GENL_BIN:-$TOP/build/genl/ercoexist_genl}
NS=ercx-genl-$$

# Not loaded or not root: a failure of the setup, never a skip
if ! grep -q '^ercoexist ' /proc/modules 2>/dev/null; then
	echo "1..1"
	echo "not ok 1 - the ercoexist module is loaded"
	exit 1
fi
if [ "$(id -u)" != 0 ]; then
	echo "1..1"
	echo "not ok 1 - runs as root"
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "1..1"
	echo "not ok 1 - $BIN is built (make -C selftests/genl)"
	exit 1
fi

cleanup() {
	ip netns del "$NS" 2>/dev/null
}
trap cleanup EXIT

if ! { ip netns add "$NS" &&
       ip -n "$NS" link set lo up &&
       ip -n "$NS" link add ercxer0 type dummy &&
       ip -n "$NS" link add ercxvpn0 type dummy &&
       ip -n "$NS" link set ercxer0 up &&
       ip -n "$NS" link set ercxvpn0 up; }; then
	echo "1..1"
	echo "not ok 1 - netns $NS with dummy devices ercxer0, ercxvpn0"
	exit 1
fi

# The harness prints "ok N name"; the project's TAP style is "ok N - name".
ERCX_GENL_ER=ercxer0 ERCX_GENL_VPN=ercxvpn0 \
	ip netns exec "$NS" "$BIN" "$@" |
	sed -u -E 's/^((not )?ok [0-9]+) ([^-])/\1 - \3/'
rc=${PIPESTATUS[0]}
exit "$rc"
