#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The failover benchmark, run inside the test VM by benchmarks/run.sh
# (selftests/vm/run.sh --exec): RFC 6412/6413 loss-derived convergence on a
# constant-rate, sequence-numbered UDP stream between onprem (10.1.0.2) and
# azure (10.17.1.10), both directions at once, in the topology of
# selftests/net/topology.sh; ercoexist against FRR (bgpd + bfdd) and stock
# Linux in the same boot.  Writes raw data only; benchmarks/analyze.py makes
# the tables.
#
# Environment (defaults):
#   BENCH_RUNS=10              runs per system and case
#   BENCH_CASES="carrier down blackhole switch"
#                              carrier: far-end carrier loss, the ER edge's
#                              side of the link (gw0 in the er namespace)
#                              goes down and gw's er0 loses its carrier,
#                              which gw hears of from linkwatch; down: gw's
#                              own er0 goes admin down (ip link set er0
#                              down in gw: the notifier runs in that very
#                              request); blackhole: the ER edge drops
#                              everything, carrier stays up; switch (a
#                              control, not a failure): the stream is moved
#                              to the VPN with both paths up (ercoexist:
#                              ercoexistctl failover; stock Linux: the main
#                              table's ER routes removed, the backup route
#                              takes over; FRR: n/a), so its loss is what
#                              the VPN path itself loses at this load, the
#                              floor under every failover figure.  Failback
#                              (case c) is measured in every run, when ER
#                              comes back.
#   BENCH_SYSTEMS="ercoexist linux frr-default frr-fast"
#                              linux: stock Linux, no module and no daemon:
#                              ignore_routes_with_linkdown=1 and a backup
#                              route via the VPN with a higher metric (no
#                              black-hole detection: it never fails over,
#                              the stream is lost until the restore)
#                              Systems are interleaved run by run (units(),
#                              below).
#   BENCH_PEERS=all            all: FRR runs in the er and vpn namespaces
#                              (and gw, installing nothing) in every
#                              system's runs, so the CPU load is the same;
#                              none: only in FRR's
#   BENCH_PROBE_INTERVALS="10 50 300"  ercoexist ProbeInterval (ms), black
#                              hole case; the down case uses the first
#   BENCH_PROBE_MULT=3
#   BENCH_RATE=1000            packets/s per direction
#   BENCH_PRE=1.0 BENCH_DOWN=3.0 BENCH_POST=0.5
#                              seconds of stream before the failure, of
#                              failure, and after ER carries traffic again
#   BENCH_FAILBACK_MAX=30      give up waiting for ER to carry traffic
#   BENCH_TCP_RUNS=3           iperf3 runs per system and case (0: none)
#   BENCH_TCP_RATE=10M
#   BENCH_OUT=$ERCX_OUT/bench  (VM) or build/bench/out
#   BENCH_TOPO_HOOK            a file sourced after topology.sh (development
#                              on a host without xfrm interfaces only)
set -u
DIR=$(dirname "$(readlink -f "$0")")
REPO=$(cd "$DIR/.." && pwd)
# shellcheck source=selftests/net/lib.sh
. "$REPO/selftests/net/lib.sh"
# shellcheck source=selftests/net/topology.sh
. "$REPO/selftests/net/topology.sh"
# shellcheck source=benchmarks/frr.sh
. "$DIR/frr.sh"
# shellcheck disable=SC1090
[ -n "${BENCH_TOPO_HOOK:-}" ] && . "$BENCH_TOPO_HOOK"

: "${BENCH_RUNS:=10}"
: "${BENCH_CASES:=carrier down blackhole switch}"
: "${BENCH_SYSTEMS:=ercoexist linux frr-default frr-fast}"
: "${BENCH_PROBE_INTERVALS:=10 50 300}"
: "${BENCH_PROBE_MULT:=3}"
: "${BENCH_RATE:=1000}"
: "${BENCH_PRE:=1.0}"
: "${BENCH_DOWN:=3.0}"
: "${BENCH_POST:=0.5}"
: "${BENCH_FAILBACK_MAX:=30}"
: "${BENCH_TCP_RUNS:=3}"
: "${BENCH_TCP_RATE:=10M}"
: "${BENCH_PEERS:=all}"
if [ -n "${ERCX_OUT:-}" ]; then
	: "${BENCH_OUT:=$ERCX_OUT/bench}"
