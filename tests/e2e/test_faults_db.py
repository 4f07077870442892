"""Postgres on its worst day (issue 12, faults 1 and 2): restarted under
mixed load, and slow (a row and a table held locked by another session).

What both tests ask (and faults.check_answers checks of every answer):
every 2xx that changed state is committed, every non-2xx left nothing
half-written, nothing fails open, and authd recovers without a restart
(the master and its workers keep their pids)."""
import threading
import time

from conftest import (PASSWORD, assert_error, bearer, login, new_email, url, verified_user,
                      wait_until)
from faults import Holder, Recorder, Traffic, assert_json_503, check_answers, user_id, works
from test_mfa import challenge, enable_mfa, mfa_verify, totp

# [database] statement_timeout_ms in the test stack (the default) and the
# validator's own cap on its refresh query (validate/validator.h).
STATEMENT_TIMEOUT = 5.0
VALIDATOR_QUERY_TIMEOUT = 1.0
STALENESS_LIMIT = 10.0  # validate::kMaxStalenessMs


def pids(stack):
    return stack.master_pid(), stack.workers("api"), stack.workers("validate")


# --- fault 1: Postgres restarted under mixed load ----------------------------

OUTAGE = 3.0  # seconds Postgres stays down
# No answer may take longer: a worker that finds Postgres gone is refused at
# once (no socket) or within [database] connect_timeout (2 s in the test
# stack); a statement that was running is cut by the shutdown.
RESTART_BOUND = 5.0


def test_postgres_restart_under_mixed_load(stack, http):
    """Postgres stopped for 3 s and started again while registrations,
    refreshes, password changes, logouts, protected /demo/ requests and
    validator checks run on several threads.

    Invariants:
      - every answer comes within 5 s; none is a 500; every 5xx is the
        contract's 503 SERVICE_UNAVAILABLE (the health shape for /health);
      - /demo/ never answers 200 to a revoked or made-up token, the
        validator never 204 (only 401, or 503 while unsure);
      - a 201 registration's user row exists with its verification code
        and its queued mail; a registration answered 503 left either
        nothing or all three;
      - a 200 refresh returned tokens that work; every session's current
        refresh token still refreshes afterwards;
      - a 200 password change is in effect and revoked the user's other
        session; a 503 one left the old password and the other session, or
        the new password with the other session revoked, never a mix;
      - a 204 logout revoked the session (sessions.revoked_at and the
        revoked_sessions row the validator reads, and the validator says
        401); a 503 logout did both or neither;
      - a lockout, a used TOTP step, a used backup code and a revocation
        made before the restart hold after it;
      - afterwards everything works again (register, verify, login,
        refresh, /demo/), with the same master and workers.
    """
    old_config = stack.reconfigure(lockout__duration="120")
    try:
        _restart_under_load(stack, http)
    finally:
        stack.reload_with(old_config)


