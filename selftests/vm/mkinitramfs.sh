#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a tiny busybox initramfs for a Debian kernel version: it loads the
# 9p stack (from /lib/modules/<kver>, .ko.xz/.ko.zst decompressed here), mounts
# the host's root (shared read-only over virtio-9p) and switch_roots into it,
# running selftests/vm/guest.sh from the repo (also shared, at its own path).
#
#   mkinitramfs.sh KVER OUTPUT.cpio.gz
#
# The guest's /init reads from the kernel command line:
#   ercx.repo=PATH    the repo's path on the host (mounted at the same path)
#   ercx.*            passed on to guest.sh (which parses /proc/cmdline)
set -euo pipefail

kver=${1:?usage: mkinitramfs.sh KVER OUTPUT}
out=${2:?usage: mkinitramfs.sh KVER OUTPUT}
# ERCX_MODDIR: the modules of a kernel not installed in /lib/modules (the
# debug lane's, whose 9p stack is built in)
moddir=${ERCX_MODDIR:-/lib/modules/$kver}
busybox=$(command -v busybox || true)

[ -f "$moddir/modules.dep" ] || { echo "mkinitramfs: no $moddir/modules.dep" >&2; exit 1; }
[ -n "$busybox" ] || { echo "mkinitramfs: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is dynamically linked; install busybox-static" >&2
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,dev,proc,sys,newroot,lib/modules}
cp "$busybox" "$root/bin/busybox"
for a in sh mount umount mkdir insmod switch_root sleep cat echo ls poweroff \
	 grep sed ln mknod dmesg tr; do
	ln -s busybox "$root/bin/$a"
done

# Resolve load order from modules.dep: dependencies before dependants.
declare -A seen=()
order=()
depline() { grep -E "^([^:]*/)?$1\.ko(\.xz|\.zst|\.gz)?:" "$moddir/modules.dep" | head -n 1; }
resolve() {
	local name=$1 line path deps d i
	line=$(depline "$name") || true
	if [ -z "$line" ]; then
		# built in (e.g. virtio_pci on 6.12) or absent: nothing to load
		if grep -qE "/$name\.ko$" "$moddir/modules.builtin" 2>/dev/null; then
			return 0
		fi
		echo "mkinitramfs: module $name not found for $kver (not built in either)" >&2
		return 1
	fi
	path=${line%%:*}
	[ -n "${seen[$path]:-}" ] && return 0
	seen[$path]=1
	read -r -a deps <<<"${line#*:}"
	# modules.dep lists the deepest dependencies last: load from the end.
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
		d=$(basename "${deps[i]}")
		d=${d%%.ko*}
		resolve "$d"
	done
	order+=("$path")
}
# virtio_pci: the transport (=m on 6.1, =y on 6.12); 9pnet_virtio and 9p:
# the filesystem (netfs, fscache, 9pnet come as their dependencies).
for m in virtio_pci 9pnet_virtio 9p; do
	resolve "$m"
done

: >"$root/modules.list"
for p in "${order[@]}"; do
	name=$(basename "$p")
	base=${name%%.ko*}.ko
	case "$name" in
	*.ko.xz) xz -dc "$moddir/$p" >"$root/lib/modules/$base" ;;
	*.ko.zst) zstd -qdc "$moddir/$p" >"$root/lib/modules/$base" ;;
	*.ko.gz) gzip -dc "$moddir/$p" >"$root/lib/modules/$base" ;;
	*) cp "$moddir/$p" "$root/lib/modules/$base" ;;
	esac
	echo "$base" >>"$root/modules.list"
done

cat >"$root/init" <<'EOF'
#!/bin/sh
# ercoexist test VM: load 9p, mount the host root read-only, run guest.sh.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null

fail() {
	echo "ercx-init: $*" >/dev/console
	echo "ERCX-GUEST-FAILED: $*" >/dev/console
	poweroff -f
	sleep 5
	exit 1
}

for m in $(cat /modules.list); do
	insmod "/lib/modules/$m" 2>/dev/null || \
		grep -q "^${m%.ko} " /proc/modules || fail "insmod $m failed"
done

repo=
for a in $(cat /proc/cmdline); do
	case "$a" in
	ercx.repo=*) repo=${a#ercx.repo=} ;;
	esac
done
[ -n "$repo" ] || fail "no ercx.repo= on the kernel command line"

# The virtio device may appear a moment after the driver is loaded.
n=0
until mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
	root /newroot 2>/dev/null; do
	n=$((n + 1))
	[ $n -lt 50 ] || fail "cannot mount the 9p root"
	sleep 0.1
done

mount -t tmpfs -o mode=1777 tmpfs /newroot/tmp || fail "tmpfs /tmp"
mount -t tmpfs -o mode=755 tmpfs /newroot/run || fail "tmpfs /run"
mount --move /dev /newroot/dev 2>/dev/null || mount -t devtmpfs devtmpfs /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 tmpfs /newroot/dev/shm
ln -sf /proc/self/fd /newroot/dev/fd
ln -sf /proc/self/fd/0 /newroot/dev/stdin
ln -sf /proc/self/fd/1 /newroot/dev/stdout
ln -sf /proc/self/fd/2 /newroot/dev/stderr
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys

# The repo (may live under /tmp on the host, which the guest shadows).
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
	repo "/newroot$repo" 2>/dev/null || {
	mkdir -p "/newroot$repo" 2>/dev/null
	mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
		repo "/newroot$repo" || fail "cannot mount the repo at $repo"
}
# The writable results share.
mkdir -p /newroot/run/ercx-out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /newroot/run/ercx-out || \
	fail "cannot mount the out share"

[ -x "/newroot/bin/bash" ] || fail "no /bin/bash in the shared root"
[ -f "/newroot$repo/selftests/vm/guest.sh" ] || fail "no $repo/selftests/vm/guest.sh"
exec switch_root /newroot /bin/bash "$repo/selftests/vm/guest.sh"
EOF
chmod 755 "$root/init"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out (${#order[@]} modules: $(tr '\n' ' ' <"$root/modules.list"))"