else
	: "${BENCH_OUT:=$REPO/build/bench/out}"
fi
UDPS=${BENCH_UDPSTREAM:-$REPO/build/bench/udpstream}
PORT=5001
BH_TABLE=ercxbench

say() { echo "bench: $*"; }
now() { date +%s.%N; }

# ------------------------------------------------------------ failures

_blackhole_nft() {
	local h
	echo "table inet $BH_TABLE {"
	for h in prerouting input forward output; do
		echo "	chain $h { type filter hook $h priority -400; policy drop; }"
	done
	echo "}"
}

# gw_er_routes del|replace [FIRST]: gw's main-table routes to Azure via ER,
# both families, in one ip process (FIRST: a batch line to run before them)
gw_er_routes() {
	ip -force -n "$ERCX_NS-gw" -batch - >/dev/null 2>&1 <<EOF
${2:-}
route $1 $AZ_NET4 via $ER_GW4 dev er0
route $1 $AZ_NET6 via $ER_GW6 dev er0
EOF
}

fail_inject() {	# CASE
	case "$1" in
	carrier) topo_er_edge down ;;
	down) nsx gw ip link set er0 down ;;
	blackhole) _blackhole_nft | nsx er nft -f - ;;
	switch)
		case "$SYS" in
		ercoexist) ctl failover >/dev/null ;;
		linux) gw_er_routes del ;;
		esac
		;;
	esac
}

# The ER edge's link up and its route to on-premises back in one `ip` process
# (as topo_er_edge up does, in two): under TCG each process start costs
# ~0.3 s, and a failback in that window would lose the reverse stream at the
# edge, which is the harness's doing, not the gateway's.
#
# gw's own er0 admin down flushed every route through it: the main table's
# (put back as BGP would, except under FRR, whose bgpd does it) and, for
# ercoexist, its ER table's default route (a load puts it back: admin guide,
# "Known limitations").
fail_restore() {	# CASE
	case "$1" in
	carrier) ip -force -n "$ERCX_NS-er" -batch - >/dev/null 2>&1 <<EOF
link set gw0 up
route replace $ONPREM_NET4 via $GW_ER4
route replace $ONPREM_NET6 via $GW_ER6
EOF
	;;
	down)
		case "$SYS" in
		frr-*) nsx gw ip link set er0 up ;;
		*) gw_er_routes replace "link set er0 up" ;;
		esac
		[ "$SYS" = ercoexist ] && ctl load "$TOPO_CONF" >>"$BENCH_OUT/ercoexistctl.log" 2>&1
	;;
	blackhole) nsx er nft delete table inet "$BH_TABLE" ;;
	switch)
		case "$SYS" in
		ercoexist) ctl auto >/dev/null ;;
		linux) gw_er_routes replace ;;
		esac
		;;
	esac
}

# ------------------------------------------------------------ paths

# er_carrying: 0 when the forward stream leaves gw by er0 (and not vti0)
# over the next 0.1 s
er_carrying() {
	local e0 v0 e1 v1 min=$((BENCH_RATE / 50))
	e0=$(dev_stat gw er0 tx_packets)
	v0=$(dev_stat gw vti0 tx_packets)
	sleep 0.1
	e1=$(dev_stat gw er0 tx_packets)
	v1=$(dev_stat gw vti0 tx_packets)
	[ $((e1 - e0)) -ge "$min" ] && [ $((v1 - v0)) -lt "$min" ]
}

# on_er: the system under test says ER is its active path (no traffic needed)
on_er() {
	case "$SYS" in
	ercoexist) [ "$(status_get 'j["active_path"]' 2>/dev/null)" = er ] ;;
	linux) linux_on_er ;;
	frr-*) frr_on_er ;;
	esac
}

wait_on_er() {	# SECS
	wait_until "$(($1 * 10))" on_er
}

