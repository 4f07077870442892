"""Two-factor authentication end to end (contract sections 3-6), with codes
from an independent implementation (oathtool) and the QR code read back by
zbarimg."""
import base64
import concurrent.futures
import re
import subprocess
import tempfile
import time

import pytest
import requests

import contract
from conftest import (PASSWORD, assert_error, bearer, login, url, verified_user)

pytestmark = pytest.mark.filterwarnings("ignore")


def totp(secret, step_offset=0):
    """The code for the step `step_offset` steps from now, by oathtool."""
    when = time.gmtime((int(time.time()) // 30 + step_offset) * 30 + 1)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", when)
    return subprocess.run(["oathtool", "--totp", "-b", "--now", stamp, secret], check=True,
                          capture_output=True, text=True).stdout.strip()


def enable_mfa(stack, http):
    """A verified user with 2FA on. Returns (email, tokens, setup, backup codes);
    setup["used_code"] is the code verify-setup consumed."""
    address = verified_user(stack, http)
    tokens = login(http, address)
    r = http.post(url("/auth/mfa/setup"), headers=bearer(tokens["accessToken"]),
                  json={"password": PASSWORD})
    setup = contract.check(r, "/auth/mfa/setup", "post")
    setup["used_code"] = totp(setup["secret"])
    r = http.post(url("/auth/mfa/verify-setup"), headers=bearer(tokens["accessToken"]),
                  json={"code": setup["used_code"]})
    body = contract.check(r, "/auth/mfa/verify-setup", "post")
    assert body["mfaEnabled"] is True
    return address, tokens, setup, body["backupCodes"]


def challenge(http, address, **extra):
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD, **extra})
    body = contract.check(r, "/auth/login", "post")
    assert body["mfaRequired"] is True and body["sessionExpiresIn"] == 300
    assert body["tokenType"] == "Bearer"
    return body["sessionToken"]


def mfa_verify(http, token, code):
    return http.post(url("/auth/mfa/verify"), json={"sessionToken": token, "code": code})


def claims_of(token):
    payload = token.split(".")[1]
    import json
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_setup_verify_login_with_otp(stack, http):
    address, tokens, setup, codes = enable_mfa(stack, http)
    assert re.fullmatch(r"[A-Z2-7]{32}", setup["secret"])
    assert setup["otpauthUri"] == (
        f"otpauth://totp/authd:{address.replace('@', '%40')}?secret={setup['secret']}"
        "&issuer=authd&algorithm=SHA1&digits=6&period=30")
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes)
    stack.wait_for_mail(address, "mfa_enabled")
    profile = http.get(url("/users/profile"), headers=bearer(tokens["accessToken"])).json()
    assert profile["mfaEnabled"] is True

    assert http.post(url("/auth/logout"), headers=bearer(tokens["accessToken"])).status_code == 204
    token = challenge(http, address)
    r = mfa_verify(http, token, totp(setup["secret"], +1))
    full = contract.check(r, "/auth/mfa/verify", "post")
    assert claims_of(full["accessToken"])["amr"] == ["pwd", "otp"]
    # A refresh keeps the session's amr.
    fresh = http.post(url("/auth/refresh"), json={"refreshToken": full["refreshToken"]}).json()
    assert claims_of(fresh["accessToken"])["amr"] == ["pwd", "otp"]
    # The sessionToken is single-use.
    assert_error(mfa_verify(http, token, codes[0]), 401, "MFA_SESSION_EXPIRED")


