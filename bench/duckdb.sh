#!/usr/bin/env bash
# DuckDB on the same 903 returns Footprint imports: import the five returns'
# CSV files into a DuckDB database, then compute one real measure (children
# looked after on 31 March 2025 by legal status), each in its own process
# timed by /usr/bin/time -v (wall time, peak RSS).
#
#     bench/duckdb.sh                      # 83,000 in care (England-sized), five years
#     bench/duckdb.sh 9600
#     bench/duckdb.sh 83000 DIR            # returns already written: DIR/YYYY-YY/*.csv
#     REPORT=target/bench/import-report/83000/report.json bench/duckdb.sh
#
# The returns: DIR if given, else target/bench/returns/N-seed$SEED-$AS_OF,
# written once by `footprint generate --children-in-care N --years 5 --seed
# $SEED --as-of $AS_OF --out DIR` and shared with bench/import-report.sh.
# DuckDB (PyPI `duckdb==$DUCKDB_VERSION`) lives in a venv at
# target/bench-venv-duckdb; the helper is bench/duckdb_903.py. With REPORT
# (a Footprint report.json of the same returns' 2024-25), the measure is
# checked against its profile.end.by_legal_status.
#
# Output: $BENCH_OUT (default target/bench/duckdb/N): summary.txt, *.time,
# 903.duckdb.
#
# Environment: FOOTPRINT (default target/release/footprint; only to write the
# returns), REPEAT (1), SEED (7), AS_OF (2025-06-01), DATE (2025-03-31),
# DUCKDB_VERSION, PYTHON (the interpreter the venv is made from), BENCH_OUT,
# REPORT.
set -euo pipefail
BENCH_NAME=duckdb.sh
. "$(dirname "$0")/lib.sh"

[ $# -le 2 ] || usage
case "${1:-}" in -h|--help) usage ;; esac
N="${1:-83000}"
[[ "$N" =~ ^[0-9]+$ ]] || usage
SEED="${SEED:-7}"
AS_OF="${AS_OF:-2025-06-01}"
DATE="${DATE:-2025-03-31}"
REPEAT="${REPEAT:-1}"
DUCKDB_VERSION="${DUCKDB_VERSION:-2.0.1}"
RETURNS="${2:-$ROOT/target/bench/returns/$N-seed$SEED-$AS_OF}"
OUT="${BENCH_OUT:-$ROOT/target/bench/duckdb/$N}"
VENV="$ROOT/target/bench-venv-duckdb"
HELPER="$ROOT/bench/duckdb_903.py"

need /usr/bin/time time

# DuckDB in its own venv, pinned.
pip_venv "$VENV" duckdb "$DUCKDB_VERSION"

# The returns (shared with bench/import-report.sh).
if [ $# -ge 2 ] && [ -z "$(ls -d "$RETURNS"/20??-?? 2>/dev/null)" ]; then
    die "no YYYY-YY folders in $RETURNS"
fi
write_returns "$N" "$RETURNS"

start_summary "$OUT/summary.txt"

size="$(du -sh "$RETURNS" | cut -f1)"
say "DuckDB $("$PY" -c 'import duckdb; print(duckdb.__version__)') ($("$PY" --version 2>&1)), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "returns: $RETURNS ($size; $(ls -d "$RETURNS"/20??-?? | xargs -n1 basename | tr '\n' ' '))"
DB="$OUT/903.duckdb"
for i in $(seq 1 "$REPEAT"); do
    say "run $i: load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
    rm -f "$DB" "$DB.wal"
    /usr/bin/time -v -o "$OUT/import.$i.time" "$PY" "$HELPER" import "$DB" "$RETURNS" >"$OUT/import.$i.txt" 2>&1 \
        || die "the DuckDB import failed: see $OUT/import.$i.txt"
    say "  import (five returns, every CSV): $(timing "$OUT/import.$i.time"); database $(du -h "$DB" | cut -f1)"
    /usr/bin/time -v -o "$OUT/measure.$i.time" "$PY" "$HELPER" measure "$DB" --date "$DATE" ${REPORT:+--report "$REPORT"} \
        >"$OUT/measure.$i.txt" 2>&1 || die "the DuckDB measure failed: see $OUT/measure.$i.txt"
    say "  measure (looked after on $DATE by legal status): $(timing "$OUT/measure.$i.time")"
done
sed 's/^/  /' "$OUT/import.1.txt" | tee -a "$SUMMARY"
sed 's/^/  /' "$OUT/measure.1.txt" | tee -a "$SUMMARY"
# Start-up alone (python, import duckdb), for scale.
/usr/bin/time -v -o "$OUT/startup.time" "$PY" -c 'import duckdb'
say "python + import duckdb alone: $(timing "$OUT/startup.time")"
log "done: $SUMMARY"
