#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Liveness probes, failback dampening and probe events (issue 3, item 5):
#  (a) a silent ER black hole (the ER edge drops everything from gw, the
#      carrier stays up) fails over by probe timeout; probes keep leaving by
#      er0 (counted on the ER edge) while traffic is on the VPN;
#  (b) failback waits the delay (kernel timestamps), repeated flaps grow it;
#  (c) events arrive in order and every `monitor -j` line parses;
#  (d) a probe target inside a policy prefix still leaves by ER while the
#      traffic to that prefix is forced to the VPN;
#  (e) a dead VPN (its probes time out) is not failed over to; with no
#      usable path NoPath = drop is honoured and status says so;
#  (f) a replace with the same probe settings keeps the probes' counters;
#      shorter timers on a replace do not take a path down that was
#      answered under the old ones; flush stops the probes.
# Timings are never pass/fail: TCG is slow; waits are generous.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping
require_module_and_ctl

MON_OUT=/tmp/ercx-probe-monitor.json
MON_PID=
cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	topo_cleanup
}
trap cleanup EXIT

# The ER edge counts the probes that reach it (before any drop rule)
probe_counters() {
	nsx er nft -f - <<EOF
table inet probe {
	counter req4 { }
	counter req6 { }
	counter reqaz { }
	chain c_pre {
		type filter hook prerouting priority -300; policy accept;
		iifname "gw0" ip saddr $GW_ER4 ip daddr $ER_GW4 icmp type echo-request counter name req4
		iifname "gw0" ip6 saddr $GW_ER6 ip6 daddr $ER_GW6 icmpv6 type echo-request counter name req6
		iifname "gw0" ip saddr $GW_ER4 ip daddr $AZ4 icmp type echo-request counter name reqaz
	}
}
EOF
}

# blackhole NS DEV on|off: NS silently drops everything arriving on DEV
blackhole() {
	if [ "$3" = on ]; then
		nsx "$1" nft -f - <<EOF
table inet bh {
	chain c_pre {
		type filter hook prerouting priority -200; policy accept;
		iifname "$2" drop
	}
}
EOF
	else
		nsx "$1" nft delete table inet bh
	fi
}

er_probes() { nft_counter er inet probe "${1:-req4}"; }

# expect_az DESCRIPTION DST WANT [COUNT]: like expect_path, but judged by
# what azure received from onprem (er/vpn/none) and the replies only: gw's
# own device counters also count the probes here
expect_az() {
	local c=${4:-5} got
	path_of "$2" "$c"
	if [ "$D_AZ_ER" -ge "$c" ] && [ "$D_AZ_VPN" -eq 0 ]; then
		got=er
	elif [ "$D_AZ_VPN" -ge "$c" ] && [ "$D_AZ_ER" -eq 0 ]; then
		got=vpn
	elif [ "$D_AZ_ER" -eq 0 ] && [ "$D_AZ_VPN" -eq 0 ]; then
		got=none
	else
		got=mixed
	fi
	case "$PATH_RESULT" in *-noreply) [ "$got" = none ] || got=$got-noreply ;; esac
	if [ "$got" = "$3" ]; then
		tap_ok "$1"
	else
		tap_notok "$1 (want $3, got $got)"
	fi
	diag "$2: $PATH_DETAIL"
}

# gap_ok: the last transition is a failback to ER that came at least the
# failback delay in force after ER came up (both CLOCK_REALTIME, kernel's)
failback_gap() {
	ctl -j status | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
t = j["transitions"][-1]
up = j["paths"]["er"]["since_ns"]
gap = (t["time_ns"] - up) // 1000000
print(t["to"], t["reason"], gap, j["failback"]["effective_ms"], j["failback"]["penalty"])
'
}

tap_plan 53
topo_setup
tap_result $? "topology up"
probe_counters
tap_result $? "ER edge probe counters"

