"""Checks contract/openapi.yaml against shared/api-contract.md, and contract.check() itself.

Needs no running server:  /usr/bin/python3 -m pytest -q tests/e2e/test_contract_file.py
"""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contract  # noqa: E402

RID = "0123456789abcdef0123456789abcdef"
USER_ID = "4f6c2f4e-1d2b-4c8a-9a3e-6b1f0c2d3e4f"
SESSION_ID = "9b2e7c1a-3f4d-4e5a-8b6c-7d8e9f0a1b2c"

# Section 3: method, path, success status.
ENDPOINTS = [
    ("POST", "/auth/register", 201),
    ("POST", "/auth/verify-email", 200),
    ("POST", "/auth/resend-verification", 202),
    ("POST", "/auth/login", 200),
    ("POST", "/auth/mfa/verify", 200),
    ("POST", "/auth/refresh", 200),
    ("POST", "/auth/logout", 204),
    ("GET", "/auth/sessions", 200),
    ("DELETE", "/auth/sessions/{sessionId}", 204),
    ("POST", "/auth/mfa/setup", 200),
    ("POST", "/auth/mfa/verify-setup", 200),
    ("POST", "/auth/mfa/backup-codes", 200),
    ("POST", "/auth/mfa/disable", 200),
    ("POST", "/auth/password/forgot", 202),
    ("POST", "/auth/password/reset", 200),
    ("POST", "/auth/password/change", 200),
    ("GET", "/users/profile", 200),
    ("PUT", "/users/profile", 200),
    ("DELETE", "/users/profile", 204),
    ("GET", "/auth/validate", 204),
    ("GET", "/auth/redirect", 302),
    ("GET", "/.well-known/jwks.json", 200),
    ("GET", "/.well-known/openid-configuration", 200),
    ("GET", "/health", 200),
    # Section 8: the dev stack's example upstreams and login page.
    ("GET", "/demo/", 200),
    ("GET", "/demo-mfa/", 200),
    ("GET", "/login", 200),
    # Extensions (README, "Staying signed in in a browser"): the login page's
    # form, where a sign-in without rd ends, and the session resumed.
    ("POST", "/login", 303),
    ("GET", "/login/done", 200),
    ("GET", "/auth/refresh/resume", 302),
    # Extension (README, "The API"): the active password policy.
    ("GET", "/auth/password-policy", 200),
    # Extension (README, "Metrics"): the scrape target, on the metrics listener only.
    ("GET", "/metrics", 200),
    # Extension (README, "Moving from Cognito"): the Cognito-compatible API
    # and its pool's JWKS.
    ("POST", "/", 200),
    ("GET", "/{poolId}/.well-known/jwks.json", 200),
    ("GET", "/{poolId}/.well-known/openid-configuration", 200),
]
# More success statuses than section 3's one: the example upstreams and the
# login page also redirect; the form also answers the code step.
ALSO_SUCCESS = {("GET", "/demo/"): {302}, ("GET", "/demo-mfa/"): {302}, ("GET", "/login"): {302},
                ("POST", "/login"): {200}}
