#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prefix table benchmark: build time (median of 9, native) and memory, and
# instructions per lookup counted by callgrind (deterministic): only the
# lookup function is collected (--toggle-collect), divided by the number of
# lookups.  "random": uniformly random addresses; "hit": addresses inside a
# random prefix of the set (the deeper, worse case for small sets).
# Prefix sets: "uniform" (random lengths and addresses: the worst case for
# memory) and "cluster" (inside a few hundred allocations, like real
# policies); see bench_lpm.c.  DISTS, SIZES and L override the defaults.
set -eu
BIN=${1:-out/bench/bench_lpm}
L=${L:-200000}
SIZES=${SIZES:-"10 100 1000 10000 100000"}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

command -v valgrind >/dev/null || { echo "valgrind not found" >&2; exit 1; }

ir() {	# family n kind -> instructions per lookup
	valgrind --tool=callgrind --toggle-collect="ercx_lpm_lookup$1" \
		--callgrind-out-file="$TMP/cg" "$BIN" lookup "$1" "$2" "$L" "$3" \
		>/dev/null 2>"$TMP/log"
	tot=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' \
		"$TMP/cg" | head -n 1)
	awk -v t="$tot" -v l="$L" 'BEGIN { printf "%.1f", t / l }'
}

printf '%-6s %8s %10s %10s %12s %12s %10s\n' family prefixes build_ms mem_KiB \
	Ir/lookup:rnd Ir/lookup:hit ns:hit
for dist in ${DISTS:-uniform cluster}; do
export BENCH_DIST=$dist
echo "# prefixes: $dist"
for fam in 4 6; do
	for n in $SIZES; do
		set -- $("$BIN" build "$fam" "$n")
		bms=$2
		mem=$(( $4 / 1024 ))
		set -- $("$BIN" lookup "$fam" "$n" 2000000 hit)
		ns=$2
		printf 'IPv%-4s %8s %10s %10s %12s %12s %10s\n' "$fam" "$n" "$bms" \
			"$mem" "$(ir "$fam" "$n" random)" "$(ir "$fam" "$n" hit)" "$ns"
	done
done
done
