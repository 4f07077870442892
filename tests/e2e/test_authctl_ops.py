"""authctl for operators, second slice: `user disable|enable` (every door that
issues tokens refuses a disabled account; the validator refuses the tokens it
had within the revocation bound), `user add --reset-required`, against the real stack's Postgres, with
their failure paths (1 refused, 64 usage; 69 is in test_authctl's Postgres-down
test)."""
import json
import time

import contract
from conftest import (PASSWORD, URL, assert_error, bearer, code_in, login, new_email,
                      refused_within, url)
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
