"""Turning 2FA on (issue 12, defect 7): enrolment ends every other session
of the user, as a password change does, and once 2FA is on only a session
that proved a second factor (a login through mfa/verify, or the session
that enrolled at verify-setup) may regenerate the backup codes or turn 2FA
off; any other gets 403 MFA_REQUIRED (README, "Choices the contract leaves
open")."""
import json
import subprocess
import threading
import time

import requests

import contract
from conftest import (PASSWORD, assert_error, bearer, login, refused_within, url, verified_user)
from test_mfa import challenge, claims_of, mfa_verify, totp


def validate(http, token):
    return http.get(url("/auth/validate"), headers=bearer(token)).status_code


def start_setup(http, tokens):
    r = http.post(url("/auth/mfa/setup"), headers=bearer(tokens["accessToken"]),
                  json={"password": PASSWORD})
    return contract.check(r, "/auth/mfa/setup", "post")


def finish_setup(http, tokens, secret, step=0):
    r = http.post(url("/auth/mfa/verify-setup"), headers=bearer(tokens["accessToken"]),
                  json={"code": totp(secret, step)})
    return contract.check(r, "/auth/mfa/verify-setup", "post")


def authctl(stack, *args):
    return subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           *args], capture_output=True, text=True)


def test_enabling_2fa_ends_every_other_session(stack, http):
    address = verified_user(stack, http)
    enrolling, before = login(http, address), login(http, address)
    setup = start_setup(http, enrolling)
    # A session that starts while the setup waits for its code ends too.
    during = login(http, address)
    others = (before, during)
    for t in (enrolling, *others):
        assert validate(http, t["accessToken"]) == 204  # cached by the validate workers

    assert finish_setup(http, enrolling, setup["secret"])["mfaEnabled"] is True
    for t in others:
        assert refused_within(lambda: validate(http, t["accessToken"]))
        assert_error(http.get(url("/users/profile"), headers=bearer(t["accessToken"])),
                     401, "INVALID_TOKEN")
        assert_error(http.post(url("/auth/refresh"), json={"refreshToken": t["refreshToken"]}),
                     401, "INVALID_REFRESH_TOKEN")

    # The enrolling session goes on, and may manage the 2FA it just proved.
    access = enrolling["accessToken"]
    assert validate(http, access) == 204
    listed = http.get(url("/auth/sessions"), headers=bearer(access)).json()["sessions"]
    assert [s["current"] for s in listed] == [True]
    r = http.post(url("/auth/mfa/backup-codes"), headers=bearer(access),
                  json={"code": totp(setup["secret"], +1)})
    assert len(contract.check(r, "/auth/mfa/backup-codes", "post")["backupCodes"]) == 10
    fresh = http.post(url("/auth/refresh"), json={"refreshToken": enrolling["refreshToken"]})
    assert fresh.status_code == 200, fresh.text

    user_id = enrolling["user"]["userId"]
    reasons = stack.psql(f"SELECT revoke_reason, count(*) FROM sessions WHERE user_id = '{user_id}'"
                         " AND revoked_at IS NOT NULL GROUP BY revoke_reason")
    assert reasons == [["mfa_enabled", "2"]]
    detail = stack.psql("SELECT detail FROM audit_events WHERE event = 'mfa_enabled'"
                        f" AND user_id = '{user_id}'")
    assert json.loads(detail[0][0])["sessions_revoked"] == "2"


def test_a_password_only_session_cannot_manage_2fa(stack, http):
    """Once 2FA is on, a session without a second factor (here one that
    `authctl token mint` made, as a login racing the enrolment could) may
    not regenerate the backup codes or turn 2FA off, even with the right
    code and password: that would make the second factor worthless to
    whoever holds only the password."""
    address = verified_user(stack, http)
    enrolling = login(http, address)
    setup = start_setup(http, enrolling)
    codes = finish_setup(http, enrolling, setup["secret"])["backupCodes"]

    out = authctl(stack, "token", "mint", "--email", address)
    assert out.returncode == 0, out.stderr
    password_only = bearer(out.stdout.strip())
    assert http.get(url("/users/profile"), headers=password_only).status_code == 200
    r = http.post(url("/auth/mfa/backup-codes"), headers=password_only,
                  json={"code": totp(setup["secret"], +1)})
    assert_error(r, 403, "MFA_REQUIRED")
    contract.check(r, "/auth/mfa/backup-codes", "post")
    r = http.post(url("/auth/mfa/disable"), headers=password_only,
                  json={"password": PASSWORD, "code": codes[0]})
    assert_error(r, 403, "MFA_REQUIRED")
    contract.check(r, "/auth/mfa/disable", "post")
    # Neither refusal spent the code.
    with_otp = mfa_verify(http, challenge(http, address), totp(setup["secret"], +1))
    assert with_otp.status_code == 200, with_otp.text
    second_factor = bearer(with_otp.json()["accessToken"])
    r = http.post(url("/auth/mfa/disable"), headers=second_factor,
                  json={"password": PASSWORD, "code": codes[0]})
    assert contract.check(r, "/auth/mfa/disable", "post") == {"mfaEnabled": False}


def test_the_enrolling_session_may_turn_2fa_off(stack, http):
    address = verified_user(stack, http)
    enrolling = login(http, address)
    setup = start_setup(http, enrolling)
    codes = finish_setup(http, enrolling, setup["secret"])["backupCodes"]
    r = http.post(url("/auth/mfa/disable"), headers=bearer(enrolling["accessToken"]),
                  json={"password": PASSWORD, "code": codes[0]})
    assert contract.check(r, "/auth/mfa/disable", "post") == {"mfaEnabled": False}
    # Turned on again from another session, the first one has ended.
    again = login(http, address)
    setup = start_setup(http, again)
    finish_setup(http, again, setup["secret"])
    assert refused_within(lambda: validate(http, enrolling["accessToken"]))


def test_a_login_racing_the_enrolment_leaves_no_password_only_session(stack, http):
    """Logins that read "2FA off" while verify-setup turns it on: none of
    their sessions may outlive the enrolment (verify-setup waits for a
    login in flight on the account, then ends what it made)."""
    address = verified_user(stack, http)
    enrolling = login(http, address)
    setup = start_setup(http, enrolling)
    stop = threading.Event()
    answers = []

    def keep_logging_in():
        with requests.Session() as s:
            while not stop.is_set():
                r = s.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
                answers.append(r.status_code)

    threads = [threading.Thread(target=keep_logging_in) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        time.sleep(0.5)
        finish_setup(http, enrolling, setup["secret"])
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert answers and set(answers) == {200}, answers  # challenges after the enrolment
    user_id = enrolling["user"]["userId"]
    enrolling_sid = claims_of(enrolling["accessToken"])["sid"]
    rows = stack.psql(f"SELECT count(*) FROM sessions WHERE user_id = '{user_id}'"
                      f" AND revoked_at IS NULL AND id <> '{enrolling_sid}'")
    assert rows == [["0"]]
