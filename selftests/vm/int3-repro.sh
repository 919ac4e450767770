#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reproducer for the "Oops: int3" seen once under QEMU TCG (issue 7): does
# toggling the kernel's static keys under traffic crash a stock kernel,
# without ercoexist?  Two namespaces, a UDP and ICMP flood between them,
# while one loop opens and closes sockets with SO_TIMESTAMPNS (the netstamp
# static key, flipped on the first and off after the last such socket) and
# another adds and removes an nftables base chain (the netfilter hook
# keys).  Run in the VM with the keys not held and the module never loaded:
#   selftests/vm/run.sh --kernel 6.12 --no-hold-keys --no-module --no-build \
#       --timeout 400 --exec 'bash selftests/vm/int3-repro.sh 150'
# Result on 2026-12-07 (QEMU 7.2 TCG, -smp 2, Debian 6.12.118+deb12-amd64,
# "Modules linked in: nf_tables ... veth 9p ...", no ercoexist): reproduced
# within 15 s, "Oops: int3" at ip_rcv+0x42, in the middle of the 5-byte NOP
# of the netfilter hook's static branch, then "Fatal exception in
# interrupt".  So it is the emulator's cross-vCPU code patching, not our
# module: selftests/README explains why the guest holds the keys on.
# Prints "int3: reproduced" or "int3: not reproduced in N s" and the count
# of toggles; exits 1 when the kernel log shows an int3 Oops.
set -u
secs=${1:-120}
PY=/usr/bin/python3
grep -q '^ercoexist ' /proc/modules && rmmod ercoexist
ip netns add r1 && ip netns add r2 || exit 2
ip link add v1 netns r1 type veth peer name v2 netns r2
ip -n r1 addr add 10.99.0.1/24 dev v1
ip -n r2 addr add 10.99.0.2/24 dev v2
ip -n r1 link set v1 up; ip -n r2 link set v2 up
ip -n r1 link set lo up; ip -n r2 link set lo up
sleep 1
end=$(($(date +%s) + secs))
# traffic: a UDP stream and a ping flood, both ways
ip netns exec r2 $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.99.0.2", 9))
while True: s.recv(2048)' &
ip netns exec r1 $PY -c "
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = $end
while time.time() < end: s.sendto(b'x' * 64, ('10.99.0.2', 9))" &
ip netns exec r1 ping -f -q -w "$secs" 10.99.0.2 >/dev/null 2>&1 &
# the netstamp key
ip netns exec r2 $PY -c "
import socket, time
n = 0; end = $end
while time.time() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_TIMESTAMPNS, 1)
    s.close(); n += 1
print('netstamp toggles', n)" &
ts=$!
# the netfilter hook keys
n=0
while [ "$(date +%s)" -lt "$end" ]; do
	ip netns exec r2 nft add table inet k 2>/dev/null
	ip netns exec r2 nft add chain inet k c '{ type filter hook prerouting priority 0; }' 2>/dev/null
	ip netns exec r2 nft delete table inet k 2>/dev/null
	n=$((n + 1))
done
wait "$ts"
echo "nft hook toggles $n"
kill %1 2>/dev/null
wait 2>/dev/null
ip netns del r1; ip netns del r2
if dmesg | grep -q 'int3'; then
	dmesg | grep -B2 -A20 'int3' | head -40
	echo "int3: reproduced"
	exit 1
fi
echo "int3: not reproduced in $secs s ($(uname -r))"
