#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ercoexistctl daemon (issue 9, item 2): with the daemon running in gw,
# each path's rule and table routes come back without operator action, IPv4
# and IPv6, and traffic is steered again (asserted by the device packets
# leave gw by and the path azure saw them on):
#   er0 admin down/up; er0 and vti0 deleted and created again (new
#   ifindex); the ER table's routes and a rule deleted by hand; er0's
#   address removed and added again (the route waits, then comes back);
#   SIGHUP with a changed config (applied, counters kept); the host's own
#   subnets as exclusions (a 10.0.0.0/8 summary over the lan); SIGTERM
#   leaves the policy, rules and routes in place.
# The main table's route to Azure via er is removed first: only the policy
# sends $AZ4/$AZ6 to ER, so a missing ER table route shows as "none".
# ERCX_48_NO_DAEMON=1 runs the same points with a plain `load` instead of
# the daemon (how the suite was made to fail: the restore points fail).
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping
require_module_and_ctl

DLOG=/tmp/ercx-48-daemon.log
DPID=
cleanup() {
	[ -n "$DPID" ] && kill "$DPID" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT

WAIT=100	# tenths of a second the daemon gets to put things back

# er_routes_ok: gw's ER table holds its default routes via the ER gateways
# on er0, both families
er_routes_ok() {
	nsx gw ip -4 route show table 225 | grep -q "^default via $ER_GW4 dev er0 " &&
		nsx gw ip -6 route show table 225 | grep -q "^default via $ER_GW6 dev er0 "
}
vpn_routes_ok() {
	nsx gw ip -4 route show table 226 | grep -q "^default dev vti0 " &&
		nsx gw ip -6 route show table 226 | grep -q "^default dev vti0 "
}
rules_ok() {
	nsx gw ip -4 rule show pref 10225 | grep -q "lookup 225" &&
		nsx gw ip -6 rule show pref 10225 | grep -q "lookup 225"
}

# restored DESCRIPTION CHECK: one point: CHECK holds within $WAIT
restored() {
	wait_until "$WAIT" "$2"
	tap_result $? "$1"
}

# the ER path carries both families again (two points)
er_steered() {
	expect_path "$1: IPv4 $AZ4 by ER" "$AZ4" er
	expect_path "$1: IPv6 $AZ6 by ER" "$AZ6" er
}

# gw's er0 again, as topo_setup makes it, after it was deleted
er0_create() {
	ip link add er0 netns "$ERCX_NS-gw" type veth peer name gw0 netns "$ERCX_NS-er" &&
		nsx gw ip link set er0 up &&
		nsx gw ip addr add "$GW_ER4/30" dev er0 &&
		nsx gw ip addr add "$GW_ER6/64" dev er0 nodad &&
		nsx er ip link set gw0 up &&
		nsx er ip addr add "$ER_GW4/30" dev gw0 &&
		nsx er ip addr add "$ER_GW6/64" dev gw0 nodad &&
		nsx er ip route replace "$ONPREM_NET4" via "$GW_ER4" &&
		nsx er ip -6 route replace "$ONPREM_NET6" via "$GW_ER6"
}

vti0_create() {
	nsx gw ip link add vti0 type xfrm dev eth0 if_id "$XFRM_IFID" &&
		nsx gw ip link set vti0 mtu "$VPN_MTU" up &&
		nsx gw ip addr add "$GW_VTI4/30" dev vti0 &&
		nsx gw ip addr add "$GW_VTI6/64" dev vti0 nodad
}

tap_plan 44
dmesg_mark
topo_setup
tap_result $? "topology up"
nsx gw ip route del "$AZ_NET4" && nsx gw ip -6 route del "$AZ_NET6"
tap_result $? "gw: the main table's routes to Azure via er removed"
topo_config "$TOPO_CONF"

if [ -n "${ERCX_48_NO_DAEMON:-}" ]; then
	ctl load "$TOPO_CONF" >/dev/null 2>&1
	tap_result $? "load (ERCX_48_NO_DAEMON: no daemon)"
else
	ip netns exec "$ERCX_NS-gw" "$ERCX_CTL" daemon "$TOPO_CONF" 2>"$DLOG" &
	DPID=$!
	wait_until "$WAIT" grep -q "daemon: loaded" "$DLOG"
	tap_result $? "daemon started and loaded the policy"
fi
diag "$(head -n 3 "$DLOG" 2>/dev/null)"
er_steered "loaded"
expect_path "loaded: IPv4 $SITE4 by the VPN" "$SITE4" vpn

# 1. admin down and up: IPv4 (and IPv6) flush the device's routes
nsx gw ip link set er0 down
sleep 0.3
nsx gw ip link set er0 up
restored "er0 down/up: ER table routes back, IPv4 and IPv6" er_routes_ok
er_steered "after er0 down/up"

# 2. er0 and vti0 deleted and created again: new ifindex
old=$(nsx_sys gw cat /sys/class/net/er0/ifindex)
nsx gw ip link del er0
er0_create
tap_result $? "er0 deleted and created again (ifindex $old -> $(nsx_sys gw cat /sys/class/net/er0/ifindex))"
restored "new er0: ER table routes back" er_routes_ok
er_steered "after er0 was re-created"
nsx gw ip link del vti0
vti0_create
tap_result $? "vti0 deleted and created again"
restored "new vti0: VPN table routes back, IPv4 and IPv6" vpn_routes_ok
expect_path "after vti0 was re-created: IPv4 $SITE4 by the VPN" "$SITE4" vpn
expect_path "after vti0 was re-created: IPv6 $SITE6 by the VPN" "$SITE6" vpn

# 3. a route and a rule deleted by hand
nsx gw ip -4 route del default table 225
nsx gw ip -6 route del default table 225
nsx gw ip -4 rule del pref 10225
nsx gw ip -6 rule del pref 10225
restored "routes deleted by hand: back" er_routes_ok
restored "rules deleted by hand: back, IPv4 and IPv6" rules_ok
er_steered "after the deletions"

# 4. address flap: the route cannot be installed while the gateway is not
# on a connected subnet; it comes back with the address
nsx gw ip -4 addr del "$GW_ER4/30" dev er0
nsx gw ip -6 addr del "$GW_ER6/64" dev er0
sleep 0.5
nsx gw ip -4 addr add "$GW_ER4/30" dev er0
nsx gw ip -6 addr add "$GW_ER6/64" dev er0 nodad
restored "er0's addresses removed and added again: routes back" er_routes_ok
er_steered "after the address flap"

# 5. SIGHUP: a changed config, counters kept
tx=$(status_get 'j["paths"]["er"]["tx_packets"]')
topo_config "$TOPO_CONF" failback=5s
[ -n "$DPID" ] && kill -HUP "$DPID"
wait_until "$WAIT" sh -c "ip netns exec $ERCX_NS-gw $ERCX_CTL showconf | grep -qx 'FailbackDelay = 5s'"
tap_result $? "SIGHUP: the changed config is in force (FailbackDelay = 5s)"
tx2=$(status_get 'j["paths"]["er"]["tx_packets"]')
[ "${tx:-0}" -gt 0 ] && [ "$tx2" = "$tx" ]
tap_result $? "SIGHUP: the ER counter is kept ($tx before, $tx2 after)"

# 6. the host's own subnets: a 10.0.0.0/8 summary over the lan (10.1.0.0/24)
topo_config "$TOPO_CONF" extra="Prefix = 10.0.0.0/8 er vpn"
[ -n "$DPID" ] && kill -HUP "$DPID"
wait_until "$WAIT" sh -c "ip netns exec $ERCX_NS-gw $ERCX_CTL showconf | grep -qx 'Prefix = 10.0.0.0/8 er vpn'"
tap_result $? "SIGHUP: a 10.0.0.0/8 summary loaded"
ctl showconf | grep -qx "Exclude = $ONPREM_NET4"
tap_result $? "the lan $ONPREM_NET4 is an exclusion in showconf"
ping_from azure "$ONPREM4" 3
tap_result $? "azure reaches the lan under the summary"

# 6b. (issue 9 item 4) no capture, no loop, both ways over each path: with
# the 10.0.0.0/8 summary, then with 0.0.0.0/0 and ::/0, onprem reaches
# Azure by the active path (ER, then the VPN forced) and Azure reaches
# onprem by ER and by the VPN (azure's default route moved); no ICMP
# time-exceeded leaves gw, er or vpn meanwhile.
loops_nft() {
	cat <<EOF
table inet loops {
	counter te { }
	chain c_out {
		type filter hook output priority 0; policy accept;
		icmp type time-exceeded counter name te
		icmpv6 type time-exceeded counter name te
	}
}
EOF
}
for n in gw er vpn; do loops_nft | nsx $n nft -f -; done
te_total() {
	local n s=0
	for n in gw er vpn; do s=$((s + $(nft_counter $n inet loops te))); done
	echo $s
}
azure_via() {	# er|vpn: azure's default routes (its replies follow the flow)
	case "$1" in
	er) nsx azure ip route replace default via 10.255.1.1 &&
		nsx azure ip -6 route replace default via fd00:1::1 ;;
	vpn) nsx azure ip route replace default via 10.255.2.1 &&
		nsx azure ip -6 route replace default via fd00:2::1 ;;
	esac
}
# az_ping SRC DST: from a VNet host's address (by default the source would
# be azure's link address, which only its own edge routes back to)
az_ping() {
	nsx azure ping -q -n -c 3 -i 0.05 -W 2 -I "$1" "$2" >/dev/null 2>&1
}
# both_ways LABEL ACTIVE FAMILIES...: onprem -> Azure by ACTIVE (a point per
# family); Azure -> onprem by ER and by the VPN (one point)
both_ways() {
	local label=$1 want=$2 f via bad=''
	shift 2
	for f in "$@"; do
		case $f in
		4) expect_path "$label: onprem -> Azure IPv4 by $want" "$AZ4" "$want" 3 ;;
		6) expect_path "$label: onprem -> Azure IPv6 by $want" "$AZ6" "$want" 3 ;;
		esac
	done
	for via in er vpn; do
		azure_via $via || bad="$bad route-$via"
		for f in "$@"; do
			case $f in
			4) az_ping "$AZ4" "$ONPREM4" || bad="$bad $via-4" ;;
			6) az_ping "$AZ6" "$ONPREM6" || bad="$bad $via-6" ;;
			esac
		done
	done
	azure_via er
	[ -z "$bad" ]
	tap_result $? "$label: Azure -> onprem by ER and by the VPN (IPv$*)${bad:+, failed:$bad}"
}
te0=$(te_total)
both_ways "10.0.0.0/8, ER active" er 4
ctl failover --to vpn >/dev/null
both_ways "10.0.0.0/8, the VPN forced" vpn 4
ctl auto >/dev/null
topo_config "$TOPO_CONF" extra=$'Prefix = 0.0.0.0/0 er vpn\nPrefix = ::/0 er vpn'
[ -n "$DPID" ] && kill -HUP "$DPID"
wait_until "$WAIT" sh -c "ip netns exec $ERCX_NS-gw $ERCX_CTL showconf | grep -qx 'Prefix = ::/0 er vpn'"
tap_result $? "SIGHUP: 0.0.0.0/0 and ::/0 loaded"
both_ways "0.0.0.0/0 and ::/0, ER active" er 4 6
ctl failover --to vpn >/dev/null
both_ways "0.0.0.0/0 and ::/0, the VPN forced" vpn 4 6
ctl auto >/dev/null
te1=$(te_total)
[ "$te1" = "$te0" ]
tap_result $? "no ICMP time-exceeded from gw, er or vpn: no loop ($te0 -> $te1)"

# 7. SIGTERM: the daemon ends, the policy, rules and routes stay
if [ -n "$DPID" ]; then
	kill -TERM "$DPID"
	wait "$DPID"
	rc=$?
	DPID=
else
	rc=1
fi
[ $rc = 0 ] && grep -q "exiting; the policy, rules and routes stay" "$DLOG"
tap_result $? "SIGTERM: the daemon exits 0 (rc $rc)"
[ "$(status_get 'j["policy_loaded"]')" = True ] && er_routes_ok && rules_ok
tap_result $? "after SIGTERM: policy, rules and routes in place"
grep -c "installed" "$DLOG" | sed 's/^/# daemon actions logged: /'
sed 's/^/# daemon: /' "$DLOG" | tail -n 40
dmesg_clean
tap_result $? "kernel log clean"

tap_end
