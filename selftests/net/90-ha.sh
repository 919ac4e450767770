#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A highly available gateway pair (issue 12): two gateways, gw1 and gw2,
# each with ercoexist, its own ER link and its own VPN tunnel (Azure's
# active-active VPN gateway: one instance per tunnel), and keepalived (one
# per gateway namespace, VRRPv3, unicast peers) holding the LAN's next hop,
# 10.1.0.254, on the master.  Each keepalived tracks `ercoexistctl health`
# (vrrp_script, weight -100): a gateway with no usable path drops below the
# other and gives up the master role.  gw1 has priority 150 and preempts
# PREEMPT_DELAY seconds after it is healthy again; gw2 has 140.
#
#   lan 10.1.0.2 --br0-- gw1 lan0 10.1.0.1 --er0-------- er ---- azure
#   (default via   |        \--eth0==vti0 (if_id 41)== vpn ---'  10.17.1.10
#    10.1.0.254)   '---- gw2 lan0 10.1.0.3 --er0-------- er
#                           \--eth0==vti0 (if_id 42)== vpn
#
# er (the two MSEE links) and vpn (the Internet and both VPN gateway
# instances, 203.0.113.10 and .11) send the replies by the link a flow's
# last packet came in on (ct mark per packet), as azure does by path: a
# flow that moves to the other gateway has its replies follow it.
#
# With a 1000 packets/s UDP stream lan -> azure (benchmarks' udpstream:
# loss by sequence numbers) and a TCP flow (tcpstream.py) running through
# all of it:
#  (a) gw1's both paths fail (ER black hole + VPN black hole, found by the
#      probes): health exits 4 on gw1, VRRP moves to gw2, the stream leaves
#      gw2 by er0;
#  (b) gw1's paths return: gw1 preempts (one transition each, no flap);
#  (c) gw1 dies (the far ends of all its links go down): VRRP to gw2;
#  (d) gw1 returns: it preempts again, gw1 FAULT -> BACKUP -> MASTER and
#      gw2 MASTER -> BACKUP exactly;
#  (e) ER fails on gw1 only: gw1 fails over to its VPN and keeps the
#      master role (no VRRP transition anywhere); ER back, the same;
# and at the end: the TCP flow got every byte, no RST anywhere.  Where the
# packets go is asserted from counters (the gateways' devices and what er
# and vpn forwarded per link); the losses of each step are TAP diagnostics,
# never a criterion.
# shellcheck disable=SC2317 # tap_end exits in the bridgeless branch, not before the rest
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"

UDPS=${ERCX_UDPSTREAM:-$ERCX_REPO/build/bench/udpstream}
# keepalived runs its scripts as nobody (enable_script_security, as the
# example): their paths must be root's alone, as /run is
W=/run/ercx-ha
VIP=10.1.0.254
LAN=10.1.0.2
AZ=10.17.1.10
PORT=5201
: "${HA_RATE:=1000}"
# VRRP advertisement interval (VRRPv3, centiseconds): the backup takes over
# 3 intervals after the last advertisement; the debug kernel's scheduling
# under TCG is too slow for 0.2 s without spurious takeovers
: "${HA_ADVERT:=0.2}"
: "${HA_PREEMPT_DELAY:=2}"
# What the observation windows wait for: every wait_until below polls for
# an outcome and gives up only after this many tenths (never a criterion)
WAIT=300
case "$(uname -r)" in
*-debug) HA_ADVERT=${HA_ADVERT_DEBUG:-0.5}; WAIT=900 ;;
esac

require_root
require_vm
require_cmds ip nft keepalived
require_module_and_ctl
[ -x "$UDPS" ] || tap_fail_all "$UDPS not built (selftests/vm/run.sh builds it)"

# The LAN segment is a bridge.  The debug lane's kernel is built without
# CONFIG_BRIDGE (nor macvlan, nor tc mirred: nothing else makes a shared
# segment either): there the gateways get a dummy lan0, no VRRP runs, and
# the suite checks ercoexist and health on both gateways alone
# (selftests/README lists it)
have_bridge() {
	local ns=$ERCX_NS-brprobe ok=1
	ip netns add "$ns" 2>/dev/null || return 1
	ip -n "$ns" link add br0 type bridge 2>/dev/null && ok=0
	ip netns del "$ns"
	return $ok
}
LAN_OK=1
have_bridge || LAN_OK=0

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	ns_del_all
}
trap cleanup EXIT

# ---------------------------------------------------------------- topology

