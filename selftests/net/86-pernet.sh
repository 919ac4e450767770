#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Review defect D4: a network namespace pays for the module only once it
# gets its first policy (no per-CPU counters, no netdevice notifier, no RTNL
# in the namespace's creation and destruction before that).
#  (a) cost: 200 namespaces created and destroyed with the module loaded and
#      not loaded, alternately, 5 times each; the times and their ratio are
#      reported as "# diag" lines, never judged;
#  (b) a namespace that never had a policy answers STATUS_GET with every
#      counter zero (raw genl, the stats nest) and ercoexistctl with no
#      policy;
#  (c) its first policy (on dummy devices) registers the device tracking:
#      ip link set down / up / del show in status, the counters count;
#  (d) deleting namespaces with and without a policy, and rmmod with both
#      alive, keep the kernel log clean;
#  (e) exact, where the kernel has kprobe events (6.1, 6.12; the debug
#      lane's kernel is built without KPROBES): kprobes on
#      register_netdevice_notifier_net and the per-CPU allocator count the
#      calls made from the module: 0 for 20 new namespaces, 1 each on the
#      first policy, 0 on a reload.  This is the point that fails on the
#      code before the lazy setup (one of each per namespace at creation).
DIR=$(dirname "$(readlink -f "$0")")
# shellcheck source=selftests/net/lib.sh
. "$DIR/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$DIR/topology.sh"

require_root
require_vm
require_cmds ip rmmod insmod
require_module_and_ctl

N=${ERCX_PERNET_N:-200}
ROUNDS=${ERCX_PERNET_ROUNDS:-5}
# On the debug lane's kernel the figure means nothing (KASAN, lockdep) and
# costs minutes: one small round there exercises the same paths
case "$(uname -r)" in
*-debug) N=${ERCX_PERNET_N:-50} ROUNDS=${ERCX_PERNET_ROUNDS:-1} ;;
esac
W=/run/ercx-pernet
TR=/sys/kernel/tracing
KPROBES=0
cleanup() {
	local i
	for i in $(seq "$N"); do
		ip netns del "ercxpn$i" 2>/dev/null
	done
	ip netns del ercxpn-s1 2>/dev/null
	ip netns del ercxpn-s2 2>/dev/null
	topo_cleanup
	if [ "$KPROBES" = 1 ]; then
		echo 0 >"$TR/events/kprobes/enable"
		echo >"$TR/kprobe_events"
	fi
	module_load >/dev/null 2>&1
}
trap cleanup EXIT
rm -rf "$W"
mkdir -p "$W"

# The exact call counts of (e) need kprobe events: Debian's 6.1 and 6.12
# have them, the debug lane's kernel is built without KPROBES (selftests/
# README lists this).
KP_PLAN=1
case "$(uname -r)" in *-debug) KP_PLAN=0 ;; esac
[ -e "$TR/kprobe_events" ] || mount -t tracefs nodev "$TR" 2>/dev/null
if [ -e "$TR/kprobe_events" ]; then
	# 6.12's allocation profiling turns __alloc_percpu_gfp into a macro
	PCPU=__alloc_percpu_gfp
	grep -q ' pcpu_alloc_noprof$' /proc/kallsyms && PCPU=pcpu_alloc_noprof
	echo >"$TR/kprobe_events"
	echo "p:kprobes/ercx_pn_nb register_netdevice_notifier_net caller=\$stack0:symbol" >>"$TR/kprobe_events" &&
		echo "p:kprobes/ercx_pn_pcpu $PCPU caller=\$stack0:symbol" >>"$TR/kprobe_events" &&
		KPROBES=1
fi
tap_plan $((21 + 3 * KP_PLAN))
dmesg_mark

# ---- (a) the cost of a namespace that has no policy

# sentinel NAME: a namespace with a veth whose end in the initial namespace
# ("NAME") goes away when the namespace is dismantled
sentinel() {
	ip netns add "$1" &&
		ip link add "$1" type veth peer name s0 netns "$1"
}
link_gone() { ! ip link show "$1" >/dev/null 2>&1; }

# sentinel_del NAME: delete it and wait until it is dismantled
sentinel_del() {
	ip netns del "$1"
	wait_until 1200 link_gone "$1"
}

# netns_cycle: create the N namespaces, then delete them, and wait until the
# kernel has dismantled every one: the namespaces are destroyed by one
# ordered worker, so when a sentinel deleted after the first sentinel is
# gone (a later batch), all of them are.  Sets CYCLE_MS (wall time).
netns_cycle() {
	local t0 t1
	sentinel ercxpn-s1 && sentinel ercxpn-s2 || return 1
	t0=$(date +%s%N)
	ip -batch "$W/add" || return 1
	ip -batch "$W/del" || return 1
	sentinel_del ercxpn-s1 && sentinel_del ercxpn-s2 || return 1
	t1=$(date +%s%N)
	CYCLE_MS=$(((t1 - t0) / 1000000))
}
for i in $(seq "$N"); do
	echo "netns add ercxpn$i"
