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
5. Compare the policies it renders with the hand-written ones of kmod/*.c,
   attribute by attribute: every operation's policy, maxattr and flags,
   and every nested policy reached from them (type, min/max, lengths,
   nested policy, rejection).  What the spec cannot express is a named
   entry of POLICY_EXCEPTIONS, listed again in Documentation/design.rst.

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
                # 0 is the empty mask, when the header names it *_NONE
                if val & ~mask or (val == 0 and not name.endswith('_NONE')):
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
        return None
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
    return results['ercoexist-nl-gen.c'][2] if ok else None


# --------------------------------------------------------------------------
# The hand-written kernel policies against the ones ynl-gen-c renders
#
# kmod/*.c and ynl-gen-c's source are parsed the same way: object-like
# #defines (policy fragments such as ERCX_RO are expanded), struct
# netlink_range_validation, struct nla_policy arrays and the ops tables.
# Each policy entry is reduced to what nla_validate() checks: the type,
# min/max, lengths, the nested policy, rejection.  The family validates
# strictly (resv_start_op 0; ynl-gen-c's split ops are strict too), so an
# attribute absent from a policy (NLA_UNSPEC) or above maxattr is rejected,
# exactly like NLA_REJECT, only with a different extack message.

C_LIMITS = {'INT_MAX': (1 << 31) - 1, 'UINT_MAX': (1 << 32) - 1,
            'U8_MAX': 0xff, 'U16_MAX': 0xffff, 'U32_MAX': (1 << 32) - 1,
            'U64_MAX': (1 << 64) - 1, 'S8_MAX': 0x7f, 'S16_MAX': 0x7fff,
            'S32_MAX': (1 << 31) - 1, 'S64_MAX': (1 << 63) - 1,
            'S8_MIN': -0x80, 'S16_MIN': -0x8000, 'S32_MIN': -(1 << 31),
            'S64_MIN': -(1 << 63),
            # UAPI constants the policies use (linux/if.h: fixed by the ABI)
            'IFNAMSIZ': 16}

# Differences the spec cannot express.  Each is also listed, with the same
# id, under "Gaps between the spec and the hand-written policies" in
# Documentation/design.rst.  A difference matches an entry when its kind is
# the entry's and its context and attribute are among the entry's ('*':
# any); an entry that matches nothing fails too, so the list cannot go stale.
POLICY_EXCEPTIONS = (
    {'id': 'no-request-rejects-all',
     'kind': 'policy-only-kernel', 'where': ('op policy-get', 'op prefix-get',
                                             'op status-get', 'op auto', 'op flush'),
     'attrs': '*',
     'why': 'an operation that takes no attribute has an empty policy with '
            'maxattr ERCX_A_MAX, so strict validation rejects every attribute; '
            'a spec operation without "request" renders no policy, and '
            'genetlink then parses nothing; "request: {attributes: []}" makes '
            'ynl-gen-c 6.12 fail'},
    {'id': 'maxattr-is-attr-max',
     'kind': 'maxattr', 'where': ('op policy-set', 'op failover'),
     'attrs': '*',
     'why': 'every kernel operation is sized ERCX_A_MAX so that each known '
            'top-level attribute gets a named rejection; ynl-gen-c sizes an '
            'operation by its highest request attribute and rejects the ones '
            'above as unknown: both reject them, the extack message differs'},
    {'id': 'named-rejection',
     'kind': 'named-reject', 'where': '*', 'attrs': '*',
     'why': 'the kernel rejects an attribute the request does not take with '
            'NLA_REJECT and a message ("read-only attribute", "peer is for '
            'the VPN path only", ...); the spec cannot carry a reject '
            'message, ynl-gen-c leaves the attribute out (rejected as '
            'unsupported or unknown)'},
    {'id': 'nested-read-only',
     'kind': 'rejected-only-kernel',
     'where': ('op policy-set > path-er', 'op policy-set > path-vpn',
               'op policy-set > underlay', 'op policy-set > prefix'),
     'attrs': ('ifname', 'state', 'reason', 'tx-packets', 'tx-bytes',
               'since-ns', 'probe-state', 'probe-sent', 'probe-received',
               'probe-lost', 'probe-errors', 'probe-rtt-last-us',
               'probe-rtt-min-us', 'probe-rtt-avg-us', 'probe-rtt-max-us',
               'path'),
     'why': 'path-attrs and prefix-attrs serve requests and replies; ynl-gen-c '
            'renders one policy per nested set with all of its attributes, '
            'the kernel rejects the reply-only ones in a request (a subset '
            'for requests would change the replies the spec describes)'},
    {'id': 'peer-vpn-only',
     'kind': 'rejected-only-kernel', 'where': ('op policy-set > path-er',),
     'attrs': ('peer4', 'peer6'),
     'why': 'the ER path rejects the VPN underlay peer; ER, VPN and underlay '
            'share path-attrs and the spec has no per-nest variant'},
    {'id': 'underlay-no-probe-no-peer',
     'kind': 'rejected-only-kernel', 'where': ('op policy-set > underlay',),
     'attrs': ('probe4', 'probe6', 'probe-interval-ms', 'probe-multiplier',
               'peer4', 'peer6'),
     'why': 'the underlay has no probes and no peer; it shares path-attrs '
            'with ER and VPN and the spec has no per-nest variant'},
    {'id': 'be32-as-u32',
     'kind': 'type', 'where': '*',
     'attrs': ('gateway4', 'probe4', 'peer4', 'addr4'),
     'why': 'byte-order: big-endian u32 attributes: the kernel says NLA_BE32, '
            'ynl-gen-c 6.12 renders NLA_U32; nla_validate() checks both as '
            'exactly 4 bytes with no range'},
)


def _split_top(body, sep=','):
    """Split at sep outside (), {}, [] and strings."""
    out, depth, cur, instr = [], 0, [], False
    for i, ch in enumerate(body):
        if instr:
            cur.append(ch)
            if ch == '"' and body[i - 1] != '\\':
                instr = False
            continue
        if ch == '"':
            instr = True
        elif ch in '({[':
            depth += 1
        elif ch in ')}]':
            depth -= 1
        elif ch == sep and depth == 0:
            out.append(''.join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if ''.join(cur).strip():
        out.append(''.join(cur).strip())
    return out


def _c_source(paths):
    """Comment-free text of paths, continuation lines joined."""
    text = ''
    for p in paths:
        with open(p) as f:
            text += strip_comments(f.read()).replace('\\\n', ' ') + '\n'
    return text


def _object_macros(text):
    return {m.group(1): m.group(2).strip()
            for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+(\w+)(?![\w(])[ \t]*(.*)$',
                                 text, re.M)}


class CPolicies:
    """The nla_policy arrays, range validations and ops tables of C source."""

    def __init__(self, paths, values):
        self.paths = paths
        text = _c_source(paths)
        self.errors = []
        self.macros = _object_macros(text)
        self.values = dict(C_LIMITS)
        self.values.update(values)
        for name, body in self.macros.items():
            try:
                self.values.setdefault(name, c_eval(body, self.values))
            except (ValueError, NameError, SyntaxError, TypeError):
                pass
        self.ranges = {}
        for m in re.finditer(r'struct\s+netlink_range_validation(?:_signed)?\s+(\w+)\s*=\s*\{(.*?)\}\s*;',
                             text, re.S):
            r = {}
            for f in _split_top(m.group(2)):
                k, _, v = f.partition('=')
                r[k.strip().lstrip('.')] = self.eval(v)
            self.ranges[m.group(1)] = r
        self.arrays = {}
        for m in re.finditer(r'struct\s+nla_policy\s+(\w+)\s*\[([^\]]*)\]\s*=\s*\{(.*?)\}\s*;\s*$',
                             text, re.S | re.M):
            name, size, body = m.group(1), m.group(2).strip(), self.expand(m.group(3))
            entries = {}
            for item in _split_top(body):
                em = re.fullmatch(r'\[\s*(\w+)\s*\]\s*=\s*(.+)', item, re.S)
                if not em:
                    self.errors.append(f'{name}: cannot parse entry "{item}"')
                    continue
                entries[em.group(1)] = self.entry(name, em.group(1), em.group(2).strip())
            self.arrays[name] = {'size': size, 'entries': entries}
        self.ops = {}
        for m in re.finditer(r'struct\s+genl_(small_|split_)?ops\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{(.*?)\}\s*;\s*$',
                             text, re.S | re.M):
            for blk in _split_top(m.group(3)):
                blk = blk.strip()
                if not blk.startswith('{'):
                    continue
                op = {}
                for f in _split_top(blk[1:-1]):
                    k, _, v = f.partition('=')
                    op[k.strip().lstrip('.')] = v.strip()
                if 'cmd' not in op:
                    continue
                prev = self.ops.setdefault(op['cmd'], {})
                flags = set(f.strip() for f in op.pop('flags', '').split('|') if f.strip())
                flags -= {'GENL_CMD_CAP_DO', 'GENL_CMD_CAP_DUMP', 'GENL_CMD_CAP_HASPOL'}
                prev.setdefault('flags', set()).update(flags)
                for k, v in op.items():
                    if k in prev and prev[k] != v:
                        self.errors.append(f'{op["cmd"]}: {k} is {prev[k]} and {v}')
                    prev[k] = v

    def expand(self, body):
        """Expand the policy fragments (macros whose body is [...] or {...})."""
        for _ in range(10):
            new = re.sub(r'\b(\w+)\b',
                         lambda m: self.macros[m.group(1)]
                         if self.macros.get(m.group(1), '')[:1] in ('[', '{')
                         else m.group(1), body)
            if new == body:
                return body
            body = new
        self.errors.append('policy macros nest too deep')
        return body

    def eval(self, expr):
        try:
            return c_eval(expr, self.values)
        except (ValueError, NameError, SyntaxError, TypeError):
            self.errors.append(f'cannot evaluate "{expr.strip()}"')
            return None

    def entry(self, array, idx, val):
        """Reduce one policy entry to {'type', 'min', 'max', 'len', ...}."""
        e = {}
        m = re.fullmatch(r'(NLA_POLICY_\w+)\s*\((.*)\)', val, re.S)
        if val.startswith('{'):
            for f in _split_top(val.strip()[1:-1]):
                k, _, v = f.partition('=')
                k, v = k.strip().lstrip('.'), v.strip()
                if k == 'type':
                    e['type'] = v
                elif k == 'reject_message':
                    e['reject_message'] = v.strip('"')
                elif k in ('len', 'min', 'max'):
                    e[k] = self.eval(v)
                else:
                    e['unknown'] = f'.{k}'
            if 'len' in e and e.get('type') in ('NLA_BINARY', 'NLA_STRING', 'NLA_NUL_STRING'):
                e['max'] = e.pop('len')     # as NLA_POLICY_MAX_LEN() says it
        elif m:
            macro, args = m.group(1), _split_top(m.group(2))
            if macro in ('NLA_POLICY_MIN', 'NLA_POLICY_MAX'):
                e['type'] = args[0]
                e[macro[-3:].lower()] = self.eval(args[1])
            elif macro == 'NLA_POLICY_RANGE':
                e['type'], e['min'], e['max'] = args[0], self.eval(args[1]), self.eval(args[2])
            elif macro == 'NLA_POLICY_FULL_RANGE':
                r = self.ranges.get(args[1].lstrip('&').strip())
                if r is None:
                    self.errors.append(f'{array}[{idx}]: unknown range {args[1]}')
                    r = {}
                e['type'], e['min'], e['max'] = args[0], r.get('min', 0), r.get('max')
            elif macro in ('NLA_POLICY_MIN_LEN', 'NLA_POLICY_MAX_LEN'):
                # NLA_POLICY_MIN/MAX(NLA_BINARY, len)
                e['type'] = 'NLA_BINARY'
                e[macro[len('NLA_POLICY_'):-len('_LEN')].lower()] = self.eval(args[0])
            elif macro == 'NLA_POLICY_EXACT_LEN':
                e['type'], e['exact_len'] = 'exact-len', self.eval(args[0])
            elif macro in ('NLA_POLICY_NESTED', 'NLA_POLICY_NESTED_ARRAY'):
                e['type'] = macro[len('NLA_POLICY_'):]
                e['nested'] = args[0]
            else:
                e['type'], e['unknown'] = macro, val
        else:
            e['type'], e['unknown'] = '?', val
        if 'unknown' in e:
            self.errors.append(f'{array}[{idx}]: cannot reduce "{val}" (validation function?)')
        return e


def _set_of_names(spec):
    """{C enum name: (set name, attr name or None, value)} for every set."""
    out = {}
    for kind, _tag, members, s in spec_enums(spec):
        if kind != 'attrs':
            continue
        attrs = [a['name'] for a in s['attributes']]
        for i, (cname, val) in enumerate(members):
            out[cname] = (s['name'], attrs[i] if i < len(attrs) else None, val)
    return out


# An integer without a limit is limited by its type: NLA_POLICY_MAX(NLA_U8, 3)
# and NLA_POLICY_RANGE(NLA_U8, 0, 3) validate the same.
NLA_INT_RANGE = {'NLA_U8': (0, 0xff), 'NLA_U16': (0, 0xffff),
                 'NLA_U32': (0, (1 << 32) - 1), 'NLA_U64': (0, (1 << 64) - 1),
                 'NLA_BE16': (0, 0xffff), 'NLA_BE32': (0, (1 << 32) - 1),
                 'NLA_S8': (-0x80, 0x7f), 'NLA_S16': (-0x8000, 0x7fff),
                 'NLA_S32': (-(1 << 31), (1 << 31) - 1),
                 'NLA_S64': (-(1 << 63), (1 << 63) - 1)}


def _limit(e, lim):
    v = e.get(lim)
    if v is None and lim in ('min', 'max') and e.get('type') in NLA_INT_RANGE:
        v = NLA_INT_RANGE[e['type']][lim == 'max']
    return v


def _describe(e):
    if e is None:
        return 'rejected'
    if e.get('type') == 'NLA_REJECT':
        return f'NLA_REJECT "{e.get("reject_message", "")}"'
    parts = [e['type']]
    for k in ('min', 'max', 'exact_len', 'len', 'nested'):
        if e.get(k) is not None:
            parts.append(f'{k} {e[k]}')
    return ' '.join(parts)


class PolicyCompare:
    def __init__(self, spec, kern, gen):
        self.spec = spec
        self.kern = kern
        self.gen = gen
        self.names = _set_of_names(spec)
        self.sets = {s['name']: s for s in spec['attribute-sets']}
        self.used = {x['id']: 0 for x in POLICY_EXCEPTIONS}
        self.compared_sets = {}

    def exception(self, ctx, attr, kind):
        for x in POLICY_EXCEPTIONS:
            if x['kind'] != kind:
                continue
            if x['where'] != '*' and ctx not in x['where']:
                continue
            if x['attrs'] != '*' and attr not in x['attrs']:
                continue
            self.used[x['id']] += 1
            return x['id']
        return None

    def set_of_array(self, arr):
        size = re.sub(r'\s*\+\s*1$', '', arr['size'])
        if size in self.names:
            return self.names[size][0]
        for idx in arr['entries']:
            if idx in self.names:
                return self.names[idx][0]
        return None

    def attr_table(self, src, arr, aset, maxattr, diags, ctx):
        """{attr value: entry or None (rejected)} for values 1..set max."""
        out = {}
        ids = {}
        for idx, e in arr['entries'].items():
            if idx not in self.names or self.names[idx][0] != aset or self.names[idx][1] is None:
                diags.append(f'{ctx}: {src} index {idx} is not an attribute of {aset}')
                continue
            ids[self.names[idx][2]] = e
        for a in self.sets[aset]['attributes']:
            v = self.names[c_upper(self.set_prefix(aset) + a['name'])][2]
            if v == 0:
                continue
            e = ids.get(v)
            if v > maxattr or e is None or e.get('type') in (None, 'NLA_UNSPEC'):
                e = None     # strict: rejected
            out[a['name']] = e
        return out

    def set_prefix(self, aset):
        s = self.sets[aset]
        return s.get('name-prefix', f"{self.spec['name']}-a-{aset}-")

    def compare(self, ctx, karr_name, garr_name, kmax, gmax, diags, allowed, nests):
        """Compare two policy arrays; nested pairs are appended to nests."""
        karr = self.kern.arrays.get(karr_name)
        garr = self.gen.arrays.get(garr_name)
        if karr is None or garr is None:
            diags.append(f'{ctx}: policy {karr_name if karr is None else garr_name} not found')
            return
        aset = self.set_of_array(karr)
        gset = self.set_of_array(garr)
        if aset != gset or aset is None:
            diags.append(f'{ctx}: kernel {karr_name} is of set {aset}, spec of {gset}')
            return
        self.compared_sets.setdefault(aset, []).append(ctx)
        kmaxv = self.kern.values.get(kmax) if kmax else None
        gmaxv = self.gen.values.get(gmax) if gmax else None
        if kmaxv is None:
            kmaxv = self.names.get(re.sub(r'\s*\+\s*1$', '', karr['size']), (0, 0, None))[2]
        if gmaxv is None:
            gmaxv = self.names.get(re.sub(r'\s*\+\s*1$', '', garr['size']), (0, 0, None))[2]
        if kmaxv is None or gmaxv is None:
            diags.append(f'{ctx}: cannot size {karr_name} or {garr_name}')
            return
        ktab = self.attr_table('kernel', karr, aset, kmaxv, diags, ctx)
        gtab = self.attr_table('spec', garr, aset, gmaxv, diags, ctx)
        spec_attrs = {a['name']: a for a in self.sets[aset]['attributes']}
        for name in ktab:
            k, g = ktab[name], gtab[name]
            diff = []
            if (k is None or k['type'] == 'NLA_REJECT') and g is None:
                if k is not None:
                    diff.append(('named-reject', f'kernel {_describe(k)}, spec leaves it out'))
            elif k is None or k['type'] == 'NLA_REJECT':
                diff.append(('rejected-only-kernel', f'kernel {_describe(k)}, spec accepts {_describe(g)}'))
            elif g is None:
                diff.append(('accepted-only-kernel', f'kernel accepts {_describe(k)}, spec rejects it'))
            else:
                if k['type'] != g['type']:
                    kind = 'type'
                    if not (k['type'] == 'NLA_BE32' and g['type'] == 'NLA_U32'
                            and spec_attrs[name].get('byte-order') == 'big-endian'):
                        kind = 'type-mismatch'
                    diff.append((kind, f'kernel {k["type"]}, spec {g["type"]}'))
                for lim in ('min', 'max', 'exact_len', 'len'):
                    kv, gv = _limit(k, lim), _limit(g, lim)
                    if kv != gv:
                        diff.append(('limit', f'{lim}: kernel {kv}, spec {gv}'))
                if ('nested' in k) != ('nested' in g):
                    diff.append(('nested', f'kernel {_describe(k)}, spec {_describe(g)}'))
                elif 'nested' in k:
                    nests.append((f'{ctx} > {name}', k['nested'], g['nested']))
            for kind, text in diff:
                xid = self.exception(ctx, name, kind)
                if xid:
                    allowed.setdefault(xid, []).append(name)
                else:
                    diags.append(f'{ctx}: {name}: {text}')


def _accepts(arr):
    """Attribute indices a policy array accepts (not NLA_REJECT/UNSPEC)."""
    return [i for i, e in arr['entries'].items()
            if e.get('type') not in (None, 'NLA_UNSPEC', 'NLA_REJECT')]


def check_policies(tap, spec, gen_src, uapi_hdr, kmod_dir):
    """Hand-written policies of kmod/*.c against ynl-gen-c's, attribute by attribute."""
    _enums, values, _strings = parse_header(uapi_hdr)
    kfiles = sorted(os.path.join(kmod_dir, f) for f in os.listdir(kmod_dir)
                    if f.endswith(('.c', '.h')))
    kern = CPolicies(kfiles, values)
    gen = CPolicies([gen_src], values)
    krel = os.path.relpath(kmod_dir, TOP)
    diags = [f'kernel: {e}' for e in kern.errors] + [f'ynl-gen-c: {e}' for e in gen.errors]
    ktext = _c_source(kfiles)
    if not re.search(r'\.resv_start_op\s*=\s*0\s*,', ktext):
        diags.append(f'{krel}: the family is not strict (.resv_start_op = 0): the '
                     'comparison assumes absent attributes are rejected')
    for cmd, op in kern.ops.items():
        if 'validate' in op:
            diags.append(f'{krel}: {cmd} relaxes validation ({op["validate"]})')
    if not kern.arrays or not kern.ops:
        diags.append(f'no nla_policy array or no ops table found in {krel}')
    tap.result(not diags, f'{krel}/*.c policies and ops table parse '
               f'({len(kern.arrays)} policies, {len(kern.ops)} ops)', diags)

    cmp = PolicyCompare(spec, kern, gen)
    ops = spec['operations']
    pfx = ops.get('name-prefix', f"{spec['name']}-cmd-")
    reached = set()
    spec_cmds = set()
    for op in ops['list']:
        if 'do' not in op and 'dump' not in op:
            continue
        ctx = f"op {op['name']}"
        cmd = c_upper(pfx + op['name'])
        spec_cmds.add(cmd)
        diags, allowed, nests = [], {}, []
        k, g = kern.ops.get(cmd), gen.ops.get(cmd)
        if k is None or g is None:
            tap.result(False, f'{ctx}: request policy, maxattr and flags match the spec',
                       [f'{cmd} is not in the {"kernel" if k is None else "ynl-gen-c"} ops table'])
            continue
        for cb in ('doit', 'dumpit'):
            if (cb in k) != (cb in g):
                diags.append(f'{cmd}: .{cb} {"only in the kernel" if cb in k else "missing in the kernel"}')
        if k['flags'] != g['flags']:
            diags.append(f"{cmd}: flags {' | '.join(sorted(k['flags'])) or 0} in the kernel, "
                         f"{' | '.join(sorted(g['flags'])) or 0} in the spec")
        kp, gp = k.get('policy'), g.get('policy')
        if kp:
            reached.add(kp)
        if kp and gp:
            cmp.compare(ctx, kp, gp, k.get('maxattr'), g.get('maxattr'), diags, allowed, nests)
            kmax = kern.values.get(k.get('maxattr'))
            gmax = gen.values.get(g.get('maxattr'))
            if kmax != gmax:
                if cmp.exception(ctx, '*', 'maxattr'):
                    allowed.setdefault('maxattr-is-attr-max', []).append(
                        f"{k.get('maxattr')} (spec {g.get('maxattr')})")
                else:
                    diags.append(f"{cmd}: maxattr {k.get('maxattr')} = {kmax} in the kernel, "
                                 f"{g.get('maxattr')} = {gmax} in the spec")
        elif kp:
            arr = kern.arrays.get(kp)
            if arr is None:
                diags.append(f'{cmd}: kernel policy {kp} not found')
            elif _accepts(arr):
                diags.append(f"{cmd}: the spec's operation takes no request, the kernel's "
                             f"{kp} accepts {', '.join(_accepts(arr))}")
            elif cmp.exception(ctx, '*', 'policy-only-kernel'):
                allowed.setdefault('no-request-rejects-all', []).append(kp)
            else:
                diags.append(f'{cmd}: kernel policy {kp}, none in the spec')
        elif gp:
            diags.append(f'{cmd}: no kernel policy, the spec renders {gp}')
        for xid, what in allowed.items():
            diags.append(f"allowed {xid}: {', '.join(what)}")
        tap.result(not [d for d in diags if not d.startswith('allowed ')],
                   f'{ctx}: request policy, maxattr and flags match the spec', diags)
        while nests:
            nctx, kn, gn = nests.pop(0)
            reached.add(kn)
            diags, allowed, sub = [], {}, []
            cmp.compare(nctx, kn, gn, None, None, diags, allowed, sub)
            nests.extend(sub)
            aset = cmp.set_of_array(gen.arrays.get(gn, {'size': '', 'entries': {}}))
            for xid, what in allowed.items():
                diags.append(f"allowed {xid}: {', '.join(what)}")
            tap.result(not [d for d in diags if not d.startswith('allowed ')],
                       f'{nctx}: {kn} matches {aset} as ynl-gen-c renders it', diags)

    diags = [f'{cmd}: in the kernel ops table, not an operation of the spec'
             for cmd in kern.ops if cmd not in spec_cmds]
    tap.result(not diags, 'every operation of the kernel ops table is in the spec', diags)

    diags = []
    for s in spec['attribute-sets']:
        where = cmp.compared_sets.get(s['name'])
        if where:
            diags.append(f"{s['name']}: {len(where)} request policies compared")
            continue
        # no request takes this set: no policy on either side
        for src, pol in (('kernel', kern), ('ynl-gen-c', gen)):
            for name, arr in pol.arrays.items():
                if cmp.set_of_array(arr) == s['name']:
                    diags.append(f"FAIL {s['name']}: {src} policy {name}, but no request of the spec uses the set")
        if not any(d.startswith(f"FAIL {s['name']}") for d in diags):
            diags.append(f"{s['name']}: in no request, no policy on either side")
    tap.result(not [d for d in diags if d.startswith('FAIL')],
               'every attribute set: compared where a request uses it, else policy-free', diags)

    diags = [f'{name}: not reached from any operation, so not compared'
             for name in kern.arrays if name not in reached]
    tap.result(not diags, f'every nla_policy array of {krel} is reached from an operation', diags)

    diags = [f"{x}: matches no difference any more; remove it here and in design.rst"
             for x, n in cmp.used.items() if n == 0]
    tap.result(not diags, f'every policy exception is still needed ({len(POLICY_EXCEPTIONS)} listed)',
               diags)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--spec', default=os.path.join(TOP, 'Documentation/netlink/specs/ercoexist.yaml'))
    ap.add_argument('--header', default=os.path.join(TOP, 'include/uapi/linux/ercoexist.h'))
    ap.add_argument('--kmod', default=os.path.join(TOP, 'kmod'),
                    help='directory of the hand-written policies (*.c, *.h)')
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
        tap.skip('hand-written policies match the spec', '--no-ynl-gen')
    else:
        gen_src = check_ynl_gen(tap, args.spec, args.cache, args.header, protocol)
        if gen_src is None:
            tap.result(False, 'hand-written policies match the spec',
                       ['ynl-gen-c rendered no policies to compare with'])
        else:
            check_policies(tap, spec, gen_src, args.header, args.kmod)

    print(f'1..{tap.n}')
    print(f'# {tap.n - tap.failed} passed, {tap.failed} failed')
    return 1 if tap.failed else 0


if __name__ == '__main__':
    sys.exit(main())
