#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SPEC section 5 topology in network namespaces, IPv4 and IPv6.  Source
# it (after lib.sh) and call topo_setup; topo_cleanup removes it.
#
#                 lan0      er0        gw0      az0          er
#   onprem ------------ gw ----------------- er ------------------ azure
#     eth0              | \                                      /  |
#                       |  `-- vti0 (xfrm interface, if_id 42,  /   | vpn
#                  eth0 |       MTU 1400) ===== ESP tunnel ====/    |
#                       |                                      |    |
#                    gw0|  inet   vpn0         eth0  vpn  az0  |    |
#                       `------ inet ------------------ vpn ---+----'
#
#   onprem   10.1.0.2/24     fd01::2/64        default via gw
#   gw       lan0 10.1.0.1/24      fd01::1/64
#            er0  192.0.2.2/30     fd00:e1::2/64     (ER link)
#            eth0 198.51.100.2/24  2001:db8:51::2/64 (Internet uplink)
#            vti0 169.254.21.2/30  fd00:21::2/64     (the VPN, MTU 1400)
#            main table: default via inet; 10.17.0.0/16 and fd17::/48 via er
#            (as BGP over ER would install); nothing for the VPN-only sites
#   er       gw0  192.0.2.1/30     fd00:e1::1/64
#            az0  10.255.1.1/30    fd00:1::1/64
#   inet     gw0  198.51.100.1/24  2001:db8:51::1/64
#            vpn0 203.0.113.1/24   2001:db8:113::1/64
#   vpn      eth0 203.0.113.10/24  2001:db8:113::10/64 (the Azure VPN gw's public IP)
#            vti0 169.254.21.1/30  fd00:21::1/64
#            az0  10.255.2.1/30    fd00:2::1/64
#   azure    er   10.255.1.2/30    fd00:1::2/64
#            vpn  10.255.2.2/30    fd00:2::2/64
#            lo   10.17.1.10 fd17:0:0:1::10    (in 10.17.0.0/16 fd17::/48: ER and VPN)
#                 10.17.200.10 fd17:0:0:200::10 (10.17.200.0/24 fd17:0:0:200::/64: VPN
#                                               only, more specific than the /16 /48)
#                 10.40.0.10 fd40::10          (10.40.0.0/24 fd40::/64: VPN-only site)
#            answers by the path a flow came in on (ct mark + fwmark rules), so
#            replies are symmetric; nft counters per path and family in
#            "inet azure": er4 er6 vpn4 vpn6 (packets from onprem's prefixes)
#   er, vpn: nft counters "inet edge" fwd4 fwd6: packets from onprem forwarded
#            to azure
#
# ESP: tunnel mode, rfc4106(gcm(aes)) with fixed keys, between 198.51.100.2 and
# 203.0.113.10, one SA pair (flag af-unspec) carrying IPv4 and IPv6.

# shellcheck disable=SC2034 # used by the suites that source this
{
ONPREM4=10.1.0.2 ONPREM6=fd01::2
ONPREM_NET4=10.1.0.0/24 ONPREM_NET6=fd01::/64
GW_LAN4=10.1.0.1 GW_LAN6=fd01::1
GW_ER4=192.0.2.2 GW_ER6=fd00:e1::2
ER_GW4=192.0.2.1 ER_GW6=fd00:e1::1
GW_PUB4=198.51.100.2 GW_PUB6=2001:db8:51::2
INET_GW4=198.51.100.1 INET_GW6=2001:db8:51::1
VPN_PUB4=203.0.113.10 VPN_PUB6=2001:db8:113::10
GW_VTI4=169.254.21.2 GW_VTI6=fd00:21::2
VPN_VTI4=169.254.21.1 VPN_VTI6=fd00:21::1
AZ4=10.17.1.10 AZ6=fd17:0:0:1::10
AZ_NET4=10.17.0.0/16 AZ_NET6=fd17::/48
AZV4=10.17.200.10 AZV6=fd17:0:0:200::10
AZV_NET4=10.17.200.0/24 AZV_NET6=fd17:0:0:200::/64
SITE4=10.40.0.10 SITE6=fd40::10
SITE_NET4=10.40.0.0/24 SITE_NET6=fd40::/64
VPN_MTU=1400
XFRM_IFID=42
}

# Fixed test keys (20 bytes: 16 key + 4 salt)
KEY_OUT=0x0102030405060708090a0b0c0d0e0f1011121314
KEY_IN=0x2122232425262728292a2b2c2d2e2f3031323334

topo_cleanup() {
	ns_del_all
}

