"""A reload never leaves authd worse off.  SIGHUP checks that the new
configuration can start (the key directory, the banned-password file, the
mail transport's settings) before it stops a single worker: a configuration
that cannot start is refused with "reload_failed" and a reason naming the
setting, and the old generation of every pool (api, validate, mailer) keeps
serving.  Once the file is fixed, the next SIGHUP starts a new generation."""
import shutil
import signal
import time

import pytest

from conftest import (assert_error, bearer, login, new_email, refused_within, url, verified_user,
                      wait_until, with_settings)

POOLS = ("api", "validate", "mailer")


def generation(stack):
    return {pool: stack.workers(pool) for pool in POOLS}


def assert_serving(http, address):
    """Login through the api pool, auth_request through the validate pool."""
    for _ in range(3):
        token = login(http, address)["accessToken"]
        r = http.get(url("/auth/validate"), headers=bearer(token))
        assert r.status_code == 204, (r.status_code, r.text)
        assert http.get(url("/health")).status_code == 200


def assert_reload_refused_then_fixed(stack, http, broken, *reason_has):
    """Reloads with `broken` (a configuration text), expects it refused with
    a reason containing every string of `reason_has` while the old workers
    serve on, then reloads the original and expects a new generation."""
    good = stack.config_path.read_text()
    address = verified_user(stack, http)
    assert_serving(http, address)
    before = generation(stack)
    assert all(before.values()), before
    restored = False
    try:
        mark = stack.log_mark()
        stack.config_path.write_text(broken)
        stack.signal_master(signal.SIGHUP)
        entry = stack.wait_for_log(
            mark, lambda e: e.get("event") in ("reload_failed", "reloaded"), timeout=10)
        assert entry, "neither reload_failed nor reloaded in the log"
        assert entry["event"] == "reload_failed", entry
        for text in reason_has:
            assert text in entry["reason"], entry
        assert_serving(http, address)
        assert generation(stack) == before, "a refused reload must keep every old worker"
        assert not [e for e in stack.log_since(mark)
                    if e.get("event") in ("worker_exited", "worker_config_error", "reloaded")]

        stack.reload_with(good)
        restored = True
        assert wait_until(lambda: all(
            len(stack.workers(pool)) == len(before[pool]) and
            not set(stack.workers(pool)) & set(before[pool]) for pool in POOLS), timeout=15), \
            (before, generation(stack))
        assert_serving(http, address)
    finally:
        if not restored:
            stack.reload_with(good)


@pytest.mark.parametrize("breakage", ["missing_dir", "not_a_key"])
def test_reload_with_unusable_keys_keeps_serving(stack, http, tmp_path, breakage):
    keys = tmp_path / "keys"
    if breakage == "not_a_key":
        # A copy of the real directory whose ES256 key is not a key.
        shutil.copytree(stack.var / "keys", keys)
        pem = next((keys / "signing").glob("ES256.*.pem"))
        pem.write_text("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    broken = with_settings(stack.config_path.read_text(), keys__dir=str(keys))
    assert_reload_refused_then_fixed(stack, http, broken, "[keys] dir", str(keys))


def test_reload_with_missing_banned_file_keeps_serving(stack, http, tmp_path):
    banned = tmp_path / "no-such-banned.txt"
    broken = with_settings(stack.config_path.read_text(), passwords__banned_file=str(banned))
    assert_reload_refused_then_fixed(stack, http, broken, "[passwords] banned_file", str(banned))


@pytest.mark.parametrize("setting", ["file_dir_missing", "smtp_url_not_smtp"])
def test_reload_with_bad_mail_setting_keeps_serving(stack, http, tmp_path, setting):
    text = stack.config_path.read_text()
    if setting == "file_dir_missing":
        broken = with_settings(text, mail__dir=str(tmp_path / "no-such-dir"))
        reason = "[mail] dir"
    else:
        broken = with_settings(text, mail__transport="smtp",
                               mail__smtp_url="http://127.0.0.1:25")
        reason = "[mail] smtp_url"
    assert_reload_refused_then_fixed(stack, http, broken, reason)


def test_reload_with_good_banned_file_takes_effect(stack, http, tmp_path):
    """The check does not refuse what works: a readable list reloads."""
    banned = tmp_path / "banned.txt"
    banned.write_text("Tr0ub4dor&3-banned\n")
    old = stack.reconfigure(passwords__banned_file=str(banned))
    try:
        r = http.post(url("/auth/register"), json={
            "email": new_email("banned"), "password": "TR0UB4DOR&3-banned",
            "firstName": "Ada", "lastName": "Lovelace"})
        body = assert_error(r, 400, "VALIDATION_ERROR")
        assert "common" in body["fields"]["password"], body
    finally:
        stack.reload_with(old)


def test_a_reload_that_lowers_access_ttl_revives_no_logged_out_token(stack, http):
    """The validator remembers a revocation for access_ttl + leeway (+ a
    margin) after it, the current access_ttl's; a token minted under a
    longer one is accepted no longer than the current access_ttl after its
    iat either, so lowering access_ttl cannot bring a logged-out token back.
    The timeline, moved into the past so the test need not wait: a token
    minted 160 s ago with the 900 s of its day, its session logged out
    156 s ago; then access_ttl becomes 30 (window 30 + 0 + 60 s < 156 s)."""
    from test_validator import es256_sign, parts_of, signing_key
    tokens = login(http, verified_user(stack, http))
    header, claims, _ = parts_of(tokens["accessToken"])
    now = int(time.time())
    old_token = es256_sign(signing_key(stack, header), header,
                           dict(claims, iat=now - 160, exp=now + 740))
    check = lambda: http.get(url("/auth/validate"), headers=bearer(old_token))  # noqa: E731
    assert check().status_code == 204
    assert http.post(url("/auth/logout"), headers=bearer(tokens["accessToken"])).status_code == 204
    assert refused_within(lambda: check().status_code)
    stack.psql("UPDATE revoked_sessions SET revoked_at = now() - interval '156 seconds'"
               f" WHERE session_id = '{claims['sid']}'")
    old = stack.reconfigure(tokens__access_ttl="30", tokens__leeway="0")
    try:
        r = check()
        assert r.status_code == 401, (r.status_code, r.headers)
        assert r.headers["X-Auth-Error"] == "TOKEN_EXPIRED"
        assert http.get(url("/demo/"), headers=bearer(old_token)).status_code == 401
        assert http.get(url("/users/profile"), headers=bearer(old_token)).status_code == 401
    finally:
        stack.reload_with(old)
