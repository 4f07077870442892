#!/usr/bin/env bash
# scripts/dev.sh: the whole authd stack on one Debian machine.
#
#   scripts/dev.sh up      install what is missing, build, and serve the stack
#                          (Postgres, memcached, nginx, authd) under ./var on
#                          http://127.0.0.1:8080; running it again is harmless
#   scripts/dev.sh test    the same in a throwaway directory with the test
#                          profile (short windows, port 18080), then every
#                          test through ctest, then the fuzz and analyze
#                          stages; stops the stack afterwards (arguments
#                          after `test` go to ctest and skip those stages:
#                          -R e2e.test_mfa)
#   scripts/dev.sh fuzz    the fuzz stage alone: the libFuzzer targets of
#                          fuzz/ built with clang in build-fuzz/, each run on
#                          its seeds and regressions, then for
#                          AUTHD_FUZZ_SECONDS (20) each
#   scripts/dev.sh analyze static analysis: clang-tidy (.clang-tidy) and
#                          cppcheck over src/, any finding fails
#   scripts/dev.sh package the Debian package: a Release build in
#                          build-package/, packed by CPack into
#                          dist/authd_<version>_amd64.deb
#                          (tests/e2e/test_package.py installs it)
#   scripts/dev.sh down    stop what `up` started
#   scripts/dev.sh status  what is running
#
# Helpers the tests use on a running stack (AUTHD_VAR names it):
#   pg-stop, pg-start, mc-stop, mc-start, authd-stop, authd-start
#
# Postgres runs as the postgres user and memcached as an unprivileged user
# when this runs as root, each on its own port and socket, so whatever
# system services Debian started never collide with them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PACKAGES=(build-essential cmake pkg-config git curl ca-certificates openssl
          libfcgi-dev libssl-dev libcjson-dev libmemcached-dev libpq-dev
          liboath-dev libqrencode-dev libpng-dev libargon2-dev libcurl4-openssl-dev libunistring-dev
          libgtest-dev clang-format
          postgresql memcached nginx
          python3 python3-pytest python3-requests python3-jwt python3-cryptography python3-jsonschema
          python3-yaml python3-aiosmtpd python3-boto3 python3-flask oathtool zbar-tools
          chromium chromium-driver python3-selenium fonts-dejavu-core
          libnginx-mod-http-set-misc
          clang libclang-rt-14-dev clang-tidy cppcheck
          dpkg-dev man-db groff-base systemd)

say() { printf 'dev.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- profile -----------------------------------------------------------

# Sets the variables of one stack: where it lives and which ports it uses.
profile() {
    case "$1" in
        dev)
            VAR=${AUTHD_VAR:-$ROOT/var}
            # AUTHD_DEV_PORTS="http pg memcached" moves it off the defaults
            # (a second checkout's stack for bench/, beside the first).
            read -r HTTP_PORT PG_PORT MC_PORT <<< "${AUTHD_DEV_PORTS:-8080 54320 11260}"
            BUILD=$ROOT/build
            CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
            ;;
        test)
            VAR=${AUTHD_VAR:-$(mktemp -d /tmp/authd-test.XXXXXX)}
            # Another checkout can run its tests beside this one with
            # AUTHD_TEST_PORTS="http pg memcached" (e.g. "28080 54331 11271").
            read -r HTTP_PORT PG_PORT MC_PORT <<< "${AUTHD_TEST_PORTS:-18080 54321 11261}"
            BUILD=$ROOT/build-test
            CMAKE_FLAGS=(-DCMAKE_BUILD_TYPE=Debug -DAUTHD_SANITIZE=ON -DAUTHD_WERROR=ON)
            ;;
    esac
    PROFILE=$1
    APP_PORT=$((HTTP_PORT + 1))  # the demo app host (nginx/authd-demo-app.conf)
    METRICS_PORT=$((HTTP_PORT + 2))  # GET /metrics (nginx/authd-metrics.conf)
    RUN=$VAR/run LOG=$VAR/log
}

# Loads the profile a running stack was started with.
load_stack() {
    [ -n "${AUTHD_VAR:-}" ] || AUTHD_VAR=$ROOT/var
    [ -f "$AUTHD_VAR/stack.env" ] || die "no stack at $AUTHD_VAR (run scripts/dev.sh up)"
    # shellcheck disable=SC1091
    . "$AUTHD_VAR/stack.env"
}