done >"$W/add"
for i in $(seq "$N"); do
	echo "netns del ercxpn$i"
done >"$W/del"

# best and median of a list of numbers
stats() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "best %d ms, median %d ms", v[1], v[int((NR + 1) / 2)] }'; }
best() { printf '%s\n' "$@" | sort -n | head -n 1; }

# alternately without and with the module, ROUNDS times each
OFF=() ON=()
for _ in $(seq "$ROUNDS"); do
	rmmod ercoexist || break
	netns_cycle || break
	OFF+=("$CYCLE_MS")
	module_load || break
	netns_cycle || break
	ON+=("$CYCLE_MS")
done
[ ${#ON[@]} = "$ROUNDS" ]
tap_result $? "$N namespaces created and destroyed $ROUNDS times without the module and $ROUNDS times with it"
if [ ${#ON[@]} = "$ROUNDS" ]; then
	diag "netns create+destroy x$N without the module: ${OFF[*]} ms ($(stats "${OFF[@]}"))"
	diag "netns create+destroy x$N with the module:    ${ON[*]} ms ($(stats "${ON[@]}"))"
	diag "netns create+destroy cost ratio with/without the module (best of $ROUNDS): $(awk -v a="$(best "${ON[@]}")" -v b="$(best "${OFF[@]}")" 'BEGIN { printf "%.3f", a / b }')"
fi
module_loaded
tap_result $? "module loaded again after the measurement"
dmesg_clean
tap_result $? "kernel log clean after $((N * ROUNDS * 2)) namespaces without a policy"

# ---- (b) a namespace that never had a policy

# genl_status NS: STATUS_GET over raw generic netlink in namespace NS; prints
# {"loaded": bool, "stats": {"mss_clamped": n, ...}} or {"error": errno}
genl_status() {
	nsx "$1" "$PY" - "$ERCX_REPO/include/uapi/linux/ercoexist.h" <<'PY'
import json, re, socket, struct, sys

hdr = open(sys.argv[1]).read()


def enum(name):
    body = re.search(r"enum\s+%s\s*\{(.*?)\};" % name, hdr, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    vals, n = {}, 0
    for item in (i.strip() for i in body.split(",")):
        if not item:
            continue
        if "=" in item:
            item, expr = (x.strip() for x in item.split("=", 1))
            n = eval(expr, {}, dict(vals))
        vals[item] = n
        n += 1
    return vals


A, S, C = enum("ercx_attr"), enum("ercx_stats_attr"), enum("ercx_cmd")
sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)  # NETLINK_GENERIC
sk.bind((0, 0))


def attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        ln, ty = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            break
        out[ty & 0x3FFF] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


def talk(fam, cmd, payload=b""):
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    sk.send(struct.pack("=IHHII", 16 + len(body), fam, 1, 1, 0) + body)
    msg = sk.recv(1 << 16)
    ln, ty = struct.unpack_from("=IH", msg)
    if ty == 2:  # NLMSG_ERROR
        print(json.dumps({"error": -struct.unpack_from("=i", msg, 16)[0]}))
        sys.exit(0)
    return attrs(msg[20:ln])


name = b"ercoexist\0"
nla = struct.pack("=HH", 4 + len(name), 2) + name  # CTRL_ATTR_FAMILY_NAME
nla += b"\0" * (-len(nla) % 4)
fam = struct.unpack("=H", talk(16, 3, nla)[1][:2])[0]  # GETFAMILY, FAMILY_ID
a = talk(fam, C["ERCX_CMD_STATUS_GET"])
res = {"loaded": A["ERCX_A_POLICY_LOADED"] in a, "stats": None}
if A["ERCX_A_STATS"] in a:
    names = {}
    for k, v in S.items():  # the first name of a value: not ERCX_STATS_A_MAX
        names.setdefault(v, k[len("ERCX_STATS_A_"):].lower())
    res["stats"] = {names[t]: struct.unpack("=Q", v)[0]
                    for t, v in attrs(a[A["ERCX_A_STATS"]]).items()
                    if len(v) == 8}
print(json.dumps(res))
PY
}

ns_create gw
ip -n "$ERCX_NS-gw" link add d-er type dummy
ip -n "$ERCX_NS-gw" link add d-vpn type dummy
ip -n "$ERCX_NS-gw" link set d-er up
ip -n "$ERCX_NS-gw" link set d-vpn up
ip -n "$ERCX_NS-gw" addr add 192.0.2.2/30 dev d-er
ip -n "$ERCX_NS-gw" route add 10.99.0.0/16 dev d-er
# traffic before any policy: nothing may count it
ping_from gw 10.99.0.1 2

st=$(genl_status gw)
diag "STATUS_GET without a policy: $st"
echo "$st" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
s = j.get("stats")
sys.exit(0 if not j.get("loaded") and s and len(s) >= 7 and
         not any(s.values()) else 1)'
tap_result $? "a namespace that never had a policy: STATUS_GET answers, every counter 0"
st=$(status_get 'j["policy_loaded"], j["mode"], j["active_path"]')
[ "$st" = "(False, 'auto', 'none')" ]
tap_result $? "ercoexistctl -j status: no policy, mode auto, no active path ($st)"

# ---- (c) the first policy sets up the device tracking
cat >"$W/dummy.conf" <<EOF
[ExpressRoute]
Device = d-er
Gateway = 192.0.2.1
[VPN]
Device = d-vpn
[Policy]
FailbackDelay = 0
Prefix = 10.99.0.0/16 er vpn
Prefix = fd99::/32 vpn
EOF
out=$(ctl load "$W/dummy.conf" 2>&1)
tap_result $? "first policy loaded in the namespace$(echo "$out" | grep -v 'warning\[' | head -n 1 | sed 's/^./: &/')"
st=$(status_get 'j["paths"]["er"]["state"], j["paths"]["vpn"]["state"], j["active_path"], j["paths"]["er"]["tx_packets"]')
[ "$st" = "('up', 'up', 'er', 0)" ]
tap_result $? "both paths up, ER active, counters start at 0 ($st)"
# get ADDR: the prefix, the path now and why, IPv4 and IPv6, and an
# address outside every prefix
g1=$(ctl -j get 10.99.1.1 | json_get 'j["match"]["prefix"], j["path"], j["why"]')
g2=$(ctl -j get fd99::1 | json_get 'j["match"]["prefix"], j["path"], j["why"]')
g3=$(ctl -j get 192.0.2.99 | json_get 'j["match"], j["path"]')
[ "$g1" = "('10.99.0.0/16', 'er', 'ER usable, preferred')" ] &&
	[ "$g2" = "('fd99::/32', 'vpn', 'only the VPN reaches this prefix')" ] &&
	[ "$g3" = "(None, 'main')" ]
tap_result $? "get: 10.99.1.1 $g1; fd99::1 $g2; 192.0.2.99 $g3"

# -n NETNS, as ip -n: the same view from outside the namespace
st2=$("$ERCX_CTL" -n "$ERCX_NS-gw" -j status | json_get 'j["paths"]["er"]["state"], j["paths"]["vpn"]["state"], j["active_path"], j["paths"]["er"]["tx_packets"]')
[ "$st2" = "$st" ] && [ "$("$ERCX_CTL" -j status | json_get 'j["policy_loaded"]')" = False ]
tap_result $? "ercoexistctl -n $ERCX_NS-gw status from the initial namespace shows gw's policy ($st2), plain status the initial namespace's (none)"

nsx gw ip link set d-er down
wait_status 50 'j["paths"]["er"]["state"], j["paths"]["er"]["reason"], j["active_path"]' "('down', 'admin-down', 'vpn')"
tap_result $? "ip link set d-er down: ER down (admin-down), VPN active ($(status_get 'j["paths"]["er"]["state"], j["paths"]["er"]["reason"], j["active_path"]'))"
g1=$(ctl -j get 10.99.1.1 | json_get 'j["path"], j["why"]')
[ "$g1" = "('vpn', 'ER down (admin-down)')" ]
tap_result $? "get 10.99.1.1 with ER down: $g1"
nsx gw ip link set d-er up
wait_status 50 'j["paths"]["er"]["state"], j["active_path"]' "('up', 'er')"
tap_result $? "ip link set d-er up: ER up and active again ($(status_get 'j["paths"]["er"]["state"], j["active_path"]'))"

# a reload must not set anything up twice
out=$(ctl load "$W/dummy.conf" 2>&1)
tap_result $? "second policy (reload) in the same namespace$(echo "$out" | grep -v 'warning\[' | head -n 1 | sed 's/^./: &/')"
nsx gw ip link del d-vpn
wait_status 50 'j["paths"]["vpn"]["state"], j["paths"]["vpn"]["reason"]' "('down', 'no-device')"
tap_result $? "ip link del d-vpn: VPN down (no-device) ($(status_get 'j["paths"]["vpn"]["state"], j["paths"]["vpn"]["reason"]'))"

# (the down and up took the route with them)
ip -n "$ERCX_NS-gw" route replace 10.99.0.0/16 dev d-er
ping_from gw 10.99.0.1 3
n=$(status_get 'j["paths"]["er"]["tx_packets"]')
[ "${n:-0}" -ge 3 ]
tap_result $? "packets to the prefix are counted on ER (tx_packets $n)"

# flush keeps what the first policy set up; the counters stay readable
ctl flush >/dev/null
st=$(genl_status gw)
diag "STATUS_GET after flush: $st"
echo "$st" | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
sys.exit(0 if not j.get("loaded") and j.get("stats") is not None else 1)'
tap_result $? "after flush: no policy, STATUS_GET still answers with counters"

# ---- (e) exact: what the module calls when a namespace is born
# kprobes on the two costs (netdevice notifier registration, per-CPU
# allocation), counting only the calls whose return address is in the
# module: none for namespaces without a policy, one each on the first
# policy, none on a reload.  The code before the lazy setup made one of
# each per namespace at creation.
if [ "$KPROBES" = 1 ]; then
	kp_count() {	# EVENT: calls from the module since kp_reset
		grep -c "ercx_pn_$1: .*\[ercoexist\]" "$TR/trace"
	}
	kp_reset() { : >"$TR/trace"; }
	echo 1 >"$TR/events/kprobes/enable"
	kp_reset
	for i in $(seq 20); do
		ip netns add "ercxpn$i"
	done
	nb=$(kp_count nb) pc=$(kp_count pcpu)
	diag "20 namespaces created: $nb notifier registrations and $pc per-CPU allocations from the module"
	[ "$nb" = 0 ] && [ "$pc" = 0 ]
	tap_result $? "20 namespaces without a policy: no netdevice notifier, no per-CPU allocation by the module (kprobes: $nb, $pc)"
	ip -n ercxpn1 link add d-er type dummy
	ip -n ercxpn1 link add d-vpn type dummy
	ip -n ercxpn1 link set d-er up
	ip -n ercxpn1 link set d-vpn up
	ip -n ercxpn1 addr add 192.0.2.2/30 dev d-er
	kp_reset
	out=$(ip netns exec ercxpn1 "$ERCX_CTL" load "$W/dummy.conf" 2>&1)
	rc=$?
	nb=$(kp_count nb) pc=$(kp_count pcpu)
	[ $rc = 0 ] && [ "$nb" = 1 ] && [ "$pc" = 1 ]
	tap_result $? "the first policy: exactly one notifier registration and one per-CPU allocation (kprobes: $nb, $pc; load: $(echo "$out" | head -n 1))"
	kp_reset
	ip netns exec ercxpn1 "$ERCX_CTL" load "$W/dummy.conf" >/dev/null 2>&1
	ip netns exec ercxpn1 "$ERCX_CTL" flush >/dev/null 2>&1
	ip netns exec ercxpn1 "$ERCX_CTL" load "$W/dummy.conf" >/dev/null 2>&1
	nb=$(kp_count nb) pc=$(kp_count pcpu)
	[ "$nb" = 0 ] && [ "$pc" = 0 ]
	tap_result $? "reload, flush and load again: nothing set up twice (kprobes: $nb, $pc)"
	echo 0 >"$TR/events/kprobes/enable"
	for i in $(seq 20); do
		ip netns del "ercxpn$i"
	done
elif [ "$KP_PLAN" = 1 ]; then
	for i in 1 2 3; do
		tap_notok "(e) $i: cannot set kprobes on register_netdevice_notifier_net and ${PCPU:-the per-CPU allocator} in $TR"
	done
fi

# ---- (d) exits: namespaces with and without a policy, then rmmod
ctl load "$W/dummy.conf" >/dev/null 2>&1
ns_create nopol
ns_create pol
ip -n "$ERCX_NS-pol" link add d-er type dummy
ip -n "$ERCX_NS-pol" link add d-vpn type dummy
ip -n "$ERCX_NS-pol" link set d-er up
ip -n "$ERCX_NS-pol" link set d-vpn up
ip -n "$ERCX_NS-pol" addr add 192.0.2.2/30 dev d-er
"$ERCX_CTL" -n "$ERCX_NS-pol" load "$W/dummy.conf" >/dev/null 2>&1
ip netns del "$ERCX_NS-gw"
tap_result $? "ip netns del of a namespace holding a policy"
sleep 2
dmesg_clean
tap_result $? "kernel log clean after deleting it"
rmmod ercoexist
tap_result $? "rmmod with a namespace that never had a policy and one that has one"
dmesg_clean
tap_result $? "kernel log clean after rmmod"
topo_cleanup
module_load
tap_result $? "insmod for the next suite"

tap_end
