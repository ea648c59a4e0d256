#!/usr/bin/env bash
# Start a throw-away PostgreSQL for the store tests and print the line that
# points them at it:
#
#     eval "$(.ci/postgres.sh)"        # sets FOOTPRINT_TEST_POSTGRES
#     cargo test -p footprint-store
#
# The line is also written to $FOOTPRINT_PG_DIR/env (for `.ci/run` to
# source). Everything else goes to stderr.
#
# - Installs Debian's `postgresql` package when initdb/pg_ctl are missing.
# - Data directory under $FOOTPRINT_PG_DIR (default ${TMPDIR:-/tmp}/footprint-pg).
# - Runs the server as the non-root `postgres` user when run as root,
#   listening on 127.0.0.1 only, on a free port, with trust authentication
#   and fsync off (test data only).
# - Idempotent: if the server from an earlier run is still up it is reused;
#   if its directory is there but the server is down, it is started again.
#
# Stop it with:  .ci/postgres.sh stop
set -euo pipefail

DIR="${FOOTPRINT_PG_DIR:-${TMPDIR:-/tmp}/footprint-pg}"
DATA="$DIR/data"
ENV_FILE="$DIR/env"
PORT_FILE="$DIR/port"

log() { echo "postgres.sh: $*" >&2; }

find_bin() {
    # The newest /usr/lib/postgresql/N/bin holding initdb, else PATH.
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
            echo "$d"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

BIN="$(find_bin || true)"
if [ -z "$BIN" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' first"
        exit 1
    fi
    log "installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends postgresql >&2; then
        apt-get update >&2
        apt-get install -y --no-install-recommends postgresql >&2
    fi
    BIN="$(find_bin)" || { log "PostgreSQL installed but initdb not found"; exit 1; }
fi

# Run a PostgreSQL binary as the `postgres` user when we are root (the server
# refuses to run as root), else as ourselves.
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

if [ "${1:-}" = "stop" ]; then
    if [ -d "$DATA" ]; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
    fi
    exit 0
fi

port_free() {
    # Nothing answers on 127.0.0.1:$1.
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

print_env() {
    local line="export FOOTPRINT_TEST_POSTGRES=postgres://postgres@127.0.0.1:$1/postgres"
    echo "$line" >"$ENV_FILE"
    echo "$line"
}

mkdir -p "$DIR"
if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$DIR"
fi

# Already running from an earlier call?
if [ -f "$PORT_FILE" ] && [ -d "$DATA" ] && as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
    PORT="$(cat "$PORT_FILE")"
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
        log "reusing the server on port $PORT"
        print_env "$PORT"
        exit 0
    fi
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
    rm -rf "$DATA"
    log "initdb $DATA"
    as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null 2>&1 \
        || as_pg "$BIN/initdb" -D "$DATA" -A trust -U postgres --no-sync -E UTF8 --locale=C >&2
fi

PORT=""
for p in $(seq 54329 54400); do
    if port_free "$p"; then
        PORT="$p"
        break
    fi
done
[ -n "$PORT" ] || { log "no free port between 54329 and 54400"; exit 1; }

log "starting PostgreSQL ($BIN) on 127.0.0.1:$PORT"
as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 30 \
    -o "-h 127.0.0.1 -p $PORT -k $DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >&2 || { log "the server did not start; its log:"; cat "$DIR/server.log" >&2; exit 1; }

for _ in $(seq 1 50); do
    if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
        echo "$PORT" >"$PORT_FILE"
        print_env "$PORT"
        exit 0
    fi
    sleep 0.1
done
log "the server started but does not answer on port $PORT"
exit 1
