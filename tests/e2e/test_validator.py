"""The validate pool: nginx's auth_request target (contract section 5).

Every check runs over two transports: GET /auth/validate through nginx, as a
client sees it, and straight to the validate pool's FastCGI socket with the
params nginx's auth_request location sets (AUTHD_ORIGINAL_URL,
AUTHD_BROWSER, AUTHD_REQUIRE_MFA), which is what nginx's subrequest does.
Both must answer the same.

Covered: every kind of bad token is a 401 with X-Auth-Error; a valid one a
204 with the identity headers; revocations (logout, session delete, refresh
reuse, password reset and change, account deletion) refuse the old access
token within 1 s, also while memcached is down and also when the token was
already in the verified-token cache; a Postgres outage is served from the
last revoked set for up to 10 s and is a 503 after that; the browser login
URL; only nginx's params, never client headers, steer the validator.
"""
import base64
import hashlib
import hmac
import json
import socket
import struct
import time
import uuid

import pytest
from urllib.parse import quote
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from conftest import (PASSWORD, assert_error, bearer, code_in, login, url, verified_user,
                      wait_until)
from test_mfa import challenge, enable_mfa, mfa_verify

pytestmark = pytest.mark.filterwarnings("ignore")

NEW_PASSWORD = "Brand-N3w-Secret!"


# --- a minimal FastCGI client -------------------------------------------------

FCGI_BEGIN_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_STDOUT = 1, 3, 4, 5, 6


def fcgi_record(kind, content, request_id=1):
    return struct.pack(">BBHHBx", 1, kind, request_id, len(content), 0) + content


def fcgi_length(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def fcgi_params(params):
    out = b""
    for name, value in params.items():
        n, v = name.encode(), value.encode()
        out += fcgi_length(len(n)) + fcgi_length(len(v)) + n + v
    return out


class Answer:
    """A response from either transport: status, headers, body."""

    def __init__(self, status, headers, body):
        self.status_code = status
        self.headers = headers  # lower-case names -> str (raw UTF-8 decoded)
        self.content = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.content)


def fcgi_get(stack, headers=None, params=None, method="GET", path="/auth/validate", target=None):
    """One request to the validate pool, as nginx's auth_request sends it.
    `target` is where to connect: by default the stack's validate socket;
    else a unix socket path or a (host, port) pair (TCP)."""
    data = fcgi_exchange(target or str(stack.var / "run" / "validate.sock"),
                         fcgi_request(headers, params, method, path))
    return fcgi_answer(data)


def fcgi_request(headers=None, params=None, method="GET", path="/auth/validate"):
    """The records of one request, with the params nginx sets."""
    env = {
        "REQUEST_METHOD": method,
        "DOCUMENT_URI": path,
        "REQUEST_URI": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REQUEST_SCHEME": "http",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8080",
        "REQUEST_ID": uuid.uuid4().hex,
        "CONTENT_LENGTH": "",
        "CONTENT_TYPE": "",
        "AUTHD_ORIGINAL_URL": "http://127.0.0.1:8080/demo/",
        "AUTHD_ORIGINAL_METHOD": "GET",
        "AUTHD_BROWSER": "0",
    }
    for name, value in (headers or {}).items():
        env["HTTP_" + name.upper().replace("-", "_")] = value
    env.update(params or {})
    return (fcgi_record(FCGI_BEGIN_REQUEST, struct.pack(">HB5x", 1, 0)) +
            fcgi_record(FCGI_PARAMS, fcgi_params(env)) + fcgi_record(FCGI_PARAMS, b"") +
            fcgi_record(FCGI_STDIN, b""))


def fcgi_exchange(target, payload, source=None):
    """Sends `payload` to `target` (a unix socket path or a (host, port)
    pair), from the address `source` if given, and returns every byte of
    the answer until the peer closes."""
    if isinstance(target, str):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    else:
        s = socket.socket(socket.AF_INET6 if ":" in target[0] else socket.AF_INET,
                          socket.SOCK_STREAM)
    with s:
        s.settimeout(10)
        if source:
            s.bind((source, 0))
        s.connect(target)
        s.sendall(payload)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    return data


