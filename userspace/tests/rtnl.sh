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
		for t in 225 226 300; do ip route show table $t | sed "s/^/# table $t: /"; done
		for t in 225 226 300; do ip -6 route show table $t 2>/dev/null | sed "s/^/# table6 $t: /"; done
		[ -s "$T/err" ] && sed 's/^/# stderr: /' "$T/err"
	fi
}
drv() { ${WRAP:-} "$DRV" "$@" >"$T/out" 2>"$T/err"; rc=$?; }

ip link set lo up
ip link add er0 type veth peer name er0p
ip link add vti0 type veth peer name vti0p
ip addr add 192.0.2.2/24 dev er0
ip addr add 2001:db8:e::2/64 dev er0 nodad
ip addr add 169.254.21.2/30 dev vti0
for d in er0 er0p vti0 vti0p; do ip link set $d up; done

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

drv flush
[ $rc -eq 0 ] && [ "$(ours -4)" = 0 ] && [ "$(ours -6)" = 0 ] &&
	[ -z "$(ip route show table 300; ip route show table 226; ip -6 route show table 226)" ] &&
	ip rule show | grep -q "fwmark 0x1 lookup 225"
ok $? "flush: every rule and route with proto 0xe5 gone, foreign ones kept"

drv flush
[ $rc -eq 0 ]
ok $? "flush again: exit 0"

echo "1..$n"
[ $failed -eq 0 ]
