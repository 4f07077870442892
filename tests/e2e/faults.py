"""Helpers of the fault tests (test_faults_*.py): traffic that records
every answer with its duration, the checks every answer under a fault must
pass, and a psql session that holds Postgres locks until told to let go.

What every fault test asks of every answer it records (check_answers):
  - it came within a stated bound (no hang);
  - it is never a 500, and a 5xx is only the contract's JSON 503
    SERVICE_UNAVAILABLE (for /health, the health shape's 503);
  - its status is one the scenario allows for that request (a protected
    /demo/ never answers 200 without a valid token, the validator never
    answers 204 for a revoked or unknown token), and it matches the
    contract (contract.check).
"""
import os
import subprocess
import threading
import time
import uuid

import requests

import contract
from conftest import bearer, url, wait_until

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"


class Answer:
    """One request's outcome: what was asked, what came back, how long it took."""

    def __init__(self, name, path, method, started, elapsed, response=None, error=None, **info):
        self.name, self.path, self.method = name, path, method
        self.started, self.elapsed = started, elapsed
        self.response, self.error, self.info = response, error, info

    @property
    def status(self):
        return self.response.status_code if self.response is not None else None

    def __repr__(self):
        body = self.response.text[:160] if self.response is not None else self.error
        return (f"<{self.name} {self.method} {self.path} -> {self.status} "
                f"in {self.elapsed:.2f}s at {self.started:.2f}: {body}>")


class Recorder:
    """Sends requests and keeps every Answer; safe to share between threads."""

    def __init__(self, timeout=30.0):
        self.timeout = timeout
        self.answers = []
        self.t0 = time.monotonic()
        self._lock = threading.Lock()

    def call(self, session, name, method, path, template=None, **kw):
        started = time.monotonic()
        response = error = None
        try:
            response = session.request(method, url(path), timeout=self.timeout, **kw)
        except requests.RequestException as e:
            error = f"{type(e).__name__}: {e}"
        answer = Answer(name, template or path, method, started - self.t0,
                        time.monotonic() - started, response, error)
        with self._lock:
            self.answers.append(answer)
        return answer

    def named(self, name):
        with self._lock:
            return [a for a in self.answers if a.name == name]


class Traffic:
    """Runs each of the given loops on a thread of its own until stopped.
    A loop is a callable taking (session, stop_event); it sends one or more
    requests through the recorder and returns; it is called again until
    the traffic stops."""

    def __init__(self, recorder, loops, pause=0.02):
        self.recorder, self.pause = recorder, pause
        self.stop = threading.Event()
        self.crashes = []
        self._threads = [threading.Thread(target=self._run, args=(loop,), daemon=True)
                         for loop in loops]

    def _run(self, loop):
        with requests.Session() as s:
            while not self.stop.is_set():
                try:
                    loop(s, self.stop)
                except Exception as e:  # noqa: BLE001 - a broken loop fails the test below
                    self.crashes.append(repr(e))
                    return
                time.sleep(self.pause)

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self._threads:
            t.join(timeout=60)
        assert not [t for t in self._threads if t.is_alive()], "a traffic thread hangs"
        assert not self.crashes, self.crashes


def check_answers(answers, allowed, bound, unavailable_ok=True, schema_checks=3):
    """The checks of the module docstring over `answers`; `allowed` maps an
    answer's name to the statuses it may have (and 503, unless
    `unavailable_ok` is false).  contract.check (tens of milliseconds) runs
    on the first `schema_checks` answers of each name and status; every
    answer gets the rest."""
    problems = []
    checked = {}
    for a in answers:
        if a.response is None:
            problems.append(("no answer", a))
            continue
        if a.elapsed > bound:
            problems.append((f"slower than {bound}s", a))
        ok = set(allowed[a.name]) | ({503} if unavailable_ok else set())
        if a.status not in ok:
            problems.append((f"status not in {sorted(ok)}", a))
            continue
        seen = checked[(a.name, a.status)] = checked.get((a.name, a.status), 0) + 1
        try:
            if seen <= schema_checks:
                body = contract.check(a.response, a.path, a.method)
            else:
                body = a.response.json() if a.response.content else None
        except (AssertionError, ValueError) as e:
            problems.append((str(e)[:300], a))
            continue
        if a.status == 503 and a.path != "/health" and body.get("error") != SERVICE_UNAVAILABLE:
            problems.append(("503 without SERVICE_UNAVAILABLE", a))
    assert not problems, "\n".join(f"{why}: {a!r}" for why, a in problems[:12])


def assert_json_503(response):
    """nginx's answer for a dead or refusing backend, or authd's own 503."""
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json")
    body = response.json()
    assert body["error"] == SERVICE_UNAVAILABLE, body
    assert body["requestId"] == response.headers["X-Request-Id"]


class Holder:
    """A psql session of its own that runs BEGIN and `statements` and then
    waits, holding whatever locks they took, until release() commits.

        with Holder(stack, "SELECT 1 FROM users WHERE id = '...' FOR UPDATE;"):
            ...  # the row is locked here
    """

    def __init__(self, stack, *statements):
        self.stack, self.statements = stack, statements
        self.name = "faults-" + uuid.uuid4().hex[:8]
        self.proc = None

    def __enter__(self):
        e = self.stack.env()
        self.proc = subprocess.Popen(
            [e["PGBIN"] + "/psql", "-h", e["PGROOT"] + "/sock", "-p", e["PG_PORT"], "-U", "authd",
             "-d", "authd", "-qtAX", "-v", "ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PGAPPNAME=self.name))
        self.proc.stdin.write("BEGIN;\n" + "\n".join(self.statements) + "\n")
        self.proc.stdin.flush()
        held = wait_until(lambda: self.proc.poll() is not None or self.stack.psql(
            "SELECT state FROM pg_stat_activity WHERE application_name = "
            f"'{self.name}'") == [["idle in transaction"]], timeout=10)
        assert held and self.proc.poll() is None, self.proc.stderr.read() if self.proc.poll() else ""
        return self

    def release(self):
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.write("COMMIT;\n")
            self.proc.stdin.close()
            self.proc.wait(timeout=10)

    def __exit__(self, *exc):
        self.release()


def user_id(stack, address):
    rows = stack.psql(f"SELECT id FROM users WHERE email = '{address}'")
    return rows[0][0] if rows else None


def works(http, access_token):
    """True when the access token passes the validator through nginx."""
    return http.get(url("/auth/validate"), headers=bearer(access_token)).status_code == 204


__all__ = ["Answer", "Recorder", "Traffic", "Holder", "check_answers", "assert_json_503",
           "user_id", "works"]
