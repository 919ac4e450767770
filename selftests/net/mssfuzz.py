#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
#
# Packets for selftests/net/75-mss-fuzz.sh: crafted TCP SYNs and SYN-ACKs
# sent through the real hooks, then the capture at the far end compared
# with what was sent.  Plain python (no scapy: its import costs seconds
# under TCG, and building 10000 packets with it minutes).
#
#   mssfuzz.py send MANIFEST SET SRC4 DST4 SRC6 DST6 MSS [N SEED] [MARK]
#       build the batch SET (edge, short, random), write MANIFEST (pickle)
#       and send every packet once through a raw socket (IP_HDRINCL /
#       IPPROTO_RAW: the bytes go out as built); MARK: SO_MARK for routing
#   mssfuzz.py check MANIFEST PCAP
#       compare; prints "T 0|1 description" (a test point), "# ..." (diag)
#       and "E clamped=C malformed=M" (what the design says the batch does)
#
# Each packet is identified by its IPv4 ID or IPv6 flow label (unique in a
# batch, kept by every hop and by the tunnel), so fragments without ports
# are found too.  Expectations: a reference walk (walk() below, the rules at
# the top of kmod/core/mss.c and Documentation/design.rst) for the random
# batch; the edge cases carry their own expected verdict (from
# kmod/core/test/test_mss.c) and the walk must agree with each.
import os
import pickle
import random
import socket
import struct
import sys
import time

NOT_SYN, OK, CLAMPED, ABSENT, MALFORMED = 'NOT_SYN', 'OK', 'CLAMPED', 'ABSENT', 'MALFORMED'
S, SA, A = 0x02, 0x12, 0x10


def csum_add(b, s=0):
    if len(b) & 1:
        b = b + b'\0'
    for (w,) in struct.iter_unpack('!H', b):
        s += w
    return s


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def pseudo(fam, src, dst, n):
    if fam == 4:
        return src + dst + struct.pack('!BBH', 0, 6, n)
    return src + dst + struct.pack('!IxxxB', n, 6)


def tcp_csum_ok(fam, src, dst, seg):
    return fold(csum_add(seg, csum_add(pseudo(fam, src, dst, len(seg))))) == 0xffff


def tcp_csum_set(fam, src, dst, seg):
    seg = bytearray(seg)
    seg[16:18] = b'\0\0'
    c = ~fold(csum_add(bytes(seg), csum_add(pseudo(fam, src, dst, len(seg))))) & 0xffff
    seg[16:18] = struct.pack('!H', c)
    return bytes(seg)


def walk(th, mx):
    """The design's verdict for the TCP bytes @th one hook can see (the
    segment as far as this packet carries it) and the MSS offsets."""
    if len(th) < 20:
        return MALFORMED, []	# doff beyond the packet (design.rst)
    if not th[13] & S:
        return NOT_SYN, []
    end = (th[12] >> 4) * 4
    if end < 20:
        return MALFORMED, []
    # the hook: min(len, 60, max(doff * 4, 20))
    avail = min(end, len(th), 60)
    i, mss, at = 20, None, []
    while i < avail:
        k = th[i]
        if k == 0:
            break
        if k == 1:
            i += 1
            continue
        if i + 1 >= avail:
            if avail == end or k == 2:
                return MALFORMED, []
            break
        ol = th[i + 1]
        if ol < 2 or i + ol > end:
            return MALFORMED, []
        if i + ol > avail:
            if k == 2:
                return MALFORMED, []
            break
        if k == 2:
            if ol != 4:
                return MALFORMED, []
            v = th[i + 2] << 8 | th[i + 3]
            if not at:
                mss = v
            elif v != mss:
                return MALFORMED, []
            at.append(i + 2)
        i += ol
    if not at:
        return ABSENT, []
    if mss <= mx:
        return OK, []
    return CLAMPED, at


class Pkt:
    __slots__ = ('key', 'rkey', 'fam', 'name', 'src', 'dst', 'wire', 'l4', 'tcpoff',
                 'seg', 'want', 'exp_l4', 'mss')


