"""Rate limits (contract section 6): fixed windows, every request counts,
the (N+1)th gets 429 RATE_LIMITED with Retry-After; per IP (nginx's
address, never X-Forwarded-For) or per email; they hold per host while
memcached is down, and memcached is used again when it returns."""
import hashlib
import socket
import time

import pytest

import contract
from conftest import (PASSWORD, assert_error, fresh_ip, login, new_email, register, session_from,
                      url, verified_user, wait_until)


def limited(stack, **limits):
    """Reconfigures the limits, then waits, if need be, until the current
    fixed window (epoch-aligned, [k * w, (k + 1) * w)) has at least 15 s
    left, so a test's count is never split by the window ending under it."""
    old = stack.reconfigure(**{f"limits__{k}": str(v) for k, v in limits.items()})
    windows = [v for k, v in limits.items() if k.endswith("_window")]
    for w in windows:
        left = w - time.time() % w
        if left < 15:
            time.sleep(left + 0.5)
    return old


def login_attempt(http, headers=None):
    return http.post(url("/auth/login"), json={"email": new_email(), "password": "Wr0ng-Pass!"},
                     headers=headers or {})


def test_login_limit_per_ip_trips_at_n_plus_one(stack):
    old = limited(stack, login_per_ip=5, login_window=120)
    try:
        a, b = session_from(fresh_ip()), session_from(fresh_ip())
        for _ in range(5):
            assert login_attempt(a).status_code == 401
        r = login_attempt(a)
        assert_error(r, 429, "RATE_LIMITED")
        assert 1 <= int(r.headers["Retry-After"]) <= 120
        contract.check(r, "/auth/login", "post")
        # Another client address is not affected.
        assert login_attempt(b).status_code == 401
    finally:
        stack.reload_with(old)


def test_client_x_forwarded_for_changes_nothing(stack):
    old = limited(stack, login_per_ip=4, login_window=120)
    try:
        c = session_from(fresh_ip())
        for i in range(4):
            assert login_attempt(c, {"X-Forwarded-For": f"10.0.0.{i}",
                                     "X-Real-IP": f"10.1.0.{i}"}).status_code == 401
        assert_error(login_attempt(c, {"X-Forwarded-For": "10.9.9.9"}), 429, "RATE_LIMITED")
    finally:
        stack.reload_with(old)


def test_register_limit_per_ip(stack):
    old = limited(stack, register_per_ip=3, register_window=120)
    try:
        c = session_from(fresh_ip())
        # Every request counts, whatever its answer.
        assert c.post(url("/auth/register"), json={}).status_code == 400
        register(c)
        register(c)
        r = c.post(url("/auth/register"), json={"email": new_email(), "password": PASSWORD,
                                                "firstName": "Ada", "lastName": "Lovelace"})
        assert_error(r, 429, "RATE_LIMITED")
        contract.check(r, "/auth/register", "post")
    finally:
        stack.reload_with(old)


def test_requests_refused_before_their_body_is_read_count_too(stack):
    # A 415 and an INVALID_JSON are answers like any other: they count
    # toward the per-IP limits of login and register.
    old = limited(stack, login_per_ip=4, register_per_ip=3, login_window=120,
                  register_window=120)
    try:
        c = session_from(fresh_ip())
        for path in ("/auth/login", "/auth/register"):
            assert_error(c.post(url(path), data="x", headers={"Content-Type": "text/plain"}),
                         415, "UNSUPPORTED_MEDIA_TYPE")
            assert_error(c.post(url(path), data="{", headers={"Content-Type": "application/json"}),
                         400, "INVALID_JSON")
        assert_error(c.post(url("/auth/register"), json={}), 400, "VALIDATION_ERROR")
        assert_error(c.post(url("/auth/register"), data="x", headers={"Content-Type": "text/plain"}),
                     429, "RATE_LIMITED")
        assert login_attempt(c).status_code == 401
        assert login_attempt(c).status_code == 401
        assert_error(c.post(url("/auth/login"), data="{", headers={"Content-Type": "application/json"}),
                     429, "RATE_LIMITED")
    finally:
        stack.reload_with(old)


def test_mfa_setup_limit_per_user_counts_every_request(stack, http):
    # 3 per user per hour (the default), whatever the answers were.
    tokens = login(http, verified_user(stack, http))
    auth = {"Authorization": "Bearer " + tokens["accessToken"]}
    assert_error(http.post(url("/auth/mfa/setup"), data="{",
                           headers={**auth, "Content-Type": "application/json"}),
                 400, "INVALID_JSON")
    assert_error(http.post(url("/auth/mfa/setup"), json={"password": "Wr0ng-Pass!"}, headers=auth),
                 401, "INVALID_CREDENTIALS")
    assert http.post(url("/auth/mfa/setup"), json={"password": PASSWORD},
                     headers=auth).status_code == 200
    r = http.post(url("/auth/mfa/setup"), json={"password": PASSWORD}, headers=auth)
    assert_error(r, 429, "RATE_LIMITED")
    assert 1 <= int(r.headers["Retry-After"]) <= 3600
    contract.check(r, "/auth/mfa/setup", "post")
    # Another user, from the same address, is not affected.
    other = login(http, verified_user(stack, http))
    assert http.post(url("/auth/mfa/setup"), json={"password": PASSWORD},
                     headers={"Authorization": "Bearer " + other["accessToken"]}).status_code == 200


