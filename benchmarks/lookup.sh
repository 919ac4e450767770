#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host benchmark of the prefix table (kmod/core/lpm.c): lookup cost against
# the number of prefixes, for IPv4 and IPv6, against a plain radix tree
# (kmod/core/test/radix_ref.h: a path-compressed binary trie, the algorithm
# of the kernel's BPF LPM trie).  A benchmark, never a pass/fail test.
# `make bench-lookup` (benchmarks/README.md).
#
# Per family and N (prefixes "bgp": lengths and addresses like the BGP
# tables, see kmod/core/test/bench_lpm.c), lookups of "mix" addresses (half
# inside a random prefix of the set, half random in the routed space):
#   ns      ns per lookup, median of RUNS runs of L lookups; each run also
#           times the anchor (the same table code with 10 prefixes, the same
#           addresses) and the radix tree, interleaved: ratio = ns / anchor
#   Ir      instructions per lookup, callgrind (deterministic), CG_L lookups
#   D1, L2  cache misses per lookup in callgrind's simulated caches, this
#           host's geometry: 48 KiB L1d 12-way, 1 MiB L2 8-way (callgrind
#           calls the last level "LL"); only the lookups are simulated
#           (the build's cache state is not), so the first lookups of a
#           small table count its compulsory misses
#   build   build time, median of RUNS; bytes per prefix (the module's table
#           counts its copy of the prefixes and the answers too)
# The machine is shared and 2 cores: absolute ns are noisy; the ratios and
# the callgrind counts are the figures to compare.
#
# Env: SIZES (10 1000 10000 100000 1000000), DISTS (bgp), RUNS (7),
# L (1000000), CG_L (100000), OUT (benchmarks/results/lookup: writes
# OUT.csv, OUT.md, OUT.png), BIN (the bench_lpm binary; built if unset),
# LABEL (a line for OUT.md).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
SIZES=${SIZES:-"10 1000 10000 100000 1000000"}
DISTS=${DISTS:-bgp}
RUNS=${RUNS:-7}
L=${L:-1000000}
CG_L=${CG_L:-100000}
OUT=${OUT:-$TOP/benchmarks/results/lookup}
LABEL=${LABEL:-}

if [ -z "${BIN:-}" ]; then
	nice -n 19 make -s -C "$TOP/kmod/core/test" out/bench/bench_lpm
	BIN=$TOP/kmod/core/test/out/bench/bench_lpm
fi
command -v valgrind >/dev/null || {
	echo "lookup.sh: valgrind not found (make deps)" >&2
	exit 1
}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# cg FAMILY N IMPL FUNC -> "Ir D1mr DLmr" per lookup
cg() {
	nice -n 19 valgrind --tool=callgrind --instr-atstart=no --cache-sim=yes \
		--D1=49152,12,64 --LL=1048576,8,64 --toggle-collect="$4" \
		--callgrind-out-file="$TMP/cg" "$BIN" lookup "$1" "$2" "$CG_L" \
		mix "$3" >/dev/null 2>"$TMP/log" || {
		cat "$TMP/log" >&2
		exit 1
	}
	awk -v l="$CG_L" '/^events:/ { for (i = 2; i <= NF; i++) ev[i] = $i }
		/^summary:/ { for (i = 2; i <= NF; i++) v[ev[i]] = $i }
		END { printf "%.1f %.3f %.3f", v["Ir"] / l, v["D1mr"] / l,
			v["DLmr"] / l }' "$TMP/cg"
}

csv=$OUT.csv
mkdir -p "$(dirname "$OUT")"
echo "dist,family,n,build_ms,bytes_per_prefix,ns,anchor_ns,ratio,ir,d1_miss,l2_miss,radix_build_ms,radix_bytes_per_prefix,radix_ns,radix_ratio,radix_ir,radix_d1_miss,radix_l2_miss,disagree" >"$csv"
for dist in $DISTS; do
	export BENCH_DIST=$dist
	for fam in 4 6; do
		for n in $SIZES; do
			row=$(nice -n 19 "$BIN" curve "$fam" "$n" "$L" "$RUNS")
			eval "$(echo "$row" | tr ' ' '\n' | sed 's/^/r_/')"
			set -- $(cg "$fam" "$n" poptrie "ercx_lpm_lookup$fam")
			p_ir=$1 p_d1=$2 p_l2=$3
			set -- $(cg "$fam" "$n" radix 'radix_lookup*')
			awk -v d="$dist" -v f="$fam" -v n="$n" -v b="$r_build_ms" \
				-v m="$r_mem_bytes" -v ns="$r_ns" -v a="$r_anchor_ns" \
				-v ir="$p_ir" -v d1="$p_d1" -v l2="$p_l2" \
				-v rb="$r_radix_build_ms" -v rm="$r_radix_bytes" \
				-v rns="$r_radix_ns" -v rir="$1" -v rd1="$2" -v rl2="$3" \
				-v dis="$r_disagree" 'BEGIN {
				printf "%s,%s,%s,%s,%.1f,%s,%s,%.2f,%s,%s,%s,%s,%.1f,%s,%.2f,%s,%s,%s,%s\n",
					d, f, n, b, m / n, ns, a, ns / a, ir, d1, l2,
					rb, rm / n, rns, rns / a, rir, rd1, rl2, dis }' \
				| tee -a "$csv"
			[ "$r_disagree" = 0 ] || echo "lookup.sh: WARNING: radix and table disagree on $r_disagree lookups (IPv$fam, $n)" >&2
		done
	done
