"""Signing keys on their worst day (issue 12, faults 5 and 7): a key
rotation by SIGHUP under load, and a key gone corrupt or missing at start
or at reload.  (test_startup.py and test_reload.py cover a missing key
directory, a world-readable key, a missing HMAC key, and a broken key in
another directory named by the reload.)"""
import base64
import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import bearer, login, url, verified_user, wait_until
from faults import Recorder, Traffic, check_answers, works


def kid_of(token):
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def new_es256_key(directory):
    """An ES256 key made the simplest documented way (openssl genpkey), put
    into `directory` as keyring.h lays it out: ES256.<kid>.pem, mode 0600,
    where kid is base64url of the first 16 bytes of SHA-256 over the public
    key's DER.  Written under a dot name (ignored by the keyring) and
    renamed, so no reload ever sees half a key.  Returns (kid, path)."""
    tmp = directory / f".new-{os.getpid()}.pem"
    old_umask = os.umask(0o077)
    try:
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", str(tmp)], check=True,
                       capture_output=True)
    finally:
        os.umask(old_umask)
    tmp.chmod(0o600)
    der = subprocess.run(["openssl", "pkey", "-in", str(tmp), "-pubout", "-outform", "DER"],
                         check=True, capture_output=True).stdout
    kid = base64.urlsafe_b64encode(hashlib.sha256(der).digest()[:16]).rstrip(b"=").decode()
    path = directory / f"ES256.{kid}.pem"
    tmp.rename(path)
    return kid, path


def jwks_kids(http):
    return {k["kid"] for k in http.get(url("/.well-known/jwks.json")).json()["keys"]}


def test_key_rotation_by_sighup_under_load(stack, http):
    """A new ES256 key is added to the key directory and the master gets
    SIGHUP while logins, protected /demo/ requests, profile reads and JWKS
    fetches run on several threads.

    Invariants:
      - not one request fails: every answer is the one it gets without a
        reload (no 503 either), within 5 s; a token minted during the
        hand-over passes /demo/ at once, whichever generation minted it;
      - tokens signed before the reload still verify, at the validator and
        at the API;
      - tokens minted after it carry the new kid, and the JWKS publishes
        both keys;
      - with the key removed again (and a reload), signing goes back to the
        old key.
    """
    address = verified_user(stack, http)
    before = login(http, address)
    old_kid = kid_of(before["accessToken"])
    signing = stack.var / "keys" / "signing"
    config = stack.config_path.read_text()
    rec = Recorder(timeout=15)
    minted = []

    def login_loop(s, stop):
        a = rec.call(s, "login", "POST", "/auth/login",
                     json={"email": address, "password": "Corr3ct-Horse!"})
        if a.status == 200:
            token = a.response.json()["accessToken"]
            minted.append((a.started, kid_of(token), token))
            rec.call(s, "demo_minted", "GET", "/demo/x", "/demo/", headers=bearer(token))

    def old_token_loop(s, stop):
        rec.call(s, "demo_old", "GET", "/demo/x", "/demo/", headers=bearer(before["accessToken"]))
        rec.call(s, "profile_old", "GET", "/users/profile",
                 headers=bearer(before["accessToken"]))
        rec.call(s, "jwks", "GET", "/.well-known/jwks.json")

    new_kid = path = None
    try:
        with Traffic(rec, [login_loop, login_loop, old_token_loop, old_token_loop]):
            time.sleep(0.5)
            new_kid, path = new_es256_key(signing)
            mark = stack.log_mark()
            old_api = set(stack.workers("api"))
            stack.signal_master(signal.SIGHUP)
            assert stack.wait_for_log(mark, lambda e: e.get("event") in ("reloaded",
                                                                        "reload_failed")
                                      )["event"] == "reloaded"
            assert wait_until(lambda: not set(stack.workers("api")) & old_api, timeout=15)
            reloaded_at = time.monotonic() - rec.t0
            time.sleep(1.0)

        check_answers(rec.answers, {"login": [200], "demo_minted": [200], "demo_old": [200],
                                    "profile_old": [200], "jwks": [200]}, 5.0,
                      unavailable_ok=False)
        kids = {kid for _, kid, _ in minted}
        assert kids == {old_kid, new_kid}, kids
        assert all(kid == new_kid for started, kid, _ in minted if started > reloaded_at)
        assert jwks_kids(http) >= {old_kid, new_kid}
        assert works(http, before["accessToken"])
        assert http.get(url("/users/profile"), headers=bearer(before["accessToken"])
                        ).status_code == 200
        assert kid_of(login(http, address)["accessToken"]) == new_kid
    finally:
        if path and path.exists():
            path.unlink()
        stack.reload_with(config)
    assert kid_of(login(http, address)["accessToken"]) == old_kid
    assert works(http, before["accessToken"])