def test_qr_code_decodes_to_the_uri(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    setup = http.post(url("/auth/mfa/setup"), headers=bearer(tokens["accessToken"]),
                      json={"password": PASSWORD}).json()
    prefix = "data:image/png;base64,"
    assert setup["qrCode"].startswith(prefix)
    png = base64.b64decode(setup["qrCode"][len(prefix):])
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        f.write(png)
        f.flush()
        out = subprocess.run(["zbarimg", "--raw", "-q", f.name], capture_output=True, text=True)
    assert out.stdout.strip() == setup["otpauthUri"]


def test_setup_failures(stack, http):
    address, tokens, setup, _ = enable_mfa(stack, http)
    r = http.post(url("/auth/mfa/setup"), headers=bearer(tokens["accessToken"]),
                  json={"password": PASSWORD})
    assert_error(r, 409, "MFA_ALREADY_ENABLED")
    r = http.post(url("/auth/mfa/verify-setup"), headers=bearer(tokens["accessToken"]),
                  json={"code": totp(setup["secret"])})
    assert_error(r, 409, "MFA_NOT_PENDING")
    other = login(http, verified_user(stack, http))
    assert_error(http.post(url("/auth/mfa/setup"), headers=bearer(other["accessToken"]),
                           json={"password": "Wr0ng-Password!"}), 401, "INVALID_CREDENTIALS")
    assert_error(http.post(url("/auth/mfa/verify-setup"), headers=bearer(other["accessToken"]),
                           json={"code": "123456"}), 409, "MFA_NOT_PENDING")
    s = http.post(url("/auth/mfa/setup"), headers=bearer(other["accessToken"]),
                  json={"password": PASSWORD}).json()
    wrong = "000000" if totp(s["secret"]) != "000000" else "111111"
    r = http.post(url("/auth/mfa/verify-setup"), headers=bearer(other["accessToken"]),
                  json={"code": wrong})
    assert_error(r, 400, "INVALID_MFA_CODE")
    contract.check(r, "/auth/mfa/verify-setup", "post")
    for path in ("/auth/mfa/backup-codes", "/auth/mfa/disable"):
        r = http.post(url(path), headers=bearer(other["accessToken"]),
                      json={"code": "123456", "password": PASSWORD})
        assert_error(r, 409, "MFA_NOT_ENABLED")


def test_same_step_twice_and_old_codes_are_refused(stack, http):
    address, _, setup, _ = enable_mfa(stack, http)
    # verify-setup consumed its step: its code fails right after.
    assert_error(mfa_verify(http, challenge(http, address), setup["used_code"]), 401,
                 "INVALID_MFA_CODE")
    assert_error(mfa_verify(http, challenge(http, address), totp(setup["secret"], -3)), 401,
                 "INVALID_MFA_CODE")
    code = totp(setup["secret"], +1)
    assert mfa_verify(http, challenge(http, address), code).status_code == 200
    assert_error(mfa_verify(http, challenge(http, address), code), 401, "INVALID_MFA_CODE")


def test_backup_code_works_once_any_case(stack, http):
    address, _, _, codes = enable_mfa(stack, http)
    code = codes[0].upper().replace("-", "")
    assert mfa_verify(http, challenge(http, address), code).status_code == 200
    assert_error(mfa_verify(http, challenge(http, address), codes[0]), 401, "INVALID_MFA_CODE")
    assert mfa_verify(http, challenge(http, address), codes[1]).status_code == 200


def test_five_wrong_codes_kill_the_session_token_four_do_not(stack, http):
    address, _, setup, _ = enable_mfa(stack, http)
    token = challenge(http, address)
    for _ in range(4):
        assert_error(mfa_verify(http, token, "000000"), 401, "INVALID_MFA_CODE")
    assert mfa_verify(http, token, totp(setup["secret"], +1)).status_code == 200

    token = challenge(http, address)
    for _ in range(5):
        r = mfa_verify(http, token, "000000")
        assert r.status_code in (401, 429)
    assert_error(mfa_verify(http, token, totp(setup["secret"], +1)), 401, "MFA_SESSION_EXPIRED")


def test_concurrent_same_totp_code_wins_once(stack, http):
    address, _, setup, _ = enable_mfa(stack, http)
    tokens = [challenge(http, address) for _ in range(20)]
    code = totp(setup["secret"], +1)

    def one(token):
        with requests.Session() as s:
            return mfa_verify(s, token, code).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(one, tokens))
    assert statuses.count(200) == 1, statuses


def test_concurrent_same_backup_code_wins_once(stack, http):
    address, _, _, codes = enable_mfa(stack, http)
    tokens = [challenge(http, address) for _ in range(20)]

    def one(token):
        with requests.Session() as s:
            return mfa_verify(s, token, codes[3]).status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(one, tokens))
    assert statuses.count(200) == 1, statuses


def test_backup_codes_regenerate_and_disable(stack, http):
    address, tokens, setup, old_codes = enable_mfa(stack, http)
    access = tokens["accessToken"]
    assert_error(http.post(url("/auth/mfa/backup-codes"), headers=bearer(access),
                           json={"code": "000000"}), 401, "INVALID_MFA_CODE")
    r = http.post(url("/auth/mfa/backup-codes"), headers=bearer(access),
                  json={"code": totp(setup["secret"], +1)})
    new_codes = contract.check(r, "/auth/mfa/backup-codes", "post")["backupCodes"]
    assert len(new_codes) == 10 and set(new_codes).isdisjoint(old_codes)
    assert_error(mfa_verify(http, challenge(http, address), old_codes[0]), 401, "INVALID_MFA_CODE")

    assert_error(http.post(url("/auth/mfa/disable"), headers=bearer(access),
                           json={"password": "Wr0ng-Password!", "code": new_codes[0]}),
                 401, "INVALID_CREDENTIALS")
    assert_error(http.post(url("/auth/mfa/disable"), headers=bearer(access),
                           json={"password": PASSWORD, "code": "aaaaa-aaaaa"}),
                 401, "INVALID_MFA_CODE")
    r = http.post(url("/auth/mfa/disable"), headers=bearer(access),
                  json={"password": PASSWORD, "code": new_codes[1]})
    assert contract.check(r, "/auth/mfa/disable", "post") == {"mfaEnabled": False}
    stack.wait_for_mail(address, "mfa_disabled")
    assert "accessToken" in login(http, address)


def test_secret_is_stored_encrypted_and_bound_to_its_user(stack, http):
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    address, tokens, setup, _ = enable_mfa(stack, http)
    user_id = tokens["user"]["userId"]
    sealed_hex, key_id = stack.psql(
        f"SELECT encode(secret_sealed, 'hex'), key_id FROM mfa_secrets WHERE user_id = '{user_id}'")[0]
    sealed = bytes.fromhex(sealed_hex)
    secret = base64.b32decode(setup["secret"])
    assert secret not in sealed and setup["secret"].encode() not in sealed
    key = (stack.var / "keys" / "aead" / f"{key_id}.key").read_bytes()
    aead = AESGCM(key)
    assert aead.decrypt(sealed[:12], sealed[12:], f"authd-mfa:{user_id}".encode()) == secret
    with pytest.raises(InvalidTag):
        aead.decrypt(sealed[:12], sealed[12:], b"authd-mfa:00000000-0000-0000-0000-000000000000")


def test_operator_reset(stack, http):
    address, _, _, _ = enable_mfa(stack, http)
    binary = stack.env()["BUILD"] + "/authctl"
    out = subprocess.run([binary, "--config", str(stack.config_path), "mfa", "reset", address],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "accessToken" in login(http, address)
    rows = stack.psql("SELECT count(*) FROM audit_events WHERE event = 'mfa_reset_by_operator'"
                      f" AND user_id = (SELECT id FROM users WHERE email = '{address}')")
    assert rows == [["1"]]
