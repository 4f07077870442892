#!/usr/bin/env bash
# bench/validate.sh: what nginx auth_request through authd's validate pool
# costs, next to nginx's own ceiling and the floor of a bare libfcgi
# responder, in one run that prints a table.  See bench/README.md.
#
#   bench/validate.sh          (the dev stack must be up: scripts/dev.sh up;
#                               started here when var/stack.env is missing)
#
# Knobs (environment): THREADS=2 CONNECTIONS=32 DURATION=10 WARMUP=2
# (seconds per scenario), ROUNDS=3 (every scenario is measured once per
# round; the table gives each its median round), TOKENS=auto (scenario c's
# tokens per round: enough that none is used twice, at least 20000).
#
# It starts its own nginx (127.0.0.1:18180, 2 workers, under a temp dir) and
# a bare responder with as many processes as [server] validate_workers, and
# stops both on exit.  authd is the dev stack's, reached on its validate
# socket through the validate location of nginx/snippets/authd-location.conf,
# and through the cached one of nginx/snippets/authd-validate-cached.conf
# (scenario f, its cache on /dev/shm).
#
# SCENARIOS="a e b f c d" runs only some of them (a and e are the ratios'
# bases; c needs b).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-2}
TOKENS=${TOKENS:-auto}
ROUNDS=${ROUNDS:-3}
SCENARIOS=${SCENARIOS:-a e b f c d}
BENCH_PORT=${BENCH_PORT:-18180}

