"""Fixtures for the end-to-end tests.

The tests talk HTTP to the real nginx of a stack started by
`scripts/dev.sh test` (or `up`), which passes AUTHD_URL, AUTHD_VAR and
AUTHD_ROOT.  `stack` reaches the running processes: pids, the log, and the
dev.sh helpers that stop and start Postgres and memcached.
"""
import json
import os
import pathlib
import signal
import subprocess
import threading
import time

import pytest
import requests

ROOT = pathlib.Path(os.environ.get("AUTHD_ROOT", pathlib.Path(__file__).resolve().parents[2]))
URL = os.environ.get("AUTHD_URL", "http://127.0.0.1:8080")
VAR = pathlib.Path(os.environ.get("AUTHD_VAR", ROOT / "var"))


class Stack:
    url = URL
    var = VAR
    root = ROOT

    def dev(self, *args):
        env = dict(os.environ, AUTHD_VAR=str(VAR))
        subprocess.run([str(ROOT / "scripts" / "dev.sh"), *args], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    def master_pid(self):
        return int((VAR / "run" / "authd.pid").read_text())

    def workers(self, pool):
        """Live worker pids of one pool ("api", "validate")."""
        master = self.master_pid()
        out = []
        for task in pathlib.Path(f"/proc/{master}/task").iterdir():
            children = (task / "children").read_text().split()
            for pid in children:
                try:
                    comm = pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
                except FileNotFoundError:
                    continue
                if comm == f"authd-{pool}":
                    out.append(int(pid))
        return sorted(out)

    def signal_master(self, sig):
        os.kill(self.master_pid(), sig)

    @property
    def log_path(self):
        return VAR / "log" / "authd.log"

    def log_mark(self):
        return self.log_path.stat().st_size

    def log_since(self, mark):
        with open(self.log_path, "rb") as f:
            f.seek(mark)
            data = f.read().decode("utf-8", "replace")
        lines = []
        for line in data.splitlines():
            try:
                lines.append(json.loads(line))
            except ValueError:
                lines.append({"raw": line})
        return lines

    def wait_for_log(self, mark, predicate, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in self.log_since(mark):
                if predicate(entry):
                    return entry
            time.sleep(0.05)
        return None

    @property
    def config_path(self):
        return VAR / "authd.conf"


@pytest.fixture(scope="session")
def stack():
    return Stack()


@pytest.fixture
def http():
    with requests.Session() as s:
        yield s


def url(path):
    return URL + path


class Load:
    """Background GET traffic on a few threads; counts what failed."""

    def __init__(self, path="/health", threads=4, ok=(200,)):
        self.path, self.threads, self.ok = path, threads, ok
        self.sent = 0
        self.failures = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self):
        with requests.Session() as s:
            while not self._stop.is_set():
                try:
                    r = s.get(url(self.path), timeout=10)
                    failed = r.status_code not in self.ok and (r.status_code, r.text)
                except requests.RequestException as e:
                    failed = ("exception", str(e))
                with self._lock:
                    self.sent += 1
                    if failed:
                        self.failures.append(failed)

    def __enter__(self):
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=15)


def wait_until(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def assert_common_headers(response):
    assert response.headers.get("X-Request-Id"), "X-Request-Id missing"
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, f"{name}: {response.headers.get(name)!r}"


def assert_error(response, status, code):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers.get("Content-Type", "").startswith("application/json")
    body = response.json()
    assert body["error"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    assert body["requestId"] == response.headers["X-Request-Id"]
    assert_common_headers(response)
    return body


__all__ = ["Load", "Stack", "url", "wait_until", "assert_error", "assert_common_headers",
           "signal"]