def test_forgot_limit_per_email(stack, http):
    address = verified_user(stack, http)
    for _ in range(3):
        assert session_from(fresh_ip()).post(url("/auth/password/forgot"),
                                             json={"email": address}).status_code == 202
    r = session_from(fresh_ip()).post(url("/auth/password/forgot"), json={"email": address})
    assert_error(r, 429, "RATE_LIMITED")
    contract.check(r, "/auth/password/forgot", "post")
    # Unknown emails are limited the same way.
    ghost = new_email()
    for _ in range(3):
        assert http.post(url("/auth/password/forgot"), json={"email": ghost}).status_code == 202
    assert_error(http.post(url("/auth/password/forgot"), json={"email": ghost}), 429,
                 "RATE_LIMITED")


def test_resend_limit_per_email(stack, http):
    address = register(http)
    for _ in range(3):
        assert http.post(url("/auth/resend-verification"), json={"email": address}
                         ).status_code == 202
    r = http.post(url("/auth/resend-verification"), json={"email": address})
    assert_error(r, 429, "RATE_LIMITED")
    contract.check(r, "/auth/resend-verification", "post")


def memcached_count(stack, name, window, subject):
    key = "rl:%s:%d:%s" % (name, int(time.time()) // window,
                           hashlib.sha256(subject.encode()).hexdigest()[:32])
    port = int(stack.env()["MC_PORT"])
    with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
        s.sendall(f"get {key}\r\n".encode())
        data = b""
        while not data.endswith(b"END\r\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    lines = data.split(b"\r\n")
    return int(lines[1]) if lines[0].startswith(b"VALUE") else None


def test_limits_hold_while_memcached_is_down_and_it_is_used_again(stack, http):
    old = limited(stack, login_per_ip=6, login_window=300)
    try:
        address = verified_user(stack, http)
        tokens = login(http, address)
        ip = fresh_ip()
        c = session_from(ip)
        for _ in range(3):
            assert login_attempt(c).status_code == 401
        assert memcached_count(stack, "login", 300, ip) == 3
        stack.dev("mc-stop")
        try:
            assert http.get(url("/health")).json()["checks"]["cache"] == "down"
            for _ in range(3):
                assert login_attempt(c).status_code == 401
            assert_error(login_attempt(c), 429, "RATE_LIMITED")
            # The rest of the service does not need the cache.
            assert login(http, address)["accessToken"]
            assert http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]}
                             ).status_code == 200
            register(session_from(fresh_ip()))
        finally:
            stack.dev("mc-start")
        assert wait_until(lambda: http.get(url("/health")).json()["status"] == "ok", timeout=10)
        # Each worker retries a dead server after about a second.
        time.sleep(2.5)
        ip2 = fresh_ip()
        c2 = session_from(ip2)
        for _ in range(6):
            assert login_attempt(c2).status_code == 401
        assert memcached_count(stack, "login", 300, ip2) == 6, "memcached not used again"
        assert_error(login_attempt(c2), 429, "RATE_LIMITED")
    finally:
        stack.reload_with(old)


# The per-IP limits in front of endpoints whose subject a client makes up
# (an email in the body) or whose code it could guess at (issue 12, defects
# 1 and 4): (path, body, the answer under the limit, the limit's settings).
PER_IP = [
    ("/auth/password/forgot", lambda: {"email": new_email()}, (202, None),
     {"forgot_per_ip": 4, "forgot_window": 600}),
    ("/auth/resend-verification", lambda: {"email": new_email()}, (202, None),
     {"resend_per_ip": 4, "resend_window": 600}),
    ("/auth/password/reset",
     lambda: {"email": new_email(), "code": "123456", "newPassword": "N3w-Horse!!"},
     (400, "INVALID_CODE"), {"reset_per_ip": 4, "reset_window": 600}),
    ("/auth/verify-email", lambda: {"email": new_email(), "code": "123456"},
     (400, "INVALID_CODE"), {"verify_email_per_ip": 4, "verify_email_window": 600}),
    ("/auth/mfa/verify", lambda: {"sessionToken": "A" * 43, "code": "123456"},
     (401, "MFA_SESSION_EXPIRED"), {"mfa_verify_per_ip": 4, "mfa_verify_window": 600}),
]


@pytest.mark.parametrize("path,body,answer,limits", PER_IP, ids=[p[0] for p in PER_IP])
def test_per_ip_limits_in_front_of_emails_and_codes(stack, path, body, answer, limits):
    old = limited(stack, **limits)
    try:
        a, b = session_from(fresh_ip()), session_from(fresh_ip())
        status, code = answer
        for _ in range(4):
            r = a.post(url(path), json=body())
            if code:
                assert_error(r, status, code)
            else:
                assert r.status_code == status, r.text
        r = a.post(url(path), json=body())
        assert_error(r, 429, "RATE_LIMITED")
        assert 1 <= int(r.headers["Retry-After"]) <= 600
        contract.check(r, path, "post")
        # Counted before the body is read: a malformed one counts too.
        assert_error(a.post(url(path), data=b"{", headers={"Content-Type": "application/json"}),
                     429, "RATE_LIMITED")
        # Another address is not affected.
        assert b.post(url(path), json=body()).status_code == status
    finally:
        stack.reload_with(old)


def test_the_login_pages_code_step_has_the_mfa_verify_limit(stack):
    old = limited(stack, mfa_verify_per_ip=2, mfa_verify_window=600)
    try:
        c = session_from(fresh_ip())
        form = {"sessionToken": "A" * 43, "code": "123456", "rd": ""}
        headers = {"Origin": stack.url}
        for _ in range(2):
            r = c.post(url("/login"), data=form, headers=headers)
            assert r.status_code == 401, r.text
        r = c.post(url("/login"), data=form, headers=headers)
        assert r.status_code == 429
        assert "Too many attempts" in r.text
        assert 1 <= int(r.headers["Retry-After"]) <= 600
    finally:
        stack.reload_with(old)
