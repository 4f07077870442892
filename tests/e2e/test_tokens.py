"""Login, tokens, refresh rotation and logout (contract sections 3-5)."""
import json
import os
import statistics
import subprocess
import time

import jwt
import pytest

import contract
from conftest import (PASSWORD, assert_error, bearer, login, new_email, refused_within, register,
                      url, verified_user)

ISSUER = None


def jwks_key(http, kid):
    keys = http.get(url("/.well-known/jwks.json")).json()["keys"]
    for k in keys:
        if k["kid"] == kid:
            return jwt.PyJWK(k)
    raise AssertionError(f"kid {kid} not in JWKS")


def verify_with_pyjwt(http, token, token_use):
    header = jwt.get_unverified_header(token)
    key = jwks_key(http, header["kid"])
    issuer = http.get(url("/.well-known/openid-configuration")).json()["issuer"]
    claims = jwt.decode(token, key=key.key, algorithms=[header["alg"]], audience="authd",
                        issuer=issuer)
    assert claims["token_use"] == token_use
    return header, claims


def test_token_response_and_claims(stack, http):
    address = verified_user(stack, http)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    body = contract.check(r, "/auth/login", "post")
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 900
    header, claims = verify_with_pyjwt(http, body["accessToken"], "access")
    assert header["typ"] == "at+jwt" and header["alg"] == "ES256"
    assert claims["sub"] == body["user"]["userId"]
    assert claims["email"] == address and claims["name"] == "Ada Lovelace"
    assert claims["amr"] == ["pwd"]
    assert claims["exp"] - claims["iat"] == 900
    for c in ("jti", "sid", "auth_time"):
        assert c in claims
    id_header, id_claims = verify_with_pyjwt(http, body["idToken"], "id")
    assert id_header["typ"] == "JWT"
    assert id_claims["email_verified"] is True
    assert id_claims["given_name"] == "Ada" and id_claims["family_name"] == "Lovelace"
    assert id_claims["sid"] == claims["sid"]
    assert len(body["refreshToken"]) >= 43  # 256 bits in base64url


@pytest.mark.parametrize("alg", ["EdDSA", "RS256", "PS256", "ES256"])
def test_every_algorithm_verifies_with_pyjwt(stack, http, alg):
    # `keys init` makes the configured algorithm's key only: add this one's.
    made = subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           "keys", "init", "--add-missing"], capture_output=True, text=True,
                          env={**os.environ, "AUTHD_TOKENS_ALGORITHM": alg})
    assert made.returncode == 0, made.stderr
    old = stack.reconfigure(tokens__algorithm=alg)
    try:
        address = verified_user(stack, http)
        tokens = login(http, address)
        header, _ = verify_with_pyjwt(http, tokens["accessToken"], "access")
        assert header["alg"] == alg
        verify_with_pyjwt(http, tokens["idToken"], "id")
        assert http.get(url("/users/profile"), headers=bearer(tokens["accessToken"])
                        ).status_code == 200
    finally:
        stack.reload_with(old)


def test_openid_configuration(http):
    r = http.get(url("/.well-known/openid-configuration"))
    body = contract.check(r, "/.well-known/openid-configuration", "get")
    assert body["jwks_uri"] == body["issuer"] + "/.well-known/jwks.json"
    jwks = http.get(url("/.well-known/jwks.json"))
    contract.check(jwks, "/.well-known/jwks.json", "get")
    for key in jwks.json()["keys"]:
        assert "d" not in key and "p" not in key


def test_wrong_password_and_unknown_email_look_the_same(stack, http):
    address = verified_user(stack, http)
    wrong = http.post(url("/auth/login"), json={"email": address, "password": "Wr0ng-Password!"})
    unknown = http.post(url("/auth/login"), json={"email": new_email(), "password": PASSWORD})
    a = assert_error(wrong, 401, "INVALID_CREDENTIALS")
    b = assert_error(unknown, 401, "INVALID_CREDENTIALS")
    del a["requestId"], b["requestId"]
    assert a == b
    contract.check(wrong, "/auth/login", "post")


