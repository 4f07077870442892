"""The README's "Backing up and restoring", done to the test stack: a dump of
Postgres and a tarball of the key directory, taken while authd serves, then
a damage (an account deleted, one made, the key directory replaced by an
empty one), then the restore as the README writes it (authd stopped,
pg_restore --clean, the keys untarred, migrate, --check-config, start).
After it, the world is the one of the backup: the deleted account logs in
again with its password AND its TOTP code (so the AEAD key came back with
the database that it encrypts), the access token issued before the backup
validates (the signing key came back), and the account made after the
backup is gone."""
import os
import re
import subprocess

import pytest

from conftest import (PASSWORD, assert_error, bearer, login, readme_block, refused_within, url,
                      verified_user)
from test_mfa import challenge, enable_mfa, mfa_verify, totp

pytestmark = pytest.mark.filterwarnings("ignore")


def test_the_readme_names_the_commands_this_test_runs():
    block = readme_block("### Backing up and restoring", "sh")
    for command in ("pg_dump --format=custom", "tar --create --gzip", "systemctl stop authd",
                    "pg_restore --clean --if-exists --no-owner",
                    "tar --extract --gzip --same-permissions", "authctl migrate",
                    "authd --check-config", "systemctl start authd"):
        assert command in block, command


def pg(stack, program, *args):
    e = stack.env()
    return subprocess.run([e["PGBIN"] + "/" + program, "-h", e["PGROOT"] + "/sock", "-p",
                           e["PG_PORT"], "-U", "authd", *args], capture_output=True, text=True)


def keys_dir(stack):
    m = re.search(r"^\[keys\]\s*\ndir\s*=\s*(\S+)", stack.config_path.read_text(), re.M)
    return m.group(1)


def run(stack, program, *args):
    return subprocess.run([stack.env()["BUILD"] + "/" + program, "--config",
                           str(stack.config_path), *args], capture_output=True, text=True)


def test_restore_brings_back_accounts_mfa_secrets_and_keys(stack, http, tmp_path):
    address, tokens, setup, _ = enable_mfa(stack, http)
    keys = keys_dir(stack)
    dump, tarball = tmp_path / "authd.dump", tmp_path / "authd-keys.tar.gz"

    # Back up while authd serves.
    out = pg(stack, "pg_dump", "--format=custom", "--file", str(dump), "authd")
    assert out.returncode == 0, out.stderr
    out = subprocess.run(["tar", "--create", "--gzip", "--file", str(tarball), "-C",
                          os.path.dirname(keys), os.path.basename(keys)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr

    # The damage: the account deleted, another made, the keys replaced.
    deleted = run(stack, "authctl", "user", "delete", address)
    assert deleted.returncode == 0, deleted.stderr
    assert refused_within(lambda: http.get(url("/auth/validate"),
                                           headers=bearer(tokens["accessToken"])).status_code)
    later = verified_user(stack, http)
    assert login(http, later)["accessToken"]
    moved = keys + ".damaged"
    os.rename(keys, moved)
    try:
        stack.dev("authd-stop")
        try:
            out = pg(stack, "pg_restore", "--clean", "--if-exists", "--no-owner", "--dbname",
                     "authd", str(dump))
            assert out.returncode == 0, out.stderr
            out = subprocess.run(["tar", "--extract", "--gzip", "--same-permissions", "--file",
                                  str(tarball), "-C", os.path.dirname(keys)],
                                 capture_output=True, text=True)
            assert out.returncode == 0, out.stderr
            assert run(stack, "authctl", "migrate").returncode == 0
            checked = run(stack, "authd", "--check-config")
            assert checked.returncode == 0, checked.stderr
        finally:
            stack.dev("authd-start")
    finally:
        if not os.path.isdir(keys):  # a failed restore leaves the stack its keys
            os.rename(moved, keys)
        else:
            subprocess.run(["rm", "-rf", moved], check=True)

    # The access token of before the backup validates: the signing key is back.
    r = http.get(url("/auth/validate"), headers=bearer(tokens["accessToken"]))
    assert r.status_code == 204, r.text
    # The deleted account logs in with its password and its TOTP code: the
    # secret, encrypted in the dump, opens with the restored AEAD key.
    token = challenge(http, address)
    r = mfa_verify(http, token, totp(setup["secret"], +1))  # verify-setup spent this step's
    assert r.status_code == 200, r.text
    assert http.get(url("/auth/validate"),
                    headers=bearer(r.json()["accessToken"])).status_code == 204
    # The account made after the backup is gone.
    r = http.post(url("/auth/login"), json={"email": later, "password": PASSWORD})
    assert_error(r, 401, "INVALID_CREDENTIALS")
