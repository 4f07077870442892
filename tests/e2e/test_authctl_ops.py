"""authctl for operators, second slice: `user disable|enable` (every door that
issues tokens refuses a disabled account; the validator refuses the tokens it
had within the revocation bound), `user add --reset-required`, `outbox
list|retry` and `audit tail [-f]`, against the real stack's Postgres, with
their failure paths (1 refused, 64 usage; 69 is in test_authctl's Postgres-down
test)."""
import json
import os
import select
import signal
import subprocess
import time

import contract
from conftest import (PASSWORD, URL, assert_error, bearer, code_in, login, new_email,
                      refused_within, url, wait_until)
from test_authctl import OPERATOR, add_user, audit_operators, authctl, ok
from test_mfa import challenge, enable_mfa, mfa_verify, totp
from test_password_reset import forgot, reset

NEW_PASSWORD = "N3w-Battery-Staple!"


def validate(http, token):
    return lambda: http.get(url("/auth/validate"), headers=bearer(token)).status_code


def show(stack, address):
    return json.loads(ok(stack, "--json", "user", "show", address))


def test_disable_refuses_every_door_and_the_validator_within_the_bound(stack, http):
    address = add_user(stack)
    tokens = login(http, address)
    assert show(stack, address)["disabled"] is False

    assert json.loads(ok(stack, "--json", "user", "disable", address)) == {
        "email": address, "disabled": True, "changed": True}
    # The access token minted before the disable: refused within the bound.
    assert refused_within(validate(http, tokens["accessToken"]), 1.0)
    # The right password learns the state; a wrong one learns nothing.
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert_error(r, 403, "ACCOUNT_DISABLED")
    contract.check(r, "/auth/login", "post")
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": "Wr0ng-Horse!"}),
                 401, "INVALID_CREDENTIALS")
    # The refresh token is refused as a revoked one.
    r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    assert_error(r, 401, "INVALID_REFRESH_TOKEN")
    # The browser form refuses too.
    r = http.post(url("/login"), data={"email": address, "password": PASSWORD},
                  headers={"Origin": URL}, allow_redirects=False)
    assert r.status_code == 403 and "disabled" in r.text
    # authctl token mint refuses.
    out = authctl(stack, "token", "mint", "--email", address)
    assert out.returncode == 1 and "disabled" in out.stderr and out.stdout == ""
    assert len(out.stderr.splitlines()) == 1

    shown = show(stack, address)
    assert shown["disabled"] is True and shown["disabled_at"] and shown["sessions"] == 0
    assert "disabled:     yes, since" in ok(stack, "user", "show", address)
    assert "\tdisabled\t" in ok(stack, "user", "list", "--query", address)
    assert json.loads(ok(stack, "--json", "user", "list", "--query", address))[0]["disabled"]
    assert audit_operators(stack, address, "account_disabled") == [OPERATOR]
    assert "disabled already" in ok(stack, "user", "disable", address)
    assert audit_operators(stack, address, "account_disabled") == [OPERATOR]

    assert ok(stack, "user", "enable", address) == f"enabled {address}\n"
    assert show(stack, address)["disabled_at"] is None
    assert "\tenabled\t" in ok(stack, "user", "list", "--query", address)
    fresh = login(http, address)
    assert validate(http, fresh["accessToken"])() == 204
    assert audit_operators(stack, address, "account_enabled") == [OPERATOR]
    assert json.loads(ok(stack, "--json", "user", "enable", address))["changed"] is False


def test_disable_ends_the_mfa_challenge_and_the_second_step_refuses(stack, http):
    address, _, setup, _ = enable_mfa(stack, http)
    token = challenge(http, address)
    ok(stack, "user", "disable", address)
    assert_error(mfa_verify(http, token, totp(setup["secret"], +1)), 401, "MFA_SESSION_EXPIRED")

    # A challenge still live on a disabled account (the mark set behind
    # authctl's back) is refused with the right code all the same.
    ok(stack, "user", "enable", address)
    token = challenge(http, address)
    stack.psql(f"UPDATE users SET disabled_at = now() WHERE email = '{address}'")
    r = mfa_verify(http, token, totp(setup["secret"], +1))
    assert_error(r, 403, "ACCOUNT_DISABLED")
    contract.check(r, "/auth/mfa/verify", "post")