# gw_ip N: the last octet of gwN's addresses (gw1 .1/.2, gw2 .5/.6 on the
# /30s; lan0 10.1.0.1 and 10.1.0.3)
ha_setup() {
	local n
	modprobe -q xfrm_interface 2>/dev/null
	modprobe -q esp4 2>/dev/null
	for n in gw1 gw2 er vpn azure; do
		ns_create $n || return 1
	done
	if [ "$LAN_OK" = 1 ]; then
		ns_create lan || return 1
		ip -batch - <<EOF || { log "ha: lan veth failed"; return 1; }
link add p1 netns $ERCX_NS-lan type veth peer name lan0 netns $ERCX_NS-gw1
link add p2 netns $ERCX_NS-lan type veth peer name lan0 netns $ERCX_NS-gw2
EOF
	else
		ip -n "$ERCX_NS-gw1" link add lan0 type dummy &&
			ip -n "$ERCX_NS-gw2" link add lan0 type dummy || return 1
	fi
	for n in gw1 gw2 er vpn; do
		ns_router $n
	done
	ip -batch - <<EOF || { log "ha: veth failed"; return 1; }
link add er0 netns $ERCX_NS-gw1 type veth peer name gw1 netns $ERCX_NS-er
link add er0 netns $ERCX_NS-gw2 type veth peer name gw2 netns $ERCX_NS-er
link add eth0 netns $ERCX_NS-gw1 type veth peer name gw1 netns $ERCX_NS-vpn
link add eth0 netns $ERCX_NS-gw2 type veth peer name gw2 netns $ERCX_NS-vpn
link add az0 netns $ERCX_NS-er type veth peer name er netns $ERCX_NS-azure
link add az0 netns $ERCX_NS-vpn type veth peer name vpn netns $ERCX_NS-azure
EOF
	[ "$LAN_OK" = 0 ] || ip -n "$ERCX_NS-lan" -batch - <<EOF || return 1
link add br0 type bridge stp_state 0 forward_delay 0
link set p1 master br0
link set p2 master br0
link set p1 up
link set p2 up
link set br0 up
addr add $LAN/24 dev br0
route add default via $VIP
EOF
	gw_setup 1 1 2 10 41 0x1001 0x2001 || return 1
	gw_setup 2 5 6 11 42 0x1002 0x2002 || return 1

	# er: the two ER links (one per gateway) and the VNet
	ip -n "$ERCX_NS-er" -batch - <<EOF || return 1
link set gw1 up
link set gw2 up
link set az0 up
addr add 192.0.2.1/30 dev gw1
addr add 192.0.2.5/30 dev gw2
addr add 10.255.1.1/30 dev az0
route add 10.17.0.0/16 via 10.255.1.2
route add 10.1.0.0/24 via 192.0.2.2
route add 10.1.0.0/24 via 192.0.2.2 table 1
route add 10.1.0.0/24 via 192.0.2.6 table 2
rule add fwmark 1 lookup 1 pref 100
rule add fwmark 2 lookup 2 pref 100
EOF
	# vpn: the Internet between the gateways and the VPN gateway's two
	# instances, and the instances' tunnels
	{ cat <<EOF
link set gw1 up
link set gw2 up
link set az0 up
addr add 198.51.100.1/30 dev gw1
addr add 198.51.100.5/30 dev gw2
addr add 203.0.113.10/32 dev lo
addr add 203.0.113.11/32 dev lo
addr add 10.255.2.1/30 dev az0
link add vti1 type xfrm dev gw1 if_id 41
link add vti2 type xfrm dev gw2 if_id 42
link set vti1 up
link set vti2 up
addr add 169.254.21.1/30 dev vti1
addr add 169.254.22.1/30 dev vti2
route add 10.17.0.0/16 via 10.255.2.2
route add 10.1.0.0/24 dev vti1
route add 10.1.0.0/24 dev vti1 table 1
route add 10.1.0.0/24 dev vti2 table 2
rule add fwmark 1 lookup 1 pref 100
rule add fwmark 2 lookup 2 pref 100
EOF
	ha_xfrm 203.0.113.10 198.51.100.2 0x2001 "$KEY_IN" 0x1001 "$KEY_OUT" 41
	ha_xfrm 203.0.113.11 198.51.100.6 0x2002 "$KEY_IN" 0x1002 "$KEY_OUT" 42
	} | ip -n "$ERCX_NS-vpn" -batch - || return 1

	ip -n "$ERCX_NS-azure" -batch - <<EOF || return 1
link set er up
link set vpn up
addr add 10.255.1.2/30 dev er
addr add 10.255.2.2/30 dev vpn
addr add $AZ/32 dev lo
route add default via 10.255.1.1
route add default via 10.255.1.1 table 1
route add default via 10.255.2.1 table 2
rule add fwmark 1 lookup 1 pref 100
rule add fwmark 2 lookup 2 pref 100
EOF
	# replies by the link (er, vpn) or path (azure) a flow's last packet
	# came in on; counters of what er and vpn forwarded from the LAN per
	# gateway
	ha_nft er gw1 gw2 az0 | nsx er nft -f - || return 1
	ha_nft vpn vti1 vti2 az0 | nsx vpn nft -f - || return 1
	ha_nft azure er vpn lo | nsx azure nft -f - || return 1
	# TCP resets, seen by either end
	for n in lan azure; do
		[ "$LAN_OK" = 1 ] || [ $n != lan ] || continue
		nsx $n nft -f - <<EOF || return 1
table inet rst {
	counter rst { }
	chain c_in {
		type filter hook input priority 0; policy accept;
		tcp flags & rst == rst counter name rst
	}
	chain c_out {
		type filter hook output priority 0; policy accept;
		tcp flags & rst == rst counter name rst
	}
}
EOF
	done
}