# ---- (a) silent black hole ------------------------------------------------
policy_load failback=1s er_probe=100ms er_mult=5
tap_result $? "load: ER probes every 100 ms x 5, FailbackDelay 1s"
wait_status 100 'j["paths"]["er"]["probe"]["received"] > 3' True
tap_result $? "(a) ER probes are answered (status paths.er.probe.received)"
diag "paths.er.probe: $(status_get 'j["paths"]["er"]["probe"]')"
[ "$(status_get 'j["paths"]["er"]["probe"]["state"]')" = up ] &&
	[ "$(status_get 'j["paths"]["er"]["state"]')" = up ]
tap_result $? "(a) probe state up, ER path up"
p4=$(er_probes req4)
p6=$(er_probes req6)
[ "$p4" -gt 0 ] && [ "$p6" -gt 0 ]
tap_result $? "(a) the ER edge sees the IPv4 and IPv6 probes ($p4, $p6)"
expect_path "(a) baseline: IPv4 $AZ4 leaves by ER" "$AZ4" er

: >"$MON_OUT"
"$ERCX_CTL" -n "$ERCX_NS-gw" -j monitor >"$MON_OUT" 2>&1 &
MON_PID=$!
sleep 0.5

blackhole er gw0 on
wait_status 100 'j["paths"]["er"]["state"]' down
tap_result $? "(a) black hole: status paths.er.state down"
t_flap1=$(status_get 'j["transitions"][-1]["time_ns"]')
r=$(status_get 'j["paths"]["er"]["reason"]')
[ "$r" = probe-timeout ]
tap_result $? "(a) black hole: paths.er.reason probe-timeout (got $r)"
[ "$(status_get 'j["paths"]["er"]["probe"]["state"]')" = down ]
tap_result $? "(a) black hole: paths.er.probe.state down"
nsx gw ip link show er0 | grep -q 'LOWER_UP'
tap_result $? "(a) black hole: er0 keeps its carrier"
[ "$(status_get 'j["active_path"]')" = vpn ] &&
	[ "$(status_get 'j["transitions"][-1]["reason"]')" = probe-timeout ]
tap_result $? "(a) black hole: active_path vpn, last transition probe-timeout"
expect_az "(a) black hole: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_az "(a) black hole: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
p4=$(er_probes req4)
tx=$(dev_stat gw er0 tx_packets)
sleep 1
p4b=$(er_probes req4)
txb=$(dev_stat gw er0 tx_packets)
[ "$p4b" -gt "$p4" ] && [ "$txb" -gt "$tx" ]
tap_result $? "(a) traffic on the VPN: probes still leave by er0 (edge $p4 -> $p4b, er0 tx $tx -> $txb)"
lost=$(status_get 'j["paths"]["er"]["probe"]["lost"]')
[ "$lost" -ge 5 ]
tap_result $? "(a) probe loss counted (lost $lost)"

# ---- (b) failback waits the delay; flaps grow it --------------------------
blackhole er gw0 off
wait_status 100 'j["paths"]["er"]["state"]' up
tap_result $? "(b) black hole gone: paths.er.state up"
wait_status 200 'j["active_path"]' er
tap_result $? "(b) ER back: active_path er"
read -r to why gap eff pen <<<"$(failback_gap)"
diag "failback 1: to $to ($why) ${gap} ms after ER came up; effective $eff ms, penalty $pen"
[ "$to" = er ] && [ "$why" = failback ] && [ "$gap" -ge 990 ]
tap_result $? "(b) failback after the 1 s delay, not before (${gap} ms)"
[ "$eff" = 1000 ] && [ "$pen" -ge 1 ]
tap_result $? "(b) one flap: effective delay 1000 ms (got $eff), penalty $pen"
expect_path "(b) after failback: IPv4 $AZ4 leaves by ER" "$AZ4" er

# want_penalty PEN T_PREV T_NOW: the documented rule (design.rst): a flap
# adds one point after one point decayed for every full 60 s since the last
# flap.  On the debug kernel the suite is slow enough for that to happen.
want_penalty() {
	local p=$(($1 - ($3 - $2) / 60000000000))
	[ "$p" -lt 0 ] && p=0
	[ "$p" -lt 6 ] && p=$((p + 1))
	echo "$p"
}

