#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Which kernel file calls which, from a built module's objects.

  kmod-callgraph.py BUILT_KMOD_DIR [--symbols]

Reads the symbols each object of ercoexist.ko defines and the ones it
leaves undefined (nm), and prints one line per source file with the files
it uses:  "netlink.c -> events.c hooks.c ...", with --symbols the symbols
too.  Exits 1, naming them, when files use each other in a circle: the
kernel files are meant to form layers (Documentation/design.rst, "Layout").
"""
import os
import subprocess
import sys


def objects(kdir):
    for sub in ('', 'core'):
        d = os.path.join(kdir, sub)
        for f in sorted(os.listdir(d)):
            if f.endswith('.o') and not f.endswith('.mod.o') and \
               f != 'ercoexist.o':
                yield os.path.join(sub, f)


def nm(kdir, obj, *flags):
    out = subprocess.run(['nm', *flags, os.path.join(kdir, obj)],
                         check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines() if line.strip()]


def graph(kdir):
    objs = list(objects(kdir))
    owner = {}
    for o in objs:
        for f in nm(kdir, o, '--defined-only'):
            if len(f) == 3 and f[1] in 'TDBR':
                owner[f[2]] = o
    uses = {o: {} for o in objs}
    for o in objs:
        for f in nm(kdir, o, '-u'):
            t = owner.get(f[-1])
            if t and t != o:
                uses[o].setdefault(t, []).append(f[-1])
    src = {o: o[:-2] + '.c' for o in objs}
    return {src[o]: {src[t]: sorted(s) for t, s in u.items()}
            for o, u in uses.items()}


def circles(g):
    """The strongly connected components of more than one file."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in g[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    g = graph(sys.argv[1])
    for f in sorted(g):
        if not g[f]:
            continue
        if '--symbols' in sys.argv[2:]:
            for t in sorted(g[f]):
                print(f'{f} -> {t}: {", ".join(g[f][t])}')
        else:
            print(f'{f} -> {" ".join(sorted(g[f]))}')
    bad = circles(g)
    for c in bad:
        print('circle: ' + ' '.join(c), file=sys.stderr)
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