KEY_OUT=0x0102030405060708090a0b0c0d0e0f1011121314
KEY_IN=0x2122232425262728292a2b2c2d2e2f3031323334

# ha_xfrm LOCAL REMOTE SPI_OUT KEY_OUT SPI_IN KEY_IN IF_ID: `ip -batch`
# lines for one end of an IPv4 tunnel bound to an xfrm interface
ha_xfrm() {
	local l=$1 r=$2 so=$3 ko=$4 si=$5 ki=$6 id=$7 d
	echo "xfrm state add src $l dst $r proto esp spi $so reqid $id mode tunnel if_id $id aead rfc4106(gcm(aes)) $ko 128"
	echo "xfrm state add src $r dst $l proto esp spi $si reqid $id mode tunnel if_id $id aead rfc4106(gcm(aes)) $ki 128"
	echo "xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir out if_id $id tmpl src $l dst $r proto esp reqid $id mode tunnel"
	for d in in fwd; do
		echo "xfrm policy add src 0.0.0.0/0 dst 0.0.0.0/0 dir $d if_id $id tmpl src $r dst $l proto esp reqid $id mode tunnel"
	done
}

# ha_nft NS IN1 IN2 OTHER: "table inet ha": ct mark 1/2 by the link a
# packet came in on (IN1/IN2), packets from OTHER (or local ones) routed by
# that mark; counters g1 g2 of LAN packets from IN1/IN2
ha_nft() {
	cat <<EOF
table inet ha {
	counter g1 { }
	counter g2 { }
	chain c_pre {
		type filter hook prerouting priority mangle; policy accept;
		iifname "$2" ip saddr 10.1.0.0/24 counter name g1
		iifname "$3" ip saddr 10.1.0.0/24 counter name g2
		iifname "$2" ct mark set 1
		iifname "$3" ct mark set 2
		iifname "$4" meta mark set ct mark
	}
	chain c_out {
		type route hook output priority mangle; policy accept;
		meta mark set ct mark
	}
}
EOF
}

# gw_setup N A B PUB IF_ID SPI_OUT SPI_IN: gwN's links, routes and tunnel:
# er0 192.0.2.B/30 (edge .A), eth0 198.51.100.B/30 (Internet .A), the
# VPN instance 203.0.113.PUB, vti0 169.254.2N.2/30
gw_setup() {
	local n=$1 a=$2 b=$3 pub=$4 id=$5 so=$6 si=$7 lan=1
	[ "$n" = 2 ] && lan=3
	{ cat <<EOF
link set lan0 up
link set er0 up
link set eth0 up
addr add 10.1.0.$lan/24 dev lan0
addr add 192.0.2.$b/30 dev er0
addr add 198.51.100.$b/30 dev eth0
route add default via 198.51.100.$a dev eth0
route add 10.17.0.0/16 via 192.0.2.$a dev er0
link add vti0 type xfrm dev eth0 if_id $id
link set vti0 mtu 1400 up
addr add 169.254.2$n.2/30 dev vti0
EOF
	ha_xfrm "198.51.100.$b" "203.0.113.$pub" "$so" "$KEY_OUT" "$si" "$KEY_IN" "$id"
	} | ip -n "$ERCX_NS-gw$n" -batch -
}

