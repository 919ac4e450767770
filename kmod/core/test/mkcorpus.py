#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Seed corpus for fuzz_mss: crafted SYNs (MSS at every offset, odd layouts)
and random byte strings.  Input format: see fuzz_mss.c."""
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
for i in range(300):
    b = bytes(r.randrange(256) for _ in range(r.randrange(72)))
    put("rand%03d" % i, b, mx=r.randrange(65536), upd=r.randrange(2),
        see=r.randrange(3) and 0 or r.randrange(80))
