"""Account pre-hijacking (issue 12, defect 9): whoever registers an email
first must not choose the password the mailbox's owner ends up with.

Registering an email that is still unverified answers 409 EMAIL_EXISTS as
the contract says, but a registration with another password replaces the
pending password and names and mails a fresh code that supersedes the old
one, so the owner who registers and enters the newest code gets their own
password (README, "Choices the contract leaves open")."""
import time

import contract
from conftest import (PASSWORD, assert_error, code_in, new_email, register, url, wait_until)

OWNER_PASSWORD = "0wner-Chose-This!"


def register_again(http, address, password, first="Olive", last="Owner"):
    r = http.post(url("/auth/register"), json={"email": address, "password": password,
                                               "firstName": first, "lastName": last})
    assert_error(r, 409, "EMAIL_EXISTS")
    contract.check(r, "/auth/register", "post")
    return r


def verify(http, address, code):
    return http.post(url("/auth/verify-email"), json={"email": address, "code": code})


def log_in(http, address, password):
    return http.post(url("/auth/login"), json={"email": address, "password": password})


def mail_count(stack, address):
    return len(stack.mails(address, "verify_email"))


def test_the_owners_registration_replaces_the_first_registrants_password(stack, http):
    address = new_email("prehijack")
    register(http, address, password=PASSWORD, first="Mallory", last="Attacker")
    first_code = code_in(stack.wait_for_mail(address, "verify_email"))

    register_again(http, address, OWNER_PASSWORD)
    newest = code_in(stack.wait_for_mail(address, "verify_email", count=2))
    # The code mailed for the first registration is superseded.
    if first_code != newest:
        assert_error(verify(http, address, first_code), 400, "CODE_EXPIRED")
    assert verify(http, address, newest).status_code == 200

    assert_error(log_in(http, address, PASSWORD), 401, "INVALID_CREDENTIALS")
    r = log_in(http, address, OWNER_PASSWORD)
    assert r.status_code == 200, r.text
    user = r.json()["user"]
    assert (user["firstName"], user["lastName"]) == ("Olive", "Owner")
    assert user["emailVerified"] is True
    rows = stack.psql("SELECT count(*) FROM audit_events e JOIN users u ON u.id = e.user_id"
                      f" WHERE u.email = '{address}' AND e.event = 'registration_replaced'")
    assert rows == [["1"]]


def test_the_same_registration_again_changes_nothing(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    register_again(http, address, PASSWORD, first="Ada", last="Lovelace")
    time.sleep(1.0)  # mail is written within 1 s of the answer
    assert mail_count(stack, address) == 1
    assert verify(http, address, code).status_code == 200
    assert log_in(http, address, PASSWORD).status_code == 200


def test_a_verified_account_keeps_its_password(stack, http):
    address = register(http)
    assert verify(http, address,
                  code_in(stack.wait_for_mail(address, "verify_email"))).status_code == 200
    register_again(http, address, OWNER_PASSWORD)
    time.sleep(1.0)
    assert mail_count(stack, address) == 1
    assert log_in(http, address, PASSWORD).status_code == 200
    assert_error(log_in(http, address, OWNER_PASSWORD), 401, "INVALID_CREDENTIALS")


def test_an_invalid_registration_replaces_nothing(stack, http):
    address = register(http)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    r = http.post(url("/auth/register"), json={"email": address, "password": "short",
                                               "firstName": "Olive", "lastName": "Owner"})
    assert_error(r, 400, "VALIDATION_ERROR")
    time.sleep(1.0)
    assert mail_count(stack, address) == 1
    assert verify(http, address, code).status_code == 200
    assert log_in(http, address, PASSWORD).status_code == 200


def wait_for_window_start(seconds):
    """Sleeps until a fixed rate-limit window of `seconds` has just begun
    (the windows are aligned to the epoch)."""
    time.sleep(seconds - time.time() % seconds + 0.05)


def test_over_the_per_email_limit_the_password_is_replaced_but_no_code_is_mailed(stack, http):
    """The per-email mail limit (shared with resend-verification) keeps a
    mailbox from being flooded; over it the pending password is replaced
    all the same and every code mailed so far dies, so a first registrant
    who spent the limit cannot keep a code live for their own password."""
    window = 5
    old = stack.reconfigure(limits__resend_per_email=1, limits__resend_window=window)
    try:
        address = new_email("prehijack")
        register(http, address, password=PASSWORD, first="Mallory", last="Attacker")
        stack.wait_for_mail(address, "verify_email")
        # The first registrant spends the mail limit on a resend, and the
        # owner registers in the same window.
        wait_for_window_start(window)
        assert http.post(url("/auth/resend-verification"),
                         json={"email": address}).status_code == 202
        register_again(http, address, OWNER_PASSWORD)
        live = code_in(stack.wait_for_mail(address, "verify_email", count=2))
        time.sleep(1.0)
        assert mail_count(stack, address) == 2  # over the limit: no mail
        assert_error(verify(http, address, live), 400, "CODE_EXPIRED")

        # The window ends; the owner asks for a code and gets their password.
        wait_for_window_start(window)
        assert http.post(url("/auth/resend-verification"),
                         json={"email": address}).status_code == 202
        code = code_in(stack.wait_for_mail(address, "verify_email", count=3))
        assert verify(http, address, code).status_code == 200
        assert log_in(http, address, OWNER_PASSWORD).status_code == 200
        assert_error(log_in(http, address, PASSWORD), 401, "INVALID_CREDENTIALS")
    finally:
        stack.reload_with(old)


def test_an_account_is_verified_with_no_session(stack, http):
    """Unverified accounts cannot log in (403 EMAIL_NOT_VERIFIED), so no
    session of the first registrant can exist when the owner verifies."""
    address = new_email("prehijack")
    register(http, address, password=PASSWORD)
    assert_error(log_in(http, address, PASSWORD), 403, "EMAIL_NOT_VERIFIED")
    register_again(http, address, OWNER_PASSWORD)
    code = code_in(stack.wait_for_mail(address, "verify_email", count=2))
    assert verify(http, address, code).status_code == 200
    rows = stack.psql("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id"
                      f" WHERE u.email = '{address}'")
    assert rows == [["0"]]
    assert wait_until(lambda: log_in(http, address, OWNER_PASSWORD).status_code == 200)