# gw_conf N: gwN's ercoexist policy; probes on both paths (an ER black
# hole keeps the carrier: only the probes see it), FailbackDelay 0
gw_conf() {
	local n=$1 a=1 pub=10
	[ "$n" = 2 ] && a=5 pub=11
	cat <<EOF
[ExpressRoute]
Device = er0
Gateway = 192.0.2.$a
ProbeInterval = 200ms
ProbeMultiplier = 3

[VPN]
Device = vti0
Peer = 203.0.113.$pub
Probe = 169.254.2$n.1
ProbeInterval = 200ms
ProbeMultiplier = 3

[Underlay]
Device = eth0
Gateway = 198.51.100.$a

[Policy]
FailbackDelay = 0
Prefix = 10.17.0.0/16 er vpn
EOF
}

# keepalived_conf N: gwN's keepalived.conf: userspace/examples/keepalived.conf
# (gw1's) with the changes its comments give for gw2, the test's timers,
# ercoexistctl from $W, and a notify script that records each transition;
# fails if the example no longer has a line the test changes
keepalived_conf() {
	local n=$1 ex=$ERCX_REPO/userspace/examples/keepalived.conf out
	out=$(sed -e "s|script \"/usr/sbin/ercoexistctl health -q\"|script \"$W/ercoexistctl health -q\"|" \
		-e "s|advert_int 0.5 |advert_int $HA_ADVERT |" \
		-e "s|preempt_delay 5\$|preempt_delay $HA_PREEMPT_DELAY|" \
		-e "\$i\\	notify \"$W/notify.sh gw$n\"" "$ex")
	if [ "$n" = 2 ]; then
		out=$(printf '%s\n' "$out" | sed -e 's/router_id gw1 /router_id gw2 /' \
			-e 's/priority 150 /priority 140 /' -e '/preempt_delay/d' \
			-e 's/unicast_src_ip 10.1.0.1$/unicast_src_ip 10.1.0.3/' \
			-e 's/^\t\t10.1.0.3 /\t\t10.1.0.1 /')
		printf '%s\n' "$out" | grep -q "router_id gw2 " &&
			printf '%s\n' "$out" | grep -q "priority 140 " &&
			printf '%s\n' "$out" | grep -q "unicast_src_ip 10.1.0.3" &&
			printf '%s\n' "$out" | grep -qP "^\t\t10.1.0.1 " || return 1
	else
		printf '%s\n' "$out" | grep -q "preempt_delay $HA_PREEMPT_DELAY" || return 1
	fi
	printf '%s\n' "$out" | grep -q "script \"$W/ercoexistctl health -q\"" &&
		printf '%s\n' "$out" | grep -q "advert_int $HA_ADVERT " &&
		printf '%s\n' "$out" | grep -q "notify \"$W/notify.sh gw$n\"" || return 1
	printf '%s\n' "$out"
}

# keepalived_start N: keepalived in gwN's namespace, in the foreground of
# its job (-n), logging to $W/kaN.log
keepalived_start() {
	local n=$1
	keepalived_conf "$n" >"$W/ka$n.conf" || return 1
	ip netns exec "$ERCX_NS-gw$n" keepalived -n -l -D -P -f "$W/ka$n.conf" \
		-p "$W/ka$n.pid" -r "$W/ka$n-vrrp.pid" >"$W/ka$n.log" 2>&1 &
	PIDS+=($!)
}

# ---------------------------------------------------------------- looking

has_vip() { nsx "$1" ip -4 -o addr show dev lan0 | grep -q " $VIP/"; }
# master_is GW: the VIP on GW's lan0 and on no other gateway's
master_is() {
	local o=gw1
	[ "$1" = gw1 ] && o=gw2
	has_vip "$1" && ! has_vip $o
}

# the states keepalived notified for GW, one word per transition
states() { awk '{ printf "%s%s", sep, $2; sep = " " }' "$W/states/gw$1" 2>/dev/null; }
nstates() { { wc -l <"$W/states/gw$1"; } 2>/dev/null || echo 0; }
# states_since N FROM: the states after the first FROM lines
states_since() { tail -n +"$(($2 + 1))" "$W/states/gw$1" 2>/dev/null | awk '{ printf "%s%s", sep, $2; sep = " " }'; }

# counters: "GW1_ER0 GW1_VTI0 GW2_ER0 GW2_VTI0 ER_G1 ER_G2 VPN_G1 VPN_G2"
# (the gateways' tx packets; what er and vpn received from the LAN per
# gateway)
counters() {
	local g er vpn
	for g in gw1 gw2; do
		nsx_sys $g cat /sys/class/net/er0/statistics/tx_packets \
			/sys/class/net/vti0/statistics/tx_packets 2>/dev/null | tr '\n' ' '
	done
	er=$(nsx er nft list counters table inet ha 2>/dev/null | awk '$1 == "packets" { printf "%s ", $2 }')
	vpn=$(nsx vpn nft list counters table inet ha 2>/dev/null | awk '$1 == "packets" { printf "%s ", $2 }')
	echo "$er$vpn"
}