save_stack() {
    cat > "$VAR/stack.env" <<EOF
PROFILE=$PROFILE VAR=$VAR RUN=$RUN LOG=$LOG BUILD=$BUILD
HTTP_PORT=$HTTP_PORT APP_PORT=$APP_PORT METRICS_PORT=$METRICS_PORT PG_PORT=$PG_PORT MC_PORT=$MC_PORT
PGROOT=$PGROOT PGBIN=$PGBIN
EOF
}

# --- packages ----------------------------------------------------------

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    is_root || die "missing packages (install them as root): ${missing[*]}"
    say "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

# --- build -------------------------------------------------------------

build() {
    say "building in $BUILD"
    local launcher=()
    # ccache, when the machine has it, shares objects between checkouts.
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
    cmake -S "$ROOT" -B "$BUILD" "${CMAKE_FLAGS[@]}" "${launcher[@]}" >/dev/null
    cmake --build "$BUILD" -j"$(nproc)" >/dev/null 2>"$BUILD/build-errors.log" || { cat "$BUILD/build-errors.log" >&2; die "build failed"; }
}

# --- processes ---------------------------------------------------------

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # pidfile [signal]
    local pidfile=$1 sig=${2:-TERM} pid i
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    pid=$(cat "$pidfile")
    kill -"$sig" "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    rm -f "$pidfile"
}

as_postgres() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

# --- postgres ----------------------------------------------------------

pg_locate() {
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$PGBIN" ] || die "PostgreSQL server binaries not found"
    # The cluster lives under var/ when the postgres user can reach it, else
    # in a directory of its own named after var/ (a checkout under /root is
    # not traversable by other users).
    PGROOT=$VAR/pg
    if is_root && ! runuser -u postgres -- test -x "$VAR"; then
        PGROOT=/tmp/authd-pg-$(printf '%s' "$VAR" | md5sum | cut -c1-12)
    fi
}

pg_start() {
    if [ ! -f "$PGROOT/data/PG_VERSION" ]; then
        say "initialising Postgres cluster in $PGROOT"
        mkdir -p "$PGROOT/data" "$PGROOT/sock"
        is_root && chown -R postgres:postgres "$PGROOT"
        chmod 700 "$PGROOT/data"
        as_postgres "$PGBIN/initdb" -D "$PGROOT/data" -U postgres --auth=trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
        {
            echo "listen_addresses = ''"
            echo "port = $PG_PORT"
            echo "unix_socket_directories = '$PGROOT/sock'"
            echo "max_connections = 200"
            if [ "$PROFILE" = test ]; then
                echo "fsync = off"
                echo "synchronous_commit = off"
                echo "full_page_writes = off"
            fi
        } >> "$PGROOT/data/postgresql.conf"
    fi
    if ! as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
        as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -l "$PGROOT/postgres.log" -w -t 60 start >/dev/null
    fi
}

pg_stop() {
    [ -f "$PGROOT/data/PG_VERSION" ] || return 0
    as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" -m fast -w stop >/dev/null 2>&1 || true
}

pg_setup_database() {
    local psql=("$PGBIN/psql" -h "$PGROOT/sock" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA)
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = 'authd'")" != 1 ]; then
        "${psql[@]}" -c "CREATE ROLE authd LOGIN"
    fi
    if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'authd'")" != 1 ]; then
        "${psql[@]}" -c "CREATE DATABASE authd OWNER authd"
    fi
}

# --- memcached ---------------------------------------------------------

