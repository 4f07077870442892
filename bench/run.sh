#!/usr/bin/env bash
# bench/run.sh: every benchmark in turn, each table printed as it comes,
# then all of them in bench/RESULTS.md with the date, the git revision, the
# machine, and every target marked held or missed.  See bench/README.md.
#
#   bench/run.sh               (the dev stack must be up: scripts/dev.sh up;
#                               started here when var/stack.env is missing)
#
# Knobs: the benches' own (DURATION, ROUNDS, COUNT, ...; set them on the
# command line and they reach every bench), RESULTS=bench/RESULTS.md (where
# to write), and bench/results-notes.md, when it exists, is copied in as
# the notes: why a target was missed, what the machine was doing.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS=${RESULTS:-$ROOT/bench/RESULTS.md}
NOTES=$ROOT/bench/results-notes.md
cd "$ROOT"
[ -f var/stack.env ] || scripts/dev.sh up
# shellcheck disable=SC1091
. var/stack.env

OUT=$(mktemp -d /tmp/authd-bench-run.XXXXXX)
trap 'rm -rf "$OUT"' EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for bench in validate revocation login; do
    printf 'run.sh: bench/%s.sh\n' "$bench" >&2
    rc=0
    "bench/$bench.sh" > "$OUT/$bench.txt" || rc=$?
    cat "$OUT/$bench.txt"
    [ "$rc" = 0 ] || echo "bench/$bench.sh failed (exit $rc)" >> "$OUT/$bench.txt"
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

dirty=
git diff --quiet HEAD -- src nginx bench 2>/dev/null || dirty=" (with uncommitted changes)"
{
    echo "# authd benchmark results"
    echo
    echo "Written by \`bench/run.sh\` (see bench/README.md for what each bench does)."
    echo
    echo "- date: $STARTED to $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- git: $(git rev-parse --short HEAD)$dirty"
    echo "- machine: $(nproc) CPUs, $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n 1)," \
        "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) of memory," \
        "Linux $(uname -r), $(nginx -v 2>&1 | sed 's/^nginx version: //'), PostgreSQL $("$PGBIN/postgres" --version | awk '{ print $3 }')"
    echo "- load average (1, 5, 15 min): $LOAD_BEFORE before, $LOAD_AFTER after"
    echo
    echo "## Targets"
    echo
    echo '```text'
    grep -hE '(holds|MISSED)' "$OUT"/validate.txt "$OUT"/revocation.txt "$OUT"/login.txt || true
    echo '```'
    for bench in validate revocation login; do
        echo
        echo "## bench/$bench.sh"
        echo
        echo '```text'
        cat "$OUT/$bench.txt"
        echo '```'
    done
    if [ -f "$NOTES" ]; then
        echo
        cat "$NOTES"
    fi
} > "$RESULTS"
printf 'run.sh: wrote %s\n' "$RESULTS" >&2