# stream_via DESC GW DEV: one test point: over a second of the stream, the
# LAN's packets left GW by DEV (er0 or vti0) and arrived at the far end
# (er or vpn) from GW's link, and nothing arrived there by another
# gateway's link or the other path
stream_via() {
	local desc=$1 gw=$2 dev=$3 a b d i want=() names=(gw1.er0 gw1.vti0 gw2.er0 gw2.vti0 er.gw1 er.gw2 vpn.gw1 vpn.gw2) sum=0 bad=0 txt=
	read -r -a a <<<"$(counters)"
	sleep 1
	read -r -a b <<<"$(counters)"
	case "$gw.$dev" in
	gw1.er0) want=(0 4) ;;
	gw1.vti0) want=(1 6) ;;
	gw2.er0) want=(2 5) ;;
	gw2.vti0) want=(3 7) ;;
	esac
	for i in 0 1 2 3 4 5 6 7; do
		d=$((${b[i]:-0} - ${a[i]:-0}))
		txt="$txt ${names[i]} +$d"
		if [ "$i" = "${want[0]}" ] || [ "$i" = "${want[1]}" ]; then
			[ "$d" -ge 100 ] || bad=1
		elif [ "$i" -ge 4 ] && [ "$d" -ne 0 ]; then
			bad=1	# the far ends saw LAN packets elsewhere
		fi
		sum=$((sum + d))
	done
	tap_result $bad "$desc: the stream leaves $gw by $dev, nothing by another way (over 1 s:$txt)"
}

health() {	# GW ARGS...: ercoexistctl health in GW; sets H_RC, H_ERR, H_OUT
	H_OUT=$("$ERCX_CTL" -n "$ERCX_NS-$1" health "${@:2}" 2>"$W/health.err")
	H_RC=$?
	H_ERR=$(cat "$W/health.err")
}

# ---------------------------------------------------------------- failures

hole() {	# NS LINK add|del: drop everything in and out of NS's LINK
	if [ "$3" = add ]; then
		nsx "$1" nft -f - <<EOF
table inet hole_$2 {
	chain c_pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "$2" drop
	}
	chain c_post {
		type filter hook postrouting priority 300; policy accept;
		oifname "$2" drop
	}
	chain c_out {
		type filter hook output priority -300; policy accept;
		oifname "$2" drop
	}
}
EOF
	else
		nsx "$1" nft delete table inet "hole_$2"
	fi
}

# gw1's cables: the far ends of its LAN, ER and Internet links
gw1_cables() {	# up|down
	ip -n "$ERCX_NS-lan" link set p1 "$1" &&
		ip -n "$ERCX_NS-er" link set gw1 "$1" &&
		ip -n "$ERCX_NS-vpn" link set gw1 "$1" || return 1
	[ "$1" = up ] || return 0
	# what the admin down flushed on the far ends, as their routing
	# protocols would put it back
	ip -n "$ERCX_NS-er" -batch - <<EOF && ip -n "$ERCX_NS-vpn" -batch - <<EOF2
route replace 10.1.0.0/24 via 192.0.2.2
route replace 10.1.0.0/24 via 192.0.2.2 table 1
EOF
route replace 10.1.0.0/24 dev vti1
route replace 10.1.0.0/24 dev vti1 table 1
EOF2
}

# ---------------------------------------------------------------- losses

# mark: the start of a new step for the loss accounting (its name)
STEPS=()
mark() {
	STEPS+=("$1")
	date +%s%N >>"$W/marks"
}

# losses: one line per step: NAME SENT LOST (sequence numbers sent from its
# mark to the next that never arrived at azure)
losses() {
	"$PY" - "$W/lan.tx" "$W/az.rx" "$W/marks" "$(date +%s%N)" <<'EOF'
import sys
tx = []
with open(sys.argv[1]) as f:
    for line in f:
        p = line.split()
        if len(p) == 2:
            tx.append((int(p[1]), int(p[0])))
got = set()
with open(sys.argv[2]) as f:
    for line in f:
        p = line.split()
        if len(p) == 3:
            got.add(int(p[0]))
marks = [int(x) for x in open(sys.argv[3]).read().split()] + [int(sys.argv[4])]
for i in range(len(marks) - 1):
    sent = [s for t, s in tx if marks[i] <= t < marks[i + 1]]
    lost = [s for s in sent if s not in got]
    print(len(sent), len(lost))
EOF
}

