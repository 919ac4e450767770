#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs as PID 1 inside the test VM (see mkinitramfs.sh), with the host's root
# mounted read-only, tmpfs on /tmp and /run, and the results share at
# /run/ercx-out.  Reads from the kernel command line:
#   ercx.repo=PATH       the repo
#   ercx.mode=MODE       exec | suites | demo
#   ercx.ko=PATH         the module to load
#   ercx.moddir=PATH     /lib/modules/KVER of a kernel the host does not have
#                        installed (the debug lane's)
#   ercx.no_module=1     exec mode: do not load the module at all
#   ercx.debug=1         the debug kernel: kmemleak is cleared after boot, and
#                        at the end every namespace is flushed, the module
#                        removed and kmemleak scanned (kmemleak.txt, rmmod.txt)
#   ercx.host_busy=1     the host builds a kernel beside this VM (run.sh, from
#                        ERCX_HOST_BUSY): exported to the suites, which then
#                        do not judge timing comparisons
#   ercx.env=NAME=VALUE  exported to the suites and to exec's CMD (run.sh
#                        --env; repeatable)
# and from the results share:
#   cmd                  the command for exec mode (bash -c)
#   suites               for suites mode: one suite path (relative to the repo)
#                        per line
# Writes into the results share:
#   exec.out exec.rc     exec mode
#   insmod.txt           the module's load: status, then what insmod said
#   <suite>.tap <suite>.log <suite>.rc   suites mode (<suite>: path with / -> _)
#   dmesg.txt            the kernel log at the end
#   done                 written last: the guest finished normally
# then powers the VM off.

export PATH=/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C LC_ALL=C TERM=dumb
OUT=/run/ercx-out
CONSOLE=/dev/console