def _restart_under_load(stack, http):
    # Accounts the traffic works on.
    demo_user = verified_user(stack, http)
    demo_token = login(http, demo_user)["accessToken"]
    revoked = login(http, demo_user)
    assert http.post(url("/auth/logout"), headers=bearer(revoked["accessToken"])).status_code == 204
    assert wait_until(lambda: not works(http, revoked["accessToken"]), timeout=2)

    refreshers = [login(http, verified_user(stack, http)) for _ in range(3)]
    changers = []
    for _ in range(5):
        address = verified_user(stack, http)
        changers.append({"email": address, "caller": login(http, address),
                         "other": login(http, address)})
    leavers = [login(http, verified_user(stack, http)) for _ in range(5)]

    # State that must survive the restart.
    locked = verified_user(stack, http)
    for _ in range(5):
        http.post(url("/auth/login"), json={"email": locked, "password": "Wr0ng-Horse!"})
    assert_error(http.post(url("/auth/login"), json={"email": locked, "password": PASSWORD}),
                 429, "ACCOUNT_LOCKED")
    mfa_email, _, setup, backup = enable_mfa(stack, http)
    used_totp = totp(setup["secret"], +1)
    assert mfa_verify(http, challenge(http, mfa_email), used_totp).status_code == 200
    assert mfa_verify(http, challenge(http, mfa_email), backup[0]).status_code == 200
    mfa_id = user_id(stack, mfa_email)
    last_step = stack.psql(f"SELECT last_step FROM mfa_secrets WHERE user_id = '{mfa_id}'")

    rec = Recorder(timeout=RESTART_BOUND + 10)
    registered = []
    refreshed = []
    changes = []
    logouts = []
    lock = threading.Lock()

    def register_loop(s, stop):
        address = new_email("pgrestart")
        a = rec.call(s, "register", "POST", "/auth/register",
                     json={"email": address, "password": PASSWORD,
                           "firstName": "Ada", "lastName": "Lovelace"})
        with lock:
            registered.append((address, a.status))
        stop.wait(0.15)  # every registration mails: keep var/mail small

    def refresh_loop(s, stop):
        for tokens in refreshers:
            a = rec.call(s, "refresh", "POST", "/auth/refresh",
                         json={"refreshToken": tokens["refreshToken"]})
            if a.status == 200:
                fresh = a.response.json()
                with lock:
                    refreshed.append(fresh["accessToken"])
                tokens.update(fresh)

    def change_loop(s, stop):
        with lock:
            todo = [c for c in changers if "status" not in c]
        if not todo:
            stop.wait(0.2)
            return
        c = todo[0]
        a = rec.call(s, "password_change", "POST", "/auth/password/change",
                     headers=bearer(c["caller"]["accessToken"]),
                     json={"currentPassword": PASSWORD, "newPassword": "N3w-Horse-Pg!"})
        with lock:
            c["status"] = a.status
            changes.append(c)
        stop.wait(0.9)

    def logout_loop(s, stop):
        with lock:
            todo = [t for t in leavers if "status" not in t]
        if not todo:
            stop.wait(0.2)
            return
        t = todo[0]
        a = rec.call(s, "logout", "POST", "/auth/logout", headers=bearer(t["accessToken"]))
        with lock:
            t["status"] = a.status
            logouts.append(t)
        stop.wait(0.9)

    def probe_loop(s, stop):
        rec.call(s, "demo_valid", "GET", "/demo/x", "/demo/", headers=bearer(demo_token))
        rec.call(s, "demo_revoked", "GET", "/demo/x", "/demo/",
                 headers=bearer(revoked["accessToken"]))
        rec.call(s, "demo_made_up", "GET", "/demo/x", "/demo/", headers=bearer("made.up.token"))
        rec.call(s, "validate_revoked", "GET", "/auth/validate",
                 headers=bearer(revoked["accessToken"]))
        rec.call(s, "health", "GET", "/health")

    before = pids(stack)
    loops = [register_loop, refresh_loop, change_loop, logout_loop, probe_loop, probe_loop]
    with Traffic(rec, loops):
        time.sleep(1.0)
        stack.dev("pg-stop")
        stopped = time.monotonic() - rec.t0
        time.sleep(OUTAGE)
        stack.dev("pg-start")
        started = time.monotonic() - rec.t0
        assert wait_until(lambda: http.get(url("/health")).status_code == 200, timeout=15)
        time.sleep(2.0)

    check_answers(rec.answers, {
        "register": [201], "refresh": [200], "password_change": [200], "logout": [204],
        "demo_valid": [200], "demo_revoked": [401], "demo_made_up": [401],
        "validate_revoked": [401], "health": [200],
    }, RESTART_BOUND)
    during = [a for a in rec.answers if stopped + 0.5 < a.started < started - 0.2]
    assert any(a.status == 503 for a in during), "the outage was not seen"
    assert all(c.get("status") for c in changers) and all(t.get("status") for t in leavers), \
        "the traffic did not get through its accounts"

    # Registrations: committed whole or not at all.
    assert any(status == 201 for _, status in registered)
    emails = ", ".join(f"('{address}')" for address, _ in registered)
    rows = {row[0]: row[1:] for row in stack.psql(
        "SELECT e.address,"
        " (SELECT count(*) FROM users u WHERE u.email = e.address),"
        " (SELECT count(*) FROM email_codes c JOIN users u ON u.id = c.user_id"
        "   WHERE u.email = e.address),"
        " (SELECT count(*) FROM mail_outbox m WHERE m.recipient = e.address"
        "   AND m.template = 'verify_email')"
        f" FROM (VALUES {emails}) AS e (address)")}
    for address, status in registered:
        whole = ["1", "1", "1"]
        assert rows[address] == whole or (status != 201 and rows[address] == ["0", "0", "0"]), \
            (address, status, rows[address])

    # Refreshes: every pair handed out works, every session goes on.
    for token in refreshed:
        assert works(http, token)
    for tokens in refreshers:
        r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
        assert r.status_code == 200, r.text
        assert works(http, r.json()["accessToken"])

    # Password changes: all or nothing, and a 200 is in effect.
    for c in changes:
        other_revoked = stack.psql(
            "SELECT revoked_at IS NOT NULL FROM sessions"
            f" WHERE id = '{_sid(stack, c['other']['refreshToken'])}'")[0][0] == "t"
        new_works = http.post(url("/auth/login"), json={
            "email": c["email"], "password": "N3w-Horse-Pg!"}).status_code == 200
        if c["status"] == 200:
            assert new_works and other_revoked, c
        else:
            assert new_works == other_revoked, c
            if not new_works:
                login(http, c["email"])

    # Logouts: the session row and the validator's table agree, and the
    # validator says so.
    for t in logouts:
        sid = _sid(stack, t["refreshToken"])
        row = stack.psql(f"SELECT revoked_at IS NOT NULL,"
                         f" EXISTS (SELECT 1 FROM revoked_sessions WHERE session_id = '{sid}')"
                         f" FROM sessions WHERE id = '{sid}'")[0]
        assert row[0] == row[1], (t["status"], row)
        if t["status"] == 204:
            assert row == ["t", "t"]
        assert works(http, t["accessToken"]) == (row[0] == "f"), (t["status"], row)

    # What was true before the restart is true after it.
    assert_error(http.post(url("/auth/login"), json={"email": locked, "password": PASSWORD}),
                 429, "ACCOUNT_LOCKED")
    assert_error(mfa_verify(http, challenge(http, mfa_email), used_totp), 401, "INVALID_MFA_CODE")
    assert_error(mfa_verify(http, challenge(http, mfa_email), backup[0]), 401, "INVALID_MFA_CODE")
    assert stack.psql(f"SELECT last_step FROM mfa_secrets WHERE user_id = '{mfa_id}'") == last_step
    assert_error(http.get(url("/demo/x"), headers=bearer(revoked["accessToken"])),
                 401, "INVALID_TOKEN")
    assert_error(http.get(url("/users/profile"), headers=bearer(revoked["accessToken"])),
                 401, "INVALID_TOKEN")

    # Everything works again, and nothing was restarted to get there.
    fresh = login(http, verified_user(stack, http))
    r = http.post(url("/auth/refresh"), json={"refreshToken": fresh["refreshToken"]})
    assert r.status_code == 200, r.text
    assert http.get(url("/demo/x"), headers=bearer(r.json()["accessToken"])).status_code == 200
    assert pids(stack) == before, "authd restarted something to recover"