# ---------------------------------------------------------------- the run

if [ "$LAN_OK" = 1 ]; then
	tap_plan 30
else
	tap_plan 11
fi
rm -rf "$W"
mkdir -p "$W"
chmod 755 "$W"
cp "$ERCX_CTL" "$W/ercoexistctl"
cat >"$W/notify.sh" <<EOF
#!/bin/sh
# keepalived notify (as nobody): GW TYPE NAME STATE PRIORITY
echo "\$(date +%s%N) \$4 \$5" >>"$W/states/\$1"
EOF
chmod 755 "$W/notify.sh"
mkdir -p "$W/states"
chown nobody:nogroup "$W/states"
dmesg_mark
t_start=$(date +%s)

ha_setup
rc=$?
if [ "$LAN_OK" = 1 ]; then
	tap_result $rc "topology up: lan, gw1, gw2, er, vpn, azure"
else
	tap_result $rc "topology up: gw1, gw2, er, vpn, azure (no bridge in this kernel: no LAN)"
fi
for n in 1 2; do
	gw_conf $n >"$W/gw$n.conf"
done
"$ERCX_CTL" -n "$ERCX_NS-gw1" load "$W/gw1.conf" >/dev/null &&
	"$ERCX_CTL" -n "$ERCX_NS-gw2" load "$W/gw2.conf" >/dev/null
tap_result $? "ercoexistctl load on gw1 and on gw2 (the same policy, their own devices)"
wait_until "$WAIT" sh -c "ip netns exec $ERCX_NS-gw1 $ERCX_CTL health -q && ip netns exec $ERCX_NS-gw2 $ERCX_CTL health -q"
health gw1
h1="$H_RC '$H_OUT' '$H_ERR'"
health gw2
[ "$h1" = "0 '' ''" ] && [ "$H_RC" = 0 ] && [ -z "$H_OUT$H_ERR" ]
tap_result $? "health on gw1 and gw2: exit 0, nothing printed (gw1: $h1; gw2: $H_RC '$H_OUT' '$H_ERR')"

health_is() { "$ERCX_CTL" -n "$ERCX_NS-$1" health -q "${@:3}"; [ $? = "$2" ]; }
if [ "$LAN_OK" = 0 ]; then
	diag "$(uname -r) has no bridge (CONFIG_BRIDGE): no LAN segment, no VRRP; ercoexist and health on both gateways"
	hole er gw1 add && hole vpn gw1 add
	wait_until "$WAIT" health_is gw1 4
	health gw1
	[ "$H_RC" = 4 ] && [ "$H_ERR" = "ercoexistctl health: no usable path: er down (probe-timeout), vpn down (probe-timeout)" ] && [ -z "$H_OUT" ]
	tap_result $? "(a) ER black hole and VPN down on gw1: health exits 4, the reason as one line on stderr (got $H_RC: $H_ERR)"
	health gw1 -q
	[ "$H_RC" = 4 ] && [ -z "$H_OUT$H_ERR" ]
	tap_result $? "(a) health -q on gw1: exit 4, nothing printed (got $H_RC '$H_OUT$H_ERR')"
	health gw2
	[ "$H_RC" = 0 ] && [ -z "$H_OUT$H_ERR" ]
	tap_result $? "(a) health on gw2: exit 0 (got $H_RC '$H_ERR')"
	hole er gw1 del && hole vpn gw1 del
	wait_until "$WAIT" health_is gw1 0
	tap_result $? "(b) gw1's paths back: health exits 0"
	hole er gw1 add
	wait_status_gw1() { [ "$("$ERCX_CTL" -n "$ERCX_NS-gw1" -j status | json_get 'j["active_path"]')" = "$1" ]; }
	wait_until "$WAIT" wait_status_gw1 vpn
	tap_result $? "(e) ER black hole on gw1: gw1's active path is its VPN"
	health gw1
	h1="$H_RC '$H_ERR'"
	health gw1 --path er
	[ "$h1" = "0 ''" ] && [ "$H_RC" = 4 ] && [ "$H_ERR" = "ercoexistctl health: er not usable: er down (probe-timeout)" ]
	tap_result $? "(e) health on gw1: exit 0; with --path er exit 4, ER down (got $h1; --path er: $H_RC '$H_ERR')"
	hole er gw1 del
	wait_until "$WAIT" wait_status_gw1 er
	tap_result $? "(e) ER back on gw1: its active path is ER again"
	dmesg_clean
	tap_result $? "kernel log clean"
	diag "suite time $(($(date +%s) - t_start)) s"
	tap_end
