#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check Documentation/netlink/specs/ercoexist.yaml.

1. Validate it against the kernel's genetlink schema named by its
   "protocol:" (Documentation/netlink/genetlink*.yaml from
   /usr/src/linux-source-6.12.tar.xz, cached in build/spec-check/).
2. Cross-check it with include/uapi/linux/ercoexist.h: every enum, flag,
   attribute and command name in the spec exists in the header with the
   same value, and every member of the header's enums is in the spec.
3. Internal consistency: references between sets, operations and enums.
4. Feed it to the kernel's own generator (tools/net/ynl/ynl-gen-c.py from
   the same tarball): the uAPI header it renders must define the same
   values as ours, and the kernel policy source must render.

Prints TAP; exits 1 when anything fails.  Needs /usr/bin/python3 with
python3-yaml and python3-jsonschema.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile

import jsonschema
import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), '..'))
TARBALL = '/usr/src/linux-source-6.12.tar.xz'
TARPFX = 'linux-source-6.12/'
WANTED = ('Documentation/netlink/genetlink.yaml',
          'Documentation/netlink/genetlink-c.yaml',
          'Documentation/netlink/genetlink-legacy.yaml',
          'tools/net/ynl/ynl-gen-c.py',
          'tools/net/ynl/lib/__init__.py',
          'tools/net/ynl/lib/nlspec.py',
          'tools/net/ynl/lib/ynl.py')


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def result(self, ok, name, diags=()):
        self.n += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {name}")
        for d in diags:
            print(f'# {d}')
        if not ok:
            self.failed += 1
        return ok

    def skip(self, name, why):
        self.n += 1
        print(f'ok {self.n} - {name} # SKIP {why}')


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


# --------------------------------------------------------------------------
# Kernel files

def fetch_kernel_files(cache, tarball):
    """Extract WANTED from the tarball into cache (once); return cache."""
    missing = [p for p in WANTED if not os.path.exists(os.path.join(cache, p))]
    if not missing:
        return cache
    if not os.path.exists(tarball):
        raise FileNotFoundError(f'{tarball} not found (make deps)')
    want = {TARPFX + p: p for p in missing}
    with tarfile.open(tarball, 'r:xz') as tar:
        for m in tar:
            rel = want.pop(m.name, None)
            if rel is None:
                continue
            data = tar.extractfile(m).read()
            dst = os.path.join(cache, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst + '.tmp', 'wb') as f:
                f.write(data)
            os.replace(dst + '.tmp', dst)
            if not want:
                break
    if want:
        raise FileNotFoundError('not in tarball: ' + ', '.join(want))
    return cache


# --------------------------------------------------------------------------
# Header parser: enums and simple #defines

def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


def c_eval(expr, names):
    expr = expr.strip()
    expr = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', expr)
    if not re.fullmatch(r'[\w\s()<>|&+\-*~^]+', expr):
        raise ValueError(f'cannot evaluate "{expr}"')
    return eval(expr, {'__builtins__': {}}, dict(names))  # noqa: S307


def parse_header(path):
    """Return (enums, values, strings).

    enums: {tag or '<anon N>': [(NAME, value), ...]} in order;
    values: {NAME: int} for enum members and integer #defines;
    strings: {NAME: str} for string #defines.
    """
    with open(path) as f:
        text = strip_comments(f.read())
    enums, values, strings = {}, {}, {}
    for m in re.finditer(r'^\s*#\s*define\s+(\w+)[ \t]+(.+?)\s*$', text, re.M):
        name, val = m.group(1), m.group(2)
        if val.startswith('"'):
            strings[name] = val.strip('"')
            continue
        try:
            values[name] = c_eval(val, values)
        except (ValueError, NameError, SyntaxError):
            pass    # not a value (e.g. the include guard)
    anon = 0
    for m in re.finditer(r'\benum\s+(\w+)?\s*\{(.*?)\}\s*;', text, re.S):
        tag = m.group(1)
        if tag is None:
            tag = f'<anon {anon}>'
            anon += 1
        members, nxt = [], 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            name, _, expr = item.partition('=')
            name = name.strip()
            val = c_eval(expr, values) if expr.strip() else nxt
            values[name] = val
            members.append((name, val))
            nxt = val + 1
        enums[tag] = members
    return enums, values, strings


# --------------------------------------------------------------------------
# What the spec defines, the way ynl-gen-c renders it

