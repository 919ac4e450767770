#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages the failover benchmark needs beyond scripts/install-deps.sh:
# FRR (bgpd, bfdd, zebra: the anchor), iperf3 (the TCP flow) and gnuplot
# (the timeline).  Non-interactive and idempotent (scripts/install-deps.sh).
set -eu
exec "$(dirname "$0")/../scripts/install-deps.sh" \
	frr iperf3 gnuplot-nox build-essential iproute2 nftables
