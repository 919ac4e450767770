#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Steering with both paths up (issue 2, tests a-c):
#  (a) a prefix reachable via both leaves by ER;
#  (b) with gw's main table pointing that prefix at the tunnel, it still
#      leaves by ER (forwarded and locally generated traffic);
#  (c) a VPN-only prefix, more specific than the ER one, leaves by the VPN
#      while ER is up; so does a VPN-only site the main table does not know.
# Each check counts what left gw's er0/vti0 and what azure received by which
# path, IPv4 and IPv6.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping
require_module_and_ctl
trap topo_cleanup EXIT

tap_plan 19
topo_setup
tap_result $? "topology up"
policy_load failback=0
tap_result $? "ercoexistctl load"

# (a)
expect_path "(a) IPv4 $AZ4 (ER and VPN) leaves by ER" "$AZ4" er
expect_path "(a) IPv6 $AZ6 (ER and VPN) leaves by ER" "$AZ6" er
[ "$(status_get 'j["active_path"]')" = er ]
tap_result $? "(a) status: active_path er"
tx=$(status_get 'j["paths"]["er"]["tx_packets"]')
[ "${tx:-0}" -ge 10 ]
tap_result $? "(a) status counts the ER packets (paths.er.tx_packets=$tx, want >= 10)"

# (b) the main table points the ER prefix at the tunnel
nsx gw ip route replace "$AZ_NET4" dev vti0
nsx gw ip -6 route replace "$AZ_NET6" dev vti0
expect_path "(b) IPv4 $AZ4 with main table -> vti0 still leaves by ER" "$AZ4" er
expect_path "(b) IPv6 $AZ6 with main table -> vti0 still leaves by ER" "$AZ6" er

# locally generated: from gw itself (no reply expected: the source address is
# vti0's, which er does not route back; we count what left gw)
local_path() {	# DST: sets LP_ER LP_VTI
	local e0 v0
	e0=$(dev_stat gw er0 tx_packets)
	v0=$(dev_stat gw vti0 tx_packets)
	nsx gw ping -q -n -c 5 -i 0.05 -W 1 "$1" >/dev/null 2>&1
	LP_ER=$(($(dev_stat gw er0 tx_packets) - e0))
	LP_VTI=$(($(dev_stat gw vti0 tx_packets) - v0))
}
local_path "$AZ4"
[ "$LP_ER" -ge 5 ] && [ "$LP_VTI" -lt 5 ]
tap_result $? "(b) IPv4 from gw itself to $AZ4 leaves by er0 (er0 +$LP_ER, vti0 +$LP_VTI)"
local_path "$AZ6"
[ "$LP_ER" -ge 5 ] && [ "$LP_VTI" -lt 5 ]
tap_result $? "(b) IPv6 from gw itself to $AZ6 leaves by er0 (er0 +$LP_ER, vti0 +$LP_VTI)"
nsx gw ip route replace "$AZ_NET4" via "$ER_GW4" dev er0
nsx gw ip -6 route replace "$AZ_NET6" via "$ER_GW6" dev er0

# (c) VPN-only more-specific prefix inside the ER one (main table: via ER)
expect_path "(c) IPv4 $AZV4 (VPN-only /24 inside the ER /16) leaves by the VPN" "$AZV4" vpn
expect_path "(c) IPv6 $AZV6 (VPN-only /64 inside the ER /48) leaves by the VPN" "$AZV6" vpn
expect_path "(c) IPv4 $SITE4 (VPN-only site, no main route) leaves by the VPN" "$SITE4" vpn
expect_path "(c) IPv6 $SITE6 (VPN-only site, no main route) leaves by the VPN" "$SITE6" vpn
# ... and the covering prefix still goes by ER
expect_path "(c) IPv4 $AZ4 next to it still leaves by ER" "$AZ4" er

# Traffic to no policy prefix is not touched: onprem -> the Internet
# router's 203.0.113.1, outside every prefix, which the main table sends by
# the default route (eth0), neither ER nor the VPN
nsx inet nft -f - <<EOF
table inet np {
	chain c_pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "gw0" ip daddr 203.0.113.1 icmp type echo-request counter
	}
}
EOF
nsx inet ip route add 10.1.0.0/24 via 198.51.100.2	# the replies' way back
e0=$(dev_stat gw er0 tx_packets)
v0=$(dev_stat gw vti0 tx_packets)
ping_from onprem 203.0.113.1 5
rc=$?
de=$(($(dev_stat gw er0 tx_packets) - e0))
dv=$(($(dev_stat gw vti0 tx_packets) - v0))
di=$(nsx inet nft list table inet np | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
nsx inet nft delete table inet np
nsx inet ip route del 10.1.0.0/24 via 198.51.100.2
[ $rc -eq 0 ] && [ "$di" = 5 ] && [ "$dv" -eq 0 ] && [ "$de" -lt 5 ]
tap_result $? "traffic to no policy prefix follows the main table by eth0 (Internet router saw $di of 5, vti0 +$dv, er0 +$de, reply rc=$rc)"

# flush removes the steering: the VPN-only site is unreachable again
ctl flush
tap_result $? "ercoexistctl flush"
path_of "$SITE4" 3
[ "$PATH_RESULT" = none-noreply ]
tap_result $? "after flush $SITE4 is no longer steered ($PATH_RESULT)"
diag "$SITE4: $PATH_DETAIL"
rules=$(nsx gw ip rule show; nsx gw ip -6 rule show)
! printf '%s\n' "$rules" | grep -qE 'lookup (225|226)'
tap_result $? "after flush no ip rule points at the path tables"
printf '%s\n' "$rules" | sed 's/^/# rule: /'

tap_end