def test_a_disabled_account_gets_no_reset_and_a_reset_does_not_enable_it(stack, http):
    address = add_user(stack)
    code = forgot(stack, address)
    ok(stack, "user", "disable", address)
    # The code mailed before the disable is refused as for an unknown email.
    r = reset({"email": address, "code": code, "newPassword": NEW_PASSWORD})
    assert r.status_code == 400 and r.json()["error"] == "INVALID_CODE", r.text
    assert show(stack, address)["disabled"] is True
    # Forgot-password answers as always and sends nothing.
    before = len(stack.mails(address, "password_reset"))
    r = http.post(url("/auth/password/forgot"), json={"email": address})
    assert r.status_code == 202
    time.sleep(1.0)
    assert len(stack.mails(address, "password_reset")) == before
    assert stack.psql("SELECT count(*) FROM mail_outbox WHERE template = 'password_reset'"
                      f" AND recipient = '{address}'") == [[str(before)]]
    # Enabled again, the live code works.
    ok(stack, "user", "enable", address)
    r = reset({"email": address, "code": code, "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    login(http, address, NEW_PASSWORD)


def test_user_disable_and_enable_failure_paths(stack):
    missing = new_email("nobody")
    for sub in ("disable", "enable"):
        out = authctl(stack, "user", sub, missing)
        assert out.returncode == 1
        assert out.stderr == f"authctl: user {sub}: no account for {missing}\n"
        assert authctl(stack, "user", sub).returncode == 64
        assert authctl(stack, "user", sub, missing, "extra").returncode == 64


def test_user_add_reset_required_mails_the_reset_code_at_once(stack, http):
    address = new_email("ops")
    created = json.loads(ok(stack, "--json", "user", "add", address, "--name", "Ada Lovelace",
                            "--verified", "--reset-required"))
    assert created["email"] == address and created["reset_mail_queued"] is True
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 401, "INVALID_CREDENTIALS")
    r = reset({"email": address, "code": code, "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    login(http, address, NEW_PASSWORD)
    assert stack.psql("SELECT detail->>'reset_required' FROM audit_events a JOIN users u"
                      " ON u.id = a.user_id WHERE a.event = 'user_created_by_operator'"
                      f" AND u.email = '{address}'") == [["true"]]

    other = new_email("ops")
    out = authctl(stack, "user", "add", other, "--reset-required", "--password-stdin",
                  stdin=PASSWORD + "\n")
    assert out.returncode == 64 and len(out.stderr.splitlines()) == 1
    assert stack.psql(f"SELECT count(*) FROM users WHERE email = '{other}'") == [["0"]]
    out = authctl(stack, "user", "add", address, "--reset-required")
    assert out.returncode == 1 and "exists" in out.stderr
    # The refused add queued nothing.
    assert len(stack.psql("SELECT id FROM mail_outbox WHERE template = 'password_reset'"
                          f" AND recipient = '{address}'")) == 1


def outbox_row(stack, recipient, **columns):
    """A failed outbox row made by hand: payload erased, as a given-up row's."""
    names = ", ".join(columns)
    values = ", ".join(str(v) for v in columns.values())
    return int(stack.psql(
        "INSERT INTO mail_outbox (template, recipient, message_id, " + names + ")"
        f" VALUES ('password_changed', '{recipient}', 'opsretrytest', {values}) RETURNING id")[0][0])


def test_outbox_list_and_retry(stack, http):
    address = new_email("ops")
    ok(stack, "user", "add", address, "--verified", "--reset-required")
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    listed = json.loads(ok(stack, "--json", "outbox", "list"))
    mine = [e for e in listed if e["recipient"] == address]
    assert [(e["template"], e["state"]) for e in mine] == [("password_reset", "sent")]
    assert set(mine[0]) == {"id", "recipient", "template", "attempts", "state", "last_error",
                            "created_at", "next_attempt_at"}
    text = ok(stack, "outbox", "list")
    assert address in text and code not in text and code not in json.dumps(listed)

    retrying = outbox_row(stack, address, attempts=3,
                          next_attempt_at="now() + interval '1 hour'",
                          last_error="'smtp: 421 try again later'")
    given_up = outbox_row(stack, address, attempts=9, failed_at="now()",
                          last_error="'smtp: 550 no such mailbox'")
    failed = {e["id"]: e for e in json.loads(ok(stack, "--json", "outbox", "list", "--failed"))}
    assert failed[retrying]["state"] == "retrying" and failed[given_up]["state"] == "given_up"
    assert failed[retrying]["last_error"] == "smtp: 421 try again later"
    assert mine[0]["id"] not in failed
    assert "421 try again later" in ok(stack, "outbox", "list", "--failed")

    assert json.loads(ok(stack, "--json", "outbox", "retry", str(retrying))) == {"due_now": 1}
    # Due now: the mailer takes it at once (and, its payload being gone,
    # counts another failed attempt).
    assert wait_until(lambda: stack.psql(
        f"SELECT attempts FROM mail_outbox WHERE id = {retrying}") == [["4"]], timeout=5)
    assert stack.psql("SELECT detail->>'operator', detail->>'outbox_id' FROM audit_events"
                      " WHERE event = 'outbox_retried_by_operator' AND detail->>'outbox_id' ="
                      f" '{retrying}'") == [[OPERATOR, str(retrying)]]

    out = authctl(stack, "outbox", "retry", str(given_up))
    assert out.returncode == 1 and "given up" in out.stderr and len(out.stderr.splitlines()) == 1
    out = authctl(stack, "outbox", "retry", str(mine[0]["id"]))
    assert out.returncode == 1 and "has not failed" in out.stderr
    assert authctl(stack, "outbox", "retry", "999999999").returncode == 1

    stack.psql(f"UPDATE mail_outbox SET next_attempt_at = now() + interval '1 hour' WHERE id = {retrying}")
    all_failed = json.loads(ok(stack, "--json", "outbox", "retry", "--all-failed"))
    assert all_failed["due_now"] >= 1
    assert wait_until(lambda: stack.psql(
        f"SELECT attempts FROM mail_outbox WHERE id = {retrying}") == [["5"]], timeout=5)
    stack.psql(f"DELETE FROM mail_outbox WHERE id IN ({retrying}, {given_up})")

    for args in (["outbox"], ["outbox", "retry"], ["outbox", "retry", "abc"],
                 ["outbox", "retry", "1", "2"], ["outbox", "list", "--limit", "0"],
                 ["outbox", "list", "--bodies"]):
        out = authctl(stack, *args)
        assert out.returncode == 64 and len(out.stderr.splitlines()) == 1, args


def audit_tail(stack, *args):
    return json.loads(ok(stack, "--json", "audit", "tail", *args))


def test_audit_tail_filters_and_limits(stack, http):
    address = add_user(stack)
    login(http, address)
    ok(stack, "user", "disable", address)
    ok(stack, "user", "enable", address)
    rows = audit_tail(stack, "--user", address)
    assert [r["event"] for r in rows] == ["user_created_by_operator", "login",
                                          "account_disabled", "account_enabled"]
    assert all(r["email"] == address for r in rows)
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert rows[-1]["detail"]["operator"] == OPERATOR  # nested, not a string of JSON
    assert [r["event"] for r in audit_tail(stack, "--user", address, "-n", "1")] == \
        ["account_enabled"]
    assert [r["event"] for r in audit_tail(stack, "--user", address, "--event",
                                           "account_disabled", "--since", "10m")] == \
        ["account_disabled"]
    assert len(audit_tail(stack)) == 20
    text = ok(stack, "audit", "tail", "--user", address, "-n", "2").splitlines()
    assert len(text) == 2 and "\taccount_enabled\t" + address + "\t" in text[-1]

    missing = new_email("nobody")
    out = authctl(stack, "audit", "tail", "--user", missing)
    assert out.returncode == 1 and out.stderr == f"authctl: audit tail: no account for {missing}\n"
    for args in (["audit"], ["audit", "head"], ["audit", "tail", "--since", "10x"],
                 ["audit", "tail", "-n", "0"], ["audit", "tail", "--user"],
                 ["audit", "tail", "--frobnicate"]):
        out = authctl(stack, *args)
        assert out.returncode == 64 and len(out.stderr.splitlines()) == 1, args


def read_line(proc, timeout):
    """One line of the process's stdout within `timeout` seconds, or None."""
    deadline = time.monotonic() + timeout
    line = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            byte = os.read(proc.stdout.fileno(), 1)
            if not byte:
                return None
            line += byte
            if byte == b"\n":
                return line.decode()
    return None


def test_audit_tail_follows_until_a_signal(stack, http):
    address = add_user(stack)
    for sig in (signal.SIGINT, signal.SIGTERM):
        proc = subprocess.Popen(
            [stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path), "--json",
             "audit", "tail", "-f", "--user", address, "--event", "lockout_cleared_by_operator"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ, SUDO_USER=OPERATOR))
        try:
            earlier = len(audit_operators(stack, address, "lockout_cleared_by_operator"))
            for _ in range(earlier):  # the rows of the first round, as its first batch
                assert json.loads(read_line(proc, 5))["event"] == "lockout_cleared_by_operator"
            assert read_line(proc, 1.2) is None
            ok(stack, "user", "unlock", address)
            line = read_line(proc, 5)
            assert line is not None, "no new row within 5 s"
            row = json.loads(line)
            assert row["event"] == "lockout_cleared_by_operator" and row["email"] == address
            proc.send_signal(sig)
            assert proc.wait(timeout=5) == 0
            assert proc.stderr.read() == b""
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
