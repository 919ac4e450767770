#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Defects found in review (issue 7), each with the test that failed before
# its fix:
#  (a) D3: a reload whose probe settings changed keeps the verdict of the
#      old prober for the same device: a path found dead stays down (with
#      FailbackDelay = 0 it carried traffic again at once);
#  (b) flush returns the namespace to its initial state: mode auto;
#  (c) D1: an unprivileged user in its own user+net namespace cannot load
#      more prefixes than the module's max_prefixes, and what the policy
#      allocates is charged to the caller's memory cgroup;
#  (d) D5: module removal while 10 ms probes flap and a listener takes
#      events (the runner checks the kernel log; on the debug kernel KASAN
#      and lockdep watch it).
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip nft ping unshare setpriv
require_module_and_ctl

W=/run/ercx-review
CG=/sys/fs/cgroup
PARAM=/sys/module/ercoexist/parameters/max_prefixes
MON_PID=
cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	topo_cleanup
	rmdir "$CG/ercx-review" 2>/dev/null
	[ -w "$PARAM" ] && echo 1048576 >"$PARAM"
	[ -n "${WMEM_MAX:-}" ] && echo "$WMEM_MAX" >/proc/sys/net/core/wmem_max
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"
chmod 755 "$W"

tap_plan 15

blackhole() {	# on|off: the ER edge drops everything from gw
	if [ "$1" = on ]; then
		printf '%s\n' 'table inet bh {' '	chain c_pre {' \
			'		type filter hook prerouting priority -200; policy accept;' \
			'		iifname "gw0" drop' '	}' '}' | nsx er nft -f -
	else
		nsx er nft delete table inet bh
	fi
}

topo_setup || { log "topology"; tap_end; }

# ---- (a) D3: the verdict carries over a reload with other probe settings
policy_load er_probe=100ms er_mult=3 failback=0 >/dev/null
wait_status 100 'j["paths"]["er"]["probe"]["received"] > 3' True
blackhole on
wait_status 150 'j["paths"]["er"]["state"]' down
tap_result $? "black hole: ER down ($(status_get 'j["paths"]["er"]["reason"]'))"
# other interval, same device: the path must stay down
policy_load er_probe=150ms er_mult=3 failback=0 >/dev/null
sleep 0.3
st=$(status_get 'j["paths"]["er"]["state"]')/$(status_get 'j["paths"]["er"]["reason"]')/$(status_get 'j["active_path"]')
[ "$st" = down/probe-timeout/vpn ]
tap_result $? "reload with another ProbeInterval: ER stays down by probe timeout, VPN active ($st)"
# gw's er0 also carries the ER probes (to the ER gateways): count what
# leaves it for $AZ4
printf '%s\n' 'table inet leak {' '	chain post {' \
	'		type filter hook postrouting priority 0; policy accept;' \
	"		oifname \"er0\" ip daddr $AZ4 counter" '	}' '}' | nsx gw nft -f -
