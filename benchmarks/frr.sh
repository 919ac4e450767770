#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The FRR anchor for the failover benchmark: zebra + bgpd + bfdd from Debian
# in the gw, er (ExpressRoute edge) and vpn (Azure VPN gateway) namespaces of
# selftests/net/topology.sh.  Source it after lib.sh and topology.sh.
#
#   gw  AS 65010  peers er over the ER link (192.0.2.1, with BFD) and vpn
#                 through the tunnel (vti0: 169.254.21.1, no BFD, as Azure's
#                 VPN gateway); local-preference 200 on what ER announces
#   er  AS 12076  announces 10.17.0.0/16
#   vpn AS 65515  announces 10.17.0.0/16, 10.17.200.0/24, 10.40.0.0/24
#
# One zebra/bgpd/bfdd per namespace, each with its own pathspace (-N), config
# files, vty sockets and pid files under $FRR_RUN/NS (not /tmp: the VM guest
# mounts its own /tmp; /run is a tmpfs there); zserv.api is in the pathspace
# /run/frr/NS.  The daemons drop to Debian's frr user: the dirs are its.
#
#   frr_start BFD_MS [peers-only]
#                       BFD at BFD_MS x 3 on the ER peering (300: FRR's
#                       default).  peers-only: the same daemons and
#                       sessions everywhere, but gw's zebra installs
#                       nothing (a route-map denies BGP's routes) and gw's
#                       static routes stay: FRR loads the CPUs as in its
#                       own runs while another system steers
#   frr_wait_er SECS    wait until gw routes 10.17.0.0/16 by er0 (BGP up
#                       over ER)
#   frr_on_er           0 when gw routes 10.17.0.0/16 by er0 now
#   frr_stop
#   frr_bfd_fastest     the smallest BFD interval bfdd accepts

: "${FRR_RUN:=/run/ercx-bench/frr}"
FRR_BIN=/usr/lib/frr

_frr_bgp_common() {	# ASN ROUTER_ID
	cat <<EOF
router bgp $1
 bgp router-id $2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
EOF
}

_frr_neigh() {	# ADDR ASN [bfd]
	echo " neighbor $1 remote-as $2"
	echo " neighbor $1 timers connect 1"
	echo " neighbor $1 advertisement-interval 0"
	if [ "${3:-}" = bfd ]; then
		echo " neighbor $1 bfd"
		echo " neighbor $1 bfd profile bench"
	fi
}

_frr_conf() {	# NS BFD_MS [peers-only]: writes $FRR_RUN/NS/{zebra,bgpd,bfdd}.conf
	local ns=$1 ms=$2 d=$FRR_RUN/$1 net
	mkdir -p "$d"
	printf 'hostname %s\nlog file %s/zebra.log\n' "$ns" "$d" >"$d/zebra.conf"
	if [ "$ns" = gw ] && [ "${3:-}" = peers-only ]; then
		printf '%s\n' "route-map NO-KERNEL deny 10" "exit" \
			"ip protocol bgp route-map NO-KERNEL" >>"$d/zebra.conf"
	fi
	printf '%s\n' "hostname $ns" "log file $d/bfdd.log" "bfd" \
		" profile bench" "  detect-multiplier 3" \
		"  receive-interval $ms" "  transmit-interval $ms" \
		" exit" "exit" >"$d/bfdd.conf"
	{
		echo "hostname $ns"
		echo "log file $d/bgpd.log"
		case "$ns" in
		gw)
			_frr_bgp_common 65010 "$GW_ER4"
			_frr_neigh "$ER_GW4" 12076 bfd
			_frr_neigh "$VPN_VTI4" 65515
			echo " address-family ipv4 unicast"
			echo "  network $ONPREM_NET4"
			echo "  neighbor $ER_GW4 activate"
			echo "  neighbor $ER_GW4 route-map ER-IN in"
			echo "  neighbor $VPN_VTI4 activate"
			echo " exit-address-family"
			echo "exit"
			echo "route-map ER-IN permit 10"
			echo " set local-preference 200"
			echo "exit"
			;;
		er)
			_frr_bgp_common 12076 "$ER_GW4"
			_frr_neigh "$GW_ER4" 65010 bfd
			echo " address-family ipv4 unicast"
			echo "  network $AZ_NET4"
			echo "  neighbor $GW_ER4 activate"
			echo " exit-address-family"
			echo "exit"
			;;
		vpn)
			_frr_bgp_common 65515 "$VPN_VTI4"
			_frr_neigh "$GW_VTI4" 65010
			echo " address-family ipv4 unicast"
			for net in "$AZ_NET4" "$AZV_NET4" "$SITE_NET4"; do
				echo "  network $net"
			done
			echo "  neighbor $GW_VTI4 activate"
			echo " exit-address-family"
			echo "exit"
			;;
		esac
	} >"$d/bgpd.conf"
}

