"""authd listening on TCP, for an nginx on another host, open only to
[server] fastcgi_peers.

Each test starts a separate authd with a copy of the stack's configuration
whose two sockets are TCP on loopback ports picked free at run time, and
speaks FastCGI to it directly.  127.0.0.1 plays the nginx on the list,
127.0.0.2 a stranger: its connection is closed without an answer (and
without its request being read: no log line carries its request id) and
the refusal is logged at warn.  A TCP socket without fastcgi_peers is a
bad configuration at --check-config, at start and at reload (the running
workers keep serving); a reload cannot move a socket (that takes a
restart), but it does change who may connect.
"""
import json
import re
import signal
import socket
import subprocess
import uuid

import pytest

from conftest import wait_until
from test_validator import fcgi_answer, fcgi_exchange, fcgi_get, fcgi_request

STRANGER = "127.0.0.2"


def free_port(family=socket.AF_INET):
    """A port free on loopback (AF_INET) or on every address (AF_INET6 on
    "::", which on a dual-stack host also covers IPv4)."""
    with socket.socket(family) as s:
        s.bind(("127.0.0.1" if family == socket.AF_INET else "::", 0))
        return s.getsockname()[1]


def tcp_config(stack, api, validate, peers="127.0.0.1"):
    """The stack's configuration with its sockets moved to `api` and
    `validate` (socket settings) and fastcgi_peers set (None: left out)."""
    text = stack.config_path.read_text()
    run = stack.var / "run"
    text, n = re.subn(r"(?m)^api_socket = .*$", f"api_socket = {api}", text)
    assert n == 1 and f"{run}/validate.sock" in text
    text = re.sub(r"(?m)^validate_socket = .*$", f"validate_socket = {validate}", text)
    if peers is not None:
        text = text.replace("[server]\n", f"[server]\nfastcgi_peers = {peers}\n", 1)
    return text


class Authd:
    """A separate authd process with its own configuration file and log."""

    def __init__(self, stack, tmp_path, text):
        self.conf = tmp_path / "authd.conf"
        self.conf.write_text(text)
        self.log_path = tmp_path / "authd.log"
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [stack.env()["BUILD"] + "/authd", "--config", str(self.conf)],
            stdout=subprocess.DEVNULL, stderr=self.log)
        assert self.wait_for(lambda e: e.get("event") == "ready", timeout=30), self.tail()

    def entries(self):
        out = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                out.append({"raw": line})
        return out

    def wait_for(self, predicate, timeout=10.0):
        return wait_until(lambda: next((e for e in self.entries() if predicate(e)), None),
                          timeout=timeout)

    def tail(self):
        return self.log_path.read_text(errors="replace")[-3000:]

    def reload_with(self, text):
        """Rewrites the configuration and sends SIGHUP; returns the first
        reload outcome logged after it ("reloaded" or "reload_failed")."""
        seen = len(self.entries())
        self.conf.write_text(text)
        self.proc.send_signal(signal.SIGHUP)
        entry = wait_until(lambda: next(
            (e for e in self.entries()[seen:] if e.get("event") in ("reloaded", "reload_failed")),
            None), timeout=15)
        assert entry, self.tail()
        return entry

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        log = self.log_path.read_text(errors="replace")
        assert not re.search(r"runtime error:|AddressSanitizer|LeakSanitizer", log), log[-3000:]


@pytest.fixture
def tcp_authd(stack, tmp_path):
    """start(text) -> Authd; every authd started is stopped afterwards."""
    started = []

    def start(text):
        started.append(Authd(stack, tmp_path, text))
        return started[-1]

    try:
        yield start
    finally:
        for authd in started:
            authd.stop()


def ask(target, source=None, path="/auth/validate", request_id=None):
    """The raw answer to one FastCGI GET; b"" when the peer closed (or
    reset) the connection without answering."""
    params = {"REQUEST_ID": request_id} if request_id else None
    try:
        return fcgi_exchange(target, fcgi_request(params=params, path=path), source=source)
    except ConnectionError:
        return b""


def test_listed_peer_is_served_by_both_pools(stack, tcp_authd):
    api, validate = free_port(), free_port()
    tcp_authd(tcp_config(stack, f"127.0.0.1:{api}", f"127.0.0.1:{validate}"))
    answer = fcgi_get(stack, target=("127.0.0.1", validate))
    assert answer.status_code == 401, answer.content
    assert answer.json()["error"] == "INVALID_TOKEN"
    health = fcgi_answer(ask(("127.0.0.1", api), path="/health"))
    assert health.status_code == 200, health.content
    assert health.json()["status"] == "ok"