path_of "$AZ4" 5
leak=$(nsx gw nft list table inet leak | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')
nsx gw nft delete table inet leak
[ "$D_AZ_VPN" -eq 5 ] && [ "$D_AZ_ER" -eq 0 ] && [ "$D_VTI_TX" -ge 5 ] &&
	[ "$leak" = 0 ] && [ "${PATH_RESULT%-noreply}" = "$PATH_RESULT" ]
tap_result $? "traffic to Azure stays on the VPN after the reload ($PATH_DETAIL; to $AZ4 by er0: ${leak:-?})"
blackhole off
wait_status 150 'j["active_path"]' er
tap_result $? "the ER edge answers again: back on ER"

# ---- (b) flush returns the namespace to its initial state
ctl failover >/dev/null
m=$(status_get 'j["mode"]')
[ "$m" = forced-vpn ]
tap_result $? "failover: mode forced-vpn ($m)"
ctl flush >/dev/null
m=$(status_get 'j["mode"]')
[ "$m" = auto ]
tap_result $? "flush: mode is auto again ($m)"
policy_load >/dev/null
m=$(status_get 'j["mode"]')/$(status_get 'j["active_path"]')
[ "$m" = auto/er ]
tap_result $? "load after flush: auto, ER active ($m)"

# ---- (c) D1: the prefix cap and memory accounting, as an unprivileged user
[ -w "$PARAM" ]
tap_result $? "module parameter max_prefixes is writable by root"
v=$(cat "$PARAM")
[ "$v" = 1048576 ]
tap_result $? "max_prefixes defaults to 1048576 ($v)"

mkconf() {	# FILE N: N /24 prefixes on two dummy devices (ER via 192.0.2.1)
	/usr/bin/python3 - "$1" "$2" <<'PY'
import sys
n = int(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write("[ExpressRoute]\nDevice = d-er\nGateway = 192.0.2.1\n"
            "[VPN]\nDevice = d-vpn\n[Policy]\n")
    for i in range(n):
        f.write("Prefix = %d.%d.%d.0/24 er vpn\n"
                % (11 + i // 65536, (i // 256) % 256, i % 256))
PY
	chmod 644 "$1"
}
mkconf "$W/p1000.conf" 1000
mkconf "$W/p1001.conf" 1001
mkconf "$W/p100k.conf" 100000

# As nobody, in a fresh user+net namespace with the two devices: load the
# config ($1), write status -j to $2, then sleep $3 s (the policy lives as
# long as the namespace).
printf '%s\n' '#!/bin/bash' \
	'ip link add d-er type dummy && ip link add d-vpn type dummy &&' \
	'ip link set d-er up && ip link set d-vpn up &&' \
	'ip addr add 192.0.2.2/30 dev d-er || exit 90' \
	"\"$ERCX_CTL\" load \"\$1\" 2>&1" \
	'rc=$?' \
	"\"$ERCX_CTL\" -j status >\"\$2\" 2>&1" \
	'[ $rc = 0 ] && [ -n "$3" ] && { echo loaded >"$2.loaded"; sleep "$3"; }' \
	'exit $rc' >"$W/userns.sh"
chmod 755 "$W/userns.sh"
userns_load() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn bash "$W/userns.sh" "$@"
}
# what nobody writes goes to a directory it owns
mkdir -p "$W/out"
chown 65534:65534 "$W/out"

echo 1000 >"$PARAM"
out=$(userns_load "$W/p1001.conf" "$W/out/st1001.json")
rc=$?
[ $rc -ne 0 ] && echo "$out" | grep -q 'max_prefixes'
tap_result $? "unprivileged userns: 1001 prefixes over a cap of 1000 refused (rc $rc: $(echo "$out" | head -n 1))"
out=$(userns_load "$W/p1000.conf" "$W/out/st1000.json")
rc=$?
n=$(/usr/bin/python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j.get("prefix_count", j.get("prefixes")))' "$W/out/st1000.json" 2>/dev/null)
[ $rc -eq 0 ] && [ "$n" = 1000 ]
tap_result $? "unprivileged userns: 1000 prefixes loaded (rc $rc, status says $n)"
echo 1048576 >"$PARAM"

# memory cgroup: what a 100,000-prefix policy allocates is charged there
[ -f "$CG/cgroup.controllers" ] || mount -t cgroup2 none "$CG" 2>/dev/null
grep -qw memory "$CG/cgroup.controllers" 2>/dev/null
tap_result $? "cgroup2 with the memory controller"
echo +memory >"$CG/cgroup.subtree_control" 2>/dev/null
mkdir -p "$CG/ercx-review"
kmem() { grep '^kernel ' "$CG/ercx-review/memory.stat" | cut -d' ' -f2; }
# A 100,000-prefix request is a few MB: an unprivileged sender cannot force
# its socket's send buffer past net.core.wmem_max (global, root's to raise).
WMEM_MAX=$(cat /proc/sys/net/core/wmem_max)
echo 16777216 >/proc/sys/net/core/wmem_max
(
	echo "$BASHPID" >"$CG/ercx-review/cgroup.procs" || exit 80
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		unshare -Urn bash "$W/userns.sh" "$W/p100k.conf" "$W/out/st100k.json" 20
) >/dev/null 2>&1 &
cgpid=$!
before=$(kmem)
wait_until 600 eval 'test -f "$W/out/st100k.json.loaded" || ! kill -0 $cgpid 2>/dev/null'
after=$(kmem)
echo "$WMEM_MAX" >/proc/sys/net/core/wmem_max
kill "$cgpid" 2>/dev/null
pkill -u 65534 sleep 2>/dev/null
wait "$cgpid" 2>/dev/null
delta=$(( (${after:-0} - ${before:-0}) / 1024 ))
diag "cgroup kernel memory before ${before:-?} after ${after:-?} bytes"
[ -f "$W/out/st100k.json.loaded" ] ||
	diag "the 100,000-prefix load failed: $(head -c 300 "$W/out/st100k.json" 2>/dev/null)"
# The prefix table of 100,000 /24s takes megabytes (LPM nodes and leaves);
# unaccounted, the cgroup's kernel memory grows only by the namespace's
# devices and the process.
[ -f "$W/out/st100k.json.loaded" ] && [ "$delta" -gt 2048 ]
tap_result $? "a 100,000-prefix policy loaded from a user namespace is charged to its memory cgroup (kernel memory +${delta} KiB)"

# ---- (d) D5: rmmod while 10 ms probes flap and a listener takes events
policy_load er_probe=10ms er_mult=3 failback=0 >/dev/null
"$ERCX_CTL" -n "$ERCX_NS-gw" monitor -j >/dev/null 2>&1 &
MON_PID=$!
for _ in 1 2 3; do
	blackhole on
	sleep 0.3
	blackhole off
	sleep 0.3
done
blackhole on
sleep 0.1
rmmod ercoexist 2>"$W/rmmod.err"
rc=$?
kill "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
MON_PID=
tap_result $rc "rmmod after 10 ms probes flapped with a listener ($(head -n 1 "$W/rmmod.err"))"
module_load
tap_result $? "insmod again"
tap_end
