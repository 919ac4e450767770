#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the ercoexist netlink fuzzer (build/genl/ercoexist_nlfuzz, issue 8
# item 1) as root in a fresh network namespace holding three dummy devices
# that are up: ercxer0 (ER), ercxvpn0 (VPN), ercxul0 (underlay), inside a
# memory cgroup of its own (cgroup v2, mounted here when the system has not):
# the module charges what a request makes it allocate to the caller's cgroup
# (GFP_KERNEL_ACCOUNT), so the cgroup's kernel memory must come back to the
# baseline after FLUSH.  Prints the fuzzer's TAP; exits non-zero when a test
# failed.  Needs the module loaded (in the VM: selftests/vm/run.sh).
#
#   ERCX_FUZZ_MESSAGES=N (default 100000)  ERCX_FUZZ_SEED=S  and the other
#   ERCX_FUZZ_* of ercoexist_nlfuzz.c pass through.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${ERCX_FUZZ_BIN:-$TOP/build/genl/ercoexist_nlfuzz}
NS=ercx-fuzz-$$
CGROOT=/sys/fs/cgroup
CG=$CGROOT/ercx-fuzz-$$
MAXP=/sys/module/ercoexist/parameters/max_prefixes

fail_setup() {
	echo "1..1"
	echo "not ok 1 - $1"
	exit 1
}

# Not loaded or not root: a failure of the setup, never a skip
grep -q '^ercoexist ' /proc/modules 2>/dev/null ||
	fail_setup "the ercoexist module is loaded"
[ "$(id -u)" = 0 ] || fail_setup "runs as root"
[ -x "$BIN" ] || fail_setup "$BIN is built (make -C selftests/genl)"

maxp_saved=$(cat "$MAXP" 2>/dev/null)
mounted=0
cleanup() {
	ip netns del "$NS" 2>/dev/null
	# empty once the fuzzer and its children are gone
	[ -d "$CG" ] && rmdir "$CG" 2>/dev/null
	[ "$mounted" = 1 ] && umount "$CGROOT" 2>/dev/null
	# the fuzzer restores it itself; this covers a fuzzer that died
	[ -n "$maxp_saved" ] && echo "$maxp_saved" >"$MAXP" 2>/dev/null
}
trap cleanup EXIT

if ! grep -q "^[^ ]* $CGROOT cgroup2 " /proc/mounts; then
	mount -t cgroup2 none "$CGROOT" ||
		fail_setup "cgroup v2 mounted at $CGROOT"
	mounted=1
fi
grep -qw memory "$CGROOT/cgroup.controllers" ||
	fail_setup "the memory controller is available ($CGROOT/cgroup.controllers)"
grep -qw memory "$CGROOT/cgroup.subtree_control" ||
	echo +memory >"$CGROOT/cgroup.subtree_control" ||
	fail_setup "the memory controller enabled for child cgroups"
mkdir "$CG" || fail_setup "cgroup $CG"

if ! { ip netns add "$NS" &&
       ip -n "$NS" link set lo up &&
       ip -n "$NS" link add ercxer0 type dummy &&
       ip -n "$NS" link add ercxvpn0 type dummy &&
       ip -n "$NS" link add ercxul0 type dummy &&
       ip -n "$NS" link set ercxer0 up &&
       ip -n "$NS" link set ercxvpn0 up &&
       ip -n "$NS" link set ercxul0 up; }; then
	fail_setup "netns $NS with dummy devices ercxer0, ercxvpn0, ercxul0"
fi

t0=$(date +%s)
# Into the cgroup before "ip netns exec", which mounts a sysfs of its own
# where $CG is not visible: the fuzzer reads the cgroup's files from fds.
(
	echo "$BASHPID" >"$CG/cgroup.procs" || exit 1
	ERCX_GENL_ER=ercxer0 ERCX_GENL_VPN=ercxvpn0 ERCX_FUZZ_UL=ercxul0 \
	ERCX_FUZZ_CGROUP=$CG ERCX_FUZZ_MEMSTAT_FD=3 ERCX_FUZZ_MEMCUR_FD=4 \
		exec ip netns exec "$NS" "$BIN" 3<"$CG/memory.stat" 4<"$CG/memory.current"
)
rc=$?
echo "# ercoexist_nlfuzz: exit status $rc after $(($(date +%s) - t0)) s on $(uname -r)"
exit "$rc"
