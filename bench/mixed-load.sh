#!/usr/bin/env bash
# Mixed read/write web load: wrk on an IRO's caseload while a second client
# records a review through the real form every 2 s; and single requests of
# the caseload, a child's page and the dashboard, warm and right after a
# write. SQLite, `footprint serve` on 127.0.0.1 only.
#
#     bench/mixed-load.sh CHILDREN_IN_CARE [COUNCIL_DB]
#     bench/mixed-load.sh 600                    # generate (or reuse) a council of 600 in care
#     DURATION=60 SAMPLES=3 bench/mixed-load.sh 9600
#     FOOTPRINT=/path/to/footprint bench/mixed-load.sh 600 target/bench/mixed/council-600-seed7-2025-06-01.db
#
# What it does:
#  1. The council: COUNCIL_DB if given (an SQLite file), else
#     target/bench/mixed/council-N-seed$SEED-$AS_OF.db, made once by
#     `footprint generate --children-in-care N --years 5 --seed $SEED
#     --as-of $AS_OF --db sqlite://FILE` and reused after that. The server
#     always gets a fresh copy ($BENCH_OUT/run.db, by sqlite3 .backup): the
#     council file itself is never written to, so runs start equal.
#  2. Adds two users with random passwords (given on standard input): an IRO
#     (the one with the most open allocations) and a manager. The writer's
#     child: the child on that IRO's caseload whose open episode started
#     earliest, so that every date walking back from today is in care.
#  3. `footprint serve` on 127.0.0.1 (a free port from 18180 up).
#  4. Single requests, one at a time (bench/mixed_load.py probe): the
#     caseload and the child's page (as the IRO) and the dashboard (as the
#     manager), $SAMPLES times each warm; then $SAMPLES times each: record a
#     review (GET form, POST), then time the first request of the page after
#     the write, and the one after that.
#  5. wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout $TIMEOUT --latency
#     on /caseload with no writer (BASELINE=1, the default), then the same
#     while bench/mixed_load.py writer records a review every $EVERY s
#     through the form (GET /children/C/reviews/new for the csrf_token, POST
#     /children/C/reviews, GET the child's page it redirects to), each with
#     a new date walking back a day at a time from today. The writer signs
#     in before wrk starts; a write that answers an error or times out is
#     recorded as failed (writes.tsv, summary) and the writer goes on.
#     With PERF=1 (and BASELINE=1), `perf record --call-graph dwarf -p SERVER` runs during the
#     wrk run with no writer, and perf-serve.txt lists the top functions.
#  Between phases it waits (at most $DRAIN_MAX s) for the server to go idle:
#  requests wrk gave up on may still be running.
#
# Output in $BENCH_OUT (default target/bench/mixed/N): summary.txt,
# wrk-*.txt, writes.tsv (each write's timings), probe.tsv, serve.log.
#
# Environment: FOOTPRINT (default target/release/footprint), DURATION (30,
# seconds), THREADS (2), CONNECTIONS (8), TIMEOUT (wrk's, 60s), EVERY (2),
# SAMPLES (5; 0 skips step 4), BASELINE (1; 0 skips the wrk run alone),
# PERF (0), PERF_FREQ (99), SEED (7), AS_OF (2025-06-01, the generator's
# default: the council is the same on any day; the server's "today" is the
# real date), REQ_TIMEOUT (300, seconds, any single request of the helper or
# curl), DRAIN_MAX (600), BENCH_OUT, PYTHON (python3).
set -euo pipefail
BENCH_NAME=mixed-load.sh
. "$(dirname "$0")/lib.sh"

[ $# -ge 1 ] && [ $# -le 2 ] || usage
case "$1" in -h|--help) usage ;; esac
N="$1"
[[ "$N" =~ ^[0-9]+$ ]] || usage
COUNCIL="${2:-}"

