# Shared by the bench scripts: `. "$(dirname "$0")/lib.sh"` after setting
# BENCH_NAME (the name a script's messages start with). It sets ROOT (the
# repository) and moves there.
#
#   log MSG / die MSG        a message on standard error (die: and exit 2)
#   usage                    the script's header comment, then exit 2
#   need COMMAND PACKAGE     install Debian's PACKAGE if COMMAND is missing (as root)
#   find_footprint [debug]   FOOTPRINT, else target/release/footprint (with
#                            `debug`: else target/debug/footprint, with a warning)
#   need_subcommands SUB...  FOOTPRINT has each subcommand
#   pip_venv VENV PKG VER    VENV/bin/python with PKG==VER installed (PY is set)
#   write_returns N DIR      DIR/YYYY-YY/*.csv: five returns of N in care
#                            (`footprint generate`, SEED and AS_OF), once

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

log() { echo "${BENCH_NAME:-bench}: $*" >&2; }
die() { log "$*"; exit 2; }

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
}

need() {
    if [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; then return 0; fi
    [ "$(id -u)" -eq 0 ] || die "$1 is missing: apt-get install -y $2"
    log "installing Debian's $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$2" >&2; }
}

find_footprint() {
    [ -n "${FOOTPRINT:-}" ] && return 0
    if [ -x "$ROOT/target/release/footprint" ]; then
        FOOTPRINT="$ROOT/target/release/footprint"
    elif [ "${1:-}" = debug ] && [ -x "$ROOT/target/debug/footprint" ]; then
        FOOTPRINT="$ROOT/target/debug/footprint"
        log "using the DEBUG build (figures are not representative): cargo build --release -p footprint"
    else
        die "no release binary: build it with 'cargo build --release -p footprint' or set FOOTPRINT"
    fi
}

need_subcommands() {
    local sub
    for sub in "$@"; do
        # shellcheck disable=SC2086 # "validate ssda903" is two words
        "$FOOTPRINT" $sub --help >/dev/null 2>&1 || die "$FOOTPRINT has no '$sub' subcommand"
    done
}

pip_venv() {
    local venv="$1" pkg="$2" version="$3" have
    PY="$venv/bin/python"
    if [ ! -x "$PY" ]; then
        log "creating $venv"
        "${PYTHON:-python3}" -m venv "$venv"
    fi
    have="$("$PY" -m pip show "$pkg" 2>/dev/null | sed -n 's/^Version: //p' || true)"
    if [ "$have" != "$version" ]; then
        log "pip install $pkg==$version"
        "$PY" -m pip install --quiet "$pkg==$version" >&2
    fi
}

write_returns() {
    local n="$1" dir="$2"
    if [ -d "$dir" ] && [ -n "$(ls -d "$dir"/20??-?? 2>/dev/null)" ]; then return 0; fi
    find_footprint
    need /usr/bin/time time
    log "writing the returns of $n in care (5 years, seed $SEED, as of $AS_OF) into $dir"
    rm -rf "$dir.tmp"
    mkdir -p "$(dirname "$dir")"
    /usr/bin/time -v -o "$(dirname "$dir")/generate-$n.time" \
        "$FOOTPRINT" generate --children-in-care "$n" --years 5 --seed "$SEED" --as-of "$AS_OF" \
        --out "$dir.tmp" >"$(dirname "$dir")/generate-$n.txt"
    mv "$dir.tmp" "$dir"
}

# SUMMARY (a file, emptied unless KEEP_SUMMARY=1) and `say MSG`: MSG on
# standard output and at the end of SUMMARY.
start_summary() {
    SUMMARY="$1"
    mkdir -p "$(dirname "$SUMMARY")"
    [ "${KEEP_SUMMARY:-0}" != 0 ] || : >"$SUMMARY"
}
say() { echo "$*" | tee -a "$SUMMARY"; }

# Wall time, CPU time (user + system) and peak RSS from a /usr/bin/time -v
# file: "12.34 s (CPU 10.20 s), 940 MiB". On a busy machine the CPU time
# says more than the wall time.
timing() {
    awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
                /User time \(seconds\)/ { u = $2 }
                /System time \(seconds\)/ { k = $2 }
                /Maximum resident set size/ { r = $2 }
                END { printf "%.2f s (CPU %.2f s), %d MiB", s, u + k, r / 1024 }' "$1"
}