say() { printf 'validate.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # pidfile signal
    local pid
    alive "$1" || return 0
    pid=$(cat "$1")
    kill -"$2" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# --- what this run owns ------------------------------------------------

# A run killed too hard for its trap leaves its nginx holding the port;
# its directory says so, and its owner is gone.
for stale in /tmp/authd-bench.*/owner.pid; do
    [ -f "$stale" ] || continue
    alive "$stale" && continue
    stop_pid "$(dirname "$stale")/nginx.pid" QUIT
    stop_pid "$(dirname "$stale")/bare.pid" TERM
    rm -rf "$(dirname "$stale")"
done

WORK=$(mktemp -d /tmp/authd-bench.XXXXXX)
echo $$ > "$WORK/owner.pid"
# The micro-cache's entries on tmpfs, as nginx/authd-validate-cache.conf asks.
CACHE_DIR=$(mktemp -d /dev/shm/authd-bench-cache.XXXXXX)
cleanup() {
    stop_pid "$WORK/nginx.pid" QUIT
    stop_pid "$WORK/bare.pid" TERM
    rm -rf "$WORK" "$CACHE_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'say "failed (line $LINENO): $BASH_COMMAND"' ERR

# --- prerequisites -----------------------------------------------------

if ! command -v wrk >/dev/null; then
    [ "$(id -u)" -eq 0 ] || die "wrk is missing (apt-get install wrk)"
    say "installing wrk"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk >/dev/null
fi

cd "$ROOT"
[ -f var/stack.env ] || scripts/dev.sh up
# shellcheck disable=SC1091
. var/stack.env
API=http://127.0.0.1:$HTTP_PORT
curl -sf -o /dev/null "$API/health" || die "the dev stack is not answering on $API (scripts/dev.sh up)"
[ -S "$RUN/validate.sock" ] || die "no validate socket at $RUN/validate.sock"
"$BUILD/authctl" --help 2>&1 | grep -q "token mint" ||
    die "$BUILD/authctl has no 'token mint' (rebuild: scripts/dev.sh up)"

VALIDATE_WORKERS=$(sed -n 's/^[[:space:]]*validate_workers[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p' \
    "$VAR/authd.conf" | tail -n 1)
VALIDATE_WORKERS=${VALIDATE_WORKERS:-2}   # authd's default

say "building the bare responder in build-bench/"
cmake -S bench -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-bench >/dev/null

# --- a user and tokens -------------------------------------------------

# The API limits register per client address; nginx sees the address curl
# binds to, and all of 127/8 is loopback.
SRC=127.0.0.$((2 + RANDOM % 250))
api_post() {  # path json -> body, then the status on a line of its own
    curl -sS --interface "$SRC" -H 'Content-Type: application/json' -d "$2" \
        -w '\n%{http_code}' "$API$1"
}
status_of() { tail -n 1 <<<"$1"; }

EMAIL=bench-$(date -u +%Y%m%d%H%M%S)-$RANDOM@example.com
PASSWORD="Wb-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')-9Q!"
out=$(api_post /auth/register \
    "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"firstName\":\"Wrk\",\"lastName\":\"Load\"}")
[ "$(status_of "$out")" = 201 ] || die "register failed: $out"

# The code is alone on a line of the text/plain part.
code=
for _ in $(seq 1 100); do
    mail=$(grep -l "^To: $EMAIL" "$VAR"/mail/*verify_email.eml 2>/dev/null | head -n 1 || true)
    if [ -n "$mail" ]; then
        code=$(sed -n '/^Content-Type: text\/plain/,/^--/p' "$mail" | tr -d '\r' |
            grep -m 1 -E '^[0-9]{6}$' || true)
        [ -n "$code" ] && break
    fi
    sleep 0.1
done
[ -n "$code" ] || die "no verification mail for $EMAIL in $VAR/mail"
out=$(api_post /auth/verify-email "{\"email\":\"$EMAIL\",\"code\":\"$code\"}")
[ "$(status_of "$out")" = 200 ] || die "verify-email failed: $out"

mint() {  # count file
    "$BUILD/authctl" --config "$VAR/authd.conf" token mint --email "$EMAIL" --count "$1" > "$2"
    [ "$(grep -c . "$2")" = "$1" ] || die "token mint gave $(grep -c . "$2") tokens, not $1"
}
mint 1 "$WORK/valid.txt"
VALID=$(cat "$WORK/valid.txt")

# Invalid: the valid token with one signature character changed in the
# middle (the last character may only carry padding bits), so the validator
# does the whole signature check and refuses it.
sig=${VALID##*.}
[ "${sig:20:1}" = A ] && swap=B || swap=A
INVALID=${VALID%.*}.${sig:0:20}$swap${sig:21}
printf '%s\n' "$INVALID" > "$WORK/invalid.txt"

# --- the bare responder and the bench nginx ----------------------------

LIBFCGI_OS_CLOSE_POLL_TIMEOUT=0 build-bench/bare_responder "$WORK/bare.sock" "$VALIDATE_WORKERS" \
    2>>"$WORK/bare.log" &
echo $! > "$WORK/bare.pid"

# The validate location is the site's own: the body of `location =
# /_authd/validate` in nginx/snippets/authd-location.conf, with the snippets
# it includes beside it, and the map it reads taken from
# nginx/authd-http.conf.  The floor's is the same body passing to the bare
# responder instead.
mkdir -p "$WORK/snippets"
cp nginx/snippets/*.conf "$WORK/snippets/"
awk '/^location = \/_authd\/validate \{/ { inside = 1; next } inside && /^\}/ { inside = 0 } inside' \
    nginx/snippets/authd-location.conf > "$WORK/snippets/authd-validate.conf"
grep -q "fastcgi_pass authd_validate;" "$WORK/snippets/authd-validate.conf" ||
    die "no validate location with fastcgi_pass in nginx/snippets/authd-location.conf"
sed 's|^\([[:space:]]*fastcgi_pass[[:space:]]\).*|\1bare_responder;|' \
    "$WORK/snippets/authd-validate.conf" > "$WORK/snippets/bare-validate.conf"
awk '/^map \$http_accept \$authd_browser /, /^}/' nginx/authd-http.conf > "$WORK/maps.conf"
# The cached location's body and the cache zone, as shipped.
awk '/^location = \/_authd\/validate-cached \{/ { inside = 1; next } inside && /^\}/ { inside = 0 } inside' \
    nginx/snippets/authd-validate-cached.conf > "$WORK/snippets/cached-validate.conf"
grep -q "fastcgi_cache authd_validate;" "$WORK/snippets/cached-validate.conf" ||
    die "no cached validate location in nginx/snippets/authd-validate-cached.conf"
sed "s|@VALIDATE_CACHE@|$CACHE_DIR|" nginx/authd-validate-cache.conf > "$WORK/cache.conf"

mkdir -p "$WORK/tmp"
{
    # Workers run as the invoking user so they can reach authd's socket.
    [ "$(id -u)" -eq 0 ] && echo "user root root;"
    cat <<EOF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_set_misc_module.so;
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;

    include $WORK/maps.conf;
    include $WORK/cache.conf;
    upstream authd_validate { server unix:$RUN/validate.sock; }
    upstream bare_responder { server unix:$WORK/bare.sock; }

    server {
        listen 127.0.0.1:$BENCH_PORT;

        # The protected content.  empty_gif answers in the content phase,
        # after auth_request; 'return' would answer in the rewrite phase,
        # before auth_request ever ran.
        location = /ceiling  { auth_request /_bench/ceiling;  empty_gif; }
        location = /validate { auth_request /_bench/validate; empty_gif; }
        location = /floor    { auth_request /_bench/floor;    empty_gif; }
        location = /cached   { auth_request /_bench/cached;   empty_gif; }

        location = /_bench/ceiling { internal; return 204; }
        location = /_bench/validate { include $WORK/snippets/authd-validate.conf; }
        location = /_bench/floor    { include $WORK/snippets/bare-validate.conf; }
        location = /_bench/cached   { include $WORK/snippets/cached-validate.conf; }
        # Never entered: declares what the validate locations read.
        location @declarations {
            set \$authd_require_mfa ""; set \$authd_require_group "";
            set \$authd_forwards_identity "";
        }
    }
}
EOF
} > "$WORK/nginx.conf"

for _ in $(seq 1 50); do [ -S "$WORK/bare.sock" ] && break; sleep 0.1; done
[ -S "$WORK/bare.sock" ] || die "the bare responder did not start: $(cat "$WORK/bare.log")"
nginx -q -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" 2>&1 |
    grep -v 'the "user" directive' >&2 || true
for _ in $(seq 1 50); do alive "$WORK/nginx.pid" && break; sleep 0.1; done
alive "$WORK/nginx.pid" || die "the bench nginx did not start: $(cat "$WORK/nginx-error.log")"

# --- load ----------------------------------------------------------------

# wrk's script.  Every scenario takes the same path through it, so wrk's own
# cost (it shares the CPUs) is alike in every row: each thread reads its
# token file (string.format puts the thread's number into the name), formats
# its requests up front and cycles through them; done() prints the numbers
# for the table.  A thread initialises while the ones before it already
# run, so each reads only its own share of the tokens.
cat > "$WORK/bench.lua" <<'EOF'
local next_id = 0
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
end

function init(args)
    local reqs = {}
    for line in io.lines(string.format(args[1], id)) do
        if line ~= "" then
            reqs[#reqs + 1] = wrk.format(nil, nil, {Authorization = "Bearer " .. line})
        end
    end
    local i = 0
    request = function()
        i = i % #reqs + 1
        return reqs[i]
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("WRK %d %d %d %d %d %d\n", summary.requests, summary.duration,
        e.status, e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(99)))
end
EOF

URL=http://127.0.0.1:$BENCH_PORT
probe() {  # path token expected-status
    local got
    got=$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "Authorization: Bearer $2"} "$URL$1" || true)
    [ "$got" = "$3" ] || die "probe $1: expected $3, got $got (see $LOG/authd.log)"
}

wrk_run() {  # seconds path token-file
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$1"s --latency -s "$WORK/bench.lua" "$URL$2" -- "$3"
}

# The CPU that other processes on the machine took during a scenario:
# everything busy in /proc/stat minus what this benchmark's own processes
# used (this shell and the children it reaped, wrk among them; the bench
# nginx's workers; the bare responder's and authd's validate workers).
# The dev stack's machine is shared, and a compile next door shows here.
authd_pid() { cat "$RUN/authd.pid" 2>/dev/null || echo 0; }
validate_workers() {
    { ps --ppid "$(authd_pid)" -o pid=,comm= || true; } | awk '$2 == "authd-validate" { print $1 }' | sort -n
}
HZ=$(getconf CLK_TCK)
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
own_ticks() {  # one "pid ticks" line per process
    local pid
    for pid in $$ $(ps --ppid "$(cat "$WORK/nginx.pid")" -o pid=) \
        $(ps --ppid "$(cat "$WORK/bare.pid")" -o pid=) $(validate_workers); do
        cat "/proc/$pid/stat" 2>/dev/null || true
    done | awk '{ pid = $1; sub(/^.*\) /, ""); print pid, $12 + $13 + $14 + $15 }'
}

# The ticks that processes used between two own_ticks snapshots: all of
# them, or only the pids given.  A process that started in between used
# all its ticks in between.
ticks_used() {  # before after [pid...]
    awk -v pids="${*:3}" -v all="$(($# == 2))" '
        BEGIN { n = split(pids, p, " "); for (i = 1; i <= n; i++) keep[p[i]] = 1 }
        NR == FNR { before[$1] = $2; next }
        all || ($1 in keep) { t += $2 - before[$1] }
        END { print t + 0 }' "$1" "$2"
}

# The processes that answer a location's auth subrequests (none for the
# ceiling, which nginx answers itself).
upstream_pids() {  # path
    case $1 in
        /validate | /cached) validate_workers ;;
        /floor) ps --ppid "$(cat "$WORK/bare.pid")" -o pid= ;;
    esac
}

# measure() files its numbers under "<scenario>.<round>"; the table's row
# for a scenario is then its median round (see median_rounds).
declare -A RPS P50 P99 NON2XX SOCKERR REQS OTHERS RESTARTED CPU_US UPSTREAM_US
ROUND=1
measure() {  # scenario path token-file [warm-up token-file]
    local name=$1.$ROUND requests duration_us busy1 all1 busy2 all2 own workers upstream up
    say "round $ROUND of $ROUNDS, scenario $1: warm-up ${WARMUP}s, then ${DURATION}s"
    wrk_run "$WARMUP" "$2" "${4:-$3}" >/dev/null
    workers=$(validate_workers)
    upstream=$(upstream_pids "$2")
    own_ticks > "$WORK/own-before"
    read -r busy1 all1 < <(busy_ticks)
    wrk_run "$DURATION" "$2" "$3" > "$WORK/wrk-$name.txt"
    read -r busy2 all2 < <(busy_ticks)
    own_ticks > "$WORK/own-after"
    own=$(ticks_used "$WORK/own-before" "$WORK/own-after")
    up=0
    # shellcheck disable=SC2086  # a list of pids
    [ -z "$upstream" ] || up=$(ticks_used "$WORK/own-before" "$WORK/own-after" $upstream)
    OTHERS[$name]=$(awk -v b="$((busy2 - busy1))" -v o="$own" -v t="$((all2 - all1))" \
        'BEGIN { x = t > 0 ? 100 * (b - o) / t : 0; printf "%.0f", (x < 0 ? 0 : x) }')
    [ "$(validate_workers)" = "$workers" ] || RESTARTED[$name]=1
    grep -q '^WRK ' "$WORK/wrk-$name.txt" || die "wrk gave no result for $name: $(cat "$WORK/wrk-$name.txt")"
    read -r _ requests duration_us "NON2XX[$name]" "SOCKERR[$name]" "P50[$name]" "P99[$name]" \
        < <(grep '^WRK ' "$WORK/wrk-$name.txt")
    REQS[$name]=$requests
    RPS[$name]=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    # CPU time per request, in microseconds: all of the machine's, and the
    # auth target's processes' alone.
    CPU_US[$name]=$(awk -v t="$((busy2 - busy1))" -v r="$requests" -v hz="$HZ" \
        'BEGIN { printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0) }')
    UPSTREAM_US[$name]=$(awk -v t="$up" -v r="$requests" -v hz="$HZ" \
        'BEGIN { printf "%.0f", (r > 0 ? t * 1e6 / hz / r : 0) }')
}

probe /ceiling "$VALID" 200
probe /floor "$VALID" 200
probe /validate "$VALID" 200
probe /validate "$INVALID" 401
probe /validate "" 401
probe /cached "$VALID" 200
probe /cached "$VALID" 200
probe /cached "$INVALID" 401
AUTHD_STARTED=$(TZ=UTC ps -o lstart= -p "$(authd_pid)" || echo "?")
log_size() { stat -c %s "$LOG/authd.log" 2>/dev/null || echo 0; }
LOG_BEFORE=$(log_size)

# The ceiling and the floor get the valid token too, so the bare responder
# receives the same params as authd.
want() { [[ " $SCENARIOS " == *" $1 "* ]]; }
for ROUND in $(seq 1 "$ROUNDS"); do
    ! want a || measure a /ceiling "$WORK/valid.txt"
    ! want e || measure e /floor "$WORK/valid.txt"
    ! want b || measure b /validate "$WORK/valid.txt"
    # The micro-cache: nginx answers the one token itself, except for the
    # first request of each second (an entry lives until its second ends).
    ! want f || measure f /cached "$WORK/valid.txt"
    want c || continue
    if [ "$ROUND" = 1 ]; then
        # Scenario c cannot outrun b, so b's rate says how many tokens make
        # every request of a round a new one; one file per round and wrk
        # thread.  c warms up with the one valid token, so every token it
        # measures with is new to authd.
        if [ "$TOKENS" = auto ]; then
            TOKENS=$(awk -v r="${RPS[b.1]:-20000}" -v d="$DURATION" 'BEGIN {
                n = int(r * d * 1.25) + 1; if (n < 20000) n = 20000; if (n > 500000) n = 500000
                print n }')
        fi
        say "minting $TOKENS tokens for each of $ROUNDS rounds"
        for r in $(seq 1 "$ROUNDS"); do
            mint "$TOKENS" "$WORK/tokens.txt"
            awk -v t="$THREADS" -v base="$WORK/tokens.$r" '{ print > (base "." (NR - 1) % t) }' \
                "$WORK/tokens.txt"
        done
        probe /validate "$(tail -n 1 "$WORK/tokens.txt")" 200
    fi
    measure c /validate "$WORK/tokens.$ROUND.%d" "$WORK/valid.txt"
done
for ROUND in $(seq 1 "$ROUNDS"); do
    ! want d || measure d /validate "$WORK/invalid.txt"
done

# A scenario's row is its median round by req/s (with that round's
# latencies and CPU); the counts of non-2xx answers, socket errors and
# requests add up over the rounds, and the worst `others` is kept.
median_rounds() {
    local s r m
    for s in $SCENARIOS; do
        m=$(for r in $(seq 1 "$ROUNDS"); do echo "${RPS[$s.$r]} $r"; done |
            sort -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $2 }')
        RPS[$s]=${RPS[$s.$m]} P50[$s]=${P50[$s.$m]} P99[$s]=${P99[$s.$m]}
        CPU_US[$s]=${CPU_US[$s.$m]} UPSTREAM_US[$s]=${UPSTREAM_US[$s.$m]}
        NON2XX[$s]=0 SOCKERR[$s]=0 REQS[$s]=0 OTHERS[$s]=0
        for r in $(seq 1 "$ROUNDS"); do
            NON2XX[$s]=$((NON2XX[$s] + NON2XX[$s.$r]))
            SOCKERR[$s]=$((SOCKERR[$s] + SOCKERR[$s.$r]))
            REQS[$s]=$((REQS[$s] + REQS[$s.$r]))
            [ "${OTHERS[$s.$r]}" -le "${OTHERS[$s]}" ] || OTHERS[$s]=${OTHERS[$s.$r]}
            [ -z "${RESTARTED[$s.$r]:-}" ] || RESTARTED[$s]=1
        done
    done
}
median_rounds

# --- the table -----------------------------------------------------------

ms() { awk -v u="$1" 'BEGIN { printf "%.2f ms", u / 1000 }'; }
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (x != "" && y > 0) printf "%.2f", x / y; else print "n/a" }'; }
check() {  # awk condition over the variables given as -v (n/a when one is unmeasured)
    local cond=$1 arg
    shift
    for arg in "$@"; do
        [[ $arg != *= ]] || { echo "n/a (not measured)"; return; }
    done
    awk "$@" "BEGIN { print ($cond) ? \"holds\" : \"MISSED\" }"
}

declare -A LABEL=(
    [a]="nginx ceiling: auth target return 204"
    [b]="validator, one valid token"
    [c]="validator, a new valid token each time"
    [d]="validator, invalid token (401 expected)"
    [e]="floor: bare libfcgi responder"
    [f]="micro-cache in nginx, one valid token"
)
echo
echo "authd validate benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), git $(git rev-parse --short HEAD)," \
    "authd running since $AUTHD_STARTED"
echo "$(nproc) CPUs; wrk $THREADS threads, $CONNECTIONS connections," \
    "${DURATION}s per scenario after ${WARMUP}s warm-up; nginx 2 workers;" \
    "validate pool and bare responder $VALIDATE_WORKERS processes each"
! want c || echo "scenario c: $TOKENS minted tokens per round," \
    "$(ratio "${REQS[c]}" "$((TOKENS * ROUNDS))") requests per token"
echo "$LOG/authd.log grew by $((($(log_size) - LOG_BEFORE) / 1048576)) MiB"
echo
printf '%-2s %-40s %8s %9s %9s %8s %8s %7s %8s %8s\n' "" scenario "req/s" p50 p99 non-2xx \
    "sock err" others "cpu/req" "auth/req"
for s in a b c d e f; do
    want "$s" || continue
    printf '%-2s %-40s %8s %9s %9s %8s %8s %6s%% %5s us %5s us\n' "$s" "${LABEL[$s]}" "${RPS[$s]}" \
        "$(ms "${P50[$s]}")" "$(ms "${P99[$s]}")" "${NON2XX[$s]}" "${SOCKERR[$s]}" "${OTHERS[$s]}" \
        "${CPU_US[$s]}" "${UPSTREAM_US[$s]}"
done
echo "(others: the CPU other processes on the machine took during the row, in % of all CPUs;"
echo " cpu/req: CPU time of the whole machine per request; auth/req: that of the auth target's"
echo " processes, authd's validate workers or the bare responder, per request)"
echo "each row is the scenario's median of $ROUNDS rounds; req/s and ratios in every round:"
for r in $(seq 1 "$ROUNDS"); do
    printf '  round %s:  a %6s  b %6s  c %6s  d %6s  e %6s  f %6s   b/e %s  c/b %s  f/a %s  p99 of b %s\n' \
        "$r" "${RPS[a.$r]:--}" "${RPS[b.$r]:--}" "${RPS[c.$r]:--}" "${RPS[d.$r]:--}" \
        "${RPS[e.$r]:--}" "${RPS[f.$r]:--}" \
        "$(ratio "${RPS[b.$r]:-}" "${RPS[e.$r]:-}")" "$(ratio "${RPS[c.$r]:-}" "${RPS[b.$r]:-}")" \
        "$(ratio "${RPS[f.$r]:-}" "${RPS[a.$r]:-}")" "$(ms "${P99[b.$r]:-0}")"
done
echo
for s in a b c d e f; do RPS[$s]=${RPS[$s]:-} P99[$s]=${P99[$s]:-}; done
echo "b/e $(ratio "${RPS[b]}" "${RPS[e]}")   c/e $(ratio "${RPS[c]}" "${RPS[e]}")" \
    "  c/b $(ratio "${RPS[c]}" "${RPS[b]}")   b/a $(ratio "${RPS[b]}" "${RPS[a]}")   e/a $(ratio "${RPS[e]}" "${RPS[a]}")" \
    "  f/a $(ratio "${RPS[f]}" "${RPS[a]}")   f/b $(ratio "${RPS[f]}" "${RPS[b]}")"
echo "target b >= 0.9 x e:      $(check 'b >= 0.9 * e' -v b="${RPS[b]}" -v e="${RPS[e]}")"
echo "target c >= 0.6 x b:      $(check 'c >= 0.6 * b' -v c="${RPS[c]}" -v b="${RPS[b]}")"
echo "target f >= 0.5 x a:      $(check 'f >= 0.5 * a' -v f="${RPS[f]}" -v a="${RPS[a]}")"
note=
[ "$CONNECTIONS" = 32 ] || note=" (the target is for 32 connections, this run had $CONNECTIONS)"
echo "target p99 of b <= 5 ms:  $(check 'p <= 5000' -v p="${P99[b]}")$note"

# A row whose answers were not the expected ones measured something else.
for s in $SCENARIOS; do
    if [ "$s" = d ]; then
        [ "${NON2XX[d]}" = "${REQS[d]}" ] || echo "WARNING: d: only ${NON2XX[d]} of ${REQS[d]} answers were non-2xx"
    else
        [ "${NON2XX[$s]}" = 0 ] || echo "WARNING: $s had ${NON2XX[$s]} non-2xx answers (see $LOG/authd.log)"
    fi
    [ "${SOCKERR[$s]}" = 0 ] || echo "WARNING: $s had ${SOCKERR[$s]} socket errors or timeouts"
    [ -z "${RESTARTED[$s]:-}" ] || echo "WARNING: authd's validate workers were restarted during $s"
    [ "${OTHERS[$s]}" -le 2 ] ||
        echo "WARNING: other processes took ${OTHERS[$s]}% of the CPUs during $s: that row is skewed"
done
