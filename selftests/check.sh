#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: host unit tests, the netlink spec check, the kernel code
# gates (checkpatch, sparse, W=1) and the DKMS install path, then the VM
# kselftests on Debian's 6.1 and 6.12 and on the debug lane's kernel (KASAN,
# lockdep, kmemleak...; built once from linux-source-6.12 and cached, in the
# background while the other lanes run), whose own checks are
# proven by a run with deliberate defects that must fail.
#
#   check.sh [--unit-only | --vm-only] [--kernel 6.1|6.12|debug|all]
#
# Collects every TAP stream, prints a summary per suite and ends with exactly
# one line "N passed, N failed, N skipped" (TAP test points over everything).
# Exits non-zero when anything failed, a component is missing, or a kernel
# could not boot.  A skip is reported with its reason (selftests/README lists
# the only ones allowed); `not ok ... # TODO` counts as failed unless it
# cites a known upstream bug (a URL or a commit id), then as "todo".
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RES=$TOP/build/check
unit=1 vm=1 kernels=all

while [ $# -gt 0 ]; do
	case "$1" in
	--unit-only) vm=0 ;;
	--vm-only) unit=0 ;;
	--kernel) kernels=$2; shift ;;
	--kernel=*) kernels=${1#*=} ;;
	-h|--help) sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "check.sh: unknown argument '$1'" >&2; exit 1 ;;
	esac
	shift
done

rm -rf "$RES"
mkdir -p "$RES"
# Each entry: "LABEL<TAB>TAP-FILE"
results=()

add_missing() {	# LABEL WHY: a component that is not there counts as a failure
	local f
	f="$RES/$(echo "$1" | tr -c 'A-Za-z0-9._-' '_').tap"
	printf '1..1\nnot ok 1 - %s # %s\n' "$1" "$2" >"$f"
	results+=("$1	$f")
}

# run_tap LABEL CMD...: run a TAP-printing command, keep its output
run_tap() {
	local label=$1 f rc
	shift
	f="$RES/$(echo "$label" | tr -c 'A-Za-z0-9._-' '_').tap"
	echo "### $label: $*"
	"$@" >"$f" 2>"$f.err"
	rc=$?
	cat "$f"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$f"; then
		# failed without saying which test: count it
		echo "not ok - $label exited with status $rc" | tee -a "$f"
		tail -n 20 "$f.err" | sed 's/^/# /'
	fi
	results+=("$label	$f")
}

