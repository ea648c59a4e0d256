#!/usr/bin/env bash
# Scale benchmark: time and peak memory of each step Footprint runs on a
# council's data, at several sizes, with the release binary.
#
#   bench/scale.sh                 # 600, 2400 (4x), 9600 (16x) children in care
#   bench/scale.sh 600 83000       # the sizes you name
#
# Steps per size: generate (903 CSVs, 5 years; and the whole dataset with the
# IRO records into SQLite), import the five returns into a fresh SQLite
# database, validate the latest return, and write the annual report for the
# latest year as json, html, docx and xlsx from the full database (each loads
# the dataset and computes every measure for this year and last). Wall time and peak RSS come from
# /usr/bin/time -v (Debian package `time`). Prints a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(600 2400 9600)

command -v /usr/bin/time >/dev/null || { echo "bench/scale.sh needs /usr/bin/time: apt-get install time" >&2; exit 2; }
cargo build --release -q -p footprint
bin="$PWD/target/release/footprint"
as_of=2025-06-01
year=2024-25
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...
  local label=$1; shift
  local log="$work/time.log"
  if ! /usr/bin/time -v "$@" >"$work/out.log" 2>"$log"; then
    echo "| $size | $label | failed: $(tail -1 "$work/out.log") | | |"
    return
  fi
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
  printf '| %s | %s | %s | %d MiB |\n' "$size" "$label" "$wall" $((rss / 1024))
}

echo "| children in care | step | wall (m:ss) | peak RSS |"
echo "|---:|---|---:|---:|"
for size in "${sizes[@]}"; do
  dir="$work/$size"
  mkdir -p "$dir"
  imported="sqlite://$dir/imported.db"
  full="sqlite://$dir/full.db"
  measure "generate 903 CSVs, 5 years" "$bin" generate --children-in-care "$size" --years 5 --seed 7 --as-of "$as_of" --out "$dir/returns"
  measure "generate into SQLite (with IRO records)" "$bin" generate --children-in-care "$size" --years 5 --seed 7 --as-of "$as_of" --db "$full"
  "$bin" migrate --db "$imported" >/dev/null
  measure "import 5 returns (SQLite)" "$bin" import ssda903 "$dir"/returns/* --db "$imported"
  measure "validate the $year return" "$bin" validate ssda903 "$dir/returns/$year"
  for fmt in json html docx xlsx; do
    measure "annual report $year, $fmt" "$bin" report annual --year "$year" --format "$fmt" --out "$dir/report.$fmt" --db "$full"
  done
done
