#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package that building, testing and the demo need.
# Non-interactive and idempotent: does nothing when all are present.
set -eu

# Two kernels to test on, each with its headers (the meta packages pull
# image and headers of the same version): bookworm's 6.1 and 6.12.
KERNELS="linux-image-amd64 linux-headers-amd64 linux-image-6.12-amd64 linux-headers-6.12-amd64"

# install-deps.sh [PKG...]: with arguments, those packages instead (the
# benchmark's extras use this), with the same checks and apt options.
LABEL=install-deps
PKGS="$KERNELS
	build-essential pkg-config libmnl-dev libnl-3-dev libnl-genl-3-dev
	libelf-dev sparse linux-source-6.12 perl bison flex bc libssl-dev rsync
	qemu-system-x86 busybox-static cpio xz-utils zstd kmod
	python3 python3-jsonschema python3-yaml python3-scapy
	iproute2 iputils-ping iperf3 tcpdump nftables iptables ethtool socat procps
	valgrind bash-completion clang libclang-rt-14-dev dkms keepalived strace
	systemd"

if [ $# -gt 0 ]; then
	PKGS="$*"
	LABEL="install-deps ($*)"
fi

missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "$LABEL: all packages present"
	exit 0
fi

echo "$LABEL: installing:$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# The test VM boots with its own busybox initramfs (selftests/vm/): the
# kernel packages need not build theirs, which takes minutes per kernel.
# (env: sudo would drop exported variables)
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive INITRD=No \
	apt-get install -y -q --no-install-recommends $missing