def tcp_seg(sport, dport, seq, flags, opts, doff=None, data=b'', win=0xfaf0):
    if doff is None:
        assert len(opts) % 4 == 0, opts
        doff = (20 + len(opts)) // 4
    return struct.pack('!HHIIBBHHH', sport, dport, seq, 0, doff << 4, flags,
                       win, 0, 0) + bytes(opts) + bytes(data)


def ext(nh, kind):
    """An 8-byte IPv6 extension header before @nh: hop-by-hop or
    destination options (a PadN), or an atomic fragment header."""
    if kind == 'frag':
        return struct.pack('!BBHI', nh, 0, 0, 0x5eed)
    return struct.pack('!BBBB4x', nh, 0, 1, 4)


EXT_NUM = {'hbh': 0, 'dst': 60, 'frag': 44}


class Batch:
    def __init__(self, src4, dst4, src6, dst6, mss):
        self.a = {4: (socket.inet_pton(socket.AF_INET, src4), socket.inet_pton(socket.AF_INET, dst4)),
                  6: (socket.inet_pton(socket.AF_INET6, src6), socket.inet_pton(socket.AF_INET6, dst6))}
        self.mx = {4: mss, 6: mss - 20}
        self.key = 0
        self.port = 20000
        self.pkts = []

    def _new(self, fam, name):
        self.key += 1
        p = Pkt()
        p.key, p.fam, p.name = (fam, self.key), fam, name
        p.src, p.dst = self.a[fam]
        p.mss = self.mx[fam]
        p.rkey = (4, self.key, 0) if fam == 4 else (6, self.key)
        return p

    def _ip(self, p, l4, proto, frag=0):
        if p.fam == 4:
            return struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(l4), p.key[1],
                               frag, 64, proto, 0, p.src, p.dst) + l4
        return struct.pack('!IHBB16s16s', 0x60000000 | p.key[1], len(l4), proto,
                           64, p.src, p.dst) + l4

    def _expect(self, p, seglen_here, want=None):
        """Judge p.seg as far as this packet carries it (seglen_here)."""
        v, at = walk(p.seg[:seglen_here], self.mx[p.fam])
        if want is not None and want != v:
            raise SystemExit('edge case %s IPv%d: table says %s, walk says %s'
                             % (p.name, p.fam, want, v))
        p.want, p.exp_l4 = v, None
        if v == CLAMPED:
            seg = bytearray(p.seg)
            for o in at:
                seg[o:o + 2] = struct.pack('!H', self.mx[p.fam])
            seg = tcp_csum_set(p.fam, p.src, p.dst, bytes(seg))
            p.exp_l4 = p.l4[:p.tcpoff] + seg[:seglen_here]

    def add(self, fam, name, flags, opts, doff=None, data=b'', want=None,
            cut=None, exts=()):
        """A segment; cut: send only its first @cut bytes (the IP length
        says so: the packet really ends there); exts: IPv6 headers first."""
        p = self._new(fam, name)
        self.port += 1
        seg = tcp_seg(self.port, 7, 1000 + p.key[1], flags, opts, doff, data)
        p.seg = tcp_csum_set(fam, p.src, p.dst, seg[:cut] if cut is not None else seg)
        sent = p.seg
        hdrs, nh = b'', 6
        for e in reversed(exts):
            hdrs = ext(nh, e) + hdrs
            nh = EXT_NUM[e]
        p.l4, p.tcpoff = hdrs + sent, len(hdrs)
        p.wire = self._ip(p, p.l4, nh)
        self._expect(p, len(sent), want)
        self.pkts.append(p)
        return p

    def add_frags(self, fam, name, flags, opts, data, first, want):
        """The segment in two fragments, the first carrying @first bytes
        of it (a multiple of 8); the second must arrive untouched."""
        p = self._new(fam, name + ' (first fragment)')
        self.port += 1
        seg = tcp_csum_set(fam, p.src, p.dst,
                           tcp_seg(self.port, 7, 1000 + p.key[1], flags, opts, None, data))
        q = self._new(fam, name + ' (second fragment)')
        for x, part, off, more in ((p, seg[:first], 0, 1), (q, seg[first:], first, 0)):
            x.seg = seg
            if fam == 4:
                x.l4, x.tcpoff = part, 0 if off == 0 else None
                # the pair shares the first one's ID
                x.wire = bytearray(self._ip(x, part, 6, (off // 8) | (more << 13)))
                x.wire[4:6] = struct.pack('!H', p.key[1])
                x.wire = bytes(x.wire)
                x.rkey = (4, p.key[1], off)
            else:
                fh = struct.pack('!BBHI', 6, 0, off | more, p.key[1])
                x.l4, x.tcpoff = fh + part, 8 if off == 0 else None
                x.wire = self._ip(x, x.l4, 44)
        self._expect(p, first, want)
        q.want, q.exp_l4 = 'UNTOUCHED', None
        self.pkts += [p, q]
        return p, q

    def add_nonfirst(self, fam, name, opts):
        """A non-first fragment whose bytes look like a SYN with MSS 1460:
        never rewritten, never counted."""
        p = self._new(fam, name)
        self.port += 1
        part = tcp_seg(self.port, 7, 1, S, opts)
        p.seg = part
        if fam == 4:
            p.l4, p.tcpoff = part, None
            p.wire = self._ip(p, part, 6, 3)	# offset 24, last
            p.rkey = (4, p.key[1], 24)
        else:
            p.l4, p.tcpoff = struct.pack('!BBHI', 6, 0, 24, p.key[1]) + part, None
            p.wire = self._ip(p, p.l4, 44)
        p.want, p.exp_l4 = 'UNTOUCHED', None
        self.pkts.append(p)


MSS1460 = [2, 4, 0x05, 0xb4]

# (name, options, doff, data, flags variants, verdict, cut): the cases of
# kmod/core/test/test_mss.c that a real packet can carry
EDGE = [
    ('no MSS option', [1, 1, 4, 2], None, b'', ABSENT, None),
    ('MSS first', MSS1460, None, b'', CLAMPED, None),
    ('MSS after one NOP (odd offset)', [1] + MSS1460 + [1, 1, 1], None, b'', CLAMPED, None),
    ('MSS after three NOPs (odd offset)', [1, 1, 1] + MSS1460 + [1], None, b'', CLAMPED, None),
    ('MSS 9000 after two NOPs', [1, 1, 2, 4, 0x23, 0x28, 1, 1], None, b'', CLAMPED, None),
    ('MSS last', [1, 1, 1, 1, 4, 2, 1, 1] + MSS1460, None, b'', CLAMPED, None),
    ('doff 15, MSS 65535 last', [8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 4, 2, 3, 3, 7] + [1] * 21 +
     [2, 4, 0xff, 0xff], None, b'', CLAMPED, None),
    ('SYN with 101 bytes of data (odd MSS offset)', [3, 3, 7] + MSS1460 + [1], None,
     bytes(range(101)), CLAMPED, None),
    ('two MSS options, equal: both clamped', MSS1460 + [1] + MSS1460 + [1, 1, 1], None, b'',
     CLAMPED, None),
    ('two MSS options, different', MSS1460 + [2, 4, 0x05, 0xb0], None, b'', MALFORMED, None),
    ('EOL before MSS', [1, 0] + MSS1460 + [0, 0], None, b'', ABSENT, None),
    ('EOL before garbage', [0, 30, 0, 2], None, b'', ABSENT, None),
    ('option length 0', [3, 0] + MSS1460 + [1, 1], None, b'', MALFORMED, None),
    ('option length 1', [30, 1] + MSS1460 + [1, 1], None, b'', MALFORMED, None),
    ('option past the header', MSS1460 + [30, 8, 0, 0], None, b'\0' * 4, MALFORMED, None),
    ('MSS option running into the data', [1, 1, 2, 4], None, b'\x05\xb4', MALFORMED, None),
    ('a kind as the last option byte', MSS1460 + [1, 1, 1, 3], None, b'\0' * 4, MALFORMED, None),
    ('MSS kind as the last option byte', [1, 1, 1, 2], None, b'\0' * 4, MALFORMED, None),
    ('MSS length 3', [2, 3, 0x05, 1], None, b'', MALFORMED, None),
    ('MSS length 6', [2, 6, 0x05, 0xb4, 0, 0, 1, 1], None, b'', MALFORMED, None),
    ('doff 4', MSS1460, 4, b'', MALFORMED, None),
    ('doff 0', MSS1460, 0, b'', MALFORMED, None),
    ('doff 15 on a 24-byte segment (doff past the packet)', MSS1460, 15, b'', CLAMPED, None),
    ('doff past the packet, MSS cut by its end', [1, 1] + MSS1460 + [1, 1], None, b'',
     MALFORMED, 25),
    ('doff past the packet, MSS kind its last byte', [1, 1, 1] + MSS1460 + [1], None, b'',
     MALFORMED, 24),
    ('doff past the packet, another option cut: walk ends',
     [8, 10, 1, 2, 3, 4, 5, 6, 7, 8] + MSS1460 + [1, 1], None, b'', ABSENT, 26),
    ('MSS 1200 below the clamp', [2, 4, 0x04, 0xb0], None, b'', OK, None),
    ('MSS 0 never raised', [2, 4, 0, 0], None, b'', OK, None),
]


def edge(b):
    for fam in (4, 6):
        for flags in (S, SA):
            for name, opts, doff, data, want, cut in EDGE:
                b.add(fam, name, flags, opts, doff, data, want, cut)
            b.add(fam, 'ACK without SYN', A, MSS1460, want=NOT_SYN)
            b.add(fam, 'RST-ACK without SYN', 0x14, MSS1460, want=NOT_SYN)
    for fam in (4, 6):
        b.add_frags(fam, 'fragmented SYN, MSS in the first', S, MSS1460 + [1, 1, 1, 1],
                    bytes(range(40)), 40, CLAMPED)
        b.add_frags(fam, 'fragmented SYN-ACK, odd MSS in the first', SA,
                    [1] + MSS1460 + [1, 1, 1], bytes(range(17)), 32, CLAMPED)
        b.add_frags(fam, 'fragmented SYN, MSS cut by the first fragment', S,
                    [1, 1] + MSS1460 + [1, 1], bytes(8), 24, MALFORMED)
        b.add_nonfirst(fam, 'non-first fragment that looks like a SYN', MSS1460)
    # IPv6 extension headers before TCP (the atomic fragment header has
    # offset 0: the hook reads TCP behind it)
    for exts in (('hbh',), ('dst',), ('frag',), ('hbh', 'dst', 'frag')):
        for name, opts in (('MSS first', MSS1460), ('odd MSS', [1] + MSS1460 + [1, 1, 1])):
            b.add(6, '%s behind %s' % (name, '+'.join(exts)), S, opts, want=CLAMPED,
                  exts=exts)
        b.add(6, 'option length 0 behind %s' % '+'.join(exts), SA,
              [3, 0] + MSS1460 + [1, 1], want=MALFORMED, exts=exts)


def short(b):
    """A SYN whose packet ends inside the fixed TCP header: the design's
    'doff beyond the packet'."""
    for fam in (4, 6):
        b.add(fam, 'TCP header cut at 16 bytes (SYN flag visible)', S, MSS1460,
              want=MALFORMED, cut=16)
        b.add_frags(fam, 'fragmented SYN, first fragment 16 bytes of TCP', S,
                    MSS1460 + [1, 1, 1, 1], b'', 16, MALFORMED)


def rand_opts(r, mx):
    """Random option bytes: a third pure noise, the rest a plausible layout
    (NOPs, timestamps, SACK-permitted, window scale, unknown kinds, zero to
    two MSS options) that then gets a byte or two changed a quarter of the
    time.  Returns (options, doff or None)."""
    if r.random() < 1 / 3:
        n = r.randrange(0, 41)
        o = bytes(r.randrange(256) for _ in range(n))
        o += b'\1' * (-n % 4)
        return o[:40], None
    o = bytearray()
    nmss = r.choice((0, 1, 1, 1, 1, 2))
    mss = r.choice((r.randrange(65536), r.randrange(1000, 9001), 1460, mx, mx + 1))
    put = 0
    while len(o) < 36:
        if put < nmss and r.random() < 0.3:
            v = mss if r.random() < 0.8 else r.randrange(65536)
            o += bytes([2, 4, v >> 8, v & 0xff])
            put += 1
            continue
        k = r.randrange(7)
        if k < 3:
            o.append(1)
            continue
        if r.random() < 0.25:
            break
        kind, ln = ((3, 3), (4, 2), (8, 10), (r.randrange(9, 255), 2 + r.randrange(5)))[k - 3]
        if len(o) + ln > 36:
            break
        o += bytes([kind, ln]) + bytes(r.randrange(256) for _ in range(ln - 2))
    if r.random() < 0.1:
        o.append(0)
    o += b'\1' * (-len(o) % 4)
    if r.random() < 0.25:
        for _ in range(r.randrange(1, 3)):
            if o:
                o[r.randrange(len(o))] = r.randrange(256)
    return bytes(o), None


def rand_batch(b, n, seed):
    r = random.Random(seed)
    for i in range(n):
        fam = r.choice((4, 6))
        opts, doff = rand_opts(r, b.mx[fam])
        if r.random() < 0.1:
            doff = r.randrange(16)
        # SYN, SYN-ACK, SYN-PSH, SYN-FIN-URG, and a few without SYN
        flags = r.choice((S, SA, S, SA, S | 0x08, S | 0x21, A))
        data = bytes(r.randrange(256) for _ in range(r.choice((0, 0, 0, r.randrange(1, 17)))))
        cut = None
        if r.random() < 0.05:	# the packet ends before doff says
            cut = r.randrange(20, 20 + len(opts) + len(data) + 1)
        b.add(fam, 'random #%d' % i, flags, opts, doff, data, cut=cut)


def send(argv):
    man, which, src4, dst4, src6, dst6, mss = argv[:7]
    n = int(argv[7]) if len(argv) > 7 else 0
    seed = int(argv[8]) if len(argv) > 8 else 0
    mark = int(argv[9]) if len(argv) > 9 else 0
    b = Batch(src4, dst4, src6, dst6, int(mss))
    {'edge': edge, 'short': short}.get(which, lambda b: rand_batch(b, n, seed))(b)
    with open(man, 'wb') as f:
        pickle.dump(b.pkts, f)
    s4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for s in (s4, s6):
        if mark:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s4.setsockopt(socket.SOL_IP, 22, 1)	# IP_NODEFRAG: fragments go out as built
    errs = {}
    for i, p in enumerate(b.pkts):
        try:
            if p.fam == 4:
                s4.sendto(p.wire, (dst4, 0))
            else:
                s6.sendto(p.wire, (dst6, 0))
        except OSError as e:	# the checker reports the packet lost
            errs[e.strerror] = errs.get(e.strerror, 0) + 1
        if i % 64 == 63:	# let the softirqs along the path keep up
            time.sleep(0.002)
    print('# sent %d packets (%s)%s' % (len(b.pkts), which, ''.join(
        ', sendto failed %d times: %s' % (v, k) for k, v in errs.items())))


def read_pcap(path):
    with open(path, 'rb') as f:
        d = f.read()
    magic = struct.unpack('<I', d[:4])[0]
    e = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
    link = struct.unpack(e + 'I', d[20:24])[0]
    i, out = 24, []
    while i + 16 <= len(d):
        _, _, inc, _ = struct.unpack(e + 'IIII', d[i:i + 16])
        fr = d[i + 16:i + 16 + inc]
        i += 16 + inc
        if link == 1:
            et, fr = struct.unpack('!H', fr[12:14])[0], fr[14:]
        elif link == 113:
            et, fr = struct.unpack('!H', fr[14:16])[0], fr[16:]
        else:
            raise SystemExit('pcap link type %d' % link)
        if et == 0x0800 and len(fr) >= 20 and fr[9] in (6,):
            hl = (fr[0] & 15) * 4
            tl = struct.unpack('!H', fr[2:4])[0]
            off = (struct.unpack('!H', fr[6:8])[0] & 0x1fff) * 8
            out.append(((4, struct.unpack('!H', fr[4:6])[0], off), fr[12:16], fr[16:20],
                        fr[hl:tl]))
        elif et == 0x86dd and len(fr) >= 40 and fr[6] in (6, 0, 44, 60):
            pl = struct.unpack('!H', fr[4:6])[0]
            fl = struct.unpack('!I', fr[:4])[0] & 0xfffff
            out.append(((6, fl), fr[8:24], fr[24:40], fr[40:40 + pl]))
    return out


def check(argv):
    man, pcap = argv[:2]
    with open(man, 'rb') as f:
        pkts = pickle.load(f)
    got = {}
    for key, src, dst, l4 in read_pcap(pcap):
        got.setdefault((key, src, dst), []).append(l4)
    res = {}	# name -> [problems]
    lost = dup = 0
    n = {CLAMPED: 0, MALFORMED: 0}
    nclamp_ok = nsame_ok = 0
    bad = []
    for p in pkts:
        pr = res.setdefault(p.name, [])
        if p.want in n:
            n[p.want] += 1
        rx = got.get((p.rkey, p.src, p.dst), [])
        if not rx:
            lost += 1
            pr.append('IPv%d key %d lost' % p.key)
            continue
        if len(rx) > 1:
            dup += 1
            pr.append('IPv%d key %d arrived %d times' % (p.key + (len(rx),)))
        l4 = rx[0]
        if p.want == CLAMPED:
            seg = l4[p.tcpoff:] + p.seg[len(l4) - p.tcpoff:]
            o = p.exp_l4
            if l4 != o:
                m = ''.join(' %d:%02x/%02x' % (j, l4[j], o[j]) for j in range(min(len(l4), len(o)))
                            if l4[j] != o[j])
                pr.append('IPv%d key %d not as clamped to %d (offset:got/want%s; len %d/%d)'
                          % (p.key + (p.mss, m[:200], len(l4), len(o))))
            elif not tcp_csum_ok(p.fam, p.src, p.dst, seg):
                pr.append('IPv%d key %d clamped but the checksum is wrong' % p.key)
            else:
                nclamp_ok += 1
        else:
            if l4 != p.l4:
                m = ''.join(' %d:%02x/%02x' % (j, l4[j], p.l4[j])
                            for j in range(min(len(l4), len(p.l4))) if l4[j] != p.l4[j])
                pr.append('IPv%d key %d (%s) changed (offset:got/sent%s; len %d/%d)'
                          % (p.key + (p.want, m[:200], len(l4), len(p.l4))))
            else:
                nsame_ok += 1
        if pr:
            bad.append(p)
    random_run = pkts and pkts[0].name.startswith('random')
    mx = {p.fam: p.mss for p in pkts}
    if random_run:
        want_c = sum(1 for p in pkts if p.want == CLAMPED)
        print('T %d %d random packets all arrived, once (lost %d, duplicated %d)'
              % (int(lost + dup > 0), len(pkts), lost, dup))
        print('T %d the %d the walk clamps arrived with MSS exactly %d (IPv4) / %d (IPv6) '
              'and a valid TCP checksum (%d did)'
              % (int(nclamp_ok != want_c), want_c, mx[4], mx[6], nclamp_ok))
        print('T %d the other %d arrived byte-identical (%d did)'
              % (int(nsame_ok != len(pkts) - want_c), len(pkts) - want_c, nsame_ok))
        for p in bad[:10]:
            print('# %s: %s' % (p.name, '; '.join(res[p.name])))
        kinds = {}
        for p in pkts:
            kinds[p.want] = kinds.get(p.want, 0) + 1
        print('# the walk: %s' % ', '.join('%s %d' % kv for kv in sorted(kinds.items())))
    else:
        for name, pr in res.items():
            vs = sorted({p.want for p in pkts if p.name == name})
            nn = sum(1 for p in pkts if p.name == name)
            desc = '%s: %d packet(s), %s' % (name, nn, '/'.join(
                'arrived clamped with a valid checksum' if v == CLAMPED else
                'arrived byte-identical (%s)' % v for v in vs))
            print('T %d %s' % (int(bool(pr)), desc))
            for x in pr[:4]:
                print('#   %s' % x)
    print('E clamped=%d malformed=%d' % (n[CLAMPED], n[MALFORMED]))


if __name__ == '__main__':
    if sys.argv[1] == 'send':
        send(sys.argv[2:])
    elif sys.argv[1] == 'check':
        check(sys.argv[2:])
    else:
        raise SystemExit(__doc__)
