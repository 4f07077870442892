"""Starting authd: configuration checks and refusing to run without keys."""
import subprocess

import pytest

from conftest import with_settings


def authd(stack, *args, env=None):
    binary = stack.env()["BUILD"] + "/authd"
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=30, env=env)


def test_check_config_prints_effective_config_with_secrets_masked(stack, tmp_path):
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace(
        "[database]\n", "[database]\npassword = hunter2-secret\n"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode == 0, r.stderr
    assert "hunter2-secret" not in r.stdout
    assert "password = ********" in r.stdout
    assert "[server]" in r.stdout and "api_workers = " in r.stdout


def test_check_config_rejects_bad_value_with_location(stack, tmp_path):
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace("[server]\n", "[server]\napi_workers = -3\n"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode != 0
    assert "api_workers" in r.stderr and "authd.conf:" in r.stderr


@pytest.mark.parametrize("breakage", ["missing_dir", "world_readable", "no_hmac"])
def test_refuses_to_start_without_usable_keys(stack, tmp_path, breakage):
    import shutil
    keys = tmp_path / "keys"
    shutil.copytree(stack.var / "keys", keys)
    if breakage == "missing_dir":
        shutil.rmtree(keys)
    elif breakage == "world_readable":
        next((keys / "signing").glob("ES256.*.pem")).chmod(0o644)
    else:
        (keys / "hmac.key").unlink()
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace(f"dir = {stack.var}/keys",
                                                          f"dir = {keys}"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode != 0, r.stdout
    assert str(keys) in r.stderr


@pytest.mark.parametrize("setting", ["banned_file", "mail_dir", "smtp_url"])
def test_refuses_to_start_with_what_a_worker_would_refuse(stack, tmp_path, setting):
    """The check a reload makes (test_reload.py) is the one startup makes."""
    changes, reason = {
        "banned_file": ({"passwords__banned_file": str(tmp_path / "none.txt")},
                        "[passwords] banned_file"),
        "mail_dir": ({"mail__dir": str(tmp_path / "none")}, "[mail] dir"),
        "smtp_url": ({"mail__transport": "smtp", "mail__smtp_url": "mail.example.com:25"},
                     "[mail] smtp_url"),
    }[setting]
    conf = tmp_path / "authd.conf"
    conf.write_text(with_settings(stack.config_path.read_text(), **changes))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode != 0, r.stdout
    assert reason in r.stderr, r.stderr


def test_readme_documents_every_option(stack):
    reference = authd(stack, "--config-reference").stdout.splitlines()
    readme = (stack.root / "README.md").read_text()
    missing = [line for line in reference if line not in readme]
    assert reference and not missing, missing


def test_systemd_notify_ready_reloading_stopping(stack, tmp_path):
    """A second authd on sockets of its own tells $NOTIFY_SOCKET what it does."""
    import os
    import signal
    import socket
    conf = tmp_path / "authd.conf"
    text = stack.config_path.read_text()
    run = str(stack.var / "run")
    text = text.replace(f"{run}/api.sock", str(tmp_path / "api.sock"))
    text = text.replace(f"{run}/validate.sock", str(tmp_path / "validate.sock"))
    conf.write_text(text)
    notify_path = str(tmp_path / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    sock.settimeout(10)
    env = dict(os.environ, NOTIFY_SOCKET=notify_path)
    proc = subprocess.Popen([stack.env()["BUILD"] + "/authd", "--config", str(conf)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert sock.recv(256) == b"READY=1"
        assert (tmp_path / "api.sock").exists()
        proc.send_signal(signal.SIGHUP)
        assert sock.recv(256) == b"RELOADING=1"
        assert sock.recv(256) == b"READY=1"
        proc.send_signal(signal.SIGTERM)
        assert sock.recv(256) == b"STOPPING=1"
        assert proc.wait(timeout=20) == 0
        assert not (tmp_path / "api.sock").exists(), "sockets are removed on stop"
    finally:
        if proc.poll() is None:
            proc.kill()
        sock.close()


def test_purge_removes_expired_rows_only(stack, http):
    from conftest import login, verified_user
    address = verified_user(stack, http)
    old = login(http, address)
    live = login(http, address)
    sid = stack.psql(f"SELECT id FROM sessions WHERE user_id = '{old['user']['userId']}'"
                     " ORDER BY created_at LIMIT 1")[0][0]
    stack.psql(f"UPDATE sessions SET expires_at = now() - interval '2 days' WHERE id = '{sid}'")
    stack.psql("INSERT INTO login_failures (subject, failures, window_start)"
               " VALUES ('\\xdead'::bytea, 2, now() - interval '1 day')")
    out = subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                          "purge"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    rows = stack.psql("SELECT (detail->>'rows')::int FROM audit_events"
                      " WHERE event = 'purged_by_operator' ORDER BY id DESC LIMIT 1")
    assert rows and int(rows[0][0]) >= 2, rows
    assert stack.psql(f"SELECT count(*) FROM sessions WHERE id = '{sid}'") == [["0"]]
    assert stack.psql("SELECT count(*) FROM login_failures WHERE subject = '\\xdead'::bytea"
                      ) == [["0"]]
    assert http.get(stack.url + "/users/profile",
                    headers={"Authorization": "Bearer " + live["accessToken"]}).status_code == 200


def test_refuses_to_start_on_a_schema_that_lacks_its_migrations(stack, tmp_path):
    """A host upgraded before `authctl migrate` ran would fail its requests
    one by one: it refuses to start instead, naming what is missing; a
    database it cannot reach is no refusal (authd starts without Postgres)."""
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text())
    newest = stack.psql("SELECT max(version) FROM schema_migrations")[0][0]
    stack.psql(f"UPDATE schema_migrations SET version = 'x{newest}' WHERE version = '{newest}'")
    try:
        for args in (["--check-config"], []):
            r = authd(stack, "--config", str(conf), *args)
            assert r.returncode == 1, (args, r.stdout, r.stderr)
            assert newest in r.stderr and "run `authctl migrate` first" in r.stderr, r.stderr
            assert "[server]" not in r.stdout
    finally:
        stack.psql(f"UPDATE schema_migrations SET version = '{newest}' WHERE version = 'x{newest}'")
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    # Postgres out of reach: a warning, and the configuration is still checked.
    conf.write_text(with_settings(conf.read_text(), database__url="host=/nonexistent dbname=authd"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode == 0, r.stderr
    assert "warning: the schema was not checked" in r.stderr and "[server]" in r.stdout