# second flap, usually within the dampening window
blackhole er gw0 on
wait_status 100 'j["paths"]["er"]["state"]' down
tap_result $? "(b) second black hole: ER down"
t_flap2=$(status_get 'j["transitions"][-1]["time_ns"]')
blackhole er gw0 off
wait_status 100 'j["paths"]["er"]["state"]' up
eff2=$(status_get 'j["failback"]["effective_ms"]')
pen2=$(status_get 'j["failback"]["penalty"]')
want=$(want_penalty "$pen" "$t_flap1" "$t_flap2")
[ "$pen2" = "$want" ] && [ "$eff2" = $((1000 << (want - 1))) ]
tap_result $? "(b) second flap $(((t_flap2 - t_flap1) / 1000000)) ms after the first: penalty $pen -> $pen2 (want $want), effective delay $eff -> $eff2 ms"
wait_status 300 'j["active_path"]' er
tap_result $? "(b) second flap: ER back eventually"
read -r to why gap eff pen <<<"$(failback_gap)"
diag "failback 2: to $to ($why) ${gap} ms after ER came up; effective $eff ms, penalty $pen"
[ "$to" = er ] && [ "$why" = failback ] && [ "$gap" -ge $((eff2 - 10)) ]
tap_result $? "(b) second failback waited the grown delay (${gap} ms >= $eff2 ms)"

# third flap: the delay doubles again
blackhole er gw0 on
wait_status 100 'j["paths"]["er"]["state"]' down
t_flap3=$(status_get 'j["transitions"][-1]["time_ns"]')
want=$(want_penalty "$pen2" "$t_flap2" "$t_flap3")
# The first status that shows ER up, polled from one process that is
# already running when the black hole goes (a status_get costs a python
# start, over a second on the debug kernel, and the delay can be 1 s when
# the penalty decayed): it comes within a poll of ER coming up, inside the
# delay, and says pending.
SNAP_READY=/tmp/ercx-probe-snap.ready
rm -f "$SNAP_READY"
nsx gw "$PY" - "$ERCX_CTL" "$SNAP_READY" >/tmp/ercx-probe-snap.out <<'EOF' &
import json, subprocess, sys, time
end = time.monotonic() + 60
ready = False
while time.monotonic() < end:
    out = subprocess.run([sys.argv[1], "-j", "status"], capture_output=True,
                         text=True).stdout
    j = json.loads(out)
    if not ready:
        open(sys.argv[2], "w").close()
        ready = True
    if j["paths"]["er"]["state"] == "up":
        print(j["failback"]["effective_ms"], "%s/%s" % (j["failback"]["pending"],
                                                        j["active_path"]))
        break
    time.sleep(0.02)
EOF
snap_pid=$!
wait_until 300 test -e "$SNAP_READY"
blackhole er gw0 off
wait "$snap_pid"
snap=$(cat /tmp/ercx-probe-snap.out)
read -r eff3 snap <<<"$snap"
[ "${eff3:-0}" = $((1000 << (want - 1))) ]
tap_result $? "(b) third flap $(((t_flap3 - t_flap2) / 1000000)) ms after the second: effective delay $eff2 -> $eff3 ms (want $((1000 << (want - 1))))"
[ "$snap" = True/vpn ]
tap_result $? "(b) third flap: ER is pending failback, traffic still on the VPN ($snap)"
wait_status 400 'j["active_path"]' er
read -r to why gap eff pen <<<"$(failback_gap)"
[ "$to" = er ] && [ "$why" = failback ] && [ "$gap" -ge $((eff3 - 10)) ]
tap_result $? "(b) third flap: ER back after the grown delay (${gap} ms >= $eff3 ms)"

