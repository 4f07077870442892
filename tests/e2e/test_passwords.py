"""Forgot, reset and change password (contract sections 3, 4, 6)."""
import statistics
import time

import contract
from conftest import (PASSWORD, assert_error, bearer, code_in, fresh_ip, login, new_email,
                      refused_within, session_from, url, verified_user)

NEW_PASSWORD = "Brand-N3w-Secret!"


def forgot(stack, http, address, count=1):
    r = http.post(url("/auth/password/forgot"), json={"email": address})
    assert r.status_code == 202, r.text
    contract.check(r, "/auth/password/forgot", "post")
    return code_in(stack.wait_for_mail(address, "password_reset", count=count))


def test_reset_end_to_end(stack, http):
    address = verified_user(stack, http)
    a = login(http, address)
    b = login(http, address)
    code = forgot(stack, http, address)
    r = http.post(url("/auth/password/reset"), json={"email": address, "code": code,
                                                     "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    body = contract.check(r, "/auth/password/reset", "post")
    assert "accessToken" not in body and "refreshToken" not in body
    # Old password, old refresh tokens and old access tokens all fail.
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 401, "INVALID_CREDENTIALS")
    for t in (a, b):
        assert_error(http.post(url("/auth/refresh"), json={"refreshToken": t["refreshToken"]}),
                     401, "INVALID_REFRESH_TOKEN")
        assert refused_within(
            lambda: http.get(url("/auth/validate"), headers=bearer(t["accessToken"])).status_code)
    login(http, address, NEW_PASSWORD)
    stack.wait_for_mail(address, "password_changed")
    # A code works once.
    assert_error(http.post(url("/auth/password/reset"), json={
        "email": address, "code": code, "newPassword": "An0ther-Secret!"}), 400, "INVALID_CODE")


def test_reset_failures(stack, http):
    address = verified_user(stack, http)
    code = forgot(stack, http, address)
    wrong = "000000" if code != "000000" else "111111"
    r = http.post(url("/auth/password/reset"), json={"email": address, "code": wrong,
                                                     "newPassword": NEW_PASSWORD})
    assert_error(r, 400, "INVALID_CODE")
    contract.check(r, "/auth/password/reset", "post")
    assert_error(http.post(url("/auth/password/reset"), json={
        "email": new_email(), "code": code, "newPassword": NEW_PASSWORD}), 400, "INVALID_CODE")
    body = assert_error(http.post(url("/auth/password/reset"), json={
        "email": address, "code": code, "newPassword": "weak"}), 400, "VALIDATION_ERROR")
    assert "newPassword" in body["fields"]
    body = assert_error(http.post(url("/auth/password/reset"), json={
        "email": "no-at-sign", "code": "12345", "newPassword": NEW_PASSWORD}), 400, "VALIDATION_ERROR")
    assert set(body["fields"]) == {"email", "code"}
    # Superseded by a newer code.
    newer = forgot(stack, http, address, count=2)
    if newer != code:
        assert_error(http.post(url("/auth/password/reset"), json={
            "email": address, "code": code, "newPassword": NEW_PASSWORD}), 400, "CODE_EXPIRED")
    # Expired (aged in the database instead of waiting an hour).
    stack.psql("UPDATE email_codes SET expires_at = now() - interval '1 second'"
               " WHERE purpose = 'password_reset' AND user_id ="
               f" (SELECT id FROM users WHERE email = '{address}')")
    assert_error(http.post(url("/auth/password/reset"), json={
        "email": address, "code": newer, "newPassword": NEW_PASSWORD}), 400, "CODE_EXPIRED")


def test_reset_code_burnt_after_five_wrong(stack, http):
    address = verified_user(stack, http)
    code = forgot(stack, http, address)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert_error(http.post(url("/auth/password/reset"), json={
            "email": address, "code": wrong, "newPassword": NEW_PASSWORD}), 400, "INVALID_CODE")
    assert_error(http.post(url("/auth/password/reset"), json={
        "email": address, "code": code, "newPassword": NEW_PASSWORD}), 400, "CODE_EXPIRED")


def test_forgot_same_body_and_time_for_known_and_unknown(stack, http):
    # Fresh emails every time (3 requests per email per hour), made up front.
    known = [verified_user(stack, session_from(fresh_ip())) for _ in range(15)]
    times = {"known": [], "unknown": []}
    bodies = set()
    for address in known:
        for kind in ("known", "unknown"):
            who = address if kind == "known" else new_email()
            # Let the previous request's after-response work finish: what is
            # measured is this request's own time.
            time.sleep(0.02)
            t = time.perf_counter()
            r = http.post(url("/auth/password/forgot"), json={"email": who})
            times[kind].append(time.perf_counter() - t)
            assert r.status_code == 202
            bodies.add(r.text)
    assert len(bodies) == 1
    a, b = statistics.median(times["known"]), statistics.median(times["unknown"])
    assert abs(a - b) <= 0.25 * max(a, b), times


def test_change_password(stack, http):
    address = verified_user(stack, http)
    keep = login(http, address)
    other = login(http, address)
    r = http.post(url("/auth/password/change"), headers=bearer(keep["accessToken"]),
                  json={"currentPassword": "Wr0ng-Password!", "newPassword": NEW_PASSWORD})
    assert_error(r, 401, "INVALID_CREDENTIALS")
    contract.check(r, "/auth/password/change", "post")
    body = assert_error(http.post(url("/auth/password/change"), headers=bearer(keep["accessToken"]),
                                  json={"currentPassword": PASSWORD, "newPassword": "short"}),
                        400, "VALIDATION_ERROR")
    assert "newPassword" in body["fields"]
    r = http.post(url("/auth/password/change"), headers=bearer(keep["accessToken"]),
                  json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    contract.check(r, "/auth/password/change", "post")
    assert http.get(url("/users/profile"), headers=bearer(keep["accessToken"])).status_code == 200
    assert http.get(url("/users/profile"), headers=bearer(other["accessToken"])).status_code == 401
    login(http, address, NEW_PASSWORD)
    stack.wait_for_mail(address, "password_changed")
    assert_error(http.post(url("/auth/password/change"), json={
        "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}), 401, "INVALID_TOKEN")
