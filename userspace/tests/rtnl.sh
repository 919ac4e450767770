#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rtnl.c against the host kernel in a private network namespace (TAP):
# routes and rules installed by load, idempotence, stale-entry cleanup,
# flush.  Needs root (unshare -n); skipped otherwise.
#   tests/rtnl.sh PATH/TO/rtnl_drive
set -u
DRV=$(realpath "$1")
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
	echo "1..0 # SKIP needs root and unshare -n"
	exit 0
fi
if [ -z "${ERCX_IN_NETNS:-}" ]; then
	ERCX_IN_NETNS=1 exec unshare -n "$0" "$@"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
		ip rule show | sed 's/^/# rule: /'
		ip -6 rule show | sed 's/^/# rule6: /'
		for t in 225 226 227 228 300; do ip route show table $t | sed "s/^/# table $t: /"; done
		for t in 225 226 227 228 300; do ip -6 route show table $t 2>/dev/null | sed "s/^/# table6 $t: /"; done
		[ -s "$T/err" ] && sed 's/^/# stderr: /' "$T/err"
	fi
}
drv() { ${WRAP:-} "$DRV" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

ip link set lo up
ip link add er0 type veth peer name er0p
ip link add vti0 type veth peer name vti0p
ip link add eth9 type veth peer name eth9p
ip addr add 192.0.2.2/24 dev er0
ip addr add 2001:db8:e::2/64 dev er0 nodad
ip addr add 169.254.21.2/30 dev vti0
ip addr add 198.51.100.2/24 dev eth9
ip addr add 2001:db8:1::2/64 dev eth9 nodad
for d in er0 er0p vti0 vti0p eth9 eth9p; do ip link set $d up; done

cat >"$T/a.conf" <<'CONF'
[ExpressRoute]
Device = er0
Gateway = 192.0.2.1
Gateway = 2001:db8:e::1
[VPN]
Device = vti0
Gateway = 169.254.21.1
CONF

rules() { ip "$1" rule show | grep -Ec "^$2:.*fwmark $3/$4 lookup $5 proto (229|0xe5)"; }
ours() { ip "$1" rule show | grep -Ec "proto (229|0xe5)"; }

drv install "$T/a.conf"
[ $rc -eq 0 ] && [ "$(rules -4 10225 0xe10000 0xff0000 225)" = 1 ] &&
	[ "$(rules -6 10225 0xe10000 0xff0000 225)" = 1 ] &&
	[ "$(rules -4 10226 0xe20000 0xff0000 226)" = 1 ] &&
	[ "$(rules -6 10226 0xe20000 0xff0000 226)" = 1 ] && [ "$(ours -4)" = 2 ] && [ "$(ours -6)" = 2 ]
ok $? "install: one rule per path and family, pref 10000+table, proto 0xe5"

ip -4 route show table 225 | grep -Eq "^default via 192.0.2.1 dev er0 proto (229|0xe5)" &&
	ip -6 route show table 225 | grep -Eq "^default via 2001:db8:e::1 dev er0 proto (229|0xe5)" &&
	ip -4 route show table 226 | grep -Eq "^default via 169.254.21.1 dev vti0 proto (229|0xe5)" &&
	ip -6 route show table 226 | grep -Eq "^default dev vti0 proto (229|0xe5)"
ok $? "install: ER routes via the gateways, VPN IPv6 device route (no IPv6 gateway)"

drv install "$T/a.conf"
r1=$rc
drv install "$T/a.conf"
[ $r1 -eq 0 ] && [ $rc -eq 0 ] && [ "$(ours -4)" = 2 ] && [ "$(ours -6)" = 2 ] &&
	[ "$(ip -4 route show table 225 | wc -l)" = 1 ] && [ "$(ip -6 route show table 225 | wc -l)" = 1 ]
ok $? "install twice more: still exactly one rule and one route each"

ip rule add fwmark 0x1 lookup 225 pref 10225
ip route add 10.99.0.0/16 via 192.0.2.1 table 225
cat >"$T/b.conf" <<'CONF'
[ExpressRoute]
Device = er0
Gateway = 192.0.2.1
Table = 300
FwMark = 0x00310000
[VPN]
Device = vti0
CONF
drv install "$T/b.conf"
[ $rc -eq 0 ] && [ "$(rules -4 10300 0x310000 0xff0000 300)" = 1 ] && [ "$(ours -4)" = 2 ] &&
	[ "$(ours -6)" = 2 ] && [ "$(rules -4 10225 0xe10000 0xff0000 225)" = 0 ] &&
	[ -z "$(ip -6 route show table 225 | grep -E 'proto (229|0xe5)')" ] &&
	ip -4 route show table 300 | grep -Eq "^default via 192.0.2.1 dev er0 proto (229|0xe5)" &&
	ip -4 route show table 226 | grep -Eq "^default dev vti0 proto (229|0xe5) scope link"
ok $? "new table and mark: the old policy's rules and routes removed, new ones installed"

ip rule show | grep -q "^10225:.*fwmark 0x1 lookup 225" &&
	ip route show table 225 | grep -q "^10.99.0.0/16 via 192.0.2.1"
ok $? "a foreign rule and route (not proto 0xe5) are left alone"

ip link set er0 down
drv install "$T/b.conf"
[ $rc -eq 0 ] && grep -q "warning: .*not installed" "$T/err"
ok $? "ER device down: load warns about the route and succeeds"
ip link set er0 up

# The underlay guard's uplink: [Underlay] with a Device gets a rule and
# a default route per family with a gateway, like a path.
cat >"$T/u.conf" <<'CONF'
[ExpressRoute]
Device = er0
Gateway = 192.0.2.1
[VPN]
Device = vti0
Gateway = 169.254.21.1
Peer = 203.0.113.10
[Underlay]
Device = eth9
Gateway = 198.51.100.1
Gateway = 2001:db8:1::1
CONF
drv install "$T/u.conf"
[ $rc -eq 0 ] && [ "$(rules -4 10227 0xe30000 0xff0000 227)" = 1 ] &&
	[ "$(rules -6 10227 0xe30000 0xff0000 227)" = 1 ] && [ "$(ours -4)" = 3 ] && [ "$(ours -6)" = 3 ] &&
	[ "$(rules -4 10300 0x310000 0xff0000 300)" = 0 ] && [ -z "$(ip route show table 300)" ] &&
	ip -4 route show table 227 | grep -Eq "^default via 198.51.100.1 dev eth9 proto (229|0xe5)" &&
	ip -6 route show table 227 | grep -Eq "^default via 2001:db8:1::1 dev eth9 proto (229|0xe5)"
ok $? "[Underlay]: rule fwmark 0xe30000/0xff0000 lookup 227 pref 10227 and default routes via its gateways"

ip -4 route get 203.0.113.10 mark 0xe30000 | grep -q "via 198.51.100.1 dev eth9" &&
	ip -6 route get 2001:db8:ffff::10 mark 0xe30000 | grep -q "via 2001:db8:1::1 dev eth9"
ok $? "[Underlay]: a packet with the underlay's mark is routed by the uplink"

drv install "$T/u.conf"
[ $rc -eq 0 ] && [ "$(ours -4)" = 3 ] && [ "$(ours -6)" = 3 ] &&
	[ "$(ip -4 route show table 227 | wc -l)" = 1 ] && [ "$(ip -6 route show table 227 | wc -l)" = 1 ]
ok $? "[Underlay] installed again: still one rule and one route per family"

sed -i 's/^Gateway = 2001:db8:1::1$/Table = 228\nFwMark = 0x00e40000/' "$T/u.conf"
drv install "$T/u.conf"
[ $rc -eq 0 ] && [ "$(rules -4 10228 0xe40000 0xff0000 228)" = 1 ] &&
	[ "$(rules -6 10228 0xe40000 0xff0000 228)" = 1 ] && [ "$(ours -4)" = 3 ] && [ "$(ours -6)" = 3 ] &&
	[ -z "$(ip -4 route show table 227; ip -6 route show table 227)" ] &&
	ip -4 route show table 228 | grep -Eq "^default via 198.51.100.1 dev eth9 proto (229|0xe5)" &&
	[ -z "$(ip -6 route show table 228)" ]
ok $? "[Underlay] Table and FwMark changed: the old rule and routes replaced; no IPv6 route without an IPv6 gateway"

sed -i '/^\[Underlay\]/,$d' "$T/u.conf"
drv install "$T/u.conf"
[ $rc -eq 0 ] && [ "$(ours -4)" = 2 ] && [ "$(ours -6)" = 2 ] &&
	[ "$(rules -4 10228 0xe40000 0xff0000 228)" = 0 ] && [ -z "$(ip -4 route show table 228)" ]
ok $? "[Underlay] removed from the file: its rule and route removed on reload"

# What status reports about the VPN peer: the device of its route in the
# main routing (no mark).
drv routedev 203.0.113.10
r1=$rc
o1=$(cat "$T/out")
ip addr replace 2001:db8:e::2/64 dev er0 nodad	# IPv6 lost it when er0 went down
ip route add 203.0.113.10/32 via 192.0.2.1 dev er0
ip -6 route add 2001:db8:ffff::10/128 via 2001:db8:e::1 dev er0
drv routedev 203.0.113.10
r2=$rc
o2=$(cat "$T/out")
drv routedev 2001:db8:ffff::10
[ $r1 -eq 0 ] && [ "$o1" = none ] && [ $r2 -eq 0 ] && [ "$o2" = er0 ] && [ $rc -eq 0 ] &&
	[ "$(cat "$T/out")" = er0 ]
ok $? "the peer's route: none, then er0 for IPv4 and IPv6 once learned over ER ($o1, $o2)"

# status's underlay part with the peer routed over ER (IPv4) and not (IPv6)
ip -6 route del 2001:db8:ffff::10/128
ip -6 route add 2001:db8:ffff::10/128 via 2001:db8:1::1 dev eth9
drv underlay er0 eth9 203.0.113.10 2001:db8:ffff::10
grep -qi 'warning.*peer.*er0' "$T/out" &&
	grep -qx "warning: the route to VPN peer 203.0.113.10 leaves by er0 (ExpressRoute); the underlay guard steers it to eth9" "$T/out" &&
	[ "$(grep -c '^warning:' "$T/out")" = 1 ] &&
	grep -qx "underlay guard: steer to eth9 (table 227, fwmark 0x00e30000), 7 interventions" "$T/out" &&
	grep -qx "  peer 2001:db8:ffff::10: route via eth9" "$T/out"
ok $? "status text: a warning for the peer routed by er0, none for the one routed by the uplink"

drv underlay -j er0 eth9 203.0.113.10 2001:db8:ffff::10
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = d["underlay"]
assert set(u) == {"action", "dev", "table", "fwmark", "interventions", "peer_route", "warnings"}, u
assert (u["action"], u["dev"], u["table"], u["fwmark"], u["interventions"]) == ("steer", "eth9", 227, 0xe30000, 7), u
assert u["peer_route"] == [{"peer": "203.0.113.10", "dev": "er0"}, {"peer": "2001:db8:ffff::10", "dev": "eth9"}], u
assert len(u["warnings"]) == 1 and "203.0.113.10 leaves by er0" in u["warnings"][0] and "steers it to eth9" in u["warnings"][0], u
' "$T/out" 2>"$T/err"
ok $? "status -j: underlay {action, dev, table, fwmark, interventions, peer_route, warnings}"

drv underlay -j er0 - 203.0.113.10
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
u = d["underlay"]
assert (u["action"], u["dev"], u["table"], u["fwmark"]) == ("drop", None, None, None), u
assert u["peer_route"] == [{"peer": "203.0.113.10", "dev": "er0"}], u
assert len(u["warnings"]) == 1 and u["warnings"][0].endswith("the underlay guard drops it (no [Underlay] Device)"), u
' "$T/out" 2>"$T/err" && drv underlay er0 - 203.0.113.10 && grep -qi "^warning: .*peer 203.0.113.10.*er0.*drops it" "$T/out"
ok $? "status without [Underlay]: action drop, null uplink, the warning says it drops"

drv underlay -j er0 eth9
/usr/bin/python3 -c '
import json, sys
u = json.load(open(sys.argv[1]))["underlay"]
assert u["peer_route"] == [] and u["warnings"] == [], u
' "$T/out" 2>"$T/err" && drv underlay er0 eth9 && grep -q "inactive: no \[VPN\] Peer" "$T/out"
ok $? "status without a [VPN] Peer: no peer routes, no warnings, inactive"

ip route del 203.0.113.10/32
ip -6 route del 2001:db8:ffff::10/128

printf '[Underlay]\nDevice = eth9\nGateway = 198.51.100.1\n' >>"$T/u.conf"
drv install "$T/u.conf"
[ $rc -eq 0 ] && [ "$(ours -4)" = 3 ]
ok $? "[Underlay] back (before flush)"

# check's probe-not-via-er rule asks this kernel for the probe target's route
CTL=$(dirname "$DRV")/ercoexistctl
if [ -x "$CTL" ]; then
	printf '[ExpressRoute]\nDevice = er0\nGateway = 192.0.2.1\nProbeInterval = 100ms\n[VPN]\nDevice = vti0\n[Policy]\nPrefix = 10.17.0.0/16 er vpn\n' >"$T/p.conf"
	${WRAP:-} "$CTL" check "$T/p.conf" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && ! grep -q 'probe-not-via-er' "$T/err"
	ok $? "check: the probe target 192.0.2.1 is routed via er0: no probe-not-via-er"
	sed -i 's/^ProbeInterval/Probe = 198.51.100.1\nProbeInterval/' "$T/p.conf"
	${WRAP:-} "$CTL" check "$T/p.conf" >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc -eq 0 ] && grep -q ':4: warning\[probe-not-via-er\].*198.51.100.1 is routed via eth9' "$T/err"
	ok $? "check: Probe = 198.51.100.1 is routed via eth9: warning[probe-not-via-er] at line 4"
fi

drv flush
[ $rc -eq 0 ] && [ "$(ours -4)" = 0 ] && [ "$(ours -6)" = 0 ] &&
	[ -z "$(ip route show table 300; ip route show table 226; ip -6 route show table 226)" ] &&
	[ -z "$(ip route show table 227; ip -6 route show table 227)" ] &&
	ip rule show | grep -q "fwmark 0x1 lookup 225"
ok $? "flush: every rule and route with proto 0xe5 gone, foreign ones kept"

drv flush
[ $rc -eq 0 ]
ok $? "flush again: exit 0"

echo "1..$n"
[ $failed -eq 0 ]
