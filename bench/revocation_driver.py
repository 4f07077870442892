#!/usr/bin/env python3
"""bench/revocation_driver.py: the client side of bench/revocation.sh.

    revocation_driver.py users API MAILDIRS COUNT OUT
        registers COUNT users (verified through the mail directories,
        colon-separated: every authd master on the database delivers) and
        writes "email password" lines to OUT
    revocation_driver.py tokens API EMAIL PASSWORD COUNT OUT
        COUNT access tokens of fresh sessions, one per line
    revocation_driver.py run API LOCATION USERS COUNT THREADS OUT
        COUNT revocations, THREADS at a time, each of a fresh session:
        logout, logout with allDevices, password change, in turn.  Before
        each, the victim's token is presented at LOCATION until it has been
        admitted five times (so a cached location holds it); after the
        revoking call's answer it is presented back to back until the first
        401.  Writes one "kind seconds" line per revocation to OUT (the time
        from the revoking answer to the first refusal; -1 if it was still
        admitted after 10 s).

Standard library only; one keep-alive connection per thread and host.
"""
import http.client
import json
import os
import pathlib
import re
import sys
import threading
import time
import urllib.parse
import uuid

PASSWORDS = ("Bench-Revoke-1!", "Bench-Revoke-2!")


class Client:
    """A keep-alive connection to one host, reopened when nginx closes it."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.conn = None

    def request(self, method, path, body=None, token=None):
        headers = {}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = "Bearer " + token
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                self.conn.request(method, path, body=body, headers=headers)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, data
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def login(api, email, password):
    status, data = api.request("POST", "/auth/login", {"email": email, "password": password})
    if status != 200:
        raise RuntimeError(f"login {email}: {status} {data[:200]!r}")
    return json.loads(data)["accessToken"]


def verification_code(maildir, email, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Every authd master on the database delivers the outbox: the
        # mail may be in any of their directories (MAILDIR is a:b:...).
        paths = [p for d in maildir.split(":") for p in pathlib.Path(d).glob("*verify_email.eml")]
        for path in paths:
            text = path.read_text(errors="replace")
            if f"To: {email}" not in text:
                continue
            part = text.split("Content-Type: text/plain", 1)[-1].split("\n--", 1)[0]
            m = re.search(r"^(\d{6})\r?$", part, re.M)
            if m:
                return m.group(1)
        time.sleep(0.1)
    raise RuntimeError(f"no verification mail for {email} in {maildir}")


def cmd_users(base, maildir, count, out):
    api = Client(base)
    lines = []
    for _ in range(count):
        email = f"bench-revoke-{uuid.uuid4().hex[:12]}@example.com"
        status, data = api.request("POST", "/auth/register", {
            "email": email, "password": PASSWORDS[0], "firstName": "Wrk", "lastName": "Load"})
        if status != 201:
            raise RuntimeError(f"register: {status} {data[:200]!r}")
        code = verification_code(maildir, email)
        status, data = api.request("POST", "/auth/verify-email", {"email": email, "code": code})
        if status != 200:
            raise RuntimeError(f"verify-email: {status} {data[:200]!r}")
        lines.append(f"{email} {PASSWORDS[0]}")
    pathlib.Path(out).write_text("\n".join(lines) + "\n")


def cmd_tokens(base, email, password, count, out):
    api = Client(base)
    pathlib.Path(out).write_text("".join(login(api, email, password) + "\n"
                                         for _ in range(count)))


KINDS = ("logout", "logout_all", "password_change")


def one_revocation(api, protected, location, user, kind):
    email, password = user["email"], user["password"]
    victim = login(api, email, password)
    caller = victim if kind == "logout" else login(api, email, password)
    admitted = 0
    deadline = time.monotonic() + 10
    while admitted < 5:
        status, _ = protected.request("GET", location, token=victim)
        if status == 200:
            admitted += 1
        elif time.monotonic() > deadline:
            raise RuntimeError(f"the victim's token was never admitted ({status})")
        time.sleep(0.02)
    if kind == "logout":
        status, data = api.request("POST", "/auth/logout", {}, token=caller)
        ok = status == 204
    elif kind == "logout_all":
        status, data = api.request("POST", "/auth/logout", {"allDevices": True}, token=caller)
        ok = status == 204
    else:
        new = PASSWORDS[1] if password == PASSWORDS[0] else PASSWORDS[0]
        status, data = api.request("POST", "/auth/password/change",
                                   {"currentPassword": password, "newPassword": new},
                                   token=caller)
        ok = status == 200
        if ok:
            user["password"] = new
    if not ok:
        raise RuntimeError(f"{kind}: {status} {data[:200]!r}")
    answered = time.monotonic()
    while True:
        status, _ = protected.request("GET", location, token=victim)
        now = time.monotonic()
        if status == 401:
            return now - answered
        if status != 200:
            raise RuntimeError(f"{kind}: the victim got {status}")
        if now - answered > 10:
            return -1.0


def cmd_run(base, location_url, users_file, count, threads, out):
    users = [dict(zip(("email", "password"), line.split()))
             for line in pathlib.Path(users_file).read_text().splitlines() if line.strip()]
    assert len(users) >= threads, "one user per thread"
    u = urllib.parse.urlsplit(location_url)
    results, errors, lock = [], [], threading.Lock()
    jobs = iter(range(count))

    def worker(user):
        api, protected = Client(base), Client(f"{u.scheme}://{u.netloc}")
        while True:
            with lock:
                i = next(jobs, None)
            if i is None:
                return
            kind = KINDS[i % len(KINDS)]
            try:
                seconds = one_revocation(api, protected, u.path, user, kind)
            except Exception as e:  # noqa: BLE001 - reported, the run goes on
                with lock:
                    errors.append(f"{kind}: {e}")
                continue
            with lock:
                results.append((kind, seconds))

    pool = [threading.Thread(target=worker, args=(users[t],)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    pathlib.Path(out).write_text("".join(f"{k} {s:.4f}\n" for k, s in results))
    # The passwords the changes left, for the next run with these users.
    pathlib.Path(users_file).write_text("".join(f"{u['email']} {u['password']}\n" for u in users))
    for e in errors[:10]:
        print("revocation_driver.py: " + e, file=sys.stderr)
    if errors:
        print(f"revocation_driver.py: {len(errors)} of {count} revocations failed",
              file=sys.stderr)
    return 0 if len(results) >= count * 0.95 else 1


def main(argv):
    cmd = argv[1]
    if cmd == "users":
        cmd_users(argv[2], argv[3], int(argv[4]), argv[5])
    elif cmd == "tokens":
        cmd_tokens(argv[2], argv[3], argv[4], int(argv[5]), argv[6])
    elif cmd == "run":
        return cmd_run(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7])
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main(sys.argv))
