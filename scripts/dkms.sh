#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ercoexist.ko through DKMS (make dkms-install, make dkms-remove).
#
#   dkms.sh install [KVER...]  copy the module's sources to
#                              /usr/src/ercoexist-VERSION, dkms add, then
#                              dkms build and dkms install for each KVER
#                              (default: every kernel with headers, i.e. a
#                              /lib/modules/KVER/build/Makefile)
#   dkms.sh remove             dkms remove ercoexist/VERSION --all, and
#                              delete /usr/src/ercoexist-VERSION
#   dkms.sh version            print VERSION
#
# VERSION is PROG_VERSION in userspace/ercoexistctl.h without its "v": the
# one place the project's version is written.  Root only, into the running
# system (DKMS has no DESTDIR): /usr/src, /var/lib/dkms and
# /lib/modules/KVER/updates/dkms.  Installing a version that is already
# added removes it first (from every kernel), so its sources are the ones
# of this tree.
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=ercoexist

version() {
	local v
	v=$(sed -n 's/^#define[ \t]*PROG_VERSION[ \t]*"v\{0,1\}\([^"]*\)".*/\1/p' \
		"$TOP/userspace/ercoexistctl.h")
	if [ -z "$v" ]; then
		echo "dkms.sh: no PROG_VERSION in userspace/ercoexistctl.h" >&2
		exit 1
	fi
	echo "$v"
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "dkms.sh: $1 needs root (DKMS installs into /usr/src, /var/lib/dkms and /lib/modules)" >&2
		exit 1
	fi
	if ! command -v dkms >/dev/null; then
		echo "dkms.sh: dkms not found (make deps, or apt-get install dkms)" >&2
		exit 1
	fi
}

# What the build needs, in the repository's layout (kmod/Kbuild includes
# ../include/uapi): kmod/ and kmod/core/ sources and the UAPI header.
# Never kmod/core/test/ nor kbuild's output (*.mod.c).
copy_sources() {	# DEST
	local dst=$1 f
	cd "$TOP"
	for f in kmod/Kbuild kmod/Makefile kmod/*.c kmod/*.h kmod/core/*.c \
		 kmod/core/*.h include/uapi/linux/ercoexist.h; do
		case "$f" in *.mod.c) continue ;; esac
		install -D -m 0644 "$f" "$dst/$f"
	done
	sed "s/#MODULE_VERSION#/$VERSION/" dkms.conf >"$dst/dkms.conf"
	chmod 0644 "$dst/dkms.conf"
}

added() {
	[ -n "$(dkms status "$NAME/$VERSION" 2>/dev/null)" ]
}

do_remove() {
	if added; then
		dkms remove "$NAME/$VERSION" --all
	fi
	rm -rf "/usr/src/$NAME-$VERSION"
}

do_install() {
	local k kernels=("$@")
	if [ ${#kernels[@]} -eq 0 ]; then
		for k in /lib/modules/*/build/Makefile; do
			[ -f "$k" ] || continue
			k=${k#/lib/modules/}
			kernels+=("${k%%/*}")
		done
	fi
	if [ ${#kernels[@]} -eq 0 ]; then
		echo "dkms.sh: no kernel headers installed (/lib/modules/*/build)" >&2
		exit 1
	fi
	# A module that `make install` put in /lib/modules/KVER/updates or extra:
	# without a MODULE_VERSION DKMS finds the two "the same version" and
	# refuses to install over it, after its build.  Say so before.
	local other=
	for k in "${kernels[@]}"; do
		other+=$(find "/lib/modules/$k" -name "$NAME.ko*" \
			-not -path "/lib/modules/$k/updates/dkms/*" -printf ' %p' 2>/dev/null)
	done
	if [ -n "$other" ]; then
		echo "dkms.sh: remove the module installed without DKMS first (rm, then depmod KVER):$other" >&2
		exit 1
	fi
	do_remove
	copy_sources "/usr/src/$NAME-$VERSION"
	dkms add "$NAME/$VERSION"
	for k in "${kernels[@]}"; do
		dkms build "$NAME/$VERSION" -k "$k"
		dkms install "$NAME/$VERSION" -k "$k"
	done
	dkms status "$NAME/$VERSION"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
VERSION=$(version)
case "$cmd" in
version) echo "$VERSION" ;;
install) need_root "install"; do_install "$@" ;;
remove) need_root "remove"; do_remove ;;
*)
	sed -n '4,12p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 1
	;;
esac
