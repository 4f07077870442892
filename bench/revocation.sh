#!/usr/bin/env bash
# bench/revocation.sh: how long a revoked session's access token is still
# admitted, under load, through the uncached protected location and
# through the micro-cache.  See bench/README.md.
#
#   bench/revocation.sh        (the dev stack must be up: scripts/dev.sh up)
#
# Knobs (environment): COUNT=200 (revocations per location), THREADS=4
# (revocations in flight at once), CONNECTIONS=16 (wrk's background load),
# BENCH_PORT=38090 (its nginx: the site there, the protected host on +1).
#
# It starts its own authd master with the bench profile (limits out of the
# way) and nginx (bench/bench_stack.sh).  For each location, wrk keeps
# CONNECTIONS connections busy presenting 64 other sessions' tokens, and
# bench/revocation_driver.py runs COUNT revocations (logout, logout with
# allDevices, password change, in turn), each of a fresh session whose
# token it presents until admitted five times, then revokes, then presents
# back to back until the first 401: the time from the revoking call's
# answer to that 401.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
COUNT=${COUNT:-200}
THREADS=${THREADS:-4}
CONNECTIONS=${CONNECTIONS:-16}
BENCH_PORT=${BENCH_PORT:-38090}

say() { printf 'revocation.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
WORK=$(mktemp -d /tmp/authd-bench-revocation.XXXXXX)
WRK_PID=
cleanup() {
    [ -z "$WRK_PID" ] || kill "$WRK_PID" 2>/dev/null || true
    bench_cleanup 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$ROOT"
# shellcheck source=bench/bench_stack.sh
. bench/bench_stack.sh

DRIVER=bench/revocation_driver.py
say "bench authd (pid $MASTER_PID) and nginx on $API and $PROTECTED"
PSS_IDLE=$(pss_kib)

say "registering $((THREADS + 1)) users"
python3 "$DRIVER" users "$API" "$WORK/mail:$VAR/mail" "$((THREADS + 1))" "$WORK/users.txt"
read -r BG_EMAIL BG_PASSWORD < <(tail -n 1 "$WORK/users.txt")
head -n "$THREADS" "$WORK/users.txt" > "$WORK/victims.txt"
python3 "$DRIVER" tokens "$API" "$BG_EMAIL" "$BG_PASSWORD" 64 "$WORK/background.txt"

cat > "$WORK/load.lua" <<'EOF'
function init(args)
    local reqs = {}
    for line in io.lines(args[1]) do
        if line ~= "" then
            reqs[#reqs + 1] = wrk.format(nil, nil, {Authorization = "Bearer " .. line})
        end
    end
    local i = math.random(#reqs)
    request = function()
        i = i % #reqs + 1
        return reqs[i]
    end
end
EOF

declare -A N P50 P99 MAX BOUND LOAD PSS
BOUND[u]=1.0 BOUND[c]=1.5
LABEL_u="uncached (authd-protect.conf)"
LABEL_c="micro-cache (authd-protect-cached.conf)"
for mode in u c; do
    say "location /$mode/: background load of $CONNECTIONS connections, $COUNT revocations"
    wrk -t1 -c"$CONNECTIONS" -d3600s -s "$WORK/load.lua" "$PROTECTED/$mode/load" -- \
        "$WORK/background.txt" > "$WORK/wrk-$mode.txt" 2>&1 &
    WRK_PID=$!
    sleep 2
    started=$(date +%s.%N)
    rc=0
    python3 "$DRIVER" run "$API" "$PROTECTED/$mode/victim" "$WORK/victims.txt" "$COUNT" \
        "$THREADS" "$WORK/result-$mode.txt" || rc=$?
    ended=$(date +%s.%N)
    kill "$WRK_PID" 2>/dev/null || true
    wait "$WRK_PID" 2>/dev/null || true
    WRK_PID=
    # Settled: a worker idle for a second returns its free heap.
    sleep 2
    PSS[$mode]=$(pss_kib)
    [ "$rc" = 0 ] || say "the driver reported failures for /$mode/ (see above)"
    LOAD[$mode]=$(awk -v s="$started" -v e="$ended" 'BEGIN { printf "%.0f", e - s }')
    read -r N[$mode] P50[$mode] P99[$mode] MAX[$mode] < <(
        awk '$2 >= 0 { print $2 } $2 < 0 { print 99 }' "$WORK/result-$mode.txt" | sort -g | awk '
            { v[NR] = $1 }
            END {
                if (NR == 0) { print 0, "n/a", "n/a", "n/a"; exit }
                p50 = int(NR * 0.50 + 0.999999); p99 = int(NR * 0.99 + 0.999999)
                printf "%d %.3f %.3f %.3f\n", NR, v[p50], v[p99], v[NR]
            }')
done

kib_mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
verdict() { awk -v m="$1" -v b="$2" 'BEGIN { print (m != "n/a" && m <= b) ? "holds" : "MISSED" }'; }
echo
echo "authd revocation benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git rev-parse --short HEAD)"
echo "$(nproc) CPUs; bench authd: $API_WORKERS api and $VALIDATE_WORKERS validate workers;" \
    "background load: wrk 1 thread, $CONNECTIONS connections, 64 tokens; $THREADS revocations in flight"
echo "time from the revoking call's answer (logout, logout allDevices, password change, in turn)"
echo "to the first 401 for the revoked session's token, presented back to back:"
echo
printf '%-42s %6s %9s %9s %9s %7s %s\n' location revoked p50 p99 max bound "target (max <= bound)"
for mode in u c; do
    label=LABEL_$mode
    printf '%-42s %6s %8ss %8ss %8ss %6ss %s\n' "${!label}" "${N[$mode]}" "${P50[$mode]}" \
        "${P99[$mode]}" "${MAX[$mode]}" "${BOUND[$mode]}" "$(verdict "${MAX[$mode]}" "${BOUND[$mode]}")"
done
for mode in u c; do
    printf '  /%s/ per kind:' "$mode"
    for kind in logout logout_all password_change; do
        awk -v k="$kind" '$1 == k { n++; if ($2 > m) m = $2 } END { printf "  %s %d (max %.3f s)", k, n, m }' \
            "$WORK/result-$mode.txt"
    done
    echo "   (${LOAD[$mode]} s)"
done
[ "${N[u]}" -ge "$COUNT" ] && [ "${N[c]}" -ge "$COUNT" ] ||
    echo "WARNING: fewer than $COUNT revocations measured at a location (see the driver's messages)"
echo
echo "memory (PSS of the bench master and its workers, 2 s after each load): idle $(kib_mb "$PSS_IDLE")," \
    "after /u/ $(kib_mb "${PSS[u]}"), after /c/ $(kib_mb "${PSS[c]}")" \
    "  target <= 50 MB: $(awk -v a="$PSS_IDLE" -v b="${PSS[u]}" -v c="${PSS[c]}" \
        'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; print (m <= 51200) ? "holds" : "MISSED" }')"