counters() {	# PREFIX: KEY=VALUE lines
	echo "${1}az_er4=$(nft_counter azure inet azure er4)"
	echo "${1}az_vpn4=$(nft_counter azure inet azure vpn4)"
	echo "${1}gw_er0_tx=$(dev_stat gw er0 tx_packets)"
	echo "${1}gw_vti0_tx=$(dev_stat gw vti0 tx_packets)"
}

# tcp_counters NS PREFIX: the reset and abort counters of a namespace
tcp_counters() {
	nsx "$1" cat /proc/net/snmp /proc/net/netstat | awk -v p="$2" '
		$1 == "Tcp:" && !th { for (i = 2; i <= NF; i++) tn[i] = $i; th = 1; next }
		$1 == "Tcp:" { for (i = 2; i <= NF; i++) if (tn[i] ~ /^(EstabResets|OutRsts)$/) print p tn[i] "=" $i }
		$1 == "TcpExt:" && !eh { for (i = 2; i <= NF; i++) en[i] = $i; eh = 1; next }
		$1 == "TcpExt:" { for (i = 2; i <= NF; i++) if (en[i] ~ /^TCPAbortOn/) print p en[i] "=" $i }'
}

# ------------------------------------------------------------ one run

# run_udp ID CASE: one stream with one failure and one return
run_udp() {
	local id=$1 cse=$2 d=$BENCH_OUT/runs/$1 po pa t0 t1 tr tr1 tb rc=ok
	mkdir -p "$d"
	{
		echo "id=$id"
		echo "system=$SYS"
		echo "variant=$VARIANT"
		echo "case=$cse"
		echo "rate=$BENCH_RATE"
		echo "kernel=$(uname -r)"
	} >"$d/meta"
	if ! wait_on_er 30; then
		echo "status=not-on-er" >>"$d/meta"
		say "$id: ER is not the active path before the run; skipped"
		return 1
	fi
	counters pre_ >>"$d/meta"
	ip netns exec "$ERCX_NS-onprem" "$UDPS" -l $PORT -b "$ONPREM4" -d "$AZ4" -p $PORT \
		-r "$BENCH_RATE" -o "$d/onprem" -t 120 2>"$d/onprem.err" &
	po=$!
	ip netns exec "$ERCX_NS-azure" "$UDPS" -l $PORT -b "$AZ4" -d "$ONPREM4" -p $PORT \
		-r "$BENCH_RATE" -o "$d/azure" -t 120 2>"$d/azure.err" &
	pa=$!
	sleep "$BENCH_PRE"
	# where the stream goes just before the failure (a run where it was
	# not on ER already is not counted)
	counters fail_ >>"$d/meta"
	t0=$(now)
	fail_inject "$cse"
	t1=$(now)
	sleep "$BENCH_DOWN"
	counters down_ >>"$d/meta"
	tr=$(now)
	fail_restore "$cse"
	tr1=$(now)
	if wait_until "$((BENCH_FAILBACK_MAX * 5))" er_carrying; then
		tb=$(now)
	else
		tb=none
		rc=no-failback
	fi
	sleep "$BENCH_POST"
	kill -TERM "$po" "$pa" 2>/dev/null
	wait "$po" "$pa"
	counters post_ >>"$d/meta"
	{
		echo "t_fail=$t0"
		echo "t_fail_done=$t1"
		echo "t_restore=$tr"
		echo "t_restore_done=$tr1"
		echo "t_er_back=$tb"
		echo "status=$rc"
	} >>"$d/meta"
	say "$id: $rc ($(tr '\n' ' ' <"$d/onprem.err"))"
}