# A form-encoded endpoint for browsers: no INVALID_JSON, and answers some
# failures as HTML pages (statuses with no JSON body documented).
FORM_ENDPOINTS = {("POST", "/login")}
# AWS JSON 1.1 (the Cognito-compatible API): its refusals are AWS's shape
# (__type), not the contract's codes; no 415 or INVALID_JSON.
AWS_JSON_ENDPOINTS = {("POST", "/")}
# Section 3's "auth" column (Bearer, or Bearer or cookie): these take the access token.
AUTHENTICATED = {
    ("POST", "/auth/logout"), ("GET", "/auth/sessions"), ("DELETE", "/auth/sessions/{sessionId}"),
    ("POST", "/auth/mfa/setup"), ("POST", "/auth/mfa/verify-setup"), ("POST", "/auth/mfa/backup-codes"),
    ("POST", "/auth/mfa/disable"), ("POST", "/auth/password/change"), ("GET", "/users/profile"),
    ("GET", "/demo/"), ("GET", "/demo-mfa/"),
    ("PUT", "/users/profile"), ("DELETE", "/users/profile"), ("GET", "/auth/validate"),
}
# Section 6: rate limits.
RATE_LIMITED = {
    ("POST", "/auth/login"), ("POST", "/login"),
    # Re-checks of a signed-in user's secret ([limits] recheck_per_user).
    ("POST", "/auth/mfa/backup-codes"), ("POST", "/auth/mfa/disable"),
    ("POST", "/auth/password/change"), ("DELETE", "/users/profile"), ("POST", "/auth/register"), ("POST", "/auth/password/forgot"),
    ("POST", "/auth/resend-verification"), ("POST", "/auth/mfa/setup"),
    # The per-IP limits in front of emails and codes (README, issue 12).
    ("POST", "/auth/verify-email"), ("POST", "/auth/password/reset"), ("POST", "/auth/mfa/verify"),
}
# Section 1: the codes each status may carry.
SECTION1_CODES = {
    400: {"INVALID_JSON", "VALIDATION_ERROR", "INVALID_CODE", "CODE_EXPIRED", "INVALID_MFA_CODE"},
    401: {"INVALID_CREDENTIALS", "INVALID_TOKEN", "TOKEN_EXPIRED", "INVALID_REFRESH_TOKEN",
          "INVALID_MFA_CODE", "MFA_SESSION_EXPIRED"},
    # GROUP_REQUIRED: the validator's AUTHD_REQUIRE_GROUP (groups, README "Groups");
    # FORBIDDEN_HEADER: its AUTHD_FORWARDS_IDENTITY (README, the nginx recipe);
    # ACCOUNT_DISABLED: authctl user disable (README "Disabling an account");
    # PASSWORD_RESET_REQUIRED: an account imported from Cognito or reset by
    # its admin API (README "Moving from Cognito").
    403: {"EMAIL_NOT_VERIFIED", "MFA_REQUIRED", "GROUP_REQUIRED", "FORBIDDEN_HEADER",
          "FORBIDDEN_ORIGIN", "ACCOUNT_DISABLED", "PASSWORD_RESET_REQUIRED"},
    404: {"NOT_FOUND"}, 405: {"METHOD_NOT_ALLOWED"},
    409: {"EMAIL_EXISTS", "MFA_ALREADY_ENABLED", "MFA_NOT_ENABLED", "MFA_NOT_PENDING"},
    413: {"PAYLOAD_TOO_LARGE"}, 415: {"UNSUPPORTED_MEDIA_TYPE"},
    429: {"RATE_LIMITED", "ACCOUNT_LOCKED"}, 500: {"INTERNAL_ERROR"}, 503: {"SERVICE_UNAVAILABLE"},
}
ALL_CODES = sorted(set().union(*SECTION1_CODES.values()))
# Section 4 (and section 5's validator), one row per (endpoint, status, code).
SECTION4 = [
    ("POST", "/auth/register", 400, "VALIDATION_ERROR"),
    ("POST", "/auth/register", 409, "EMAIL_EXISTS"),
    ("POST", "/auth/verify-email", 400, "INVALID_CODE"),
    ("POST", "/auth/verify-email", 400, "CODE_EXPIRED"),
    ("POST", "/auth/login", 401, "INVALID_CREDENTIALS"),
    ("POST", "/auth/login", 403, "EMAIL_NOT_VERIFIED"),
    ("POST", "/auth/login", 429, "ACCOUNT_LOCKED"),
    ("POST", "/auth/mfa/verify", 429, "ACCOUNT_LOCKED"),
    ("POST", "/auth/mfa/verify", 401, "INVALID_MFA_CODE"),
    ("POST", "/auth/mfa/verify", 401, "MFA_SESSION_EXPIRED"),
    ("POST", "/auth/refresh", 401, "INVALID_REFRESH_TOKEN"),
    ("DELETE", "/auth/sessions/{sessionId}", 404, "NOT_FOUND"),
    ("POST", "/auth/mfa/setup", 401, "INVALID_CREDENTIALS"),
    ("POST", "/auth/mfa/setup", 409, "MFA_ALREADY_ENABLED"),
    ("POST", "/auth/mfa/verify-setup", 409, "MFA_NOT_PENDING"),
    ("POST", "/auth/mfa/verify-setup", 400, "INVALID_MFA_CODE"),
    ("POST", "/auth/mfa/backup-codes", 409, "MFA_NOT_ENABLED"),
    ("POST", "/auth/mfa/disable", 409, "MFA_NOT_ENABLED"),
    ("POST", "/auth/mfa/backup-codes", 401, "INVALID_MFA_CODE"),
    ("POST", "/auth/mfa/disable", 401, "INVALID_MFA_CODE"),
    ("POST", "/auth/mfa/disable", 401, "INVALID_CREDENTIALS"),
    ("DELETE", "/users/profile", 401, "INVALID_CREDENTIALS"),
    ("POST", "/auth/password/change", 401, "INVALID_CREDENTIALS"),
    ("POST", "/auth/password/reset", 400, "INVALID_CODE"),
    ("POST", "/auth/password/reset", 400, "CODE_EXPIRED"),
    ("POST", "/auth/password/reset", 400, "VALIDATION_ERROR"),
    ("POST", "/auth/password/change", 400, "VALIDATION_ERROR"),
    ("POST", "/auth/mfa/setup", 429, "ACCOUNT_LOCKED"),
    ("POST", "/auth/mfa/backup-codes", 429, "ACCOUNT_LOCKED"),
    ("POST", "/auth/mfa/disable", 429, "ACCOUNT_LOCKED"),
    ("POST", "/auth/password/change", 429, "ACCOUNT_LOCKED"),
    ("DELETE", "/users/profile", 429, "ACCOUNT_LOCKED"),
    ("GET", "/auth/validate", 403, "MFA_REQUIRED"),
    ("GET", "/auth/validate", 403, "GROUP_REQUIRED"),
    ("GET", "/auth/validate", 403, "FORBIDDEN_HEADER"),
] + [
    (m, p, 403, "FORBIDDEN_ORIGIN") for (m, p) in sorted(AUTHENTICATED) if m != "GET"
] + [("POST", "/auth/refresh", 403, "FORBIDDEN_ORIGIN")]


