"""SMTP down (issue 12, fault 6): what a client sees does not depend on the
mail server.  (test_mail_smtp.py shows that a message queued while SMTP is
down arrives exactly once when it is back.)"""
import pathlib
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from conftest import PASSWORD, new_email, url, wait_until
from test_mail_smtp import free_port

ROUNDS = 6


def shape(response):
    """Status and body shape: the keys, and the message text."""
    body = response.json()
    return (response.status_code, sorted(body), body.get("message"),
            sorted(body.get("user", {})))


def mail_traffic(http):
    """Rounds of requests that each queue a mail: a registration, then a
    forgot-password and a resend-verification for the new account.
    Returns ([shapes], median seconds of a round)."""
    shapes, rounds = [], []
    for _ in range(ROUNDS):
        address = new_email("smtpdown")
        started = time.monotonic()
        for path, body in (("/auth/register", {"email": address, "password": PASSWORD,
                                               "firstName": "Ada", "lastName": "Lovelace"}),
                           ("/auth/password/forgot", {"email": address}),
                           ("/auth/resend-verification", {"email": address})):
            shapes.append((path, shape(http.post(url(path), json=body))))
        rounds.append(time.monotonic() - started)
    return shapes, statistics.median(rounds)


def test_answers_while_smtp_is_down_match_those_while_it_is_up(stack, http):
    """The same requests (register, forgot-password, resend-verification,
    each of which queues a mail) with the SMTP server up, refusing
    connections (nothing listens), and hung (it accepts TCP and never says
    a word).

    Invariants:
      - the answers are identical in status and body shape (keys, message
        text) in all three states;
      - they are about as fast: in each state the median time of a round
        of the three is within 3x of the median while SMTP is up (a ratio
        in one run, never an absolute time);
      - the mailer is alive throughout (SMTP trouble costs no process).
    """
    port = free_port()
    sink_dir = pathlib.Path(tempfile.mkdtemp(prefix="authd-smtp-"))
    sink = subprocess.Popen([sys.executable, str(pathlib.Path(__file__).with_name("smtp_sink.py")),
                             str(port), str(sink_dir)])
    hung = None
    before = stack.workers("mailer")
    old = stack.reconfigure(mail__transport="smtp", mail__smtp_url=f"smtp://127.0.0.1:{port}",
                            mail__smtp_starttls="false", mail__retry_max_backoff="1")
    try:
        # The reload replaces the mailer too: wait for the new one alone
        # (sampled at once, it was [] or old + new in some runs).
        assert wait_until(lambda: len(stack.workers("mailer")) == 1
                          and not set(stack.workers("mailer")) & set(before), timeout=10)
        mailer = stack.workers("mailer")
        up_shapes, up_time = mail_traffic(http)
        assert wait_until(lambda: list(sink_dir.glob("*.eml")), timeout=10), "SMTP was not up"

        sink.terminate()
        sink.wait(timeout=5)
        refused_shapes, refused_time = mail_traffic(http)

        # A server that accepts and then says nothing (its backlog holds the
        # connections; nobody ever reads them).
        hung = socket.socket()
        hung.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hung.bind(("127.0.0.1", port))
        hung.listen(64)
        hung_shapes, hung_time = mail_traffic(http)

        assert refused_shapes == up_shapes
        assert hung_shapes == up_shapes
        assert {s[1][0] for s in up_shapes} == {201, 202}
        for state, median in (("refused", refused_time), ("hung", hung_time)):
            assert up_time / 3 <= median <= up_time * 3, (state, median, up_time)
        assert stack.workers("mailer") == mailer, "the mailer died"
    finally:
        if hung:
            hung.close()
        if sink.poll() is None:
            sink.terminate()
            sink.wait(timeout=5)
        stack.reload_with(old)
