#!/usr/bin/env bash
# Footprint's 903 checks side by side with data-to-insight's validator
# (PyPI csc-validator-be-903, the `lac_validator` package): speed, peak memory
# and, for the rules both implement, whether they flag the same rows.
#
#     bench/compare-validator.sh                 # sizes 1000 and 10000
#     SIZES="1000" REPEAT=1 bench/compare-validator.sh
#
# What it does:
#  1. A Python virtual environment in target/bench-venv with
#     csc-validator-be-903==$D2I_VERSION (the version these figures were taken
#     with), and Debian's `time` (for `/usr/bin/time -v`) if missing.
#  2. For each size N in $SIZES: `footprint generate --children-in-care N
#     --years 2 --seed 7 --as-of $AS_OF --out DIR`, then both validators on
#     the latest year's folder, $REPEAT times each, timed by /usr/bin/time -v
#     (wall time; "Maximum resident set size" = peak memory). Prints the
#     median wall time, peak memory and the ratios (D2I / Footprint).
#  3. For the rules both implement: rows flagged by both / D2I only /
#     Footprint only, on the generated data of the first size, on generated
#     data with --with-data-problems (both years: 2024-25 has D2I's K3 bug),
#     and on the sample 903 CSVs in $SAMPLE (D2I's own published test data;
#     default ../shared/data/ssda903-sample beside the repository, else
#     crates/ssda903/tests/fixtures/ssda903-sample), and on the five returns of
#     data-to-insight/cs-demand-model in $DEMAND (default
#     ../shared/data/ssda903-outside/cs-demand-model), each year with the
#     year before as last year's return (both validators' rules comparing
#     years run: D2I's _last tables, Footprint's --previous).
#  4. The latest year of the first generated size again, with the year
#     before as last year's return.
#  6. That year again with the rules ported last broken on purpose
#     (`compare_validator.py break-rules`), with the year before.
#
# Everything is written under $BENCH_OUT (default target/bench/validator):
# d2i-*.json, footprint-*.json, *.time, compare-*.txt, summary.txt.
#
# Environment: FOOTPRINT (default target/release/footprint, else
# target/debug/footprint), SIZES, REPEAT, AS_OF, SAMPLE, BENCH_OUT,
# D2I_VERSION, PYTHON (the interpreter the venv is made from).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

SIZES="${SIZES:-1000 10000}"
REPEAT="${REPEAT:-3}"
AS_OF="${AS_OF:-2026-06-01}"          # years 2024-25 and 2025-26
SEED="${SEED:-7}"
# The council's own local authority code, for both (D2I's metadata
# "localAuthority", Footprint's --local-authority): the synthetic council's.
LA="${LA:-E09000027}"
D2I_VERSION="${D2I_VERSION:-0.1.17}"
# D2I's published sample: the shared data folder beside the repository if
# there is one, otherwise the copy in the 903 crate's test fixtures.
if [ -z "${SAMPLE:-}" ]; then
    if [ -d "$ROOT/../shared/data/ssda903-sample" ]; then
        SAMPLE="$(cd "$ROOT/../shared/data/ssda903-sample" && pwd)"
    else
        SAMPLE="$ROOT/crates/ssda903/tests/fixtures/ssda903-sample"
    fi
fi
OUT="${BENCH_OUT:-$ROOT/target/bench/validator}"
VENV="$ROOT/target/bench-venv"
HELPER="$ROOT/bench/compare_validator.py"

log() { echo "compare-validator: $*" >&2; }
die() { log "$*"; exit 2; }

if [ -z "${FOOTPRINT:-}" ]; then
    if [ -x target/release/footprint ]; then
        FOOTPRINT="$ROOT/target/release/footprint"
    elif [ -x target/debug/footprint ]; then
        FOOTPRINT="$ROOT/target/debug/footprint"
        log "using the DEBUG build (timings are not representative): cargo build --release -p footprint"
    else
        die "no footprint binary: build it with 'cargo build --release -p footprint'"
    fi
