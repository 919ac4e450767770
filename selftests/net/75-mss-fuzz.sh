#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet fuzz through the real hooks (issue 8, item 2).  Crafted TCP
# segments (selftests/net/mssfuzz.py: raw sockets, one python per batch)
# cross gw, and what arrives is compared with what was sent, packet by
# packet (IPv4 ID / IPv6 flow label):
#
#  - every MSS edge case of kmod/core/test/test_mss.c a real packet can
#    carry, IPv4 and IPv6, as SYN and SYN-ACK: no MSS, MSS first / after one
#    or three NOPs (odd offsets) / last, two MSS options (equal, different),
#    EOL before MSS, option length 0, 1 and past the header, MSS length 3
#    and 6, doff 0, 4 and 15, doff past the packet (the IP length ends the
#    segment early), SYN with data, non-SYN segments, IPv4 and IPv6
#    fragments (first and non-first), IPv6 hop-by-hop, destination options
#    and fragment headers before TCP;
#  - a seeded run of random option bytes (ERCX_MSSFUZZ_N, 10000; 1000 on
#    the debug lane's kernel, where the figure would only cost time;
#    ERCX_MSSFUZZ_SEED repeats a run: the seed is printed).
#
# Paths: onprem to the VPN-only site (SITE4/SITE6) over vti0, clamped in
# gw's POST_ROUTING (MSSScope = tunnel); the site to onprem through the tunnel,
# clamped in gw's PRE_ROUTING as it enters by vti0; with MSSScope = all
# onprem to AZ4/AZ6 over ER (clamped in PRE_ROUTING) and to the site over
# the tunnel, where PRE_ROUTING and POST_ROUTING both judge the segment.
#
# Each packet must arrive exactly once, either clamped to exactly MSS (1250)
# or MSS6 (1230) with a TCP checksum recomputed from scratch by the checker
# equal to the one the clamp wrote (and valid over the whole segment, the
# fragments included), or byte for byte as sent from the IP payload on
# (extension headers, TCP header, options, data).  Which one, and whether it
# is malformed, is what Documentation/design.rst and kmod/core/mss.c say
# (mssfuzz.py's walk(), which must agree with each edge case's table
# entry).  status's mss.clamped and mss.errors must move by exactly the
# clamped and malformed packets, times the hooks that judge each (2 for
# MSSScope = all over the tunnel).  The receivers' checksum offload is off,
# so their kernels verify every checksum: TcpInCsumErrors stays 0.  Their
# RSTs are dropped on the way out (no return traffic to wait for).
#
# Found by this suite's first run (6.12): a SYN whose packet ends inside the
# fixed TCP header (16 bytes, alone or as a first fragment that leaves the
# options to the second) arrived untouched, as it should, but ercx_mss()
# returned at its 20-byte skb_header_pointer() without counting it in
# mss.errors; it counts it now ("tunnel-short").
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft tcpdump timeout ethtool stat
require_module_and_ctl

