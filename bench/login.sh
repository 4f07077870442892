#!/usr/bin/env bash
# bench/login.sh: logins per second through nginx against the raw Argon2id
# rate of this machine, and refreshes per second against its signing rate,
# in one run.  See bench/README.md.
#
#   bench/login.sh             (the dev stack must be up: scripts/dev.sh up)
#
# Knobs (environment): DURATION=10 (seconds per load), CONNECTIONS
# (default: twice the api workers), BENCH_PORT=38095.
#
# It starts its own authd master with the bench profile and nginx
# (bench/bench_stack.sh), and builds bench/argon2_rate.cpp into
# build-bench/.  Rows:
#   raw Argon2id   argon2_rate: one thread per CPU hashing in a loop at the
#                  configured [passwords] cost, nothing else running
#   logins         wrk POSTing the correct passwords of 4 x CONNECTIONS users
#                  in turn to /auth/login
#   raw signing    `openssl speed -multi <CPUs> ecdsap256` signatures/s
#                  (the dev profile signs ES256)
#   refreshes      wrk rotating refresh tokens, one chain per connection
# and, for each load, where the CPU went: authd's api workers, Postgres
# (the dev stack's cluster: its postmaster and backends), nginx, wrk.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DURATION=${DURATION:-10}
BENCH_PORT=${BENCH_PORT:-38095}

say() { printf 'login.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

command -v wrk >/dev/null || die "wrk is missing (apt-get install wrk)"
WORK=$(mktemp -d /tmp/authd-bench-login.XXXXXX)
cleanup() {
    bench_cleanup 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$ROOT"
# shellcheck source=bench/bench_stack.sh
. bench/bench_stack.sh
CPUS=$(nproc)
CONNECTIONS=${CONNECTIONS:-$((API_WORKERS * 2))}
PSS_IDLE=$(pss_kib)

say "building bench/argon2_rate.cpp in build-bench/"
cmake -S bench -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench >/dev/null

# The configured cost ([passwords], else the defaults of the option table).
conf_value() {  # key default
    local v
    v=$(awk -v k="$1" '/^\[/ { s = $0 } s == "[passwords]" && $1 == k { print $3 }' "$VAR/authd.conf" | tail -n 1)
    echo "${v:-$2}"
}
M=$(conf_value argon2_memory_kib 19456)
T=$(conf_value argon2_iterations 2)
P=$(conf_value argon2_parallelism 1)

# --- where the CPU goes ----------------------------------------------------

HZ=$(getconf CLK_TCK)
PG_MASTER=$(head -n 1 "$PGROOT/data/postmaster.pid" 2>/dev/null || echo 0)
group_pids() {  # api | postgres | nginx
    case $1 in
        api) ps --ppid "$MASTER_PID" -o pid=,comm= | awk '$2 == "authd-api" { print $1 }' ;;
        postgres) echo "$PG_MASTER"; ps --ppid "$PG_MASTER" -o pid= ;;
        nginx) ps --ppid "$(cat "$WORK/nginx.pid")" -o pid= ;;
    esac
}
ticks_of() {  # pids...
    local pid
    for pid in "$@"; do cat "/proc/$pid/stat" 2>/dev/null || true; done |
        awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }'
}
declare -A CPU_BEFORE
cpu_mark() {
    local g
    for g in api postgres nginx; do
        # shellcheck disable=SC2046
        CPU_BEFORE[$g]=$(ticks_of $(group_pids "$g"))
    done
    CPU_BEFORE[all]=$(awk '/^cpu / { print $2 + $3 + $4 }' /proc/stat)
}
cpu_per_request() {  # requests -> "api pg nginx others" in ms of CPU per request
    local requests=$1 g now out=""
    for g in api postgres nginx; do
        # shellcheck disable=SC2046
        now=$(ticks_of $(group_pids "$g"))
        out+="$(awk -v d="$((now - CPU_BEFORE[$g]))" -v r="$requests" -v hz="$HZ" \
            'BEGIN { printf "%.2f", (r > 0 ? d * 1000 / hz / r : 0) }') "
        CPU_BEFORE[$g]=$((now - CPU_BEFORE[$g]))
    done
    now=$(awk '/^cpu / { print $2 + $3 + $4 }' /proc/stat)
    # The rest of the machine: wrk, the kernel's softirqs, other processes.
    out+=$(awk -v d="$((now - CPU_BEFORE[all] - CPU_BEFORE[api] - CPU_BEFORE[postgres] - CPU_BEFORE[nginx]))" \
        -v r="$requests" -v hz="$HZ" 'BEGIN { printf "%.2f", (r > 0 ? d * 1000 / hz / r : 0) }')
    echo "$out"
}