def fcgi_answer(data):
    """The Answer in the FastCGI records `data`."""
    stdout, ended = b"", False
    while len(data) >= 8:
        _, kind, _, length, padding = struct.unpack(">BBHHBx", data[:8])
        content = data[8:8 + length]
        data = data[8 + length + padding:]
        if kind == FCGI_STDOUT:
            stdout += content
        elif kind == FCGI_END_REQUEST:
            ended = True
    assert ended, "no FCGI_END_REQUEST"
    head, _, body = stdout.partition(b"\r\n\r\n")
    status, out = None, {}
    for line in head.decode("utf-8").split("\r\n"):
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        else:
            out[name.strip().lower()] = value.strip()
    return Answer(status, out, body)


def nginx_get(http, headers=None):
    r = http.get(url("/auth/validate"), headers=headers or {})
    # requests decodes header bytes as Latin-1; X-Auth-Name is raw UTF-8.
    out = {k.lower(): v.encode("latin-1").decode("utf-8") for k, v in r.headers.items()}
    return Answer(r.status_code, out, r.content)


@pytest.fixture(params=["nginx", "fcgi"])
def check(request, stack, http):
    """check(token=None, headers=None) -> Answer, over the transport under test."""
    transport = request.param

    def run(token=None, headers=None):
        h = dict(headers or {})
        if token is not None:
            h.update(bearer(token))
        return nginx_get(http, h) if transport == "nginx" else fcgi_get(stack, h)

    run.transport = transport
    return run


# Module-scoped: pytest runs every memcached-down case in one stretch, with
# one stop and one start of memcached, instead of one of each per case.
@pytest.fixture(scope="module", params=["memcached-up", "memcached-down"])
def memcached(request, stack):
    if request.param == "memcached-down":
        stack.dev("mc-stop")
        try:
            yield request.param
        finally:
            stack.dev("mc-start")
    else:
        yield request.param


def assert_refused(answer, code="INVALID_TOKEN"):
    assert answer.status_code == 401, (answer.status_code, answer.content)
    assert answer.header("X-Auth-Error") == code
    body = answer.json()
    assert body["error"] == code and body["message"] and body["requestId"]
    assert answer.header("WWW-Authenticate").startswith("Bearer")
    assert answer.header("X-Auth-User-Id") is None


def assert_accepted(answer):
    assert answer.status_code == 204, (answer.status_code, answer.content)
    assert answer.header("X-Auth-Error") is None


# --- tokens -------------------------------------------------------------------

def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_json(obj):
    return b64url(json.dumps(obj, separators=(",", ":")).encode())


def unb64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def parts_of(token):
    h, p, s = token.split(".")
    return json.loads(unb64(h)), json.loads(unb64(p)), s


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def es256_sign(key, header, claims, low_s=True):
    """A token signed as authd signs: r||s with s in its low form;
    low_s=False keeps the high form whenever the signer produced it."""
    signing_input = (b64url_json(header) + "." + b64url_json(claims)).encode()
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    if low_s and s > P256_ORDER // 2:
        s = P256_ORDER - s
    return signing_input.decode() + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def high_s_twin(token):
    """The same token with s replaced by n - s: as valid as the original to
    plain ECDSA."""
    h, p, sig = token.split(".")
    raw = unb64(sig)
    s = int.from_bytes(raw[32:], "big")
    return f"{h}.{p}." + b64url(raw[:32] + (P256_ORDER - s).to_bytes(32, "big"))


def signing_key(stack, header):
    """The stack's own private key for the token's kid (ES256 in the dev profile)."""
    path = stack.var / "keys" / "signing" / f"{header['alg']}.{header['kid']}.pem"
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


@pytest.fixture
def user(stack, http):
    address = verified_user(stack, http)
    return address, login(http, address)