# --------------------------------------------------------------------------- helpers
class Fake:
    """The parts of a requests.Response that contract.check() reads."""

    def __init__(self, status, body=None, headers=None, raw=None):
        self.status_code = status
        self.headers = {
            "X-Request-Id": RID, "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }
        if body is not None:
            self.headers["Content-Type"] = "application/json; charset=utf-8"
        self.headers.update(headers or {})
        self._body = body
        self.content = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())

    def json(self):
        return json.loads(self.content)


def error(code, **extra):
    body = {"error": code, "message": "something went wrong", "requestId": RID}
    if code == "VALIDATION_ERROR":
        body["fields"] = {"email": "must be a valid email address"}
    body.update(extra)
    return body


def error_headers(status, code):
    h = {}
    if status == 429:
        h["Retry-After"] = "60"
    if status == 401 and code in ("INVALID_TOKEN", "TOKEN_EXPIRED"):
        h["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if code in ("MFA_REQUIRED", "GROUP_REQUIRED", "FORBIDDEN_HEADER"):  # only the validator answers them
        h["X-Auth-Error"] = code
    return h


def user(**over):
    u = {"userId": USER_ID, "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
         "emailVerified": True, "mfaEnabled": False, "createdAt": "2026-11-22T23:45:12Z",
         "updatedAt": "2026-11-22T23:45:12Z", "lastLoginAt": None}
    u.update(over)
    return u


def tokens(**over):
    t = {"accessToken": "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "idToken": "eyJhIjoiYiJ9.eyJjIjoiZCJ9.c2ln",
         "refreshToken": "A" * 43, "tokenType": "Bearer", "expiresIn": 900, "user": user(mfaEnabled=True)}
    t.update(over)
    return t


def accepted_codes(path, method, status):
    schema = contract.response_schema(path, method, status)
    assert schema is not None, f"{method} {path} {status}: no JSON schema"
    out = set()
    for code in ALL_CODES:
        try:
            contract.validate(error(code), schema)
            out.add(code)
        except Exception:  # noqa: BLE001 - any rejection means "not accepted"
            pass
    return out


def rejects(response, path, method, *needles):
    with pytest.raises(AssertionError) as info:
        contract.check(response, path, method)
    for needle in needles:
        assert needle in str(info.value), str(info.value)
    return str(info.value)


def operations():
    spec = contract.load()
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "put", "post", "delete", "patch", "head", "options", "trace"):
                yield method.upper(), path, op