def spec_enums(spec):
    """{enum tag or None: [(NAME, value)]}, plus 'extra' checks.

    Returns (enums, defines): enums keyed by C enum tag (None: anonymous or
    spelled as #defines in the header); defines: [(NAME, value)] for the
    family-level defines.
    """
    fam = spec['name']
    out = []    # (kind, tag, [(NAME, value)])
    for d in spec.get('definitions', []):
        if d['type'] not in ('enum', 'flags'):
            continue
        pfx = d.get('name-prefix', f"{fam}-{d['name']}-")
        tag = d.get('enum-name', f"{fam}-{d['name']}")
        members = []
        if d['type'] == 'enum':
            val = d.get('value-start', 0)
            for e in d['entries']:
                e = e if isinstance(e, dict) else {'name': e}
                val = e.get('value', val)
                members.append((c_upper(pfx + e['name']), val))
                val += 1
            if d.get('render-max'):
                cnt = c_upper('--' + pfx + 'max')
                members.append((cnt, val))
                members.append((c_upper(pfx + 'max'), val - 1))
        else:
            bit = d.get('value-start', 0)
            for e in d['entries']:
                e = e if isinstance(e, dict) else {'name': e}
                bit = e.get('value', bit)
                members.append((c_upper(pfx + e['name']), 1 << bit))
                bit += 1
            if d.get('render-max'):
                members.append((c_upper(pfx + 'mask'),
                                sum(v for _, v in members)))
        out.append((d['type'], c_lower(tag) if tag else None, members, d))

    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            continue
        pfx = s.get('name-prefix', f"{fam}-a-{s['name']}-")
        tag = s.get('enum-name', f"{fam}-{s['name']}-attrs")
        members, val = [], 1
        for a in s['attributes']:
            val = a.get('value', val)
            members.append((c_upper(pfx + a['name']), val))
            val += 1
        cnt = c_upper(s.get('attr-cnt-name', f'--{pfx}max'))
        mx = c_upper(s.get('attr-max-name', f'{pfx}max'))
        members += [(cnt, val), (mx, val - 1)]
        out.append(('attrs', c_lower(tag) if tag else None, members, s))

    ops = spec['operations']
    pfx = ops.get('name-prefix', f'{fam}-cmd-')
    tag = ops.get('enum-name', f'{fam}-cmd')
    members, val = [], 1
    for op in ops['list']:
        val = op.get('value', val)
        members.append((c_upper(pfx + op['name']), val))
        val += 1
    cnt = c_upper(spec.get('cmd-cnt-name', f'--{pfx}max'))
    mx = c_upper(spec.get('cmd-max-name', f'{pfx}max'))
    members += [(cnt, val), (mx, val - 1)]
    out.append(('ops', c_lower(tag) if tag else None, members, ops))
    return out


def check_header(tap, spec, hdr):
    enums, values, strings = parse_header(hdr)
    rel = os.path.relpath(hdr, TOP)

    # family-level defines
    diags = []
    fam = spec['name']
    want_str = {c_upper(spec.get('c-family-name', f'{fam}-family-name')): fam}
    for g in spec.get('mcast-groups', {}).get('list', []):
        want_str[c_upper(g.get('c-define-name', f"{fam}-mcgrp-{g['name']}"))] = g['name']
    for k, v in want_str.items():
        if strings.get(k) != v:
            diags.append(f'{rel}: {k} is {strings.get(k)!r}, spec says {v!r}')
    ver = c_upper(spec.get('c-version-name', f'{fam}-family-version'))
    if values.get(ver) != spec.get('version', 1):
        diags.append(f"{rel}: {ver} is {values.get(ver)}, spec says {spec.get('version', 1)}")
    tap.result(not diags, 'family name, version and multicast group defines', diags)

    seen_tags = set()
    for kind, tag, members, d in spec_enums(spec):
        what = d.get('name', 'operations')
        diags = []
        for name, val in members:
            if name not in values:
                diags.append(f'{name} (= {val}) is not in {rel}')
            elif values[name] != val:
                diags.append(f'{name} is {values[name]} in {rel}, {val} in the spec')
        if kind == 'flags':
            # The header spells flags as #defines (plus combinations of them)
            pfx = c_upper(d.get('name-prefix', f"{fam}-{d['name']}-"))
            names = {n for n, _ in members}
            mask = sum(v for _, v in members)
            for name, val in values.items():
                if not name.startswith(pfx) or name in names:
                    continue
                if val & ~mask or val == 0:
                    diags.append(f'{name} (= {val}) in {rel} is not a combination of the spec\'s {what} flags')
                elif bin(val).count('1') == 1:
                    diags.append(f'{name} (= {val}) in {rel} is a flag missing from the spec')
        elif tag is None:
            diags.append(f'{what}: anonymous enum, cannot match it with {rel}')
        elif tag not in enums:
            diags.append(f'enum {tag} is not in {rel}')
        else:
            seen_tags.add(tag)
            names = {n for n, _ in members}
            for name, val in enums[tag]:
                if name in names:
                    continue
                # ynl renders commands from 1 on: the header's value 0
                # placeholder is not an operation of the spec.
                if kind == 'ops' and val == 0 and name.endswith('_UNSPEC'):
                    continue
                diags.append(f'{name} (= {val}) of enum {tag} in {rel} is not in the spec')
            order = [n for n, _ in enums[tag] if n in names]
            if order != [n for n, _ in members if n in order]:
                diags.append(f'enum {tag}: order differs from the spec')
        tap.result(not diags, f'{kind} {what} matches {rel}', diags)

    diags = [f'enum {t} of {rel} is not described by the spec'
             for t in enums if t not in seen_tags and not t.startswith('<anon')]
    tap.result(not diags, f'every enum of {rel} is in the spec', diags)