fi
"$FOOTPRINT" generate --help >/dev/null 2>&1 || die "$FOOTPRINT has no 'generate' subcommand yet"
"$FOOTPRINT" validate ssda903 --help >/dev/null 2>&1 || die "$FOOTPRINT has no 'validate ssda903' subcommand yet"

# /usr/bin/time (Debian's GNU time; the shell keyword has no -v).
if [ ! -x /usr/bin/time ]; then
    [ "$(id -u)" -eq 0 ] || die "/usr/bin/time is missing: apt-get install -y time"
    log "installing Debian's time package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2; }
fi

# The D2I validator in its own virtual environment, pinned.
PY="$VENV/bin/python"
if [ ! -x "$PY" ]; then
    log "creating $VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
have="$("$PY" -m pip show csc-validator-be-903 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$have" != "$D2I_VERSION" ]; then
    log "pip install csc-validator-be-903==$D2I_VERSION"
    "$PY" -m pip install --quiet "csc-validator-be-903==$D2I_VERSION" >&2
fi

mkdir -p "$OUT"
SUMMARY="$OUT/summary.txt"
: >"$SUMMARY"
say() { echo "$*" | tee -a "$SUMMARY"; }

say "Footprint: $FOOTPRINT ($("$FOOTPRINT" --version 2>/dev/null || echo unknown version))"
say "D2I: csc-validator-be-903 $("$PY" -m pip show csc-validator-be-903 | sed -n 's/^Version: //p'), $("$PY" --version 2>&1), pandas $("$PY" -c 'import pandas; print(pandas.__version__)')"
say "Machine: $(nproc) cores, $(uname -m), load average now: $(cut -d' ' -f1-3 /proc/loadavg)"
say ""

# run_fp NAME DIR YEAR TIMEFILE [--previous LAST_DIR]: Footprint's checks,
# timed; JSON in $OUT/footprint-NAME.json.
run_fp() {
    local name="$1" dir="$2" year="$3" t="$4"
    shift 4
    # Exit 1 means "errors found": not a failure of the run.
    /usr/bin/time -v -o "$t" "$FOOTPRINT" validate ssda903 "$dir" --year "$year" --local-authority "$LA" --json "$@" \
        >"$OUT/footprint-$name.json" 2>"$OUT/footprint-$name.stderr" || true
    grep -q '"errors"' "$OUT/footprint-$name.json" \
        || die "footprint validate on $dir printed no JSON report: see $OUT/footprint-$name.stderr"
}

# run_d2i NAME DIR YEAR TIMEFILE: the D2I validator, timed; JSON in $OUT/d2i-NAME.json.
run_d2i() {
    local name="$1" dir="$2" year="$3" t="$4"
    shift 4
    /usr/bin/time -v -o "$t" "$PY" "$HELPER" d2i "$dir" --year "$year" --la "$LA" --out "$OUT/d2i-$name.json" --quiet "$@" \
        >"$OUT/d2i-$name.log" 2>&1 \
        || die "the D2I validator failed on $dir: see $OUT/d2i-$name.log"
}

compare() {
    local name="$1" dir="$2"
    "$PY" "$HELPER" compare "$dir" "$OUT/d2i-$name.json" "$OUT/footprint-$name.json" \
        --json-out "$OUT/compare-$name.json" | tee "$OUT/compare-$name.txt" | tee -a "$SUMMARY"
    "$PY" "$HELPER" compare "$dir" "$OUT/d2i-$name.json" "$OUT/footprint-$name.json" --markdown \
        >"$OUT/compare-$name.md"
}

latest_year() { find "$1" -mindepth 1 -maxdepth 1 -type d -name '20[0-9][0-9]-[0-9][0-9]' -printf '%f\n' | sort | tail -1; }

