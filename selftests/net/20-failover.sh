#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Failover and failback (issue 2, tests d-e):
#  (d) ER device down -> VPN, back up -> ER: carrier loss (the er side of the
#      veth goes down) and `ip link set er0 down/up` on gw;
#  (e) `ercoexistctl failover` -> VPN, `ercoexistctl auto` -> ER, as status -j
#      says; and the failback delay holds ER back after `auto`.
# Each check counts what left gw's er0/vti0 and what azure received.
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping
require_module_and_ctl
trap topo_cleanup EXIT

tap_plan 33
topo_setup
tap_result $? "topology up"
policy_load failback=0
tap_result $? "ercoexistctl load (FailbackDelay 0)"
expect_path "baseline: IPv4 $AZ4 leaves by ER" "$AZ4" er

# (d) carrier loss: the ER edge's side of the link goes down
topo_er_edge down
wait_status 30 'j["paths"]["er"]["state"]' down
tap_result $? "(d) carrier loss: status paths.er.state down"
r=$(status_get 'j["paths"]["er"]["reason"]')
diag "paths.er.reason: $r"
[ "$(status_get 'j["active_path"]')" = vpn ]
tap_result $? "(d) carrier loss: active_path vpn"
expect_path "(d) carrier loss: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(d) carrier loss: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
topo_er_edge up
wait_status 30 'j["active_path"]' er
tap_result $? "(d) carrier back: active_path er"
expect_path "(d) carrier back: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(d) carrier back: IPv6 $AZ6 leaves by ER" "$AZ6" er

# (d) admin down on gw.  This flushes every route via er0, the path table's
# default route included.
nsx gw ip link set er0 down
wait_status 30 'j["paths"]["er"]["state"]' down
tap_result $? "(d) ip link set er0 down: status paths.er.state down"
expect_path "(d) er0 admin down: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(d) er0 admin down: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
nsx gw ip link set er0 up
# the main-table routes via er0 were flushed too; a real gateway gets them
# back from BGP: put them back as BGP would
nsx gw ip route replace "$AZ_NET4" via "$ER_GW4" dev er0
nsx gw ip -6 route replace "$AZ_NET6" via "$ER_GW6" dev er0
wait_status 30 'j["active_path"]' er
tap_result $? "(d) ip link set er0 up: active_path er"
diag "ER path table after up: $(nsx gw ip route show table 225 | tr '\n' ';') $(nsx gw ip -6 route show table 225 | tr '\n' ';')"
# what a user sees without doing anything else
path_of "$AZ4" 5
diag "after er0 up, no re-load: IPv4 $AZ4 took $PATH_RESULT ($PATH_DETAIL)"
[ "$PATH_RESULT" = er ]
tap_result $? "(d) er0 back up: IPv4 $AZ4 leaves by ER without re-loading the policy (got $PATH_RESULT)"
path_of "$AZ6" 5
diag "after er0 up, no re-load: IPv6 $AZ6 took $PATH_RESULT ($PATH_DETAIL)"
[ "$PATH_RESULT" = er ]
tap_result $? "(d) er0 back up: IPv6 $AZ6 leaves by ER without re-loading the policy (got $PATH_RESULT)"
# what a user would do if it did not: load again
policy_load failback=0
tap_result $? "(d) ercoexistctl load again after er0 up"
expect_path "(d) after re-load: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(d) after re-load: IPv6 $AZ6 leaves by ER" "$AZ6" er

# (e) operator failover and auto
fo0=$(status_get 'j["failovers"]')
ctl failover
tap_result $? "(e) ercoexistctl failover"
[ "$(status_get 'j["mode"]')" = forced-vpn ] && [ "$(status_get 'j["active_path"]')" = vpn ]
tap_result $? "(e) status -j: mode forced-vpn, active_path vpn"
expect_path "(e) forced-vpn: IPv4 $AZ4 leaves by the VPN" "$AZ4" vpn
expect_path "(e) forced-vpn: IPv6 $AZ6 leaves by the VPN" "$AZ6" vpn
expect_path "(e) forced-vpn: VPN-only IPv4 $SITE4 still by the VPN" "$SITE4" vpn
fo1=$(status_get 'j["failovers"]')
[ "$fo1" -gt "$fo0" ]
tap_result $? "(e) failovers counter went up ($fo0 -> $fo1)"
ctl auto
tap_result $? "(e) ercoexistctl auto"
wait_status 20 'j["active_path"]' er && [ "$(status_get 'j["mode"]')" = auto ]
tap_result $? "(e) status -j: mode auto, active_path er"
expect_path "(e) auto: IPv4 $AZ4 leaves by ER" "$AZ4" er
expect_path "(e) auto: IPv6 $AZ6 leaves by ER" "$AZ6" er

# failover --to er: the VPN-only prefixes have no path (NoPath = pass: the
# main table, which has no route for the site)
ctl failover --to er
[ "$(status_get 'j["mode"]')" = forced-er ]
tap_result $? "(e) failover --to er: mode forced-er"
expect_path "(e) forced-er: IPv4 $AZ4 leaves by ER" "$AZ4" er
ctl auto

# the failback delay: ER stays held back after `auto` for FailbackDelay
policy_load failback=3s
ctl failover
ctl auto
a1=$(status_get 'j["active_path"]')
[ "$a1" = vpn ]
tap_result $? "(e) FailbackDelay 3s: right after auto the active path is still vpn (got $a1)"
wait_status 60 'j["active_path"]' er
tap_result $? "(e) FailbackDelay 3s: ER is back within 6 s"

tap_end