# run_tcp ID CASE: iperf3 onprem -> azure across a failure and the return
run_tcp() {
	local id=$1 cse=$2 d=$BENCH_OUT/tcp/$1 ps pc secs t0 tr crc src
	mkdir -p "$d"
	secs=$(awk -v a="$BENCH_DOWN" 'BEGIN { printf "%d", 2 + a + 8 }')
	{
		echo "id=$id"
		echo "system=$SYS"
		echo "variant=$VARIANT"
		echo "case=$cse"
		echo "secs=$secs"
	} >"$d/meta"
	wait_on_er 30 || { echo "status=not-on-er" >>"$d/meta"; return 1; }
	tcp_counters onprem pre_onprem_ >>"$d/meta"
	tcp_counters azure pre_azure_ >>"$d/meta"
	ip netns exec "$ERCX_NS-azure" iperf3 -s -1 -J -i 0.1 -p 5201 \
		>"$d/server.json" 2>"$d/server.err" &
	ps=$!
	sleep 1
	ip netns exec "$ERCX_NS-onprem" iperf3 -c "$AZ4" -p 5201 -t "$secs" \
		-b "$BENCH_TCP_RATE" -i 0.1 -J >"$d/client.json" 2>"$d/client.err" &
	pc=$!
	sleep 2
	t0=$(now)
	fail_inject "$cse"
	sleep "$BENCH_DOWN"
	tr=$(now)
	fail_restore "$cse"
	wait "$pc"
	crc=$?
	wait "$ps"
	src=$?
	{
		tcp_counters onprem post_onprem_
		tcp_counters azure post_azure_
		echo "t_fail=$t0"
		echo "t_restore=$tr"
		echo "client_rc=$crc"
		echo "server_rc=$src"
		echo "status=ok"
	} >>"$d/meta"
	say "$id: iperf3 client rc $crc, server rc $src"
}

# ------------------------------------------------------------ systems

ercx_config() {	# PROBE_MS
	topo_config "$TOPO_CONF" failback=0
	sed -i "/^Gateway = $ER_GW6\$/a ProbeInterval = ${1}ms\nProbeMultiplier = $BENCH_PROBE_MULT" \
		"$TOPO_CONF"
	ctl load "$TOPO_CONF" >>"$BENCH_OUT/ercoexistctl.log" 2>&1
}

na() {	# SYS VARIANT CASE REASON
	mkdir -p "$BENCH_OUT/na"
	echo "$4" >"$BENCH_OUT/na/$1.$2.$3"
	say "$1 $2 $3: n/a: $4"
}

# ---- stock Linux: the kernel's own fallback, no module, no daemon

# linux_on_er: gw's main table routes both families by er0
linux_on_er() {
	nsx gw ip -4 route get "$AZ4" 2>/dev/null | grep -q ' dev er0 ' &&
		nsx gw ip -6 route get "$AZ6" 2>/dev/null | grep -q ' dev er0 '
}

# Routes whose nexthop device has no carrier are skipped (the nexthop is
# marked linkdown when the NETDEV_CHANGE notifier runs), and a backup route
# via the tunnel, with a higher metric, takes over.
linux_setup() {
	nsx gw sysctl -qw net.ipv4.conf.all.ignore_routes_with_linkdown=1 \
		net.ipv6.conf.all.ignore_routes_with_linkdown=1 >/dev/null &&
		nsx gw ip -4 route add "$AZ_NET4" via "$VPN_VTI4" dev vti0 metric 100 &&
		nsx gw ip -6 route add "$AZ_NET6" via "$VPN_VTI6" dev vti0 metric 2048
}

# ------------------------------------------------------------ units
#
# A unit is one system with one setting (ercoexist pi10, pi300, stock Linux,
# FRR bfd300, bfd10) and the cases it runs.  Round n runs the n-th run of
# every case of every unit, one unit after the other, so the systems are
# interleaved run by run: a drift of the machine (other VMs on the host)
# spreads over all of them.  Each unit sets its system up from a fresh
# topology and tears it down after its runs of the round.
#
# The remote peers' daemons (FRR in the er and vpn namespaces) run in every
# unit (BENCH_PEERS=all, the default) or in none (none: FRR's own units
# still need them).  In the other systems' units gw runs FRR too, at the
# unit's BFD interval (ercoexist: its probe interval; stock Linux: 300 ms),
# but its zebra installs nothing (frr_start ... peers-only): the BFD and BGP
# sessions are up and load the CPUs as in FRR's units while ercoexist or
# the kernel steers.

