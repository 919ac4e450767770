#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ercoexistctl against the real module, in a VM (TAP):
#   selftests/vm/run.sh --kernel 6.12 --exec 'bash userspace/tests/vm-smoke.sh'
# Runs in its own network namespace with dummy devices for the two paths:
# load (idempotent rules/routes), status (text/JSON), showconf round trip,
# failover/auto with monitor, device down/up, a non-admin refused (exit 2),
# a 100,000-prefix policy, flush (idempotent).
set -u
CTL=${ERCX_CTL:-$(dirname "$0")/../ercoexistctl}
CTL=$(realpath "$CTL")
PY=/usr/bin/python3
NS=ercx-ctl-$$
T=$(mktemp -d /tmp/ercx-ctl.XXXXXX)
n=0
failed=0

cleanup() {
	ip netns del "$NS" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		[ -s "$T/out" ] && sed 's/^/# stdout: /' "$T/out" | head -30
		[ -s "$T/err" ] && sed 's/^/# stderr: /' "$T/err" | head -30
	fi
}

nsx() { ip netns exec "$NS" "$@"; }
ctl() { nsx "$CTL" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

if ! grep -q '^ercoexist ' /proc/modules; then
	echo "1..0 # SKIP the ercoexist module is not loaded"
	exit 0
fi

ip netns add "$NS" || exit 1
nsx ip link set lo up
nsx ip link add er0 type dummy
nsx ip link add vti0 type dummy
nsx ip link add eth0 type dummy
nsx ip addr add 192.0.2.2/24 dev er0
nsx ip addr add 2001:db8:e::2/64 dev er0 nodad
nsx ip addr add 169.254.21.2/30 dev vti0
nsx ip addr add 198.51.100.2/24 dev eth0
nsx ip link set er0 up
nsx ip link set vti0 up
nsx ip link set eth0 up

cat >"$T/ercoexist.conf" <<'CONF'
[ExpressRoute]
Device = er0
Gateway = 192.0.2.1
Gateway = 2001:db8:e::1
ProbeInterval = 0
ProbeMultiplier = 3

[VPN]
Device = vti0
Gateway = 169.254.21.1
Peer = 203.0.113.10
MSS = 1250

[Underlay]
Device = eth0
Gateway = 198.51.100.1

[Policy]
MSSScope = tunnel
FailbackDelay = 1s
NoPath = pass
Prefix = 10.17.0.0/16 er vpn
Prefix = 10.40.0.0/24 vpn
Prefix = 2001:db8:17::/48 er vpn
CONF

ctl status
[ $rc -eq 0 ] && grep -q "no policy loaded" "$T/out"
ok $? "status with no policy: exit 0, says so"

ctl -j status
[ $rc -eq 0 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]==1 and d["policy_loaded"] is False, d' "$T/out"
ok $? "status -j with no policy: policy_loaded false"

ctl showconf
[ $rc -eq 0 ] && grep -q "no policy loaded" "$T/out"
ok $? "showconf with no policy"

ctl load "$T/ercoexist.conf"
[ $rc -eq 0 ] && grep -Eq "^ercoexist: loaded 3 prefixes \(generation [0-9]+\)$" "$T/out"
ok $? "load: exit 0 and the summary line"

count_rules() { nsx ip "$1" rule show | grep -Ec "fwmark $2/0xff0000 lookup $3 proto (229|0xe5)"; }
routes_ok() {
	nsx ip -4 route show table 225 | grep -Eq "^default via 192.0.2.1 dev er0 proto (229|0xe5)" &&
	nsx ip -6 route show table 225 | grep -Eq "^default via 2001:db8:e::1 dev er0 proto (229|0xe5)" &&
	nsx ip -4 route show table 226 | grep -Eq "^default via 169.254.21.1 dev vti0 proto (229|0xe5)" &&
	nsx ip -4 route show table 227 | grep -Eq "^default via 198.51.100.1 dev eth0 proto (229|0xe5)"
}
[ "$(count_rules -4 0xe10000 225)" = 1 ] && [ "$(count_rules -6 0xe10000 225)" = 1 ] &&
	[ "$(count_rules -4 0xe20000 226)" = 1 ] && [ "$(count_rules -6 0xe20000 226)" = 1 ] &&
	[ "$(count_rules -4 0xe30000 227)" = 1 ] && [ "$(count_rules -6 0xe30000 227)" = 1 ] &&
	nsx ip -4 rule show | grep -q "^10225:" && nsx ip -4 rule show | grep -q "^10226:" &&
	nsx ip -4 rule show | grep -q "^10227:"
ok $? "load: one ip rule per path, the underlay and family, pref 10000+table"
routes_ok
ok $? "load: default routes in tables 225 (IPv4+IPv6), 226 and 227 (the underlay)"

ctl load "$T/ercoexist.conf"
r1=$rc
ctl load "$T/ercoexist.conf"
[ $r1 -eq 0 ] && [ $rc -eq 0 ] && [ "$(count_rules -4 0xe10000 225)" = 1 ] &&
	[ "$(count_rules -6 0xe20000 226)" = 1 ] &&
	[ "$(nsx ip -4 rule show | grep -Ec 'proto (229|0xe5)')" = 3 ] &&
	[ "$(nsx ip -6 rule show | grep -Ec 'proto (229|0xe5)')" = 3 ] && routes_ok
ok $? "load twice more: still exactly one rule each, routes kept"

ctl status
[ $rc -eq 0 ] && grep -q "^active path: er$" "$T/out" && grep -q "^path er: up" "$T/out" &&
	grep -q "10.40.0.0/24 via vpn -> vpn" "$T/out"
ok $? "status (text): ER active, prefixes with their paths"

ctl -j status
cp "$T/out" "$T/status1.json"
[ $rc -eq 0 ] && $PY - "$T/out" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["policy_loaded"] is True
assert d["mode"] == "auto" and d["active_path"] == "er", d
for p, dev in (("er", "er0"), ("vpn", "vti0")):
    q = d["paths"][p]
    assert q["state"] == "up" and q["dev"] == dev, q
    assert isinstance(q["tx_packets"], int) and isinstance(q["tx_bytes"], int)
    assert q["reason"] in ("none", "up", "no-device", "admin-down", "carrier", "operator", "probe-timeout", "failback", "policy", "auto")
m = d["mss"]
assert m["value"] == 1250 and m["value6"] == 1230 and m["scope"] == "tunnel"
assert isinstance(m["clamped"], int)
assert isinstance(d["failovers"], int) and isinstance(d["failbacks"], int)
px = {x["prefix"]: x for x in d["prefixes"]}
assert px["10.17.0.0/16"]["via"] == ["er", "vpn"] and px["10.17.0.0/16"]["path"] == "er"
assert px["10.40.0.0/24"]["via"] == ["vpn"] and px["10.40.0.0/24"]["path"] == "vpn"
assert px["2001:db8:17::/48"]["path"] == "er"
assert d["prefix_count"] == 3 and isinstance(d["generation"], int)
u = d["underlay"]
assert (u["action"], u["dev"], u["table"], u["fwmark"]) == ("steer", "eth0", 227, 0xe30000), u
assert isinstance(u["interventions"], int) and u["warnings"] == [], u
assert u["peer_route"] == [{"peer": "203.0.113.10", "dev": None}], u
PYEOF
ok $? "status -j: SPEC section 4 keys and values, the underlay guard"

nsx ip route add 203.0.113.10/32 via 192.0.2.1 dev er0
ctl status
nsx ip route del 203.0.113.10/32
[ $rc -eq 0 ] && grep -qi 'warning.*peer.*er0' "$T/out" &&
	grep -qx "warning: the route to VPN peer 203.0.113.10 leaves by er0 (ExpressRoute); the underlay guard steers it to eth0" "$T/out"
ok $? "status warns when the route to the VPN peer leaves by er0"

ctl -p status
[ $rc -eq 0 ] && $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out" && [ "$(wc -l <"$T/out")" -gt 20 ]
ok $? "status -p: pretty JSON"

ctl showconf
cp "$T/out" "$T/show1.conf"
ctl load "$T/show1.conf"
r1=$rc
ctl showconf
[ $r1 -eq 0 ] && diff <(grep -v '^#' "$T/show1.conf") <(grep -v '^#' "$T/out") >/dev/null &&
	grep -qx "Prefix = 10.40.0.0/24 vpn" "$T/show1.conf" && grep -qx "FailbackDelay = 1s" "$T/show1.conf" &&
	grep -qx "Gateway = 2001:db8:e::1" "$T/show1.conf" &&
	grep -A4 -x "\[Underlay\]" "$T/show1.conf" | tr '\n' ' ' |
	grep -qx "\[Underlay\] Device = eth0 Gateway = 198.51.100.1 FwMark = 0x00e30000 Table = 227 "
ok $? "showconf output, [Underlay] included, loads back to the same policy"

# monitor in the background, then failover
nsx "$CTL" -j monitor --count 3 >"$T/mon.json" 2>"$T/mon.err" &
mon=$!
sleep 1
ctl failover
[ $rc -eq 0 ] && grep -q "mode forced-vpn, active path vpn" "$T/out"
ok $? "failover: mode forced-vpn, active path vpn"

ctl -j status
[ $rc -eq 0 ] && $PY -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["mode"]=="forced-vpn" and d["active_path"]=="vpn", d
assert d["failovers"] >= 1, d
px={x["prefix"]:x for x in d["prefixes"]}; assert px["10.17.0.0/16"]["path"]=="vpn"
assert d["transitions"][-1]["from"]=="er" and d["transitions"][-1]["to"]=="vpn" and d["transitions"][-1]["reason"]=="operator", d["transitions"]
' "$T/out"
ok $? "status after failover: forced-vpn, prefixes on vpn, transition er -> vpn (operator)"

ctl failover --to er
[ $rc -eq 0 ] && grep -q "mode forced-er" "$T/out"
ok $? "failover --to er: mode forced-er"

ctl auto
[ $rc -eq 0 ] && grep -q "mode auto" "$T/out"
ok $? "auto: mode auto"

for i in 1 2 3 4 5; do
	kill -0 $mon 2>/dev/null || break
	sleep 1
done
kill $mon 2>/dev/null
wait $mon 2>/dev/null
cp "$T/mon.json" "$T/out"
[ "$(wc -l <"$T/mon.json")" = 3 ] && $PY - "$T/mon.json" <<'PYEOF'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
for e in ev:
    assert e["schema"] == 1 and isinstance(e["time_ns"], int) and e["time"].endswith("Z"), e
kinds = [e["event"] for e in ev]
assert "mode" in kinds or "active-path" in kinds, kinds
ap = [e for e in ev if e["event"] == "active-path"]
assert ap and ap[0]["from"] == "er" and ap[0]["to"] == "vpn" and ap[0]["reason"] == "operator", ap
PYEOF
ok $? "monitor -j --count 3: three JSON events, active-path er -> vpn (operator), then exits"

nsx "$CTL" monitor --count 1 >"$T/mon.txt" 2>&1 &
mon=$!
sleep 1
nsx ip link set er0 down
wait $mon
cp "$T/mon.txt" "$T/out"
grep -Eq '^\[[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z\] (path-state er down \(admin-down\)|active-path er -> vpn \(admin-down\))$' "$T/mon.txt"
ok $? "monitor (text): ER device down reported"

ctl -j status
[ $rc -eq 0 ] && $PY -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["paths"]["er"]["state"]=="down" and d["paths"]["er"]["reason"]=="admin-down", d["paths"]
assert d["active_path"]=="vpn", d
' "$T/out"
ok $? "ER device down: er down (admin-down), active path vpn"

nsx ip link set er0 up
# admin-down removed er0's IPv6 address (keep_addr_on_down is 0): restore it
# as the network configuration would
nsx ip addr replace 2001:db8:e::2/64 dev er0 nodad
sleep 3
ctl -j status
[ $rc -eq 0 ] && $PY -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["paths"]["er"]["state"]=="up" and d["active_path"]=="er", d
' "$T/out"
ok $? "ER device up again: active path er after the failback delay"

# After an admin down, IPv4 deletes routes through the device; load restores.
ctl load "$T/ercoexist.conf"
[ $rc -eq 0 ] && routes_ok
ok $? "load after a device flap restores the routes"

ctl -j load "$T/ercoexist.conf"
[ $rc -eq 0 ] && $PY -c '
import json,sys; d=json.load(open(sys.argv[1]))
assert d["schema"]==1 and d["loaded"] is True and d["prefixes"]==3 and isinstance(d["generation"], int), d
' "$T/out"
ok $? "load -j: one JSON object"

if command -v setpriv >/dev/null; then
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$CTL" failover >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 2 ] && grep -q "^ercoexistctl: kernel refused: " "$T/err"
	ok $? "failover without CAP_NET_ADMIN: exit 2, kernel refused"
	nsx setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$CTL" status >"$T/out" 2>"$T/err"
	[ $? -eq 0 ]
	ok $? "status without CAP_NET_ADMIN: allowed"
else
	n=$((n + 1)); echo "ok $n - non-admin refused # SKIP no setpriv"
	n=$((n + 1)); echo "ok $n - non-admin status # SKIP no setpriv"
fi

# A device that exists in userspace's view but is not the one named: the
# kernel's own checks (e.g. the same table for both paths) are covered by the
# parser, so feed a config the kernel must refuse: VPN Peer on ER is not
# expressible; use an ifindex that vanished between parse and set instead.
# (Skipped: racy.)  The genl suite covers extack texts.

# 100,000 prefixes in one POLICY_SET
{
	sed '/^Prefix/d' "$T/ercoexist.conf"
	$PY -c '
for i in range(50000):
    print("Prefix = 10.%d.%d.%d/26 er vpn" % (64 + i // 1024, i // 4 & 255, (i & 3) * 64))
for i in range(50000):
    print("Prefix = 2001:db8:%x:%x::/64 vpn" % (i >> 8, i & 255))
'
} >"$T/big.conf"
start=$(date +%s%N)
ctl load "$T/big.conf"
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 0 ] && grep -q "loaded 100000 prefixes" "$T/out"
ok $? "load of 100,000 prefixes in one message (${ms} ms)"
start=$(date +%s%N)
ctl -j status
ms=$((($(date +%s%N) - start) / 1000000))
[ $rc -eq 0 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["prefix_count"]==100000 and len(d["prefixes"])==100000' "$T/out"
ok $? "status -j with 100,000 prefixes (${ms} ms)"
ctl showconf
[ $rc -eq 0 ] && [ "$(grep -c '^Prefix = ' "$T/out")" = 100000 ]
ok $? "showconf dumps all 100,000 prefixes"

ctl flush
r1=$rc
nsx ip rule show | grep -Eq "proto (229|0xe5)"
norules=$?
[ $r1 -eq 0 ] && [ $norules -ne 0 ] && [ -z "$(nsx ip -4 route show table 225)" ] &&
	[ -z "$(nsx ip -6 route show table 225 2>/dev/null)" ] && [ -z "$(nsx ip -4 route show table 226)" ] &&
	[ -z "$(nsx ip -4 route show table 227)" ]
ok $? "flush: rules and routes removed"
ctl -j status
[ $rc -eq 0 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["policy_loaded"] is False, d' "$T/out"
ok $? "flush: no policy in the kernel"
ctl flush
[ $rc -eq 0 ]
ok $? "flush again: exit 0 (idempotent)"

echo "1..$n"
[ $failed -eq 0 ]