_frr_daemon() {	# NS DAEMON [ARGS...]
	local ns=$1 dm=$2 d=$FRR_RUN/$1
	shift 2
	nsx "$ns" "$FRR_BIN/$dm" -d -N "$ns" \
		-f "$d/$dm.conf" -i "$d/$dm.pid" --vty_socket "$d" \
		"$@" >>"$d/start.log" 2>&1
}

# frr_vtysh NS CMD...: vtysh -c CMD... against a namespace's daemons
frr_vtysh() {
	local ns=$1 a=()
	shift
	for c in "$@"; do
		a+=(-c "$c")
	done
	nsx "$ns" vtysh --vty_socket "$FRR_RUN/$ns" "${a[@]}" 2>&1
}

frr_start() {	# BFD_MS [peers-only]
	local ns
	frr_stop
	# gw's routes to Azure come from BGP now (unless FRR only runs beside)
	if [ "${2:-}" != peers-only ]; then
		nsx gw ip route del "$AZ_NET4" 2>/dev/null
		nsx gw ip -6 route del "$AZ_NET6" 2>/dev/null
	fi
	for ns in gw er vpn; do
		_frr_conf "$ns" "$1" "${2:-}"
		mkdir -p "/var/run/frr/$ns"
		: >"$FRR_RUN/$ns/start.log"
		chown -R frr:frr "$FRR_RUN/$ns" "/var/run/frr/$ns"
		_frr_daemon "$ns" zebra ||
			{ log "frr: zebra in $ns: $(tail -n 3 "$FRR_RUN/$ns/start.log")"; return 1; }
	done
	sleep 0.5
	for ns in gw er vpn; do
		_frr_daemon "$ns" bfdd --bfdctl "$FRR_RUN/$ns/bfdd.sock" ||
			{ log "frr: bfdd in $ns: $(tail -n 3 "$FRR_RUN/$ns/start.log")"; return 1; }
		_frr_daemon "$ns" bgpd ||
			{ log "frr: bgpd in $ns: $(tail -n 3 "$FRR_RUN/$ns/start.log")"; return 1; }
	done
	return 0
}

frr_stop() {
	local p
	for p in "$FRR_RUN"/*/*.pid; do
		[ -f "$p" ] || continue
		kill "$(cat "$p")" 2>/dev/null
		rm -f "$p"
	done
	sleep 0.5
}

frr_on_er() {
	nsx gw ip route show "$AZ_NET4" | grep -q ' dev er0'
}

frr_wait_er() {	# SECS
	wait_until "$(($1 * 10))" frr_on_er
}

# frr_bfd_fastest: the smallest interval bfdd accepts for receive-interval
# and transmit-interval (asked of gw's running bfdd); prints it, or nothing
# when bfdd does not answer
frr_bfd_fastest() {
	local ms out
	wait_until 300 _frr_bfdd_answers || return 1
	for ms in 1 2 5 10 20 50 100 300; do
		out=$(frr_vtysh gw 'configure terminal' 'bfd' 'profile probe-min' \
			"receive-interval $ms" "transmit-interval $ms")
		case "$out" in
		*%*|*rror*|*nknown*|*ncomplete*|*ailed*) continue ;;
		esac
		echo "$ms"
		return 0
	done
	return 1
}

_frr_bfdd_answers() {
	frr_vtysh gw 'show bfd peers brief' | grep -q '^Session count'
}
