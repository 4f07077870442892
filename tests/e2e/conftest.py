"""Fixtures for the end-to-end tests.

The tests talk HTTP to the real nginx of a stack started by
`scripts/dev.sh test` (or `up`), which passes AUTHD_URL, AUTHD_VAR and
AUTHD_ROOT.  `stack` reaches the running processes: pids, the log, and the
dev.sh helpers that stop and start Postgres and memcached.
"""
import email
import email.policy
import json
import os
import pathlib
import re
import signal
import subprocess
import threading
import time
import uuid

import pytest
import requests
import requests.adapters

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
        return sorted(pid for pid in self._children() if proc_comm(pid) == f"authd-{pool}")

    def _children(self):
        """The master's child pids; a task that ends while it is read is
        skipped (its children are gone with it)."""
        master = self.master_pid()
        out = []
        try:
            tasks = list(pathlib.Path(f"/proc/{master}/task").iterdir())
        except OSError:
            return out
        for task in tasks:
            try:
                out += [int(pid) for pid in (task / "children").read_text().split()]
            except OSError:
                continue
        return out

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

    def env(self):
        """The variables of var/stack.env (PGROOT, PG_PORT, ...)."""
        out = {}
        for line in (VAR / "stack.env").read_text().splitlines():
            for pair in line.split():
                k, _, v = pair.partition("=")
                out[k] = v
        return out

    def psql(self, sql):
        """Runs SQL as the authd role; returns the rows as lists of strings."""
        e = self.env()
        out = subprocess.run(
            [e["PGBIN"] + "/psql", "-h", e["PGROOT"] + "/sock", "-p", e["PG_PORT"], "-U", "authd",
             "-d", "authd", "-qtAX", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def reconfigure(self, **changes):
        """Rewrites `key = value` lines of authd.conf (section.key=value
        pairs as keyword arguments: tokens__algorithm="RS256"), reloads with
        SIGHUP and waits for the new workers.  Returns the previous text."""
        old = self.config_path.read_text()
        self.reload_with(with_settings(old, **changes))
        return old

    def reload_with(self, text):
        mark = self.log_mark()
        old_workers = set(self.workers("api"))
        self.config_path.write_text(text)
        self.signal_master(signal.SIGHUP)
        assert self.wait_for_log(mark, lambda e: e.get("event") in ("reloaded", "reload_failed")
                                 ) and self.wait_for_log(mark, lambda e: e.get("event") == "reloaded"
                                                         ), "reload failed"
        # The old generation is gone once no old worker is left.
        wait_until(lambda: not (set(self.workers("api")) & old_workers), timeout=15)

    def mails(self, to=None, template=None):
        """Parsed messages under var/mail, oldest first.  Each file is parsed
        once (a delivered message never changes: it is written under a
        temporary name and renamed), so polling stays cheap however much
        mail the run has sent."""
        out = []
        for path in sorted((VAR / "mail").glob("*.eml")):
            try:
                st = path.stat()
            except OSError:
                continue
            key = (path.name, st.st_size, st.st_mtime_ns)
            msg = _parsed_mail.get(key)
            if msg is None:
                msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
                _parsed_mail[key] = msg
            if to and msg["To"] != to:
                continue
            if template and msg["X-Authd-Template"] != template:
                continue
            out.append(msg)
        return out

    def wait_for_mail(self, to, template, count=1, timeout=5.0):
        msgs = wait_until(lambda: len(self.mails(to, template)) >= count and
                          self.mails(to, template), timeout=timeout)
        assert msgs, f"no {template} mail for {to}"
        return msgs[-1]


_parsed_mail = {}  # (file name, size, mtime) -> parsed message


def readme_block(heading, lang):
    """The first ```lang block after the line `heading` of the README: tests
    run what the README tells an operator to type, so the two cannot drift."""
    readme = (ROOT / "README.md").read_text()
    start = readme.index("\n" + heading + "\n")
    m = re.compile(r"^```" + lang + r"\n(.*?)^```", re.S | re.M).search(readme, start)
    assert m, f"no {lang} block after {heading}"
    return m.group(1)


def nginx_conf(d, http_body, workers=1, connections=64):
    """The main nginx.conf of an nginx of a test's own, run with `-p d`: its
    pid, logs and temporary files under `d`, `http_body` inside http { }."""
    user = "user root root;\n" if os.getuid() == 0 else ""
    temp = "".join(f"    {k}_temp_path {d}/tmp-{k};\n"
                   for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes {workers};\npid {d}/nginx.pid;\n"
            f"error_log {d}/error.log warn;\nevents {{ worker_connections {connections}; }}\n"
            f"http {{\n    access_log {d}/access.log;\n{temp}"
            f"    default_type application/octet-stream;\n{http_body}\n}}\n")


def with_settings(text, **changes):
    """`text` (an authd.conf) with `key = value` lines set or added
    (section.key=value pairs as keyword arguments: keys__dir="/x")."""
    lines = text.splitlines()
    for name, value in changes.items():
        section, key = name.split("__")
        if f"[{section}]" not in lines:
            lines += ["", f"[{section}]"]
        start = lines.index(f"[{section}]")
        end = start + 1
        while end < len(lines) and not lines[end].startswith("["):
            end += 1
        for i in range(start + 1, end):
            if lines[i].split("=")[0].strip() == key:
                lines[i] = f"{key} = {value}"
                break
        else:
            lines.insert(start + 1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="session")
def stack():
    return Stack()


@pytest.fixture
def http():
    """A client of its own: each test connects from a fresh loopback
    address, so per-IP rate limits never couple tests."""
    with session_from(fresh_ip()) as s:
        yield s


def proc_comm(pid):
    """The command name of a process, or None when it has exited: a
    process can end between being listed and being read, and /proc then
    answers ENOENT or ESRCH (ProcessLookupError), both OSErrors."""
    try:
        return pathlib.Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return None


def url(path):
    return URL + path


class SourceAdapter(requests.adapters.HTTPAdapter):
    """Connects from a chosen loopback address, so a test is its own client IP."""

    def __init__(self, ip, **kw):
        self.ip = ip
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kw):
        kw["source_address"] = (self.ip, 0)
        super().init_poolmanager(*args, **kw)


def session_from(ip):
    s = requests.Session()
    s.mount("http://", SourceAdapter(ip))
    return s


def fresh_ip():
    """A loopback address no other test uses."""
    n = uuid.uuid4().int
    return f"127.{(n >> 16) % 250 + 3}.{(n >> 8) % 256}.{n % 250 + 2}"


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


def text_part(msg):
    """The first text/plain part of a message, decoded."""
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            return part.get_content()
    raise AssertionError("no text/plain part")


def code_in(msg):
    """The 6-digit code, alone on its line in the text part."""
    text = text_part(msg)
    codes = [line.strip() for line in text.splitlines() if re.fullmatch(r"\s*\d{6}\s*", line)]
    assert len(codes) == 1, text
    assert len(re.findall(r"(?<!\d)\d{6}(?!\d)", text)) == 1, "another 6-digit number in the text"
    return codes[0]


PASSWORD = "Corr3ct-Horse!"


def new_email(prefix="user"):
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def register(http, address=None, password=PASSWORD, first="Ada", last="Lovelace"):
    address = address or new_email()
    r = http.post(url("/auth/register"), json={"email": address, "password": password,
                                               "firstName": first, "lastName": last})
    assert r.status_code == 201, r.text
    return address


def verified_user(stack, http, password=PASSWORD, **kw):
    """Registers and verifies; returns the email."""
    address = register(http, password=password, **kw)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    r = http.post(url("/auth/verify-email"), json={"email": address, "code": code})
    assert r.status_code == 200, r.text
    return address


def login(http, address, password=PASSWORD, **extra):
    r = http.post(url("/auth/login"), json={"email": address, "password": password, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(token):
    return {"Authorization": "Bearer " + token}


def refused_within(check, seconds=1.0):
    """True when check() (a status code) becomes 401 within `seconds` and
    stays so: revocations reach the validator within a second."""
    start = time.monotonic()
    if not wait_until(lambda: check() == 401, timeout=seconds, interval=0.05):
        return False
    # Every validate worker has refreshed its revoked set by the deadline.
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    return all(check() == 401 for _ in range(6))


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
