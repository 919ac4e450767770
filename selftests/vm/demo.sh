#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, inside the VM (run.sh --demo): the SPEC topology, the module
# and a policy, `ercoexistctl status`, traffic leaving by ER, a failover that
# moves it to the VPN tunnel, `auto`, status again.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/../net/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/../net/topology.sh"

say() { printf '\n==> %s\n' "$*"; }
run() {	# show and run a command in gw
	printf '[gw]# %s\n' "$*"
	nsx gw "$@"
}
die() { echo "demo: $*"; exit 1; }

# show_traffic DST: ping from onprem, show which gw device carried it
show_traffic() {
	path_of "$1" 10
	printf '   onprem -> %s: 10 pings; gw er0 sent +%d, vti0 (VPN tunnel) sent +%d\n' \
		"$1" "$D_ER_TX" "$D_VTI_TX"
	printf '   azure received %d via the ExpressRoute edge, %d via the VPN edge\n' \
		"$D_AZ_ER" "$D_AZ_VPN"
	case "$PATH_RESULT" in
	er) echo "   => the traffic leaves by ExpressRoute (er0)" ;;
	vpn) echo "   => the traffic leaves by the VPN tunnel (vti0)" ;;
	*) echo "   => unexpected: $PATH_RESULT" ;;
	esac
}

trap topo_cleanup EXIT

say "Building the topology: onprem -- gw -- ER edge -- azure, gw -- Internet -- VPN edge -- azure"
topo_setup || die "topology setup failed"
echo "   gw: lan0 (on-prem), er0 (ExpressRoute), eth0 (Internet), vti0 (IPsec tunnel, MTU 1400)"
echo "   azure VNet 10.17.0.0/16 + fd17::/48 via ER and VPN; site 10.40.0.0/24 via VPN only"

say "Loading ercoexist.ko"
module_load || die "cannot load $ERCX_KO (build it: make)"
lsmod | grep '^ercoexist'

say "The policy (SPEC section 4 format)"
topo_config "$TOPO_CONF" failback=1s
grep -v '^#' "$TOPO_CONF" | sed '/^$/d; s/^/   /'
run "$ERCX_CTL" load "$TOPO_CONF" || die "load failed"

say "ercoexistctl status"
run "$ERCX_CTL" status

say "Traffic to $AZ4 with both paths up"
show_traffic "$AZ4"

say "Forcing a failover to the VPN"
run "$ERCX_CTL" failover
show_traffic "$AZ4"
say "IPv6 too ($AZ6)"
show_traffic "$AZ6"

say "Back to automatic selection (failback after FailbackDelay = 1s)"
run "$ERCX_CTL" auto
sleep 1.5
show_traffic "$AZ4"

say "ercoexistctl status"
run "$ERCX_CTL" status

say "Done."