DURATION="${DURATION:-30}"
DURATION="${DURATION%s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-8}"
TIMEOUT="${TIMEOUT:-60s}"
EVERY="${EVERY:-2}"
SAMPLES="${SAMPLES:-5}"
BASELINE="${BASELINE:-1}"
PERF="${PERF:-0}"
PERF_FREQ="${PERF_FREQ:-99}"
SEED="${SEED:-7}"
AS_OF="${AS_OF:-2025-06-01}"
REQ_TIMEOUT="${REQ_TIMEOUT:-300}"
DRAIN_MAX="${DRAIN_MAX:-600}"
PYTHON="${PYTHON:-python3}"
OUT="${BENCH_OUT:-$ROOT/target/bench/mixed/$N}"
CACHE="$ROOT/target/bench/mixed"
HELPER="$ROOT/bench/mixed_load.py"
HOST=127.0.0.1

find_footprint
need_subcommands serve user generate
need wrk wrk
need curl curl
need sqlite3 sqlite3
command -v "$PYTHON" >/dev/null || die "no $PYTHON"
[ "$PERF" = 0 ] || need perf linux-perf

mkdir -p "$OUT" "$CACHE"
start_summary "$OUT/summary.txt"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

SERVER_PID=""
WRITER_PID=""
cleanup() {
    if [ -n "$WRITER_PID" ] && kill -0 "$WRITER_PID" 2>/dev/null; then
        kill "$WRITER_PID" 2>/dev/null || true
    fi
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap cleanup EXIT

# 1. The council, and a fresh copy of it to serve.
if [ -z "$COUNCIL" ]; then
    COUNCIL="$CACHE/council-$N-seed$SEED-$AS_OF.db"
    if [ ! -s "$COUNCIL" ]; then
        log "generating $N children in care (5 years, seed $SEED, as of $AS_OF) into $COUNCIL"
        rm -f "$COUNCIL.tmp" "$COUNCIL.tmp-"*
        "$FOOTPRINT" generate --children-in-care "$N" --years 5 --seed "$SEED" --as-of "$AS_OF" \
            --db "sqlite://$COUNCIL.tmp" >"$CACHE/generate-$N.txt" 2>&1 \
            || die "footprint generate failed: see $CACHE/generate-$N.txt"
        sqlite3 "$COUNCIL.tmp" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
        mv "$COUNCIL.tmp" "$COUNCIL"
        rm -f "$COUNCIL.tmp-"*
    fi
fi
[ -s "$COUNCIL" ] || die "no council database at $COUNCIL"
DB="$OUT/run.db"
rm -f "$DB" "$DB"-*
sqlite3 "$COUNCIL" ".backup '$DB'"
URL="sqlite://$DB"
count() { sqlite3 "$DB" "SELECT count(*) FROM $1"; }
COUNTS="$(count children) children, $(count episodes) episodes, $(count reviews) reviews, $(count allocations) allocations"

# 2. Users and the writer's child.
IRO_ID="$(sqlite3 "$DB" "SELECT iro FROM allocations WHERE to_date IS NULL GROUP BY iro ORDER BY count(*) DESC, iro LIMIT 1")"
[ -n "$IRO_ID" ] || die "the council has no IRO with an open allocation"
CHILD="$(sqlite3 "$DB" "SELECT a.child FROM allocations a JOIN episodes e ON e.child = a.child AND e.end_date IS NULL
    WHERE a.iro = '$IRO_ID' AND a.to_date IS NULL AND a.from_date <= date('now')
    ORDER BY e.start_date, a.child LIMIT 1")"
[ -n "$CHILD" ] || die "IRO $IRO_ID has no child with an open episode"
SUFFIX="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
IRO_USER="bench-iro-$SUFFIX"
MANAGER_USER="bench-manager-$SUFFIX"
BENCH_IRO_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
BENCH_MANAGER_PASSWORD="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
export BENCH_IRO_PASSWORD BENCH_MANAGER_PASSWORD
printf '%s\n' "$BENCH_IRO_PASSWORD" | "$FOOTPRINT" user add --db "$URL" --name "$IRO_USER" --role iro \
    --iro-id "$IRO_ID" --password-stdin >/dev/null
printf '%s\n' "$BENCH_MANAGER_PASSWORD" | "$FOOTPRINT" user add --db "$URL" --name "$MANAGER_USER" \
    --role manager --password-stdin >/dev/null
DATE_FILE="$OUT/next-review-date"
date +%F >"$DATE_FILE"

# 3. The server.
free_port() {
    local p
    for p in $(seq 18180 18280); do
        if ! (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    die "no free port between 18180 and 18280"
}
PORT="$(free_port)"
BASE="http://$HOST:$PORT"
log "footprint serve on $HOST:$PORT ($COUNTS)"
RUST_LOG=warn "$FOOTPRINT" serve --db "$URL" --addr "$HOST:$PORT" >"$OUT/serve.log" 2>&1 &
SERVER_PID=$!
up=""
for _ in $(seq 1 "$((REQ_TIMEOUT * 10))"); do
    if curl -s -o /dev/null --max-time 5 "$BASE/sign-in"; then up=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
[ -n "$up" ] || die "the server did not answer on $HOST:$PORT: see $OUT/serve.log"

# wrk's session (curl, as bench/load.sh signs in).
JAR="$OUT/iro.jar"
rm -f "$JAR"
page="$(curl -sS -c "$JAR" -b "$JAR" "$BASE/sign-in")"
token="$(printf '%s' "$page" | sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' | head -1)"
[ -n "$token" ] || die "no csrf_token in the sign-in form"
status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" -H "Origin: $BASE" \
    --data-urlencode "csrf_token=$token" --data-urlencode "username=$IRO_USER" \
    --data-urlencode "password=$BENCH_IRO_PASSWORD" "$BASE/sign-in")"
[ "$status" = 303 ] || [ "$status" = 302 ] || die "signing in answered $status"
COOKIE="$(awk 'BEGIN{FS="\t"} !/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$JAR")"
expect_200() {
    local status
    status="$(curl -sS -o "$OUT/last-page.html" -w '%{http_code}' --max-time "$REQ_TIMEOUT" -b "$JAR" "$BASE$1")"
    [ "$status" = 200 ] || die "GET $1 answered $status (expected 200)"
}
log "first request (loads the council): GET /caseload"
t0=$(date +%s%N)
expect_200 /caseload
first_load="$(awk -v a="$t0" -v b="$(date +%s%N)" 'BEGIN {printf "%.2f", (b - a) / 1e9}')"
ON_CASELOAD="$(grep -c 'href="/children/' "$OUT/last-page.html" || true)"
# The caseload is paged (50 to a page): look the child up by its identifier.
expect_200 "/caseload?q=$CHILD"
grep -q "/children/$CHILD\"" "$OUT/last-page.html" || die "the writer's child $CHILD is not on the IRO's caseload"

say "mixed-load.sh $N: $FOOTPRINT ($("$FOOTPRINT" --version 2>/dev/null || echo '?')), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "council: $COUNCIL ($COUNTS); served from a copy, SQLite"
say "IRO $IRO_ID, caseload page lists $ON_CASELOAD children; the writer's child: $CHILD; first GET /caseload after start: ${first_load}s"

# The server's CPU ticks (user+system), to wait until it is idle.
ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
drain() {
    local waited=0 a b
    while [ "$waited" -lt "$DRAIN_MAX" ]; do
        a="$(ticks)"; sleep 1; b="$(ticks)"
        waited=$((waited + 1))
        # Under 5% of one core for a second: idle.
        [ $((b - a)) -le 5 ] && { [ "$waited" -gt 1 ] && log "server idle after ${waited}s"; return 0; }
    done
    log "the server was still busy after ${DRAIN_MAX}s"
}

# 4. Single requests, warm and right after a write.
if [ "$SAMPLES" -gt 0 ]; then
    log "single requests: $SAMPLES warm and $SAMPLES after a write, each page"
    say "load average before the single requests: $(loadavg)"
    "$PYTHON" "$HELPER" probe --base "$BASE" --iro-user "$IRO_USER" --manager-user "$MANAGER_USER" \
        --child "$CHILD" --date-file "$DATE_FILE" --samples "$SAMPLES" --timeout "$REQ_TIMEOUT" \
        --out "$OUT/probe.tsv"
    "$PYTHON" "$HELPER" summary --probe "$OUT/probe.tsv" | tee -a "$SUMMARY"
    drain
fi

# 5. wrk on the caseload, without and with the writer.
wrk_line() {
    local f="$1" reqs rps p50 p75 p90 p99 errs non2xx
    reqs="$(awk '/requests in/ {print $1}' "$f")"
    rps="$(awk '/^Requests\/sec/ {print $2}' "$f")"
    p50="$(awk '$1=="50%" {print $2}' "$f")"
    p75="$(awk '$1=="75%" {print $2}' "$f")"
    p90="$(awk '$1=="90%" {print $2}' "$f")"
    p99="$(awk '$1=="99%" {print $2}' "$f")"
    non2xx="$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$f")"
    errs="$(awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); print}' "$f")"
    echo "requests ${reqs:-0}, ${rps:-0} req/s; p50 ${p50:-–}, p75 ${p75:-–}, p90 ${p90:-–}, p99 ${p99:-–}${non2xx:+; non-2xx/3xx: $non2xx}${errs:+; socket errors: $errs}"
}
run_wrk() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "$TIMEOUT" --latency \
        -H "Cookie: $COOKIE" "$BASE/caseload" >"$1"
}
WRK="wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout $TIMEOUT --latency"
if [ "$BASELINE" = 1 ]; then
    log "$WRK /caseload, no writer"
    say "load average before wrk alone: $(loadavg)"
    PERF_PID=""
    if [ "$PERF" != 0 ]; then
        perf record -F "$PERF_FREQ" --call-graph dwarf,16384 -p "$SERVER_PID" -o "$OUT/perf-serve.data" \
            -- sleep "$DURATION" >"$OUT/perf-serve.log" 2>&1 &
        PERF_PID=$!
    fi
    run_wrk "$OUT/wrk-caseload.txt"
    if [ -n "$PERF_PID" ]; then
        wait "$PERF_PID" || true
        perf report -i "$OUT/perf-serve.data" --no-children --percent-limit 1 --stdio -g none \
            >"$OUT/perf-serve.txt" 2>/dev/null || true
        perf report -i "$OUT/perf-serve.data" --children --percent-limit 3 --stdio -g none \
            >"$OUT/perf-serve-inclusive.txt" 2>/dev/null || true
    fi
    say "caseload, no writer ($WRK): $(wrk_line "$OUT/wrk-caseload.txt")"
    drain
    expect_200 /caseload
