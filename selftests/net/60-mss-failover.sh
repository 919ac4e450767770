#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Failover-safe MSS (issue 4, item 3).  A TCP connection opened over ER
# (MTU 1500, MSS 1460) is moved to the 1400-byte tunnel by a failover.
#  - MSSScope = all: its SYN and SYN-ACK were clamped although they crossed
#    ER, so its segments fit the tunnel: data keeps arriving within 1 s of
#    the failover, and all of it arrives.
#  - MSSScope = tunnel, the negative control: its segments are too big for
#    the tunnel and only PMTU discovery could save it; onprem drops the
#    ICMP "fragmentation needed" that gw sends (as many firewalls do), so
#    the connection must stall after the failover.
# The filter is in place for both runs: MSSScope = all needs no ICMP.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft timeout ss
require_module_and_ctl
[ -x "$PY" ] || tap_fail_all "needs $PY (make deps)"

W=/tmp/ercx-mssfo
PORT=5002
SECS=6
# on the debug kernel every process start costs a second or more: a longer
# stream keeps most of it after the failover
case "$(uname -r)" in *-debug) SECS=12 ;; esac
GRACE=20	# how long the sender and the receiver may take past SECS
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	topo_cleanup
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

now() { date +%s.%N; }

# stream SCOPE: a paced stream onprem -> azure:PORT, failover after 2 s;
# sets MSS (the sender's), RX (total bytes received), SENT, ER_PK and
# VPN_PK (azure's per-path packet counters over the stream), and
# BYTES1S FIRST LONGEST (see tcpstream.py gap)
stream() {
	local scope=$1 t0 er0 vpn0 er1 vpn1 srv
	ip netns exec "$ERCX_NS-azure" "$PY" "$DIR/tcpstream.py" recv "$PORT" "$W/rx.$scope" &
	srv=$!
	PIDS+=("$srv")
	wait_until 50 sh -c "ip netns exec $ERCX_NS-azure ss -Hltn | grep -q ':$PORT'"
	er0=$(nft_counter azure inet azure er4)
	vpn0=$(nft_counter azure inet azure vpn4)
	ip netns exec "$ERCX_NS-onprem" timeout $((SECS + GRACE)) \
		"$PY" "$DIR/tcpstream.py" send "$AZ4" "$PORT" "$SECS" >"$W/mss.$scope" 2>&1 &
	PIDS+=($!)
	# fail over a second into the stream, as the sender tells it (it
	# prints "streaming" after its first second), not after a fixed time
	# from its start: on a cold cache under the debug kernel python alone
	# can take seconds to start
	wait_until 600 grep -q '^streaming' "$W/mss.$scope"
	t0=$(now)
	ctl failover >/dev/null
	er1=$(nft_counter azure inet azure er4)
	ER_PK=$((er1 - er0))
	wait "${PIDS[-1]}"
	SENT=$?
	timeout "$GRACE" tail --pid="$srv" -f /dev/null
	kill "$srv" 2>/dev/null
	vpn1=$(nft_counter azure inet azure vpn4)
	VPN_PK=$((vpn1 - vpn0))
	ctl auto >/dev/null
	MSS=$(head -n 1 "$W/mss.$scope")
	RX=$(tail -n 1 "$W/rx.$scope" | cut -d' ' -f2)
	read -r BYTES1S FIRST LONGEST <<<"$("$PY" "$DIR/tcpstream.py" gap "$W/rx.$scope" "$t0" "$(now)")"
	# bytes received by the end of each second after the failover
	diag "MSSScope $scope: received by t0+1s, +2s, ...:" \
		"$(awk -v t0="$t0" '{ s = int($1 - t0) + 1; if (s > 0) b[s] = $2 }
			END { for (i = 1; i in b; i++) printf " %d", b[i] }' "$W/rx.$scope")"
	diag "MSSScope $scope: sender MSS $MSS; up to the failover azure got $ER_PK packets by ER;" \
		"after it: $BYTES1S bytes in the first second, first data after ${FIRST} s," \
		"longest gap $LONGEST s; $VPN_PK packets by the VPN; $RX bytes in all; sender status $SENT"
}

tap_plan 10
topo_setup
tap_result $? "topology up"
nsx onprem nft -f - <<'EOF'
table inet pmtu {
	counter fragneeded { }
	chain c_in {
		type filter hook input priority 0; policy accept;
		icmp type destination-unreachable icmp code frag-needed counter name fragneeded drop
	}
}
EOF

policy_load failback=0 mss_scope=all
tap_result $? "ercoexistctl load (MSSScope all)"
stream all
[ "${MSS:-9999}" -le 1250 ] && [ "$ER_PK" -ge 20 ]
tap_result $? "MSSScope all: the connection opened over ER ($ER_PK packets) with MSS $MSS <= 1250"
[ "$(status_get 'j["active_path"]')" = er ]
tap_result $? "back on ER after auto"
[ "${BYTES1S:-0}" -gt 0 ]
tap_result $? "MSSScope all: bytes kept arriving within 1 s of the failover ($BYTES1S)"
[ "$VPN_PK" -ge 20 ]
tap_result $? "MSSScope all: the rest of the stream came by the VPN ($VPN_PK packets)"
[ "$SENT" -eq 0 ] && [ "${RX:-0}" -eq $((SECS * 100 * 8192)) ]
tap_result $? "MSSScope all: every byte arrived ($RX of $((SECS * 100 * 8192)))"

# MSSScope = tunnel: the same stream, nothing to save it but PMTU discovery
policy_load failback=0 mss_scope=tunnel
tap_result $? "ercoexistctl load (MSSScope tunnel)"
fn0=$(nft_counter onprem inet pmtu fragneeded)
GRACE=4	# it is not going to finish
stream tunnel
fn1=$(nft_counter onprem inet pmtu fragneeded)
[ "${MSS:-0}" -gt 1250 ]
tap_result $? "MSSScope tunnel: the connection opened over ER with the unclamped MSS $MSS"
# (what was already in flight by ER may still land just after the failover)
[ "${RX:-0}" -lt $((SECS * 100 * 8192)) ] && [ "$SENT" -ne 0 ] &&
	awk -v g="${LONGEST:-0}" 'BEGIN { exit !(g >= 3) }' && [ $((fn1 - fn0)) -gt 0 ]
tap_result $? "MSSScope tunnel, ICMP fragmentation-needed filtered: the connection stalls after the failover ($RX of $((SECS * 100 * 8192)) bytes, longest gap $LONGEST s, sender status $SENT, $((fn1 - fn0)) ICMP dropped at onprem)"

tap_end
