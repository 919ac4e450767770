#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Underlay guard (issue 4, item 1).  With Microsoft peering the Azure VPN
# gateway's public address can be learned over ExpressRoute; then the backup
# VPN rides on the primary and dies with it.  Here gw gets a host route to
# the VPN peer via er0, as such a BGP route would install, and:
#  - with [Underlay], ESP (the tunnel) and IKE (UDP 500) to the peer still
#    leave by the Internet uplink eth0: the Internet router forwards them,
#    er0 carries none; the VPN keeps working; the counter and the event say
#    so; status warns that the peer's route resolves via ER;
#  - ER down: traffic to Azure moves to the VPN and still flows;
#  - without [Underlay], the packets are dropped (counted), never sent on er0;
#  - the same for ESP with an IPv6 outer header (a second tunnel, x6, whose
#    SAs run between the IPv6 public addresses);
#  - packets to the peer that gw forwards (a LAN host's IKE, UDP 500) take
#    the underlay too (PRE_ROUTING marks them), and without [Underlay] the
#    POST_ROUTING guard drops and counts them: each hook exercised.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping socat timeout
require_module_and_ctl

MON=/tmp/ercx-underlay-monitor.json
MONPID=
cleanup() {
	[ -n "$MONPID" ] && kill "$MONPID" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT

# Counters on the Internet router: ESP and IKE from gw, per family
wire_counters() {
	nsx inet nft -f - <<EOF
table inet ulw {
	counter esp4 { }
	counter esp6 { }
	counter ike4 { }
	counter ike6 { }
	counter lan4 { }
	counter lan6 { }
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		iifname "gw0" ip saddr $ONPREM_NET4 ip daddr $VPN_PUB4 udp dport 500 counter name lan4
		iifname "gw0" ip6 saddr $ONPREM_NET6 ip6 daddr $VPN_PUB6 udp dport 500 counter name lan6
		iifname "gw0" ip daddr $VPN_PUB4 meta l4proto esp counter name esp4
		iifname "gw0" ip6 daddr $VPN_PUB6 meta l4proto esp counter name esp6
		iifname "gw0" ip daddr $VPN_PUB4 udp dport 500 counter name ike4
		iifname "gw0" ip6 daddr $VPN_PUB6 udp dport 500 counter name ike6
	}
}
EOF
}
wire() { nft_counter inet inet ulw "$1"; }

# The same, as the ER edge receives them from gw's er0: ESP or IKE to the
# VPN peer that arrives there went by ER (must stay 0)
er_counters() {
	nsx er nft -f - <<EOF
table inet ule {
	counter esp4 { }
	counter esp6 { }
	counter ike4 { }
	counter ike6 { }
	counter lan4 { }
	counter lan6 { }
	chain c_pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "gw0" ip saddr $ONPREM_NET4 ip daddr $VPN_PUB4 udp dport 500 counter name lan4
		iifname "gw0" ip6 saddr $ONPREM_NET6 ip6 daddr $VPN_PUB6 udp dport 500 counter name lan6
		iifname "gw0" ip daddr $VPN_PUB4 meta l4proto esp counter name esp4
		iifname "gw0" ip6 daddr $VPN_PUB6 meta l4proto esp counter name esp6
		iifname "gw0" ip daddr $VPN_PUB4 udp dport 500 counter name ike4
		iifname "gw0" ip6 daddr $VPN_PUB6 udp dport 500 counter name ike6
	}
}
EOF
}
onerr() { nft_counter er inet ule "$1"; }

# ike DST: one IKE-sized UDP datagram from gw to DST:500
ike() {
	local a=$1
	case "$a" in *:*) a="[$a]" ;; esac
	echo "ike-sa-init" | nsx gw timeout 5 socat -u - "UDP:$a:500,sourceport=500" 2>/dev/null
}