# ---- (c) events ------------------------------------------------------------
sleep 0.5
kill "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
MON_PID=
diag "monitor: $(wc -l <"$MON_OUT") lines"
"$PY" - "$MON_OUT" <<'EOF'
import json, sys
bad = 0
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
        if e.get("schema") != 1 or "event" not in e or not isinstance(e.get("time_ns"), int):
            bad += 1
    except ValueError:
        bad += 1
sys.exit(1 if bad else 0)
EOF
tap_result $? "(c) every monitor -j line is a JSON object with schema, event, time_ns"
"$PY" - "$MON_OUT" <<'EOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def key(e):
    t = e["event"]
    if t == "probe":
        return ("probe", e["path"], e["state"], e["reason"])
    if t == "path-state":
        return ("path-state", e["path"], e["state"], e["reason"])
    if t == "active-path":
        return ("active-path", e["from"], e["to"], e["reason"])
    return (t,)
want = [("probe", "er", "down", "probe-timeout"),
        ("path-state", "er", "down", "probe-timeout"),
        ("active-path", "er", "vpn", "probe-timeout"),
        ("probe", "er", "up", "up"),
        ("path-state", "er", "up", "up"),
        ("active-path", "vpn", "er", "failback")] * 3
got = [key(e) for e in ev]
i = 0
for k in got:
    if i < len(want) and k == want[i]:
        i += 1
for k in got:
    print("# event", " ".join(k))