# --------------------------------------------------------------------------- the file
def test_yaml_loads_and_is_openapi_30():
    spec = contract.load()
    assert re.fullmatch(r"3\.0\.\d+", str(spec["openapi"])), spec["openapi"]
    assert spec["info"]["title"] and spec["info"]["version"] and spec["info"]["description"]
    assert {"bearerAuth", "cookieAuth"} <= set(spec["components"]["securitySchemes"])
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


@pytest.mark.parametrize("method,path,success", ENDPOINTS, ids=[f"{m} {p}" for m, p, _ in ENDPOINTS])
def test_endpoint_present_with_its_success_status(method, path, success):
    spec = contract.load()
    assert path in spec["paths"], f"{path} missing"
    op = spec["paths"][path].get(method.lower())
    assert op is not None, f"{method} {path} missing"
    successes = {int(s) for s in op["responses"] if s.isdigit() and int(s) < 400}
    expected = {success} | ALSO_SUCCESS.get((method, path), set())
    assert successes == expected, f"{method} {path}: success statuses {successes}"


def test_no_endpoint_beyond_section_3():
    listed = {(m, p) for m, p, _ in ENDPOINTS}
    found = {(m, p) for m, p, _ in operations()}
    assert found == listed, f"extra: {found - listed}, missing: {listed - found}"


def test_every_ref_resolves():
    spec = contract.load()
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    assert len(refs) > 100
    for ref in set(refs):
        contract.resolve_ref(ref, spec)  # raises AssertionError if dangling
    with pytest.raises(AssertionError):
        contract.resolve_ref("#/components/schemas/NoSuchThing", spec)


def test_every_schema_converts_and_is_valid_json_schema():
    import jsonschema
    spec = contract.load()
    for name, schema in spec["components"]["schemas"].items():
        jsonschema.Draft4Validator.check_schema(contract.to_json_schema(schema, spec))


@pytest.mark.parametrize("method,path,op", list(operations()), ids=[f"{m} {p}" for m, p, _ in operations()])
def test_generic_responses(method, path, op):
    spec = contract.load()
    codes = {int(s) for s in op["responses"]}
    assert {413, 500, 503} <= codes
    for status, resp in op["responses"].items():
        resp = contract._deref(resp, spec)
        assert "X-Request-Id" in resp.get("headers", {}), f"{status}: no X-Request-Id header"
        for name in ("X-Request-Id", "Cache-Control", "X-Content-Type-Options", "Referrer-Policy"):
            assert contract._deref(resp["headers"][name], spec).get("required") is True, f"{status}: {name}"
        assert resp.get("description")
    if (method, path) in FORM_ENDPOINTS:
        assert 415 in codes and "UNSUPPORTED_MEDIA_TYPE" in accepted_codes(path, method, 415)
    elif (method, path) in AWS_JSON_ENDPOINTS:
        assert 400 in codes and contract.response_schema(path, method, 400) is None
    elif method in ("POST", "PUT", "DELETE"):
        assert 415 in codes
        assert "INVALID_JSON" in accepted_codes(path, method, 400)
        if "requestBody" in op:
            assert "VALIDATION_ERROR" in accepted_codes(path, method, 400)
    if (method, path) in AUTHENTICATED:
        assert {"INVALID_TOKEN", "TOKEN_EXPIRED"} <= accepted_codes(path, method, 401)
        assert "WWW-Authenticate" in contract._deref(op["responses"]["401"], spec)["headers"]
        assert {"bearerAuth": []} in op["security"] and {"cookieAuth": []} in op["security"]
    else:
        assert not any("bearerAuth" in s for s in op.get("security", []))
    if (method, path) in RATE_LIMITED:
        assert "RATE_LIMITED" in accepted_codes(path, method, 429)
    else:
        assert "RATE_LIMITED" not in (accepted_codes(path, method, 429) if 429 in codes else set())
    if 429 in codes:
        assert "Retry-After" in contract._deref(op["responses"]["429"], spec)["headers"]


