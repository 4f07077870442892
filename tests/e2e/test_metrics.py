"""GET /metrics: the Prometheus text exposition (0.0.4) of the whole host.

Served only on nginx's metrics listener (nginx/authd-metrics.conf, the
stack's http port + 2); on the public hosts /metrics is an unknown path.
The exposition is parsed by a small parser of the format here, so a
malformed line fails the test.  Other tests run in parallel against the
same stack: the exact checks use series this file owns (a method no other
test sends to a route), the others ask for at least what this test did.
"""
import concurrent.futures
import os
import re
import signal
import subprocess
import time

import contract
from conftest import (PASSWORD, URL, assert_error, bearer, login, new_email, register,
                      session_from, fresh_ip, url, verified_user, wait_until)
from test_mfa import challenge, enable_mfa, mfa_verify

APP = os.environ.get("AUTHD_APP_URL") or "http://127.0.0.1:%d" % (int(URL.rsplit(":", 1)[1]) + 1)

# A route and status no other test asks for: a logout with a body that is
# not JSON is a 415.
OWNED_ROUTE = "/auth/logout"
OWNED = ("authd_http_requests_total", (("route", OWNED_ROUTE), ("status", "415")))

LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)')


def parse(text):
    """{(name, sorted label pairs): float}; fails on anything that is not
    the text format: a sample of a family without # TYPE, a repeated
    series, a malformed line or label."""
    types, samples = {}, {}
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# HELP "):
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            assert kind in ("counter", "gauge", "histogram"), line
            assert name not in types, f"two TYPE lines for {name}"
            types[name] = kind
            continue
        m = LINE.match(line)
        assert m, f"not a sample line: {line!r}"
        name, labels_text, value = m.groups()
        labels = []
        rest = labels_text or ""
        while rest:
            lm = LABEL.match(rest)
            assert lm, f"bad labels in {line!r}"
            labels.append((lm.group(1), re.sub(r"\\(.)", lambda x: {"n": "\n"}.get(
                x.group(1), x.group(1)), lm.group(2))))
            rest = rest[lm.end():]
        family = re.sub(r"_(bucket|sum|count)$", "", name)
        assert name in types or (family in types and types[family] == "histogram"), \
            f"{name} has no TYPE"
        key = (name, tuple(sorted(labels)))
        assert key not in samples, f"repeated series {key}"
        samples[key] = float(value)
    return samples


def metrics_url(stack):
    return "http://127.0.0.1:%s/metrics" % stack.env()["METRICS_PORT"]


def scrape(stack, http):
    r = http.get(metrics_url(stack), timeout=10)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
    contract.check(r, "/metrics", "GET")
    return parse(r.text)


def value(samples, name, **labels):
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def owned(samples):
    return samples.get(OWNED, 0.0)


def hit_owned(n, threads=8):
    """Sends n concurrent requests of the owned series, each from a client
    of its own; returns how many got their 415."""
    def one(_):
        with session_from(fresh_ip()) as s:
            return s.post(url(OWNED_ROUTE), data=b"x", headers={"Content-Type": "text/plain"},
                          timeout=10).status_code
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        codes = list(pool.map(one, range(n)))
    assert codes == [415] * n, codes
    return n


def test_the_exposition_is_prometheus_text(stack, http):
    samples = scrape(stack, http)
    names = {name for name, _ in samples}
    for family in ("authd_logins_total", "authd_mfa_verifications_total",
                   "authd_refresh_rotations_total", "authd_refresh_reuse_detections_total",
                   "authd_validator_answers_total", "authd_validator_token_cache_total",
                   "authd_rate_limited_total", "authd_mail_delivery_failures_total",
                   "authd_postgres_errors_total", "authd_memcached_errors_total",
                   "authd_worker_restarts_total", "authd_outbox_depth", "authd_build_info"):
        assert family in names, family
    build = [labels for name, labels in samples if name == "authd_build_info"]
    assert len(build) == 1 and build[0][0][0] == "version" and build[0][0][1]
    for outcome in ("ok", "bad_credentials", "locked", "mfa_challenge"):
        assert ("authd_logins_total", (("outcome", outcome),)) in samples
    # HEAD has the headers and no body; other methods are refused.
    assert http.head(metrics_url(stack)).status_code == 200
    r = http.post(metrics_url(stack))
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD"
    # The listener serves nothing else.
    assert http.get(metrics_url(stack).replace("/metrics", "/health")).status_code == 404