# _topo_xfrm LOCAL REMOTE SPI_OUT KEY_OUT SPI_IN KEY_IN: `ip -batch` lines
# for one end of the tunnel: an SA pair carrying IPv4 and IPv6 (af-unspec)
# and out/in/fwd policies bound to the xfrm interface
_topo_xfrm() {
	local l=$1 r=$2 so=$3 ko=$4 si=$5 ki=$6 d f
	echo "xfrm state add src $l dst $r proto esp spi $so reqid 1 mode tunnel flag af-unspec if_id $XFRM_IFID aead rfc4106(gcm(aes)) $ko 128"
	echo "xfrm state add src $r dst $l proto esp spi $si reqid 1 mode tunnel flag af-unspec if_id $XFRM_IFID aead rfc4106(gcm(aes)) $ki 128"
	for f in 0.0.0.0/0 ::/0; do
		echo "xfrm policy add src $f dst $f dir out if_id $XFRM_IFID tmpl src $l dst $r proto esp reqid 1 mode tunnel"
		for d in in fwd; do
			echo "xfrm policy add src $f dst $f dir $d if_id $XFRM_IFID tmpl src $r dst $l proto esp reqid 1 mode tunnel"
		done
	done
}

# _topo_batch NS: run `ip -batch` lines from stdin in the namespace (one
# process per namespace: each exec costs ~0.1 s under TCG)
_topo_batch() {
	local out
	out=$(ip -n "$ERCX_NS-$1" -batch - 2>&1) && return 0
	log "topo: $1: $out"
	return 1
}

_topo_nft_azure() {
	cat <<EOF
table inet azure {
	counter er4 { }
	counter er6 { }
	counter vpn4 { }
	counter vpn6 { }
	chain c_pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "er" ip saddr $ONPREM_NET4 counter name er4
		iifname "er" ip6 saddr $ONPREM_NET6 counter name er6
		iifname "vpn" ip saddr $ONPREM_NET4 counter name vpn4
		iifname "vpn" ip6 saddr $ONPREM_NET6 counter name vpn6
		iifname "er" ct mark set 1
		iifname "vpn" ct mark set 2
	}
	chain c_out {
		type route hook output priority mangle; policy accept;
		meta mark set ct mark
	}
}
EOF
}

_topo_nft_edge() {
	cat <<EOF
table inet edge {
	counter fwd4 { }
	counter fwd6 { }
	chain c_fwd {
		type filter hook forward priority 0; policy accept;
		ip saddr $ONPREM_NET4 oifname "az0" counter name fwd4
		ip6 saddr $ONPREM_NET6 oifname "az0" counter name fwd6
	}
}
EOF
}

