#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpora: for fuzz_mss, crafted SYNs (MSS at every offset, odd
layouts) and random byte strings; for fuzz_lpm (second directory, if
given), crafted prefix sets with lookups.  Input formats: see fuzz_mss.c
and fuzz_lpm.c.

    mkcorpus.py MSS_DIR [LPM_DIR]"""
import os
import random
import struct
import sys

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
r = random.Random(20261122)


def seg(opts, flags=0x02, payload=b""):
    while len(opts) % 4:
        opts += b"\x01"
    doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", 12345, 443, r.getrandbits(32), 0,
                      doff << 4, flags, 64240, r.getrandbits(16), 0)
    return hdr + opts + payload


def put(name, data, mx=1250, upd=1, see=0):
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("!HBB", mx, upd, see) + data)


mss = b"\x02\x04\x05\xb4"
for nops in range(0, 37):
    put("nop%02d" % nops, seg(b"\x01" * nops + mss))
put("two-mss", seg(mss + b"\x01" + mss))
put("eol", seg(b"\x00" + mss))
put("synack", seg(mss, flags=0x12))
put("data", seg(mss, payload=bytes(range(101))))
put("cut", seg(b"\x01\x01" + mss), see=25)
put("nocsum", seg(b"\x01" + mss), upd=0)
# arrive with a correct checksum: the clamped one is checked from scratch
for nops in (0, 1, 3, 4, 7):
    put("csum-nop%d" % nops, seg(b"\x01" * nops + mss), upd=3)
put("csum-data", seg(b"\x01" + mss, payload=bytes(range(33))), upd=3)
for i in range(300):
    b = bytes(r.randrange(256) for _ in range(r.randrange(72)))
    put("rand%03d" % i, b, mx=r.randrange(65536), upd=r.randrange(2),
        see=r.randrange(3) and 0 or r.randrange(80))


# ---- fuzz_lpm
if len(sys.argv) > 2:
    lout = sys.argv[2]
    os.makedirs(lout, exist_ok=True)

    def pfx(fam, via, plen, addr, raw=False, hostbits=False):
        f = (1 if fam == 6 else 0) | via << 1 | (8 if raw else 0) | \
            (16 if hostbits else 0)
        width = 4 if fam == 4 else 16
        return bytes([f, plen]) + addr.ljust(width, b"\0")[:width]

    def q(fam, addr):
        return bytes([1 if fam == 6 else 0]) + \
            addr.ljust(4 if fam == 4 else 16, b"\0")

    def lput(name, prefixes, queries):
        with open(os.path.join(lout, name), "wb") as f:
            f.write(bytes([len(prefixes)]) + b"".join(prefixes) +
                    b"".join(queries))

    az = bytes([10, 17, 0, 0])
    lput("nested4", [pfx(4, 3, 16, az), pfx(4, 2, 24, bytes([10, 17, 200])),
                     pfx(4, 1, 24, bytes([10, 17, 1]))],
         [q(4, bytes([10, 17, 1, 10])), q(4, bytes([10, 17, 200, 10])),
          q(4, bytes([10, 17, 2, 1])), q(4, bytes([10, 18, 0, 1]))])
    v6 = bytes.fromhex("fd170000")
    lput("nested6", [pfx(6, 3, 32, v6), pfx(6, 2, 64, v6 + b"\0\0\x02")],
         [q(6, v6 + b"\0\0\x02\0" + b"\x01" * 8), q(6, v6)])
    lput("default4", [pfx(4, 2, 0, b""), pfx(4, 1, 8, bytes([10]))],
         [q(4, bytes([10, 1, 2, 3])), q(4, bytes([192, 0, 2, 1]))])
    lput("host32", [pfx(4, 1, 32, bytes([10, 0, 0, 1]))],
         [q(4, bytes([10, 0, 0, 1])), q(4, bytes([10, 0, 0, 2]))])
    lput("host128", [pfx(6, 2, 128, b"\xfd" + b"\x01" * 15)],
         [q(6, b"\xfd" + b"\x01" * 15)])
    lput("dup", [pfx(4, 1, 16, az), pfx(4, 2, 16, az)], [q(4, az)])
    lput("via0", [pfx(4, 0, 16, az)], [])
    lput("hostbits", [pfx(4, 1, 16, bytes([10, 17, 0, 1]), hostbits=True)],
         [])
    lput("plen33", [pfx(4, 1, 33, az, raw=True)], [])
    lput("plen129", [pfx(6, 1, 129, v6, raw=True)], [])
    lput("empty", [], [q(4, az), q(6, v6)])
    for i in range(40):
        n = r.randrange(1, 64)
        ps = []
        for _ in range(n):
            fam = r.choice((4, 6))
            width = 4 if fam == 4 else 16
            ps.append(pfx(fam, r.randrange(1, 4),
                          r.randrange(0, 8 * width + 1),
                          bytes(r.randrange(256) for _ in range(width))))
        qs = [q(r.choice((4, 6)), bytes(r.randrange(256) for _ in range(16)))
              for _ in range(r.randrange(1, 20))]
        lput("rand%02d" % i, ps, qs)
