"""No subject a client chooses can change another client's limit (issue
12, defect 1).  Forgot-password and resend-verification count per email,
so their subjects are made up by whoever sends them: a flood of distinct
emails used to fill every slot of the host's shared table and then every
bucket's shared overflow counter, after which every new client's first
login or registration got 429 RATE_LIMITED.  Now a full bucket evicts its
least-used counter, and per-IP limits stand in front of the per-email ones."""
from concurrent.futures import ThreadPoolExecutor

import pytest

import contract
from conftest import (assert_error, fresh_ip, new_email, session_from, url, wait_until,
                      with_settings)

FLOOD = 4000  # distinct emails: about 31 per bucket of a 1,024-slot table


def restart_with(stack, text):
    stack.dev("authd-stop")
    stack.config_path.write_text(text)
    stack.dev("authd-start")


@pytest.fixture
def small_table(stack):
    """authd restarted with the smallest table and low per-IP limits for
    login and register, so an overflow counter shared with the flood would
    refuse a fresh client at once; the original config afterwards."""
    old = stack.config_path.read_text()
    restart_with(stack, with_settings(old, limits__shared_slots="1024", limits__login_per_ip="5",
                                      limits__register_per_ip="5", limits__forgot_per_ip="100000",
                                      limits__forgot_window="3600"))
    try:
        yield
    finally:
        restart_with(stack, old)


def flood(count):
    """`count` forgot-password requests for distinct made-up emails, from
    one address, on 8 connections; returns how many were not 202."""
    client = session_from(fresh_ip())

    def one(_):
        return client.post(url("/auth/password/forgot"), json={"email": new_email()}).status_code

    with ThreadPoolExecutor(8) as pool:
        return sum(1 for status in pool.map(one, range(count)) if status != 202)


def fresh_clients_are_not_limited(http):
    for _ in range(5):
        c = session_from(fresh_ip())
        r = c.post(url("/auth/login"), json={"email": new_email(), "password": "Wr0ng-Pass!"})
        assert_error(r, 401, "INVALID_CREDENTIALS")
        r = c.post(url("/auth/register"), json={"email": new_email(), "password": "C0rrect-Horse!",
                                                "firstName": "Ada", "lastName": "Lovelace"})
        assert r.status_code == 201, r.text
        contract.check(r, "/auth/register", "post")


def test_a_flood_of_made_up_emails_limits_nobody_else(stack, http, small_table):
    mark = stack.log_mark()
    assert flood(FLOOD) == 0
    fresh_clients_are_not_limited(http)
    # While memcached is down the table decides alone: still nobody else.
    stack.dev("mc-stop")
    try:
        assert flood(FLOOD // 2) == 0
        fresh_clients_are_not_limited(http)
    finally:
        stack.dev("mc-start")
    assert wait_until(lambda: http.get(url("/health")).json()["status"] == "ok", timeout=10)
    # A full table is worth a warning in the log (once in a while, not per request).
    events = [e.get("event") for e in stack.log_since(mark)]
    assert "ratelimit_table_full" in events
    assert events.count("ratelimit_table_full") < 50