def bad_tokens(stack, tokens):
    """(name, token, expected X-Auth-Error) for every way a token can be wrong."""
    access = tokens["accessToken"]
    header, claims, sig = parts_of(access)
    h, p, _ = access.split(".")
    assert header["alg"] == "ES256", "the dev profile signs with ES256"
    own = signing_key(stack, header)
    other = ec.generate_private_key(ec.SECP256R1())
    now = int(time.time())
    public_pem = own.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    hs_header = dict(header, alg="HS256")
    hs_input = (b64url_json(hs_header) + "." + p).encode()
    tampered = dict(claims, email="mallory@example.com")
    return [
        ("garbage", "garbage.token.here", "INVALID_TOKEN"),
        ("not_a_jws", "abc", "INVALID_TOKEN"),
        ("expired", es256_sign(own, header, dict(claims, iat=now - 2000, exp=now - 1000)),
         "TOKEN_EXPIRED"),
        # exp is strict: no leeway after it (the leeway is for iat).
        ("just_expired", es256_sign(own, header, dict(claims, iat=now - 900, exp=now)),
         "TOKEN_EXPIRED"),
        ("issued_an_hour_ahead", es256_sign(own, header, dict(claims, iat=now + 3600,
                                                              exp=now + 4500)), "INVALID_TOKEN"),
        ("another_key", es256_sign(other, header, claims), "INVALID_TOKEN"),
        ("alg_none", b64url_json(dict(header, alg="none")) + "." + p + ".", "INVALID_TOKEN"),
        ("hs256_public_key_as_secret",
         hs_input.decode() + "." + b64url(hmac.new(public_pem, hs_input, hashlib.sha256).digest()),
         "INVALID_TOKEN"),
        ("tampered_payload", h + "." + b64url_json(tampered) + "." + sig, "INVALID_TOKEN"),
        ("unknown_kid", es256_sign(other, dict(header, kid="no-such-kid"), claims),
         "INVALID_TOKEN"),
        ("id_token", tokens["idToken"], "INVALID_TOKEN"),
        ("wrong_audience", es256_sign(own, header, dict(claims, aud="someone-else")),
         "INVALID_TOKEN"),
    ]