def _sid(stack, refresh_token):
    import hashlib
    digest = hashlib.sha256(refresh_token.encode()).hexdigest()
    rows = stack.psql(f"SELECT session_id FROM refresh_tokens WHERE token_hash = '\\x{digest}'")
    return rows[0][0]


# --- fault 2: Postgres slow ------------------------------------------------

SLOW_BOUND = STATEMENT_TIMEOUT + 2.0
HOLD = STALENESS_LIMIT + 3.5


def test_postgres_slow_locks_are_bounded(stack, http):
    """Another session holds one user's row (SELECT ... FOR UPDATE) and the
    revoked_sessions table (ACCESS EXCLUSIVE) for 13.5 s while requests
    arrive.

    Invariants:
      - requests on the locked account (login, profile update, password
        change), two at a time, answer the contract's 503 within
        [database] statement_timeout_ms (5 s) plus 2 s, and change nothing:
        no session was created, the names and the password are as before;
      - the api workers do not pile up: other accounts are served (login,
        profile) within 2.5 s all along;
      - the validator, whose revoked-session set cannot be read, keeps
        answering from its last set (200 through /demo/) and refuses with
        the JSON 503 once the set is older than its limit (10 s); never a
        hang: every /demo/ answer within its query cap plus 2 s;
      - once the locks go, everything is served again by the same workers.
    """
    victim = verified_user(stack, http)
    victim_id = user_id(stack, victim)
    victim_tokens = login(http, victim)
    others = [verified_user(stack, http) for _ in range(2)]
    other_tokens = [login(http, o) for o in others]
    demo_token = other_tokens[0]["accessToken"]
    for _ in range(6):
        assert http.get(url("/demo/x"), headers=bearer(demo_token)).status_code == 200
    sessions_before = stack.psql(f"SELECT count(*) FROM sessions WHERE user_id = '{victim_id}'")
    before = pids(stack)

    rec = Recorder(timeout=HOLD + 10)

    def victim_loop(kind):
        def loop(s, stop):
            # Only requests that must be refused before the locks go.
            if time.monotonic() - rec.t0 > locked_at + HOLD - SLOW_BOUND:
                stop.wait(0.2)
                return
            if kind == "login":
                rec.call(s, "victim_login", "POST", "/auth/login",
                         json={"email": victim, "password": PASSWORD})
            else:
                rec.call(s, "victim_profile", "PUT", "/users/profile",
                         headers=bearer(victim_tokens["accessToken"]),
                         json={"firstName": "Changed"})
                rec.call(s, "victim_password", "POST", "/auth/password/change",
                         headers=bearer(victim_tokens["accessToken"]),
                         json={"currentPassword": PASSWORD, "newPassword": "N3w-Horse-Slow!"})
        return loop

    def others_loop(s, stop):
        for address, tokens in zip(others, other_tokens):
            rec.call(s, "other_login", "POST", "/auth/login",
                     json={"email": address, "password": PASSWORD})
            rec.call(s, "other_profile", "GET", "/users/profile",
                     headers=bearer(tokens["accessToken"]))
        stop.wait(0.2)

    def demo_loop(s, stop):
        rec.call(s, "demo", "GET", "/demo/x", "/demo/", headers=bearer(demo_token))
        stop.wait(0.25)

    with Holder(stack, f"SELECT 1 FROM users WHERE id = '{victim_id}' FOR UPDATE;",
                "LOCK TABLE revoked_sessions IN ACCESS EXCLUSIVE MODE;") as holder:
        locked_at = time.monotonic() - rec.t0
        with Traffic(rec, [victim_loop("login"), victim_loop("writes"), others_loop,
                           demo_loop]) as traffic:
            time.sleep(HOLD)
            # Before the join: a request stuck behind the locks returns only
            # once they go.
            traffic.stop.set()
            released_at = time.monotonic() - rec.t0
            holder.release()

    victims = [a for a in rec.answers if a.name.startswith("victim")]
    assert victims and all(a.status == 503 for a in victims), victims[:6]
    for a in victims:
        assert_json_503(a.response)
    check_answers(victims, {"victim_login": [], "victim_profile": [], "victim_password": []},
                  SLOW_BOUND)
    check_answers(rec.named("other_login") + rec.named("other_profile"),
                  {"other_login": [200], "other_profile": [200]}, 2.5)
    assert all(a.status == 200 for a in rec.named("other_login") + rec.named("other_profile"))
    demo = rec.named("demo")
    check_answers(demo, {"demo": [200]}, VALIDATOR_QUERY_TIMEOUT + 2.0)
    early = [a.status for a in demo if a.started < locked_at + STALENESS_LIMIT - 2.0]
    late = [a.status for a in demo if a.started > locked_at + STALENESS_LIMIT + 0.5
            and a.started + a.elapsed < released_at]
    assert 200 in early, demo[:8]
    assert late and set(late) == {503}, [(round(a.started - locked_at, 1), a.status) for a in demo]

    # Nothing of the refused writes happened; all is well again.
    assert stack.psql(f"SELECT count(*) FROM sessions WHERE user_id = '{victim_id}'"
                      ) == sessions_before
    assert stack.psql(f"SELECT first_name FROM users WHERE id = '{victim_id}'") == [["Ada"]]
    assert wait_until(lambda: http.get(url("/demo/x"), headers=bearer(demo_token)).status_code
                      == 200, timeout=5)
    login(http, victim)
    r = http.put(url("/users/profile"), headers=bearer(victim_tokens["accessToken"]),
                 json={"firstName": "Changed"})
    assert r.status_code == 200, r.text
    assert pids(stack) == before