# topo_setup: build everything; 0 on success (diagnostics on stderr)
topo_setup() {
	local n
	topo_cleanup
	modprobe -q xfrm_interface 2>/dev/null
	modprobe -q esp4 2>/dev/null
	modprobe -q esp6 2>/dev/null
	for n in onprem gw er inet vpn azure; do
		ns_create $n || return 1
	done
	for n in gw er inet vpn; do
		ns_router $n
	done
	ip -batch - <<EOF || { log "topo: veth failed"; return 1; }
link add eth0 netns $ERCX_NS-onprem type veth peer name lan0 netns $ERCX_NS-gw
link add er0 netns $ERCX_NS-gw type veth peer name gw0 netns $ERCX_NS-er
link add eth0 netns $ERCX_NS-gw type veth peer name gw0 netns $ERCX_NS-inet
link add vpn0 netns $ERCX_NS-inet type veth peer name eth0 netns $ERCX_NS-vpn
link add az0 netns $ERCX_NS-er type veth peer name er netns $ERCX_NS-azure
link add az0 netns $ERCX_NS-vpn type veth peer name vpn netns $ERCX_NS-azure
EOF

	_topo_batch onprem <<EOF || return 1
link set eth0 up
addr add $ONPREM4/24 dev eth0
addr add $ONPREM6/64 dev eth0 nodad
route add 0.0.0.0/0 via $GW_LAN4
route add ::/0 via $GW_LAN6
EOF

	{ cat <<EOF
link set lan0 up
link set er0 up
link set eth0 up
addr add $GW_LAN4/24 dev lan0
addr add $GW_LAN6/64 dev lan0 nodad
addr add $GW_ER4/30 dev er0
addr add $GW_ER6/64 dev er0 nodad
addr add $GW_PUB4/24 dev eth0
addr add $GW_PUB6/64 dev eth0 nodad
route add 0.0.0.0/0 via $INET_GW4 dev eth0
route add ::/0 via $INET_GW6 dev eth0
route add $AZ_NET4 via $ER_GW4 dev er0
route add $AZ_NET6 via $ER_GW6 dev er0
link add vti0 type xfrm dev eth0 if_id $XFRM_IFID
link set vti0 mtu $VPN_MTU up
addr add $GW_VTI4/30 dev vti0
addr add $GW_VTI6/64 dev vti0 nodad
EOF
	_topo_xfrm $GW_PUB4 $VPN_PUB4 0x1001 $KEY_OUT 0x2001 $KEY_IN
	} | _topo_batch gw || return 1

	# er: the ExpressRoute edge (MSEE), routes the VNet and back to on-prem
	_topo_batch er <<EOF || return 1
link set gw0 up
link set az0 up
addr add $ER_GW4/30 dev gw0
addr add $ER_GW6/64 dev gw0 nodad
addr add 10.255.1.1/30 dev az0
addr add fd00:1::1/64 dev az0 nodad
route add $AZ_NET4 via 10.255.1.2
route add $AZ_NET6 via fd00:1::2
route add $ONPREM_NET4 via $GW_ER4
route add $ONPREM_NET6 via $GW_ER6
EOF

	# inet: the Internet; routes only public space
	_topo_batch inet <<EOF || return 1
link set gw0 up
link set vpn0 up
addr add $INET_GW4/24 dev gw0
addr add $INET_GW6/64 dev gw0 nodad
addr add 203.0.113.1/24 dev vpn0
addr add 2001:db8:113::1/64 dev vpn0 nodad
EOF

	# vpn: the Azure VPN gateway
	{ cat <<EOF
link set eth0 up
link set az0 up
addr add $VPN_PUB4/24 dev eth0
addr add $VPN_PUB6/64 dev eth0 nodad
route add 0.0.0.0/0 via 203.0.113.1
route add ::/0 via 2001:db8:113::1
addr add 10.255.2.1/30 dev az0
addr add fd00:2::1/64 dev az0 nodad
link add vti0 type xfrm dev eth0 if_id $XFRM_IFID
link set vti0 mtu $VPN_MTU up
addr add $VPN_VTI4/30 dev vti0
addr add $VPN_VTI6/64 dev vti0 nodad
route add $AZ_NET4 via 10.255.2.2
route add $SITE_NET4 via 10.255.2.2
route add $AZ_NET6 via fd00:2::2
route add $SITE_NET6 via fd00:2::2
route add $ONPREM_NET4 dev vti0
route add $ONPREM_NET6 dev vti0
EOF
	_topo_xfrm $VPN_PUB4 $GW_PUB4 0x2001 $KEY_IN 0x1001 $KEY_OUT
	} | _topo_batch vpn || return 1

	# azure: the VNet's hosts; replies leave by the path the flow came in on
	_topo_batch azure <<EOF || return 1
link set er up
link set vpn up
addr add 10.255.1.2/30 dev er
addr add fd00:1::2/64 dev er nodad
addr add 10.255.2.2/30 dev vpn
addr add fd00:2::2/64 dev vpn nodad
addr add $AZ4/32 dev lo
addr add $AZV4/32 dev lo
addr add $SITE4/32 dev lo
addr add $AZ6/128 dev lo
addr add $AZV6/128 dev lo
addr add $SITE6/128 dev lo
route add 0.0.0.0/0 via 10.255.1.1
route add ::/0 via fd00:1::1
route add 0.0.0.0/0 via 10.255.1.1 table 1
route add ::/0 via fd00:1::1 table 1
route add 0.0.0.0/0 via 10.255.2.1 table 2
route add ::/0 via fd00:2::1 table 2
EOF
	# `ip -batch` takes no per-line -4/-6: add the rules for each family here
	local fam mark
	for fam in -4 -6; do
		for mark in 1 2; do
			nsx azure ip $fam rule add fwmark $mark lookup $mark pref 100 ||
				{ log "topo: azure rule $fam $mark"; return 1; }
		done
	done
	_topo_nft_azure | nsx azure nft -f - || { log "topo: azure nft"; return 1; }
	_topo_nft_edge | nsx er nft -f - || { log "topo: er nft"; return 1; }
	_topo_nft_edge | nsx vpn nft -f - || { log "topo: vpn nft"; return 1; }
	return 0
}