def test_requests_are_summed_over_every_worker(stack, http):
    before = owned(scrape(stack, http))
    sent, pids = 0, set()
    # Until more than one api worker has served some: concurrent requests
    # spread over the pool, but nothing forces the kernel to wake another.
    for _ in range(5):
        mark = stack.log_mark()
        sent += hit_owned(40)
        pids |= {e["pid"] for e in stack.log_since(mark)
                 if e.get("event") == "request" and e.get("path") == OWNED_ROUTE
                 and e.get("status") == 415}
        if len(pids) > 1:
            break
    assert len(pids) > 1, "every request was served by one worker"
    after = scrape(stack, http)
    assert owned(after) - before == sent
    # Its histogram counted each of them once, in order.
    route = (("route", OWNED_ROUTE),)
    count = after[("authd_http_request_duration_seconds_count", route)]
    assert count >= sent
    buckets = sorted(((float(dict(labels)["le"]), v) for (name, labels), v in after.items()
                      if name == "authd_http_request_duration_seconds_bucket"
                      and dict(labels)["route"] == OWNED_ROUTE))
    assert buckets[-1] == (float("inf"), count)
    assert all(a[1] <= b[1] for a, b in zip(buckets, buckets[1:]))
    assert after[("authd_http_request_duration_seconds_sum", route)] > 0


def test_metrics_is_not_served_on_the_public_hosts(stack, http):
    before = owned(scrape(stack, http))
    for method in ("GET", "HEAD", "POST"):
        r = http.request(method, url("/metrics"))
        assert r.status_code == 404, (method, r.status_code)
    assert_error(http.get(url("/metrics")), 404, "NOT_FOUND")
    # The listener's param cannot come from a client header.
    r = http.get(url("/metrics"), headers={"AUTHD-METRICS-LISTENER": "on",
                                           "AUTHD_METRICS_LISTENER": "on"})
    assert_error(r, 404, "NOT_FOUND")
    assert "authd_" not in r.text
    # The app host answers /metrics as it answers any other path it does not
    # have: with and without a token, the same status and no exposition.
    tokens = login(http, verified_user(stack, http))
    for headers in ({}, bearer(tokens["accessToken"])):
        unknown = http.get(APP + "/no-such-page-here", headers=headers, allow_redirects=False)
        r = http.get(APP + "/metrics", headers=headers, allow_redirects=False)
        assert r.status_code == unknown.status_code, (r.status_code, unknown.status_code)
        assert "authd_build_info" not in r.text
    assert owned(scrape(stack, http)) == before


def test_counters_survive_a_reload(stack, http):
    hit_owned(3)
    before = scrape(stack, http)
    stack.reload_with(stack.config_path.read_text())
    after = scrape(stack, http)
    assert owned(after) == owned(before) >= 3
    assert value(after, "authd_http_requests_total", route="/metrics", status="200") > \
        value(before, "authd_http_requests_total", route="/metrics", status="200")
    hit_owned(2)
    assert owned(scrape(stack, http)) == owned(before) + 2


def test_validator_answers_and_its_cache(stack, http):
    tokens = login(http, verified_user(stack, http))
    before = scrape(stack, http)
    for _ in range(3):
        assert http.get(url("/auth/validate"), headers=bearer(tokens["accessToken"])
                        ).status_code == 204
    assert http.get(url("/auth/validate"), headers=bearer("not.a.token")).status_code == 401
    after = scrape(stack, http)

    def grew(name, by, **labels):
        return value(after, name, **labels) - value(before, name, **labels) >= by

    assert grew("authd_validator_answers_total", 3, outcome="allowed")
    assert grew("authd_validator_answers_total", 1, outcome="invalid_token")
    assert grew("authd_http_requests_total", 3, route="/auth/validate", status="204")
    assert grew("authd_http_requests_total", 1, route="/auth/validate", status="401")
    # Two validate workers: the first check in each misses, later ones hit.
    assert grew("authd_validator_token_cache_total", 1, result="hit")
    assert grew("authd_validator_token_cache_total", 1, result="miss")
    age = after[("authd_revoked_set_age_seconds", ())]
    assert 0 <= age < 3600


def test_an_unexpected_worker_death_is_a_restart(stack, http):
    before = value(scrape(stack, http), "authd_worker_restarts_total", pool="api")
    victim = stack.workers("api")[0]
    os.kill(victim, signal.SIGKILL)
    assert wait_until(lambda: victim not in stack.workers("api") and
                      len(stack.workers("api")) >= 3, timeout=15)
    assert value(scrape(stack, http), "authd_worker_restarts_total", pool="api") >= before + 1


class Delta:
    """The change of the exposition between entering and leaving a block."""

    def __init__(self, stack, http):
        self.stack, self.http = stack, http

    def __enter__(self):
        self.before = scrape(self.stack, self.http)
        return self

    def __exit__(self, *exc):
        self.after = scrape(self.stack, self.http)

    def __call__(self, name, **labels):
        return value(self.after, name, **labels) - value(self.before, name, **labels)


WRONG = "Wr0ng-Password!"


def attempt(http, address, password):
    return http.post(url("/auth/login"), json={"email": address, "password": password})