# lan_ike DST: the same from a LAN host (onprem): gw forwards it
lan_ike() {
	local a=$1
	case "$a" in *:*) a="[$a]" ;; esac
	echo "ike-sa-init" | nsx onprem timeout 5 socat -u - "UDP:$a:500" 2>/dev/null
}

# x6_setup: a second tunnel beside the topology's, with IPv6 outer headers
# (SAs between $GW_PUB6 and $VPN_PUB6, if_id 43, xfrm interface x6 at
# each end): gw fd43::2 -- vpn fd43::1
_x6_lines() {	# LOCAL REMOTE SPI_OUT KEY_OUT SPI_IN KEY_IN ADDR
	local d
	echo "xfrm state add src $1 dst $2 proto esp spi $3 reqid 3 mode tunnel if_id 43 aead rfc4106(gcm(aes)) $4 128"
	echo "xfrm state add src $2 dst $1 proto esp spi $5 reqid 3 mode tunnel if_id 43 aead rfc4106(gcm(aes)) $6 128"
	echo "xfrm policy add src ::/0 dst ::/0 dir out if_id 43 tmpl src $1 dst $2 proto esp reqid 3 mode tunnel"
	for d in in fwd; do
		echo "xfrm policy add src ::/0 dst ::/0 dir $d if_id 43 tmpl src $2 dst $1 proto esp reqid 3 mode tunnel"
	done
	echo "link add x6 type xfrm dev eth0 if_id 43"
	echo "link set x6 mtu $VPN_MTU up"
	echo "addr add $7/64 dev x6 nodad"
}
x6_setup() {
	_x6_lines "$GW_PUB6" "$VPN_PUB6" 0x1003 "$KEY_OUT" 0x2003 "$KEY_IN" fd43::2 |
		_topo_batch gw &&
		_x6_lines "$VPN_PUB6" "$GW_PUB6" 0x2003 "$KEY_IN" 0x1003 "$KEY_OUT" fd43::1 |
		_topo_batch vpn
}
x6_ping() { nsx gw ping -6 -q -n -c "$1" -i 0.05 -W 2 fd43::1 >/dev/null 2>&1; }

underlay_count() { status_get 'j["underlay"]["interventions"]'; }

tap_plan 28
topo_setup
tap_result $? "topology up"
wire_counters && er_counters
tap_result $? "nft counters on the Internet router and the ER edge"
x6_setup
e0=$(wire esp6)
x6_ping 5
rc=$?
e1=$(wire esp6)
[ $rc = 0 ] && [ $((e1 - e0)) -ge 5 ]
tap_result $? "IPv6-outer tunnel x6: ping fd43::1 answered, its ESP over IPv6 seen by the Internet router (+$((e1 - e0)))"
policy_load
tap_result $? "ercoexistctl load with [Underlay] Device = eth0"
expect_path "baseline: VPN-only $SITE4 over the tunnel" "$SITE4" vpn

# What Microsoft peering would do: the VPN peer learned over ER
nsx gw ip route add "$VPN_PUB4/32" via "$ER_GW4" dev er0
nsx gw ip -6 route add "$VPN_PUB6/128" via "$ER_GW6" dev er0
dev4=$(nsx gw ip -o route get "$VPN_PUB4" | grep -o 'dev [^ ]*' | head -n 1)
dev6=$(nsx gw ip -o -6 route get "$VPN_PUB6" | grep -o 'dev [^ ]*' | head -n 1)
[ "$dev4" = "dev er0" ] && [ "$dev6" = "dev er0" ]
tap_result $? "the main table now sends the VPN peer over ER ($dev4, $dev6)"

ctl status >/tmp/ercx-underlay-status.txt 2>&1
grep -qi 'warning.*peer.*er0' /tmp/ercx-underlay-status.txt
tap_result $? "status warns that the VPN peer's route resolves via er0"
grep -i 'warning' /tmp/ercx-underlay-status.txt | sed 's/^/# /'

rm -f "$MON"
ip netns exec "$ERCX_NS-gw" "$ERCX_CTL" -j monitor >"$MON" 2>&1 &
MONPID=$!
sleep 0.5