# topo_er_edge up|down: take the ER edge router's side of the gw link down
# (gw sees carrier loss on er0) or back up.  Admin-down flushes the edge's
# routes via that link; put its route to on-premises back as BGP would.
topo_er_edge() {
	nsx er ip link set gw0 "$1" || return 1
	[ "$1" = up ] || return 0
	nsx er ip route replace "$ONPREM_NET4" via "$GW_ER4" &&
		nsx er ip -6 route replace "$ONPREM_NET6" via "$GW_ER6"
}

# topo_config FILE [KEY=VALUE...]: write an ercoexistctl config for gw.
# Keys: mss_scope (tunnel), failback (0), nopath (pass), mss (1250),
# underlay (yes: the [Underlay] section; no: none, the guard drops),
# extra (raw lines appended to [Policy]); liveness probes (none unless set):
# er_probe (ER ProbeInterval; targets: the ER gateways), er_mult (its
# ProbeMultiplier), er_target (ER Probe address instead of the gateways),
# vpn_probe (VPN ProbeInterval, to the VPN's tunnel addresses $VPN_VTI4 and
# $VPN_VTI6), vpn_mult
topo_config() {
	local f=$1 mss_scope=tunnel failback=0 nopath=pass mss=1250 extra='' kv
	local underlay=yes ul
	local er_probe='' er_mult='' er_target='' vpn_probe='' vpn_mult=''
	local er_lines='' vpn_lines=''
	shift
	for kv in "$@"; do
		case "$kv" in
		underlay=*) underlay=${kv#*=} ;;
		mss_scope=*) mss_scope=${kv#*=} ;;
		failback=*) failback=${kv#*=} ;;
		nopath=*) nopath=${kv#*=} ;;
		mss=*) mss=${kv#*=} ;;
		extra=*) extra=${kv#*=} ;;
		er_probe=*) er_probe=${kv#*=} ;;
		er_mult=*) er_mult=${kv#*=} ;;
		er_target=*) er_target=${kv#*=} ;;
		vpn_probe=*) vpn_probe=${kv#*=} ;;
		vpn_mult=*) vpn_mult=${kv#*=} ;;
		esac
	done
	ul="[Underlay]
Device = eth0
Gateway = $INET_GW4
Gateway = $INET_GW6"
	[ "$underlay" = yes ] || ul="# no [Underlay]: the guard drops"
	[ -n "$er_probe" ] && er_lines="ProbeInterval = $er_probe"
	[ -n "$er_mult" ] && er_lines="$er_lines
ProbeMultiplier = $er_mult"
	[ -n "$er_target" ] && er_lines="$er_lines
Probe = $er_target"
	[ -n "$vpn_probe" ] && vpn_lines="Probe = $VPN_VTI4
Probe = $VPN_VTI6
ProbeInterval = $vpn_probe"
	[ -n "$vpn_mult" ] && vpn_lines="$vpn_lines
ProbeMultiplier = $vpn_mult"
	cat >"$f" <<EOF
# ercoexist test topology (selftests/net/topology.sh)
[ExpressRoute]
Device = er0
Gateway = $ER_GW4
Gateway = $ER_GW6
$er_lines

[VPN]
Device = vti0
Peer = $VPN_PUB4
Peer = $VPN_PUB6
MSS = $mss
$vpn_lines

$ul

[Policy]
MSSScope = $mss_scope
FailbackDelay = $failback
NoPath = $nopath
Prefix = $AZ_NET4 er vpn
Prefix = $AZ_NET6 er vpn
Prefix = $AZV_NET4 vpn
Prefix = $AZV_NET6 vpn
Prefix = $SITE_NET4 vpn
Prefix = $SITE_NET6 vpn
$extra
EOF
}

# ---------------------------------------------------------------- traffic

# ping_from NS DST [COUNT]: quiet ping, 0 when every reply came back
ping_from() {
	local c=${3:-3}
	case "$2" in
	*:*) nsx "$1" ping -6 -q -n -c "$c" -i 0.05 -W 2 "$2" >/dev/null 2>&1 ;;
	*) nsx "$1" ping -4 -q -n -c "$c" -i 0.05 -W 2 "$2" >/dev/null 2>&1 ;;
	esac
}

