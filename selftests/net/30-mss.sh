#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MSS clamp (issue 2, test f): a TCP connection from onprem to azure over the
# tunnel: the far end sees MSS 1250 exactly (IPv6: 1230) in the SYN and onprem sees
# it in the SYN-ACK that came back through the tunnel; over ER both see 1460
# (IPv6: 1440).  The segments are captured with tcpdump on azure and onprem.
# Also: data flows over the clamped connection, `MSSScope = all` clamps over
# ER too, and a smaller MSS is never raised.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft tcpdump socat timeout
require_module_and_ctl

W=/tmp/ercx-mss
PORT=5001
cleanup() {
	[ -n "${SRV:-}" ] && kill "$SRV" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

# capture NS IFACE FILTER OUT: start tcpdump (one packet) in the background
capture() {
	rm -f "$4" "$4.err"
	nsx "$1" timeout 60 tcpdump -i "$2" -nn -v -l -c 1 "$3" >"$4" 2>"$4.err" &
	CAPS+=($!)
	wait_until 50 grep -q 'listening on' "$4.err"
}

# mss_of FILE: the MSS option in the captured segment, or "none"
mss_of() {
	local m
	m=$(grep -o 'mss [0-9]*' "$1" | head -n 1 | cut -d' ' -f2)
	echo "${m:-none}"
}

SEQ=0
# syn_test DST: connect from onprem to DST:PORT, sending 200000 bytes;
# sets SYN_MSS (seen by azure), SYNACK_MSS (seen by onprem), RX_BYTES
syn_test() {
	local dst=$1 f4='' synf synackf b0
	SEQ=$((SEQ + 1))
	case "$dst" in
	*:*)
		synf="ip6 and tcp dst port $PORT and ip6[53] & 0x12 == 0x02"
		synackf="ip6 and tcp src port $PORT and ip6[53] & 0x12 == 0x12"
		f4=6 ;;
	*)
		synf="tcp dst port $PORT and tcp[13] & 0x12 == 0x02"
		synackf="tcp src port $PORT and tcp[13] & 0x12 == 0x12"
		f4=4 ;;
	esac
	CAPS=()
	capture azure any "$synf" "$W/syn.$SEQ"
	capture onprem eth0 "$synackf" "$W/synack.$SEQ"
	b0=$(cat "$W"/rx.* 2>/dev/null | wc -c)
	head -c 200000 /dev/zero >"$W/tx"
	if [ $f4 = 6 ]; then
		nsx onprem timeout 10 socat -u "OPEN:$W/tx" "TCP6:[$dst]:$PORT" 2>"$W/client.$SEQ"
	else
		nsx onprem timeout 10 socat -u "OPEN:$W/tx" "TCP4:$dst:$PORT" 2>"$W/client.$SEQ"
	fi
	wait "${CAPS[@]}"
	SYN_MSS=$(mss_of "$W/syn.$SEQ")
	SYNACK_MSS=$(mss_of "$W/synack.$SEQ")
	RX_BYTES=$(($(cat "$W"/rx.* 2>/dev/null | wc -c) - b0))
	diag "$dst: azure saw SYN mss $SYN_MSS, onprem saw SYN-ACK mss $SYNACK_MSS, $RX_BYTES bytes arrived"
	[ -s "$W/client.$SEQ" ] && sed 's/^/# client: /' "$W/client.$SEQ"
}

tap_plan 19
topo_setup
tap_result $? "topology up"
policy_load failback=0
tap_result $? "ercoexistctl load (MSS 1250, MSSScope tunnel)"

# one server for both families; every connection appends to its own file
nsx azure socat -u "TCP6-LISTEN:$PORT,fork,reuseaddr,ipv6only=0" \
	"SYSTEM:cat >$W/rx.\$\$" 2>/dev/null &
SRV=$!
srv_listening() { nsx azure ss -Hltn | grep -q ":$PORT"; }
wait_until 50 srv_listening
tap_result $? "TCP server listening on azure port $PORT"

# over the VPN: 10.17.200.0/24 and fd17:0:0:200::/64 are VPN-only
syn_test "$AZV4"
[ "$SYN_MSS" = 1250 ]
tap_result $? "IPv4 over the VPN: azure sees SYN mss $SYN_MSS = 1250"
[ "$SYNACK_MSS" = 1250 ]
tap_result $? "IPv4 over the VPN: onprem sees SYN-ACK mss $SYNACK_MSS = 1250"
[ "$RX_BYTES" -eq 200000 ]
tap_result $? "IPv4 over the VPN: 200000 bytes arrived ($RX_BYTES)"
syn_test "$AZV6"
[ "$SYN_MSS" = 1230 ]
tap_result $? "IPv6 over the VPN: azure sees SYN mss $SYN_MSS = 1230"
[ "$SYNACK_MSS" = 1230 ]
tap_result $? "IPv6 over the VPN: onprem sees SYN-ACK mss $SYNACK_MSS = 1230"
[ "$RX_BYTES" -eq 200000 ]
tap_result $? "IPv6 over the VPN: 200000 bytes arrived ($RX_BYTES)"

# over ER: untouched
syn_test "$AZ4"
[ "$SYN_MSS" = 1460 ]
tap_result $? "IPv4 over ER: azure sees SYN mss $SYN_MSS = 1460"
[ "$SYNACK_MSS" = 1460 ]
tap_result $? "IPv4 over ER: onprem sees SYN-ACK mss $SYNACK_MSS = 1460"
syn_test "$AZ6"
[ "$SYN_MSS" = 1440 ]
tap_result $? "IPv6 over ER: azure sees SYN mss $SYN_MSS = 1440"
[ "$SYNACK_MSS" = 1440 ]
tap_result $? "IPv6 over ER: onprem sees SYN-ACK mss $SYNACK_MSS = 1440"

c=$(status_get 'j["mss"]["clamped"]')
[ "${c:-0}" -ge 4 ]
tap_result $? "status: mss.clamped = $c (want >= 4)"

# MSSScope = all: clamped over ER too
policy_load failback=0 mss_scope=all
tap_result $? "ercoexistctl load (MSSScope all)"
syn_test "$AZ4"
[ "$SYN_MSS" = 1250 ]
tap_result $? "MSSScope all: IPv4 over ER: azure sees SYN mss $SYN_MSS = 1250"
syn_test "$AZ6"
[ "$SYN_MSS" = 1230 ]
tap_result $? "MSSScope all: IPv6 over ER: azure sees SYN mss $SYN_MSS = 1230"

# never raised: onprem advertises 1000
nsx onprem ip route change default via "$GW_LAN4" advmss 1000
syn_test "$AZV4"
[ "$SYN_MSS" = 1000 ]
tap_result $? "a smaller MSS is never raised: onprem advmss 1000, azure sees $SYN_MSS"
nsx onprem ip -6 route change default via "$GW_LAN6" advmss 980
syn_test "$AZV6"
[ "$SYN_MSS" = 980 ]
tap_result $? "IPv6: a smaller MSS is never raised: onprem advmss 980, azure sees $SYN_MSS"

tap_end