@pytest.mark.parametrize("method,path,op", list(operations()), ids=[f"{m} {p}" for m, p, _ in operations()])
def test_error_codes_are_those_of_section_1(method, path, op):
    for status in op["responses"]:
        s = int(status)
        if s < 400 or (path == "/health" and s == 503):
            continue
        if (method, path) in FORM_ENDPOINTS and contract.response_schema(path, method, s) is None:
            continue  # an HTML page
        if (method, path) in AWS_JSON_ENDPOINTS and contract.response_schema(path, method, s) is None:
            continue  # AWS's error shape
        codes = accepted_codes(path, method, s)
        assert codes, f"{method} {path} {s}: accepts no code"
        assert codes <= SECTION1_CODES[s], f"{method} {path} {s}: {codes - SECTION1_CODES[s]} not in section 1"


@pytest.mark.parametrize("method,path,status,code", SECTION4, ids=[f"{m} {p} {s} {c}" for m, p, s, c in SECTION4])
def test_section_4_failure_is_documented(method, path, status, code):
    assert code in accepted_codes(path, method, status)
    contract.check(Fake(status, error(code), error_headers(status, code)), path, method)


# --------------------------------------------------------------------------- check(): accepts
def test_check_accepts_good_responses():
    login_tokens = Fake(200, tokens())
    assert contract.check(login_tokens, "/auth/login", "POST")["tokenType"] == "Bearer"
    challenge = {"mfaRequired": True, "sessionToken": "abc", "tokenType": "Bearer", "sessionExpiresIn": 300}
    contract.check(Fake(200, challenge), "/auth/login", "POST")
    contract.check(Fake(201, {"user": user(), "message": "check your mail"}), "/auth/register", "POST")
    contract.check(Fake(200, user(lastLoginAt="2026-11-22T23:45:12Z")), "/users/profile", "GET")
    cleared = "__Secure-authd_access=; Path=/; Max-Age=0, __Secure-authd_refresh=; Max-Age=0"
    contract.check(Fake(204, headers={"Set-Cookie": cleared}), "/auth/logout", "POST")
    contract.check(Fake(204), f"/auth/sessions/{SESSION_ID}", "DELETE")  # concrete path
    contract.check(Fake(202, {"message": "ok"}), "/auth/password/forgot?x=1", "POST")
    contract.check(Fake(200, {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}), "/health", "GET")
    contract.check(Fake(200, {"status": "degraded", "checks": {"database": "ok", "cache": "down"}}), "/health", "GET")
    contract.check(Fake(503, {"status": "down", "checks": {"database": "down", "cache": "ok"}}), "/health", "GET")
    contract.check(Fake(200), "/health", "HEAD")
    contract.check(Fake(200, {"sessions": [{
        "sessionId": SESSION_ID, "createdAt": "2026-11-22T23:45:12Z", "lastUsedAt": "2026-11-22T23:45:12Z",
        "expiresAt": "2026-11-23T23:45:12Z", "ip": "127.0.0.1", "userAgent": None, "current": True}]}),
        "/auth/sessions", "GET")
    contract.check(Fake(200, {"mfaEnabled": True, "backupCodes": [f"abcd{c}-fgh23" for c in "abcdefghij"]}),
                   "/auth/mfa/verify-setup", "POST")
    contract.check(Fake(200, {"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
                              "otpauthUri": "otpauth://totp/authd:ada%40example.com?secret=JBSWY3DPEHPK3PXP"
                                            "&issuer=authd&algorithm=SHA1&digits=6&period=30",
                              "qrCode": "data:image/png;base64,iVBORw0KGgo="}), "/auth/mfa/setup", "POST")
    contract.check(Fake(200, {"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256", "use": "sig",
                                        "x": "x" * 43, "y": "y" * 43}]}), "/.well-known/jwks.json", "GET")
    contract.check(Fake(204, headers={"X-Auth-User-Id": USER_ID, "X-Auth-Email": "ada@example.com",
                                      "X-Auth-Name": "Ada Lovelace", "X-Auth-Mfa": "false",
                                      "X-Auth-Session-Id": SESSION_ID}), "/auth/validate", "GET")
    contract.check(Fake(401, error("INVALID_TOKEN"), {"WWW-Authenticate": "Bearer", "X-Auth-Error": "INVALID_TOKEN"}),
                   "/auth/validate", "GET")
    contract.check(Fake(204, headers={"X-Auth-User-Id": USER_ID, "X-Auth-Email": "ada@example.com",
                                      "X-Auth-Name": "Ada Lovelace", "X-Auth-Mfa": "false",
                                      "X-Auth-Session-Id": SESSION_ID, "X-Auth-Groups": "admins,ops.eu-1"}),
                   "/auth/validate", "GET")
    contract.check(Fake(403, error("GROUP_REQUIRED"), {"X-Auth-Error": "GROUP_REQUIRED"}), "/auth/validate", "GET")
    contract.check(Fake(302, headers={"Location": "/"}), "/auth/redirect?rd=http://evil.example/", "GET")
    contract.check(Fake(405, error("METHOD_NOT_ALLOWED"), {"Allow": "POST"}), "/auth/login", "GET")
    contract.check(Fake(404, error("NOT_FOUND")), "/no/such/path", "GET")
    contract.check(Fake(413, error("PAYLOAD_TOO_LARGE")), "/auth/login", "POST")