# --- the loads -------------------------------------------------------------

# NB: logins of one account take turns (password_login locks the users
# row around the hash), so the load signs in USERS accounts in turn, four
# per connection: what many users signing in at once cost.
USERS=$((CONNECTIONS * 4))
say "registering $USERS users"
python3 bench/revocation_driver.py users "$API" "$WORK/mail:$VAR/mail" "$USERS" "$WORK/users.txt"
read -r EMAIL PASSWORD < "$WORK/users.txt"

cat > "$WORK/login.lua" <<'EOF'
local next_id = 0
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end
function init(args)
    local threads = tonumber(args[2])
    reqs = {}
    local n = 0
    for line in io.lines(args[1]) do
        local email, password = line:match("^(%S+) (%S+)$")
        if email and n % threads == id then
            reqs[#reqs + 1] = wrk.format("POST", nil, {["Content-Type"] = "application/json"},
                '{"email":"' .. email .. '","password":"' .. password .. '"}')
        end
        n = n + 1
    end
    i = 0
end
function request()
    i = i % #reqs + 1
    return reqs[i]
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK %d %d %d %d %d %d\n", summary.requests, summary.duration,
        e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99)))
end
EOF

# One refresh chain per connection: one connection per wrk thread, so the
# answer to a thread's request is read before its next one is made.
cat > "$WORK/refresh.lua" <<'EOF'
local next_id = 0
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end
function init(args)
    local n = 0
    for line in io.lines(args[1]) do
        if n == id then token = line end
        n = n + 1
    end
end
function request()
    return wrk.format("POST", nil, {["Content-Type"] = "application/json"},
        '{"refreshToken":"' .. token .. '"}')
end
function response(status, headers, body)
    local t = body:match('"refreshToken":"([^"]+)"')
    if t then token = t end
end
function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK %d %d %d %d %d %d\n", summary.requests, summary.duration,
        e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99)))
end
EOF

declare -A RATE P50 P99 NON2XX CPU PSS
load() {  # name wrk-args...
    local name=$1 requests duration_us
    shift
    cpu_mark
    wrk "$@" > "$WORK/wrk-$name.txt" 2>&1
    grep -q '^WRK ' "$WORK/wrk-$name.txt" || die "wrk gave no result for $name: $(cat "$WORK/wrk-$name.txt")"
    read -r _ requests duration_us "NON2XX[$name]" _ "P50[$name]" "P99[$name]" < <(grep '^WRK ' "$WORK/wrk-$name.txt")
    RATE[$name]=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.1f", r / (d / 1e6) }')
    CPU[$name]=$(cpu_per_request "$requests")
    # Settled: a worker idle for a second returns its free heap.
    sleep 2
    PSS[$name]=$(pss_kib)
}

# The raw rate, before and after the logins: the higher of the two is the
# ceiling (a shared machine's other work only ever lowers it).
argon2_raw() {
    local rate cpu
    say "raw Argon2id at m=$M KiB t=$T p=$P on $CPUS threads, ${DURATION}s"
    read -r rate _ cpu < <(build-bench/argon2_rate "$M" "$T" "$P" "$CPUS" "$DURATION")
    if awk -v r="$rate" -v b="${ARGON2_RATE:-0}" 'BEGIN { exit !(r > b) }'; then
        ARGON2_RATE=$rate ARGON2_CPU_MS=$cpu
    fi
}
ARGON2_RATE=0 ARGON2_CPU_MS=0
argon2_raw

say "logins through nginx: $CONNECTIONS connections, ${DURATION}s"
curl -sf -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$API/auth/login" || die "a login failed"
load login -t2 -c"$CONNECTIONS" -d"$DURATION"s --latency -s "$WORK/login.lua" "$API/auth/login" \
    -- "$WORK/users.txt" 2

