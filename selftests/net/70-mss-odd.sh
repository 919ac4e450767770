#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Odd-offset MSS, end to end (issue 4, item 4).  A crafted SYN (scapy) whose
# MSS option follows a single NOP, so the 16-bit MSS value sits at an odd
# offset of the TCP header, crosses the tunnel: ercoexist clamps it, the far
# end sees MSS 1250 with a correct TCP checksum and answers with a SYN-ACK.
# The same over IPv6 (to the VPN-only site fd40::10): the far end sees MSS6,
# 1230 with MSS 1250, with a correct checksum and answers with a SYN-ACK;
# the clamp counts the SYN and the SYN-ACK (both cross vti0).
# The far end's receive checksum offload is off, so its kernel really checks.
# In the same run, without ercoexist, the same packet goes through iptables
# TCPMSS and nftables `tcp option maxseg size set`: README says they get the
# odd offset wrong (the far end drops the SYN for its checksum); a test
# point per clamper holds that claim on this kernel, so a kernel that fixes
# them shows up as a failure here, and README must then change.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft tcpdump socat timeout ethtool ss
require_module_and_ctl
"$PY" -c 'import scapy' 2>/dev/null || tap_fail_all "needs python3-scapy for $PY (make deps)"

W=/tmp/ercx-mssodd
PORT=5003
SRV=()
cleanup() {
	local p
	for p in "${SRV[@]}"; do
		kill "$p" 2>/dev/null
	done
	topo_cleanup
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

SPORT=40000
# odd_syn DST: send the crafted SYN from onprem (IPv4 or IPv6 by DST);
# prints the flags of the answer ("SA", "R", ... or "none") and the TCP
# option bytes it sent
odd_syn() {
	SPORT=$((SPORT + 1))
	nsx onprem "$PY" - "$1" "$PORT" "$SPORT" <<'EOF' 2>/dev/null
import sys
from scapy.all import IP, IPv6, TCP, sr1, conf, raw
conf.verb = 0
dst, dport, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
l3 = IPv6(dst=dst) if ':' in dst else IP(dst=dst)
# NOP, then MSS 1460 at TCP header offset 21 (odd), then padding NOPs
syn = l3 / TCP(sport=sport, dport=dport, flags='S', seq=1000,
               options=[('NOP', None), ('MSS', 1460),
                        ('NOP', None), ('NOP', None), ('NOP', None)])
opts = raw(syn[TCP])[20:]
assert opts[1] == 2 and opts[2] == 4, opts.hex()
ans = sr1(syn, timeout=5)
print(ans[TCP].flags if ans is not None and TCP in ans else 'none', opts.hex())
EOF
}

# capture_syn OUT [6]: tcpdump on azure's VPN-side link, one SYN to PORT
# (it exits on that SYN; the timeout only bounds a lost one, and must outlast
# scapy's start, seconds on a cold cache under the debug kernel)
# (libpcap has no tcp[] over IPv6: the flags are at ip6[40 + 13] when no
# extension header comes first, as in the crafted SYN)
capture_syn() {
	local f="tcp dst port $PORT and tcp[13] & 0x12 == 0x02"
	[ "${2:-4}" = 6 ] && f="ip6 and tcp dst port $PORT and ip6[53] & 0x12 == 0x02"
	rm -f "$1" "$1.err"
	nsx azure timeout 120 tcpdump -i vpn -nn -vv -l -c 1 "$f" >"$1" 2>"$1.err" &
	CAP=$!
	wait_until 50 grep -q 'listening on' "$1.err"
}

# one_run LABEL [DST]: capture + crafted SYN to DST ($SITE4); sets ANS,
# SEEN_MSS, CSUM
one_run() {
	local out dst=${2:-$SITE4} fam=4
	case "$dst" in *:*) fam=6 ;; esac
	capture_syn "$W/syn.$1" $fam
	out=$(odd_syn "$dst")
	wait "$CAP"
	ANS=${out%% *}
	ANS=${ANS:-none}
	SEEN_MSS=$(grep -o 'mss [0-9]*' "$W/syn.$1" | head -n 1 | cut -d' ' -f2)
	SEEN_MSS=${SEEN_MSS:-none}
	if grep -q 'cksum 0x[0-9a-f]* (correct)' "$W/syn.$1"; then
		CSUM=correct
	elif grep -q 'cksum 0x[0-9a-f]* (incorrect' "$W/syn.$1"; then
		CSUM=incorrect
	else
		CSUM=unknown
	fi
	diag "$1: sent options ${out#* }; azure saw mss $SEEN_MSS, checksum $CSUM; answer: $ANS"
	grep -o 'cksum [^,]*' "$W/syn.$1" | sed "s/^/# $1: /"
}