def test_corrupt_key_at_reload_keeps_the_old_keyring(stack, http):
    """The signing key in use is overwritten with garbage on disk, then
    SIGHUP.

    Invariants:
      - the reload is refused (reload_failed naming the file) and the old
        workers keep serving with the keyring they loaded;
      - tokens signed before keep verifying, at the validator and the API;
        new logins still work and are signed with the same key (same kid),
        and the JWKS is unchanged;
      - with the file restored, the next reload succeeds.
    """
    address = verified_user(stack, http)
    before = login(http, address)
    kid = kid_of(before["accessToken"])
    key = stack.var / "keys" / "signing" / f"ES256.{kid}.pem"
    original = key.read_bytes()
    published = jwks_kids(http)
    workers = {pool: stack.workers(pool) for pool in ("api", "validate")}
    try:
        key.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
        mark = stack.log_mark()
        stack.signal_master(signal.SIGHUP)
        entry = stack.wait_for_log(mark, lambda e: e.get("event") in ("reloaded",
                                                                      "reload_failed"))
        assert entry and entry["event"] == "reload_failed", entry
        assert str(key) in entry["reason"], entry
        for _ in range(6):  # every worker of both pools, likely
            assert works(http, before["accessToken"])
            assert http.get(url("/users/profile"), headers=bearer(before["accessToken"])
                            ).status_code == 200
            fresh = login(http, address)
            assert kid_of(fresh["accessToken"]) == kid
            assert works(http, fresh["accessToken"])
        assert jwks_kids(http) == published
        assert {pool: stack.workers(pool) for pool in workers} == workers
    finally:
        key.write_bytes(original)
    stack.reload_with(stack.config_path.read_text())
    assert works(http, before["accessToken"])


@pytest.mark.parametrize("breakage", ["corrupt", "missing"])
def test_authd_refuses_to_start_without_its_signing_key(stack, tmp_path, breakage):
    """A second authd on sockets of its own, with a copy of the key
    directory whose ES256 key (the configured algorithm's) is garbage or
    gone while the other algorithms' keys are fine: it exits non-zero
    within seconds, says which file or which key is missing, and leaves no
    socket behind (nothing would answer on it)."""
    import shutil
    keys = tmp_path / "keys"
    shutil.copytree(stack.var / "keys", keys)
    pem = next((keys / "signing").glob("ES256.*.pem"))
    if breakage == "corrupt":
        pem.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    else:
        pem.unlink()
    run = str(stack.var / "run")
    text = stack.config_path.read_text()
    text = text.replace(f"{run}/api.sock", str(tmp_path / "api.sock"))
    text = text.replace(f"{run}/validate.sock", str(tmp_path / "validate.sock"))
    text = text.replace(f"dir = {stack.var}/keys", f"dir = {keys}")
    conf = tmp_path / "authd.conf"
    conf.write_text(text)
    proc = subprocess.run([stack.env()["BUILD"] + "/authd", "--config", str(conf)],
                          capture_output=True, text=True, timeout=20)
    assert proc.returncode != 0, proc.stderr[-2000:]
    assert (str(pem) if breakage == "corrupt" else "no ES256 signing key") in proc.stderr, \
        proc.stderr[-2000:]
    assert not (tmp_path / "api.sock").exists() and not (tmp_path / "validate.sock").exists()
