#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The DKMS install path (issue 9 item 7), on the host: `make dkms-install`
# for the newest installed 6.1 and 6.12 headers (/usr/src/linux-headers-*-
# amd64), then what DKMS made of it (dkms status, the .ko under
# /lib/modules/KVER/updates/dkms, its vermagic and dependencies, depmod's
# index), then `make dkms-remove` and that nothing is left: no DKMS entry,
# no /usr/src/ercoexist-VERSION, /lib/modules/KVER as it was.  Prints TAP.
#
# Needs root and dkms (make deps installs it: missing is a failure).  It
# refuses to run when ercoexist/VERSION is already in DKMS (a real install:
# make dkms-remove first), and removes what it installed on any exit.
# Builds the module twice, with DKMS's own make -j: about a minute.
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=selftests/net/lib.sh
. "$TOP/selftests/net/lib.sh"

start=$(date +%s)
out=$TOP/build/dkms
rm -rf "$out"
mkdir -p "$out"

require_root
require_cmds dkms modinfo make find sha256sum

VERSION=$("$TOP/scripts/dkms.sh" version) || tap_fail_all "no version (scripts/dkms.sh version)"
NAME=ercoexist
SRC=/usr/src/$NAME-$VERSION

if [ -n "$(dkms status "$NAME/$VERSION" 2>/dev/null)" ] || [ -e "$SRC" ]; then
	tap_fail_all "$NAME/$VERSION is already installed through DKMS or $SRC exists (make dkms-remove first)"
fi

# The kernels: the newest 6.1 and 6.12 headers, as scripts/lint.sh picks them.
kernels=()
for series in '6.1.0-*' '6.12.*'; do
	# shellcheck disable=SC2086,SC2012
	d=$(ls -d /usr/src/linux-headers-$series-amd64 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && kernels+=("${d#/usr/src/linux-headers-}")
done
nk=${#kernels[@]}

tap_plan $((2 + 2 + 5 * nk + 1 + 2 * nk + 3))

cleanup() {
	if [ -n "$(dkms status "$NAME/$VERSION" 2>/dev/null)" ] || [ -e "$SRC" ]; then
		"$TOP/scripts/dkms.sh" remove >>"$out/cleanup.log" 2>&1
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# show the last lines of a log as TAP diagnostics
diag_tail() { tail -n "${2:-25}" "$1" | sed 's/^/# /'; }

has() {	# SERIES: 0 when a kernel of that series was found
	local k
	for k in "${kernels[@]}"; do
		case "$k" in "$1"*) return 0 ;; esac
	done
	return 1
}
check "linux-headers for 6.1 installed (/usr/src/linux-headers-6.1.0-*-amd64)" has 6.1.0-
check "linux-headers for 6.12 installed (/usr/src/linux-headers-6.12.*-amd64)" has 6.12.
diag "version $VERSION; kernels: ${kernels[*]}"

# What must come back as it was: every path under /lib/modules/KVER, and
# depmod's dependency list.
for k in "${kernels[@]}"; do
	find "/lib/modules/$k" | sort >"$out/before-$k.files"
	sha256sum <"/lib/modules/$k/modules.dep" >"$out/before-$k.dep"
done

# ---------------------------------------------------------------- install

make -C "$TOP" --no-print-directory dkms-install DKMS_KERNELS="${kernels[*]}" \
	>"$out/install.log" 2>&1
rc=$?
tap_result $rc "make dkms-install DKMS_KERNELS=\"${kernels[*]}\""
if [ $rc -ne 0 ]; then
	diag_tail "$out/install.log"
	l=/var/lib/dkms/$NAME/$VERSION/build/make.log
	[ -f "$l" ] && { diag "$l:"; diag_tail "$l" 15; }
fi

grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$SRC/dkms.conf" 2>/dev/null
tap_result $? "$SRC/dkms.conf has PACKAGE_VERSION=\"$VERSION\""

for k in "${kernels[@]}"; do
	# (dkms status runs readelf, whose warnings are noise here; KVER has
	# a "+", so no regular expression)
	st=$(dkms status "$NAME/$VERSION" -k "$k" 2>/dev/null)
	[[ "$st" == "$NAME/$VERSION, $k, "*": installed" ]]
	tap_result $? "dkms status: $NAME/$VERSION installed for $k"
	[ -n "$st" ] && diag "dkms status: $st"

	# compressed as the kernel's own modules are (6.12: .ko.xz)
	kos=$(find "/lib/modules/$k" -name "$NAME.ko*" 2>/dev/null)
	base=/lib/modules/$k/updates/dkms/$NAME.ko
	ko=$base
	case "$kos" in "$base" | "$base".xz | "$base".zst | "$base".gz) ko=$kos; rc=0 ;; *) rc=1 ;; esac
	tap_result $rc "$k: the module is ${base}[.xz|.zst|.gz], and only there"
	diag "found: ${kos//$'\n'/ }"

	vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
	[ "${vm%% *}" = "$k" ]
	tap_result $? "$k: its vermagic is $k"
	diag "vermagic: $vm"

	[ -f "$ko" ] && [ -z "$(modinfo -F depends "$ko")" ]
	tap_result $? "$k: it depends on no other module"

	# depmod ran: modprobe -S $k would find this copy
	[ "$(modinfo -k "$k" -F filename "$NAME" 2>/dev/null)" = "$ko" ]
	tap_result $? "$k: modinfo -k $k $NAME resolves to it (depmod ran)"
done

# ---------------------------------------------------------------- remove

make -C "$TOP" --no-print-directory dkms-remove >"$out/remove.log" 2>&1
rc=$?
tap_result $rc "make dkms-remove"
[ $rc -ne 0 ] && diag_tail "$out/remove.log"

for k in "${kernels[@]}"; do
	kos=$(find "/lib/modules/$k" -name "$NAME.ko*" 2>/dev/null)
	[ -z "$kos" ]
	tap_result $? "$k: no $NAME.ko left under /lib/modules/$k"
	[ -n "$kos" ] && diag "left: ${kos//$'\n'/ }"

	find "/lib/modules/$k" | sort >"$out/after-$k.files"
	sha256sum <"/lib/modules/$k/modules.dep" >"$out/after-$k.dep"
	diff -u "$out/before-$k.files" "$out/after-$k.files" >"$out/diff-$k" &&
		cmp -s "$out/before-$k.dep" "$out/after-$k.dep"
	tap_result $? "$k: /lib/modules/$k as before (same paths, same modules.dep)"
	[ -s "$out/diff-$k" ] && diag_tail "$out/diff-$k" 10
done

[ -z "$(dkms status "$NAME" 2>&1)" ]
tap_result $? "dkms status lists no $NAME"
[ ! -e "/var/lib/dkms/$NAME" ]
tap_result $? "/var/lib/dkms/$NAME is gone"
[ ! -e "$SRC" ]
tap_result $? "$SRC is gone"

diag "took $(($(date +%s) - start)) s"
tap_end
