"""Registration, email verification and resending codes (contract sections
3, 4, 6, 7), through nginx with the code read from the mail."""
import contract
from conftest import (PASSWORD, assert_error, code_in, new_email, register, url)


def test_register_verify_login(stack, http):
    address = new_email()
    r = http.post(url("/auth/register"), json={"email": "  " + address.upper() + " ",
                                               "password": PASSWORD, "firstName": " Ada ",
                                               "lastName": "Lovelace"})
    assert r.status_code == 201, r.text
    body = contract.check(r, "/auth/register", "post")
    user = body["user"]
    assert user["email"] == address
    assert user["firstName"] == "Ada"
    assert user["emailVerified"] is False and user["mfaEnabled"] is False
    assert user["lastLoginAt"] is None
    assert isinstance(body["message"], str)

    msg = stack.wait_for_mail(address, "verify_email")
    assert msg["To"] == address
    code = code_in(msg)

    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert_error(r, 403, "EMAIL_NOT_VERIFIED")
    contract.check(r, "/auth/login", "post")

    r = http.post(url("/auth/verify-email"), json={"email": address, "code": code})
    assert r.status_code == 200, r.text
    contract.check(r, "/auth/verify-email", "post")

    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert r.status_code == 200, r.text
    tokens = contract.check(r, "/auth/login", "post")
    assert tokens["user"]["emailVerified"] is True
    assert tokens["user"]["lastLoginAt"] is not None


def test_register_reports_every_bad_field(http):
    r = http.post(url("/auth/register"), json={"email": "not-an-email", "password": "short",
                                               "firstName": "R2-D2", "lastName": ""})
    body = assert_error(r, 400, "VALIDATION_ERROR")
    assert set(body["fields"]) == {"email", "password", "firstName", "lastName"}, body
    contract.check(r, "/auth/register", "post")


def test_register_missing_and_wrong_types(http):
    body = assert_error(http.post(url("/auth/register"), json={}), 400, "VALIDATION_ERROR")
    assert set(body["fields"]) == {"email", "password", "firstName", "lastName"}
    body = assert_error(http.post(url("/auth/register"), json={
        "email": 5, "password": PASSWORD, "firstName": "Ada", "lastName": "L"}),
        400, "VALIDATION_ERROR")
    assert "email" in body["fields"]


def test_password_policy_messages(http):
    cases = {
        "alllower1!": "uppercase",
        "ALLUPPER1!": "lowercase",
        "NoDigits!!": "digit",
        "NoSymbol123": "symbol",
        "Lovelace12!": "name",
    }
    for password, word in cases.items():
        r = http.post(url("/auth/register"), json={"email": new_email(), "password": password,
                                                   "firstName": "Ada", "lastName": "Lovelace"})
        body = assert_error(r, 400, "VALIDATION_ERROR")
        assert word in body["fields"]["password"], (password, body)


def test_unicode_names_accepted(http):
    r = http.post(url("/auth/register"), json={"email": new_email(), "password": PASSWORD,
                                               "firstName": "Zoë", "lastName": "O’Brien-李"})
    assert r.status_code == 201, r.text
    assert r.json()["user"]["lastName"] == "O’Brien-李"


def test_duplicate_email_is_409_verified_or_not(stack, http):
    address = register(http)
    r = http.post(url("/auth/register"), json={"email": address, "password": PASSWORD,
                                               "firstName": "Eve", "lastName": "Smith"})
    assert_error(r, 409, "EMAIL_EXISTS")
    contract.check(r, "/auth/register", "post")


