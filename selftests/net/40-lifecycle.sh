#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module and namespace lifetime under traffic (issue 2, test h): rmmod while
# a ping flood crosses the gateway and failovers happen, deleting a namespace
# that holds a policy (with traffic), a monitor listening across rmmod; the
# kernel log must stay free of BUG, WARNING, Oops and leaks, and the module
# must load and work again afterwards: after the reload and a new policy,
# the VPN-only site is steered to the VPN again, IPv4 and IPv6.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping rmmod insmod
require_module_and_ctl

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	topo_cleanup
	module_load >/dev/null 2>&1
}
trap cleanup EXIT

flood() {	# DST: ping flood from onprem in the background
	# not through nsx: $! must be ping itself (ip netns exec execs it),
	# not a subshell that kill would leave ping running behind
	ip netns exec "$ERCX_NS-onprem" ping -q -f -w 30 "$1" >/dev/null 2>&1 &
	PIDS+=($!)
}

tap_plan 18
dmesg_mark
topo_setup
tap_result $? "topology up"
policy_load failback=0
tap_result $? "ercoexistctl load"

# rmmod while traffic flows and the operator flips paths
flood "$AZ4"
flood "$AZ6"
flood "$SITE4"
ip netns exec "$ERCX_NS-gw" "$ERCX_CTL" -j monitor >/dev/null 2>&1 &
PIDS+=($!)
sleep 1
for _ in 1 2 3; do
	ctl failover >/dev/null && ctl auto >/dev/null
done
tx=$(status_get 'j["paths"]["er"]["tx_packets"]')
[ "${tx:-0}" -gt 10 ]
tap_result $? "flood is crossing gw (paths.er.tx_packets=$tx)"
rmmod ercoexist
tap_result $? "rmmod ercoexist with a policy, traffic and a monitor"
! module_loaded
tap_result $? "the module is gone"
sleep 1
path_of "$AZ4" 3
[ "$PATH_RESULT" = er ]
tap_result $? "traffic still flows by the main table after rmmod ($PATH_RESULT)"
dmesg_clean
tap_result $? "kernel log clean after rmmod under traffic"

# load again: the family is back, with no policy anywhere
module_load
tap_result $? "insmod again"
[ "$(status_get 'j["policy_loaded"]')" = False ]
tap_result $? "no policy after reloading the module"
policy_load failback=0
tap_result $? "ercoexistctl load after reload"
# stop the floods first: they would skew the per-device counters
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
wait 2>/dev/null
PIDS=()
expect_path "steering works again: IPv4 $SITE4 by the VPN" "$SITE4" vpn
expect_path "steering works again: IPv6 $SITE6 by the VPN" "$SITE6" vpn

# delete the namespace that holds the policy, with traffic through it
flood "$AZ4"
flood "$SITE6"
sleep 1
ip netns del "$ERCX_NS-gw"
tap_result $? "ip netns del gw (policy loaded, traffic flowing)"
sleep 2
dmesg_clean
tap_result $? "kernel log clean after deleting the namespace"

# many namespaces with policies, deleted together, then rmmod
for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
PIDS=()
ok=0
for i in 1 2 3 4 5 6 7 8; do
	n=$ERCX_NS-extra$i
	ip netns add "$n"
	ip -n "$n" link add er0 type dummy
	ip -n "$n" link add vti0 type dummy
	ip -n "$n" link add eth0 type dummy
	ip -n "$n" link set er0 up
	ip -n "$n" link set vti0 up
	ip -n "$n" link set eth0 up
	ip -n "$n" addr add "$GW_ER4/30" dev er0
	ip -n "$n" addr add "$GW_ER6/64" dev er0 nodad
	ip -n "$n" addr add "$GW_PUB4/24" dev eth0
	ip -n "$n" addr add "$GW_PUB6/64" dev eth0 nodad
	if ip netns exec "$n" "$ERCX_CTL" load "$TOPO_CONF" >/dev/null 2>"$TOPO_CONF.err"; then
		ok=$((ok + 1))
	else
		grep -v 'warning\[' "$TOPO_CONF.err" | sed "s/^/# extra$i: /"
	fi
done
[ $ok = 8 ]
tap_result $? "8 more namespaces with a policy each ($ok loaded)"
for i in 1 2 3 4 5 6 7 8; do
	ip netns del "$ERCX_NS-extra$i"
done
topo_cleanup
sleep 2
rmmod ercoexist
tap_result $? "rmmod after the namespaces are gone"
dmesg_clean
tap_result $? "kernel log clean at the end"
module_load
tap_result $? "insmod for the next suite"

tap_end