# --------------------------------------------------------------------------- check(): rejects
def test_check_rejects_wrong_error_code():
    rejects(Fake(409, error("EMAIL_TAKEN")), "/auth/register", "POST", "409", "EMAIL_TAKEN")
    # a real code, but not one this response may carry
    rejects(Fake(409, error("MFA_NOT_ENABLED")), "/auth/register", "POST", "MFA_NOT_ENABLED")
    rejects(Fake(401, error("INVALID_CREDENTIALS")), "/auth/refresh", "POST", "INVALID_CREDENTIALS")
    rejects(Fake(429, error("ACCOUNT_LOCKED"), {"Retry-After": "5"}), "/auth/register", "POST",
            "ACCOUNT_LOCKED")


def test_check_rejects_missing_required_field():
    u = user()
    del u["mfaEnabled"]
    rejects(Fake(200, u), "/users/profile", "GET", "mfaEnabled")
    t = tokens()
    del t["refreshToken"]
    rejects(Fake(200, t), "/auth/refresh", "POST")
    e = error("EMAIL_EXISTS")
    del e["message"]
    rejects(Fake(409, e), "/auth/register", "POST", "message")


def test_check_rejects_undocumented_status():
    rejects(Fake(418, error("INTERNAL_ERROR")), "/health", "GET", "418", "not documented")
    rejects(Fake(404, error("NOT_FOUND")), "/auth/login", "POST", "404")
    rejects(Fake(200, {"message": "ok"}), "/auth/resend-verification", "POST", "200")
    rejects(Fake(200, user()), "/no/such/path", "GET", "unknown path")
    rejects(Fake(200, user()), "/users/profile", "PATCH", "405")


