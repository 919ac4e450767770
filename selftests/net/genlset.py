#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one ERCX_CMD_POLICY_SET naming the devices by IFNAME.

The kernel follows devices by name and takes a policy whose devices do not
exist yet (issue 9); `ercoexistctl load` resolves them first.  The VM suites
use this to drive the kernel alone (they install the rules and routes
themselves).  Raw netlink, no library; the attribute numbers come from the
UAPI header, so they cannot drift.

  genlset.py er=DEV vpn=DEV [er_gw4=A] [er_gw6=A] [vpn_gw4=A] [vpn_gw6=A]
             [underlay=DEV] [failback=MS] [transit=0|1] [mss_scope=0|1]
             [pfx=NET/LEN:VIA]...      (VIA: er, vpn, both, none)

Exit status: 0 set; 2 refused (the extack message on stderr); 1 usage.
"""
import ipaddress
import os
import re
import socket
import struct
import sys

HDR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   '../../include/uapi/linux/ercoexist.h')
NLA_F_NESTED = 0x8000
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
SOL_NETLINK, NETLINK_EXT_ACK = 270, 11
NLMSGERR_ATTR_MSG = 1


def enums(path):
    """Every enum member of the header: {NAME: value} (implicit values)."""
    text = re.sub(r'/\*.*?\*/', '', open(path).read(), flags=re.S)
    vals = {}
    for body in re.findall(r'enum\s+\w+\s*\{(.*?)\}', text, flags=re.S):
        n = 0
        for item in body.split(','):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition('=')
            name = name.strip()
            if expr:
                n = eval(expr.strip(), {}, dict(vals))  # noqa: S307
            vals[name] = n
            n += 1
    return vals


E = enums(HDR)


def attr(t, data):
    pad = (4 - len(data) % 4) % 4
    return struct.pack('HH', 4 + len(data), t) + data + b'\0' * pad


def nest(t, parts):
    return attr(t | NLA_F_NESTED, b''.join(parts))


def transact(sk, mtype, cmd, payload):
    msg = struct.pack('BBH', cmd, 1, 0) + payload
    sk.send(struct.pack('IHHII', 16 + len(msg), mtype,
                        NLM_F_REQUEST | NLM_F_ACK, 1, 0) + msg)
    data = sk.recv(65536)
    out = []
    while data:
        ln, t, _flags, _seq, _pid = struct.unpack('IHHII', data[:16])
        body = data[16:ln]
        if t == NLMSG_ERROR:
            err = struct.unpack('i', body[:4])[0]
            omsg = ''
            # the request is echoed unless capped: NETLINK_CAP_ACK not set
            off = 4 + struct.unpack('I', body[4:8])[0]
            off = (off + 3) & ~3
            while off + 4 <= len(body):
                al, at = struct.unpack('HH', body[off:off + 4])
                if al < 4:
                    break
                if at & 0x3fff == NLMSGERR_ATTR_MSG:
                    omsg = body[off + 4:off + al].rstrip(b'\0').decode()
                off += (al + 3) & ~3
            return err, omsg, out
        out.append(body)
        data = data[(ln + 3) & ~3:]
    return 0, '', out


def family_id(sk):
    err, msg, out = transact(sk, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                             attr(CTRL_ATTR_FAMILY_NAME, b'ercoexist\0'))
    if err or not out:
        sys.exit(f'genlset: family ercoexist not found ({err} {msg})')
    body = out[0][4:]
    while body:
        al, at = struct.unpack('HH', body[:4])
        if at == CTRL_ATTR_FAMILY_ID:
            return struct.unpack('H', body[4:6])[0]
        body = body[(al + 3) & ~3:]
    sys.exit('genlset: no family id')


def path(kind, args):
    parts = [attr(E['ERCX_PATH_A_IFNAME'], args[kind].encode() + b'\0')]
    for fam, a in (('4', 'ERCX_PATH_A_GATEWAY4'), ('6', 'ERCX_PATH_A_GATEWAY6')):
        gw = args.get(f'{kind}_gw{fam}')
        if gw:
            parts.append(attr(E[a], ipaddress.ip_address(gw).packed))
    return parts


def main():
    args, pfx = {}, []
    for a in sys.argv[1:]:
        k, _, v = a.partition('=')
        if k == 'pfx':
            pfx.append(v)
        else:
            args[k] = v
    if 'er' not in args or 'vpn' not in args:
        print(__doc__, file=sys.stderr)
        return 1
    payload = [nest(E['ERCX_A_PATH_ER'], path('er', args)),
               nest(E['ERCX_A_PATH_VPN'], path('vpn', args))]
    if 'underlay' in args:
        payload.append(nest(E['ERCX_A_UNDERLAY'], path('underlay', args)))
    payload.append(attr(E['ERCX_A_FAILBACK_DELAY_MS'],
                        struct.pack('I', int(args.get('failback', 0)))))
    if 'transit' in args:
        payload.append(attr(E['ERCX_A_TRANSIT'],
                            struct.pack('B', int(args['transit']))))
    if 'mss_scope' in args:
        payload.append(attr(E['ERCX_A_MSS_SCOPE'],
                            struct.pack('B', int(args['mss_scope']))))
    via = {'none': 0, 'er': 1, 'vpn': 2, 'both': 3}
    for p in pfx:
        net, _, v = p.partition(':')
        if net.count(':'):		# IPv6: the via is after the last ':'
            net, _, v = p.rpartition(':')
        n = ipaddress.ip_network(net)
        a = 'ERCX_PFX_A_ADDR4' if n.version == 4 else 'ERCX_PFX_A_ADDR6'
        payload.append(nest(E['ERCX_A_PREFIX'], [
            attr(E[a], n.network_address.packed),
            attr(E['ERCX_PFX_A_PLEN'], struct.pack('B', n.prefixlen)),
            attr(E['ERCX_PFX_A_VIA'], struct.pack('B', via[v]))]))
    sk = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
    sk.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    fam = family_id(sk)
    err, msg, _ = transact(sk, fam, E['ERCX_CMD_POLICY_SET'], b''.join(payload))
    if err:
        print(f'genlset: refused: {os.strerror(-err)}: {msg}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
