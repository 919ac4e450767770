#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Tables and the timeline plot of the failover benchmark.

  analyze.py RAWDIR RESULTSDIR [--tag TAG] [--note TEXT] [--note-file F]
             [--no-latest] [--keep-raw]

RAWDIR is what benchmarks/failover.sh wrote (info, runs/, tcp/, na/).
Writes into RESULTSDIR:
  TAG.md            the results (TAG: the run's date, YYYY-MM-DD)
  TAG-runs.csv      one line per UDP run and direction
  TAG.png           the timeline (gnuplot): packets received per ms around
                    the failure, every system on one plot
  TAG-raw.tar.xz    with --keep-raw: the raw data this was computed from
                    (the per-packet send and arrival times), to recompute it
  latest.md latest.png   copies of the above
Method: RFC 6412/6413 loss-derived convergence.  Each run streams
sequence-numbered UDP at a constant rate in both directions; a packet is lost
when its sequence number never arrives.  Loss-derived convergence time =
lost packets / rate.  Lost packets sent from the failure command until ER is
restored count for the failover, those sent after for the failback, those
sent earlier (the stream's start) for neither.  (Raw data of runs before
2026-12-10 counted from 50 ms before the failure: their info file has no
loss_window=failure, and so are analysed that way.)
"""

import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile


def kv(path):
    d = {}
    try:
        with open(path) as f:
            for line in f:
                if '=' in line:
                    k, v = line.rstrip('\n').split('=', 1)
                    d[k] = v
    except OSError:
        pass
    return d


def load_tx(path):
    with open(path) as f:
        return [int(line.split()[1]) for line in f if line.strip()]


def load_rx(path):
    rows = []
    with open(path) as f:
        for line in f:
            p = line.split()
            if len(p) == 3:
                rows.append((int(p[0]), int(p[1]), int(p[2])))
    return rows


def direction(tx, rx, rate, t_fail, t_restore, margin=0):
    """Figures for one direction of one run (times in ns); the failover's
    window starts @margin ns before the failure command."""
    t_fail -= margin
    sent = len(tx)
    got = set(s for s, _, _ in rx if s < sent)
    lost = [s for s in range(sent) if s not in got]
    # The failover's loss: what was sent from the failure command until
    # the restore.  Loss before that is the stream's start (azure's
    # receiver is started at the same time as the sender: under TCG its
    # first tens of packets can arrive before it listens), never the
    # failure's: counted apart as lost_pre.
    lost_pre = [s for s in lost if tx[s] < t_fail]
    lost_fo = [s for s in lost if t_fail <= tx[s] < t_restore]
    lost_fb = [s for s in lost if tx[s] >= t_restore]
    # the outage proper: the longest run of consecutive sequence numbers
    # lost before the restore; the rest of lost_fo is scattered loss (a
    # queue or a receive buffer overflowing under TCG), not a path down
    burst = run = 0
    prev = None
    for s in lost_fo:
        run = run + 1 if prev is not None and s == prev + 1 else 1
        burst = max(burst, run)
        prev = s
    arr = sorted(r for _, _, r in rx)
    gap_fo = gap_fb = 0
    for a, b in zip(arr, arr[1:]):
        g = b - a
        if t_fail <= a < t_restore:
            gap_fo = max(gap_fo, g)
        elif a >= t_restore:
            gap_fb = max(gap_fb, g)
    # a stream that never came back in the window: the gap runs to its end
    return {
        'sent': sent,
        'lost': len(lost),
        'lost_pre': len(lost_pre),
        'lost_fo': len(lost_fo),
        'lost_fb': len(lost_fb),
        'conv_ms': len(lost_fo) * 1000.0 / rate,
        'burst': burst,
        'scattered': len(lost_fo) - burst,
        'fb_ms': len(lost_fb) * 1000.0 / rate,
        'gap_fo_ms': gap_fo / 1e6,
        'gap_fb_ms': gap_fb / 1e6,
        'dup': len(rx) - len(got),
    }


def label(system, variant):
    if system == 'ercoexist':
        return 'ercoexist (probe %s ms x %s)' % (variant[2:], MULT)
    if system == 'linux':
        return 'stock Linux (ignore_routes_with_linkdown, backup route)'

    if system.startswith('frr'):
        return 'FRR bgpd+bfdd (BFD %s ms x 3)' % variant[3:]
    return '%s %s' % (system, variant)


MULT = '3'


def vnum(variant):
    """pi10 -> 10, bfd300 -> 300: variants sort by their number"""
    return int(''.join(c for c in variant if c.isdigit()) or 0)


def mmm(vals, fmt='%.0f'):
    if not vals:
        return 'n/a'
    return '/'.join(fmt % v for v in (min(vals), statistics.median(vals), max(vals)))


def med(vals):
    return statistics.median(vals) if vals else None


def ratio(a, b):
    if a is None or b is None:
        return 'n/a'
    if b == 0:
        return '- (both 0)' if a == 0 else 'inf (baseline 0)'
    return '%.3f' % (a / b)


def main():
    global MULT
    args = sys.argv[1:]
    tag = None
    note = ''
    latest = '--no-latest' not in args
    args = [a for a in args if a != '--no-latest']
    if '--tag' in args:
        i = args.index('--tag')
        tag = args[i + 1]
        del args[i:i + 2]
    if '--note' in args:
        i = args.index('--note')
        note = args[i + 1]
        del args[i:i + 2]
    if '--note-file' in args:
        i = args.index('--note-file')
        with open(args[i + 1]) as f:
            note = (note + '\n\n' if note else '') + f.read().strip()
        del args[i:i + 2]
    keep_raw = '--keep-raw' in args
    args = [a for a in args if a != '--keep-raw']
    if len(args) != 2:
        sys.exit(__doc__)
    raw, res = args
    info = kv(os.path.join(raw, 'info'))
    MULT = info.get('probe_mult', '3')
    margin = 0 if info.get('loss_window') == 'failure' else 50e6
    tag = tag or info.get('date', 'undated')[:10]
    os.makedirs(res, exist_ok=True)

    # ---------------------------------------------------------- UDP runs
    runs = []
    rdir = os.path.join(raw, 'runs')
    for name in sorted(os.listdir(rdir)) if os.path.isdir(rdir) else []:
        d = os.path.join(rdir, name)
        m = kv(os.path.join(d, 'meta'))
        if m.get('status') not in ('ok', 'no-failback'):
            continue
        try:
            rate = float(m['rate'])
            tf = float(m['t_fail']) * 1e9
            tfd = float(m.get('t_fail_done', m['t_fail'])) * 1e9
            tr = float(m['t_restore']) * 1e9
            fwd = direction(load_tx(os.path.join(d, 'onprem.tx')),
                            load_rx(os.path.join(d, 'azure.rx')), rate, tf, tr,
                            margin)
            rev = direction(load_tx(os.path.join(d, 'azure.tx')),
                            load_rx(os.path.join(d, 'onprem.rx')), rate, tf, tr,
                            margin)
        except (OSError, KeyError, ValueError) as e:
            print('analyze: %s: %s' % (name, e), file=sys.stderr)
            continue
        vpn = int(m.get('down_az_vpn4', 0)) - int(m.get('pre_az_vpn4', 0))
        # the stream must be on ER when the failure comes (else, e.g. a BFD
        # flap moved it before: not counted, reported)
        on_er = True
        if 'fail_az_er4' in m:
            on_er = (int(m['fail_az_er4']) > int(m['pre_az_er4']) and
                     int(m['fail_az_vpn4']) == int(m['pre_az_vpn4']))
        back = m.get('t_er_back', 'none')
        runs.append({
            'id': m['id'], 'system': m['system'], 'variant': m['variant'],
            'case': m['case'], 'dir': d, 't_fail': tf, 't_fail_done': tfd,
            't_restore': tr,
            'failed_over': vpn > 0 and on_er, 'on_er': on_er,
            'fwd': fwd, 'rev': rev,
            'back_s': (float(back) - tr / 1e9) if back != 'none' else None,
        })

    groups = {}
    for r in runs:
        groups.setdefault((r['case'], r['system'], r['variant']), []).append(r)
    na = {}
    nadir = os.path.join(raw, 'na')
    for name in sorted(os.listdir(nadir)) if os.path.isdir(nadir) else []:
        sysname, variant, case = name.split('.')
        with open(os.path.join(nadir, name)) as f:
            na[(case, sysname, variant)] = f.read().strip()

    with open(os.path.join(res, tag + '-runs.csv'), 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['id', 'system', 'variant', 'case', 'direction', 'sent',
                    'lost_failover', 'lost_failback', 'conv_ms',
                    'longest_gap_failover_ms', 'longest_gap_failback_ms',
                    'longest_lost_burst', 'scattered_lost',
                    'lost_before_failure',
                    'on_er_at_failure', 'failed_over', 'er_back_after_s'])
        for r in runs:
            for dn in ('fwd', 'rev'):
                x = r[dn]
                w.writerow([r['id'], r['system'], r['variant'], r['case'], dn,
                            x['sent'], x['lost_fo'], x['lost_fb'],
                            '%.1f' % x['conv_ms'], '%.1f' % x['gap_fo_ms'],
                            '%.1f' % x['gap_fb_ms'], x['burst'],
                            x['scattered'], x['lost_pre'], int(r['on_er']),
                            int(r['failed_over']),
                            '%.2f' % r['back_s'] if r['back_s'] is not None else ''])

    cases = [c for c in info.get('cases', 'down blackhole').split()]
    # "carrier" is what "down" measured before 2026-12-07: the raw data of
    # earlier runs name it "down"
    case_name = {'carrier': '(a) far-end carrier loss (the ER edge\'s port '
                            'goes down: gw\'s er0 loses carrier, linkwatch)',
                 'down': '(d) gw\'s own ER device down (ip link set er0 down '
                         'on gw)',
                 'blackhole': '(b) silent ER black hole (carrier up)',
                 'switch': '(e) control: the stream moved to the VPN with '
                           'both paths up (no failure)'}
    out = []
    P = out.append
    P('# Failover benchmark, %s' % tag)
    P('')
    P('`make bench-failover` (benchmarks/README.md), commit %s.  Kernel %s, %s vCPUs, '
      'QEMU TCG (no KVM); FRR %s; iperf3 %s; %s packets/s per direction; '
      '%s runs per case; failure after %s s of stream, ER restored %s s later.'
      % (info.get('commit', '?'), info.get('kernel', '?'), info.get('cpus', '?'), info.get('frr', '?'),
         info.get('iperf3', '?'), info.get('rate', '?'), info.get('runs', '?'),
         info.get('pre', '?'), info.get('down', '?')))
    P('')
    P('**Under TCG every figure is inflated**: the guest CPU is emulated (a '
      'few hundred times slower than the host for packet work), timers fire '
      'late and the two vCPUs are shared by both streams, the routing '
      'daemons and the probes.  Read the ratios, not the absolute numbers; '
      'on real hardware both systems are faster.')
    if note:
        P('')
        P(note)
    P('')
    P('Loss-derived convergence (RFC 6412/6413) = lost packets / rate, in ms; '
      'min/median/max over the runs, counting what was sent from %s '
      'the failure until ER was restored.  fwd: onprem -> azure (the direction gw '
      'steers); rev: azure -> onprem (the Azure side of this topology answers '
      'by the path the flow arrives on, so it follows the forward '
      'direction).  Longest gap: the longest time between two consecutive '
      'arrivals, from the failure until ER is restored.  Burst: the longest '
      'run of consecutive sequence numbers lost before the restore, i.e. the '
      'outage itself; scattered: the other packets lost in that window, one '
      'here and there (a queue or a receive buffer overflowing when the '
      'emulated CPU falls behind, not a path down); the control (e), where '
      'it runs, shows what the VPN path loses with no failure at all.'
      % ('the command that injected' if not margin else '50 ms before'))
    P('')
    if info.get('order') == 'interleaved':
        P('The systems ran interleaved: round n is the n-th run of every '
          'system and case, one system after the other, each set up from a '
          'fresh topology.  %s' % (
              'The remote peers\' FRR daemons (er and vpn namespaces, and gw\'s '
              'installing nothing) ran in every system\'s runs with their BFD '
              'sessions up, at the unit\'s interval (ercoexist: its probe '
              'interval; stock Linux: 300 ms), so the CPU load is the same.'
              if info.get('peers') == 'all' else
              'FRR ran in FRR\'s runs only.'))
        P('')

    def row_udp(case, sysname, variant, rs, key='conv_ms', gkey='gap_fo_ms'):
        ok = [r for r in rs if r['failed_over']]
        nfo = len(ok)
        on = [r for r in rs if r['on_er']]
        if not ok and on:
            # never failed over (stock Linux in a black hole): the stream
            # was lost from the failure until the restore
            return ('| %s | 0/%d | never: lost until the restore (%s) | %s | '
                    '%s | %s | %s | %s |' % (
                        label(sysname, variant), len(rs),
                        mmm([r['fwd'][key] for r in on]),
                        mmm([r['rev'][key] for r in on]),
                        mmm([r['fwd']['burst'] for r in on]),
                        mmm([r['fwd']['scattered'] for r in on]),
                        mmm([r['fwd'][gkey] for r in on], '%.1f'),
                        mmm([r['rev'][gkey] for r in on], '%.1f')))
        return ('| %s | %d/%d | %s | %s | %s | %s | %s | %s |' % (
            label(sysname, variant), nfo, len(rs),
            mmm([r['fwd'][key] for r in ok]), mmm([r['rev'][key] for r in ok]),
            mmm([r['fwd']['burst'] for r in ok]),
            mmm([r['fwd']['scattered'] for r in ok]),
            mmm([r['fwd'][gkey] for r in ok], '%.1f'),
            mmm([r['rev'][gkey] for r in ok], '%.1f')))

    meds = {}
    never = {}
    for case in cases:
        P('## %s' % case_name.get(case, case))
        P('')
        P('| System | runs counted/total | fwd convergence ms | rev convergence ms | fwd burst pkts | fwd scattered pkts | fwd longest gap ms | rev longest gap ms |')
        P('|---|---|---|---|---|---|---|---|')
        keys = sorted(set(k for k in list(groups) + list(na) if k[0] == case),
                      key=lambda k: (k[1] != 'ercoexist', k[1], vnum(k[2])))
        for k in keys:
            if k in groups:
                P(row_udp(case, k[1], k[2], groups[k]))
                ok = [r for r in groups[k] if r['failed_over']]
                if ok:
                    meds[k] = (med([r['fwd']['conv_ms'] for r in ok]),
                               med([r['rev']['conv_ms'] for r in ok]))
                else:
                    never[k] = True
            else:
                P('| %s | - | n/a: %s | n/a | n/a | n/a | n/a | n/a |' % (label(k[1], k[2]), na[k]))
        P('')
        for k in keys:
            for r in groups.get(k, []):
                if not r['on_er']:
                    P('- %s: not counted: the stream was not on ER when the '
                      'failure came (the system had moved it before, e.g. a '
                      'BFD flap)' % r['id'])
                elif not r['failed_over'] and k not in never:
                    P('- %s: not counted: no failover (nothing reached azure '
                      'by the VPN while ER was down)' % r['id'])
        P('')
        if case in ('down', 'carrier'):
            P('Target (SPEC 6): < 5 ms.')
        elif case == 'blackhole':
            P('Target (SPEC 6): <= ProbeInterval x ProbeMultiplier + 5 ms '
              '(35 ms at 10 ms x 3).')
        P('')

    P('## (c) failback after ER returns')
    P('')
    P('Packets lost after ER was restored (expected 0), min/median/max, and '
      'the longest gap after the restore; "ER back": seconds from the '
      'restore until gw sent the stream by er0 again (polled every ~0.1 s '
      'plus process start-up under TCG).')
    P('')
    P('| After | System | runs | fwd lost pkts | rev lost pkts | fwd longest gap ms | rev longest gap ms | ER back s |')
    P('|---|---|---|---|---|---|---|---|')
    for case in cases:
        keys = sorted((k for k in groups if k[0] == case),
                      key=lambda k: (k[1] != 'ercoexist', k[1], vnum(k[2])))
        for k in keys:
            rs = [r for r in groups[k] if r['on_er']]
            P('| %s | %s | %d | %s | %s | %s | %s | %s |' % (
                case, label(k[1], k[2]), len(rs),
                mmm([r['fwd']['lost_fb'] for r in rs]),
                mmm([r['rev']['lost_fb'] for r in rs]),
                mmm([r['fwd']['gap_fb_ms'] for r in rs], '%.1f'),
                mmm([r['rev']['gap_fb_ms'] for r in rs], '%.1f'),
                mmm([r['back_s'] for r in rs if r['back_s'] is not None], '%.2f')))
            meds[('c-' + case,) + k[1:]] = (
                med([r['fwd']['lost_fb'] for r in rs]),
                med([r['rev']['lost_fb'] for r in rs]))
    P('')

    P('## Ratios ercoexist / FRR and stock Linux (medians)')
    P('')
    P('Below 1: ercoexist converges faster (loses less).  fwd and rev as '
      'above.')
    P('')
    P('| Case | ercoexist | vs | fwd ratio | rev ratio |')
    P('|---|---|---|---|---|')
    for case in cases + ['c-' + c for c in cases]:
        ek = sorted(k for k in meds if k[0] == case and k[1] == 'ercoexist')
        fk = sorted(k for k in list(meds) + list(never) if k[0] == case and
                    (k[1].startswith('frr') or k[1] == 'linux'))
        if case in cases:
            ek += sorted(k for k in na if k[0] == case and k[1] == 'ercoexist')
        for e in ek:
            for fr in fk:
                if fr in never:
                    P('| %s | %s | %s | - (%s never fails over) | - |' % (
                        case, label(e[1], e[2]), label(fr[1], fr[2]),
                        fr[1] == 'linux' and 'stock Linux' or fr[1]))
                elif e in meds:
                    P('| %s | %s | %s | %s | %s |' % (
                        case, label(e[1], e[2]), label(fr[1], fr[2]),
                        ratio(meds[e][0], meds[fr][0]),
                        ratio(meds[e][1], meds[fr][1])))
                else:
                    P('| %s | %s | %s | n/a | n/a |' % (
                        case, label(e[1], e[2]), label(fr[1], fr[2])))
    P('')

    # ---------------------------------------------------------- TCP runs
    tdir = os.path.join(raw, 'tcp')
    trows = []
    for name in sorted(os.listdir(tdir)) if os.path.isdir(tdir) else []:
        d = os.path.join(tdir, name)
        m = kv(os.path.join(d, 'meta'))
        if m.get('status') != 'ok':
            continue
        resets = 0
        aborts = 0
        for k, v in m.items():
            if not k.startswith('post_'):
                continue
            pre = m.get('pre_' + k[5:])
            if pre is None:
                continue
            dlt = int(v) - int(pre)
            if k.endswith('EstabResets'):
                resets += dlt
            elif 'TCPAbortOn' in k:
                aborts += dlt
        gap = None
        mbytes = None
        try:
            import json
            with open(os.path.join(d, 'server.json')) as f:
                j = json.load(f)
            ivs = [(iv['sum']['start'], iv['sum']['end'], iv['sum']['bytes'])
                   for iv in j.get('intervals', [])]
            run = 0.0
            gap = 0.0
            for s, e, b in ivs:
                if b == 0:
                    run += e - s
                    gap = max(gap, run)
                else:
                    run = 0.0
            mbytes = sum(b for _, _, b in ivs) / 1e6
        except (OSError, ValueError, KeyError):
            pass
        trows.append((m['case'], m['system'], m['variant'], m.get('client_rc', '?'),
                      resets, aborts, gap, mbytes, m.get('secs', '?')))
    if trows:
        P('## Long-lived TCP flow (iperf3 onprem -> azure) across failover and failback')
        P('')
        P('iperf3 at %s for the whole run; the failure 2 s in, ER restored '
          '%s s later.  Resets: TcpEstabResets (onprem + azure) during the '
          'run; aborts: TcpExtTCPAbortOn*; longest gap: the longest run of '
          'zero-byte 0.1 s intervals on the receiver (resolution 0.1 s: "0.0" '
          'means no 0.1 s interval was empty).'
          % (info.get('tcp_rate', '?'), info.get('down', '?')))
        P('')
        P('| Case | System | runs | iperf3 failed | resets | aborts | longest gap s min/med/max | MB received min/med/max |')
        P('|---|---|---|---|---|---|---|---|')
        tg = {}
        for t in trows:
            tg.setdefault((t[0], t[1], t[2]), []).append(t)
        for k in sorted(tg, key=lambda k: (k[0], k[1] != 'ercoexist', k[1], vnum(k[2]))):
            ts = tg[k]
            P('| %s | %s | %d | %d | %d | %d | %s | %s |' % (
                k[0], label(k[1], k[2]), len(ts),
                sum(1 for t in ts if t[3] != '0'),
                sum(t[4] for t in ts), sum(t[5] for t in ts),
                mmm([t[6] for t in ts if t[6] is not None], '%.1f'),
                mmm([t[7] for t in ts if t[7] is not None], '%.1f')))
        P('')

    # BFD session flaps of the FRR runs: down events beyond the failures
    flaps = spurious(raw, runs, trows)
    if flaps:
        P('## Spurious BFD flaps and false probe timeouts')
        P('')
        P('Counted the same way for both: the times the liveness check took '
          'ER down (FRR: gw\'s bfdd "Session down events" of the ER '
          'session; ercoexist: `probe` events with state down for ER in '
          '`ercoexistctl monitor -j`), against the failures injected while '
          'it ran (every run of carrier, down and blackhole, UDP and TCP; '
          'not the switch control).  More downs than failures: the check '
          'fired with the path working (under TCG, timers and packets are '
          'late).')
        P('')
        P('| System | downs | failures injected | spurious |')
        P('|---|---|---|---|')
        out.extend(flaps)
        P('')

    if na:
        P('## Not measured')
        P('')
        for k, v in sorted(na.items()):
            P('- %s, %s: %s' % (label(k[1], k[2]), k[0], v))
        P('')

    # ---------------------------------------------------------- the plot
    png = tag + '.png'
    made = plot(groups, cases, os.path.join(res, png), na)
    if made:
        P('## Timeline')
        P('')
        P('![packets received per ms around the failure](%s)' % png)
        P('')
        P('Forward direction of the median run of each system: packets '
          'received per ms (mean over 10 ms bins).  Time 0: when the '
          'first packet lost to the failure was sent (under TCG starting '
          'the command that makes the failure takes 0.1-0.7 s, too coarse '
          'to line runs up).  Rates above 1/ms are packets delayed by the '
          'emulated CPU arriving in a burst.')
        P('')
    if keep_raw:
        # the per-packet send and arrival times and every run's meta: what
        # the CSV and these tables are recomputed from (analyze.py on the
        # unpacked directory)
        tarball = tag + '-raw.tar.xz'
        subprocess.run(['tar', '-cJf', os.path.join(res, tarball), '-C',
                        os.path.dirname(os.path.abspath(raw)),
                        os.path.basename(os.path.abspath(raw))], check=True)
        P('Per-run figures: `%s-runs.csv`; raw data: `%s` (unpack, then '
          '`benchmarks/analyze.py DIR OUT --tag %s --no-latest`).'
          % (tag, tarball, tag))
    else:
        P('Per-run figures: `%s-runs.csv`.' % tag)

    text = '\n'.join(out) + '\n'
    with open(os.path.join(res, tag + '.md'), 'w') as f:
        f.write(text.replace('(%s)' % png, '(%s)' % png))
    if latest:
        with open(os.path.join(res, 'latest.md'), 'w') as f:
            f.write(text.replace('](%s)' % png, '](latest.png)'))
        if made:
            shutil.copyfile(os.path.join(res, png),
                            os.path.join(res, 'latest.png'))
    print(text)


def spurious(raw, runs, trows):
    """Table rows: the liveness check's downs against the failures."""
    downs = {}
    inj = {}
    ipath = os.path.join(raw, 'injected')
    if os.path.isfile(ipath):
        with open(ipath) as f:
            for line in f:
                p = line.split()
                if len(p) == 5:
                    inj[(p[0], p[1])] = inj.get((p[0], p[1]), 0) + 1
    # FRR: raw/frr/VARIANT.rN-bfd.txt (older runs: raw/frr-VARIANT-bfd.txt)
    files = []
    fdir = os.path.join(raw, 'frr')
    if os.path.isdir(fdir):
        files += [(os.path.join(fdir, fn), fn.split('.r')[0])
                  for fn in os.listdir(fdir) if fn.endswith('-bfd.txt')]
    files += [(os.path.join(raw, fn), fn[4:-8]) for fn in os.listdir(raw)
              if fn.startswith('frr-') and fn.endswith('-bfd.txt')]
    for path, variant in sorted(files):
        with open(path) as f:
            for line in f:
                if 'Session down events:' in line:
                    k = ('frr', variant)
                    downs[k] = downs.get(k, 0) + int(line.split(':')[1])
                    break
    mdir = os.path.join(raw, 'ercx-mon')
    if os.path.isdir(mdir):
        import json
        for fn in sorted(os.listdir(mdir)):
            k = ('ercoexist', fn.split('.r')[0])
            downs.setdefault(k, 0)
            with open(os.path.join(mdir, fn)) as f:
                for line in f:
                    try:
                        e = json.loads(line)
                    except ValueError:
                        continue
                    if (e.get('event') == 'probe' and e.get('path') == 'er'
                            and e.get('state') == 'down'):
                        downs[k] += 1
    rows = []
    for (sysname, variant), n in sorted(downs.items()):
        if inj:
            nfail = sum(v for (s, vv), v in inj.items() if vv == variant and
                        (s == sysname or s.startswith(sysname)))
        else:
            nfail = sum(1 for r in runs if r['variant'] == variant and
                        r['system'].startswith(sysname))
            nfail += sum(1 for t in trows if t[2] == variant and
                         t[1].startswith(sysname))
        rows.append('| %s | %d | %d | %d |' % (
            label(sysname, variant), n, nfail, max(0, n - nfail)))
    return rows


def onset(r, rx):
    """When the outage began: the send time of the first forward packet
    lost after the failure command started; else when that command returned.
    (Under TCG starting a command takes 0.1-0.7 s: the command's own times
    are too coarse to line runs up.)"""
    tx = load_tx(os.path.join(r['dir'], 'onprem.tx'))
    got = set(s for s, _, _ in rx)
    for s, t in enumerate(tx):
        if t >= r['t_fail'] and t < r['t_restore'] and s not in got:
            return t
    return r['t_fail_done']


def plot(groups, cases, path, na):
    """gnuplot: one panel per case, one line per system."""
    if not shutil.which('gnuplot'):
        print('analyze: gnuplot not installed, no plot', file=sys.stderr)
        return False
    tmp = tempfile.mkdtemp(prefix='ercx-bench-')
    panels = []
    bin_ms = 10
    for case in cases:
        series = []
        keys = sorted((k for k in groups if k[0] == case),
                      key=lambda k: (k[1] != 'ercoexist', k[1], vnum(k[2])))
        lo, hi = -200, 200
        picked = []
        for k in keys:
            rs = [r for r in groups[k] if r['failed_over']]
            if not rs:
                continue
            rs.sort(key=lambda r: r['fwd']['conv_ms'])
            r = rs[len(rs) // 2]
            picked.append((k, r))
            hi = max(hi, r['fwd']['conv_ms'] * 1.5 + 200)
        for k, r in picked:
            rx = load_rx(os.path.join(r['dir'], 'azure.rx'))
            t0 = onset(r, rx)
            bins = {}
            for _, _, t in rx:
                ms = (t - t0) / 1e6
                b = int(ms // bin_ms)
                bins[b] = bins.get(b, 0) + 1
            fn = os.path.join(tmp, '%s-%s-%s.dat' % k)
            with open(fn, 'w') as f:
                for b in range(int(lo // bin_ms), int(hi // bin_ms) + 1):
                    f.write('%d %.3f\n' % (b * bin_ms, bins.get(b, 0) / bin_ms))
            series.append((fn, label(k[1], k[2]) + ' (run %s)' % r['id'].rsplit('.', 1)[1]))
        if series:
            panels.append((case, series, lo, hi))
    if not panels:
        return False
    names = {'carrier': '(a) far-end carrier loss',
             'down': '(d) gw\'s own ER device down',
             'blackhole': '(b) silent ER black hole'}
    g = ['set terminal pngcairo size 1200,%d font ",10"' % (420 * len(panels)),
         'set output "%s"' % path,
         'set multiplot layout %d,1' % len(panels),
         'set termoption noenhanced',
         'set grid', 'set key below',
         'set xlabel "ms since the first packet lost to the failure was sent"',
         'set ylabel "packets received per ms"',
         'set yrange [0:*]']
    for case, series, lo, hi in panels:
        missing = sorted(set(label(k[1], k[2]).split(' (')[0] for k in na if k[0] == case))
        g.append('set title "%s: onprem -> azure (forward stream), median runs%s"' % (
            names.get(case, case),
            ''.join('; %s: n/a' % m for m in missing)))
        g.append('set xrange [%d:%d]' % (lo, hi))
        g.append('plot ' + ', '.join('"%s" using 1:2 with steps lw 2 title "%s"' % (fn, t)
                                     for fn, t in series))
    g.append('unset multiplot')
    script = os.path.join(tmp, 'plot.gp')
    with open(script, 'w') as f:
        f.write('\n'.join(g) + '\n')
    r = subprocess.run(['gnuplot', script], capture_output=True, text=True)
    shutil.rmtree(tmp, ignore_errors=True)
    if r.returncode:
        print('analyze: gnuplot: %s' % r.stderr, file=sys.stderr)
        return False
    return True


if __name__ == '__main__':
    main()