argon2_raw

say "raw ES256 signing on $CPUS processes"
SIGN_RATE=$(openssl speed -seconds 3 -multi "$CPUS" ecdsap256 2>/dev/null |
    awk '/ecdsa \(nistp256\)/ { v = $(NF - 1) } END { print v + 0 }')

say "refresh tokens for $CONNECTIONS chains"
: > "$WORK/refresh.txt"
for _ in $(seq 1 "$CONNECTIONS"); do
    curl -sf -H 'Content-Type: application/json' -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" \
        "$API/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["refreshToken"])' \
        >> "$WORK/refresh.txt"
done
say "refreshes through nginx: $CONNECTIONS chains, ${DURATION}s"
load refresh -t"$CONNECTIONS" -c"$CONNECTIONS" -d"$DURATION"s --latency -s "$WORK/refresh.lua" \
    "$API/auth/refresh" -- "$WORK/refresh.txt"

# --- the table ---------------------------------------------------------------

ms() { awk -v u="$1" 'BEGIN { printf "%.1f ms", u / 1000 }'; }
kib_mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }'; }
REFRESH_CEILING=$(awk -v s="$SIGN_RATE" 'BEGIN { printf "%.1f", s / 2 }')
echo
echo "authd login and refresh benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git rev-parse --short HEAD)"
echo "$CPUS CPUs; bench authd: $API_WORKERS api workers; Argon2id m=$M KiB t=$T p=$P;" \
    "wrk $CONNECTIONS connections, ${DURATION}s per load"
echo
printf '%-44s %10s %9s %9s %8s\n' "" "per second" p50 p99 non-2xx
printf '%-44s %10s\n' "raw Argon2id, $CPUS threads (best of 2 runs)" "$ARGON2_RATE"
printf '%-44s %10s %9s %9s %8s\n' "logins through nginx (POST /auth/login)" "${RATE[login]}" \
    "$(ms "${P50[login]}")" "$(ms "${P99[login]}")" "${NON2XX[login]}"
printf '%-44s %10s\n' "raw ES256 signatures, $CPUS processes (openssl)" "$SIGN_RATE"
printf '%-44s %10s\n' "  / 2 (a rotation signs two tokens)" "$REFRESH_CEILING"
printf '%-44s %10s %9s %9s %8s\n' "refreshes through nginx (POST /auth/refresh)" "${RATE[refresh]}" \
    "$(ms "${P50[refresh]}")" "$(ms "${P99[refresh]}")" "${NON2XX[refresh]}"
echo
echo "logins / raw Argon2id:       $(ratio "${RATE[login]}" "$ARGON2_RATE")" \
    "  target >= 0.85: $(awk -v x="${RATE[login]}" -v y="$ARGON2_RATE" 'BEGIN { print (x >= 0.85 * y) ? "holds" : "MISSED" }')"
echo "refreshes / (signatures / 2): $(ratio "${RATE[refresh]}" "$REFRESH_CEILING")"
echo
echo "CPU per request, ms (api workers, Postgres, nginx, the rest: wrk, kernel, other processes):"
read -r a p n o <<< "${CPU[login]}"
echo "  login:   api $a  postgres $p  nginx $n  rest $o   (one Argon2id hash alone: $ARGON2_CPU_MS ms)"
read -r a p n o <<< "${CPU[refresh]}"
echo "  refresh: api $a  postgres $p  nginx $n  rest $o   (two ES256 signatures alone:" \
    "$(awk -v r="$SIGN_RATE" -v c="$CPUS" 'BEGIN { printf "%.3f", (r > 0 ? 2 * 1000 * c / r : 0) }') ms of one CPU)"
echo
echo "memory (PSS of the bench master and its workers, 2 s after each load): idle $(kib_mb "$PSS_IDLE")," \
    "after logins $(kib_mb "${PSS[login]}"), after refreshes $(kib_mb "${PSS[refresh]}")" \
    "  target <= 50 MB: $(awk -v a="$PSS_IDLE" -v b="${PSS[login]}" -v c="${PSS[refresh]}" \
        'BEGIN { m = a; if (b > m) m = b; if (c > m) m = c; print (m <= 51200) ? "holds" : "MISSED" }')"
