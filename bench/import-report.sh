#!/usr/bin/env bash
# Import five 903 returns into a fresh SQLite database, then write the annual
# report (json) from that imported database: wall time and peak RSS of each,
# by /usr/bin/time -v. England-sized by default.
#
#     bench/import-report.sh                   # 83,000 in care, five years
#     bench/import-report.sh 9600
#     REPEAT=3 bench/import-report.sh 600
#     PERF=1 bench/import-report.sh            # and a perf profile of the report and the import
#     RSS_TRACE=1 bench/import-report.sh       # and the report's memory over time
#     bench/import-report.sh 83000 DIR         # returns already written: DIR/YYYY-YY/*.csv
#
# The returns: DIR if given, else target/bench/returns/N-seed$SEED-$AS_OF,
# written once by `footprint generate --children-in-care N --years 5 --seed
# $SEED --as-of $AS_OF --out DIR` (shared with bench/duckdb.sh). Then, $REPEAT
# times:
#     footprint migrate --db sqlite://$BENCH_OUT/imported.db   (fresh file)
#     footprint import ssda903 RETURNS/*/ --db sqlite://$BENCH_OUT/imported.db
#     footprint report annual --year $YEAR --format json --db sqlite://... --out report.json
# With PERF=1, once more: `perf record -F $PERF_FREQ --call-graph dwarf` of
# the report and of the import, with the top functions by their own time
# (perf report --no-children) in perf-*.txt. With RSS_TRACE=1, the report
# once more with its resident memory read every 0.5 s (rss-report.txt).
# Debian's linux-perf and time are installed if missing (as root).
#
# Output: $BENCH_OUT (default target/bench/import-report/N): summary.txt,
# *.time, report.json, imported.db, perf-*.txt.
#
# Environment: FOOTPRINT (default target/release/footprint), REPEAT (1),
# YEAR (2024-25), SEED (7), AS_OF (2025-06-01), PERF (0), PERF_FREQ (99),
# RSS_TRACE (0), SKIP_TIMED (0: 1 runs only the PERF / RSS_TRACE extras on
# the database a previous run imported), BENCH_OUT.
set -euo pipefail
BENCH_NAME=import-report.sh
. "$(dirname "$0")/lib.sh"

[ $# -le 2 ] || usage
case "${1:-}" in -h|--help) usage ;; esac
N="${1:-83000}"
[[ "$N" =~ ^[0-9]+$ ]] || usage
SEED="${SEED:-7}"
AS_OF="${AS_OF:-2025-06-01}"
YEAR="${YEAR:-2024-25}"
REPEAT="${REPEAT:-1}"
PERF="${PERF:-0}"
PERF_FREQ="${PERF_FREQ:-99}"
RSS_TRACE="${RSS_TRACE:-0}"
RETURNS="${2:-$ROOT/target/bench/returns/$N-seed$SEED-$AS_OF}"
OUT="${BENCH_OUT:-$ROOT/target/bench/import-report/$N}"

find_footprint
need /usr/bin/time time
[ "$PERF" = 0 ] || need perf linux-perf

