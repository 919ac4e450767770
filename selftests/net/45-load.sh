#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# All-or-nothing load (issue 9, item 3).  With a policy A in force:
#  - a config whose ER Gateway is not on er0's subnet is refused before
#    anything changes (exit 1, FILE:LINE naming the gateway);
#  - a config B (ER table 120, the VPN-only site moved to ER) whose first
#    rule is refused half-way (selftests/lib/nlfault.c fails the first
#    RTM_NEWRULE, after the policy was set and table 120's routes added):
#    exit 2, and showconf, ip rule, the tables' routes and the traffic are
#    exactly as before (the site still goes by the VPN);
#  - the same B without the fault loads, and gw sends the site by er0: the
#    refused load above would have changed something;
#  - a path table that already holds a route ercoexist did not install
#    (proto static in table 120), and a rule of someone else's on the ER
#    mark: each refused with exit 1 and FILE:LINE (the Table line, the
#    [ExpressRoute] line) before anything changed.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip ping gcc
require_module_and_ctl

W=/tmp/ercx-load
trap topo_cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

# state FILE: what a load may change, as text: the policy (less its
# generation), gw's rules and ercoexist's routes
state() {
	{
		ctl showconf | grep -v '^# ercoexistctl showconf: policy generation'
		echo "--- rules"
		nsx gw ip -4 rule show
		nsx gw ip -6 rule show
		echo "--- routes"
		nsx gw ip -4 route show table all proto 0xe5
		nsx gw ip -6 route show table all proto 0xe5
	} >"$1" 2>&1
}

# same_state LABEL: state now equals $W/before; the diff in diagnostics
same_state() {
	state "$W/after"
	if diff -u "$W/before" "$W/after" >"$W/diff"; then
		tap_ok "$1: showconf, ip rule and the tables' routes as before"
	else
		tap_notok "$1: showconf, ip rule and the tables' routes as before"
		sed 's/^/# /' "$W/diff"
	fi
}

tap_plan 18
topo_setup
tap_result $? "topology up"
gcc -shared -fPIC -o "$W/nlfault.so" "$ERCX_REPO/selftests/lib/nlfault.c" -ldl
tap_result $? "build the fault injector (selftests/lib/nlfault.c)"
policy_load failback=0
tap_result $? "policy A loaded"
expect_path "A: the VPN-only site $SITE4 goes by the VPN" "$SITE4" vpn
state "$W/before"

# 1. refused before anything changes: a gateway that cannot be a next hop
sed "s/^Gateway = $ER_GW4\$/Gateway = 198.51.100.77/" "$TOPO_CONF" >"$W/offlink.conf"
line=$(grep -n '^Gateway = 198.51.100.77$' "$W/offlink.conf" | cut -d: -f1)
ctl load "$W/offlink.conf" >"$W/out" 2>"$W/err"
rc=$?
sed 's/^/# /' "$W/err"
[ $rc -eq 1 ] &&
	grep -q "^$W/offlink.conf:$line: \[ExpressRoute\] Gateway 198.51.100.77 cannot be a next hop on er0" "$W/err"
tap_result $? "ER Gateway off er0's subnet: refused with exit 1 and FILE:LINE before anything changed (rc $rc)"
same_state "after the refused gateway"

# 2. refused half-way: B's first rule fails after POLICY_SET and its routes
sed -e "s/^Device = er0\$/Device = er0\nTable = 120/" \
	-e "s|^Prefix = $SITE_NET4 vpn\$|Prefix = $SITE_NET4 er|" \
	"$TOPO_CONF" >"$W/b.conf"
nsx gw env LD_PRELOAD="$W/nlfault.so" ERCX_NLFAULT=32:1 \
	"$ERCX_CTL" load "$W/b.conf" >"$W/out" 2>"$W/err"
rc=$?
sed 's/^/# /' "$W/err"
[ $rc -eq 2 ] && grep -q '^nlfault: failing rtnetlink request 1 of type 32' "$W/err"
tap_result $? "B with its first rule refused: exit 2 (rc $rc), the fault was injected"
grep -q 'the previous policy, rules and routes are back' "$W/err"
tap_result $? "B: ercoexistctl says the previous policy, rules and routes are back"
same_state "after B failed half-way"
expect_path "after B failed: $SITE4 still goes by the VPN" "$SITE4" vpn

# 3. the control: B itself loads and changes what the failure kept
ctl load "$W/b.conf" >/dev/null 2>"$W/err"
tap_result $? "B without the fault loads"
nsx gw ip -4 route show table 120 proto 0xe5 | grep -q "^default via $ER_GW4 dev er0"
tap_result $? "B: table 120 has the ER default route"
# (the ER edge has no route to the VPN-only site: gw's counters tell)
path_of "$SITE4" 5
[ "$D_ER_TX" -ge 5 ] && [ "$D_VTI_TX" -eq 0 ]
tap_result $? "B: gw now sends $SITE4 by er0 ($PATH_DETAIL)"

# 4. back to A: nothing of B is left
ctl load "$TOPO_CONF" >/dev/null 2>&1
same_state "A loaded again"

# 5. tables and marks someone else uses: refused before anything changes
nsx gw ip -4 route add 192.0.2.0/24 dev er0 table 120 proto static
line=$(grep -n '^Table = 120$' "$W/b.conf" | cut -d: -f1)
ctl load "$W/b.conf" >"$W/out" 2>"$W/err"
rc=$?
sed 's/^/# /' "$W/err"
[ $rc -eq 1 ] &&
	grep -q "^$W/b.conf:$line: \[ExpressRoute\] Table 120 already holds a route ercoexist did not install (192.0.2.0/24 proto 4)" "$W/err"
tap_result $? "ER Table 120 holding a static route: refused with exit 1 and FILE:LINE (rc $rc)"
same_state "after the refused table"
nsx gw ip -4 route del 192.0.2.0/24 dev er0 table 120 proto static

nsx gw ip -4 rule add fwmark 0xe10000/0xff0000 lookup main pref 500
state "$W/before"
line=$(grep -n '^\[ExpressRoute\]' "$TOPO_CONF" | head -n 1 | cut -d: -f1)
ctl load "$TOPO_CONF" >"$W/out" 2>"$W/err"
rc=$?
sed 's/^/# /' "$W/err"
[ $rc -eq 1 ] &&
	grep -q "^$TOPO_CONF:$line: \[ExpressRoute\] an ip -4 rule ercoexist did not install (pref 500, fwmark 0xe10000, table 254) matches the path's mark" "$W/err"
tap_result $? "a rule of someone else's on the ER mark: refused with exit 1 and FILE:LINE (rc $rc)"
same_state "after the refused mark"
nsx gw ip -4 rule del pref 500

tap_end
