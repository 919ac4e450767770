#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# profile.sh SUITE [N]: run one suite with a timestamped xtrace and print
# its TAP summary and the N (40) source lines that cost the most wall time
# (a line's time runs until the next traced command starts, so a command
# that waits counts where it waits).  For the VM, e.g. on the debug kernel:
#   selftests/vm/run.sh --kernel debug --exec \
#       'bash selftests/net/profile.sh selftests/net/20-failover.sh'
set -u
suite=$1
top=${2:-40}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
# bash ignores PS4 from the environment when run as root: set it in BASH_ENV
cat >"$w/env" <<'E'
unset BASH_ENV
PS4='+${EPOCHREALTIME} ${BASH_SOURCE##*/}:${LINENO}: '
exec {PROF_FD}>>"$PROF_TRACE"
BASH_XTRACEFD=$PROF_FD
set -x
E
t0=$EPOCHREALTIME
PROF_TRACE=$w/trace BASH_ENV=$w/env bash "$suite" >"$w/out" 2>/dev/null
t1=$EPOCHREALTIME
echo "# $suite: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s," \
	"$(grep -c '^ok' "$w/out") ok, $(grep -c '^not ok' "$w/out") not ok"
grep '^not ok' "$w/out"
echo "# seconds  calls  line"
awk '/^\++[0-9]/ {
	match($0, /^\++/); split(substr($0, RLENGTH + 1), a, " ")
	if (prev != "") { self[prev] += a[1] - pt; n[prev]++ }
	prev = a[2]; pt = a[1]
} END { for (k in self) printf "%9.2f %6d  %s\n", self[k], n[k], k }' "$w/trace" |
	sort -rn | head -n "$top"
