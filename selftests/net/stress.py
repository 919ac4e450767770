#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of the stress suite (selftests/net/95-stress.sh).

  stress.py policies BASE A B N
        write A and B: the config BASE plus N prefixes each, A IPv4 /26s in
        10.128.0.0/9 with MSS 1250, B IPv6 /48s in fd5b::/16 with MSS 1240
  stress.py reader CTL NETNS A B STOP OUT
        `CTL -n NETNS -j status` in a loop until the file STOP exists; one
        JSON line per read to OUT: times, exit status, generation, MSS,
        prefix_count, how many prefixes, and which policy (A, B or "mix")
        the prefix list and the MSS each are
  stress.py judge READS LOADS
        every read against the loads (LOADS: "GEN POLICY T_START T_END" per
        line, the first one the policy in force before the loop): prints
        "# " diagnostics and one summary line "READS BAD A_READS B_READS";
        exit status 0 when every read is one whole policy, the one of its
        generation, a generation in force at some time during the read, and
        the generations never go back
  stress.py flap IFNAME RATE COUNT
        COUNT administrative up/down changes of IFNAME (this namespace), one
        every 1/RATE s, down first, through rtnetlink in one process; prints
        "CHANGES SECONDS ERRORS"
  stress.py dumpd UAPI_HEADER
        reads commands on stdin, answers one line each on stdout:
          start NETNS   open a generic netlink socket in NETNS (setns), ask
                        for the PREFIX_GET dump, read its first datagram:
                        "started NETNS MESSAGES"
          finish NETNS  read the rest: "done NETNS MESSAGES GENERATIONS INTR
                        ERRNO" (GENERATIONS: the distinct ones, comma
                        separated)
          abandon NETNS close the socket mid-dump: "closed NETNS"
          count NETNS   a whole dump in NETNS: "count NETNS MESSAGES ERRNO"
          setup NETNS   in NETNS (through rtnetlink, no process per
                        namespace): lo up, dummies d-er (192.0.2.2/30) and
                        d-vpn (169.254.21.2/30), up, and a veth w0 whose
                        peer is NETNS in this process's namespace (it
                        goes when NETNS is dismantled): "ready NETNS"
  stress.py events FILE
        `monitor -j` output: "FAILOVERS FAILBACKS OTHER", the active-path
        events away from ER, back to it, and others (policy changes aside)
  stress.py transitions MARK
        `status -j` on stdin: "COMPLETE CHAIN FAILOVERS FAILBACKS LAST" over
        the transitions after time_ns MARK: COMPLETE 1 when MARK's entry
        is still in the log (nothing newer was pushed out), CHAIN 1 when
        each entry starts where the one before ended, LAST "PATH/REASON"
  stress.py classify A B FILE
        one `status -j` output (FILE) against the policies A and B: prints
        "GENERATION PREFIXES_OF MSS_OF PREFIX_COUNT LISTED"
