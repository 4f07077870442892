"""Hostile request bodies at every JSON endpoint of the contract (issue 12,
the hostile input tables).

The endpoints are read from contract/openapi.yaml: every operation whose
request body is application/json, with the fields and types its schema
declares.  Each gets, with a valid access token where it needs one and the
account in the state where a good body would succeed (an unverified
account for verify-email, a pending setup for verify-setup, 2FA on for
backup-codes and disable, a live challenge for mfa/verify):

  malformed JSON, a body that is not an object, nesting deeper than the
  limit (64), a duplicate key, each field with each wrong type (and null
  where the field is required), a \\u0000 escape and a raw 0x00 byte in a
  string, invalid UTF-8 (a broken sequence, an encoded surrogate, an
  overlong), a body of 64 KiB + 1 bytes, an empty body, and a good body
  under a wrong or missing Content-Type.

Each answer is the contract's 4xx for it (400 INVALID_JSON, 400
VALIDATION_ERROR naming the field, 413 PAYLOAD_TOO_LARGE, 415
UNSUPPORTED_MEDIA_TYPE) in the error shape (contract.check), never a 5xx;
and nothing is written: the subject accounts' rows (user, sessions,
refresh tokens, email codes, MFA secret, backup codes, challenges) and the
counts of users, queued mail, audit events, revocations and recent lockout
failures are the same before and after."""
import json

import pytest

import contract
from conftest import (PASSWORD, assert_error, bearer, login, new_email, register, url,
                      verified_user, with_settings)
from faults import user_id
from test_mfa import challenge, enable_mfa

LIMIT = 65536
MAX_DEPTH = 64  # json::kMaxDepth


def _resolve(node):
    while isinstance(node, dict) and "$ref" in node:
        node = contract.resolve_ref(node["$ref"])
    return node


def json_operations():
    """(path, method, properties {name: type}, required [names]) of every
    operation of the contract that takes a JSON body."""
    ops = []
    for path, item in contract.load()["paths"].items():
        for method, op in item.items():
            media = (op.get("requestBody") or {}).get("content", {}).get("application/json")
            if not isinstance(op, dict) or media is None:
                continue
            schema = _resolve(media["schema"])
            props = {name: _resolve(p).get("type") for name, p in schema["properties"].items()}
            ops.append((path, method, props, schema.get("required", [])))
    return ops


OPERATIONS = json_operations()

# A value of every other JSON type for a field of each declared type.
WRONG = {
    "string": [12345, 1.5, True, ["x"], {"x": "y"}],
    "boolean": ["true", 1, ["x"], {"x": True}],
}


@pytest.fixture(scope="module")
def accounts(stack):
    """The accounts the bodies are about, each in the state where a good
    body would succeed; the per-user limits raised for the module (they
    count every request, and these are many)."""
    from conftest import session_from, fresh_ip
    old = stack.config_path.read_text()
    stack.reload_with(with_settings(old, limits__mfa_setup_per_user="100000",
                                    limits__recheck_per_user="100000"))
    try:
        with session_from(fresh_ip()) as http:
            user = verified_user(stack, http)
            unverified = register(http)
            mfa_email, mfa_tokens, _, _ = enable_mfa(stack, http)
            pending = verified_user(stack, http)
            pending_tokens = login(http, pending)
            r = http.post(url("/auth/mfa/setup"), headers=bearer(pending_tokens["accessToken"]),
                          json={"password": PASSWORD})
            assert r.status_code == 200, r.text
            yield {
                "user": (user, login(http, user)),
                "unverified": (unverified, None),
                "mfa": (mfa_email, mfa_tokens),
                "pending": (pending, pending_tokens),
                "challenge": challenge(http, mfa_email),
                "ids": [user_id(stack, a) for a in (user, unverified, mfa_email, pending)],
            }
    finally:
        stack.reload_with(old)


SUBJECT = {
    "/auth/verify-email": "unverified", "/auth/resend-verification": "unverified",
    "/auth/mfa/verify": "mfa", "/auth/mfa/backup-codes": "mfa", "/auth/mfa/disable": "mfa",
    "/auth/mfa/verify-setup": "pending",
}


def good_body(path, props, accounts, fresh_email):
    """A body of the right shape (whose refusal would be only about the
    hostile change made to it)."""
    address, tokens = accounts[SUBJECT.get(path, "user")]
    values = {
        "email": fresh_email if path == "/auth/register" else address,
        "password": PASSWORD, "currentPassword": PASSWORD, "newPassword": "N3w-Horse-Hostile!",
        "firstName": "Ada", "lastName": "Lovelace", "code": "123456",
        "sessionToken": accounts["challenge"],
        "refreshToken": tokens["refreshToken"] if tokens else None,
        "rememberMe": False, "setCookie": False, "allDevices": False,
    }
    return {name: values[name] for name in props}


def dumps_pairs(pairs):
    """JSON text of an object with these (key, value) pairs, in order,
    duplicates kept."""
    return "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"