units() {	# prints "SYS VARIANT BFD_MS CASE..." lines
	local s iv first cs cse nosw=
	first=$(echo "$BENCH_PROBE_INTERVALS" | awk '{ print $1 }')
	for cse in $BENCH_CASES; do
		[ "$cse" = switch ] || nosw="$nosw $cse"
	done
	for s in $BENCH_SYSTEMS; do
		case "$s" in
		ercoexist)
			cs=
			for cse in $BENCH_CASES; do
				[ "$cse" = blackhole ] || cs="$cs $cse"
			done
			case " $BENCH_CASES " in
			*" blackhole "*)
				for iv in $BENCH_PROBE_INTERVALS; do
					if [ "$iv" = "$first" ]; then
						echo "ercoexist pi$iv $iv$cs blackhole"
					else
						echo "ercoexist pi$iv $iv blackhole"
					fi
				done
				;;
			*) [ -n "$cs" ] && echo "ercoexist pi$first $first$cs" ;;
			esac
			;;
		linux) echo "linux stock 300 $BENCH_CASES" ;;
		frr-default) [ -n "$nosw" ] && echo "frr-default bfd300 300$nosw" ;;
		frr-fast) [ -n "$nosw" ] && echo "frr-fast bfd$BENCH_FRR_FAST_MS $BENCH_FRR_FAST_MS$nosw" ;;
		esac
	done
}

MON_PID=

# unit_setup ROUND: SYS, VARIANT, BFD_MS set; 0 when the unit can run
unit_setup() {
	local r=$1
	case "$SYS" in
	ercoexist) module_loaded || module_load || return 1 ;;
	*) module_loaded && rmmod ercoexist 2>/dev/null ;;
	esac
	topo_setup || { say "topology failed"; return 1; }
	case "$SYS" in
	frr-*)
		frr_start "$BFD_MS" || return 1
		frr_wait_er 60 || { say "$SYS: FRR did not converge on ER within 60 s"; return 1; }
		frr_vtysh gw 'show bfd peers' >"$BENCH_OUT/frr/$VARIANT.r$r-bfd.txt"
		;;
	*)
		if [ "$BENCH_PEERS" = all ]; then
			frr_start "$BFD_MS" peers-only || return 1
			# the sessions up, as in FRR's units (BGP first, BFD then)
			wait_until 600 _frr_bfd_up ||
				say "$SYS $VARIANT: BFD beside it did not come up"
		fi
		;;
	esac
	case "$SYS" in
	ercoexist)
		ercx_config "${VARIANT#pi}" || return 1
		# every probe verdict of the unit: the false probe timeouts
		# (ip netns exec execs it: $! is the monitor itself)
		ip netns exec "$ERCX_NS-gw" "$ERCX_CTL" -j monitor \
			>"$BENCH_OUT/ercx-mon/$VARIANT.r$r.json" 2>&1 &
		MON_PID=$!
		;;
	linux) linux_setup || return 1 ;;
	esac
	wait_on_er 30
}

_frr_bfd_up() {
	frr_vtysh gw 'show bfd peers brief' | grep -qw up
}

unit_teardown() {	# ROUND
	case "$SYS" in
	ercoexist)
		[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null && wait "$MON_PID" 2>/dev/null
		MON_PID=
		ctl flush >/dev/null 2>&1
		;;
	frr-*)
		frr_vtysh gw 'show bfd peers counters' 'show bgp summary' \
			>>"$BENCH_OUT/frr/$VARIANT.r$1-bfd.txt"
		;;
	esac
	frr_stop
	topo_cleanup
}

# run_unit ROUND CASE...: this round's runs of a unit
run_unit() {
	local r=$1 cse
	shift
	say "--- round $r: $SYS $VARIANT: $*"
	if ! unit_setup "$r"; then
		for cse in "$@"; do
			echo "$SYS.$VARIANT.$cse.$r" >>"$BENCH_OUT/setup-failed"
		done
		say "$SYS $VARIANT: setup failed in round $r"
		unit_teardown "$r"
		return
	fi
	for cse in "$@"; do
		# the failures injected while the unit ran (not the control):
		# against them the spurious BFD flaps and false probe timeouts
		run_udp "$SYS.$VARIANT.$cse.$r" "$cse" && [ "$cse" != switch ] &&
			echo "$SYS $VARIANT $cse $r udp" >>"$BENCH_OUT/injected"
		if [ "$r" -le "$BENCH_TCP_RUNS" ]; then
			run_tcp "$SYS.$VARIANT.$cse.$r" "$cse" && [ "$cse" != switch ] &&
				echo "$SYS $VARIANT $cse $r tcp" >>"$BENCH_OUT/injected"
		fi
	done
	unit_teardown "$r"
}

