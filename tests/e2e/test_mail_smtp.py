"""SMTP delivery through a real SMTP server on loopback: a message
registered while the server is down arrives exactly once after it is up."""
import email
import email.policy
import socket
import subprocess
import sys
import tempfile
import time
import pathlib

from conftest import code_in, new_email, register, url, wait_until


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_smtp_down_then_up_delivers_exactly_once(stack, http):
    port = free_port()
    sink_dir = pathlib.Path(tempfile.mkdtemp(prefix="authd-smtp-"))
    old = stack.reconfigure(mail__transport="smtp", mail__smtp_url=f"smtp://127.0.0.1:{port}",
                            mail__smtp_starttls="false", mail__retry_max_backoff="1")
    sink = None
    try:
        address = new_email("smtp")
        register(http, address)
        time.sleep(2)  # a few failed attempts while nothing listens
        assert not list(sink_dir.glob("*.eml"))
        sink = subprocess.Popen([sys.executable, str(pathlib.Path(__file__).with_name("smtp_sink.py")),
                                 str(port), str(sink_dir)])
        assert wait_until(lambda: list(sink_dir.glob("*.eml")), timeout=15), "no mail arrived"
        time.sleep(3)  # and nothing more arrives
        mails = sorted(sink_dir.glob("*.eml"))
        assert len(mails) == 1, mails
        raw = mails[0].read_bytes()
        assert b"\r\n" in raw
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert msg["To"] == address
        assert msg["X-Authd-Template"] == "verify_email"
        assert (sink_dir / "0001.rcpt").read_text() == address
        code = code_in(msg)
        r = http.post(url("/auth/verify-email"), json={"email": address, "code": code})
        assert r.status_code == 200, r.text
        rows = stack.psql("SELECT attempts > 1, payload IS NULL, sent_at IS NOT NULL FROM mail_outbox"
                          f" WHERE recipient = '{address}'")
        assert rows == [["t", "t", "t"]], rows
    finally:
        if sink:
            sink.terminate()
            sink.wait(timeout=5)
        stack.reload_with(old)