def cases(path, props, required, body):
    """(name, raw body, Content-Type, expected status, expected code, field)."""
    text = json.dumps(body)
    first_string = next(name for name, kind in props.items() if kind == "string")
    ct = "application/json"
    out = [
        ("malformed", text[:-1].encode(), ct, 400, "INVALID_JSON", None),
        ("trailing_garbage", (text + "x").encode(), ct, 400, "INVALID_JSON", None),
        ("not_an_object", json.dumps([body]).encode(), ct, 400, "INVALID_JSON", None),
        ("too_deep", (text[:-1] + ', "deep": ' + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "}").encode(),
         ct, 400, "INVALID_JSON", None),
        ("duplicate_key", dumps_pairs(list(body.items()) + [(first_string, body[first_string])]
                                      ).encode(), ct, 400, "INVALID_JSON", None),
        ("wrong_content_type", text.encode(), "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE", None),
        ("form_content_type", text.encode(), "application/x-www-form-urlencoded", 415,
         "UNSUPPORTED_MEDIA_TYPE", None),
        ("no_content_type", text.encode(), None, 415, "UNSUPPORTED_MEDIA_TYPE", None),
    ]
    prefix = text[:-1] + ', "pad": "'
    out.append(("64KiB_plus_1", (prefix + "a" * (LIMIT + 1 - len(prefix) - 2) + '"}').encode(),
                ct, 413, "PAYLOAD_TOO_LARGE", None))
    assert len(out[-1][1]) == LIMIT + 1
    # Strings that are not acceptable JSON text, in the first string field.
    for name, raw in (("nul_escape", b'"a\\u0000b"'), ("nul_raw", b'"a\x00b"'),
                      ("invalid_utf8", b'"a\xc3\x28b"'), ("encoded_surrogate", b'"a\xed\xa0\x80b"'),
                      ("overlong_utf8", b'"a\xc0\xafb"'), ("lone_surrogate_escape", b'"a\\ud800b"')):
        hostile = dict(body)
        hostile[first_string] = "\x01MARK\x01"
        raw_body = json.dumps(hostile).encode().replace(b'"\\u0001MARK\\u0001"', raw)
        out.append((name, raw_body, ct, 400, "INVALID_JSON", None))
    for field, kind in props.items():
        values = WRONG[kind] + ([None] if field in required else [])
        for value in values:
            hostile = dict(body)
            hostile[field] = value
            out.append((f"{field}={json.dumps(value)}", json.dumps(hostile).encode(), ct, 400,
                        "VALIDATION_ERROR", field))
    if required or path == "/auth/refresh":  # refresh: no token, no cookie
        out.append(("empty", b"", None, 400, "VALIDATION_ERROR", None))
    return out


def fingerprint(stack, ids):
    """Everything a refused request must leave as it was."""
    of = ",".join(f"'{i}'" for i in ids)
    digest = "md5(COALESCE(string_agg({0}::text, '|' ORDER BY {0}::text), ''))"
    return stack.psql(
        "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM mail_outbox),"
        " (SELECT count(*) FROM audit_events), (SELECT count(*) FROM revoked_sessions),"
        " (SELECT count(*) || '/' || COALESCE(sum(failures), 0) FROM login_failures"
        "   WHERE window_start > now() - interval '10 minutes'),"
        f" (SELECT {digest.format('u')} FROM users u WHERE id IN ({of})),"
        f" (SELECT {digest.format('s')} FROM sessions s WHERE user_id IN ({of})),"
        f" (SELECT {digest.format('t')} FROM refresh_tokens t"
        f"   JOIN sessions s ON s.id = t.session_id WHERE s.user_id IN ({of})),"
        f" (SELECT {digest.format('c')} FROM email_codes c WHERE user_id IN ({of})),"
        f" (SELECT {digest.format('m')} FROM mfa_secrets m WHERE user_id IN ({of})),"
        f" (SELECT {digest.format('b')} FROM mfa_backup_codes b WHERE user_id IN ({of})),"
        f" (SELECT {digest.format('h')} FROM mfa_challenges h WHERE user_id IN ({of}))")


@pytest.mark.parametrize("path,method,props,required", OPERATIONS,
                         ids=[f"{m.upper()} {p}" for p, m, _, _ in OPERATIONS])
def test_hostile_bodies_are_refused_and_change_nothing(stack, http, accounts, path, method,
                                                       props, required):
    address, tokens = accounts[SUBJECT.get(path, "user")]
    op = contract.load()["paths"][path][method]
    headers = {}
    if any("bearerAuth" in s for s in op.get("security") or []):
        headers = bearer(tokens["accessToken"])
    fresh_email = new_email("hostile")
    body = good_body(path, props, accounts, fresh_email)
    before = fingerprint(stack, accounts["ids"])
    wrong = []
    for name, raw, ctype, status, code, field in cases(path, props, required, body):
        h = dict(headers, **({"Content-Type": ctype} if ctype else {}))
        r = http.request(method.upper(), url(path), data=raw, headers=h)
        try:
            assert r.status_code < 500, "a 5xx"
            err = assert_error(r, status, code)
            contract.check(r, path, method)
            if field:
                assert field in err.get("fields", {}), f"fields lacks {field}"
        except (AssertionError, ValueError) as e:
            wrong.append(f"{name}: {r.status_code} {r.text[:200]} ({str(e)[:200]})")
    assert not wrong, "\n".join(wrong)
    assert fingerprint(stack, accounts["ids"]) == before, "a refused request wrote something"
    assert not stack.psql(f"SELECT 1 FROM users WHERE email = '{fresh_email}'")


@pytest.mark.parametrize("path,method", [(p, m) for p, m, _, req in OPERATIONS
                                         if not req and p != "/auth/refresh"])
def test_an_empty_body_is_an_empty_object(stack, http, path, method):
    """Where no field is required, an empty body without a Content-Type is
    answered exactly as `{}` is (contract section 1), each on a session of
    its own."""
    address = verified_user(stack, http)
    answers = []
    for raw, ctype in ((b"", None), (b"{}", "application/json")):
        token = login(http, address)["accessToken"]
        h = dict(bearer(token), **({"Content-Type": ctype} if ctype else {}))
        r = http.request(method.upper(), url(path), data=raw, headers=h)
        contract.check(r, path, method)
        answers.append((r.status_code, r.content if r.status_code != 200 else
                        sorted(r.json())))
    assert answers[0] == answers[1], answers
    assert 200 <= answers[0][0] < 300, answers