done

/usr/bin/python3 - "$csv" "$OUT.md" "$LABEL" "$RUNS" "$L" "$CG_L" <<'EOF'
import csv, sys
src, dst, label, runs, l, cgl = sys.argv[1:7]
rows = list(csv.DictReader(open(src)))
out = ['# Prefix table lookup vs N (host, `make bench-lookup`)', '']
if label:
    out += [label, '']
out += ['ns: median of %s runs of %s lookups ("mix": half inside a prefix, '
        'half random in the routed space); ratio: ns over the anchor (the '
        'same code with 10 prefixes) timed in the same runs.  Ir, D1, L2: '
        'per lookup, callgrind, %s lookups, simulated 48 KiB L1d / 1 MiB L2. '
        'radix: a plain path-compressed binary trie (radix_ref.h), for '
        'comparison.  Shared 2-core machine: ns are noisy, compare ratios '
        'and callgrind counts.' % (runs, l, cgl), '']
for dist in sorted(set(r['dist'] for r in rows)):
    out += ['## Prefixes: %s' % dist, '',
            '| family | N | build ms | B/prefix | ns | ratio | Ir | D1 miss | L2 miss |'
            ' radix build ms | radix B/prefix | radix ns | radix ratio | radix Ir | radix L2 miss |',
            '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|']
    for r in rows:
        if r['dist'] != dist:
            continue
        out.append('| IPv%s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' % (
            r['family'], r['n'], r['build_ms'], r['bytes_per_prefix'], r['ns'],
            r['ratio'], r['ir'], r['d1_miss'], r['l2_miss'], r['radix_build_ms'],
            r['radix_bytes_per_prefix'], r['radix_ns'], r['radix_ratio'],
            r['radix_ir'], r['radix_l2_miss']))
    out.append('')
open(dst, 'w').write('\n'.join(out))
EOF

if command -v gnuplot >/dev/null; then
	dist=$(echo $DISTS | cut -d' ' -f1)
	for fam in 4 6; do
		awk -F, -v d="$dist" -v f="$fam" '$1 == d && $2 == f' "$csv" \
			>"$TMP/v$fam"
	done
	cat >"$TMP/plot.gp" <<EOF
set terminal pngcairo size 1200,450 font ",10"
set output "$OUT.png"
set datafile separator ","
set multiplot layout 1,2 title "Prefix table lookup vs N (prefixes: $dist; lookups: mix)"
set logscale x
set logscale y
set xlabel "prefixes"
set key top left
set grid
set ylabel "ns per lookup (median)"
plot "$TMP/v4" u 3:6 w lp t "table IPv4", "$TMP/v6" u 3:6 w lp t "table IPv6", \
     "$TMP/v4" u 3:14 w lp dt 2 t "radix IPv4", "$TMP/v6" u 3:14 w lp dt 2 t "radix IPv6"
unset logscale y
set ylabel "simulated L2 (1 MiB) misses per lookup"
plot "$TMP/v4" u 3:11 w lp t "table IPv4", "$TMP/v6" u 3:11 w lp t "table IPv6", \
     "$TMP/v4" u 3:18 w lp dt 2 t "radix IPv4", "$TMP/v6" u 3:18 w lp dt 2 t "radix IPv6"
unset multiplot
EOF
	gnuplot "$TMP/plot.gp" || echo "lookup.sh: gnuplot failed, no plot" >&2
else
	echo "lookup.sh: gnuplot not installed (benchmarks/install-deps.sh), no plot" >&2
fi
echo "lookup.sh: $csv $OUT.md $OUT.png"
