#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Failover and failback (issue 2, tests d-e):
#  (d) ER device down -> VPN, back up -> ER: carrier loss (the er side of the
#      veth goes down) and `ip link set er0 down/up` on gw;
#  (e) `ercoexistctl failover` -> VPN, `ercoexistctl auto` -> ER, as status -j
#      says; and the failback delay holds ER back after `auto`;
#  (e) `failover --to er` with NoPath = drop: the VPN-only prefixes have no
#      path; a ping to 10.40.0.10 and to fd40::10 reaches nothing in azure,
#      onprem gets from gw one ICMP net unreachable (IPv4) or ICMPv6 no route
#      (IPv6) per ping, and nopath.packets and nopath.dropped count each one;
#      a VPN-only prefix inside an ER one (fd17:0:0:200::/64) is not NoPath's
#      but follows fd17::/48 to ER, and IPv6 fd17:0:0:1::10 stays on ER.
# Each check counts what left gw's er0/vti0 and what azure received.
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

# onprem counts the ICMP destination unreachables it receives: any, and
# the one NoPath = drop sends (net unreachable / no route, from gw's LAN
# address)
unreach_counters() {
	nsx onprem nft -f - <<EOF
table inet unreach {
	counter unr4 { }
	counter unr6 { }
	counter nopath4 { }
	counter nopath6 { }
	chain c_in {
		type filter hook input priority 0; policy accept;
		icmp type destination-unreachable counter name unr4
		icmpv6 type destination-unreachable counter name unr6
		ip saddr $GW_LAN4 icmp type destination-unreachable icmp code net-unreachable counter name nopath4
		ip6 saddr $GW_LAN6 icmpv6 type destination-unreachable icmpv6 code no-route counter name nopath6
	}
}
EOF
}
unreach() { nft_counter onprem inet unreach "$1"; }

# nopath_pings LABEL DST N: N pings from onprem to DST, which has no path:
# three test points: nothing reached azure (nor left by vti0), onprem got
# exactly N unreachables of NoPath's kind, nopath.packets and
# nopath.dropped went up by exactly N
nopath_pings() {
	local l=$1 dst=$2 n=$3 fam=4 p0 d0 u0 x0 out
	case "$dst" in *:*) fam=6 ;; esac
	p0=$(status_get 'j["nopath"]["packets"]')
	d0=$(status_get 'j["nopath"]["dropped"]')
	u0=$(unreach unr$fam)
	x0=$(unreach nopath$fam)
	path_snapshot
	out=$(nsx onprem ping -$fam -n -c "$n" -i 0.05 -W 2 "$dst" 2>&1)
	path_delta $fam
	printf '%s\n' "$out" | grep -E '^From|transmitted' | sed "s/^/# $l: ping: /"
	[ "$D_AZ_ER" -eq 0 ] && [ "$D_AZ_VPN" -eq 0 ] && [ "$D_VTI_TX" -eq 0 ]
	tap_result $? "$l: nothing reached azure (via er +$D_AZ_ER, via vpn +$D_AZ_VPN; vti0 tx +$D_VTI_TX, er0 tx +$D_ER_TX)"
	u0=$(($(unreach unr$fam) - u0))
	x0=$(($(unreach nopath$fam) - x0))
	[ "$x0" -eq "$n" ] && [ "$u0" -eq "$n" ]
	tap_result $? "$l: onprem received $n $([ $fam = 4 ] && echo "ICMP net unreachable" || echo "ICMPv6 no route") from gw (got $x0, unreachables of any kind $u0)"
	p0=$(($(status_get 'j["nopath"]["packets"]') - p0))
	d0=$(($(status_get 'j["nopath"]["dropped"]') - d0))
	[ "$p0" -eq "$n" ] && [ "$d0" -eq "$n" ]
	tap_result $? "$l: status nopath.packets +$p0, nopath.dropped +$d0 (want +$n each)"
}

tap_plan 43
topo_setup
tap_result $? "topology up"
policy_load failback=0
tap_result $? "ercoexistctl load (FailbackDelay 0)"
expect_path "baseline: IPv4 $AZ4 leaves by ER" "$AZ4" er

# (d) carrier loss: the ER edge's side of the link goes down
topo_er_edge down
wait_status 30 'j["paths"]["er"]["state"]' down
tap_result $? "(d) carrier loss: status paths.er.state down"
r=$(status_get 'j["paths"]["er"]["reason"]')
diag "paths.er.reason: $r"
[ "$(status_get 'j["active_path"]')" = vpn ]
tap_result $? "(d) carrier loss: active_path vpn"
expect_path "(d) carrier loss: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(d) carrier loss: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
topo_er_edge up
wait_status 30 'j["active_path"]' er
tap_result $? "(d) carrier back: active_path er"
expect_path "(d) carrier back: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(d) carrier back: IPv6 $AZ6 leaves by ER" "$AZ6" er

