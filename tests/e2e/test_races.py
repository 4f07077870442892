"""Concurrent requests on one account: each write happens once, none after
its session was revoked, none is answered 2xx and then lost, and none is
a 500."""
import concurrent.futures
import time

import requests

from conftest import PASSWORD, assert_error, bearer, login, url, verified_user


def in_parallel(calls, workers=20):
    """Runs the zero-argument callables at once; their responses, in order."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda call: call(), calls))


def post(path, body, headers=None):
    def call():
        with requests.Session() as s:
            return s.post(url(path), json=body, headers=headers or {})
    return call


def test_concurrent_password_changes_one_wins(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    news = [f"Brand-N3w-Secret-{i}!" for i in range(10)]
    answers = in_parallel([post("/auth/password/change",
                                {"currentPassword": PASSWORD, "newPassword": new},
                                bearer(tokens["accessToken"])) for new in news])
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) == 1, statuses
    # A loser that checked its current password after the winner committed
    # presented a wrong password, and every wrong secret counts toward the
    # lockout (issue 12): five of them lock the account for a while.
    for r in answers:
        if r.status_code == 429:
            assert_error(r, 429, "ACCOUNT_LOCKED")
        elif r.status_code != 200:
            assert_error(r, 401, "INVALID_CREDENTIALS")
    winner = news[statuses.index(200)]
    if 429 in statuses:
        time.sleep(3.5)  # the test profile's lock
    login(http, address, winner)
    for loser in news:
        if loser != winner:
            assert_error(http.post(url("/auth/login"), json={"email": address, "password": loser}),
                         401, "INVALID_CREDENTIALS")
            break  # one wrong try is enough; more would lock the account


def test_concurrent_account_deletions_delete_once(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    auth = bearer(tokens["accessToken"])

    def delete():
        with requests.Session() as s:
            return s.delete(url("/users/profile"), json={"password": PASSWORD}, headers=auth)

    def rename():
        with requests.Session() as s:
            return s.put(url("/users/profile"), json={"firstName": "Racer"}, headers=auth)

    answers = in_parallel([delete] * 10 + [rename] * 20, workers=30)
    deletes, renames = answers[:10], answers[10:]
    assert [r.status_code for r in deletes].count(204) == 1, [r.status_code for r in deletes]
    for r in deletes:
        if r.status_code != 204:
            assert_error(r, 401, "INVALID_TOKEN")
    for r in renames:
        assert r.status_code in (200, 401), (r.status_code, r.text)
        if r.status_code == 401:
            assert_error(r, 401, "INVALID_TOKEN")
    assert_error(http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}),
                 401, "INVALID_CREDENTIALS")


def test_concurrent_forgot_requests_each_mail_a_code(stack, http):
    # Every 202 is followed by its mail; the last code issued is the live one.
    address = verified_user(stack, http)
    answers = in_parallel([post("/auth/password/forgot", {"email": address})] * 3)
    assert [r.status_code for r in answers] == [202] * 3
    stack.wait_for_mail(address, "password_reset", count=3)
    time.sleep(0.5)
    assert len(stack.mails(address, "password_reset")) == 3


def refresh_all_at_once(refresh_token, n=50):
    """n refreshes of one token through nginx, released together."""
    return in_parallel([post("/auth/refresh", {"refreshToken": refresh_token})] * n, workers=n)


def test_fifty_concurrent_refreshes_in_strict_mode_one_wins_then_the_family_dies(stack, http):
    """Grace window 0: the first rotation wins; every other presentation of
    the spent token is a reuse, which revokes the whole session, the
    winner's new pair included."""
    old = stack.reconfigure(tokens__refresh_grace="0")
    try:
        tokens = login(http, verified_user(stack, http))
        answers = refresh_all_at_once(tokens["refreshToken"])
        statuses = [r.status_code for r in answers]
        assert statuses.count(200) == 1, statuses
        for r in answers:
            if r.status_code != 200:
                assert_error(r, 401, "INVALID_REFRESH_TOKEN")
        winner = answers[statuses.index(200)].json()
        assert_error(http.post(url("/auth/refresh"), json={"refreshToken": winner["refreshToken"]}),
                     401, "INVALID_REFRESH_TOKEN")
        time.sleep(1.1)  # the contract's revocation bound
        for access in (tokens["accessToken"], winner["accessToken"]):
            assert http.get(url("/auth/validate"), headers=bearer(access)).status_code == 401
    finally:
        stack.reload_with(old)


def test_fifty_concurrent_refreshes_inside_the_grace_window_all_consistent(stack, http):
    """Default window: every presentation inside it gets a fresh pair of the
    same session, every successor stays valid, nothing is revoked."""
    tokens = login(http, verified_user(stack, http))
    answers = refresh_all_at_once(tokens["refreshToken"])
    statuses = [r.status_code for r in answers]
    assert statuses == [200] * 50, statuses
    pairs = [r.json() for r in answers]
    assert len({p["refreshToken"] for p in pairs}) == 50
    sessions = http.get(url("/auth/sessions"), headers=bearer(pairs[0]["accessToken"]))
    assert sessions.status_code == 200 and len(sessions.json()["sessions"]) == 1
    # Each successor rotates once more, in turn, and its access token works.
    for p in pairs:
        assert http.get(url("/auth/validate"), headers=bearer(p["accessToken"])).status_code == 204
        r = http.post(url("/auth/refresh"), json={"refreshToken": p["refreshToken"]})
        assert r.status_code == 200, r.text