def test_wrong_password_and_unknown_email_take_the_same_time(stack, http):
    # The lockout would answer 429 after 5 tries; this measures the 401 path.
    old = stack.reconfigure(lockout__max_failures="1000")
    try:
        address = verified_user(stack, http)
        times = {"wrong": [], "unknown": []}
        for i in range(14):  # 28 logins: under the dev profile's 30 per IP
            for kind in ("wrong", "unknown"):
                who = address if kind == "wrong" else new_email()
                t = time.perf_counter()
                r = http.post(url("/auth/login"), json={"email": who, "password": "Wr0ng-Password!"})
                times[kind].append(time.perf_counter() - t)
                assert r.status_code == 401
        a, b = statistics.median(times["wrong"]), statistics.median(times["unknown"])
        assert abs(a - b) <= 0.25 * max(a, b), times
    finally:
        stack.reload_with(old)


def test_wrong_password_for_unverified_is_401_not_403(stack, http):
    address = register(http)
    assert_error(http.post(url("/auth/login"), json={"email": address,
                                                     "password": "Wr0ng-Password!"}),
                 401, "INVALID_CREDENTIALS")


def test_failed_login_logged_with_reason_without_password(stack, http):
    address = verified_user(stack, http)
    mark = stack.log_mark()
    secret = "Wr0ng-Secret-Pw!"
    http.post(url("/auth/login"), json={"email": address, "password": secret})
    entry = stack.wait_for_log(mark, lambda e: e.get("event") == "request"
                               and e.get("path") == "/auth/login")
    assert entry and entry["reason"] == "wrong_password"
    assert secret not in stack.log_path.read_text()


def test_login_validation(http):
    body = assert_error(http.post(url("/auth/login"), json={"email": "a@b.co"}), 400,
                        "VALIDATION_ERROR")
    assert "password" in body["fields"]
    body = assert_error(http.post(url("/auth/login"), json={
        "email": "a@b.co", "password": "x", "rememberMe": "yes"}), 400, "VALIDATION_ERROR")
    assert "rememberMe" in body["fields"]


def test_refresh_rotates(stack, http):
    tokens = login(http, verified_user(stack, http))
    r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    fresh = contract.check(r, "/auth/refresh", "post")
    assert fresh["refreshToken"] != tokens["refreshToken"]
    _, claims = verify_with_pyjwt(http, fresh["accessToken"], "access")
    _, old_claims = verify_with_pyjwt(http, tokens["accessToken"], "access")
    assert claims["sid"] == old_claims["sid"] and claims["auth_time"] == old_claims["auth_time"]
    assert claims["amr"] == old_claims["amr"]
    again = http.post(url("/auth/refresh"), json={"refreshToken": fresh["refreshToken"]})
    assert again.status_code == 200


def test_refresh_grace_window_then_reuse_revokes(stack, http):
    tokens = login(http, verified_user(stack, http))
    first = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]}).json()
    # Inside the window: the spent token works again and both successors live.
    second = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    assert second.status_code == 200, second.text
    second = second.json()
    assert second["refreshToken"] != first["refreshToken"]
    a = http.post(url("/auth/refresh"), json={"refreshToken": first["refreshToken"]})
    b = http.post(url("/auth/refresh"), json={"refreshToken": second["refreshToken"]})
    assert a.status_code == 200 and b.status_code == 200
    latest = b.json()
    # After the window (aged in the database instead of waiting): reuse revokes.
    stack.psql("UPDATE refresh_tokens SET spent_at = now() - interval '1 hour'"
               " WHERE spent_at IS NOT NULL")
    r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    assert_error(r, 401, "INVALID_REFRESH_TOKEN")
    contract.check(r, "/auth/refresh", "post")
    r = http.post(url("/auth/refresh"), json={"refreshToken": latest["refreshToken"]})
    assert_error(r, 401, "INVALID_REFRESH_TOKEN")
    assert_error(http.get(url("/users/profile"), headers=bearer(latest["accessToken"])),
                 401, "INVALID_TOKEN")
    events = stack.psql("SELECT count(*) FROM audit_events WHERE event = 'refresh_reuse_detected'"
                        " AND user_id = '" + latest["user"]["userId"] + "'")
    assert events == [["1"]]


