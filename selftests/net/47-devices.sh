#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's half of issue 9 (items 2 and 4), driven by genlset.py (a
# POLICY_SET naming the devices by IFNAME; `ercoexistctl load` resolves
# devices first) with the rules and routes installed here by `ip`, as the
# userspace daemon would:
#  - devices by name: a policy loaded while gw's er0 does not exist has ER
#    down (no-device) and sends a both-path prefix by the VPN; er0 created
#    -> ER up by itself, traffic by ER; renamed away -> no-device, VPN;
#    renamed back -> ER; deleted and recreated (new ifindex) -> ER; moved
#    into another namespace and back -> VPN, then ER.  IPv4 and IPv6.
#  - exclusions: a via-0 prefix inside a steered prefix is not marked (it
#    leaves by the main table's route, here the tunnel) while its neighbour
#    in the same steered prefix goes by ER.
#  - inbound: with 0.0.0.0/0 and ::/0 er vpn, a ping from Azure arriving on
#    er0 for the lan reaches onprem (not sent back); with Transit = 1 it is
#    steered back to er0 (counted on onprem: nothing arrives).
#  - DNAT: a destination DNATed on gw to a VPN-only Azure address is
#    steered by the real address (the main table has no route for it).
# Outcomes are counted: gw's device counters, azure's per-path counters and
# an nft counter on onprem.
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

GENLSET="nsx gw /usr/bin/python3 $DIR/genlset.py"
XNS=$ERCX_NS-aside

tap_plan 30
topo_setup
tap_result $? "topology up"

# The rules and routes `ercoexistctl load` would install (tables 225 ER,
# 226 VPN), by hand: the device-following is the kernel's, the routes the
# daemon's
for fam in -4 -6; do
	nsx gw ip $fam rule add fwmark 0xe10000/0xff0000 lookup 225 pref 10225
	nsx gw ip $fam rule add fwmark 0xe20000/0xff0000 lookup 226 pref 10226
done
nsx gw ip route add default dev vti0 table 226
nsx gw ip -6 route add default dev vti0 table 226

er_routes() {	# what the daemon restores once er0 is back
	nsx gw ip route replace default via "$ER_GW4" dev er0 table 225 &&
		nsx gw ip -6 route replace default via "$ER_GW6" dev er0 table 225
}

# er0 and its peer on the ER edge, as topo_setup makes them (also after
# a move: addresses go with the namespace)
er_addrs() {
	nsx gw ip addr add "$GW_ER4/30" dev er0 2>/dev/null
	nsx gw ip addr add "$GW_ER6/64" dev er0 nodad 2>/dev/null
	nsx gw ip link set er0 up
}

mk_er0() {
	ip link add er0 netns "$ERCX_NS-gw" type veth peer name gw0 netns "$ERCX_NS-er" || return 1
	nsx er ip addr add "$ER_GW4/30" dev gw0
	nsx er ip addr add "$ER_GW6/64" dev gw0 nodad
	nsx er ip link set gw0 up
	nsx er ip route replace "$ONPREM_NET4" via "$GW_ER4"
	nsx er ip -6 route replace "$ONPREM_NET6" via "$GW_ER6"
	er_addrs
	er_routes
}

er_is() {	# REASON [IFINDEX]: status of the ER path
	_status_is 'j["paths"]["er"]["reason"]' "$1" &&
		{ [ -z "${2:-}" ] || _status_is 'j["paths"]["er"]["ifindex"]' "$2"; }
}
ifindex_of() { nsx_sys gw cat "/sys/class/net/$1/ifindex" 2>/dev/null || echo none; }

# ---- devices by name
nsx gw ip link del er0
$GENLSET er=er0 er_gw4="$ER_GW4" er_gw6="$ER_GW6" vpn=vti0 failback=0 \
	pfx="$AZ_NET4:both" pfx="$AZ_NET6:both" pfx="$SITE_NET4:vpn" pfx="$SITE_NET6:vpn" 2>&1 |
	sed 's/^/# /'
[ "${PIPESTATUS[0]}" = 0 ] && er_is no-device 0
tap_result $? "policy naming er0 loads while er0 does not exist: ER down, no-device, ifindex 0"
diag "er: $(status_get 'j["paths"]["er"]')"
expect_path "no er0: IPv4 $AZ4 (ER and VPN) leaves by the VPN" "$AZ4" vpn 3
expect_path "no er0: IPv6 $AZ6 (ER and VPN) leaves by the VPN" "$AZ6" vpn 3

mk_er0
idx1=$(ifindex_of er0)
wait_until 100 er_is up "$idx1"
tap_result $? "er0 created: ER up by itself, bound to ifindex $idx1"
expect_path "er0 created: IPv4 $AZ4 leaves by ER" "$AZ4" er 3
expect_path "er0 created: IPv6 $AZ6 leaves by ER" "$AZ6" er 3

nsx gw ip link set er0 down
nsx gw ip link set er0 name erx
nsx gw ip link set erx up
wait_until 100 er_is no-device 0
tap_result $? "er0 renamed erx: ER no-device, ifindex 0"
expect_path "er0 renamed away: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn 3

nsx gw ip link set erx down
nsx gw ip link set erx name er0
nsx gw ip link set er0 up
er_routes
wait_until 100 er_is up "$idx1"
tap_result $? "erx renamed back to er0: ER up, ifindex $idx1"
expect_path "renamed back: IPv6 $AZ6 leaves by ER" "$AZ6" er 3

