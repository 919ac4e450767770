#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A paced TCP stream for the failover tests.

  tcpstream.py recv PORT LOG       accept one connection on [::]:PORT; every
                                   20 ms append "TIME BYTES" (CLOCK_REALTIME,
                                   total received) to LOG; exit on EOF
  tcpstream.py send HOST PORT SECS [BYTES]
                                   send 8 KiB (BYTES) every 10 ms, SECS * 100
                                   times;
                                   print the MSS of the connection (TCP_MAXSEG),
                                   then "streaming" once the first second's
                                   100 are sent; SIGTERM ends the stream
                                   early (a clean close); last, print
                                   "sent BYTES"
  tcpstream.py gap LOG T0 [T1]     from a recv LOG: bytes received in the
                                   second after T0, the first time after T0
                                   when data arrived, and the longest time
                                   without data in [T0, T1]
"""

import signal
import socket
import sys
import time


def recv(port, log):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(('::', port))
    srv.listen(1)
    conn, _ = srv.accept()
    conn.settimeout(0.02)
    total = 0
    with open(log, 'w', buffering=1) as f:
        while True:
            try:
                b = conn.recv(65536)
                if not b:
                    break
                total += len(b)
            except socket.timeout:
                pass
            f.write('%.6f %d\n' % (time.time(), total))
    conn.close()


def send(host, port, secs, size=8192):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.create_connection((host, port), timeout=30)
    print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG), flush=True)
    chunk = b'x' * size
    nxt = time.monotonic()
    sent = 0
    for i in range(int(secs * 100)):
        if stop:
            break
        s.sendall(chunk)
        sent += len(chunk)
        if i == 99:
            print('streaming', flush=True)
        nxt += 0.01
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
    s.shutdown(socket.SHUT_WR)
    s.close()
    print('sent %d' % sent, flush=True)


def gap(log, t0, t1):
    rows = []
    with open(log) as f:
        for line in f:
            t, b = line.split()
            rows.append((float(t), int(b)))
    at0 = max([b for t, b in rows if t <= t0] or [0])
    at1s = max([b for t, b in rows if t <= t0 + 1.0] or [0])
    first = next((t for t, b in rows if t > t0 and b > at0), None)
    # longest interval without new data inside [t0, t1]
    last_t, last_b, longest = t0, at0, 0.0
    for t, b in rows:
        if t <= t0 or t > t1:
            continue
        if b > last_b:
            longest = max(longest, t - last_t)
            last_t, last_b = t, b
    longest = max(longest, min(t1, rows[-1][0] if rows else t1) - last_t)
    print('%d %s %.3f' % (at1s - at0,
                          '%.3f' % (first - t0) if first else 'none',
                          longest))


def main():
    a = sys.argv[1:]
    if a[:1] == ['recv'] and len(a) == 3:
        recv(int(a[1]), a[2])
    elif a[:1] == ['send'] and len(a) in (4, 5):
        send(a[1], int(a[2]), float(a[3]), *[int(x) for x in a[4:]])
    elif a[:1] == ['gap'] and len(a) in (3, 4):
        gap(a[1], float(a[2]), float(a[3]) if len(a) == 4 else 1e18)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