fi

log "$WRK /caseload, with a review recorded every ${EVERY}s"
say "load average before wrk with the writer: $(loadavg)"
# The writer signs in first (at 9,600 in care a sign-in during the wrk run
# answered 500), then creates the ready file and starts writing: wrk starts
# then too.
rm -f "$OUT/writer.ready"
"$PYTHON" "$HELPER" writer --base "$BASE" --user "$IRO_USER" --child "$CHILD" --date-file "$DATE_FILE" \
    --every "$EVERY" --duration "$DURATION" --timeout "$REQ_TIMEOUT" --out "$OUT/writes.tsv" \
    --ready "$OUT/writer.ready" 2>"$OUT/writer.log" &
WRITER_PID=$!
for _ in $(seq 1 "$((REQ_TIMEOUT * 10))"); do
    [ -e "$OUT/writer.ready" ] && break
    kill -0 "$WRITER_PID" 2>/dev/null || die "the writer stopped: $(tail -1 "$OUT/writer.log")"
    sleep 0.1
done
[ -e "$OUT/writer.ready" ] || die "the writer did not sign in within ${REQ_TIMEOUT}s"
run_wrk "$OUT/wrk-caseload-writer.txt"
writer_ok=0
wait "$WRITER_PID" || writer_ok=$?
WRITER_PID=""
say "caseload, writer every ${EVERY}s ($WRK): $(wrk_line "$OUT/wrk-caseload-writer.txt")"
[ "$writer_ok" = 0 ] || say "the writer stopped with an error ($writer_ok): $(tail -1 "$OUT/writer.log")"
"$PYTHON" "$HELPER" summary --writes "$OUT/writes.tsv" --every "$EVERY" | tee -a "$SUMMARY"
say "load average after: $(loadavg); server peak RSS: $(awk '/VmHWM/ {printf "%d MiB", $2 / 1024}' "/proc/$SERVER_PID/status")"
drain
# The session still works (a lost one would make wrk count redirects as successes).
expect_200 /caseload
cleanup
log "done: $SUMMARY"