# _path_counts: "ER_TX VTI_TX AZ_ER4 AZ_ER6 AZ_VPN4 AZ_VPN6" now: gw's
# er0/vti0 tx packets and azure's counters, in two processes (each costs
# about a second on the debug kernel)
_path_counts() {
	local t er vti er4=0 er6=0 vpn4=0 vpn6=0 name n
	t=$(nsx gw awk '{ sub(/:/, " ") } $1 == "er0" { e = $11 } $1 == "vti0" { v = $11 }
		END { printf "%d %d ", e, v }' /proc/net/dev)
	while read -r name n; do
		case "$name" in
		er4) er4=$n ;; er6) er6=$n ;; vpn4) vpn4=$n ;; vpn6) vpn6=$n ;;
		esac
	done < <(nsx azure nft list counters table inet azure 2>/dev/null |
		awk '$1 == "counter" { c = $2 } $1 == "packets" { print c, $2 }')
	read -r er vti <<<"$t"
	echo "${er:-0} ${vti:-0} $er4 $er6 $vpn4 $vpn6"
}

# path_snapshot: remember gw's er0/vti0 tx packets and azure's counters
path_snapshot() {
	read -r SNAP_ER_TX SNAP_VTI_TX SNAP_AZ_ER4 SNAP_AZ_ER6 SNAP_AZ_VPN4 SNAP_AZ_VPN6 \
		< <(_path_counts)
}

# path_delta: sets D_ER_TX D_VTI_TX D_AZ_ER D_AZ_VPN (family of the last
# path_of call) since path_snapshot
path_delta() {	# 4|6
	local er vti er4 er6 vpn4 vpn6
	read -r er vti er4 er6 vpn4 vpn6 < <(_path_counts)
	D_ER_TX=$((er - SNAP_ER_TX))
	D_VTI_TX=$((vti - SNAP_VTI_TX))
	if [ "$1" = 6 ]; then
		D_AZ_ER=$((er6 - SNAP_AZ_ER6))
		D_AZ_VPN=$((vpn6 - SNAP_AZ_VPN6))
	else
		D_AZ_ER=$((er4 - SNAP_AZ_ER4))
		D_AZ_VPN=$((vpn4 - SNAP_AZ_VPN4))
	fi
}

# path_of DST [COUNT]: ping DST from onprem COUNT times and set PATH_RESULT to
# the path the packets took: "er", "vpn", "none" (nothing reached azure) or
# "mixed"; PATH_DETAIL tells the figures.  Both gw's device counters and what
# azure saw must agree.
path_of() {
	local dst=$1 c=${2:-5} fam=4 replies=ok
	case "$dst" in *:*) fam=6 ;; esac
	path_snapshot
	ping_from onprem "$dst" "$c" || replies=lost
	path_delta $fam
	PATH_DETAIL="gw er0 tx +$D_ER_TX, vti0 tx +$D_VTI_TX; azure saw via er +$D_AZ_ER, via vpn +$D_AZ_VPN; replies $replies"
	if [ "$D_AZ_ER" -ge "$c" ] && [ "$D_AZ_VPN" -eq 0 ] &&
	   [ "$D_ER_TX" -ge "$c" ] && [ "$D_VTI_TX" -lt "$c" ]; then
		PATH_RESULT=er
	elif [ "$D_AZ_VPN" -ge "$c" ] && [ "$D_AZ_ER" -eq 0 ] &&
	     [ "$D_VTI_TX" -ge "$c" ] && [ "$D_ER_TX" -lt "$c" ]; then
		PATH_RESULT=vpn
	elif [ "$D_AZ_ER" -eq 0 ] && [ "$D_AZ_VPN" -eq 0 ]; then
		PATH_RESULT=none
	else
		PATH_RESULT=mixed
	fi
	[ $replies = ok ] || PATH_RESULT="$PATH_RESULT-noreply"
}

# expect_path DESCRIPTION DST WANT [COUNT]: one test point: the pings reached
# azure by path WANT (er, vpn, none) and came back
expect_path() {
	path_of "$2" "${4:-5}"
	if [ "$PATH_RESULT" = "$3" ]; then
		tap_ok "$1"
	else
		tap_notok "$1 (want $3, got $PATH_RESULT)"
	fi
	diag "$2: $PATH_DETAIL"
}

# ---------------------------------------------------------------- the module

TOPO_CONF=/tmp/ercx-test.conf

# policy_load [topo_config KEY=VALUE...]: write the config and load it in gw
policy_load() {
	topo_config "$TOPO_CONF" "$@"
	ctl load "$TOPO_CONF"
}

# status_get 'EXPR': evaluate a python expression over `status -j` (j)
status_get() {
	ctl -j status | json_get "$1"
}

# wait_status TENTHS 'EXPR' VALUE: poll status until EXPR prints VALUE
wait_status() {
	wait_until "$1" _status_is "$2" "$3"
}
_status_is() { [ "$(status_get "$1" 2>/dev/null)" = "$2" ]; }
