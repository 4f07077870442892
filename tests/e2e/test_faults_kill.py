"""api workers SIGKILLed in the middle of refreshes and second login
steps (issue 12, fault 4): all or nothing."""
import concurrent.futures
import hashlib
import os
import signal
import time

import requests

import contract
from conftest import assert_error, login, url, verified_user, wait_until
from faults import Holder, assert_json_503, user_id, works
from test_mfa import challenge, enable_mfa

IN_FLIGHT = 10  # refreshes, and as many second login steps, at once


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def post(path, body):
    with requests.Session() as s:
        return s.post(url(path), json=body, timeout=30)


def kill_api_workers(stack):
    victims = stack.workers("api")
    for pid in victims:
        os.kill(pid, signal.SIGKILL)
    return victims


def wait_respawned(stack, victims, count):
    assert wait_until(lambda: len(stack.workers("api")) == count
                      and not set(stack.workers("api")) & set(victims), timeout=10), \
        stack.workers("api")


def locks_waited_on(stack):
    return int(stack.psql("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'authd'"
                          " AND wait_event_type = 'Lock'")[0][0])


def live_tokens(stack, session_id):
    return stack.psql("SELECT encode(token_hash, 'hex'), created_at >= now() - interval '1 minute'"
                      f" FROM refresh_tokens WHERE session_id = '{session_id}' AND spent_at IS NULL")


def session_of(stack, refresh_token):
    return stack.psql("SELECT session_id FROM refresh_tokens"
                      f" WHERE token_hash = '\\x{sha256_hex(refresh_token)}'")[0][0]


def mfa_counts(stack, uid):
    """(challenges used, backup codes used, sessions with a second factor)."""
    return tuple(int(stack.psql(sql)[0][0]) for sql in (
        f"SELECT count(*) FROM mfa_challenges WHERE user_id = '{uid}' AND used_at IS NOT NULL",
        f"SELECT count(*) FROM mfa_backup_codes WHERE user_id = '{uid}' AND used_at IS NOT NULL",
        f"SELECT count(*) FROM sessions WHERE user_id = '{uid}' AND 'otp' = ANY (amr)"))


def test_workers_killed_mid_refresh_and_mid_mfa_login(stack, http):
    """Two rounds of 10 refreshes (one per session of one user) and 10
    mfa/verify requests (one challenge and one backup code each) sent at
    once, every api worker SIGKILLed while they are in flight: in round 1
    while three of them wait inside their transactions for rows another
    session holds (so the kill lands mid-transaction), in round 2 30 ms
    after they were sent.

    Invariants:
      - every answer is 200, or the JSON 503 SERVICE_UNAVAILABLE nginx
        writes for the connection the kill cut: no other 5xx;
      - a refresh that got 200 returned a pair that works (the access token
        passes the validator, the refresh token refreshes);
      - every session has exactly one live refresh token afterwards: the one
        the client got, or for a 503 either the presented one (nothing
        happened) or one minted in the round with the presented one spent
        (the answer was lost), which the client gets back by presenting its
        token again inside the grace window: no session with two live
        children outside the grace window, none with none;
      - a challenge is consumed only if tokens were issued: per user, used
        challenges = used backup codes = sessions with amr otp; a 503'd
        challenge that was not consumed still completes with its code, one
        that was answers MFA_SESSION_EXPIRED;
      - the master respawns the workers and serves again.
    """
    master = stack.master_pid()
    workers = len(stack.workers("api"))
    address = verified_user(stack, http)
    refresh_tokens = [login(http, address)["refreshToken"] for _ in range(IN_FLIGHT)]
    refresher = user_id(stack, address)

    for round_no in (1, 2):
        mfa_email, _, _, backup = enable_mfa(stack, http)
        mfa_user = user_id(stack, mfa_email)
        challenges = [challenge(http, mfa_email) for _ in range(IN_FLIGHT)]
        assert mfa_counts(stack, mfa_user) == (0, 0, 0)

        with concurrent.futures.ThreadPoolExecutor(max_workers=2 * IN_FLIGHT) as pool:
            if round_no == 1:
                with Holder(stack, f"SELECT 1 FROM sessions WHERE user_id = '{refresher}'"
                                   " FOR UPDATE;",
                            f"SELECT 1 FROM mfa_challenges WHERE user_id = '{mfa_user}'"
                            " FOR UPDATE;"):
                    refreshes, verifies = _send(pool, refresh_tokens, challenges, backup)
                    assert wait_until(lambda: locks_waited_on(stack) >= workers, timeout=10)
                    victims = kill_api_workers(stack)
            else:
                refreshes, verifies = _send(pool, refresh_tokens, challenges, backup)
                time.sleep(0.03)
                victims = kill_api_workers(stack)
            refreshes = [f.result() for f in refreshes]
            verifies = [f.result() for f in verifies]
        wait_respawned(stack, victims, workers)

        for r in refreshes + verifies:
            if r.status_code == 503:
                assert_json_503(r)
            else:
                assert r.status_code == 200, (r.status_code, r.text)
        if round_no == 1:
            assert [r.status_code for r in refreshes + verifies].count(503) >= workers

        refresh_tokens = _check_refreshes(stack, http, refresh_tokens, refreshes)
        _check_mfa(stack, http, mfa_user, challenges, backup, verifies)

    assert stack.master_pid() == master


