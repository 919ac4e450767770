#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a Debian kernel under QEMU (TCG, no KVM) with the host's root shared
# read-only over 9p, and run the selftests (or one command, or the demo) in it.
#
#   run.sh [--kernel 6.1|6.12|debug|all|KVER] [--suite PATH]... [--timeout SECS]
#          [--exec 'CMD' | --demo | --inject-defects] [--no-build]
#          [--env NAME=VALUE]... [--no-hold-keys] [--no-module] [-v]
#
#   default   build the module for the kernel, ercoexistctl, selftests/genl
#             and build/bench/udpstream,
#             boot, run every selftests/net/[0-9]*.sh, selftests/genl/run.sh
#             and selftests/genl/fuzz.sh (the netlink fuzzer),
#             print each suite's TAP, then check the guest's kernel log
#   --env     export NAME=VALUE to the suites or CMD in the guest (through
#             the kernel command line: no spaces in VALUE)
#   --exec    insmod the module, run CMD (bash -c), print its output; exit
#             status: CMD's (the worst over the kernels)
#   --demo    boot 6.12 and run selftests/vm/demo.sh
#   --no-hold-keys  do not hold the timestamp and netfilter static keys on
#             in the guest (selftests/vm/int3-repro.sh needs them free)
#   --no-module  (with --exec) never load the module: CMD runs on the
#             stock kernel alone
#   --inject-defects  (debug kernel) load a test build of the module that
#             leaks and reads after free: passes when kmemleak and KASAN
#             report both, i.e. when the debug lane's checks can fail a run
#
#   debug     the debug lane's kernel, built from linux-source-6.12 with
#             KASAN, KFENCE, UBSAN, lockdep, PROVE_RCU, kmemleak, debug
#             objects and net refcount trackers (selftests/vm/debug-kernel/,
#             cached under ~/.cache/ercoexist); all = 6.1 6.12 debug
#
# Results per kernel in build/vm/out-KVER/: SUITE.tap, SUITE.log, vm.tap (the
# runner's own test points: builds, boot, kernel log clean), console.log,
# dmesg.txt.  Only one VM runs at a time on the machine
# (flock /var/lock/ercx-vm.lock).
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$TOP/build"
LOCK=/var/lock/ercx-vm.lock
MEM=${ERCX_VM_MEM:-2G}
SMP=${ERCX_VM_SMP:-2}

kernels=
mode=suites
cmd=
suites=()
timeout=
suite_timeout=${ERCX_SUITE_TIMEOUT:-600}
build=1
verbose=0
hold_keys=1
no_module=0
envs=()

usage() {
	sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'
	exit "${1:-1}"
}

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernels=$2; shift ;;
	--kernel=*) kernels=${1#*=} ;;
	--exec) mode="exec"; cmd=$2; shift ;;
	--exec=*) mode="exec"; cmd=${1#*=} ;;
	--demo) mode=demo ;;
	--inject-defects) mode=inject ;;
	--suite) suites+=("$2"); shift ;;
	--suite=*) suites+=("${1#*=}") ;;
	--env) envs+=("$2"); shift ;;
	--env=*) envs+=("${1#*=}") ;;
	--timeout) timeout=$2; shift ;;
	--no-build) build=0 ;;
	--no-hold-keys) hold_keys=0 ;;
	--no-module) no_module=1 ;;
	-v|--verbose) verbose=1 ;;
	-h|--help) usage 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; usage ;;
	esac
	shift
done

# Watchdog per kernel: suites 30 min (a stock lane takes ~9 when the
# machine is idle, more beside the debug kernel's build), a command or the
# demo 5 min; the debug kernel's suites 45 min.
if [ -z "$timeout" ]; then
	case "$mode" in
	suites) timeout=${ERCX_VM_TIMEOUT:-1800} ;;
	*) timeout=${ERCX_VM_TIMEOUT:-300} ;;
	esac
fi

if [ -z "$kernels" ]; then
	case "$mode" in
	suites) kernels=all ;;
	inject) kernels=debug ;;
	*) kernels=6.12 ;;
	esac
fi

