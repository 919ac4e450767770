#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug lane's kernel from Debian's linux-source-6.12:
# allnoconfig + kernel.config + debug.config, everything built in.  The
# build is cached under ${ERCX_CACHE:-$HOME/.cache/ercoexist}/debug-kernel/,
# keyed by the source package's version and a hash of the two fragments and
# this script, so a machine builds it once.
#
#   build.sh [--print-dir]
#
# Prints the cache directory on stdout (last line); in it:
#   build/arch/x86/boot/bzImage   the kernel
#   build/                        the O= tree, KDIR for external modules
#   kernelrelease                 e.g. 6.12.118-ercx-debug
#   build-seconds                 how long the build took on this machine
#   ready                         written last
# --print-dir prints the directory without building (it may not be ready).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TARBALL=/usr/src/linux-source-6.12.tar.xz
CACHE=${ERCX_CACHE:-${HOME:-/root}/.cache/ercoexist}/debug-kernel

[ -f "$TARBALL" ] || { echo "build.sh: $TARBALL missing (make deps installs linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
hash=$(cat "$HERE/kernel.config" "$HERE/debug.config" "$HERE/build.sh" | sha256sum | cut -c1-12)
dir=$CACHE/$srcver-$hash

if [ "${1:-}" = --print-dir ]; then
	echo "$dir"
	exit 0
fi
if [ -f "$dir/ready" ]; then
	echo "$dir"
	exit 0
fi

mkdir -p "$CACHE"
exec 8>>"$CACHE/.lock"
flock 8
if [ -f "$dir/ready" ]; then
	echo "$dir"
	exit 0
fi
# Only one version is kept (a tree is several GiB); an older key's tree
# of the same source is taken over, so a changed fragment rebuilds only
# what it touches.
for old in "$CACHE"/*/; do
	old=${old%/}
	[ -d "$old" ] && [ "$old" != "$dir" ] || continue
	if [ ! -d "$dir/build" ] && [ "${old##*/}" != "${old##*/"$srcver"-}" ] &&
	   [ -f "$old/src/Makefile" ] && [ -d "$old/build" ]; then
		mkdir -p "$dir"
		mv "$old/src" "$dir/src"
		mv "$old/build" "$dir/build"
		echo "build.sh: reusing the tree of ${old##*/}" >&2
	fi
	rm -rf "$old"
done

t0=$(date +%s)
mkdir -p "$dir"
if [ ! -f "$dir/src/Makefile" ]; then
	echo "build.sh: extracting $TARBALL" >&2
	rm -rf "$dir/src" "$dir/src.tmp"
	mkdir -p "$dir/src.tmp"
	tar -xJf "$TARBALL" -C "$dir/src.tmp" --strip-components=1
	mv "$dir/src.tmp" "$dir/src"
fi
src=$dir/src
b=$dir/build
mkdir -p "$b"
jobs=$(nproc)
mk() { make -s -C "$src" O="$b" "$@"; }

echo "build.sh: configuring (allnoconfig + kernel.config + debug.config)" >&2
mk allnoconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" \
	"$HERE/kernel.config" "$HERE/debug.config" >"$dir/merge.log" 2>&1
mk olddefconfig >/dev/null
# Every option the fragments ask for must have its value in the result.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n) opt=${line%%=*}
		if grep -q "^$opt=" "$b/.config"; then
			echo "build.sh: $opt is set, fragments say n" >&2; bad=1
		fi ;;
	CONFIG_*=*)
		if ! grep -qxF "$line" "$b/.config"; then
			echo "build.sh: '$line' did not survive olddefconfig (got: $(grep "^${line%%=*}=" "$b/.config" || echo unset))" >&2
			bad=1
		fi ;;
	esac
done < <(cat "$HERE/kernel.config" "$HERE/debug.config")
[ $bad = 0 ] || exit 1

echo "build.sh: building bzImage with $jobs jobs (about 20-30 min on 2 cores)" >&2
mk -j"$jobs" bzImage modules >"$dir/make.log" 2>&1 || {
	tail -n 40 "$dir/make.log" >&2
	exit 1
}
mk modules_prepare >>"$dir/make.log" 2>&1
mk -s kernelrelease >"$dir/kernelrelease"
t1=$(date +%s)
echo $((t1 - t0)) >"$dir/build-seconds"
# No modules are built (everything is in): give modprobe its index.
rm -rf "$dir/modules"
mkdir -p "$dir/modules/lib/modules/$(cat "$dir/kernelrelease")"
mk INSTALL_MOD_PATH="$dir/modules" modules_install >>"$dir/make.log" 2>&1 || true
cp "$b/modules.builtin" "$b/modules.builtin.modinfo" \
	"$dir/modules/lib/modules/$(cat "$dir/kernelrelease")/" 2>/dev/null || true
depmod -b "$dir/modules" "$(cat "$dir/kernelrelease")" 2>/dev/null || true
touch "$dir/ready"
echo "build.sh: $(cat "$dir/kernelrelease") built in $((t1 - t0)) s" >&2
echo "$dir"
