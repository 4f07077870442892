"""A signed-in user's secret asked again (issue 12, defect 2): a stolen
access token must not guess at the TOTP or the password faster than a
login could.  Every re-check counts toward the same lockout as a login
(contract section 6) and has a per-user limit ([limits] recheck_per_user)."""
import time

import contract
from conftest import PASSWORD, assert_error, bearer, login, url, verified_user
from test_mfa import enable_mfa, totp


def test_guessing_the_totp_with_a_token_locks_the_account(stack, http):
    address, tokens, setup, _ = enable_mfa(stack, http)
    auth = bearer(tokens["accessToken"])
    for _ in range(5):
        r = http.post(url("/auth/mfa/backup-codes"), headers=auth, json={"code": "000000"})
        assert_error(r, 401, "INVALID_MFA_CODE")
    # Locked: even the right code is refused, and so is a login.
    r = http.post(url("/auth/mfa/backup-codes"), headers=auth,
                  json={"code": totp(setup["secret"], 1)})
    assert_error(r, 429, "ACCOUNT_LOCKED")
    contract.check(r, "/auth/mfa/backup-codes", "post")
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 429, "ACCOUNT_LOCKED")
    r = http.post(url("/auth/mfa/disable"), headers=auth,
                  json={"password": PASSWORD, "code": totp(setup["secret"], 1)})
    assert_error(r, 429, "ACCOUNT_LOCKED")
    rows = stack.psql("SELECT count(*) FROM audit_events e JOIN users u ON u.id = e.user_id"
                      f" WHERE u.email = '{address}' AND e.event = 'mfa_recheck_failed'")
    assert rows == [["5"]]


def test_guessing_the_password_with_a_token_locks_the_account(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    auth = bearer(tokens["accessToken"])
    wrong = {"password": "Wr0ng-Horse!"}
    for path, method, body in [("/users/profile", "delete", wrong),
                               ("/auth/password/change", "post",
                                {"currentPassword": "Wr0ng-Horse!", "newPassword": "N3w-Horse!!"}),
                               ("/auth/mfa/setup", "post", wrong),
                               ("/users/profile", "delete", wrong),
                               ("/users/profile", "delete", wrong)]:
        r = http.request(method.upper(), url(path), headers=auth, json=body)
        assert_error(r, 401, "INVALID_CREDENTIALS")
    r = http.delete(url("/users/profile"), headers=auth, json={"password": PASSWORD})
    assert_error(r, 429, "ACCOUNT_LOCKED")
    contract.check(r, "/users/profile", "delete")
    assert http.get(url("/users/profile"), headers=auth).status_code == 200  # not deleted
    # The lock ends (3 s in the test profile); then the right password works.
    time.sleep(3.5)
    r = http.post(url("/auth/password/change"), headers=auth,
                  json={"currentPassword": PASSWORD, "newPassword": "N3w-Horse!!"})
    assert r.status_code == 200, r.text


def test_rechecks_have_a_per_user_limit(stack, http):
    old = stack.reconfigure(limits__recheck_per_user=3, limits__recheck_window=120)
    try:
        tokens = login(http, verified_user(stack, http))
        auth = bearer(tokens["accessToken"])
        for _ in range(3):
            r = http.post(url("/auth/password/change"), headers=auth,
                          json={"currentPassword": "Wr0ng-Horse!", "newPassword": "N3w-Horse!!"})
            assert r.status_code == 401
        r = http.post(url("/auth/password/change"), headers=auth,
                      json={"currentPassword": PASSWORD, "newPassword": "N3w-Horse!!"})
        assert_error(r, 429, "RATE_LIMITED")
        contract.check(r, "/auth/password/change", "post")
        assert 1 <= int(r.headers["Retry-After"]) <= 120
    finally:
        stack.reload_with(old)
