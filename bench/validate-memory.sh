#!/usr/bin/env bash
# The 903 validation's peak memory above the process's start-up baseline,
# measured from a dropped page cache (docs/benchmarks.md, sixteenth round).
#
#     bench/validate-memory.sh RETURN_DIR YEAR [PREVIOUS_DIR]
#     RUNS=5 FOOTPRINT=path bench/validate-memory.sh /work/data10k/2025-26 2025-26 /work/data10k/2024-25
#
# The file-backed part of a peak (the pages of the binary the kernel maps)
# depends on how the binary's file came into the page cache, so the cache is
# dropped first (this needs root; without it the script says so and goes on),
# the binary read in once, then its baseline (`--help`, three times) and RUNS
# validations taken one after the other. Prints each figure in KiB, and the
# peak above the baseline's median as a multiple of the input's size.
set -euo pipefail

if [[ "${1:-}" == "--help" || $# -lt 2 ]]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
fi
DIR=$1
YEAR=$2
PREVIOUS=${3:-}
RUNS=${RUNS:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FOOTPRINT=${FOOTPRINT:-$ROOT/target/release/footprint}
[[ -x "$FOOTPRINT" ]] || { echo "no binary at $FOOTPRINT (cargo build --release -p footprint)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time is needed (Debian: apt-get install time)" >&2; exit 1; }

args=(validate ssda903 "$DIR" --year "$YEAR" --json)
bytes=$(du -bc "$DIR"/* | tail -1 | cut -f1)
if [[ -n "$PREVIOUS" ]]; then
    args+=(--previous "$PREVIOUS")
    bytes=$((bytes + $(du -bc "$PREVIOUS"/* | tail -1 | cut -f1)))
fi

sync
if ! { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null; then
    echo "note: the page cache could not be dropped (not root): figures depend on its state" >&2
fi
"$FOOTPRINT" --help > /dev/null
baseline=()
for _ in 1 2 3; do
    baseline+=("$(/usr/bin/time -f %M "$FOOTPRINT" --help 2>&1 > /dev/null | tail -1)")
done
median=$(printf '%s\n' "${baseline[@]}" | sort -n | sed -n 2p)
echo "start-up baseline (--help): ${baseline[*]} KiB (median $median)"
echo "input: $bytes bytes"
for _ in $(seq "$RUNS"); do
    line=$(/usr/bin/time -f '%e %U %S %M' "$FOOTPRINT" "${args[@]}" 2>&1 > /dev/null | tail -1)
    read -r wall user sys peak <<< "$line"
    awk -v w="$wall" -v u="$user" -v s="$sys" -v p="$peak" -v b="$median" -v n="$bytes" 'BEGIN {
        printf "%s s wall, %.2f s CPU, peak %d KiB: %.1f MiB above the baseline, %.2f times the input\n",
            w, u + s, p, (p - b) / 1024, (p - b) * 1024 / n }'
done
