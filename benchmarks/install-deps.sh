#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages the failover benchmark needs beyond scripts/install-deps.sh:
# FRR (bgpd, bfdd, zebra: the anchor), iperf3 (the TCP flow) and gnuplot
# (the timeline).  Non-interactive and idempotent.
set -eu
PKGS="frr iperf3 gnuplot-nox build-essential iproute2 nftables"
missing=
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*" installed") ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "bench install-deps: all packages present"
	exit 0
fi
echo "bench install-deps: installing:$missing"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