u0=$(underlay_count)
e0=$(wire esp4)
er0=$(onerr esp4)
path_of "$SITE4" 10
e1=$(wire esp4)
er1=$(onerr esp4)
diag "$SITE4: $PATH_DETAIL; ESP at the Internet router +$((e1 - e0)), at the ER edge +$((er1 - er0))"
[ "$PATH_RESULT" = vpn ]
tap_result $? "the VPN still carries $SITE4 with the peer routed via ER (got $PATH_RESULT)"
[ $((e1 - e0)) -ge 10 ] && [ $((er1 - er0)) -eq 0 ]
tap_result $? "its ESP left by the uplink: Internet router +$((e1 - e0)), ER edge +$((er1 - er0))"
u1=$(underlay_count)
[ "${u1:-0}" -ge $((${u0:-0} + 10)) ]
tap_result $? "underlay guard counter went up by the ESP packets ($u0 -> $u1)"

i0=$(wire ike4)
er0=$(onerr ike4)
ike "$VPN_PUB4"
ike "$VPN_PUB4"
i1=$(wire ike4)
er1=$(onerr ike4)
[ $((i1 - i0)) -eq 2 ] && [ $((er1 - er0)) -eq 0 ]
tap_result $? "IKE (UDP 500) to $VPN_PUB4 left by the uplink (Internet router +$((i1 - i0)), ER edge +$((er1 - er0)))"
i0=$(wire ike6)
er0=$(onerr ike6)
ike "$VPN_PUB6"
ike "$VPN_PUB6"
i1=$(wire ike6)
er1=$(onerr ike6)
[ $((i1 - i0)) -eq 2 ] && [ $((er1 - er0)) -eq 0 ]
tap_result $? "IKE (UDP 500) to $VPN_PUB6 left by the uplink (Internet router +$((i1 - i0)), ER edge +$((er1 - er0)))"

u0=$(underlay_count)
e0=$(wire esp6)
er0=$(onerr esp6)
x6_ping 10
rc=$?
e1=$(wire esp6)
er1=$(onerr esp6)
u1=$(underlay_count)
[ $rc = 0 ] && [ $((e1 - e0)) -ge 10 ] && [ $((er1 - er0)) -eq 0 ] && [ "${u1:-0}" -ge $((${u0:-0} + 10)) ]
tap_result $? "ESP with an IPv6 outer header left by the uplink: ping rc $rc, Internet router +$((e1 - e0)), ER edge +$((er1 - er0)), counter $u0 -> $u1"

# Forwarded: PRE_ROUTING marks a LAN host's packets to the peer for the
# underlay's table (not an intervention: the counter stays)
for fam in 4 6; do
	[ $fam = 4 ] && peer=$VPN_PUB4 || peer=$VPN_PUB6
	u0=$(underlay_count)
	i0=$(wire lan$fam)
	er0=$(onerr lan$fam)
	lan_ike "$peer"
	lan_ike "$peer"
	i1=$(wire lan$fam)
	er1=$(onerr lan$fam)
	u1=$(underlay_count)
	[ $((i1 - i0)) -eq 2 ] && [ $((er1 - er0)) -eq 0 ] && [ "$u1" = "$u0" ]
	tap_result $? "forwarded: a LAN host's UDP 500 to $peer took the underlay (PRE_ROUTING): Internet router +$((i1 - i0)), ER edge +$((er1 - er0)), counter $u0 -> $u1"
done

# at most one event per second: it comes within ~1 s of the first packet
wait_until 30 grep -q '"event":"underlay"' "$MON"
tap_result $? "monitor -j printed an underlay event"
ev=$(grep '"event":"underlay"' "$MON" | tail -n 1)
diag "event: $ev"
echo "$ev" | /usr/bin/python3 -c 'import json,sys; e=json.loads(sys.stdin.read()); sys.exit(0 if e["packets"] >= 1 else 1)'
tap_result $? "the event carries the intervention count"
kill "$MONPID" 2>/dev/null
MONPID=