def test_stranger_is_closed_unread_and_logged(stack, tcp_authd):
    api, validate = free_port(), free_port()
    authd = tcp_authd(tcp_config(stack, f"127.0.0.1:{api}", f"127.0.0.1:{validate}"))

    def refusals():
        return [e for e in authd.entries()
                if e.get("event") == "fastcgi_peer_refused" and e.get("peer") == STRANGER]

    def logged(request_id):
        return [e for e in authd.entries() if e.get("request_id") == request_id]

    # /users/profile without a token: a 401 from either pool, logged with
    # its request id when it is read.
    for port, path in ((validate, "/auth/validate"), (api, "/users/profile")):
        before = len(refusals())
        stranger_id = uuid.uuid4().hex
        assert ask(("127.0.0.1", port), STRANGER, path, stranger_id) == b""
        assert wait_until(lambda: len(refusals()) > before), authd.tail()
        assert refusals()[-1]["level"] == "warn"
        # The listed peer is still served and its request logged; the
        # stranger's request was never read: no line carries its id.
        listed_id = uuid.uuid4().hex
        assert fcgi_answer(ask(("127.0.0.1", port), None, path, listed_id)).status_code == 401
        assert wait_until(lambda: logged(listed_id)), authd.tail()
        assert not logged(stranger_id)


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6")
def test_ipv6_sockets_and_v4_mapped_peers(stack, tcp_authd):
    """[::] takes IPv4 too; such a peer is listed and logged as IPv4."""
    api, validate = free_port(socket.AF_INET6), free_port(socket.AF_INET6)
    authd = tcp_authd(tcp_config(stack, f"[::1]:{api}", f"[::]:{validate}",
                                 peers="127.0.0.1, ::1"))
    assert fcgi_answer(ask(("::1", api), path="/users/profile")).status_code == 401
    assert fcgi_answer(ask(("::1", validate))).status_code == 401
    # Over IPv4 to the [::] socket: the peer is ::ffff:127.0.0.1, matched
    # by the list's 127.0.0.1.
    assert fcgi_answer(ask(("127.0.0.1", validate))).status_code == 401
    assert ask(("127.0.0.1", validate), source=STRANGER) == b""
    assert authd.wait_for(lambda e: e.get("event") == "fastcgi_peer_refused"
                          and e.get("peer") == STRANGER), authd.tail()


def test_check_config_requires_fastcgi_peers_for_tcp(stack, tmp_path):
    conf = tmp_path / "authd.conf"
    conf.write_text(tcp_config(stack, f"127.0.0.1:{free_port()}",
                               str(stack.var / "run" / "validate.sock"), peers=None))
    r = subprocess.run([stack.env()["BUILD"] + "/authd", "--config", str(conf), "--check-config"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0, r.stdout
    assert "fastcgi_peers" in r.stderr and "authd.conf:" in r.stderr, r.stderr
    # And it does not start either.
    r = subprocess.run([stack.env()["BUILD"] + "/authd", "--config", str(conf)],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "fastcgi_peers" in r.stderr, r.stderr


def test_reload_keeps_sockets_refuses_a_missing_list_and_applies_a_new_one(stack, tcp_authd,
                                                                          tmp_path):
    api, validate = free_port(), free_port()
    listen = (f"127.0.0.1:{api}", f"127.0.0.1:{validate}")
    authd = tcp_authd(tcp_config(stack, *listen))
    target = ("127.0.0.1", validate)
    assert fcgi_answer(ask(target)).status_code == 401

    # No list with TCP sockets: refused, the old workers keep serving.
    outcome = authd.reload_with(tcp_config(stack, *listen, peers=None))
    assert outcome["event"] == "reload_failed" and "fastcgi_peers" in outcome["reason"]
    assert fcgi_answer(ask(target)).status_code == 401
    # Nor may a file that names unix sockets drop the list: the TCP sockets
    # stay until a restart, so they would be left unguarded.
    unix = (str(tmp_path / "api.sock"), str(tmp_path / "validate.sock"))
    outcome = authd.reload_with(tcp_config(stack, *unix, peers=None))
    assert outcome["event"] == "reload_failed" and "fastcgi_peers" in outcome["reason"]
    assert fcgi_answer(ask(target)).status_code == 401

    # A moved socket is logged and waits for a restart; the old one serves.
    moved = free_port()
    outcome = authd.reload_with(tcp_config(stack, listen[0], f"127.0.0.1:{moved}"))
    assert outcome["event"] == "reloaded", authd.tail()
    assert authd.wait_for(lambda e: e.get("event") == "reload_socket_unchanged"
                          and e.get("pool") == "validate")
    assert fcgi_answer(ask(target)).status_code == 401
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", moved), timeout=5).close()

    # A new list takes effect with the new generation of workers.
    outcome = authd.reload_with(tcp_config(stack, *listen, peers=STRANGER))
    assert outcome["event"] == "reloaded", authd.tail()
    assert wait_until(lambda: ask(target) == b"", timeout=15), "127.0.0.1 still served"
    assert fcgi_answer(ask(target, source=STRANGER)).status_code == 401