def test_check_rejects_other_mismatches():
    # body shape
    rejects(Fake(200, user(extra="x")), "/users/profile", "GET", "extra")
    rejects(Fake(200, user(lastLoginAt="2026-11-22T23:45:12.123Z")), "/users/profile", "GET", "lastLoginAt")
    rejects(Fake(200, user(createdAt="2026-11-22 23:45:12")), "/users/profile", "GET", "createdAt")
    rejects(Fake(200, user(createdAt="2026-13-22T23:45:12Z")), "/users/profile", "GET", "createdAt")
    rejects(Fake(200, user(userId="not-a-uuid")), "/users/profile", "GET", "userId")
    rejects(Fake(200, user(email="Ada@Example.com")), "/users/profile", "GET", "email")
    rejects(Fake(200, tokens(tokenType="bearer")), "/auth/login", "POST")
    mixed = dict(tokens(), mfaRequired=True, sessionToken="x", sessionExpiresIn=300)
    rejects(Fake(200, mixed), "/auth/login", "POST")
    rejects(Fake(503, error("SERVICE_UNAVAILABLE")), "/health", "GET")
    rejects(Fake(200, {"status": "ok", "checks": {"database": "ok", "cache": "down"}}), "/health", "GET")
    rejects(Fake(200, {"keys": [{"kty": "EC", "crv": "P-256", "kid": "k1", "alg": "ES256",
                                 "x": "x" * 43, "y": "y" * 43, "d": "secret"}]}), "/.well-known/jwks.json", "GET")
    rejects(Fake(400, error("INVALID_JSON", fields={"a": "b"})), "/auth/login", "POST")
    rejects(Fake(400, {k: v for k, v in error("VALIDATION_ERROR").items() if k != "fields"}), "/auth/login", "POST")
    # headers
    no_rid = Fake(200, user())
    del no_rid.headers["X-Request-Id"]
    rejects(no_rid, "/users/profile", "GET", "X-Request-Id")
    rejects(Fake(409, error("EMAIL_EXISTS", requestId="someone-else")), "/auth/register", "POST", "requestId")
    rejects(Fake(429, error("RATE_LIMITED")), "/auth/register", "POST", "Retry-After")
    rejects(Fake(429, error("RATE_LIMITED"), {"Retry-After": "1.5"}), "/auth/register", "POST", "Retry-After")
    rejects(Fake(401, error("INVALID_TOKEN")), "/users/profile", "GET", "WWW-Authenticate")
    rejects(Fake(405, error("METHOD_NOT_ALLOWED")), "/auth/login", "GET", "Allow")
    rejects(Fake(405, error("METHOD_NOT_ALLOWED"), {"Allow": "GET"}), "/auth/login", "GET", "Allow")
    rejects(Fake(302), "/auth/redirect", "GET", "Location")
    rejects(Fake(204, headers={"X-Auth-User-Id": USER_ID}), "/auth/validate", "GET", "X-Auth-")
    rejects(Fake(204, headers={"X-Auth-User-Id": USER_ID, "X-Auth-Email": "ada@example.com",
                               "X-Auth-Name": "Ada Lovelace", "X-Auth-Mfa": "false",
                               "X-Auth-Session-Id": SESSION_ID, "X-Auth-Groups": "admins, ops"}),
            "/auth/validate", "GET", "X-Auth-Groups")
    rejects(Fake(403, error("GROUP_REQUIRED")), "/auth/validate", "GET", "X-Auth-Error")
    rejects(Fake(401, error("TOKEN_EXPIRED"), {"WWW-Authenticate": "Bearer", "X-Auth-Error": "INVALID_TOKEN"}),
            "/auth/validate", "GET", "X-Auth-Error")
    rejects(Fake(200, user(), {"Cache-Control": "max-age=60"}), "/users/profile", "GET", "Cache-Control")
    rejects(Fake(200, user(), {"Content-Type": "text/html"}), "/users/profile", "GET", "Content-Type")
    # bodies where none belong
    rejects(Fake(204, raw=b"{}", headers={"Set-Cookie": "__Secure-authd_access=; Max-Age=0"}),
            "/auth/logout", "POST", "no body")
    rejects(Fake(200, raw=b'{"status":"ok"}'), "/health", "HEAD", "no body")
    rejects(Fake(200, raw=b"not json", headers={"Content-Type": "application/json"}), "/users/profile", "GET",
            "not JSON")


def test_load_is_cached():
    assert contract.load() is contract.load()


def test_nullable_conversion():
    schema = contract.to_json_schema({"type": "string", "nullable": True, "enum": ["a"]})
    assert schema == {"type": ["string", "null"], "enum": ["a", None]}
    nested = contract.to_json_schema({"type": "object", "properties": {"p": {"allOf": [{"type": "integer"}],
                                                                             "nullable": True}}})
    contract.validate({"p": None}, nested)
    contract.validate({"p": 3}, nested)
    with pytest.raises(Exception):
        contract.validate({"p": "x"}, nested)
    # without nullable, null is refused
    with pytest.raises(Exception):
        contract.validate(None, {"type": "string"})
    assert copy.deepcopy(contract.load()) == contract.load()  # conversion did not mutate the spec
