#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the ercoexist shell suites: TAP output, namespaces, counters,
# the module and ercoexistctl.  Source it; it sets nothing else up.
#
# Environment (set by selftests/vm/guest.sh in the VM; defaults for a manual
# run from the repo):
#   ERCX_REPO  the repo            ERCX_KO   the module to insmod
#   ERCX_CTL   ercoexistctl        ERCX_NS   namespace name prefix (ercx)

: "${ERCX_REPO:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${ERCX_KVER:=$(uname -r)}"
: "${ERCX_KO:=$ERCX_REPO/build/$ERCX_KVER/kmod/ercoexist.ko}"
: "${ERCX_CTL:=$ERCX_REPO/userspace/ercoexistctl}"
: "${ERCX_NS:=ercx}"
export ERCX_REPO ERCX_KVER ERCX_KO ERCX_CTL ERCX_NS
export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
PY=/usr/bin/python3

# ---------------------------------------------------------------- TAP

TAP_N=0
TAP_FAIL=0
TAP_PLANNED=

tap_plan() {	# N
	TAP_PLANNED=$1
	echo "1..$1"
}

# A suite that cannot run is a failure, not a skip: the module, the tools
# (installed by `make deps`) and root are all part of the test setup.  The
# only skips allowed are the ones selftests/README lists by name.
tap_fail_all() {	# REASON: the whole suite cannot run
	echo "1..1"
	echo "not ok 1 - suite prerequisites: $*"
	exit 1
}

# Only for what selftests/README lists (a machine that truly cannot have it)
tap_skip_all() {	# REASON
	echo "1..0 # SKIP $*"
	exit 0
}

# ok COND-STATUS DESCRIPTION: `ok $? "desc"` or `check "desc" cmd args...`
tap_result() {	# STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAIL=$((TAP_FAIL + 1))
	fi
}

tap_ok() { tap_result 0 "$*"; }
tap_notok() { tap_result 1 "$*"; }

tap_skip() {	# DESCRIPTION REASON
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1 # SKIP $2"
}

# quiet CMD...: run CMD with its output discarded (for `check`: a redirect
# after `check ...` would swallow the TAP line too)
quiet() { "$@" >/dev/null 2>&1; }

# check DESCRIPTION CMD...: one test point from a command's status
check() {
	local d=$1
	shift
	"$@"
	tap_result $? "$d"
}

diag() { echo "# $*"; }
log() { echo "# $*" >&2; }

# Print the points not reached as failures (so a crashing suite still has a
# complete plan) and exit with the suite's status.
tap_end() {
	if [ -n "$TAP_PLANNED" ]; then
		while [ "$TAP_N" -lt "$TAP_PLANNED" ]; do
			tap_notok "not reached"
		done
		if [ "$TAP_N" -gt "$TAP_PLANNED" ]; then
			diag "ran $TAP_N tests but planned $TAP_PLANNED"
			TAP_FAIL=$((TAP_FAIL + 1))
		fi
	else
		echo "1..$TAP_N"
	fi
	[ "$TAP_FAIL" -eq 0 ]
	exit $?
}

# ---------------------------------------------------------------- prerequisites

require_root() {
	[ "$(id -u)" = 0 ] || tap_fail_all "needs root"
}

require_cmds() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || tap_fail_all "missing command $c (make deps installs it)"
	done
}

require_vm() {
	[ -n "${ERCX_IN_VM:-}" ] || [ -n "${ERCX_ALLOW_HOST:-}" ] ||
		tap_skip_all "run inside the test VM (selftests/vm/run.sh); ERCX_ALLOW_HOST=1 to override"
}

have_module_file() { [ -f "$ERCX_KO" ]; }
have_ctl() { [ -x "$ERCX_CTL" ]; }
module_loaded() { grep -q '^ercoexist ' /proc/modules; }

# Load the module with a bare insmod (it depends on no other module); 0
# when it is loaded afterwards.
module_load() {
	module_loaded && return 0
	[ -f "$ERCX_KO" ] || return 1
	insmod "$ERCX_KO" 2>&1 | sed 's/^/# insmod: /' >&2
	module_loaded
}

# Fail the whole suite unless the module and ercoexistctl are there.
require_module_and_ctl() {
	have_module_file || tap_fail_all "ercoexist.ko not built ($ERCX_KO)"
	have_ctl || tap_fail_all "ercoexistctl not built ($ERCX_CTL)"
	module_load || tap_fail_all "cannot load $ERCX_KO"
}

# ---------------------------------------------------------------- namespaces

nsname() { echo "$ERCX_NS-$1"; }

# nsx NS CMD...: run CMD in the topology's namespace NS (onprem, gw, ...).
# Only the network namespace changes (nsenter), not the mount namespace:
# /sys keeps showing the initial namespace's devices, so what reads
# /sys/class/net goes through nsx_sys.  `ip netns exec` (a mount namespace
# and a fresh sysfs per call) costs twice a process start, about half a
# second on the debug kernel, and the suites make thousands of these calls.
# ip itself is asked with -n: one process, not two.
nsx() {
	local ns=$ERCX_NS-$1
	shift
	if [ "$1" = ip ]; then
		shift
		ip -n "$ns" "$@"
	else
		nsenter --net="/run/netns/$ns" "$@"
	fi
}

# nsx_sys NS CMD...: CMD in NS with the namespace's own /sys
nsx_sys() {
	local ns=$1
	shift
	ip netns exec "$ERCX_NS-$ns" "$@"
}

