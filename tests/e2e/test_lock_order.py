"""One lock order for every transaction on an account (issue 12, defect 5;
the rule: src/accounts/user_store.h): the users row first, then the rest,
a session before its refresh token.  Each test races two kinds of request on
one account a dozen times; under the old orders most trials ended in a
Postgres deadlock (a 500 after deadlock_timeout), now none does.
"""
import concurrent.futures
import threading
import time

from conftest import PASSWORD, assert_error, login, url, verified_user
from test_mfa import challenge, enable_mfa
from test_password_reset import NEW_PASSWORD, forgot, fresh


def no_deadlock_since(stack, mark):
    return "deadlock" not in "\n".join(str(e) for e in stack.log_since(mark)).lower()


def test_reset_racing_logins_of_the_account_never_deadlocks(stack, http):
    mark = stack.log_mark()
    trials = 12
    users = [verified_user(stack, fresh()) for _ in range(trials)]
    codes = {address: forgot(stack, address) for address in users}
    statuses = []
    survivors = []
    for address in users:
        # A failed login first, as in the field: the account's lockout row
        # then exists, and both the logins and the reset lock it.
        assert_error(http.post(url("/auth/login"),
                               json={"email": address, "password": "Wr0ng-pass!"}),
                     401, "INVALID_CREDENTIALS")
        start = threading.Barrier(5)

        def reset_now():
            with fresh() as s:
                start.wait()
                return s.post(url("/auth/password/reset"), json={
                    "email": address, "code": codes[address], "newPassword": NEW_PASSWORD})

        def login_after(delay):
            def call():
                with fresh() as s:
                    start.wait()
                    time.sleep(delay)
                    return s.post(url("/auth/login"),
                                  json={"email": address, "password": PASSWORD})
            return call

        # Logins at staggered offsets, so some hold the account's lockout
        # row while the reset's transaction runs.
        calls = [reset_now] + [login_after(d) for d in (0.0, 0.01, 0.02, 0.04)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as ex:
            answers = list(ex.map(lambda c: c(), calls))
        statuses.append([r.status_code for r in answers])
        if answers[0].status_code == 200:
            login(http, address, NEW_PASSWORD)
        # A login with the old password either came first, and the reset
        # revoked its session, or came after, and failed.
        for r in answers[1:]:
            if r.status_code == 200:
                again = http.post(url("/auth/refresh"),
                                  json={"refreshToken": r.json()["refreshToken"]})
                if again.status_code != 401:
                    survivors.append((address, again.status_code))
    # Every trial is run before anything is judged: the count tells how often.
    assert all(s[0] == 200 and set(s[1:]) <= {200, 401} for s in statuses), f"{statuses}"
    assert not survivors, f"{survivors} {statuses}"
    assert no_deadlock_since(stack, mark), f"{statuses}"


def test_reset_racing_a_password_change_of_the_account_never_deadlocks(stack, http):
    # A signed-in write (here a password change) holds the caller's session
    # and needs the users row; a reset holds the users row and revokes the
    # sessions: both take the users row first.
    mark = stack.log_mark()
    statuses = []
    for _ in range(12):
        address = verified_user(stack, fresh())
        access = login(http, address)["accessToken"]
        code = forgot(stack, address)
        start = threading.Barrier(2)

        def reset_now():
            with fresh() as s:
                start.wait()
                return s.post(url("/auth/password/reset"), json={
                    "email": address, "code": code, "newPassword": NEW_PASSWORD})

        def change_now():
            with fresh() as s:
                start.wait()
                return s.post(url("/auth/password/change"),
                              json={"currentPassword": PASSWORD, "newPassword": "Chang3d-Secret!"},
                              headers={"Authorization": "Bearer " + access})

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            answers = list(ex.map(lambda c: c(), [reset_now, change_now]))
        statuses.append([r.status_code for r in answers])
    assert all(s[0] == 200 and s[1] in (200, 401) for s in statuses), f"{statuses}"
    assert no_deadlock_since(stack, mark), f"{statuses}"


def test_reset_racing_a_second_factor_login_never_deadlocks(stack, http):
    # The code step holds the challenge and the lockout row and needs the
    # users row for its session; a reset holds the users row and clears the
    # lockout row: both take the users row first.
    mark = stack.log_mark()
    statuses = []
    for _ in range(12):
        with fresh() as own:
            address, _, _, backup_codes = enable_mfa(stack, own)
            # A failed login first: the lockout row exists and is locked by both.
            assert_error(own.post(url("/auth/login"),
                                  json={"email": address, "password": "Wr0ng-pass!"}),
                         401, "INVALID_CREDENTIALS")
            tokens = [challenge(own, address) for _ in range(3)]
        code = forgot(stack, address)
        start = threading.Barrier(1 + len(tokens))

        def reset_now():
            with fresh() as s:
                start.wait()
                return s.post(url("/auth/password/reset"), json={
                    "email": address, "code": code, "newPassword": NEW_PASSWORD})

        def verify_after(token, backup, delay):
            def call():
                with fresh() as s:
                    start.wait()
                    time.sleep(delay)
                    return s.post(url("/auth/mfa/verify"),
                                  json={"sessionToken": token, "code": backup})
            return call

        calls = [reset_now] + [verify_after(t, b, d) for t, b, d in
                               zip(tokens, backup_codes, (0.005, 0.02, 0.04))]
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(calls)) as ex:
            answers = list(ex.map(lambda c: c(), calls))
        statuses.append([r.status_code for r in answers])
    assert all(s[0] == 200 and set(s[1:]) <= {200, 401} for s in statuses), f"{statuses}"
    assert no_deadlock_since(stack, mark), f"{statuses}"


def test_account_deletion_racing_a_refresh_never_deadlocks(stack, http):
    # Deleting the account deletes its sessions, then their refresh tokens;
    # a refresh locks the session before the token, in that order too.
    mark = stack.log_mark()
    statuses = []
    for _ in range(12):
        address = verified_user(stack, fresh())
        tokens = login(http, address)
        start = threading.Barrier(2)

        def delete_now():
            with fresh() as s:
                start.wait()
                return s.delete(url("/users/profile"), json={"password": PASSWORD},
                                headers={"Authorization": "Bearer " + tokens["accessToken"]})

        def refresh_soon():
            with fresh() as s:
                start.wait()
                time.sleep(0.01)
                return s.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
            answers = list(ex.map(lambda c: c(), [delete_now, refresh_soon]))
        statuses.append([r.status_code for r in answers])
    assert all(s[0] in (204, 401) and s[1] in (200, 401) for s in statuses), f"{statuses}"
    assert no_deadlock_since(stack, mark), f"{statuses}"
