"""Account lockout (contract section 6): the 5th failure within the window
locks; the lock holds even for the right password; unknown emails lock
too; a reset lifts it.  The test profile locks for 3 s."""
import concurrent.futures
import time

import requests

import contract
from conftest import PASSWORD, assert_error, code_in, new_email, url, verified_user

WRONG = "Wr0ng-Password!"


def attempt(http, address, password):
    return http.post(url("/auth/login"), json={"email": address, "password": password})


def test_four_failures_then_success(stack, http):
    address = verified_user(stack, http)
    for _ in range(4):
        assert_error(attempt(http, address, WRONG), 401, "INVALID_CREDENTIALS")
    assert attempt(http, address, PASSWORD).status_code == 200
    # The success started the count over.
    for _ in range(4):
        assert_error(attempt(http, address, WRONG), 401, "INVALID_CREDENTIALS")
    assert attempt(http, address, PASSWORD).status_code == 200


def test_fifth_failure_locks_then_expires(stack, http):
    old = stack.reconfigure(lockout__duration="3")
    try:
        address = verified_user(stack, http)
        for _ in range(5):
            assert_error(attempt(http, address, WRONG), 401, "INVALID_CREDENTIALS")
        r = attempt(http, address, PASSWORD)
        assert_error(r, 429, "ACCOUNT_LOCKED")
        assert 1 <= int(r.headers["Retry-After"]) <= 3
        contract.check(r, "/auth/login", "post")
        stack.wait_for_mail(address, "account_locked")
        time.sleep(int(r.headers["Retry-After"]) + 0.5)
        assert attempt(http, address, PASSWORD).status_code == 200
    finally:
        stack.reload_with(old)


def test_unknown_email_locks_the_same_way(http):
    address = new_email("ghost")
    for _ in range(5):
        assert_error(attempt(http, address, WRONG), 401, "INVALID_CREDENTIALS")
    r = attempt(http, address, WRONG)
    assert_error(r, 429, "ACCOUNT_LOCKED")
    assert "Retry-After" in r.headers


def test_reset_lifts_the_lock(stack, http):
    old = stack.reconfigure(lockout__duration="900")
    try:
        address = verified_user(stack, http)
        for _ in range(5):
            attempt(http, address, WRONG)
        assert_error(attempt(http, address, PASSWORD), 429, "ACCOUNT_LOCKED")
        http.post(url("/auth/password/forgot"), json={"email": address})
        code = code_in(stack.wait_for_mail(address, "password_reset"))
        r = http.post(url("/auth/password/reset"), json={"email": address, "code": code,
                                                         "newPassword": "Aft3r-The-Lock!"})
        assert r.status_code == 200, r.text
        assert attempt(http, address, "Aft3r-The-Lock!").status_code == 200
    finally:
        stack.reload_with(old)


def test_concurrent_failures_lock_at_exactly_the_limit(stack, http):
    old = stack.reconfigure(lockout__duration="900")
    try:
        address = verified_user(stack, http)

        def one(_):
            with requests.Session() as s:
                return attempt(s, address, WRONG).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            codes = list(pool.map(one, range(50)))
        assert codes.count(401) == 5, codes
        assert codes.count(429) == 45, codes
        assert_error(attempt(http, address, PASSWORD), 429, "ACCOUNT_LOCKED")
    finally:
        stack.reload_with(old)