# KVER of the newest installed kernel of a series that has matching headers.
pick_kernel() {
	local pat v best=
	case "$1" in
	6.1) pat='/boot/vmlinuz-6.1.[0-9]*-amd64' ;;
	6.12) pat='/boot/vmlinuz-6.12.*-amd64' ;;
	*) pat="/boot/vmlinuz-$1" ;;
	esac
	for f in $pat; do
		[ -f "$f" ] || continue
		v=${f#/boot/vmlinuz-}
		[ -d "/usr/src/linux-headers-$v" ] || continue
		[ -f "/lib/modules/$v/modules.dep" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$v" | sed '/^$/d' | sort -V | tail -n 1)
	done
	echo "$best"
}

case "$kernels" in
all) series="6.1 6.12 debug" ;;
*) series=${kernels//,/ } ;;
esac

for e in "${envs[@]}"; do
	if ! [[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*=[^[:space:]]*$ ]]; then
		echo "run.sh: --env '$e': NAME=VALUE, no spaces in VALUE" >&2
		exit 1
	fi
done

if [ ${#suites[@]} -eq 0 ] && [ "$mode" = suites ]; then
	for s in "$TOP"/selftests/net/[0-9]*.sh; do
		[ -f "$s" ] && suites+=("${s#"$TOP"/}")
	done
	[ -f "$TOP/selftests/genl/run.sh" ] && suites+=(selftests/genl/run.sh)
	[ -f "$TOP/selftests/genl/fuzz.sh" ] && suites+=(selftests/genl/fuzz.sh)
fi

# vm.tap: the runner's own test points for one kernel
vmtap_n=0
vmtap=
tap() {	# tap ok|not-ok DESCRIPTION
	vmtap_n=$((vmtap_n + 1))
	if [ "$1" = ok ]; then
		echo "ok $vmtap_n - $2" >>"$vmtap"
	else
		echo "not ok $vmtap_n - $2" >>"$vmtap"
	fi
}

build_for() {	# KVER OUTDIR LOGDIR KDIR [MAKE-ARGS...]
	local kver=$1 log=$3/build.log kdir=$4 b
	shift 4
	b="$TOP/build/$kver"
	[ $# -gt 0 ] && b="$TOP/build/$kver-inject"
	: >"$log"
	if [ -f "$TOP/kmod/Kbuild" ] || [ -f "$TOP/kmod/Makefile" ]; then
		mkdir -p "$b"
		rm -rf "$b/include"
		cp -a "$TOP/include" "$b/include"
		if command -v rsync >/dev/null; then
			rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' \
				--exclude='*.mod' --exclude='*.mod.c' --exclude='Module.symvers' \
				--exclude='modules.order' --exclude='test/' \
				"$TOP/kmod/" "$b/kmod/"
		else
			rm -rf "$b/kmod"
			cp -a "$TOP/kmod" "$b/kmod"
		fi
		rm -f "$b/kmod/ercoexist.ko"
		if make -C "$b/kmod" KDIR="$kdir" "$@" >>"$log" 2>&1 &&
		   [ -f "$b/kmod/ercoexist.ko" ]; then
			tap ok "build ercoexist.ko for $kver"
		else
			tap not-ok "build ercoexist.ko for $kver (see $log)"
			tail -n 20 "$log" | sed 's/^/# /' >&2
		fi
	else
		tap not-ok "build ercoexist.ko for $kver # kmod/ has no Makefile yet"
	fi
	if [ -f "$TOP/userspace/Makefile" ]; then
		if flock "$TOP/build/.userspace.lock" make -C "$TOP/userspace" >>"$log" 2>&1; then
			tap ok "build ercoexistctl"
		else
			tap not-ok "build ercoexistctl (see $log)"
			tail -n 20 "$log" | sed 's/^/# /' >&2
		fi
	fi
	# the constant-rate stream of the benchmark, which 25-carrier.sh uses
	if [ -f "$TOP/benchmarks/Makefile" ]; then
		mkdir -p "$TOP/build/bench"
		if flock "$TOP/build/.bench.lock" make -C "$TOP/benchmarks" OUT="$TOP/build/bench" >>"$log" 2>&1; then
			tap ok "build build/bench/udpstream"
		else
			tap not-ok "build build/bench/udpstream (see $log)"
			tail -n 20 "$log" | sed 's/^/# /' >&2
		fi
	fi
	if [ -f "$TOP/selftests/genl/Makefile" ]; then
		if flock "$TOP/build/.genl.lock" make -C "$TOP/selftests/genl" >>"$log" 2>&1; then
			tap ok "build selftests/genl"
		else
			tap not-ok "build selftests/genl (see $log)"
			tail -n 20 "$log" | sed 's/^/# /' >&2
		fi
	fi
}

# Kernel-log lines that fail a run (the debug kernel's reports included:
# KASAN, KFENCE, UBSAN, lockdep, PROVE_RCU, atomic sleep, debug objects,
# kmemleak, refcount and list debugging, net refcount trackers).
BADLOG='BUG|WARNING|Oops|KASAN|KFENCE|UBSAN|unreferenced object|general protection|Call Trace|kernel BUG|refcount_t|list_(add|del) corruption|list corruption|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|ODEBUG|ref_tracker|unregister_netdevice: waiting'

# One VM at a time on the machine, and one runner per results directory:
# hold the lock for the whole run (builds, boot, results).
if [ -z "${ERCX_VM_LOCKED:-}" ]; then
	exec 9>>"$LOCK"
	if ! flock -n 9; then
		echo "# waiting for $LOCK (another VM is running)"
		flock 9
	fi
	export ERCX_VM_LOCKED=1
fi

worst=0
for ser in $series; do
	# the debug lane's kernel: built once, cached
	kdir= vmlinuz= moddir= dbg=0
	if [ "$ser" = debug ]; then
		dbg=1
		dk="$TOP/selftests/vm/debug-kernel/build.sh"
		ddir=$("$dk" --print-dir)
		cached=built
		[ -f "$ddir/ready" ] && cached=cached
		echo "# debug kernel: $ddir ($cached)"
		if ! ddir=$("$dk" 2> >(sed 's/^/# /' >&2)); then
			echo "not ok 1 - build the debug kernel (selftests/vm/debug-kernel/build.sh)"
			worst=1
			continue
		fi
		kver=$(cat "$ddir/kernelrelease")
		kdir=$ddir/build
		vmlinuz=$ddir/build/arch/x86/boot/bzImage
		moddir=$ddir/modules/lib/modules/$kver
		dbg_note="debug kernel $kver ($cached; build took $(cat "$ddir/build-seconds") s on this machine)"
	else
		kver=$(pick_kernel "$ser")
		kdir=/usr/src/linux-headers-$kver
		vmlinuz=/boot/vmlinuz-$kver
	fi
	if [ -z "$kver" ]; then
		echo "run.sh: no kernel image + headers + modules for '$ser'" >&2
		echo "not ok 1 - kernel $ser installed (vmlinuz, headers, modules)"
		worst=1
		continue
	fi
	out="$TOP/build/vm/out-$kver"
	[ "$mode" = inject ] && out="$TOP/build/vm/out-$kver-inject"
	rm -rf "$out"
	mkdir -p "$out" "$TOP/build/vm/$kver"
	vmtap="$TOP/build/vm/$kver/vm.tap"
	: >"$vmtap"
	vmtap_n=0
	echo "# === kernel $kver ($mode) ==="
	[ $dbg = 1 ] && tap ok "$dbg_note"

	ko="$TOP/build/$kver/kmod/ercoexist.ko"
	if [ "$mode" = inject ]; then
		build_for "$kver" "$out" "$TOP/build/vm/$kver" "$kdir" ERCX_INJECT_DEFECTS=1
		ko="$TOP/build/$kver-inject/kmod/ercoexist.ko"
	elif [ $build = 1 ]; then
		build_for "$kver" "$out" "$TOP/build/vm/$kver" "$kdir"
	fi
	initrd="$TOP/build/vm/$kver/initramfs.cpio.gz"
	if [ ! -f "$initrd" ] || [ "$TOP/selftests/vm/mkinitramfs.sh" -nt "$initrd" ] ||
	   { [ -n "$moddir" ] && [ "$moddir/modules.builtin" -nt "$initrd" ]; }; then
		if ! ERCX_MODDIR=$moddir "$TOP/selftests/vm/mkinitramfs.sh" "$kver" "$initrd" >/dev/null; then
			tap not-ok "build the initramfs for $kver"
			worst=1
			cp "$vmtap" "$out/vm.tap"
			continue
		fi
	fi

	case "$mode" in
	exec) printf '%s\n' "$cmd" >"$out/cmd" ;;
	inject) printf '%s\n' true >"$out/cmd" ;;
	suites) printf '%s\n' "${suites[@]}" >"$out/suites" ;;
	esac

	# The debug kernel runs everything several times slower under TCG
	st=$suite_timeout vt=$timeout mem=$MEM
	if [ $dbg = 1 ]; then
		st=$((suite_timeout * 3))
		vt=$((timeout * 3))
		[ "$mode" = suites ] && vt=${ERCX_VM_TIMEOUT:-2700}
		mem=${ERCX_VM_DEBUG_MEM:-3G}
	fi
	gmode=$mode
	[ "$mode" = inject ] && gmode=exec
	append="console=ttyS0 panic=-1 oops=panic quiet loglevel=4 ercx.repo=$TOP ercx.mode=$gmode ercx.suite_timeout=$st ercx.ko=$ko"
	[ -n "$moddir" ] && append="$append ercx.moddir=$moddir"
	[ $dbg = 1 ] && append="$append ercx.debug=1"
	[ $hold_keys = 0 ] && append="$append ercx.hold_keys=0"
	[ $no_module = 1 ] && append="$append ercx.no_module=1"
	[ -n "${ERCX_HOST_BUSY:-}" ] && append="$append ercx.host_busy=1"
	for e in "${envs[@]}"; do
		append="$append ercx.env=$e"
	done
	# oops=panic would hide the guest's results after an Oops: keep running.
	append=${append/ oops=panic/}
	# shellcheck disable=SC2054 # the commas are qemu's
	qemu=(qemu-system-x86_64 -machine q35 -cpu max -smp "$SMP" -m "$mem"
		-nographic -no-reboot -nic none
		-kernel "$vmlinuz" -initrd "$initrd" -append "$append"
		-virtfs local,path=/,mount_tag=root,readonly=on,multidevs=remap,security_model=none
		-virtfs "local,path=$TOP,mount_tag=repo,readonly=on,multidevs=remap,security_model=none"
		-virtfs "local,path=$out,mount_tag=out,security_model=none")

	stream=$verbose
	[ "$mode" != suites ] && stream=1
	t0=$(date +%s)
	if [ $stream = 1 ]; then
		timeout -k 10 "$vt" "${qemu[@]}" </dev/null 2>&1 |
			tr -d '\r' | tee "$out/console.log" |
			awk '/ERCX-GUEST-START/ { on = 1; next }
			     /^ERCX-(GUEST|SUITE)-/ || /reboot: Power down/ { next }
			     on { print; fflush() }'
	else
		timeout -k 10 "$vt" "${qemu[@]}" </dev/null 2>&1 |
			tr -d '\r' >"$out/console.log"
	fi
	qrc=${PIPESTATUS[0]}
	t1=$(date +%s)

	if [ -f "$out/done" ]; then
		tap ok "boot $kver and run the guest ($((t1 - t0))s)"
	elif [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
		tap not-ok "boot $kver and run the guest: watchdog timeout after ${vt}s"
	else
		tap not-ok "boot $kver and run the guest (qemu rc=$qrc, see $out/console.log)"
	fi
	if [ ! -f "$out/done" ]; then
		echo "# --- last console lines ($out/console.log) ---"
		tail -n 40 "$out/console.log" | sed 's/^/# /'
	fi

	# The module loads (its own test point: never a reason to skip)
	if [ -f "$out/insmod.txt" ]; then
		if [ "$(head -n 1 "$out/insmod.txt")" = 0 ]; then
			tap ok "bare insmod ercoexist.ko, nothing loaded for it, depends empty ($kver)"
		else
			tap not-ok "insmod ercoexist.ko ($kver): $(sed -n '2,$p' "$out/insmod.txt" | tr '\n' ' ')"
		fi
	elif [ -f "$out/done" ] && [ $no_module = 0 ]; then
		tap not-ok "insmod ercoexist.ko ($kver): the guest did not try"
	fi

	if [ "$mode" = suites ]; then
		for s in "${suites[@]}"; do
			name=${s//\//_}
			name=${name%.sh}
			echo "# --- $s ($kver) ---"
			if [ -s "$out/$name.tap" ]; then
				cat "$out/$name.tap"
			else
				echo "1..1"
				echo "not ok 1 - $s produced no TAP (rc=$(cat "$out/$name.rc" 2>/dev/null || echo none))"
				echo "1..1" >"$out/$name.tap"
				echo "not ok 1 - $s produced no TAP" >>"$out/$name.tap"
			fi
			rc=$(cat "$out/$name.rc" 2>/dev/null || echo none)
			if [ "$rc" != 0 ]; then
				echo "# $s exit status $rc; stderr: $out/$name.log"
				tail -n 15 "$out/$name.log" 2>/dev/null | sed 's/^/#   /'
			fi
		done
	fi

	# The kernel log: from the guest's dmesg, else what reached the console;
	# judged from the guest's start marker on.  A report from the kernel's
	# own boot, before the module or a suite ran (the debug kernel under TCG
	# once gave a KASAN wild-memory-access in handle_edge_irq at 1.6 s), is
	# shown but is not ours to fail on.
	log="$out/dmesg.txt"
	[ -f "$log" ] || log="$out/console.log"
	if grep -q 'ercx-guest: start' "$log"; then
		sed -n '1,/ercx-guest: start/p' "$log" >"$out/dmesg-boot.txt"
		sed -n '/ercx-guest: start/,$p' "$log" >"$out/dmesg-guest.txt"
		grep -E "$BADLOG" "$out/dmesg-boot.txt" | head -n 3 |
			sed "s/^/# kernel boot, before the guest started ($kver): /"
		log="$out/dmesg-guest.txt"
	fi
	bad=$(grep -E "$BADLOG" "$log" | grep -v 'ERCX-' | head -n 20)
	if [ "$mode" = inject ]; then
		# the checks must see the deliberate defects
		if grep -q 'BUG: KASAN: slab-use-after-free in ercx_inject_defects' "$log"; then
			tap ok "injected use-after-free reported by KASAN ($kver)"
		else
			tap not-ok "injected use-after-free reported by KASAN ($kver)"
		fi
		# an object allocated by insmod's module init (the module is gone
		# by the scan, so its own frames do not resolve)
		if grep -q 'unreferenced object' "$out/kmemleak.txt" 2>/dev/null &&
		   grep -q 'do_init_module' "$out/kmemleak.txt"; then
			tap ok "injected leak reported by kmemleak ($kver)"
		else
			tap not-ok "injected leak reported by kmemleak ($kver)"
		fi
		if [ -n "$bad" ]; then
			tap ok "the injected defects fail the kernel-log check ($kver)"
		else
			tap not-ok "the injected defects fail the kernel-log check ($kver)"
		fi
		printf '%s\n' "$bad" | sed 's/^/# injected: /'
		sed -n '1,12p' "$out/kmemleak.txt" 2>/dev/null | sed 's/^/# kmemleak: /'
	elif [ -z "$bad" ] && [ -f "$out/done" ]; then
		tap ok "kernel log clean ($kver)"
	else
		tap not-ok "kernel log clean ($kver)"
		[ -n "$bad" ] && printf '%s\n' "$bad" | sed 's/^/# /'
	fi
	if [ $dbg = 1 ] && [ "$mode" = suites ]; then
		# after flush and rmmod, two scans (see guest.sh)
		if [ -f "$out/rmmod.txt" ] && [ "$(head -n 1 "$out/rmmod.txt")" = 0 ]; then
			tap ok "flush and rmmod ercoexist at the end ($kver)"
		else
			tap not-ok "flush and rmmod ercoexist at the end ($kver): $(sed -n '2,$p' "$out/rmmod.txt" 2>/dev/null | tr '\n' ' ')"
		fi
		if [ -f "$out/kmemleak.txt" ] && [ ! -s "$out/kmemleak.txt" ]; then
			tap ok "kmemleak clean after rmmod ($kver)"
		else
			tap not-ok "kmemleak clean after rmmod ($kver)"
			sed -n '1,40p' "$out/kmemleak.txt" 2>/dev/null | sed 's/^/# /'
		fi
	fi

	{ echo "1..$vmtap_n"; cat "$vmtap"; } >"$out/vm.tap"
	echo "# --- runner ($kver) ---"
	cat "$out/vm.tap"
	case "$mode" in
	inject)
		grep -q '^not ok' "$out/vm.tap" && worst=1
		;;
	exec|demo)
		# CMD's status decides, unless the VM or the kernel log failed
		# (a module that did not build is reported above, not fatal).
		grep -E '^not ok' "$out/vm.tap" | grep -qv ' - build ' && worst=1
		rc=$(cat "$out/exec.rc" 2>/dev/null || echo 1)
		[ "$rc" != 0 ] && [ "$worst" -lt "$rc" ] && worst=$rc
		echo "# exit status on $kver: $rc"
		;;
	suites)
		grep -q '^not ok' "$out/vm.tap" && worst=1
		for s in "${suites[@]}"; do
			name=${s//\//_}
			name=${name%.sh}
			grep -q '^not ok' "$out/$name.tap" && worst=1
		done
		;;
	esac
done
exit "$worst"