def test_verify_failures(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    wrong = "000000" if code != "000000" else "111111"
    r = http.post(url("/auth/verify-email"), json={"email": address, "code": wrong})
    assert_error(r, 400, "INVALID_CODE")
    contract.check(r, "/auth/verify-email", "post")
    r = http.post(url("/auth/verify-email"), json={"email": new_email(), "code": code})
    assert_error(r, 400, "INVALID_CODE")
    assert http.post(url("/auth/verify-email"), json={"email": address, "code": code}
                     ).status_code == 200
    r = http.post(url("/auth/verify-email"), json={"email": address, "code": code})
    assert_error(r, 400, "INVALID_CODE")


def test_a_malformed_email_or_code_is_a_validation_error_not_a_try(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    for bad in ("12345", "1234567", "abcdef", "12 456", "", "１２３４５６"):
        r = http.post(url("/auth/verify-email"), json={"email": address, "code": bad})
        body = assert_error(r, 400, "VALIDATION_ERROR")
        assert set(body["fields"]) == {"code"}, bad
        contract.check(r, "/auth/verify-email", "post")
    r = http.post(url("/auth/verify-email"), json={"email": "not-an-email", "code": code})
    assert set(assert_error(r, 400, "VALIDATION_ERROR")["fields"]) == {"email"}
    r = http.post(url("/auth/login"), json={"email": "not-an-email", "password": PASSWORD})
    assert set(assert_error(r, 400, "VALIDATION_ERROR")["fields"]) == {"email"}
    contract.check(r, "/auth/login", "post")
    # Six malformed codes burnt nothing; spaces around the right one are fine.
    r = http.post(url("/auth/verify-email"), json={"email": address, "code": f" {code} "})
    assert r.status_code == 200, r.text


def test_five_wrong_tries_burn_the_code(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert_error(http.post(url("/auth/verify-email"), json={"email": address, "code": wrong}),
                     400, "INVALID_CODE")
    r = http.post(url("/auth/verify-email"), json={"email": address, "code": code})
    assert_error(r, 400, "CODE_EXPIRED")


def test_four_wrong_tries_do_not_burn(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        http.post(url("/auth/verify-email"), json={"email": address, "code": wrong})
    assert http.post(url("/auth/verify-email"), json={"email": address, "code": code}
                     ).status_code == 200


def test_resend_supersedes_old_code(stack, http):
    address = register(http)
    old = code_in(stack.wait_for_mail(address, "verify_email"))
    r = http.post(url("/auth/resend-verification"), json={"email": address})
    assert r.status_code == 202
    contract.check(r, "/auth/resend-verification", "post")
    new = code_in(stack.wait_for_mail(address, "verify_email", count=2))
    if new != old:
        assert_error(http.post(url("/auth/verify-email"), json={"email": address, "code": old}),
                     400, "CODE_EXPIRED")
    assert http.post(url("/auth/verify-email"), json={"email": address, "code": new}
                     ).status_code == 200


def test_expired_code(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    # Age the code past its 24 h life instead of waiting a day.
    stack.psql("UPDATE email_codes SET expires_at = now() - interval '1 second' WHERE user_id ="
               f" (SELECT id FROM users WHERE email = '{address}')")
    assert_error(http.post(url("/auth/verify-email"), json={"email": address, "code": code}),
                 400, "CODE_EXPIRED")


def test_resend_same_answer_for_unknown_and_known(stack, http):
    known = register(http)
    a = http.post(url("/auth/resend-verification"), json={"email": known})
    b = http.post(url("/auth/resend-verification"), json={"email": new_email()})
    assert a.status_code == b.status_code == 202
    assert a.json() == b.json()


def test_code_is_not_stored_in_clear(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    rows = stack.psql("SELECT encode(code_hash, 'hex') FROM email_codes WHERE user_id ="
                      f" (SELECT id FROM users WHERE email = '{address}')")
    assert rows and all(code not in r[0] for r in rows)
    dump = stack.psql("SELECT coalesce(encode(payload, 'escape'), '') FROM mail_outbox")
    assert all(code not in r[0] for r in dump)


def test_unverified_account_is_purged_after_ttl(stack, http):
    address = register(http)
    stack.psql("UPDATE users SET created_at = now() - interval '8 days'"
               f" WHERE email = '{address}'")
    # The next registration purges it; the email is free again.
    r = http.post(url("/auth/register"), json={"email": address, "password": PASSWORD,
                                               "firstName": "Ada", "lastName": "Lovelace"})
    assert r.status_code == 201, r.text
