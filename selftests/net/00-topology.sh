#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test topology itself, with plain routing and no module: both paths
# carry IPv4 and IPv6, the VPN is a real ESP tunnel over the Internet router
# with MTU 1400, and the counters the other suites rely on count.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping
trap topo_cleanup EXIT

tap_plan 12
t0=$(date +%s%N)
topo_setup
tap_result $? "topology: six namespaces, veths, xfrm tunnel, nft counters"
t1=$(date +%s%N)
diag "setup took $(((t1 - t0) / 1000000)) ms"

# Main table: 10.17.0.0/16 via ER
expect_path "IPv4 to $AZ4 follows the main table over ER" "$AZ4" er
expect_path "IPv6 to $AZ6 follows the main table over ER" "$AZ6" er

# The ESP tunnel, gw <-> vpn edge
check "gw reaches the vpn edge through the tunnel (IPv4)" \
	quiet nsx gw ping -q -n -c 2 -i 0.1 -W 2 "$VPN_VTI4"
check "gw reaches the vpn edge through the tunnel (IPv6)" \
	quiet nsx gw ping -6 -q -n -c 2 -i 0.1 -W 2 "$VPN_VTI6"

# Point the VPN-only site at the tunnel in the main table
nsx gw ip route add "$SITE_NET4" dev vti0
nsx gw ip -6 route add "$SITE_NET6" dev vti0
nsx inet nft -f - <<'EOF'
table inet wire {
	counter esp_pkts { }
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		meta l4proto esp counter name esp_pkts
	}
}
EOF
esp0=$(nft_counter inet inet wire esp_pkts)
expect_path "IPv4 to $SITE4 with a main route on vti0 goes over the VPN" "$SITE4" vpn
expect_path "IPv6 to $SITE6 with a main route on vti0 goes over the VPN" "$SITE6" vpn
esp1=$(nft_counter inet inet wire esp_pkts)
[ $((esp1 - esp0)) -ge 20 ]
tap_result $? "the Internet router forwarded ESP for it ($((esp1 - esp0)) packets, want >= 20)"

mtu=$(nsx_sys gw cat /sys/class/net/vti0/mtu)
[ "$mtu" = "$VPN_MTU" ]
tap_result $? "vti0 MTU is $VPN_MTU (got $mtu)"
check "a 1400-byte DF packet crosses the tunnel" \
	quiet nsx onprem ping -q -n -c 1 -W 2 -M "do" -s 1372 "$SITE4"
nsx onprem ping -q -n -c 1 -W 2 -M "do" -s 1373 "$SITE4" >/dev/null 2>&1
ping_rc1=$?
# the first big packet gets "frag needed", the retry fails locally
nsx onprem ping -q -n -c 1 -W 2 -M "do" -s 1373 "$SITE4" >/dev/null 2>&1
ping_rc2=$?
[ $ping_rc1 -ne 0 ] && [ $ping_rc2 -ne 0 ]
tap_result $? "a 1401-byte DF packet does not (PMTU 1400)"

# Nothing leaks: 10.40.0.0/24 is not routed by the Internet or by ER
nsx gw ip route del "$SITE_NET4" dev vti0
path_of "$SITE4" 3
[ "$PATH_RESULT" = none-noreply ]
tap_result $? "without a route the VPN-only site is unreachable ($PATH_RESULT)"
diag "$SITE4: $PATH_DETAIL"

tap_end