def test_logins_and_second_factors_by_outcome(stack, http):
    address = verified_user(stack, http)
    unverified = register(http)
    ghost = new_email("ghost")
    mfa_user, _, _, backup_codes = enable_mfa(stack, http)
    disabled = verified_user(stack, http)
    out = subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                          "user", "disable", disabled], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    with Delta(stack, http) as d:
        assert_error(attempt(http, disabled, PASSWORD), 403, "ACCOUNT_DISABLED")
        assert_error(attempt(http, address, WRONG), 401, "INVALID_CREDENTIALS")
        assert attempt(http, address, PASSWORD).status_code == 200
        assert_error(attempt(http, unverified, PASSWORD), 403, "EMAIL_NOT_VERIFIED")
        for _ in range(5):
            assert_error(attempt(http, ghost, WRONG), 401, "INVALID_CREDENTIALS")
        assert_error(attempt(http, ghost, WRONG), 429, "ACCOUNT_LOCKED")
        token = challenge(http, mfa_user)
        assert_error(mfa_verify(http, token, "000000"), 401, "INVALID_MFA_CODE")
        assert_error(mfa_verify(http, "no-such-challenge", "000000"), 401, "MFA_SESSION_EXPIRED")
        assert mfa_verify(http, token, backup_codes[0]).status_code == 200
    assert d("authd_logins_total", outcome="ok") >= 1
    assert d("authd_logins_total", outcome="bad_credentials") >= 6
    assert d("authd_logins_total", outcome="email_not_verified") >= 1
    assert d("authd_logins_total", outcome="account_disabled") >= 1
    assert d("authd_logins_total", outcome="locked") >= 1
    assert d("authd_logins_total", outcome="mfa_challenge") >= 1
    assert d("authd_mfa_verifications_total", outcome="wrong_code") >= 1
    assert d("authd_mfa_verifications_total", outcome="challenge_dead") >= 1
    assert d("authd_mfa_verifications_total", outcome="ok") >= 1
    # The lockout's refusal is an outcome of the login, not a rate limit.
    assert d("authd_http_requests_total", route="/auth/login", status="429") >= 1


def test_refresh_rotations_and_reuse(stack, http):
    tokens = login(http, verified_user(stack, http))
    user_id = tokens["user"]["userId"]
    with Delta(stack, http) as d:
        r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
        assert r.status_code == 200, r.text
        # The spent token, presented again after its grace window.
        stack.psql("UPDATE refresh_tokens SET spent_at = now() - interval '1 hour'"
                   " WHERE spent_at IS NOT NULL AND session_id IN"
                   f" (SELECT id FROM sessions WHERE user_id = '{user_id}')")
        r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
        assert_error(r, 401, "INVALID_REFRESH_TOKEN")
    assert d("authd_refresh_rotations_total") >= 1
    assert d("authd_refresh_reuse_detections_total") >= 1


def test_rate_limit_refusals(stack, http):
    address = new_email("limited")
    with Delta(stack, http) as d:
        codes = [http.post(url("/auth/password/forgot"), json={"email": address}).status_code
                 for _ in range(4)]
    assert codes == [202, 202, 202, 429], codes
    assert d("authd_rate_limited_total") >= 1


def test_outbox_depth_and_delivery_failures(stack, http):
    """A row the mailer cannot open (a payload under no key) is a failed
    delivery; a row not due yet is in the depth."""
    insert = ("INSERT INTO mail_outbox (template, recipient, payload, key_id, message_id,"
              " next_attempt_at) VALUES ('verify_email', 'metrics@example.com', '\\x00',"
              " 'no-such-key', 'metrics-test-{tag}', {due}) RETURNING id")
    ids = []
    try:
        with Delta(stack, http) as d:
            ids += [row[0] for row in stack.psql(insert.format(tag="later",
                                                              due="now() + interval '1 day'"))]
            ids += [row[0] for row in stack.psql(insert.format(tag="now", due="now()"))]
            stack.psql("SELECT pg_notify('authd_mail', '')")
            assert wait_until(lambda: stack.psql(
                f"SELECT attempts FROM mail_outbox WHERE id = {ids[1]}") == [["1"]], timeout=10)
            depth = scrape(stack, http)[("authd_outbox_depth", ())]
            assert depth >= 1
        assert d("authd_mail_delivery_failures_total") >= 1
    finally:
        if ids:
            stack.psql(f"DELETE FROM mail_outbox WHERE id IN ({', '.join(ids)})")


def test_postgres_and_memcached_errors(stack, http):
    with Delta(stack, http) as d:
        stack.dev("mc-stop")
        try:
            assert wait_until(lambda: http.get(url("/health")).json()["checks"]["cache"] == "down")
        finally:
            stack.dev("mc-start")
        assert wait_until(lambda: http.get(url("/health")).json()["status"] == "ok", timeout=10)
    assert d("authd_memcached_errors_total") >= 1

    stack.dev("pg-stop")
    try:
        assert wait_until(lambda: http.get(url("/health")).status_code == 503)
    finally:
        stack.dev("pg-start")
    assert wait_until(lambda: http.get(url("/health")).status_code == 200, timeout=15)
    after = scrape(stack, http)
    before_errors = value(d.after, "authd_postgres_errors_total")
    assert value(after, "authd_postgres_errors_total") > before_errors
    # Scraped while Postgres was down, the depth would be left out, not 0;
    # it is back now.
    assert ("authd_outbox_depth", ()) in after