sys.exit(0 if i == len(want) else 1)
EOF
tap_result $? "(c) events in order: probe down, path down, failover, probe up, path up, failback (x3)"
ts_sorted=$("$PY" -c '
import json, sys
t = [json.loads(l)["time_ns"] for l in open(sys.argv[1]) if l.strip()]
print(int(t == sorted(t) and len(t) > 0))' "$MON_OUT")
[ "$ts_sorted" = 1 ]
tap_result $? "(c) event timestamps never go back"

# ---- (d) probe target inside a policy prefix, traffic forced to the VPN ----
policy_load failback=0 er_probe=100ms er_mult=5 er_target="$AZ4"
tap_result $? "(d) load: ER probes to $AZ4 (inside $AZ_NET4)"
wait_status 100 'j["paths"]["er"]["probe"]["received"] > 3' True
tap_result $? "(d) probes to $AZ4 over ER are answered"
ctl failover >/dev/null
[ "$(status_get 'j["active_path"]')" = vpn ]
tap_result $? "(d) failover: active_path vpn"
expect_az "(d) forced-vpn: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
r0=$(status_get 'j["paths"]["er"]["probe"]["received"]')
a0=$(er_probes reqaz)
sleep 1
r1=$(status_get 'j["paths"]["er"]["probe"]["received"]')
a1=$(er_probes reqaz)
[ "$a1" -gt "$a0" ] && [ "$r1" -gt "$r0" ] &&
	[ "$(status_get 'j["paths"]["er"]["probe"]["state"]')" = up ]
tap_result $? "(d) forced-vpn: probes to $AZ4 still leave by ER and are answered (edge $a0 -> $a1, received $r0 -> $r1)"
ctl auto >/dev/null
wait_status 50 'j["active_path"]' er
tap_result $? "(d) auto: active_path er"

# ---- (e) dead VPN, NoPath --------------------------------------------------
policy_load failback=0 nopath=drop er_probe=100ms er_mult=5 vpn_probe=100ms vpn_mult=5
tap_result $? "(e) load: ER and VPN probes, NoPath drop"
wait_status 100 'j["paths"]["vpn"]["probe"]["received"] > 3' True
tap_result $? "(e) VPN probes through the tunnel are answered"
blackhole vpn eth0 on
wait_status 100 'j["paths"]["vpn"]["state"]' down &&
	[ "$(status_get 'j["paths"]["vpn"]["reason"]')" = probe-timeout ]
tap_result $? "(e) dead VPN: paths.vpn down (probe-timeout)"
[ "$(status_get 'j["active_path"]')" = er ]
tap_result $? "(e) dead VPN: traffic stays on ER"
blackhole er gw0 on
wait_status 100 'j["paths"]["er"]["state"]' down
tap_result $? "(e) dead VPN and ER black hole: ER down"
[ "$(status_get 'j["active_path"]')" = none ] &&
	[ "$(status_get 'j["no_usable_path"]')" = True ] &&
	[ "$(status_get 'j["transitions"][-1]["to"]')" = none ]
tap_result $? "(e) no failover to the dead VPN: active_path none, no_usable_path"
ctl status | grep -q 'no usable path: NoPath = drop'
tap_result $? "(e) status text says NoPath = drop applies"
d0=$(status_get 'j["nopath"]["dropped"]')
path_of "$AZ4" 3
d1=$(status_get 'j["nopath"]["dropped"]')
diag "no path: $PATH_RESULT ($PATH_DETAIL); nopath dropped $d0 -> $d1"
[ "$d1" -ge $((d0 + 3)) ] && [ "$D_AZ_VPN" -eq 0 ] && [ "$D_AZ_ER" -eq 0 ]
tap_result $? "(e) NoPath drop: pings to $AZ4 dropped ($d0 -> $d1), none reached azure by either path"
blackhole vpn eth0 off
wait_status 100 'j["active_path"]' vpn
tap_result $? "(e) VPN answers again: active_path vpn"
blackhole er gw0 off
wait_status 100 'j["active_path"]' er
tap_result $? "(e) ER answers again: active_path er"

# ---- (f) replace keeps the probes, flush stops them -------------------------
s0=$(status_get 'j["paths"]["er"]["probe"]["sent"]')
policy_load failback=0 nopath=drop er_probe=100ms er_mult=5 vpn_probe=100ms vpn_mult=5
s1=$(status_get 'j["paths"]["er"]["probe"]["sent"]')
[ "$s1" -ge "$s0" ] && [ "$s0" -gt 0 ]
tap_result $? "(f) same probe settings: counters kept ($s0 -> $s1)"
policy_load failback=0 er_probe=50ms er_mult=5
s2=$(status_get 'j["paths"]["er"]["probe"]["sent"]')
v2=$(ctl -j status | json_get '"probe" in j["paths"]["vpn"]')
[ "$s2" -lt "$s1" ] && [ "$v2" = False ]
tap_result $? "(f) other settings: ER probes restart ($s1 -> $s2), VPN probes stopped"
# Shorter timers on a reload while ER is up: the last answer carries over
# and the later deadline, the old one, holds until the next answer
# (design.rst, "Liveness probes").  The last answer is 1.5 s old when the
# 100 ms x 5 settings (500 ms) come: counting from it alone would take ER
# down at once.
policy_load failback=0 er_probe=5s er_mult=3
wait_status 100 'j["paths"]["er"]["probe"]["received"] >= 1' True
tap_result $? "(f) ER probes every 5 s x 3: the first is answered"
sleep 1.5
f0=$(status_get 'j["failovers"]')
policy_load failback=0 er_probe=100ms er_mult=5
wait_status 100 'j["paths"]["er"]["probe"]["received"] > 3' True
sleep 0.5
f1=$(status_get 'j["failovers"]')
pst=$(status_get 'j["paths"]["er"]["probe"]["state"]')
[ "$f1" = "$f0" ] && [ "$pst" = up ] &&
	[ "$(status_get 'j["active_path"]')" = er ]
tap_result $? "(f) 5 s x 3 -> 100 ms x 5 with the last answer 1.5 s old: ER stays up (failovers $f0 -> $f1, probe $pst)"
ctl flush
sleep 0.3
p0=$(er_probes req4)
sleep 1
p1=$(er_probes req4)
[ "$p1" -eq "$p0" ]
tap_result $? "(f) flush: no probe leaves any more ($p0 -> $p1)"
dmesg_mark
policy_load failback=0 er_probe=10ms er_mult=3 vpn_probe=10ms
sleep 1
topo_cleanup
sleep 1
dmesg_clean
tap_result $? "(f) namespace deleted with 10 ms probes running: kernel log clean"

tap_end
