# bench/bench_stack.sh: sourced by bench/revocation.sh and bench/login.sh.
# Starts an authd master of the bench's own, with the bench profile, and an
# nginx in front of it, beside the dev stack (whose Postgres, memcached,
# keys and build it uses) and stops both on exit.
#
# The bench profile is the dev stack's authd.conf with every per-IP and
# per-user limit out of the way (one client address sends everything) and
# its own sockets, mail directory and log; the pools keep the dev
# profile's sizes unless API_WORKERS / VALIDATE_WORKERS say otherwise.
#
# Its nginx: authd's site (nginx/authd-site.conf) on 127.0.0.1:$BENCH_PORT
# and a protected host on $BENCH_PORT + 1 with two locations, /u/
# (authd-protect.conf) and /c/ (authd-protect-cached.conf, the micro-cache
# on /dev/shm), whose content is a 43-byte GIF.
#
# Needs: ROOT, WORK (an empty directory of the caller's, removed by it),
# BENCH_PORT; say() and die().  Sets: API, PROTECTED, MASTER_PID, and
# bench_cleanup, pss_kib (the master's and its workers' PSS in KiB).

[ -f "$ROOT/var/stack.env" ] || die "no dev stack in $ROOT/var (scripts/dev.sh up)"
# shellcheck disable=SC1091
. "$ROOT/var/stack.env"
[ -x "$BUILD/authd" ] || die "no $BUILD/authd (scripts/dev.sh up)"
curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/health" ||
    die "the dev stack is not answering on $HTTP_PORT (scripts/dev.sh up)"

bench_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
bench_stop_pid() {  # pidfile signal
    local pid
    bench_alive "$1" || return 0
    pid=$(cat "$1")
    kill -"$2" "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}
bench_cleanup() {
    bench_stop_pid "$WORK/nginx.pid" QUIT
    bench_stop_pid "$WORK/authd.pid" TERM
    rm -rf "${BENCH_CACHE_DIR:-/nonexistent}"
}

# --- authd, bench profile ------------------------------------------------

mkdir -p "$WORK/mail" "$WORK/tmp" "$WORK/snippets"
DEV_WORKERS() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$VAR/authd.conf" | tail -n 1; }
API_WORKERS=${API_WORKERS:-$(DEV_WORKERS api_workers)}
VALIDATE_WORKERS=${VALIDATE_WORKERS:-$(DEV_WORKERS validate_workers)}
(
    export AUTHD_SERVER_API_SOCKET=$WORK/api.sock AUTHD_SERVER_VALIDATE_SOCKET=$WORK/validate.sock
    export AUTHD_SERVER_API_WORKERS=${API_WORKERS:-4} AUTHD_SERVER_VALIDATE_WORKERS=${VALIDATE_WORKERS:-2}
    export AUTHD_SERVER_LOG_LEVEL=warn AUTHD_MAIL_DIR=$WORK/mail
    for key in login_per_ip register_per_ip forgot_per_ip resend_per_ip reset_per_ip \
        verify_email_per_ip mfa_verify_per_ip recheck_per_user mfa_setup_per_user \
        forgot_per_email resend_per_email; do
        export "AUTHD_LIMITS_${key^^}=1000000"
    done
    exec "$BUILD/authd" --config "$VAR/authd.conf"
) >> "$WORK/authd.log" 2>&1 &
MASTER_PID=$!
echo "$MASTER_PID" > "$WORK/authd.pid"
for _ in $(seq 1 100); do
    [ -S "$WORK/api.sock" ] && [ -S "$WORK/validate.sock" ] && break
    kill -0 "$MASTER_PID" 2>/dev/null || break
    sleep 0.1
done
[ -S "$WORK/validate.sock" ] || die "the bench authd did not start: $(tail -n 5 "$WORK/authd.log")"

# The master and every process below it (the pools and the mailer).
bench_pids() {
    local pid=$MASTER_PID
    echo "$pid"
    ps --ppid "$pid" -o pid= 2>/dev/null | tr -d ' '
}
pss_kib() {
    local pid total=0 kib
    for pid in $(bench_pids); do
        kib=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        total=$((total + ${kib:-0}))
    done
    echo "$total"
}

# --- nginx ----------------------------------------------------------------

BENCH_CACHE_DIR=$(mktemp -d /dev/shm/authd-bench-cache.XXXXXX)
cp "$ROOT"/nginx/snippets/*.conf "$WORK/snippets/"
render_bench() {
    sed -e "s|@LISTEN@|127.0.0.1:$BENCH_PORT|g" -e "s|@API_SOCKET@|$WORK/api.sock|g" \
        -e "s|@VALIDATE_SOCKET@|$WORK/validate.sock|g" -e "s|@VALIDATE_CACHE@|$BENCH_CACHE_DIR|g" \
        -e "s|@WEB_ROOT@|$ROOT/web|g" "$1"
}
render_bench "$ROOT/nginx/authd-http.conf" > "$WORK/authd-http.conf"
render_bench "$ROOT/nginx/authd-validate-cache.conf" > "$WORK/authd-validate-cache.conf"
render_bench "$ROOT/nginx/authd-site.conf" > "$WORK/authd-site.conf"
{
    [ "$(id -u)" -eq 0 ] && echo "user root root;"
    cat <<EOF
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_set_misc_module.so;
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/tmp/body;
    proxy_temp_path $WORK/tmp/proxy;
    fastcgi_temp_path $WORK/tmp/fastcgi;
    uwsgi_temp_path $WORK/tmp/uwsgi;
    scgi_temp_path $WORK/tmp/scgi;
    default_type application/octet-stream;
    include $WORK/authd-http.conf;
    include $WORK/authd-validate-cache.conf;
    include $WORK/authd-site.conf;
    server {
        listen 127.0.0.1:$((BENCH_PORT + 1));
        include snippets/authd-location.conf;
        include snippets/authd-validate-cached.conf;
        location /u/ { include snippets/authd-protect.conf; empty_gif; }
        location /c/ { include snippets/authd-protect-cached.conf; empty_gif; }
    }
}
EOF
} > "$WORK/nginx.conf"
nginx -q -p "$WORK" -e "$WORK/nginx-error.log" -c "$WORK/nginx.conf" 2>&1 |
    grep -v 'the "user" directive' >&2 || true
for _ in $(seq 1 50); do bench_alive "$WORK/nginx.pid" && break; sleep 0.1; done
bench_alive "$WORK/nginx.pid" || die "the bench nginx did not start: $(cat "$WORK/nginx-error.log")"
API=http://127.0.0.1:$BENCH_PORT
PROTECTED=http://127.0.0.1:$((BENCH_PORT + 1))
for _ in $(seq 1 50); do curl -sf -o /dev/null "$API/health" && break; sleep 0.1; done
curl -sf -o /dev/null "$API/health" || die "the bench authd is not healthy: $(tail -n 5 "$WORK/authd.log")"