ctl() {	# ercoexistctl in the gw namespace (-n: its own /sys, for check)
	"$ERCX_CTL" -n "$ERCX_NS-gw" "$@"
}

ns_create() {	# NAME
	local n="$ERCX_NS-$1"
	ip netns del "$n" 2>/dev/null
	ip netns add "$n" || return 1
	ip -n "$n" link set lo up
	nsx "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.keep_addr_on_down=1 net.ipv6.conf.default.keep_addr_on_down=1 \
		net.ipv4.ping_group_range='0 2147483647' >/dev/null 2>&1
	return 0
}

ns_router() {	# NAME: enable forwarding
	nsx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 >/dev/null
}

ns_del_all() {
	local n
	for n in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		case "$n" in
		"$ERCX_NS"-*) ip netns del "$n" 2>/dev/null ;;
		esac
	done
}

# veth NS1 DEV1 NS2 DEV2: a veth pair between two namespaces
veth() {
	ip link add "$2" netns "$ERCX_NS-$1" type veth peer name "$4" netns "$ERCX_NS-$3" &&
		ip -n "$ERCX_NS-$1" link set "$2" up &&
		ip -n "$ERCX_NS-$3" link set "$4" up
}

# ---------------------------------------------------------------- counters

# dev_stat NS DEV STAT: e.g. dev_stat gw er0 tx_packets; the rx_ and tx_
# bytes, packets, errors and dropped from /proc/net/dev (the namespace's
# own, with no sysfs to mount), the others from sysfs
dev_stat() {
	case "$3" in
	[rt]x_bytes | [rt]x_packets | [rt]x_errors | [rt]x_dropped)
		nsx "$1" awk -v dev="$2" -v stat="$3" '
			BEGIN { split("bytes packets errors dropped", f, " ")
				for (i in f) { col["rx_" f[i]] = i + 1; col["tx_" f[i]] = i + 9 } }
			{ sub(/:/, " ") }
			$1 == dev { print $(col[stat]); found = 1; exit }
			END { if (!found) print 0 }' /proc/net/dev 2>/dev/null || echo 0 ;;
	*)
		nsx_sys "$1" cat "/sys/class/net/$2/statistics/$3" 2>/dev/null || echo 0 ;;
	esac
}

# nft_counter NS FAMILY TABLE NAME: the packet count of a named counter
nft_counter() {
	nsx "$1" nft list counter "$2" "$3" "$4" 2>/dev/null |
		awk '/packets/ { for (i = 1; i < NF; i++) if ($i == "packets") { print $(i + 1); exit } }' |
		grep . || echo 0
}

nft_counter_reset() {	# NS FAMILY TABLE NAME
	nsx "$1" nft reset counter "$2" "$3" "$4" >/dev/null 2>&1
}

# wait_until TIMEOUT_TENTHS CMD...: poll CMD every 0.1 s
wait_until() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	"$@"
}

# ---------------------------------------------------------------- json

# json_get 'EXPR' < json: EXPR is a python expression over j, e.g.
# j["paths"]["er"]["state"]; prints the value (strings unquoted, dicts and
# lists as JSON).  Answered by one python per suite (jsonsrv.py, started
# below) over a loopback TCP connection that bash opens itself: no process
# per call, where a python start costs seconds on the debug kernel.  Until
# the server listens, or if it cannot, a python per call answers.
JSRV_DIR=/run/ercx-jsrv.$$
_jsrv_start() {
	[ -x "$PY" ] && [ -d /run ] && [ -w /run ] || return 0
	mkdir -p "$JSRV_DIR" 2>/dev/null || return 0
	# started from a subshell, so that it is not one of the suite's jobs:
	# a suite's bare `wait` (for its own background jobs) must not wait
	# for the server, which only ends when the suite does
	("$PY" "$ERCX_REPO/selftests/net/jsonsrv.py" "$JSRV_DIR" $$ \
		</dev/null >/dev/null 2>&1 &)
}

json_get() {
	local in out port fd
	IFS= read -r -d '' in
	if [ -s "$JSRV_DIR/port" ] && read -r port <"$JSRV_DIR/port" &&
	   { exec {fd}<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
		printf '%s\0%s\0' "$1" "$in" >&"$fd"
		IFS= read -r -d '' out <&"$fd"
		exec {fd}>&-
		case "$out" in
		0*) printf '%s\n' "${out#0}"; return 0 ;;
		1*) printf 'json_get: %s\n' "${out#1}" >&2; return 1 ;;
		esac
	fi
	printf '%s' "$in" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
v = eval(sys.argv[1], {"j": j})
print(v if not isinstance(v, (dict, list)) else json.dumps(v))
' "$1"
}
_jsrv_start

# ---------------------------------------------------------------- kernel log

DMESG_BAD='BUG|WARNING|Oops|KASAN|unreferenced object|general protection|Call Trace|refcount_t|list_(add|del) corruption'

dmesg_mark() {	# remember where the kernel log is now
	DMESG_MARK=$(dmesg | wc -l)
}

# dmesg_clean: 0 when no bad line since dmesg_mark (prints them otherwise)
dmesg_clean() {
	local bad
	bad=$(dmesg | tail -n +"$((${DMESG_MARK:-0} + 1))" | grep -E "$DMESG_BAD")
	[ -z "$bad" ] && return 0
	printf '%s\n' "$bad" | head -n 30 | sed 's/^/# dmesg: /'
	return 1
}
