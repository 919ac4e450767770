#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""json_get's server (selftests/net/lib.sh).

On the debug lane's kernel a python start costs seconds, and the suites
evaluate `ercoexistctl -j status` hundreds of times.  One python per suite
answers them all instead: it listens on 127.0.0.1 (an ephemeral port,
written to DIR/port once it listens), each connection sends EXPR NUL JSON
NUL and gets back "0" + str(value) (dicts and lists as JSON), or "1" + the
error, then NUL: what `python3 -c` printed before.  It exits when the suite
(PID) does, and removes DIR.

    jsonsrv.py DIR PID
"""

import json
import os
import select
import shutil
import socket
import sys


def answer(expr, doc):
    try:
        j = json.loads(doc)
        v = eval(expr, {"j": j})
    except Exception as e:  # the caller's expression: report, go on
        return "1%s: %s" % (type(e).__name__, e)
    return "0" + (json.dumps(v) if isinstance(v, (dict, list)) else str(v))


def serve(conn):
    conn.settimeout(30)
    buf = b""
    while buf.count(b"\0") < 2:
        chunk = conn.recv(1 << 16)
        if not chunk:
            return
        buf += chunk
    expr, doc, _ = buf.split(b"\0", 2)
    out = answer(expr.decode(errors="replace"), doc.decode(errors="replace"))
    conn.sendall(out.encode() + b"\0")


def main():
    d, parent = sys.argv[1], int(sys.argv[2])
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(8)
    tmp = os.path.join(d, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(tmp, os.path.join(d, "port"))
    try:
        while True:
            r, _, _ = select.select([ls], [], [], 0.5)
            if not r:
                try:
                    os.kill(parent, 0)
                except ProcessLookupError:
                    return
                continue
            conn, _ = ls.accept()
            with conn:
                try:
                    serve(conn)
                except OSError:
                    pass
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
