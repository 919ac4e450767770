#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-failover: install what is missing, build the stream tool, run
# benchmarks/failover.sh in the QEMU test VM (selftests/vm/run.sh --exec),
# then write benchmarks/results/DATE.md, DATE.png, DATE-runs.csv and
# latest.md/latest.png.
#
#   run.sh [NAME=VALUE...]   NAME: RUNS CASES SYSTEMS PROBE_INTERVALS
#                            PROBE_MULT RATE PRE DOWN POST TCP_RUNS TCP_RATE
#                            FRR_FAST_MS PEERS (each sets BENCH_NAME, see
#                            failover.sh), KERNEL (6.12; 6.1), NO_DEPS=1,
#                            TAG (the results' name; default the date),
#                            LATEST=0 (leave latest.* alone), NOTE_FILE
#                            (a section of the results: what changed and
#                            why)
set -euo pipefail
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

for a in "$@"; do
	case "$a" in
	KERNEL=*) BENCH_KERNEL=${a#*=} ;;
	NO_DEPS=*) BENCH_NO_DEPS=${a#*=} ;;
	TAG=*) res_tag=${a#*=} ;;
	LATEST=*) res_latest=${a#*=} ;;
	NOTE_FILE=*) res_note=$(readlink -f "${a#*=}") ;;
	[A-Z]*=*) export "BENCH_$a" ;;
	*) echo "run.sh: unknown argument '$a'" >&2; exit 2 ;;
	esac
done
kernel=${BENCH_KERNEL:-6.12}

if [ -z "${BENCH_NO_DEPS:-}" ]; then
	"$TOP/scripts/install-deps.sh"
	"$TOP/benchmarks/install-deps.sh"
fi
mkdir -p "$TOP/build/bench"
make -s -C "$TOP/benchmarks" OUT="$TOP/build/bench"

# the guest's command: failover.sh with every BENCH_* variable set here
cmd=
for v in $(compgen -e | grep '^BENCH_' | grep -v -e '^BENCH_KERNEL$' -e '^BENCH_NO_DEPS$'); do
	cmd+="$v=$(printf '%q' "${!v}") "
done
cmd+="bash $TOP/benchmarks/failover.sh"

# watchdog: generous, TCG runs are slow (about 15 s per run)
runs=${BENCH_RUNS:-10}
timeout=$((1200 + runs * 16 * 15))
echo "bench: $cmd (watchdog ${timeout}s)"
"$TOP/selftests/vm/run.sh" --kernel "$kernel" --timeout "$timeout" --exec "$cmd" || true

# shellcheck disable=SC2012 # our own directory names
raw=$(ls -td "$TOP"/build/vm/out-*/bench 2>/dev/null | head -n 1)
if [ -z "$raw" ] || [ ! -f "$raw/info" ]; then
	echo "bench: no results from the VM (see build/vm/out-*/console.log)" >&2
	exit 1
fi
tag=${res_tag:-$(sed -n 's/^date=//p' "$raw/info" | cut -c1-10)}
keep="$TOP/build/bench/raw-$tag"
rm -rf "$keep"
cp -a "$raw" "$keep"
echo "commit=$(git -C "$TOP" describe --always --dirty 2>/dev/null || echo unknown)" >>"$keep/info"
args=(--tag "$tag" --keep-raw)
[ "${res_latest:-1}" = 0 ] && args+=(--no-latest)
[ -n "${res_note:-}" ] && args+=(--note-file "$res_note")
/usr/bin/python3 "$TOP/benchmarks/analyze.py" "$keep" "$TOP/benchmarks/results" "${args[@]}"
echo "bench: results in benchmarks/results/$tag.md$([ "${res_latest:-1}" = 0 ] || echo ' (and latest.md)'), raw data in $keep and $tag-raw.tar.xz"