if [ $# -ge 2 ] && [ -z "$(ls -d "$RETURNS"/20??-?? 2>/dev/null)" ]; then
    die "no YYYY-YY folders in $RETURNS"
fi
write_returns "$N" "$RETURNS"
mapfile -t FOLDERS < <(ls -d "$RETURNS"/20??-??)

KEEP_SUMMARY="${SKIP_TIMED:-0}" start_summary "$OUT/summary.txt"

DB="$OUT/imported.db"
URL="sqlite://$DB"
fresh_db() {
    rm -f "$DB" "$DB"-*
    "$FOOTPRINT" migrate --db "$URL" >/dev/null
}

say "import-report.sh $N: $FOOTPRINT ($("$FOOTPRINT" --version 2>/dev/null || echo '?')), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "returns: $RETURNS ($(du -sh "$RETURNS" | cut -f1); ${#FOLDERS[@]} years)"
SKIP_TIMED="${SKIP_TIMED:-0}"
if [ "$SKIP_TIMED" != 0 ]; then
    [ -s "$DB" ] || die "SKIP_TIMED=1 needs the database of a previous run at $DB"
    REPEAT=0
fi
for i in $(seq 1 "$REPEAT"); do
    fresh_db
    say "run $i: load average before the import: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -v -o "$OUT/import.$i.time" "$FOOTPRINT" import ssda903 "${FOLDERS[@]}" --db "$URL" \
        >"$OUT/import.$i.txt" 2>&1 || die "the import failed: see $OUT/import.$i.txt"
    say "  import ${#FOLDERS[@]} returns into SQLite: $(timing "$OUT/import.$i.time"); database $(du -h "$DB" | cut -f1)"
    say "  load average before the report: $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -v -o "$OUT/report.$i.time" "$FOOTPRINT" report annual --year "$YEAR" --format json \
        --db "$URL" --out "$OUT/report.json" >"$OUT/report.$i.txt" 2>&1 \
        || die "the report failed: see $OUT/report.$i.txt"
    say "  annual report $YEAR json from the imported database: $(timing "$OUT/report.$i.time")"
done
say "database: $(for t in children episodes reviews missing_episodes health_outcomes; do printf '%s %s, ' "$(sqlite3 "$DB" "SELECT count(*) FROM $t" 2>/dev/null || echo '?')" "$t"; done)"

# rss_trace FILE COMMAND...: runs it, writing "seconds RSS_MiB" every 0.5 s.
rss_trace() {
    local file="$1" pid start
    shift
    "$@" >/dev/null 2>&1 &
    pid=$!
    start=$(date +%s%N)
    echo "seconds rss_mib" >"$file"
    while kill -0 "$pid" 2>/dev/null; do
        awk -v t="$(( ($(date +%s%N) - start) / 1000000 ))" '/^VmRSS/ {printf "%.1f %d\n", t / 1000, $2 / 1024}' \
            "/proc/$pid/status" >>"$file" 2>/dev/null || true
        sleep 0.5
    done
    wait "$pid"
}
if [ "$RSS_TRACE" != 0 ]; then
    log "the report once more, its resident memory every 0.5 s"
    rss_trace "$OUT/rss-report.txt" "$FOOTPRINT" report annual --year "$YEAR" --format json --db "$URL" \
        --out "$OUT/report-rss.json"
    say "report's resident memory over time ($OUT/rss-report.txt; seconds, MiB), every 5 s and the peak:"
    awk 'NR > 1 && (NR % 10 == 2) {printf "%s s %s MiB; ", $1, $2} NR > 1 && $2 > m {m = $2; t = $1} END {printf "\npeak %d MiB at %s s\n", m, t}' \
        "$OUT/rss-report.txt" | tee -a "$SUMMARY"
fi

if [ "$PERF" != 0 ]; then
    # perf.data can be large: dwarf call graphs copy the stack at each sample.
    log "perf record of the report (dwarf call graphs, $PERF_FREQ Hz)"
    perf record -F "$PERF_FREQ" --call-graph dwarf,16384 -o "$OUT/perf-report.data" -- \
        "$FOOTPRINT" report annual --year "$YEAR" --format json --db "$URL" --out "$OUT/report-perf.json" \
        >"$OUT/perf-report.log" 2>&1
    perf report -i "$OUT/perf-report.data" --no-children --percent-limit 1 --stdio -g none \
        >"$OUT/perf-report.txt" 2>/dev/null
    perf report -i "$OUT/perf-report.data" --children --percent-limit 3 --stdio -g none \
        >"$OUT/perf-report-inclusive.txt" 2>/dev/null
    say "perf, report: top functions by own time ($OUT/perf-report.txt):"
    grep -v '^#' "$OUT/perf-report.txt" | grep -v '^$' | head -15 | tee -a "$SUMMARY"
    fresh_db
    log "perf record of the import"
    perf record -F "$PERF_FREQ" --call-graph dwarf,16384 -o "$OUT/perf-import.data" -- \
        "$FOOTPRINT" import ssda903 "${FOLDERS[@]}" --db "$URL" >"$OUT/perf-import.log" 2>&1
    perf report -i "$OUT/perf-import.data" --no-children --percent-limit 1 --stdio -g none \
        >"$OUT/perf-import.txt" 2>/dev/null
    perf report -i "$OUT/perf-import.data" --children --percent-limit 3 --stdio -g none \
        >"$OUT/perf-import-inclusive.txt" 2>/dev/null
    say "perf, import: top functions by own time ($OUT/perf-import.txt):"
    grep -v '^#' "$OUT/perf-import.txt" | grep -v '^$' | head -15 | tee -a "$SUMMARY"
fi
log "done: $SUMMARY"