mc_start() {
    alive "$RUN/memcached.pid" && return 0
    local user=()
    if is_root; then
        if id memcache >/dev/null 2>&1; then user=(-u memcache); else user=(-u nobody); fi
    fi
    memcached "${user[@]}" -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 -c 1024 \
        >> "$LOG/memcached.log" 2>&1 &
    echo $! > "$RUN/memcached.pid"
    local i
    for i in $(seq 1 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$MC_PORT") 2>/dev/null && return 0
        sleep 0.1
    done
    die "memcached did not start (see $LOG/memcached.log)"
}

mc_stop() { stop_pid "$RUN/memcached.pid"; }

# --- authd -------------------------------------------------------------

write_authd_config() {
    local workers=4
    [ "$PROFILE" = test ] && workers=3
    cat > "$VAR/authd.conf" <<EOF
# Generated by scripts/dev.sh ($PROFILE profile).
[server]
api_socket = $RUN/api.sock
validate_socket = $RUN/validate.sock
socket_mode = 0660
api_workers = $workers
validate_workers = 2
shutdown_timeout = 10
log_level = info

[database]
url = host=$PGROOT/sock port=$PG_PORT dbname=authd user=authd
connect_timeout = 2

[cache]
servers = 127.0.0.1:$MC_PORT
timeout_ms = 200

[keys]
dir = $VAR/keys

[tokens]
issuer = http://127.0.0.1:$HTTP_PORT
audience = authd
algorithm = ES256

[http]
redirect_hosts = 127.0.0.1, localhost

[mail]
transport = file
dir = $VAR/mail
from = authd <no-reply@authd.test>

# The Cognito-compatible API at POST / (README, "Moving from Cognito"):
# boto3's cognito-idp client with endpoint_url=http://127.0.0.1:$HTTP_PORT.
[cognito]
user_pool_id = local_authd
client_id = authddevclient
# The admin operations (AdminCreateUser, ListUsers, ...) are SigV4-signed
# with these as aws_access_key_id and aws_secret_access_key.
admin_keys = AKIDAUTHDDEV:authd-dev-admin-secret
EOF
    # The test profile: limits high enough for the suite's own traffic from
    # 127.0.0.1 (the rate-limit tests lower them by reload) and a short lock.
    if [ "$PROFILE" = test ]; then
        cat >> "$VAR/authd.conf" <<EOF

[limits]
login_per_ip = 100000
register_per_ip = 100000
forgot_per_ip = 100000
resend_per_ip = 100000
reset_per_ip = 100000
verify_email_per_ip = 100000
mfa_verify_per_ip = 100000
forgot_per_email = 3
resend_per_email = 3

[lockout]
duration = 3
EOF
    fi
}

authd_start() {
    stop_pid "$RUN/authd.pid"
    # The schema first: keys init records what it made in the audit trail.
    "$BUILD/authctl" --config "$VAR/authd.conf" migrate >/dev/null
    "$BUILD/authctl" --config "$VAR/authd.conf" keys init --add-missing >/dev/null
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
        "$BUILD/authd" --config "$VAR/authd.conf" >> "$LOG/authd.log" 2>&1 &
    echo $! > "$RUN/authd.pid"
    local i
    for i in $(seq 1 100); do
        [ -S "$RUN/api.sock" ] && [ -S "$RUN/validate.sock" ] && return 0
        alive "$RUN/authd.pid" || break
        sleep 0.1
    done
    tail -n 20 "$LOG/authd.log" >&2
    die "authd did not start"
}

# --- nginx -------------------------------------------------------------

render() {  # template output
    sed -e "s|@LISTEN@|127.0.0.1:$HTTP_PORT|g" \
        -e "s|@APP_LISTEN@|127.0.0.1:$APP_PORT|g" \
        -e "s|@METRICS_LISTEN@|127.0.0.1:$METRICS_PORT|g" \
        -e "s|@RUN@|$RUN|g" \
        -e "s|@API_SOCKET@|$RUN/api.sock|g" \
        -e "s|@VALIDATE_SOCKET@|$RUN/validate.sock|g" \
        -e "s|@VALIDATE_CACHE@|$VAR/nginx/validate-cache|g" \
        -e "s|@WEB_ROOT@|$ROOT/web|g" "$1" > "$2"
}

nginx_start() {
    local conf=$VAR/nginx/nginx.conf
    mkdir -p "$VAR/nginx/tmp" "$VAR/nginx/snippets"
    # The snippets are installed as they ship: they have no placeholders.
    cp "$ROOT"/nginx/snippets/*.conf "$VAR/nginx/snippets/"
    render "$ROOT/nginx/authd-http.conf" "$VAR/nginx/authd-http.conf"
    render "$ROOT/nginx/authd-validate-cache.conf" "$VAR/nginx/authd-validate-cache.conf"
    render "$ROOT/nginx/authd-site.conf" "$VAR/nginx/authd-site.conf"
    render "$ROOT/nginx/authd-demo-app.conf" "$VAR/nginx/authd-demo-app.conf"
    render "$ROOT/nginx/authd-metrics.conf" "$VAR/nginx/authd-metrics.conf"
    {
        # Workers run as the invoking user so they can reach authd's sockets.
        is_root && echo "user root root;"
        cat <<EOF
# The validator's micro-cache hashes its key with set-misc (and its NDK).
load_module /usr/lib/nginx/modules/ndk_http_module.so;
load_module /usr/lib/nginx/modules/ngx_http_set_misc_module.so;
worker_processes 2;
pid $RUN/nginx.pid;
error_log $LOG/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $LOG/nginx-access.log;
    client_body_temp_path $VAR/nginx/tmp/body;
    proxy_temp_path $VAR/nginx/tmp/proxy;
    fastcgi_temp_path $VAR/nginx/tmp/fastcgi;
    uwsgi_temp_path $VAR/nginx/tmp/uwsgi;
    scgi_temp_path $VAR/nginx/tmp/scgi;
    default_type application/octet-stream;
    include $VAR/nginx/authd-http.conf;
    include $VAR/nginx/authd-validate-cache.conf;
    include $VAR/nginx/authd-site.conf;
    include $VAR/nginx/authd-demo-app.conf;
    include $VAR/nginx/authd-metrics.conf;
}
EOF
    } > "$conf"
    nginx -t -q -p "$VAR/nginx" -c "$conf" 2>&1 | grep -v "the \"user\" directive" >&2 || true
    if alive "$RUN/nginx.pid"; then
        nginx -p "$VAR/nginx" -c "$conf" -s reload 2>/dev/null
        sleep 1  # the reload is asynchronous: let the new workers take over
    else
        # A socket left by an nginx that was killed (or a machine that went
        # down) makes the bind fail: nobody is listening on it.
        rm -f "$RUN/demo-app.sock"
        nginx -p "$VAR/nginx" -c "$conf"
    fi
}

nginx_stop() { stop_pid "$RUN/nginx.pid" QUIT; }

wait_healthy() {
    local i
    for i in $(seq 1 100); do
        curl -sf -o /dev/null "http://127.0.0.1:$HTTP_PORT/health" && return 0
        sleep 0.1
    done
    die "the stack did not become healthy (see $LOG)"
}

# --- commands ----------------------------------------------------------

start_stack() {
    install_packages
    build
    mkdir -p "$RUN" "$LOG" "$VAR/mail"
    pg_locate
    pg_start
    pg_setup_database
    mc_start
    write_authd_config
    save_stack
    authd_start
    nginx_start
    wait_healthy
}

stop_stack() {
    nginx_stop
    stop_pid "$RUN/authd.pid"
    mc_stop
    pg_stop
}

cmd_up() {
    profile dev
    start_stack
    say "serving http://127.0.0.1:$HTTP_PORT, a demo app behind it on http://127.0.0.1:$APP_PORT, metrics on http://127.0.0.1:$METRICS_PORT/metrics  (logs in $LOG, mail in $VAR/mail)"
}

cmd_down() {
    load_stack
    stop_stack
    say "stopped"
}

cmd_status() {
    load_stack
    local f
    for f in authd nginx memcached; do
        if alive "$RUN/$f.pid"; then echo "$f: running (pid $(cat "$RUN/$f.pid"))"; else echo "$f: stopped"; fi
    done
    if as_postgres "$PGBIN/pg_ctl" -D "$PGROOT/data" status >/dev/null 2>&1; then
        echo "postgres: running"
    else
        echo "postgres: stopped"
    fi
}

cmd_test() {
    profile test
    # A stack left over from an interrupted run would hold the test ports.
    local stale
    for stale in /tmp/authd-test.*/stack.env; do
        [ -f "$stale" ] || continue
        grep -q "HTTP_PORT=$HTTP_PORT " "$stale" || continue
        (AUTHD_VAR=$(dirname "$stale"); load_stack; stop_stack) || true
    done
    trap 'stop_stack; [ "${KEEP_VAR:-0}" = 1 ] || rm -rf "$VAR" "$PGROOT"' EXIT
    start_stack
    say "stack up at http://127.0.0.1:$HTTP_PORT ($VAR); running tests"
    local rc=0
    run_ctest() {
        AUTHD_URL=http://127.0.0.1:$HTTP_PORT AUTHD_APP_URL=http://127.0.0.1:$APP_PORT \
        AUTHD_VAR=$VAR AUTHD_ROOT=$ROOT \
            ctest --test-dir "$BUILD" --output-on-failure "$@"
    }
    if [ $# -eq 0 ]; then
        # The unit label needs no stack and is hundreds of short processes:
        # side by side.  The rest share one stack (and time ratios), in turn.
        run_ctest -L unit -j"$(nproc)" || rc=$?
        run_ctest -LE unit || rc=$?
    else
        run_ctest "$@" || rc=$?
    fi
    # Sanitizer reports in the daemon's log fail the run even when every
    # request happened to get an answer.
    if grep -nE "runtime error:|AddressSanitizer|LeakSanitizer" "$LOG/authd.log" >&2; then
        say "sanitizer reports in authd.log"
        rc=1
    fi
    [ $rc -eq 0 ] || { say "authd.log (last 40 lines):"; tail -n 40 "$LOG/authd.log" >&2; }
    return $rc
}

# The fuzz stage: needs no stack.  A crash leaves its input in
# build-fuzz/fuzz-work/<target>.crashes/; fixed, it belongs in
# fuzz/regressions/<target>/, which every run replays.
cmd_fuzz() {
    install_packages
    local dir=$ROOT/build-fuzz launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    say "building the fuzz targets in $dir"
    CC=clang CXX=clang++ cmake -S "$ROOT" -B "$dir" -DAUTHD_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DAUTHD_FUZZ_SECONDS="${AUTHD_FUZZ_SECONDS:-20}" "${launcher[@]}" >/dev/null
    cmake --build "$dir" -j"$(nproc)" >/dev/null 2>"$dir/build-errors.log" || { cat "$dir/build-errors.log" >&2; die "fuzz build failed"; }
    say "fuzzing: ${AUTHD_FUZZ_SECONDS:-20} s per target"
    ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" -L fuzz -R regressions
    ctest --test-dir "$dir" --output-on-failure -j"$(nproc)" -L fuzz -E regressions
}

# Static analysis: clang-tidy (.clang-tidy) over src/ with the test
# build's compile commands, and cppcheck; any finding fails.
cmd_analyze() {
    install_packages
    profile test
    [ -f "$BUILD/compile_commands.json" ] || cmake -S "$ROOT" -B "$BUILD" "${CMAKE_FLAGS[@]}" >/dev/null
    say "static analysis: cppcheck"
    cppcheck --enable=warning,performance,portability --std=c++20 --language=c++ -I "$ROOT/src" \
        --inline-suppr --quiet -j"$(nproc)" --error-exitcode=1 "$ROOT/src"
    say "static analysis: clang-tidy"
    run-clang-tidy -quiet -p "$BUILD" -j"$(nproc)" "$ROOT/src/" >"$BUILD/clang-tidy.log" 2>&1 ||
        { grep -E "warning:|error:" "$BUILD/clang-tidy.log" >&2; die "clang-tidy found problems (all of it: $BUILD/clang-tidy.log)"; }
}

# The Debian package (cmake/install.cmake): Release, its own build tree, only
# what the package holds (no tests), then CPack; the .deb goes to dist/.
cmd_package() {
    install_packages
    local dir=$ROOT/build-package launcher=()
    command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
    say "building the package in $dir"
    cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
        -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON "${launcher[@]}" >/dev/null
    cmake --build "$dir" -j"$(nproc)" --target authd authctl authd_docs >/dev/null 2>"$dir/build-errors.log" ||
        { cat "$dir/build-errors.log" >&2; die "package build failed"; }
    rm -rf "$dir/packages"
    (cd "$dir" && cpack -G DEB >/dev/null) || die "cpack failed"
    mkdir -p "$ROOT/dist"
    local deb
    for deb in "$dir"/packages/*.deb; do
        cp "$deb" "$ROOT/dist/"
        say "wrote dist/$(basename "$deb")"
    done
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    # Without ctest arguments: the stack's tests in a process of their own
    # (its EXIT trap stops that stack), then the fuzz stage.
    test) shift
          if [ $# -gt 0 ]; then cmd_test "$@"; else bash "$0" test-stack; cmd_fuzz; cmd_analyze; fi ;;
    test-stack) cmd_test ;;
    fuzz) cmd_fuzz ;;
    analyze) cmd_analyze ;;
    package) cmd_package ;;
    pg-stop) load_stack; pg_stop ;;
    pg-start) load_stack; pg_start ;;
    mc-stop) load_stack; mc_stop ;;
    mc-start) load_stack; mc_start ;;
    authd-stop) load_stack; stop_pid "$RUN/authd.pid" ;;
    authd-start) load_stack; authd_start ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 64 ;;
esac