# 1. Speed and memory, and agreement on clean generated data.
timing_args=()
first=""
for n in $SIZES; do
    gen="$OUT/gen-$n"
    rm -rf "$gen"
    log "generating $n children in care into $gen"
    "$FOOTPRINT" generate --children-in-care "$n" --years 2 --seed "$SEED" --as-of "$AS_OF" --out "$gen" \
        >"$OUT/generate-$n.txt"
    year="$(latest_year "$gen")"
    [ -n "$year" ] || die "the generator wrote no YYYY-YY folder into $gen"
    dir="$gen/$year"
    rows="$(for f in "$dir"/*.csv; do echo "$(($(wc -l <"$f") - 1)) $(basename "$f")"; done | tr '\n' ' ')"
    say "== $n children in care: $dir ($rows)"
    fp_times="" ; d2i_times=""
    for i in $(seq 1 "$REPEAT"); do
        log "run $i/$REPEAT on $n: footprint, then D2I"
        run_fp "gen-$n" "$dir" "$year" "$OUT/footprint-gen-$n.$i.time"
        run_d2i "gen-$n" "$dir" "$year" "$OUT/d2i-gen-$n.$i.time"
        fp_times="${fp_times:+$fp_times,}$OUT/footprint-gen-$n.$i.time"
        d2i_times="${d2i_times:+$d2i_times,}$OUT/d2i-gen-$n.$i.time"
    done
    "$PY" "$HELPER" timing "footprint $n=$fp_times" "D2I $n=$d2i_times" | tee -a "$SUMMARY"
    timing_args+=("footprint $n=$fp_times" "D2I $n=$d2i_times")
    tail -1 "$OUT/d2i-gen-$n.log" | tee -a "$SUMMARY"
    [ -n "$first" ] || first="$n"
    compare "gen-$n" "$dir"
    say ""
done

# 2. Generated data with deliberate problems, both years.
n="$first"
gen="$OUT/gen-$n-problems"
rm -rf "$gen"
log "generating $n children in care with --with-data-problems into $gen"
"$FOOTPRINT" generate --children-in-care "$n" --years 2 --seed "$SEED" --as-of "$AS_OF" --with-data-problems \
    --out "$gen" >"$OUT/generate-$n-problems.txt"
for dir in "$gen"/20*-*; do
    year="$(basename "$dir")"
    say "== $n children in care with --with-data-problems, $year: $dir"
    run_fp "problems-$year" "$dir" "$year" "$OUT/footprint-problems-$year.time"
    run_d2i "problems-$year" "$dir" "$year" "$OUT/d2i-problems-$year.time"
    tail -1 "$OUT/d2i-problems-$year.log" | tee -a "$SUMMARY"
    compare "problems-$year" "$dir"
    say ""
done

