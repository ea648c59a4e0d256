#!/usr/bin/env bash
# Web load test: the demo council served by `footprint serve` on 127.0.0.1,
# first on SQLite, then on PostgreSQL, driven by wrk.
#
#     bench/load.sh                      # both databases, 15 s per page
#     DBS=sqlite DURATION=5s bench/load.sh
#
# For each database it:
#  1. makes the demo council (`footprint demo --no-serve`, or where that
#     does not exist `footprint generate --children-in-care $CHILDREN
#     --years 5 --seed 7 --db URL`) in a fresh database (SQLite: a file
#     under $BENCH_OUT; PostgreSQL: a throw-away server started by
#     .ci/postgres.sh in its own folder, stopped at the end), and adds two
#     users with random passwords: an IRO (the one with the largest open
#     caseload) and a manager;
#  2. starts `footprint serve` on 127.0.0.1 on a free port;
#  3. signs in as that IRO and that manager with curl (GET /sign-in
#     for the session cookie and the CSRF token in the form, then POST the
#     form), and checks each page answers 200 with that session;
#  4. runs `wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency` against
#     /caseload and /children/{a child on that caseload} (as the IRO) and
#     /dashboard (as the manager), and checks the session still works after;
#  5. prints the latency of one request at a time (median of $SEQUENTIAL),
#     then wrk's requests/s, latency percentiles and any non-2xx/3xx answers
#     or time-outs (wrk --timeout $TIMEOUT).
#
# Only 127.0.0.1 is ever a target. Each wrk run is bounded by $DURATION.
# Output: $BENCH_OUT (default target/bench/load): wrk-*.txt, summary.txt.
#
# Environment: FOOTPRINT (default target/release/footprint), DBS ("sqlite
# postgres"), THREADS (2), CONNECTIONS (8), DURATION (15s), TIMEOUT (60s),
# SEQUENTIAL (5), CHILDREN (600), BENCH_OUT.
set -euo pipefail
BENCH_NAME=load.sh
. "$(dirname "$0")/lib.sh"

DBS="${DBS:-sqlite postgres}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-8}"
DURATION="${DURATION:-15s}"
CHILDREN="${CHILDREN:-600}"
# wrk's own default (2 s) would count every slower answer as a time-out and
# leave the latency percentiles empty.
TIMEOUT="${TIMEOUT:-60s}"
SEQUENTIAL="${SEQUENTIAL:-5}"
OUT="${BENCH_OUT:-$ROOT/target/bench/load}"
HOST=127.0.0.1

find_footprint debug
need_subcommands serve user generate
need wrk wrk
need curl curl

start_summary "$OUT/summary.txt"

SERVER_PID=""
PG_STARTED=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
    if [ -n "$PG_STARTED" ]; then
        FOOTPRINT_PG_DIR="$PG_STARTED" .ci/postgres.sh stop || true
        PG_STARTED=""
    fi
}
trap cleanup EXIT

free_port() {
    local p
    for p in $(seq 18080 18180); do
        if ! (exec 3<>"/dev/tcp/$HOST/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port between 18080 and 18180"
}

# sql DB URL QUERY: one value from the database (sqlite3 or psql).
sql() {
    case "$1" in
        sqlite) sqlite3 "${2#sqlite://}" "$3" ;;
        postgres) psql -tA "$2" -c "$3" ;;
    esac
}

# sign_in JAR USER PASSWORD: the session cookie for that user in JAR.
sign_in() {
    local jar="$1" user="$2" password="$3" base="http://$HOST:$PORT"
    rm -f "$jar"
    local page token status
    page="$(curl -sS -c "$jar" -b "$jar" "$base/sign-in")"
    token="$(printf '%s' "$page" | sed -n 's/.*name="csrf_token" value="\([0-9a-f]*\)".*/\1/p' | head -1)"
    [ -n "$token" ] || die "no csrf_token in the sign-in form"
    status="$(curl -sS -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
        -H "Origin: $base" \
        --data-urlencode "csrf_token=$token" \
        --data-urlencode "username=$user" \
        --data-urlencode "password=$password" \
        "$base/sign-in")"
    [ "$status" = 303 ] || [ "$status" = 302 ] || die "signing in as $user answered $status (expected a redirect)"
}

# The Cookie header value for a jar (every cookie in it).
cookie_header() {
    awk 'BEGIN{FS="\t"} !/^#/ || /^#HttpOnly_/ { if (NF >= 7) printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"
}

# expect_200 JAR PATH: the page answers 200 to that session.
expect_200() {
    local status
    status="$(curl -sS -o "$OUT/last-page.html" -w '%{http_code}' -b "$1" "http://$HOST:$PORT$2")"
    [ "$status" = 200 ] || die "GET $2 answered $status (expected 200): the session or the page is broken"
}

run_wrk() {
    local db="$1" name="$2" jar="$3" path="$4" file
    file="$OUT/wrk-$db-$name.txt"
    expect_200 "$jar" "$path"
    log "$db: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $path"
    # One request at a time first: the latency of a page on an idle server.
    local one
    one="$(for _ in $(seq 1 "$SEQUENTIAL"); do
        curl -sS -o /dev/null -w '%{time_total}\n' -b "$jar" "http://$HOST:$PORT$path"
    done | sort -n | awk '{v[NR] = $1} END {printf "%.3fs", v[int((NR + 1) / 2)]}')"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$TIMEOUT" --latency \
        -H "Cookie: $(cookie_header "$jar")" "http://$HOST:$PORT$path" >"$file"
    # A session that expired mid-run would turn every answer into a redirect
    # to /sign-in, which wrk counts as a success: check it is still good.
    expect_200 "$jar" "$path"
    local rps p50 p75 p90 p99 errs non2xx
    rps="$(awk '/^Requests\/sec/ {print $2}' "$file")"
    p50="$(awk '$1=="50%" {print $2}' "$file")"
    p75="$(awk '$1=="75%" {print $2}' "$file")"
    p90="$(awk '$1=="90%" {print $2}' "$file")"
    p99="$(awk '$1=="99%" {print $2}' "$file")"
    non2xx="$(awk '/Non-2xx or 3xx responses/ {print $NF}' "$file")"
    errs="$(awk '/Socket errors/ {sub(/^ *Socket errors: */, ""); print}' "$file")"
    printf '%-9s %-22s %9s %10s %9s %9s %9s %9s  %s\n' "$db" "$path" "$one" "$rps" "$p50" "$p75" "$p90" "$p99" \
        "${non2xx:+non-2xx/3xx: $non2xx }${errs:+socket errors: $errs}" | tee -a "$SUMMARY"
}