"""

import ctypes
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

NETLINK_GENERIC = 16
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10
CLONE_NEWNET = 0x40000000


# ------------------------------------------------------------ policies

def policies(base, fa, fb, n):
    text = open(base).read()
    if "MSS = 1250" not in text:
        sys.exit("stress.py: %s has no 'MSS = 1250' line" % base)
    with open(fa, "w") as f:
        f.write(text)
        for i in range(n):
            f.write("Prefix = 10.%d.%d.%d/26 er vpn\n"
                    % (128 + i // 1024, (i // 4) % 256, (i % 4) * 64))
    with open(fb, "w") as f:
        f.write(text.replace("MSS = 1250", "MSS = 1240"))
        for i in range(n):
            f.write("Prefix = fd5b:%x:%x::/48 er vpn\n"
                    % (i // 65536, i % 65536))


# ------------------------------------------------------------ status reads

def conf_kinds(path):
    """(A-kind /26 prefixes, B-kind fd5b: prefixes, others, MSS) of a config"""
    a = b = other = 0
    mss = None
    for line in open(path):
        m = re.match(r"\s*Prefix\s*=\s*(\S+)", line, re.I)
        if m:
            p = m.group(1)
            if p.endswith("/26"):
                a += 1
            elif p.startswith("fd5b:"):
                b += 1
            else:
                other += 1
        m = re.match(r"\s*MSS\s*=\s*(\d+)", line, re.I)
        if m:
            mss = int(m.group(1))
    return a, b, other, mss


def classify_status(doc, ka, kb):
    """
    Which policy one `status -j` shows, by its parts: the generation, the
    MSS and prefix_count of STATUS_GET, and the prefixes listed.  A lists
    only IPv4 /26s besides the topology's prefixes, B only fd5b: /48s, so
    counting them (in C, bytes.count: parsing 6 MB of JSON takes seconds
    on the debug kernel) tells a list of A from one of B or from a mix.
    """
    def field(pat):
        m = re.search(pat, doc)
        if not m:
            raise ValueError("no %s in the output" % pat.decode())
        return int(m.group(1))

    gen = field(rb'"generation"\s*:\s*(\d+)')
    mss = field(rb'"mss"\s*:\s*\{\s*"value"\s*:\s*(\d+)')
    count = field(rb'"prefix_count"\s*:\s*(\d+)')
    n = len(re.findall(rb'"prefix"\s*:', doc))
    a, b = doc.count(b'/26"'), doc.count(b'"fd5b:')
    other = n - a - b

    def kind(k):
        return (a, b, other) == k[:3]

    return dict(gen=gen, mss=mss, count=count, n=n,
                set="A" if kind(ka) else "B" if kind(kb) else "mix",
                mss_of="A" if mss == ka[3] else "B" if mss == kb[3] else "?")


def reader(ctl, ns, fa, fb, stop, out):
    ka, kb = conf_kinds(fa), conf_kinds(fb)
    with open(out, "w", buffering=1) as f:
        while not os.path.exists(stop):
            t0 = time.time()
            p = subprocess.run([ctl, "-n", ns, "-j", "status"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            t1 = time.time()
            r = {"t0": t0, "t1": t1, "rc": p.returncode}
            try:
                r.update(classify_status(p.stdout, ka, kb))
            except (ValueError, KeyError, TypeError) as e:
                r["error"] = "%s: %s; stderr %s" % (
                    type(e).__name__, e, p.stderr[:200])
            f.write(json.dumps(r) + "\n")


def classify(fa, fb, path):
    try:
        r = classify_status(open(path, "rb").read(), conf_kinds(fa), conf_kinds(fb))
    except (ValueError, KeyError, TypeError) as e:
        print("error %s: %s" % (type(e).__name__, e))
        return 1
    print("%d %s %s %d %d" % (r["gen"], r["set"], r["mss_of"], r["count"], r["n"]))
    return 0


def judge(reads, loads):
    gens = []	# (gen, policy, start, end), in order
    for line in open(loads):
        g, pol, s, e = line.split()
        gens.append((int(g), pol, float(s), float(e)))
    by_gen = {g[0]: (i, g) for i, g in enumerate(gens)}
    bad, count, last = 0, {"A": 0, "B": 0}, None
    rows = [json.loads(x) for x in open(reads) if x.strip()]
    for k, r in enumerate(rows):
        why = []
        if r.get("rc") != 0 or "error" in r:
            why.append("status failed (rc %s, %s)" % (r.get("rc"), r.get("error")))
        else:
            g = r["gen"]
            if g not in by_gen:
                why.append("generation %d was never loaded" % g)
            else:
                i, (_, pol, s, _) = by_gen[g]
                # in force from its load's start to the next load's end
                until = gens[i + 1][3] if i + 1 < len(gens) else float("inf")
                if not (s <= r["t1"] and r["t0"] <= until):
                    why.append("generation %d was not in force during the read" % g)
                if r["set"] != pol or r["mss_of"] != pol:
                    why.append("generation %d is policy %s but the prefixes are %s and the MSS %s's"
                               % (g, pol, r["set"], r["mss_of"]))
                if r["count"] != r["n"]:
                    why.append("prefix_count %d, %d prefixes listed" % (r["count"], r["n"]))
                if last is not None and g < last:
                    why.append("generation went back from %d to %d" % (last, g))
                last = g
                if not why:
                    count[pol] += 1
        if why:
            bad += 1
            if bad <= 10:
                print("# read %d (%.3f-%.3f): %s" % (k + 1, r["t0"], r["t1"], "; ".join(why)))
    print("%d %d %d %d" % (len(rows), bad, count["A"], count["B"]))
    return 0 if rows and not bad else 1


def events(path):
    fo = fb = other = 0
    for line in open(path):
        e = json.loads(line)
        if e.get("event") != "active-path" or e.get("reason") == "policy":
            continue
        if e["from"] == "er":
            fo += 1
        elif e["to"] == "er":
            fb += 1
        else:
            other += 1
    print(fo, fb, other)


def transitions(mark):
    t = json.load(sys.stdin)["transitions"]
    new = [x for x in t if x["time_ns"] > mark]
    complete = len(new) < len(t)
    chain = all(a["to"] == b["from"] for a, b in zip(t, t[1:]))
    fo = sum(1 for x in new if x["from"] == "er" and x["reason"] != "policy")
    fb = sum(1 for x in new if x["to"] == "er" and x["from"] != "er"
             and x["reason"] != "policy")
    last = "%s/%s" % (t[-1]["to"], t[-1]["reason"]) if t else "none"
    print(int(complete), int(chain), fo, fb, last)


# ------------------------------------------------------------ carrier flaps

def flap(ifname, rate, count):
    RTM_NEWLINK, IFF_UP = 16, 1
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    sk.bind((0, 0))
    idx = socket.if_nametoindex(ifname)
    period = 1.0 / rate
    errors = 0
    t0 = time.monotonic()
    for k in range(count):
        due = t0 + k * period
        d = due - time.monotonic()
        if d > 0:
            time.sleep(d)
        up = k % 2 == 1
        ifi = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, idx,
                          IFF_UP if up else 0, IFF_UP)
        sk.send(struct.pack("=IHHII", 16 + len(ifi), RTM_NEWLINK,
                            NLM_F_REQUEST | NLM_F_ACK, k + 1, 0) + ifi)
        msg = sk.recv(4096)
        _, ty = struct.unpack_from("=IH", msg)
        if ty == NLMSG_ERROR and struct.unpack_from("=i", msg, 16)[0]:
            errors += 1
    print("%d %.3f %d" % (count, time.monotonic() - t0, errors))
    return 0 if not errors else 1


# ------------------------------------------------------------ dumps

def uapi_enum(hdr, name):
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


def nl_attrs(buf):
    out, off = {}, 0
    while off + 4 <= len(buf):
        ln, ty = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            break
        out[ty & 0x3FFF] = buf[off + 4:off + ln]
        off += (ln + 3) & ~3
    return out


class Dumper:
    def __init__(self, hdr):
        h = open(hdr).read()
        self.cmd = uapi_enum(h, "ercx_cmd")["ERCX_CMD_PREFIX_GET"]
        self.a_gen = uapi_enum(h, "ercx_attr")["ERCX_A_GENERATION"]
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.home = os.open("/proc/self/ns/net", os.O_RDONLY)
        self.family = None	# resolved on the first dump
        self.socks = {}

    def sock_in(self, ns):
        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        try:
            if self.libc.setns(fd, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + ns)
            sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        finally:
            self.libc.setns(self.home, CLONE_NEWNET)
            os.close(fd)
        sk.bind((0, 0))
        sk.settimeout(60)	# an answer that never comes fails, not hangs
        return sk

    def rtnl(self, sk, ty, flags, body):
        sk.send(struct.pack("=IHHII", 16 + len(body), ty,
                            NLM_F_REQUEST | NLM_F_ACK | flags, 1, 0) + body)
        msg = sk.recv(65536)
        _, t = struct.unpack_from("=IH", msg)
        err = -struct.unpack_from("=i", msg, 16)[0] if t == NLMSG_ERROR else 0
        if err:
            raise OSError(err, "rtnetlink %d" % ty)

    def setup(self, ns):
        """lo up, two dummies up with an address each, inside ns"""
        RTM_NEWLINK, RTM_NEWADDR, IFF_UP = 16, 20, 1
        NLM_F_CREATE_EXCL = 0x400 | 0x200

        def nla(ty, data):
            a = struct.pack("=HH", 4 + len(data), ty) + data
            return a + b"\0" * (-len(a) % 4)

        fd = os.open("/run/netns/" + ns, os.O_RDONLY)
        try:
            if self.libc.setns(fd, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + ns)
            sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
            sk.bind((0, 0))
            sk.settimeout(60)
            up = struct.pack("=BxHiII", 0, 0, 1, IFF_UP, IFF_UP)
            self.rtnl(sk, RTM_NEWLINK, 0, up)
            for name, addr in (("d-er", "192.0.2.2"), ("d-vpn", "169.254.21.2")):
                ifi = struct.pack("=BxHiII", 0, 0, 0, IFF_UP, IFF_UP)
                self.rtnl(sk, RTM_NEWLINK, NLM_F_CREATE_EXCL,
                          ifi + nla(3, name.encode() + b"\0") +
                          nla(18, nla(1, b"dummy")))
                a = socket.inet_pton(socket.AF_INET, addr)
                ifa = struct.pack("=BBBBi", socket.AF_INET, 30, 0, 0,
                                  socket.if_nametoindex(name))
                self.rtnl(sk, RTM_NEWADDR, NLM_F_CREATE_EXCL,
                          ifa + nla(2, a) + nla(1, a))
            # the witness: a veth whose peer, named after the namespace,
            # lives in the home namespace until this one is dismantled
            IFLA_NET_NS_FD, IFLA_LINKINFO, IFLA_INFO_KIND = 28, 18, 1
            IFLA_INFO_DATA, VETH_INFO_PEER = 2, 1
            # (not up: veth opens the peer before it is joined, ENOTCONN)
            peer = (struct.pack("=BxHiII", 0, 0, 0, 0, 0) +
                    nla(3, ns.encode() + b"\0") +
                    nla(IFLA_NET_NS_FD, struct.pack("=i", self.home)))
            ifi = struct.pack("=BxHiII", 0, 0, 0, IFF_UP, IFF_UP)
            self.rtnl(sk, RTM_NEWLINK, NLM_F_CREATE_EXCL,
                      ifi + nla(3, b"w0\0") +
                      nla(IFLA_LINKINFO, nla(IFLA_INFO_KIND, b"veth") +
                          nla(IFLA_INFO_DATA, nla(VETH_INFO_PEER, peer))))
            sk.close()
        finally:
            self.libc.setns(self.home, CLONE_NEWNET)
            os.close(fd)

    def resolve(self):
        sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        name = b"ercoexist\0"
        nla = struct.pack("=HH", 4 + len(name), 2) + name
        nla += b"\0" * (-len(nla) % 4)
        body = struct.pack("=BBH", 3, 1, 0) + nla	# CTRL_CMD_GETFAMILY
        sk.send(struct.pack("=IHHII", 16 + len(body), 16, NLM_F_REQUEST, 1, 0) + body)
        msg = sk.recv(65536)
        sk.close()
        return struct.unpack("=H", nl_attrs(msg[20:])[1][:2])[0]

    def request(self, sk):
        if self.family is None:
            self.family = self.resolve()
        body = struct.pack("=BBH", self.cmd, 1, 0)
        sk.send(struct.pack("=IHHII", 16 + len(body), self.family,
                            NLM_F_REQUEST | NLM_F_DUMP, 7, 0) + body)

    def datagram(self, sk, st):
        """one recv: counts into st; True when the dump ended"""
        buf = sk.recv(1 << 16)
        off = 0
        while off + 16 <= len(buf):
            ln, ty, fl = struct.unpack_from("=IHH", buf, off)
            if ln < 16:
                break
            if fl & NLM_F_DUMP_INTR:
                st["intr"] = 1
            if ty == NLMSG_DONE:
                return True
            if ty == NLMSG_ERROR:
                st["errno"] = -struct.unpack_from("=i", buf, off + 16)[0]
                return True
            if ty == self.family:
                st["n"] += 1
                g = nl_attrs(buf[off + 20:off + ln]).get(self.a_gen)
                if g is not None:
                    st["gens"].add(struct.unpack("=I", g[:4])[0])
            off += (ln + 3) & ~3
        return False

    def run(self):
        for line in sys.stdin:
            w = line.split()
            if len(w) != 2:
                continue
            op, ns = w
            try:
                if op == "start":
                    sk = self.sock_in(ns)
                    st = {"n": 0, "gens": set(), "intr": 0, "errno": 0}
                    self.request(sk)
                    ended = self.datagram(sk, st)
                    self.socks[ns] = (sk, st, ended)
                    print("started %s %d" % (ns, st["n"]), flush=True)
                elif op in ("finish", "count"):
                    if op == "count":
                        sk = self.sock_in(ns)
                        st = {"n": 0, "gens": set(), "intr": 0, "errno": 0}
                        self.request(sk)
                        ended = False
                    else:
                        sk, st, ended = self.socks.pop(ns)
                    while not ended:
                        ended = self.datagram(sk, st)
                    sk.close()
                    if op == "count":
                        print("count %s %d %d" % (ns, st["n"], st["errno"]), flush=True)
                    else:
                        print("done %s %d %s %d %d" % (
                            ns, st["n"],
                            ",".join(str(g) for g in sorted(st["gens"])) or "-",
                            st["intr"], st["errno"]), flush=True)
                elif op == "setup":
                    self.setup(ns)
                    print("ready %s" % ns, flush=True)
                elif op == "abandon":
                    self.socks.pop(ns)[0].close()
                    print("closed %s" % ns, flush=True)
            except (OSError, KeyError) as e:
                print("error %s %s" % (ns, e), flush=True)


def main(argv):
    if len(argv) >= 2:
        op, a = argv[1], argv[2:]
        if op == "policies" and len(a) == 4:
            return policies(a[0], a[1], a[2], int(a[3]))
        if op == "reader" and len(a) == 6:
            return reader(*a)
        if op == "judge" and len(a) == 2:
            return judge(*a)
        if op == "flap" and len(a) == 3:
            return flap(a[0], float(a[1]), int(a[2]))
        if op == "events" and len(a) == 1:
            return events(a[0])
        if op == "transitions" and len(a) == 1:
            return transitions(int(a[0]))
        if op == "classify" and len(a) == 3:
            return classify(*a)
        if op == "dumpd" and len(a) == 1:
            return Dumper(a[0]).run()
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