main() {
	local s fast r line cse
	require_root
	require_cmds ip nft ping iperf3
	[ -x "$UDPS" ] || { echo "bench: $UDPS not built" >&2; exit 1; }
	# FRR when an FRR system runs or the peers run beside every system
	case " $BENCH_SYSTEMS " in
	*" frr-"*) need_frr=1 ;;
	*) [ "$BENCH_PEERS" = all ] && need_frr=1 ;;
	esac
	if [ -n "${need_frr:-}" ]; then
		require_cmds vtysh
		[ -x "$FRR_BIN/bgpd" ] || { echo "bench: FRR not installed" >&2; exit 1; }
	fi
	rm -rf "$BENCH_OUT"
	mkdir -p "$BENCH_OUT/frr" "$BENCH_OUT/ercx-mon"
	trap 'frr_stop; topo_cleanup' EXIT
	case " $BENCH_SYSTEMS " in
	*" frr-fast "*)
		if [ -z "${BENCH_FRR_FAST_MS:-}" ]; then
			fast=
			topo_setup && frr_start 300 && fast=$(frr_bfd_fastest)
			frr_stop
			topo_cleanup
			[ -n "$fast" ] || say "bfdd did not answer; assuming 10 ms"
			BENCH_FRR_FAST_MS=${fast:-10}
		fi
		say "fastest BFD interval bfdd accepts: $BENCH_FRR_FAST_MS ms"
		;;
	esac
	{
		echo "kernel=$(uname -r)"
		echo "cpus=$(nproc)"
		echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "runs=$BENCH_RUNS"
		echo "cases=$BENCH_CASES"
		echo "systems=$BENCH_SYSTEMS"
		echo "probe_intervals=$BENCH_PROBE_INTERVALS"
		echo "probe_mult=$BENCH_PROBE_MULT"
		echo "rate=$BENCH_RATE"
		echo "pre=$BENCH_PRE"
		echo "down=$BENCH_DOWN"
		echo "tcp_rate=$BENCH_TCP_RATE"
		echo "peers=$BENCH_PEERS"
		echo "order=interleaved"
		echo "loss_window=failure"
		echo "frr_fast_ms=${BENCH_FRR_FAST_MS:-}"
		echo "frr=$(dpkg-query -W -f='${Version}' frr 2>/dev/null)"
		echo "iperf3=$(dpkg-query -W -f='${Version}' iperf3 2>/dev/null)"
	} >"$BENCH_OUT/info"
	# The VM guest (selftests/vm/guest.sh) holds the timestamp and netfilter
	# static keys on for the session: udpstream's SO_TIMESTAMPNS and the runs'
	# nft tables then never patch kernel text (a TCG race: "Oops: int3").
	for s in $BENCH_SYSTEMS; do
		case "$s" in
		frr-*)
			case " $BENCH_CASES " in
			*" switch "*) na "$s" "bfd$([ "$s" = frr-fast ] && echo "$BENCH_FRR_FAST_MS" || echo 300)" \
				switch "a control for ercoexist and stock Linux only" ;;
			esac
			;;
		ercoexist|linux) ;;
		*) say "unknown system $s" ;;
		esac
	done
	units >"$BENCH_OUT/units"
	say "units: $(tr '\n' ';' <"$BENCH_OUT/units")"
	for r in $(seq 1 "$BENCH_RUNS"); do
		# fd 3: the runs' commands may read their stdin
		while read -r -u 3 SYS VARIANT BFD_MS line; do
			# shellcheck disable=SC2086 # the unit's cases, one word each
			run_unit "$r" $line </dev/null
		done 3<"$BENCH_OUT/units"
	done
	say "done: $BENCH_OUT"
}

main "$@"