def test_no_token(check):
    r = check()
    assert_refused(r)
    assert r.header("WWW-Authenticate") == "Bearer"
    r = check(headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_refused(r)
    assert r.header("WWW-Authenticate") == 'Bearer error="invalid_token"'


def test_every_bad_token_is_401(stack, check, user):
    _, tokens = user
    for name, token, code in bad_tokens(stack, tokens):
        r = check(token)
        assert r.status_code == 401, (name, r.status_code, r.content)
        assert r.header("X-Auth-Error") == code, name
        assert r.json()["error"] == code, name
        assert r.header("WWW-Authenticate") == 'Bearer error="invalid_token"', name
    # The genuine token still passes: nothing above poisoned a cache.
    assert_accepted(check(tokens["accessToken"]))
    # A second before its exp a token is good, and a few seconds of iat
    # ahead of this host's clock (another host's) are within the leeway.
    header, claims, _ = parts_of(tokens["accessToken"])
    own, now = signing_key(stack, header), int(time.time())
    assert_accepted(check(es256_sign(own, header, dict(claims, iat=now - 898, exp=now + 2))))
    assert_accepted(check(es256_sign(own, header, dict(claims, iat=now + 5, exp=now + 905))))


def test_authd_signs_low_s_and_accepts_what_other_signers_draw(stack, check, user):
    """authd's own tokens have one spelling (low s); a token another ES256
    signer made with the key, in either form, is accepted (src/crypto/jwt.cpp
    says why), with the same identity."""
    _, tokens = user
    access = tokens["accessToken"]
    header, claims, sig = parts_of(access)
    assert int.from_bytes(unb64(access.split(".")[2])[32:], "big") <= P256_ORDER // 2
    twin = high_s_twin(access)
    assert twin != access
    assert_accepted(check(twin))
    assert_accepted(check(access))
    own = signing_key(stack, header)
    for _ in range(4):
        token = es256_sign(own, header, claims, low_s=False)
        assert_accepted(check(token))
        assert_accepted(check(high_s_twin(token)))


def test_bad_tokens_through_nginx_have_the_error_shape(stack, http, user):
    _, tokens = user
    for name, token, code in bad_tokens(stack, tokens):
        r = http.get(url("/auth/validate"), headers=bearer(token))
        assert_error(r, 401, code)
        assert r.headers["X-Auth-Error"] == code, name


def test_valid_token_identity_headers(stack, check, http):
    address = verified_user(stack, http, first="Zoë", last="Ångström")
    tokens = login(http, address)
    _, claims, _ = parts_of(tokens["accessToken"])
    for _ in range(3):  # a miss, then cache hits: the same answer
        r = check(tokens["accessToken"])
        assert_accepted(r)
        assert r.header("X-Auth-User-Id") == tokens["user"]["userId"] == claims["sub"]
        assert r.header("X-Auth-Email") == address
        assert r.header("X-Auth-Name") == "Zoë Ångström"
        assert r.header("X-Auth-Mfa") == "false"
        assert r.header("X-Auth-Session-Id") == claims["sid"]
        assert r.content == b""


def test_access_cookie(check, user):
    _, tokens = user
    cookie = {"Cookie": "theme=dark; __Secure-authd_access=" + tokens["accessToken"]}
    assert_accepted(check(headers=cookie))
    # An Authorization header wins over the cookie, even a bad one.
    assert_refused(check(headers=dict(cookie, Authorization="Bearer nope")))


def test_mfa_required_only_when_nginx_asks(stack, http, user):
    _, tokens = user
    r = fcgi_get(stack, bearer(tokens["accessToken"]), {"AUTHD_REQUIRE_MFA": "1"})
    assert r.status_code == 403
    assert r.header("X-Auth-Error") == "MFA_REQUIRED" and r.json()["error"] == "MFA_REQUIRED"
    # A client cannot ask for (or waive) it with a header.
    assert_accepted(fcgi_get(stack, dict(bearer(tokens["accessToken"]),
                                         **{"AUTHD-REQUIRE-MFA": "1"})))
    address, _, _, codes = enable_mfa(stack, http)
    full = mfa_verify(http, challenge(http, address), codes[0])
    assert full.status_code == 200, full.text
    r = fcgi_get(stack, bearer(full.json()["accessToken"]), {"AUTHD_REQUIRE_MFA": "1"})
    assert_accepted(r)
    assert r.header("X-Auth-Mfa") == "true"


# --- the browser's login URL --------------------------------------------------

def test_browser_gets_the_login_url(stack):
    # As nginx's $request_uri has it: still percent-encoded by the client.
    # On the portal's own origin ([http] public_url, here the issuer's) the
    # login URL stays relative.
    portal = stack.url
    original = portal + "/demo/page?x=1&y=a%20b#top"
    r = fcgi_get(stack, params={"AUTHD_BROWSER": "1", "AUTHD_ORIGINAL_URL": original})
    assert_refused(r)
    assert r.header("X-Auth-Login") == "/login?rd=" + quote(original, safe="")
    assert "%2520b%23top" in r.header("X-Auth-Login")
    # An allowed host on another origin (an app host) is sent to the portal.
    r = fcgi_get(stack, bearer("garbage.token.here"),
                 {"AUTHD_BROWSER": "1", "AUTHD_ORIGINAL_URL": "http://localhost/app"})
    assert r.header("X-Auth-Login") == portal + "/login?rd=http%3A%2F%2Flocalhost%2Fapp"


@pytest.mark.parametrize("original", [
    "https://evil.example/demo/", "//evil.example/", "http://127.0.0.1@evil.example/",
    "javascript:alert(1)", "http://evil.example\\@127.0.0.1/", ""])
def test_browser_login_url_without_rd_off_the_allow_list(stack, original):
    r = fcgi_get(stack, params={"AUTHD_BROWSER": "1", "AUTHD_ORIGINAL_URL": original})
    assert_refused(r)
    assert r.header("X-Auth-Login") == "/login"


def test_no_login_url_unless_nginx_marks_a_browser(stack, http):
    assert fcgi_get(stack).header("X-Auth-Login") is None
    # The same words as client headers are only HTTP_* params: ignored.
    spoof = {"AUTHD-BROWSER": "1", "AUTHD-ORIGINAL-URL": "http://127.0.0.1:8080/x",
             "Accept": "text/html"}
    assert fcgi_get(stack, spoof).header("X-Auth-Login") is None
    r = http.get(url("/auth/validate"), headers=spoof)
    assert_error(r, 401, "INVALID_TOKEN")
    assert "X-Auth-Login" not in r.headers


def test_only_get_and_head_on_auth_validate(stack, user):
    _, tokens = user
    r = fcgi_get(stack, bearer(tokens["accessToken"]), method="POST")
    assert r.status_code == 405 and r.json()["error"] == "METHOD_NOT_ALLOWED"
    assert r.header("Allow") == "GET, HEAD"
    r = fcgi_get(stack, bearer(tokens["accessToken"]), method="HEAD")
    assert_accepted(r)
    assert r.header("X-Auth-User-Id") == tokens["user"]["userId"]
    r = fcgi_get(stack, bearer(tokens["accessToken"]), path="/auth/login")
    assert r.status_code == 404 and r.json()["error"] == "NOT_FOUND"


# --- revocation ---------------------------------------------------------------

def test_account_deletion(stack, check, http, user):
    _, tokens = user
    warm(check, tokens["accessToken"])
    r = http.delete(url("/users/profile"), headers=bearer(tokens["accessToken"]),
                    json={"password": PASSWORD})
    assert r.status_code == 204, r.text
    assert_refused_within_1s(check, tokens["accessToken"], time.monotonic())


def test_cached_token_still_sees_a_revocation(stack, http, user):
    """The same token checked over and over (verified once, then cache hits
    in each worker) is refused as soon as its session is revoked."""
    _, tokens = user
    for _ in range(20):
        assert_accepted(fcgi_get(stack, bearer(tokens["accessToken"])))
    assert http.post(url("/auth/logout"), headers=bearer(tokens["accessToken"])).status_code == 204
    check = lambda token: fcgi_get(stack, bearer(token))  # noqa: E731
    assert_refused_within_1s(check, tokens["accessToken"], time.monotonic())


def test_session_past_its_end_is_refused(stack, check, http, user):
    """A session's fixed end refuses its tokens, as the session check does."""
    _, tokens = user
    warm(check, tokens["accessToken"])
    stack.psql("UPDATE sessions SET expires_at = now() - interval '1 second'"
               f" WHERE id = '{sid_of(tokens['accessToken'])}'")
    assert_refused_within_1s(check, tokens["accessToken"], time.monotonic())


# --- Postgres outage ----------------------------------------------------------

def test_postgres_outage_serves_from_the_last_set_then_503(stack, http, user):
    _, tokens = user
    revoked = login(http, user[0])
    assert http.post(url("/auth/logout"), headers=bearer(revoked["accessToken"])).status_code == 204
    check = lambda token: fcgi_get(stack, bearer(token))  # noqa: E731
    assert_refused_within_1s(check, revoked["accessToken"], time.monotonic())
    warm(check, tokens["accessToken"], times=10)
    stack.dev("pg-stop")
    stopped = time.monotonic()
    try:
        seen = []
        while time.monotonic() - stopped < 12.0:
            r = check(tokens["accessToken"])
            seen.append((time.monotonic() - stopped, r.status_code))
            # A worker that read the set within the last 10 s answers from
            # it; one that has not is unsure and says so: never a 401.
            assert r.status_code in (204, 503), seen
            if r.status_code == 503:
                assert r.header("X-Auth-Error") == "SERVICE_UNAVAILABLE"
                assert r.json()["error"] == "SERVICE_UNAVAILABLE"
            # Refusing needs no database.
            assert_refused(check("garbage.token.here"))
            assert check(revoked["accessToken"]).status_code in (401, 503)
            time.sleep(0.25)
        late = [status for t, status in seen if t > 10.6]
        assert late and set(late) == {503}, seen
    finally:
        stack.dev("pg-start")
    # Each worker retries at most every 500 ms after its last failed
    # attempt, and a Postgres that is still starting refuses connections:
    # wait until six checks in a row (both workers, likely) answer from a
    # fresh set again.
    def recovered():
        return all(
            check(tokens["accessToken"]).status_code == 204
            and check(revoked["accessToken"]).status_code == 401 for _ in range(6))

    assert wait_until(recovered, timeout=15)
    assert_accepted(check(tokens["accessToken"]))
    assert_refused(check(revoked["accessToken"]))


# --- revocations, with memcached up and down ----------------------------------
# Last in the file: the memcached fixture is module-scoped, so the down
# cases run in one stretch and memcached comes back at the end of the module.

def warm(check, token, times=6):
    """Several checks, so that every validate worker has the token cached."""
    for _ in range(times):
        assert_accepted(check(token))


def assert_refused_within_1s(check, token, since):
    """Polls for at most 1 s after `since` (the revoking call's return):
    the token must be refused by then, and by every worker afterwards."""
    while True:
        r = check(token)
        if r.status_code == 401:
            break
        assert_accepted(r)
        elapsed = time.monotonic() - since
        assert elapsed < 1.0, f"still accepted {elapsed:.2f} s after the revocation"
        time.sleep(0.02)
    assert_refused(r)
    time.sleep(max(0.0, since + 1.0 - time.monotonic()))
    for _ in range(8):
        assert_refused(check(token))


def sid_of(token):
    return parts_of(token)[1]["sid"]


def test_logout(stack, check, http, memcached, user):
    _, tokens = user
    warm(check, tokens["accessToken"])
    assert http.post(url("/auth/logout"), headers=bearer(tokens["accessToken"])).status_code == 204
    assert_refused_within_1s(check, tokens["accessToken"], time.monotonic())


def test_session_delete(stack, check, http, memcached):
    address = verified_user(stack, http)
    keep, gone = login(http, address), login(http, address)
    warm(check, gone["accessToken"])
    r = http.delete(url("/auth/sessions/" + sid_of(gone["accessToken"])),
                    headers=bearer(keep["accessToken"]))
    assert r.status_code == 204, r.text
    assert_refused_within_1s(check, gone["accessToken"], time.monotonic())
    assert_accepted(check(keep["accessToken"]))


def test_refresh_reuse(stack, check, http, memcached, user):
    _, tokens = user
    fresh = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    assert fresh.status_code == 200, fresh.text
    fresh = fresh.json()
    warm(check, tokens["accessToken"])
    warm(check, fresh["accessToken"])
    # Past the grace window (aged in the database rather than waited for).
    stack.psql("UPDATE refresh_tokens SET spent_at = now() - interval '1 hour'"
               f" WHERE session_id = '{sid_of(tokens['accessToken'])}' AND spent_at IS NOT NULL")
    r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    assert_error(r, 401, "INVALID_REFRESH_TOKEN")
    since = time.monotonic()
    assert_refused_within_1s(check, fresh["accessToken"], since)
    assert_refused_within_1s(check, tokens["accessToken"], since)


def test_password_reset(stack, check, http, memcached, user):
    address, tokens = user
    warm(check, tokens["accessToken"])
    assert http.post(url("/auth/password/forgot"), json={"email": address}).status_code == 202
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    r = http.post(url("/auth/password/reset"), json={"email": address, "code": code,
                                                     "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert_refused_within_1s(check, tokens["accessToken"], time.monotonic())


def test_password_change_revokes_the_other_sessions(stack, check, http, memcached):
    address = verified_user(stack, http)
    keep, other = login(http, address), login(http, address)
    warm(check, other["accessToken"])
    r = http.post(url("/auth/password/change"), headers=bearer(keep["accessToken"]),
                  json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD})
    assert r.status_code == 200, r.text
    assert_refused_within_1s(check, other["accessToken"], time.monotonic())
    assert_accepted(check(keep["accessToken"]))