bench_db() {
    local db="$1" url
    case "$db" in
        sqlite)
            rm -f "$OUT"/load.db "$OUT"/load.db-*
            url="sqlite://$OUT/load.db"
            ;;
        postgres)
            local pgdir="$OUT/pg"
            log "starting a throw-away PostgreSQL in $pgdir"
            local line="" attempt
            # postgres.sh picks a port that is free when it looks; another
            # server starting at the same moment can take it: try again.
            for attempt in 1 2 3 4 5; do
                if line="$(FOOTPRINT_PG_DIR="$pgdir" .ci/postgres.sh 2>>"$OUT/postgres.log")"; then
                    break
                fi
                line=""
                log "PostgreSQL did not start (attempt $attempt): see $OUT/postgres.log"
                sleep 5
            done
            [ -n "$line" ] || die "PostgreSQL did not start: see $OUT/postgres.log"
            PG_STARTED="$pgdir"
            local base="${line#export FOOTPRINT_TEST_POSTGRES=}"
            psql -q "$base" -c 'DROP DATABASE IF EXISTS footprint_load' -c 'CREATE DATABASE footprint_load' >&2
            url="${base%/*}/footprint_load"
            ;;
        *) die "unknown database $db (sqlite or postgres)" ;;
    esac

    # The demo council: `footprint demo --no-serve` where it exists, else the
    # generator with the demo's parameters.
    if "$FOOTPRINT" demo --help >/dev/null 2>&1; then
        log "$db: footprint demo --no-serve"
        "$FOOTPRINT" demo --db "$url" --no-serve --fresh --children-in-care "$CHILDREN" --seed 7 \
            --out "$OUT/demo-output-$db" >"$OUT/demo-$db.txt" 2>&1 \
            || die "footprint demo failed: see $OUT/demo-$db.txt"
    else
        log "$db: footprint generate --children-in-care $CHILDREN --years 5 --seed 7 --db ..."
        "$FOOTPRINT" generate --children-in-care "$CHILDREN" --years 5 --seed 7 --db "$url" \
            >"$OUT/demo-$db.txt" 2>&1 || die "footprint generate failed: see $OUT/demo-$db.txt"
    fi
    # Our own two users, with a random password each (given on standard
    # input, never as an argument): the IRO with the largest open caseload,
    # and a manager.
    local iro_id
    iro_id="$(sql "$db" "$url" "SELECT iro FROM allocations WHERE to_date IS NULL GROUP BY iro ORDER BY count(*) DESC, iro LIMIT 1")"
    [ -n "$iro_id" ] || die "the council has no IRO with an open allocation"
    local iro_pw manager_pw
    iro_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    manager_pw="$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
    printf '%s\n' "$iro_pw" | "$FOOTPRINT" user add --db "$url" --name bench-iro --role iro --iro-id "$iro_id" \
        --password-stdin >&2
    printf '%s\n' "$manager_pw" | "$FOOTPRINT" user add --db "$url" --name bench-manager --role manager \
        --password-stdin >&2

    PORT="$(free_port)"
    log "$db: footprint serve on $HOST:$PORT"
    RUST_LOG=warn "$FOOTPRINT" serve --db "$url" --addr "$HOST:$PORT" \
        >"$OUT/serve-$db.log" 2>&1 &
    SERVER_PID=$!
    local up=""
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "http://$HOST:$PORT/sign-in"; then up=1; break; fi
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$up" ] || die "the server did not answer on $HOST:$PORT: see $OUT/serve-$db.log"

    sign_in "$OUT/iro.jar" bench-iro "$iro_pw"
    sign_in "$OUT/manager.jar" bench-manager "$manager_pw"
    expect_200 "$OUT/iro.jar" /caseload
    local child
    child="$(sed -n 's/.*href="\/children\/\([^"/]*\)".*/\1/p' "$OUT/last-page.html" | head -1)"
    [ -n "$child" ] || die "the IRO's caseload lists no child"
    local children
    children="$(grep -c 'href="/children/' "$OUT/last-page.html" || true)"
    say "$db: demo council served by $FOOTPRINT; the IRO's caseload lists $children children"

    run_wrk "$db" caseload "$OUT/iro.jar" /caseload
    run_wrk "$db" child "$OUT/iro.jar" "/children/$child"
    run_wrk "$db" dashboard "$OUT/manager.jar" /dashboard
    cleanup
}

say "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT --latency, on $(nproc) cores (server and wrk on the same machine); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "'1 at a time': median of $SEQUENTIAL sequential requests (curl time_total) before the wrk run; p50-p99: wrk's latency under load"
printf '%-9s %-22s %9s %10s %9s %9s %9s %9s\n' db page "1 at a time" req/s p50 p75 p90 p99 | tee -a "$SUMMARY"
for db in $DBS; do
    bench_db "$db"
done
log "done: $SUMMARY"