nsx gw ip link del er0
wait_until 100 er_is no-device 0
tap_result $? "er0 deleted: ER no-device"
mk_er0
idx2=$(ifindex_of er0)
wait_until 100 er_is up "$idx2"
rc=$?
[ $rc = 0 ] && [ "$idx2" != "$idx1" ]
tap_result $? "er0 recreated with a new ifindex ($idx1 -> $idx2): ER up, bound to it"
expect_path "recreated: IPv4 $AZ4 leaves by ER" "$AZ4" er 3
expect_path "recreated: IPv6 $AZ6 leaves by ER" "$AZ6" er 3

ip netns add "$XNS"
nsx gw ip link set er0 netns "$XNS"
wait_until 100 er_is no-device 0
tap_result $? "er0 moved to another namespace: ER no-device"
expect_path "er0 moved out: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn 3
ip -n "$XNS" link set er0 netns "$ERCX_NS-gw"
ip netns del "$XNS"
er_addrs
er_routes
wait_until 100 er_is up "$(ifindex_of er0)"
tap_result $? "er0 moved back: ER up"
expect_path "moved back: IPv4 $AZ4 leaves by ER" "$AZ4" er 3
expect_path "moved back: IPv6 $AZ6 leaves by ER" "$AZ6" er 3

# ---- exclusions: 10.17.1.0/24 and fd17:0:0:1::/64 (AZ4, AZ6) inside the
# steered /16 and /48; the main table sends the /16 and /48 to the tunnel
$GENLSET er=er0 er_gw4="$ER_GW4" er_gw6="$ER_GW6" vpn=vti0 failback=0 mss_scope=1 \
	pfx="$AZ_NET4:both" pfx="$AZ_NET6:both" \
	pfx="10.17.1.0/24:none" pfx="fd17:0:0:1::/64:none" 2>&1 | sed 's/^/# /'
tap_result "${PIPESTATUS[0]}" "a policy with exclusions (via 0) loads"
nsx gw ip route replace "$AZ_NET4" dev vti0
nsx gw ip -6 route replace "$AZ_NET6" dev vti0
np0=$(status_get 'j["nopath"]["packets"]')
expect_path "excluded IPv4 $AZ4 is not marked: main table, the tunnel" "$AZ4" vpn 3
expect_path "excluded IPv6 $AZ6 is not marked: main table, the tunnel" "$AZ6" vpn 3
expect_path "IPv4 $AZV4 beside the exclusion, same /16, is steered to ER" "$AZV4" er 3
np1=$(status_get 'j["nopath"]["packets"]')
[ "$np0" = "$np1" ]
tap_result $? "exclusions are not NoPath-counted ($np0 -> $np1)"
nsx gw ip route replace "$AZ_NET4" via "$ER_GW4" dev er0
nsx gw ip -6 route replace "$AZ_NET6" via "$ER_GW6" dev er0

# ---- inbound: Azure -> lan host with 0.0.0.0/0 and ::/0 er vpn
nsx onprem nft -f - <<EOF
table inet in {
	counter r4 { }
	counter r6 { }
	chain c {
		type filter hook prerouting priority -300; policy accept;
		iifname "eth0" icmp type echo-request counter name r4
		iifname "eth0" icmpv6 type echo-request counter name r6
	}
}
EOF
inbound() {	# TRANSIT: sets IN4 IN6, echo requests onprem got of 3
	nft_counter_reset onprem inet in r4
	nft_counter_reset onprem inet in r6
	$GENLSET er=er0 er_gw4="$ER_GW4" er_gw6="$ER_GW6" vpn=vti0 failback=0 \
		transit="$1" pfx=0.0.0.0/0:both pfx=::/0:both 2>&1 | sed 's/^/# /'
	nsx azure ping -4 -q -n -c 3 -i 0.05 -W 1 -I 10.255.1.2 "$ONPREM4" >/dev/null 2>&1
	nsx azure ping -6 -q -n -c 3 -i 0.05 -W 1 -I fd00:1::2 "$ONPREM6" >/dev/null 2>&1
	IN4=$(nft_counter onprem inet in r4)
	IN6=$(nft_counter onprem inet in r6)
}
inbound 0
[ "$IN4" = 3 ] && [ "$IN6" = 3 ]
tap_result $? "Transit 0: Azure's pings arriving on er0 reach the lan host (IPv4 $IN4/3, IPv6 $IN6/3)"
inbound 1
[ "$IN4" = 0 ] && [ "$IN6" = 0 ]
tap_result $? "Transit 1: they are steered back to ER, none reaches the lan (IPv4 $IN4, IPv6 $IN6)"

# ---- DNAT on gw: 10.99.0.10 and fd99::10 (in no prefix; the main table
# sends them to the Internet) -> the VPN-only site $SITE4 / $SITE6
$GENLSET er=er0 er_gw4="$ER_GW4" er_gw6="$ER_GW6" vpn=vti0 failback=0 \
	pfx="$AZ_NET4:both" pfx="$SITE_NET4:vpn" pfx="$SITE_NET6:vpn" 2>&1 | sed 's/^/# /'
nsx gw nft -f - <<EOF
table ip dn {
	chain c {
		type nat hook prerouting priority dstnat; policy accept;
		ip daddr 10.99.0.10 dnat to $SITE4
	}
}
table ip6 dn {
	chain c {
		type nat hook prerouting priority dstnat; policy accept;
		ip6 daddr fd99::10 dnat to $SITE6
	}
}
EOF
tap_result $? "DNAT rules on gw"
expect_path "DNATed IPv4 10.99.0.10 -> $SITE4 is steered by its real address (VPN)" 10.99.0.10 vpn 3
expect_path "DNATed IPv6 fd99::10 -> $SITE6 is steered by its real address (VPN)" fd99::10 vpn 3

tap_end