case "$(uname -r)" in
*-debug) N=${ERCX_MSSFUZZ_N:-1000} NWHY=" (the debug kernel: 1000, not 10000)" ;;
*) N=${ERCX_MSSFUZZ_N:-10000} NWHY='' ;;
esac
SEED=${ERCX_MSSFUZZ_SEED:-$(date +%s)}
FUZZ=$DIR/mssfuzz.py
W=/tmp/ercx-mssfuzz
CAP=
cleanup() {
	[ -n "$CAP" ] && kill "$CAP" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

# the test points a batch prints (mssfuzz.py check: one per edge case name,
# three for the short and random ones), and the three of its own
EDGE_T=$((49 + 3)) SHORT_T=$((3 + 3)) RAND_T=$((3 + 3))
tap_plan $((3 + EDGE_T + SHORT_T + RAND_T + EDGE_T + 1 + EDGE_T + EDGE_T + RAND_T + 1))
diag "seed $SEED, $N random segments$NWHY"

topo_setup
tap_result $? "topology up"
# the receivers verify checksums themselves (veth would mark them verified)
nsx azure ethtool -K er rx off >/dev/null 2>&1
nsx azure ethtool -K vpn rx off >/dev/null 2>&1
nsx onprem ethtool -K eth0 rx off >/dev/null 2>&1
[ "$( { nsx azure ethtool -k er; nsx azure ethtool -k vpn; nsx onprem ethtool -k eth0; } |
	grep -c '^rx-checksumming: off')" = 3 ]
tap_result $? "receive checksum offload off on azure's er and vpn and onprem's eth0"
# no answers: the receivers' RSTs (to SYNs for the closed port 7) never
# leave; only those: a drop in LOCAL_OUT would fail the sender's own
# crafted RSTs with EPERM
for ns in azure onprem; do
	nsx $ns nft -f - <<EOF
table inet fuzzquiet {
	chain c_out {
		type filter hook output priority 0; policy accept;
		tcp sport 7 tcp flags rst drop
	}
}
EOF
done

# csum_errors: TcpInCsumErrors of azure and onprem, summed (IPv6 counts in
# the same TCP MIB)
csum_errors() {
	local ns n t=0
	for ns in azure onprem; do
		# shellcheck disable=SC2016 # awk's own $
		n=$(nsx $ns awk '$1 == "Tcp:" { if (h) { print $(i); exit } for (i = 1; i <= NF; i++) if ($i == "InCsumErrors") break; h = 1 }' /proc/net/snmp)
		t=$((t + ${n:-0}))
	done
	echo $t
}
CSUM0=$(csum_errors)

policy_load failback=0
tap_result $? "ercoexistctl load (MSS 1250, MSSScope tunnel)"

mss_counters() {	# prints "CLAMPED ERRORS"
	status_get '"%d %d" % (j["mss"]["clamped"], j["mss"]["errors"])'
}

# _pcap_settled FILE: the capture has not grown since the last call
_pcap_settled() {
	local s
	s=$(stat -c %s "$1" 2>/dev/null || echo 0)
	[ "$s" = "${_PCAP_SIZE:-}" ] && return 0
	_PCAP_SIZE=$s
	return 1
}

# _pcap_quiet FILE: it has not grown for half a second
_pcap_quiet() {
	_pcap_settled "$1" && sleep 0.2 && _pcap_settled "$1" &&
		sleep 0.3 && _pcap_settled "$1"
}

# batch LABEL SET HOOKS SENDNS CAPNS CAPDEV SRC4 DST4 SRC6 DST6 [N SEED MARK]:
# capture on CAPNS's CAPDEV what comes from SRC4/SRC6, send the set from
# SENDNS, compare, and check status's counters: each packet judged by HOOKS
# of gw's hooks
batch() {
	local label=$1 set=$2 hooks=$3 sns=$4 cns=$5 dev=$6 s4=$7 d4=$8 s6=$9 d6=${10}
	local n=${11:-0} seed=${12:-0} mark=${13:-0}
	local pc="$W/$label.pcap" c0 e0 c1 e1 t rest ec=0 em=0 drop
	rm -f "$pc" "$pc.err"
	# not through nsx (a function: $! would be a subshell that keeps the
	# signal from tcpdump); ip netns exec execs timeout, which passes a
	# SIGTERM on, and tcpdump writes out and prints its statistics
	ip netns exec "$ERCX_NS-$cns" timeout 300 tcpdump -i "$dev" -nn -U -B 16384 \
		-w "$pc" "src host $s4 or src host $s6" 2>"$pc.err" &
	CAP=$!
	wait_until 100 grep -q 'listening on' "$pc.err"
	read -r c0 e0 < <(mss_counters)
	nsx "$sns" "$PY" "$FUZZ" send "$W/$label.pkl" "$set" "$s4" "$d4" "$s6" "$d6" 1250 \
		"$n" "$seed" "$mark"
	# the last packets may still be on their way: until the file stops
	# growing for half a second
	_PCAP_SIZE=
	sleep 0.3
	wait_until 600 _pcap_quiet "$pc"
	kill -TERM "$CAP"
	wait "$CAP"
	CAP=
	read -r c1 e1 < <(mss_counters)
	drop=$(sed -n 's/^\([0-9]*\) packets\{0,1\} dropped by kernel.*/\1/p' "$pc.err")
	[ "${drop:-x}" = 0 ]
	tap_result $? "$label: the capture lost nothing ($(grep -h 'captured\|dropped by kernel' "$pc.err" | tr '\n' ' '))"
	while read -r t rest; do
		case "$t" in
		T) tap_result "${rest%% *}" "$label: ${rest#* }" ;;
		E) ec=${rest#clamped=} em=${rest##*malformed=}
		   ec=${ec%% *} ;;
		*) echo "$t $rest" ;;
		esac
	done < <("$PY" "$FUZZ" check "$W/$label.pkl" "$pc" 2>&1)
	[ "$((c1 - c0))" = "$ec" ]
	tap_result $? "$label: status mss.clamped +$((c1 - c0)), want +$ec (the clamped segments)"
	[ "$((e1 - e0))" = "$((em * hooks))" ]
	tap_result $? "$label: status mss.errors +$((e1 - e0)), want +$((em * hooks)) ($em malformed, judged by $hooks hook(s) each)"
}

V="$ONPREM4 $SITE4 $ONPREM6 $SITE6"
# shellcheck disable=SC2086 # V is four words
{
batch tunnel-edge edge 1 onprem azure vpn $V
batch tunnel-short short 1 onprem azure vpn $V
batch tunnel-random random 1 onprem azure vpn $V "$N" "$SEED"
# the other way: the site's segments to onprem through the tunnel, clamped
# as they enter gw by vti0.  Sent from the VPN gateway's namespace, which
# has no conntrack: azure's would reassemble its own fragments on the way
# out (defrag in LOCAL_OUT) and hold a lone non-first one
batch from-vpn-edge edge 1 vpn onprem eth0 "$SITE4" "$ONPREM4" "$SITE6" "$ONPREM6"

policy_load failback=0 mss_scope=all
tap_result $? "ercoexistctl load (MSSScope all)"
batch all-er-edge edge 1 onprem azure er "$ONPREM4" "$AZ4" "$ONPREM6" "$AZ6"
batch all-vpn-edge edge 2 onprem azure vpn $V
batch all-er-random random 1 onprem azure er "$ONPREM4" "$AZ4" "$ONPREM6" "$AZ6" \
	$((N / 4)) $((SEED + 1))
}

c=$(csum_errors)
[ "$((c - CSUM0))" = 0 ]
tap_result $? "the receivers' kernels found no bad TCP checksum (TcpInCsumErrors +$((c - CSUM0)))"

tap_end