# (d) admin down on gw.  This flushes every route via er0, the path table's
# default route included.
nsx gw ip link set er0 down
wait_status 30 'j["paths"]["er"]["state"]' down
tap_result $? "(d) ip link set er0 down: status paths.er.state down"
expect_path "(d) er0 admin down: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(d) er0 admin down: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
nsx gw ip link set er0 up
# the main-table routes via er0 were flushed too; a real gateway gets them
# back from BGP: put them back as BGP would
nsx gw ip route replace "$AZ_NET4" via "$ER_GW4" dev er0
nsx gw ip -6 route replace "$AZ_NET6" via "$ER_GW6" dev er0
wait_status 30 'j["active_path"]' er
tap_result $? "(d) ip link set er0 up: active_path er"
diag "ER path table after up: $(nsx gw ip route show table 225 | tr '\n' ';') $(nsx gw ip -6 route show table 225 | tr '\n' ';')"
# what a user sees without doing anything else
path_of "$AZ4" 5
diag "after er0 up, no re-load: IPv4 $AZ4 took $PATH_RESULT ($PATH_DETAIL)"
[ "$PATH_RESULT" = er ]
tap_result $? "(d) er0 back up: IPv4 $AZ4 leaves by ER without re-loading the policy (got $PATH_RESULT)"
path_of "$AZ6" 5
diag "after er0 up, no re-load: IPv6 $AZ6 took $PATH_RESULT ($PATH_DETAIL)"
[ "$PATH_RESULT" = er ]
tap_result $? "(d) er0 back up: IPv6 $AZ6 leaves by ER without re-loading the policy (got $PATH_RESULT)"
# what a user would do if it did not: load again
policy_load failback=0
tap_result $? "(d) ercoexistctl load again after er0 up"
expect_path "(d) after re-load: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(d) after re-load: IPv6 $AZ6 leaves by ER" "$AZ6" er

# (e) operator failover and auto
fo0=$(status_get 'j["failovers"]')
ctl failover
tap_result $? "(e) ercoexistctl failover"
[ "$(status_get 'j["mode"]')" = forced-vpn ] && [ "$(status_get 'j["active_path"]')" = vpn ]
tap_result $? "(e) status -j: mode forced-vpn, active_path vpn"
expect_path "(e) forced-vpn: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(e) forced-vpn: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
expect_path "(e) forced-vpn: VPN-only IPv4 $SITE4 still by the VPN" "$SITE4" vpn
fo1=$(status_get 'j["failovers"]')
[ "$fo1" -gt "$fo0" ]
tap_result $? "(e) failovers counter went up ($fo0 -> $fo1)"
ctl auto
tap_result $? "(e) ercoexistctl auto"
wait_status 20 'j["active_path"]' er && [ "$(status_get 'j["mode"]')" = auto ]
tap_result $? "(e) status -j: mode auto, active_path er"
expect_path "(e) auto: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(e) auto: IPv6 $AZ6 leaves by ER" "$AZ6" er

# failover --to er: the VPN-only prefixes have no path (NoPath = pass: the
# main table, which has no route for the site)
ctl failover --to er
[ "$(status_get 'j["mode"]')" = forced-er ]
tap_result $? "(e) failover --to er: mode forced-er"
expect_path "(e) forced-er: IPv4 $AZ4 leaves by ER" "$AZ4" er
ctl auto

# failover --to er with NoPath = drop: VPN-only prefixes go to NoPath, which
# drops them and answers the sender
policy_load failback=0 nopath=drop &&
	[ "$(status_get 'j["nopath"]["action"]')" = drop ]
tap_result $? "(e) ercoexistctl load (NoPath drop): status nopath.action drop"
ctl failover --to er >/dev/null
[ "$(status_get 'j["mode"]')" = forced-er ] && [ "$(status_get 'j["active_path"]')" = er ]
tap_result $? "(e) NoPath drop: failover --to er: mode forced-er, active_path er"
unreach_counters || diag "onprem nft failed"
nopath_pings "(e) forced-er, NoPath drop: VPN-only IPv4 $SITE4" "$SITE4" 3
nopath_pings "(e) forced-er, NoPath drop: VPN-only IPv6 $SITE6" "$SITE6" 3
# a VPN-only prefix inside one ER carries is not NoPath's: with the VPN
# unusable it follows fd17::/48 to ER (admin guide, "Path selection")
expect_path "(e) forced-er, NoPath drop: VPN-only IPv6 $AZV6 inside $AZ_NET6 follows it to ER" "$AZV6" er 3
expect_path "(e) forced-er, NoPath drop: IPv6 $AZ6 leaves by ER" "$AZ6" er
ctl auto

# the failback delay: ER stays held back after `auto` for FailbackDelay
policy_load failback=3s
ctl failover
ctl auto
a1=$(status_get 'j["active_path"]')
[ "$a1" = vpn ]
tap_result $? "(e) FailbackDelay 3s: right after auto the active path is still vpn (got $a1)"
wait_status 60 'j["active_path"]' er
tap_result $? "(e) FailbackDelay 3s: ER is back within 6 s"

tap_end