def test_strict_mode_reuse_revokes_at_once(stack, http):
    old = stack.reconfigure(tokens__refresh_grace="0")
    try:
        tokens = login(http, verified_user(stack, http))
        fresh = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
        assert fresh.status_code == 200
        time.sleep(1.1)
        assert_error(http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]}),
                     401, "INVALID_REFRESH_TOKEN")
        assert_error(http.post(url("/auth/refresh"),
                               json={"refreshToken": fresh.json()["refreshToken"]}),
                     401, "INVALID_REFRESH_TOKEN")
    finally:
        stack.reload_with(old)


def test_refresh_failures(http):
    assert_error(http.post(url("/auth/refresh"), json={"refreshToken": "nope"}), 401,
                 "INVALID_REFRESH_TOKEN")
    body = assert_error(http.post(url("/auth/refresh"), json={}), 400, "VALIDATION_ERROR")
    assert "refreshToken" in body["fields"]


def test_logout_revokes_access_everywhere(stack, http):
    tokens = login(http, verified_user(stack, http))
    access = tokens["accessToken"]
    assert http.get(url("/users/profile"), headers=bearer(access)).status_code == 200
    assert http.get(url("/auth/validate"), headers=bearer(access)).status_code == 204
    r = http.post(url("/auth/logout"), headers=bearer(access))
    assert r.status_code == 204
    contract.check(r, "/auth/logout", "post")
    assert_error(http.get(url("/users/profile"), headers=bearer(access)), 401, "INVALID_TOKEN")
    assert refused_within(lambda: http.get(url("/auth/validate"), headers=bearer(access)).status_code)
    r = http.get(url("/auth/validate"), headers=bearer(access))
    assert r.headers["X-Auth-Error"] == "INVALID_TOKEN"
    assert_error(http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]}),
                 401, "INVALID_REFRESH_TOKEN")


def test_logout_all_devices(stack, http):
    address = verified_user(stack, http)
    a, b = login(http, address), login(http, address)
    assert http.post(url("/auth/logout"), headers=bearer(a["accessToken"]),
                     json={"allDevices": True}).status_code == 204
    for t in (a, b):
        assert http.get(url("/users/profile"), headers=bearer(t["accessToken"])).status_code == 401


def test_authenticated_endpoint_failures(stack, http):
    r = http.get(url("/users/profile"))
    assert_error(r, 401, "INVALID_TOKEN")
    assert r.headers["WWW-Authenticate"] == "Bearer"
    contract.check(r, "/users/profile", "get")
    r = http.get(url("/users/profile"), headers=bearer("garbage.token.here"))
    assert_error(r, 401, "INVALID_TOKEN")
    assert r.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    tokens = login(http, verified_user(stack, http))
    head, payload, sig = tokens["accessToken"].split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["sub"] = "00000000-0000-0000-0000-000000000000"
    forged = ".".join([head, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), sig])
    assert_error(http.get(url("/users/profile"), headers=bearer(forged)), 401, "INVALID_TOKEN")
    none = ".".join([jwt.utils.base64url_encode(b'{"alg":"none","typ":"at+jwt"}').decode(),
                     payload, ""])
    assert_error(http.get(url("/users/profile"), headers=bearer(none)), 401, "INVALID_TOKEN")
    # The id token is not an access token.
    assert_error(http.get(url("/users/profile"), headers=bearer(tokens["idToken"])), 401,
                 "INVALID_TOKEN")