# ER fails: Azure traffic moves to the VPN, whose underlay is not on ER
topo_er_edge down
wait_status 30 'j["active_path"]' vpn
tap_result $? "ER edge down: active_path vpn"
expect_path "ER down: IPv4 $AZ4 over the VPN" "$AZ4" vpn
expect_path "ER down: IPv6 $AZ6 over the VPN" "$AZ6" vpn
topo_er_edge up
wait_status 30 'j["active_path"]' er
tap_result $? "ER edge back: active_path er"

# No [Underlay]: the guard drops what would leave by ER
policy_load underlay=no
tap_result $? "ercoexistctl load without [Underlay]"
u0=$(underlay_count)
e0=$(wire esp4)
er0=$(onerr esp4)
ping_from onprem "$SITE4" 5
rc=$?
e1=$(wire esp4)
er1=$(onerr esp4)
u1=$(underlay_count)
diag "ping rc $rc, ESP at the Internet router +$((e1 - e0)), at the ER edge +$((er1 - er0)), counter $u0 -> $u1"
[ $rc -ne 0 ] && [ $((e1 - e0)) -eq 0 ] && [ $((er1 - er0)) -eq 0 ] &&
	[ "${u1:-0}" -ge $((${u0:-0} + 5)) ]
tap_result $? "without an uplink the ESP to the peer is dropped and counted, never sent on er0"

u0=$(underlay_count)
e0=$(wire esp6)
er0=$(onerr esp6)
x6_ping 5
rc=$?
e1=$(wire esp6)
er1=$(onerr esp6)
u1=$(underlay_count)
[ $rc -ne 0 ] && [ $((e1 - e0)) -eq 0 ] && [ $((er1 - er0)) -eq 0 ] && [ "${u1:-0}" -ge $((${u0:-0} + 5)) ]
tap_result $? "without an uplink ESP over IPv6 is dropped and counted too: ping rc $rc, Internet router +$((e1 - e0)), ER edge +$((er1 - er0)), counter $u0 -> $u1"

# Forwarded, no underlay: the main table sends them to er0, where the
# POST_ROUTING guard drops and counts them
for fam in 4 6; do
	[ $fam = 4 ] && peer=$VPN_PUB4 || peer=$VPN_PUB6
	u0=$(underlay_count)
	i0=$(wire lan$fam)
	er0=$(onerr lan$fam)
	lan_ike "$peer"
	lan_ike "$peer"
	i1=$(wire lan$fam)
	er1=$(onerr lan$fam)
	u1=$(underlay_count)
	[ $((i1 - i0)) -eq 0 ] && [ $((er1 - er0)) -eq 0 ] && [ "${u1:-0}" -eq $((${u0:-0} + 2)) ]
	tap_result $? "forwarded, no underlay: a LAN host's UDP 500 to $peer dropped at POST_ROUTING and counted: Internet router +$((i1 - i0)), ER edge +$((er1 - er0)), counter $u0 -> $u1"
done

# Control: without the guard, the ER edge's counters do see what the main
# table sends by er0 (so their zeros above mean something)
ctl flush >/dev/null
i0=$(onerr ike4)
ike "$VPN_PUB4"
ike "$VPN_PUB4"
i1=$(onerr ike4)
[ $((i1 - i0)) -eq 2 ]
tap_result $? "control: policy flushed, IKE to $VPN_PUB4 follows the main table to the ER edge (+$((i1 - i0)))"
i0=$(onerr lan6)
lan_ike "$VPN_PUB6"
lan_ike "$VPN_PUB6"
i1=$(onerr lan6)
[ $((i1 - i0)) -eq 2 ]
tap_result $? "control: policy flushed, a LAN host's UDP 500 to $VPN_PUB6 reaches the ER edge (+$((i1 - i0)))"

tap_end