def _send(pool, refresh_tokens, challenges, backup):
    """Refreshes and verifies interleaved, so the workers hold both kinds."""
    refreshes, verifies = [], []
    for token, ch, code in zip(refresh_tokens, challenges, backup):
        refreshes.append(pool.submit(post, "/auth/refresh", {"refreshToken": token}))
        verifies.append(pool.submit(post, "/auth/mfa/verify", {"sessionToken": ch, "code": code}))
    return refreshes, verifies


def _check_refreshes(stack, http, presented, answers):
    """The invariants of one round's refreshes; returns each session's
    current refresh token."""
    current = []
    for token, r in zip(presented, answers):
        sid = session_of(stack, token)
        live = live_tokens(stack, sid)
        assert len(live) == 1, (r.status_code, live)
        if r.status_code == 200:
            pair = contract.check(r, "/auth/refresh", "post")
            assert live[0][0] == sha256_hex(pair["refreshToken"])
            assert works(http, pair["accessToken"])
            current.append(pair["refreshToken"])
            continue
        assert live[0][0] == sha256_hex(token) or live[0][1] == "t", live
        # Lost answer or none: the same token again, inside the grace window.
        again = http.post(url("/auth/refresh"), json={"refreshToken": token})
        pair = contract.check(again, "/auth/refresh", "post")
        assert again.status_code == 200 and works(http, pair["accessToken"]), again.text
        current.append(pair["refreshToken"])
    return current


def _check_mfa(stack, http, uid, challenges, backup, answers):
    used, codes, sessions = mfa_counts(stack, uid)
    assert used == codes == sessions >= [r.status_code for r in answers].count(200), \
        (used, codes, sessions)
    for ch, code, r in zip(challenges, backup, answers):
        consumed = stack.psql("SELECT used_at IS NOT NULL FROM mfa_challenges"
                              f" WHERE token_hash = '\\x{sha256_hex(ch)}'")[0][0] == "t"
        if r.status_code == 200:
            assert consumed and works(http, contract.check(r, "/auth/mfa/verify", "post")
                                      ["accessToken"])
            continue
        again = http.post(url("/auth/mfa/verify"), json={"sessionToken": ch, "code": code})
        if consumed:
            assert_error(again, 401, "MFA_SESSION_EXPIRED")
        else:
            assert again.status_code == 200, again.text
    used, codes, sessions = mfa_counts(stack, uid)
    assert used == codes == sessions == len(challenges)