# --------------------------------------------------------------------------
# Internal consistency (what the schema cannot express)

INT_RANGE = {'u8': (0, 0xff), 'u16': (0, 0xffff), 'u32': (0, 0xffffffff),
             'u64': (0, (1 << 64) - 1), 's32': (-(1 << 31), (1 << 31) - 1),
             's64': (-(1 << 63), (1 << 63) - 1)}


def check_consistency(tap, spec):
    diags = []
    consts = {d['name']: d for d in spec.get('definitions', [])}
    sets = {s['name']: s for s in spec['attribute-sets']}
    names = {}
    for s in spec['attribute-sets']:
        names[s['name']] = {a['name']: a for a in s['attributes']}
    for s in spec['attribute-sets']:
        if 'subset-of' in s:
            parent = s['subset-of']
            if parent not in sets:
                diags.append(f"set {s['name']}: subset of unknown set {parent}")
                continue
            for a in s['attributes']:
                if a['name'] not in names[parent]:
                    diags.append(f"set {s['name']}: {a['name']} not in {parent}")
        for a in s['attributes']:
            full = a
            if 'subset-of' in s:
                full = dict(names.get(s['subset-of'], {}).get(a['name'], {}), **a)
            t = full.get('type')
            if t == 'nest' and full.get('nested-attributes') not in sets:
                diags.append(f"{s['name']}.{a['name']}: nest of unknown set {full.get('nested-attributes')}")
            if 'enum' in full and full['enum'] not in consts:
                diags.append(f"{s['name']}.{a['name']}: unknown enum {full['enum']}")
            chk = full.get('checks', {})
            if t in INT_RANGE:
                lo, hi = INT_RANGE[t]
                for k in ('min', 'max'):
                    if k in chk and isinstance(chk[k], int) and not lo <= chk[k] <= hi:
                        diags.append(f"{s['name']}.{a['name']}: {k} {chk[k]} outside {t}")
                if isinstance(chk.get('min'), int) and isinstance(chk.get('max'), int) \
                        and chk['min'] > chk['max']:
                    diags.append(f"{s['name']}.{a['name']}: min > max")
            if 'enum' in full and t in INT_RANGE and consts.get(full['enum'], {}).get('type') == 'enum' \
                    and isinstance(chk.get('max'), int):
                n = len(consts[full['enum']]['entries'])
                if chk['max'] > n - 1 + consts[full['enum']].get('value-start', 0):
                    diags.append(f"{s['name']}.{a['name']}: max {chk['max']} beyond enum {full['enum']}")
    tap.result(not diags, 'attribute sets: nests, enums and checks are consistent', diags)

    diags = []
    groups = {g['name'] for g in spec.get('mcast-groups', {}).get('list', [])}
    for op in spec['operations']['list']:
        aset = op.get('attribute-set')
        if aset not in sets:
            diags.append(f"op {op['name']}: unknown attribute set {aset}")
            continue
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                for a in op.get(mode, {}).get(part, {}).get('attributes', []):
                    if a not in names[aset]:
                        diags.append(f"op {op['name']} {mode} {part}: unknown attribute {a}")
        for a in op.get('event', {}).get('attributes', []):
            if a not in names[aset]:
                diags.append(f"op {op['name']} event: unknown attribute {a}")
        if 'mcgrp' in op and op['mcgrp'] not in groups:
            diags.append(f"op {op['name']}: unknown multicast group {op['mcgrp']}")
        if 'request' in op.get('do', {}) and op.get('flags') is None \
                and op['do']['request'].get('attributes'):
            diags.append(f"op {op['name']}: takes a request but needs no permission")
    tap.result(not diags, 'operations: attributes and groups exist; changes need a permission', diags)


# --------------------------------------------------------------------------
# The kernel's own generator

