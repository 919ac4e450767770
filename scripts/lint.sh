#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Kernel code quality gates, on every installed kernel we test on:
#   checkpatch.pl --strict, sparse (C=1) and W=1, each with zero findings;
#   kernel-doc -Wall clean, and a kernel-doc comment on every non-static
#   function (kernel-doc itself does not report missing ones); no circle of
#   calls between the kernel files (scripts/kmod-callgraph.py).
# Prints TAP; exits non-zero when a gate fails.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/lint
mkdir -p "$out"

src=/usr/src/linux-source-6.12.tar.xz
if [ ! -x "$out/scripts/checkpatch.pl" ] || [ ! -x "$out/scripts/kernel-doc" ]; then
	tar -xJf "$src" -C "$out" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc' || exit 1
fi

n=0 fail=0
tap() { # status description [details-file]
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"; fail=$((fail + 1))
		[ -n "${3:-}" ] && sed 's/^/# /' "$3" | head -40
	fi
}

# the sources, not what kbuild generates next to them (ercoexist.mod.c)
kfiles=$(cd "$top" && ls kmod/*.c kmod/*.h kmod/core/*.c kmod/core/*.h \
	include/uapi/linux/ercoexist.h 2>/dev/null | grep -v '\.mod\.c$')
(cd "$top" && "$out/scripts/checkpatch.pl" --no-tree --strict --quiet \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $kfiles) > "$out/checkpatch.log" 2>&1
tap $? "checkpatch --strict: kernel sources" "$out/checkpatch.log"

# kernel-doc prints its warnings and, in 6.12, exits 0 all the same
(cd "$top" && "$out/scripts/kernel-doc" -none -Wall $kfiles) > "$out/kernel-doc.log" 2>&1
rc=$?
[ $rc -eq 0 ] && [ -s "$out/kernel-doc.log" ] && rc=1
tap $rc "kernel-doc -Wall: kernel sources" "$out/kernel-doc.log"

(cd "$top" && "$top/scripts/kernel-doc-missing.py" $(echo "$kfiles" | grep '\.c$')) \
	> "$out/kernel-doc-missing.log" 2>&1
tap $? "kernel-doc on every non-static function" "$out/kernel-doc-missing.log"

for kdir in $(ls -d /usr/src/linux-headers-6.1.0-*-amd64 2>/dev/null | sort -V | tail -n 1) \
	    $(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1); do
	kver=${kdir#/usr/src/linux-headers-}
	b=$out/$kver
	rm -rf "$b"; mkdir -p "$b"
	cp -r "$top/kmod" "$top/include" "$b/"
	make -s -C "$b/kmod" KDIR="$kdir" W=1 C=1 > "$b/build.log" 2>&1
	rc=$?
	# Any compiler or sparse diagnostic is a finding.
	if [ $rc -eq 0 ] && grep -Eq 'warning:|error:' "$b/build.log"; then rc=1; fi
	tap $rc "W=1 and sparse clean on $kver" "$b/build.log"
	# the kernel files form layers: no circle of calls between them
	"$top/scripts/kmod-callgraph.py" "$b/kmod" > "$b/callgraph.log" 2>&1
	tap $? "kernel files call each other in layers, no circle ($kver)" "$b/callgraph.log"
done

echo "1..$n"
[ $fail -eq 0 ]