fi

keepalived_start 1
wait_until "$WAIT" has_vip gw1
keepalived_start 2
wait_until "$WAIT" grep -q BACKUP "$W/states/gw2"
master_is gw1 && [ "$(states 1)" = "BACKUP MASTER" ] && [ "$(states 2)" = BACKUP ]
tap_result $? "keepalived up: gw1 master (the VIP on its lan0), gw2 backup (gw1: $(states 1); gw2: $(states 2))"

# the stream and the TCP flow
ip netns exec "$ERCX_NS-azure" "$UDPS" -l 5001 -b "$AZ" -d "$LAN" -p 5001 -r 1 -o "$W/az" -t 100000 2>"$W/az.err" &
UDP_AZ=$!
ip netns exec "$ERCX_NS-lan" "$UDPS" -l 5001 -b "$LAN" -d "$AZ" -p 5001 -r "$HA_RATE" -o "$W/lan" -t 900 2>"$W/lan.err" &
UDP_LAN=$!
PIDS+=("$UDP_AZ" "$UDP_LAN")
ip netns exec "$ERCX_NS-azure" "$PY" "$DIR/tcpstream.py" recv "$PORT" "$W/tcp.rx" &
TCP_RX=$!
PIDS+=("$TCP_RX")
wait_until "$WAIT" sh -c "ip netns exec $ERCX_NS-azure ss -Hltn | grep -q ':$PORT '"
ip netns exec "$ERCX_NS-lan" "$PY" "$DIR/tcpstream.py" send "$AZ" "$PORT" 900 >"$W/tcp.tx" 2>"$W/tcp.err" &
TCP_TX=$!
PIDS+=("$TCP_TX")
wait_until "$WAIT" grep -q '^streaming' "$W/tcp.tx"
tap_result $? "the TCP flow lan -> azure:$PORT streams (MSS $(head -n 1 "$W/tcp.tx"))"
mark baseline
stream_via "baseline" gw1 er0

# (a) gw1's both paths fail
n1=$(nstates 1) n2=$(nstates 2)
mark "(a) gw1 both paths fail"
hole er gw1 add && hole vpn gw1 add
wait_until "$WAIT" master_is gw2
tap_result $? "(a) ER black hole and VPN down on gw1: the VIP moves to gw2"
health gw1
[ "$H_RC" = 4 ] && [ "$H_ERR" = "ercoexistctl health: no usable path: er down (probe-timeout), vpn down (probe-timeout)" ] && [ -z "$H_OUT" ]
tap_result $? "(a) health on gw1: exit 4, the reason as one line on stderr (got $H_RC: $H_ERR)"
health gw1 -q
[ "$H_RC" = 4 ] && [ -z "$H_OUT$H_ERR" ]
tap_result $? "(a) health -q on gw1: exit 4, nothing printed (got $H_RC '$H_OUT$H_ERR')"
stream_via "(a) after the failover" gw2 er0
[ "$(states_since 1 "$n1")" = BACKUP ] && [ "$(states_since 2 "$n2")" = MASTER ]
tap_result $? "(a) one VRRP transition each: gw1 BACKUP, gw2 MASTER (gw1: $(states_since 1 "$n1"); gw2: $(states_since 2 "$n2"))"

# (b) gw1's paths come back: gw1 preempts after its delay
n1=$(nstates 1) n2=$(nstates 2)
mark "(b) gw1 paths back, preemption"
hole er gw1 del && hole vpn gw1 del
wait_until "$WAIT" master_is gw1
tap_result $? "(b) gw1's paths back: gw1 takes the VIP back (preempt_delay $HA_PREEMPT_DELAY s)"
stream_via "(b) after the preemption" gw1 er0
[ "$(states_since 1 "$n1")" = MASTER ] && [ "$(states_since 2 "$n2")" = BACKUP ]
tap_result $? "(b) no flapping: one transition each, gw1 MASTER, gw2 BACKUP (gw1: $(states_since 1 "$n1"); gw2: $(states_since 2 "$n2"))"

# (c) gw1 dies: every cable pulled
n1=$(nstates 1) n2=$(nstates 2)
mark "(c) gw1 dies"
gw1_cables down
wait_until "$WAIT" has_vip gw2
tap_result $? "(c) gw1's links down at their far ends: gw2 takes the VIP"
stream_via "(c) after the failover" gw2 er0
wait_until "$WAIT" grep -q FAULT "$W/states/gw1"
[ "$(states_since 1 "$n1")" = FAULT ] && [ "$(states_since 2 "$n2")" = MASTER ]
tap_result $? "(c) gw1 FAULT (its LAN link has no carrier), gw2 MASTER (gw1: $(states_since 1 "$n1"); gw2: $(states_since 2 "$n2"))"