def check_ynl_gen(tap, spec_path, cache, hdr, protocol):
    """Render the spec with ynl-gen-c.py from the kernel tree."""
    work = os.path.join(cache, 'ynl-work')
    specdir = os.path.join(work, 'Documentation', 'netlink', 'specs')
    os.makedirs(specdir, exist_ok=True)
    # nlspec looks for the schema two directories above the spec
    shutil.copy(os.path.join(cache, 'Documentation', 'netlink', protocol + '.yaml'),
                os.path.join(work, 'Documentation', 'netlink'))
    # ynl-gen-c looks for the kernel root (a MAINTAINERS file) above the spec
    with open(os.path.join(work, 'MAINTAINERS'), 'w') as f:
        f.write('placeholder so that ynl-gen-c finds its root\n')
    spec_copy = os.path.join(specdir, 'ercoexist.yaml')
    shutil.copy(spec_path, spec_copy)
    gen = os.path.join(cache, 'tools', 'net', 'ynl', 'ynl-gen-c.py')
    results = {}
    for mode, arg, out in (('uapi', '--header', 'ercoexist-uapi.h'),
                           ('kernel', '--header', 'ercoexist-nl-gen.h'),
                           ('kernel', '--source', 'ercoexist-nl-gen.c')):
        dst = os.path.join(cache, out)
        try:
            p = subprocess.run([sys.executable, gen, '--mode', mode, '--spec', spec_copy,
                                arg, '-o', dst], capture_output=True, text=True,
                               check=False, timeout=60)
            results[out] = (p.returncode, (p.stdout + p.stderr).strip().splitlines()[-5:], dst)
        except subprocess.TimeoutExpired:
            results[out] = (-1, ['ynl-gen-c timed out'], dst)

    rc, err, dst = results['ercoexist-uapi.h']
    if not tap.result(rc == 0, 'ynl-gen-c renders the uAPI header', err if rc else ()):
        return
    g_enums, g_values, g_strings = parse_header(dst)
    enums, values, strings = parse_header(hdr)
    diags = []
    for tag, members in g_enums.items():
        for name, val in members:
            if values.get(name) != val:
                diags.append(f'generated {name} = {val}, ours {values.get(name)}')
    for name, s in g_strings.items():
        if strings.get(name) != s:
            diags.append(f'generated {name} "{s}", ours {strings.get(name)!r}')
    tap.result(not diags, f'ynl-gen-c uAPI header agrees with {os.path.relpath(hdr, TOP)}', diags)
    ok = all(results[o][0] == 0 for o in ('ercoexist-nl-gen.h', 'ercoexist-nl-gen.c'))
    diags = [line for o in ('ercoexist-nl-gen.h', 'ercoexist-nl-gen.c')
             for line in (results[o][1] if results[o][0] else [])]
    if ok:
        diags = [f'policies for comparison: {os.path.relpath(results["ercoexist-nl-gen.c"][2], TOP)}']
    tap.result(ok, 'ynl-gen-c renders the kernel policies', diags)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--spec', default=os.path.join(TOP, 'Documentation/netlink/specs/ercoexist.yaml'))
    ap.add_argument('--header', default=os.path.join(TOP, 'include/uapi/linux/ercoexist.h'))
    ap.add_argument('--tarball', default=TARBALL)
    ap.add_argument('--cache', default=os.path.join(TOP, 'build', 'spec-check'))
    ap.add_argument('--no-ynl-gen', action='store_true', help='skip the ynl-gen-c step')
    args = ap.parse_args()

    tap = Tap()
    print('TAP version 13')
    try:
        with open(args.spec) as f:
            spec = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print('1..1')
        tap.result(False, 'spec parses as YAML', [str(e)])
        return 1
    tap.result(isinstance(spec, dict), 'spec parses as YAML')
    protocol = spec.get('protocol', 'genetlink')

    try:
        fetch_kernel_files(args.cache, args.tarball)
        with open(os.path.join(args.cache, 'Documentation', 'netlink', protocol + '.yaml')) as f:
            schema = yaml.safe_load(f)
    except (OSError, KeyError) as e:
        tap.result(False, f'schema {protocol}.yaml from {args.tarball}', [str(e)])
        print(f'1..{tap.n}')
        return 1
    v = jsonschema.Draft7Validator(schema)
    errs = sorted(v.iter_errors(spec), key=lambda e: list(e.path))
    tap.result(not errs, f'spec validates against {protocol}.yaml (linux 6.12)',
               [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errs[:20]])

    check_header(tap, spec, args.header)
    check_consistency(tap, spec)
    if args.no_ynl_gen:
        tap.skip('ynl-gen-c renders the spec', '--no-ynl-gen')
    else:
        check_ynl_gen(tap, args.spec, args.cache, args.header, protocol)

    print(f'1..{tap.n}')
    print(f'# {tap.n - tap.failed} passed, {tap.failed} failed')
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
