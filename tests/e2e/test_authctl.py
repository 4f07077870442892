"""authctl for operators: `user add|list|show|delete|verify|unlock`,
`sessions list|revoke`, `config check`, against the real stack's Postgres,
with the API seeing what authctl did (a login through nginx, a revoked
token refused by the validator), audit rows naming the operator, and the
exit codes a script relies on (1 refused, 64 usage, 69 Postgres down)."""
import base64
import json
import os
import subprocess

from conftest import (PASSWORD, assert_error, bearer, login, new_email, refused_within, url,
                      wait_until)

OPERATOR = "ops-alice"


def authctl(stack, *args, stdin=None):
    env = dict(os.environ, SUDO_USER=OPERATOR)
    return subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           *args], capture_output=True, text=True, input=stdin, env=env)


def ok(stack, *args, stdin=None):
    out = authctl(stack, *args, stdin=stdin)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out.stdout


def audit_operators(stack, email, event):
    return [r[0] for r in stack.psql(
        "SELECT a.detail->>'operator' FROM audit_events a JOIN users u ON u.id = a.user_id"
        f" WHERE u.email = '{email}' AND a.event = '{event}' ORDER BY a.id")]


def sid_of(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]


def add_user(stack, address=None, password=PASSWORD):
    address = address or new_email("ops")
    ok(stack, "user", "add", address, "--name", "Grace Hopper", "--verified", "--password-stdin",
       stdin=password + "\n")
    return address


def test_user_add_then_login_show_and_list(stack, http):
    address = add_user(stack)
    tokens = login(http, address)
    assert http.get(url("/auth/validate"), headers=bearer(tokens["accessToken"])).status_code == 204
    assert audit_operators(stack, address, "user_created_by_operator") == [OPERATOR]

    shown = json.loads(ok(stack, "--json", "user", "show", address))
    assert shown["email"] == address and shown["email_verified"] is True
    assert shown["mfa_enabled"] is False and shown["locked_until"] is None
    assert shown["sessions"] == 1 and shown["first_name"] == "Grace"
    text = ok(stack, "user", "show", address)
    assert "verified:     yes" in text and "sessions:     1" in text and "2fa:          off" in text

    listed = json.loads(ok(stack, "user", "list", "--query", address, "--json"))
    assert [u["email"] for u in listed] == [address]
    assert address in ok(stack, "user", "list", "--query", address.split("@")[0], "--limit", "5")


def test_user_add_refuses_a_weak_password_and_a_duplicate(stack):
    address = new_email("ops")
    out = authctl(stack, "user", "add", address, "--password-stdin", stdin="short\n")
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1, out
    assert "password refused" in out.stderr
    ok(stack, "user", "add", address)
    out = authctl(stack, "user", "add", address)
    assert out.returncode == 1 and "exists" in out.stderr and len(out.stderr.splitlines()) == 1


def test_user_without_password_cannot_log_in_until_verified_and_reset(stack, http):
    address = new_email("ops")
    ok(stack, "user", "add", address)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert r.status_code in (401, 403), r.text
    assert json.loads(ok(stack, "--json", "user", "show", address))["email_verified"] is False
    ok(stack, "user", "verify", address)
    assert json.loads(ok(stack, "--json", "user", "show", address))["email_verified"] is True
    assert audit_operators(stack, address, "email_verified_by_operator") == [OPERATOR]


def test_sessions_list_and_revoke_reach_the_validator(stack, http):
    address = add_user(stack)
    first = login(http, address)
    second = login(http, address)
    listed = json.loads(ok(stack, "--json", "sessions", "list", address))
    assert len(listed) == 2
    sid = listed[-1]["id"]
    assert sid in ok(stack, "sessions", "list", address)

    def status(token):
        return lambda: http.get(url("/auth/validate"), headers=bearer(token)).status_code

    ok(stack, "sessions", "revoke", address, "--session", sid)
    revoked, kept = (first, second) if sid_of(first["accessToken"]) == sid else (second, first)
    assert sid_of(revoked["accessToken"]) == sid
    assert len(json.loads(ok(stack, "--json", "sessions", "list", address))) == 1
    assert refused_within(status(revoked["accessToken"]), 1.0)
    assert status(kept["accessToken"])() == 204

    assert json.loads(ok(stack, "--json", "sessions", "revoke", address)) == {"revoked": 1}
    assert refused_within(status(kept["accessToken"]), 1.0)
    assert audit_operators(stack, address, "sessions_revoked_by_operator") == [OPERATOR] * 2
    out = authctl(stack, "sessions", "revoke", address, "--session", sid)
    assert out.returncode == 1 and len(out.stderr.splitlines()) == 1


def test_user_unlock_lifts_a_lock(stack, http):
    address = add_user(stack)
    for _ in range(5):
        r = http.post(url("/auth/login"), json={"email": address, "password": "Wr0ng-Password!"})
        assert r.status_code == 401
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 429, "ACCOUNT_LOCKED")
    assert json.loads(ok(stack, "--json", "user", "show", address))["locked_until"]
    ok(stack, "user", "unlock", address)
    login(http, address)
    assert audit_operators(stack, address, "lockout_cleared_by_operator") == [OPERATOR]
    # The lock was still on when unlock ran (the test profile's lock lasts 3 s).
    assert stack.psql("SELECT a.detail->>'was_locked' FROM audit_events a JOIN users u"
                      " ON u.id = a.user_id WHERE a.event = 'lockout_cleared_by_operator'"
                      f" AND u.email = '{address}'") == [["true"]]


def test_user_delete_revokes_and_removes(stack, http):
    address = add_user(stack)
    user_id = json.loads(ok(stack, "--json", "user", "show", address))["id"]
    tokens = login(http, address)
    ok(stack, "user", "delete", address)
    assert refused_within(
        lambda: http.get(url("/auth/validate"), headers=bearer(tokens["accessToken"])).status_code)
    assert stack.psql(f"SELECT count(*) FROM users WHERE email = '{address}'") == [["0"]]
    assert stack.psql("SELECT detail->>'operator' FROM audit_events WHERE event = 'account_deleted'"
                      f" AND user_id = '{user_id}'") == [[OPERATOR]]
    out = authctl(stack, "user", "show", address)
    assert out.returncode == 1 and out.stderr == f"authctl: user show: no account for {address}\n"


def test_usage_errors_and_config_check(stack):
    for args in (["user"], ["user", "frobnicate", "a@example.com"], ["sessions", "list"],
                 ["user", "list", "--limit", "x"], ["nonsense"]):
        assert authctl(stack, *args).returncode == 64, args
    out = ok(stack, "config", "check")
    assert "[database]" in out


def test_postgres_down_is_exit_69_with_one_line(stack, http):
    address = add_user(stack)
    stack.dev("pg-stop")
    try:
        for args in (["user", "show", address], ["sessions", "revoke", address],
                     ["user", "list"], ["user", "disable", address], ["outbox", "list"],
                     ["outbox", "retry", "--all-failed"], ["audit", "tail"]):
            out = authctl(stack, *args)
            assert out.returncode == 69, (args, out.stderr)
            assert len(out.stderr.splitlines()) == 1 and "database unavailable" in out.stderr
            assert "no account" not in out.stderr
    finally:
        stack.dev("pg-start")
        assert wait_until(lambda: http.get(url("/health")).status_code == 200, timeout=15)