# (d) gw1 returns
mark "(d) gw1 returns, preemption"
gw1_cables up
wait_until "$WAIT" master_is gw1
tap_result $? "(d) gw1's links back: gw1 takes the VIP back"
stream_via "(d) after the preemption" gw1 er0
# the observation window for a flap: more than 3 advertisement intervals
# and 2 health rounds, after which nothing may have moved
sleep 3
[ "$(states_since 1 "$n1")" = "FAULT BACKUP MASTER" ] && [ "$(states_since 2 "$n2")" = "MASTER BACKUP" ] && master_is gw1
tap_result $? "(d) no flapping: gw1 FAULT BACKUP MASTER, gw2 MASTER BACKUP, gw1 still master 3 s later (gw1: $(states_since 1 "$n1"); gw2: $(states_since 2 "$n2"))"

# (e) ER fails on gw1 only
n1=$(nstates 1) n2=$(nstates 2)
mark "(e) gw1 ER fails"
hole er gw1 add
wait_status_gw1() { [ "$("$ERCX_CTL" -n "$ERCX_NS-gw1" -j status | json_get 'j["active_path"]')" = "$1" ]; }
wait_until "$WAIT" wait_status_gw1 vpn
tap_result $? "(e) ER black hole on gw1: gw1's active path is its VPN"
health gw1
h1="$H_RC '$H_ERR'"
health gw1 --path er
[ "$h1" = "0 ''" ] && [ "$H_RC" = 4 ] && [ "$H_ERR" = "ercoexistctl health: er not usable: er down (probe-timeout)" ]
tap_result $? "(e) health on gw1: exit 0; with --path er exit 4, ER down (got $h1; --path er: $H_RC '$H_ERR')"
stream_via "(e) ER down on gw1" gw1 vti0
mark "(e) gw1 ER back"
hole er gw1 del
wait_until "$WAIT" wait_status_gw1 er
tap_result $? "(e) ER back on gw1: its active path is ER again"
stream_via "(e) ER back on gw1" gw1 er0
[ "$(states_since 1 "$n1")" = "" ] && [ "$(states_since 2 "$n2")" = "" ] && master_is gw1
tap_result $? "(e) no VRRP transition on either gateway, gw1 master throughout (gw1: '$(states_since 1 "$n1")'; gw2: '$(states_since 2 "$n2")')"

# the end: the TCP flow closes cleanly and got everything
mark end
kill -TERM "$TCP_TX"
wait "$TCP_TX"
rc=$?
# the receiver ends at the sender's FIN (a zombie until waited for)
rx_done() { case "$(ps -o stat= -p "$TCP_RX" 2>/dev/null)" in "" | Z*) return 0 ;; esac; return 1; }
wait_until "$WAIT" rx_done || kill "$TCP_RX" 2>/dev/null
wait "$TCP_RX"
sent=$(awk '$1 == "sent" { print $2 }' "$W/tcp.tx")
got=$(tail -n 1 "$W/tcp.rx" | cut -d' ' -f2)
[ "$rc" = 0 ] && [ -n "$sent" ] && [ "$sent" -gt 0 ] && [ "$got" = "$sent" ]
tap_result $? "TCP: the sender closed cleanly (status $rc), azure received every byte ($got of $sent)"
[ -s "$W/tcp.err" ] && sed 's/^/# tcpstream: /' "$W/tcp.err" | tail -n 5
r1=$(nft_counter lan inet rst rst) r2=$(nft_counter azure inet rst rst)
[ "$r1" = 0 ] && [ "$r2" = 0 ]
tap_result $? "TCP: no RST sent or received by either end (lan $r1, azure $r2)"

kill -TERM "$UDP_LAN" "$UDP_AZ"
wait "$UDP_LAN" "$UDP_AZ"
i=0 all=1
while read -r s l; do
	diag "loss: ${STEPS[i]}: $l of $s packets sent at $HA_RATE/s"
	[ "$s" -gt "$l" ] || all=0
	i=$((i + 1))
done < <(losses)
[ "$i" = "${#STEPS[@]}" ] && [ "$all" = 1 ]
tap_result $? "UDP: every step measured, packets of each arrived (the losses above are diagnostics)"
for n in 1 2; do
	diag "gw$n VRRP states: $(states $n)"
done
dmesg_clean
tap_result $? "kernel log clean"
diag "suite time $(($(date +%s) - t_start)) s (advert_int $HA_ADVERT s)"

tap_end