repo=''
mode=suites
suite_timeout=600
ko=''
moddir=''
debug=0
hold_keys=1
no_module=0
read -r -a cmdline </proc/cmdline
for a in "${cmdline[@]}"; do
	case "$a" in
	ercx.repo=*) repo=${a#ercx.repo=} ;;
	ercx.mode=*) mode=${a#ercx.mode=} ;;
	ercx.suite_timeout=*) suite_timeout=${a#ercx.suite_timeout=} ;;
	ercx.ko=*) ko=${a#ercx.ko=} ;;
	ercx.moddir=*) moddir=${a#ercx.moddir=} ;;
	ercx.debug=*) debug=${a#ercx.debug=} ;;
	ercx.hold_keys=*) hold_keys=${a#ercx.hold_keys=} ;;
	ercx.no_module=1) no_module=1 ;;
	# the host builds something beside this VM (check.sh): the suites'
	# timing comparisons are not judged
	ercx.host_busy=1) export ERCX_HOST_BUSY=1 ;;
	ercx.env=[A-Za-z_]*=*)
		a=${a#ercx.env=}
		export "${a%%=*}=${a#*=}"
		;;
	esac
done

KMEMLEAK=/sys/kernel/debug/kmemleak

# The debug lane's end of run: flush every namespace's policy, remove the
# module, then let kmemleak scan twice (it reports objects older than 5 s).
debug_teardown() {
	local ns out rc
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		ip netns exec "$ns" "$ERCX_CTL" flush >/dev/null 2>&1
		ip netns del "$ns" 2>/dev/null
	done
	"$ERCX_CTL" flush >/dev/null 2>&1
	if grep -q '^ercoexist ' /proc/modules; then
		out=$(rmmod ercoexist 2>&1)
		rc=$?
	else
		out="ercoexist was not loaded at the end"
		rc=1
	fi
	printf '%s\n%s\n' "$rc" "$out" >"$OUT/rmmod.txt"
	if [ -w "$KMEMLEAK" ]; then
		echo scan >"$KMEMLEAK"
		sleep 6
		echo scan >"$KMEMLEAK"
		cat "$KMEMLEAK" >"$OUT/kmemleak.txt" 2>&1
	else
		echo "no $KMEMLEAK" >"$OUT/kmemleak.txt"
	fi
}

finish() {
	dmesg >"$OUT/dmesg.txt" 2>&1
	echo "${1:-0}" >"$OUT/done"
	sync
	echo "ERCX-GUEST-DONE"
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 10
	exit 0
}

exec >"$CONSOLE" 2>&1 </dev/null
echo "ERCX-GUEST-START $(uname -r) mode=$mode"
# The runner judges the kernel log from here on: what the kernel reported
# while it booted, before any of ours ran, is the kernel's (run.sh shows it)
echo "ercx-guest: start" >/dev/kmsg

hostname ercx-vm 2>/dev/null || echo ercx-vm >/proc/sys/kernel/hostname
ip link set lo up
mkdir -p /run/netns /run/lock /tmp/ercx
[ -e /var/run/netns ] || true
# Warnings and worse still reach the console; chatter does not.
dmesg -n 4 2>/dev/null

kver=$(uname -r)
export ERCX_REPO=$repo
export ERCX_KVER=$kver
export ERCX_KO=${ko:-$repo/build/$kver/kmod/ercoexist.ko}
export ERCX_CTL=$repo/userspace/ercoexistctl
export ERCX_OUT=$OUT
export ERCX_IN_VM=1
cd "$repo" || finish 1

# A kernel that the host does not have in /lib/modules: its own index (the
# host's root is read-only; this hides the host's other kernels' modules)
if [ -n "$moddir" ] && [ ! -d "/lib/modules/$kver" ]; then
	mount -t tmpfs -o mode=755 tmpfs /lib/modules &&
		ln -s "$moddir" "/lib/modules/$kver"
fi
if [ "$debug" = 1 ]; then
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# what boot left behind is not ours to report
	[ -w "$KMEMLEAK" ] && echo clear >"$KMEMLEAK"
fi

# The runner's "insmod ercoexist.ko" test point: status and message in
# insmod.txt.  A module that does not load fails the run.
load_module() {
	local out rc
	if grep -q '^ercoexist ' /proc/modules; then
		return 0
	fi
	if [ ! -f "$ERCX_KO" ]; then
		printf '1\n%s not built\n' "$ERCX_KO" >"$OUT/insmod.txt"
		echo "guest: $ERCX_KO not built"
		return 1
	fi
	# A bare insmod, as a user runs it on a gateway: nothing is loaded for
	# it first, and it needs no module that a stock kernel has not loaded
	# (modinfo's depends is empty; NoPath = drop's ICMP is in kmod/reject.c)
	local deps pre
	deps=$(modinfo -F depends "$ERCX_KO" 2>/dev/null)
	pre=$(awk '$1 ~ /^nf_reject_ipv[46]$/ { printf "%s ", $1 }' /proc/modules)
	out=$(insmod "$ERCX_KO" 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ -n "$deps" ]; then
		rc=1 out="loaded, but modinfo says depends=$deps: a gateway's bare insmod fails"
	elif [ $rc = 0 ] && [ -n "$pre" ]; then
		rc=1 out="loaded, but ${pre}was already loaded: not a bare insmod"
	fi
	printf '%s\n%s\n' "$rc" "$out" >"$OUT/insmod.txt"
	[ $rc = 0 ] || { echo "guest: insmod $ERCX_KO failed: $out"; return 1; }
}

# Keep the receive-timestamp and netfilter-hook static keys on for the whole
# session: the suites' sockets, nft tables and the module's hooks then come
# and go without patching kernel text, which under QEMU TCG with two vCPUs
# can race with a CPU executing the patched instruction ("Oops: int3", seen
# once in a benchmark run).  Nothing here is in the suites' namespaces.
hold_static_keys() {
	/usr/bin/python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_TIMESTAMPNS, 1)
time.sleep(1e9)' </dev/null >/dev/null 2>&1 &
	nft -f - <<'EOF' 2>/dev/null
table inet ercx_vm_keys {
	chain k_pre { type filter hook prerouting priority 0; policy accept; }
	chain k_in { type filter hook input priority 0; policy accept; }
	chain k_fwd { type filter hook forward priority 0; policy accept; }
	chain k_out { type filter hook output priority 0; policy accept; }
	chain k_post { type filter hook postrouting priority 0; policy accept; }
}
EOF
}
[ "$hold_keys" = 1 ] && hold_static_keys

case "$mode" in
exec)
	# --no-module: the kernel never sees ercoexist (int3-repro.sh)
	[ "$no_module" = 1 ] || load_module
	bash -c "$(cat "$OUT/cmd")" 2>&1 | tee "$OUT/exec.out"
	rc=${PIPESTATUS[0]}
	echo "$rc" >"$OUT/exec.rc"
	[ "$debug" = 1 ] && debug_teardown
	finish 0
	;;
demo)
	load_module	# the runner's insmod test point, as in the other modes
	bash "$repo/selftests/vm/demo.sh"
	echo $? >"$OUT/exec.rc"
	finish 0
	;;
suites)
	load_module
	while read -r s; do
		[ -n "$s" ] || continue
		name=${s//\//_}
		name=${name%.sh}
		echo "ERCX-SUITE-START $s"
		start=$(date +%s)
		timeout -k 10 "$suite_timeout" bash "$repo/$s" \
			>"$OUT/$name.tap" 2>"$OUT/$name.log"
		rc=$?
		echo "$rc" >"$OUT/$name.rc"
		echo "ERCX-SUITE-END $s rc=$rc $(($(date +%s) - start))s"
		# Leave nothing behind for the next suite.
		for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
			ip netns del "$ns" 2>/dev/null
		done
	done <"$OUT/suites"
	[ "$debug" = 1 ] && debug_teardown
	finish 0
	;;
*)
	echo "guest: unknown mode '$mode'"
	finish 1
	;;
esac