tap_plan 13
topo_setup
tap_result $? "topology up"
# the far end verifies checksums itself (veth would mark them verified)
nsx azure ethtool -K vpn rx off >/dev/null 2>&1
nsx azure ethtool -k vpn | grep -q '^rx-checksumming: off'
tap_result $? "azure's receive checksum offload is off"

nsx azure socat -u "TCP4-LISTEN:$PORT,fork,reuseaddr" /dev/null 2>/dev/null &
SRV+=($!)
nsx azure socat -u "TCP6-LISTEN:$PORT,fork,reuseaddr,ipv6only=1" /dev/null 2>/dev/null &
SRV+=($!)
# both listeners: without the IPv6 one the far end would answer RST
srv_listening() { [ "$(nsx azure ss -Hltn "sport = :$PORT" | wc -l)" -ge 2 ]; }
wait_until 50 srv_listening

# odd_ok LABEL MSS: what the far end saw of the last one_run: the MSS
# clamped to MSS, a correct checksum, and it answered with a SYN-ACK
odd_ok() {
	[ "$SEEN_MSS" = "$2" ]
	tap_result $? "$1: the odd-offset MSS arrived clamped to $2 (saw $SEEN_MSS)"
	[ "$CSUM" = correct ]
	tap_result $? "$1: the TCP checksum arrived correct ($CSUM)"
	case "$ANS" in SA*) true ;; *) false ;; esac
	tap_result $? "$1: the far end answered with a SYN-ACK ($ANS)"
}

policy_load failback=0
tap_result $? "ercoexistctl load (MSS 1250)"
c0=$(status_get 'j["mss"]["clamped"]')
one_run ercoexist
odd_ok ercoexist 1250
c1=$(status_get 'j["mss"]["clamped"]')
[ "${c1:-0}" -gt "${c0:-0}" ]
tap_result $? "status mss.clamped went up ($c0 -> $c1)"

# IPv6: the same SYN to the VPN-only site, clamped to MSS6 (1250 - 20)
one_run ercoexist-v6 "$SITE6"
odd_ok "ercoexist IPv6" 1230
c2=$(status_get 'j["mss"]["clamped"]')
[ "$((${c2:-0} - ${c1:-0}))" -eq 2 ]
tap_result $? "IPv6: status mss.clamped +2, the SYN and the SYN-ACK ($c1 -> $c2)"

# The kernel's own clamps on the same packet, ercoexist out of the way
ctl flush >/dev/null
nsx gw ip route replace "$SITE_NET4" dev vti0
if nsx gw iptables -t mangle -A FORWARD -o vti0 -p tcp --tcp-flags SYN,RST SYN \
	-j TCPMSS --set-mss 1250 2>"$W/ipt.err"; then
	one_run iptables-TCPMSS
	nsx gw iptables -t mangle -F FORWARD
	[ "$SEEN_MSS" = 1250 ] && [ "$CSUM" = incorrect ] && [ "$ANS" = none ]
	tap_result $? "as README says, iptables TCPMSS on $(uname -r) breaks the odd-offset SYN (mss $SEEN_MSS, checksum $CSUM, answer $ANS)"
else
	tap_result 1 "iptables TCPMSS could not be set up: $(head -n 1 "$W/ipt.err")"
fi
if nsx gw nft -f - <<EOF 2>"$W/nft.err"
table inet mssref {
	chain c_fwd {
		type filter hook forward priority mangle; policy accept;
		oifname "vti0" tcp flags syn tcp option maxseg size set 1250
	}
}
EOF
then
	one_run nft-maxseg
	nsx gw nft delete table inet mssref
	[ "$SEEN_MSS" = 1250 ] && [ "$CSUM" = incorrect ] && [ "$ANS" = none ]
	tap_result $? "as README says, nftables maxseg on $(uname -r) breaks the odd-offset SYN (mss $SEEN_MSS, checksum $CSUM, answer $ANS)"
else
	tap_result 1 "nftables maxseg could not be set up: $(head -n 1 "$W/nft.err")"
fi

tap_end