# The debug lane's kernel takes the longest to build (about half an hour on
# two cores, once per machine): start it now, niced, so it builds while the
# unit tests and the 6.1 and 6.12 VMs run (those leave a core idle much of
# the time: the suites mostly wait on timers and packets).
case "$kernels" in all) series="6.1 6.12 debug" ;; *) series=${kernels//,/ } ;; esac
dk_pid=
if [ $vm = 1 ] && [[ " $series " == *" debug "* ]]; then
	dk=$TOP/selftests/vm/debug-kernel/build.sh
	if [ ! -f "$("$dk" --print-dir)/ready" ]; then
		echo "### debug kernel: not cached, building it in the background ($RES/debug-kernel.log)"
		nice -n 10 "$dk" >"$RES/debug-kernel.log" 2>&1 &
		dk_pid=$!
	fi
fi

if [ $unit = 1 ]; then
	if [ -f "$TOP/kmod/core/test/Makefile" ]; then
		run_tap "unit: kmod/core" make -s --no-print-directory -C "$TOP/kmod/core/test" check
	else
		add_missing "unit: kmod/core" "kmod/core/test/Makefile missing"
	fi
	if [ -f "$TOP/userspace/Makefile" ]; then
		run_tap "unit: userspace" make -s --no-print-directory -C "$TOP/userspace" check
	else
		add_missing "unit: userspace" "userspace/Makefile missing"
	fi
	# the YAML spec against the kernel's genetlink schema, our UAPI and
	# the hand-written policies of kmod/ (ynl-gen-c renders the comparison)
	run_tap "spec: ercoexist.yaml" /usr/bin/python3 "$TOP/scripts/spec-check.py"
	# checkpatch --strict, sparse and W=1 on both kernels
	run_tap "lint: kernel sources" "$TOP/scripts/lint.sh"
	# make dkms-install for 6.1 and 6.12 on the host, checked, then removed
	run_tap "dkms: install and remove" "$TOP/selftests/dkms.sh"
fi

if [ $vm = 1 ]; then
	for s in $series; do
		if [ "$s" = debug ] && [ -n "$dk_pid" ]; then
			echo "### vm: kernel debug: waiting for its build"
			if ! wait "$dk_pid"; then
				tail -n 30 "$RES/debug-kernel.log" | sed 's/^/# /'
				add_missing "vm debug: runner" "the debug kernel did not build (see $RES/debug-kernel.log)"
				continue
			fi
			tail -n 2 "$RES/debug-kernel.log" | sed "s/^/# /"
		fi
		echo "### vm: kernel $s"
		# timings compared in a guest mean little while the host builds
		# a kernel beside it (25-carrier does not judge its order then)
		busy=
		if [ -n "$dk_pid" ] && kill -0 "$dk_pid" 2>/dev/null; then
			busy=1
			echo "### vm: kernel $s: the debug kernel builds beside it"
		fi
		ERCX_HOST_BUSY=$busy "$TOP/selftests/vm/run.sh" --kernel "$s" | tee "$RES/vm-$s.out"
		kver=$(sed -n 's/^# === kernel \([^ ]*\) .*/\1/p' "$RES/vm-$s.out" | head -n 1)
		out="$TOP/build/vm/out-$kver"
		if [ -z "$kver" ] || [ ! -f "$out/vm.tap" ]; then
			add_missing "vm $s: runner" "no results (kernel $s not installed or the runner failed)"
			continue
		fi
		results+=("vm $s: runner	$out/vm.tap")
		while read -r suite; do
			[ -n "$suite" ] || continue
			name=${suite//\//_}
			name=${name%.sh}
			if [ -f "$out/$name.tap" ]; then
				results+=("vm $s: $suite	$out/$name.tap")
			else
				add_missing "vm $s: $suite" "no TAP output"
			fi
		done <"$out/suites"
		if [ "$s" = debug ]; then
			# the lane's checks must fail a run with deliberate defects
			echo "### vm: kernel debug, injected defects (must be reported)"
			"$TOP/selftests/vm/run.sh" --kernel debug --inject-defects --no-build |
				tee "$RES/vm-inject.out"
			if [ -f "$out-inject/vm.tap" ]; then
				cp "$out-inject/vm.tap" "$RES/vm-inject.tap"
				results+=("vm debug: injected defects	$RES/vm-inject.tap")
			else
				add_missing "vm debug: injected defects" "no results"
			fi
		fi
	done
fi

# Count TAP test points: "ok", "not ok", "# SKIP" (and a "1..0 # SKIP" plan
# as one skip); a plan that promised more points than ran counts the rest
# as failed.
echo
echo "### summary"
tp=0 tf=0 ts=0 tt=0
: >"$RES/skips.txt"
for r in "${results[@]}"; do
	label=${r%%	*}
	f=${r#*	}
	read -r p fl sk td <<<"$(awk '
		/^[ \t]*#/ { next }
		/^1\.\.0/ { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; next }
		/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); plan = $0 + 0; next }
		/^not ok/ { n++
			if ($0 ~ /# *TODO/ && $0 ~ /(https?:\/\/|commit [0-9a-f]{12})/) t++
			else f++
			next }
		/^ok/ { n++; if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) s++; else p++; next }
		END {
			if (plan > n) f += plan - n
			printf "%d %d %d %d\n", p, f, s, t
		}' "$f")"
	st=PASS
	[ "$fl" -gt 0 ] && st=FAIL
	[ "$fl" -eq 0 ] && [ "$p" -eq 0 ] && [ "$sk" -gt 0 ] && st=SKIP
	printf '%-4s %-44s %3d passed, %3d failed, %3d skipped\n' "$st" "$label" "$p" "$fl" "$sk"
	tp=$((tp + p))
	tt=$((tt + td))
	grep -E '# *SKIP' "$f" | sed "s|^|     skip: $label: |" >>"$RES/skips.txt"
	grep -E '^not ok.*# *TODO' "$f" | sed "s|^|     todo: $label: |" >>"$RES/skips.txt"
	tf=$((tf + fl))
	ts=$((ts + sk))
done
if [ -s "$RES/skips.txt" ]; then
	echo "### skipped and todo, with their reasons"
	cat "$RES/skips.txt"
fi
[ "$tt" -gt 0 ] && echo "($tt not ok # TODO with an upstream reference, not counted as failed)"
echo "$tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ] && [ ${#results[@]} -gt 0 ]