# 3. D2I's own sample data (CSV files only: both read the XML too, but D2I
#    cannot take CSV and XML together).
if [ -d "$SAMPLE" ]; then
    sample="$OUT/sample"
    rm -rf "$sample"
    mkdir -p "$sample"
    cp "$SAMPLE"/*.csv "$sample"/
    year="$("$PY" "$HELPER" infer-year "$sample")"
    say "== sample 903 CSVs from $SAMPLE (latest DECOM in $year; D2I has no rules before 2022-23, so it uses its earliest)"
    run_fp sample "$sample" "$year" "$OUT/footprint-sample.time"
    run_d2i sample "$sample" "$year" "$OUT/d2i-sample.time"
    "$PY" "$HELPER" timing "footprint sample=$OUT/footprint-sample.time" "D2I sample=$OUT/d2i-sample.time" | tee -a "$SUMMARY"
    tail -1 "$OUT/d2i-sample.log" | tee -a "$SUMMARY"
    compare sample "$sample"
    say ""
    say "== the same, with each D2I rule given its own copy of the tables (see 'isolation' below)"
    run_d2i sample-isolated "$sample" "$year" "$OUT/d2i-sample-isolated.time" --isolated
    cp "$OUT/footprint-sample.json" "$OUT/footprint-sample-isolated.json"
    compare sample-isolated "$sample"
    say ""
    say "== D2I rules whose findings depend on the rules run before them (shared tables)"
    "$PY" "$HELPER" isolation "$sample" --year "$year" 2>/dev/null | grep -v '^{}$' | tee -a "$SUMMARY"
    dir="$OUT/gen-$first/$(latest_year "$OUT/gen-$first")"
    "$PY" "$HELPER" isolation "$dir" --year "$(basename "$dir")" 2>/dev/null | grep -v '^{}$' | tee -a "$SUMMARY"
    say ""
else
    say "(no sample data at $SAMPLE: skipped)"
fi

# 4. D2I on a return and on Footprint's export of it: the return imported
#    into a fresh SQLite database (with the year before it, as a council
#    would), the year exported, both given to D2I; what it finds in one and
#    not the other is printed (nothing, where the input was clean).
# roundtrip NAME DIR=YEAR... : the returns imported in that order; the last
# is the one exported and compared.
roundtrip() {
    local name="$1"
    shift
    local db="$OUT/rt-$name.sqlite" export="$OUT/rt-$name-export" dir="" year=""
    rm -rf "$db" "$db-wal" "$db-shm" "$export"
    "$FOOTPRINT" migrate --db "sqlite://$db" >"$OUT/rt-$name.import.txt" 2>&1 || die "cannot create $db"
    for pair in "$@"; do
        dir="${pair%=*}"
        year="${pair##*=}"
        # A refused import skips this comparison, not the steps after it.
        if ! "$FOOTPRINT" import ssda903 "$dir" --year "$year" --db "sqlite://$db" >>"$OUT/rt-$name.import.txt" 2>&1; then
            say "importing $dir ($year) was refused: see $OUT/rt-$name.import.txt (skipped)"
            return 0
        fi
    done
    "$FOOTPRINT" export ssda903 --year "$year" --out "$export" --db "sqlite://$db" >/dev/null \
        || die "exporting $year from $db failed"
    run_d2i "rt-$name-input" "$dir" "$year" "$OUT/d2i-rt-$name-input.time"
    run_d2i "rt-$name-export" "$export" "$year" "$OUT/d2i-rt-$name-export.time"
    "$PY" "$HELPER" roundtrip "$dir" "$OUT/d2i-rt-$name-input.json" "$export" "$OUT/d2i-rt-$name-export.json" \
        | tee "$OUT/roundtrip-$name.txt" | tee -a "$SUMMARY"
    "$PY" "$HELPER" roundtrip "$dir" "$OUT/d2i-rt-$name-input.json" "$export" "$OUT/d2i-rt-$name-export.json" \
        --markdown >"$OUT/roundtrip-$name.md"
}

n="$first"
gen="$OUT/gen-$n"
say "== D2I on the generated returns of $n children in care and on Footprint's export of them"
args=()
for dir in "$gen"/20*-*; do args+=("$dir=$(basename "$dir")"); done
roundtrip "gen-$n" "${args[@]}"
say ""
# A council whose latest year is 2026-27: every table, DoLo included.
gen="$OUT/gen-$n-2027"
rm -rf "$gen"
"$FOOTPRINT" generate --children-in-care "$n" --years 2 --seed "$SEED" --as-of 2027-06-01 --out "$gen" \
    >"$OUT/generate-$n-2027.txt"
say "== the same for a council as of 2027-06-01 (2025-26 and 2026-27, with DoLo)"
args=()
for dir in "$gen"/20*-*; do args+=("$dir=$(basename "$dir")"); done
roundtrip "gen-$n-2027" "${args[@]}"
say ""
if [ -d "$SAMPLE" ]; then
    # Footprint refuses a return with errors: the rows it finds errors in
    # are left out first (until none is left), and the rest is compared.
    sample="$OUT/sample"
    year="$("$PY" "$HELPER" infer-year "$sample")"
    kept="$OUT/sample-importable"
    rm -rf "$kept"
    cp -r "$sample" "$kept"
    for round in 1 2 3 4; do
        "$FOOTPRINT" validate ssda903 "$kept" --year "$year" --json >"$OUT/footprint-sample-importable.json" 2>/dev/null || true
        grep -q '"errors": \[\]' "$OUT/footprint-sample-importable.json" && break
        "$PY" "$HELPER" drop-refused "$kept" "$OUT/footprint-sample-importable.json" "$kept.next" \
            >"$OUT/sample-importable.$round.txt"
        rm -rf "$kept"
        mv "$kept.next" "$kept"
    done
    say "== D2I on D2I's sample, less the rows Footprint refuses ($(cat "$OUT"/sample-importable.*.txt 2>/dev/null | awk '{s += $2} END {print s + 0}') rows), and on Footprint's export of it"
    roundtrip sample "$kept=$year"
    say ""
fi

# 5. The rules comparing years: the first generated size's latest year with
#    the year before, and the five cs-demand-model returns.
gen="$OUT/gen-$first"
latest="$(latest_year "$gen")"
prev_dir="$(find "$gen" -mindepth 1 -maxdepth 1 -type d -name '20[0-9][0-9]-[0-9][0-9]' | sort | tail -2 | head -1)"
if [ -n "$prev_dir" ] && [ "$prev_dir" != "$gen/$latest" ]; then
    say "== $first children in care, $latest with $(basename "$prev_dir") as last year's return"
    run_fp "gen-$first-prev" "$gen/$latest" "$latest" "$OUT/footprint-gen-$first-prev.time" --previous "$prev_dir"
    run_d2i "gen-$first-prev" "$gen/$latest" "$latest" "$OUT/d2i-gen-$first-prev.time" --isolated --previous "$prev_dir"
    compare "gen-$first-prev" "$gen/$latest"
    say ""
fi
DEMAND="${DEMAND:-$ROOT/../shared/data/ssda903-outside/cs-demand-model}"
if [ -d "$DEMAND" ]; then
    last=""
    for src in "$DEMAND"/20[0-9][0-9]; do
        y="$(basename "$src")"
        year="$y-$(printf %02d $(((y + 1) % 100)))"
        dir="$OUT/demand/$y"
        rm -rf "$dir" && mkdir -p "$dir" && cp "$src"/*.csv "$dir"/
        with=""
        [ -z "$last" ] || with=", with $(basename "$last") as last year's return"
        say "== cs-demand-model $year$with"
        if [ -n "$last" ]; then
            run_fp "demand-$y" "$dir" "$year" "$OUT/footprint-demand-$y.time" --previous "$last"
            run_d2i "demand-$y" "$dir" "$year" "$OUT/d2i-demand-$y.time" --isolated --previous "$last"
        else
            run_fp "demand-$y" "$dir" "$year" "$OUT/footprint-demand-$y.time"
            run_d2i "demand-$y" "$dir" "$year" "$OUT/d2i-demand-$y.time" --isolated
        fi
        compare "demand-$y" "$dir"
        say ""
        last="$dir"
    done
else
    say "(no cs-demand-model returns at $DEMAND: skipped)"
fi

# 6. The rules ported last, which clean generated data never breaks: the
#    first size's latest year broken on purpose, with the year before.
if [ -n "$prev_dir" ] && [ "$prev_dir" != "$gen/$latest" ]; then
    broken="$OUT/gen-$first-broken"
    rm -rf "$broken"
    "$PY" "$HELPER" break-rules "$gen/$latest" "$broken" --year "$latest" | tee -a "$SUMMARY"
    say "== $first children in care, $latest with the rules ported last broken, $(basename "$prev_dir") as last year's return"
    run_fp "broken" "$broken" "$latest" "$OUT/footprint-broken.time" --previous "$prev_dir"
    run_d2i "broken" "$broken" "$latest" "$OUT/d2i-broken.time" --isolated --previous "$prev_dir"
    compare "broken" "$broken"
    say ""
fi

say "== speed and peak memory (median wall time of $REPEAT runs; ratios D2I / Footprint)"
for ((i = 0; i < ${#timing_args[@]}; i += 2)); do
    "$PY" "$HELPER" timing "${timing_args[i]}" "${timing_args[i + 1]}" | tee -a "$SUMMARY"
done
log "done: $SUMMARY"
