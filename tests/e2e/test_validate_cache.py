"""The validator's micro-cache (issue 16): nginx's fastcgi_cache in front of
the validate pool, switched on by snippets/authd-protect-cached.conf.  The
dev stack's app host serves /demo-cached/ through it (and /demo-cached-mfa/,
/demo-cached-forwarding/), beside the uncached /mfa/ and /.

What is checked: the validator's X-Accel-Expires (only a 204 through the
cached location, never past the token's end, never for a key nginx built
differently, never where the identity is forwarded), hits that carry the
same identity as the miss, a revoked session refused through the cache
within the documented bound (1.5 s), an expired token refused on time, a
forged token or any refusal never stored, two tokens never sharing an
entry, what the location requires being part of the key, and a validator
that is down or a revoked set that is stale never turning into a cached
success.  Whether nginx answered from its cache is read from authd's own
metrics: a hit never reaches authd."""
import os
import time
from urllib.parse import urlsplit

import pytest
import requests

from conftest import URL, bearer, code_in, login, register, url, wait_until
from test_metrics import scrape, value
from test_mfa import challenge, enable_mfa, mfa_verify, totp
from test_validator import es256_sign, fcgi_get, parts_of, signing_key

pytestmark = pytest.mark.filterwarnings("ignore")

APP = os.environ.get("AUTHD_APP_URL") or f"http://127.0.0.1:{urlsplit(URL).port + 1}"
BOUND = 1.5  # README "The validator's micro-cache": the cached mode's revocation bound


def verified(stack, http, first="Zoë"):
    address = register(http, first=first, last="Cache")
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    assert http.post(url("/auth/verify-email"),
                     json={"email": address, "code": code}).status_code == 200
    return address


def cached(token, path="/demo-cached/page", headers=None):
    h = dict(headers or {})
    if token is not None:
        h.update(bearer(token))
    return requests.get(APP + path, headers=h, timeout=10, allow_redirects=False)


def answers(stack, http, outcome="allowed"):
    return value(scrape(stack, http), "authd_validator_answers_total", outcome=outcome)


def all_answers(stack, http):
    samples = scrape(stack, http)
    return sum(v for (name, _), v in samples.items() if name == "authd_validator_answers_total")


def start_of_a_second():
    """Waits for the first 150 ms of a wall-clock second: an entry stored now
    lives until the second ends, so the next few requests are hits."""
    while not 0.01 <= time.time() % 1 < 0.15:
        time.sleep(0.005)


def cache_key(mfa="", group="", authorization="", cookie=""):
    return "\n".join([mfa, group, authorization, cookie])


def through_cache(stack, token, **params):
    """The validator's answer to what the cached location sends it."""
    p = {"AUTHD_CACHE_KEY": cache_key(authorization="Bearer " + token),
         "AUTHD_REQUIRE_MFA": "", "AUTHD_REQUIRE_GROUP": "", "AUTHD_FORWARDS_IDENTITY": "0"}
    p.update(params)
    return fcgi_get(stack, bearer(token), params=p)


@pytest.fixture
def user(stack, http):
    address = verified(stack, http)
    return address, login(http, address)


# --- the validator's say -------------------------------------------------------

def test_a_204_through_the_cached_location_may_be_kept_until_the_second_ends(stack, http, user):
    _, tokens = user
    before = time.time()
    r = through_cache(stack, tokens["accessToken"])
    after = time.time()
    assert r.status_code == 204
    expires = r.header("X-Accel-Expires")
    assert expires.startswith("@"), expires
    # The last second nginx may serve it in: the one the answer was made
    # in (a budget of one second, ending on a whole second).
    assert int(before) <= int(expires[1:]) <= int(after)


def test_the_uncached_location_gets_no_cache_header(stack, user):
    _, tokens = user
    r = fcgi_get(stack, bearer(tokens["accessToken"]))
    assert r.status_code == 204
    assert r.header("X-Accel-Expires") is None


def test_nothing_else_may_be_kept(stack, http, user):
    address, tokens = user
    token = tokens["accessToken"]
    # A key that is not what authd read (nginx keyed on another header).
    r = through_cache(stack, token, AUTHD_CACHE_KEY=cache_key(authorization="Bearer other"))
    assert (r.status_code, r.header("X-Accel-Expires")) == (204, "0")
    # A requirement left out of the key.
    r = through_cache(stack, token, AUTHD_REQUIRE_GROUP="",
                      AUTHD_CACHE_KEY=cache_key(mfa="0", authorization="Bearer " + token))
    assert (r.status_code, r.header("X-Accel-Expires")) == (204, "0")
    # A location that forwards the identity: every request must be seen.
    r = through_cache(stack, token, AUTHD_FORWARDS_IDENTITY="1")
    assert (r.status_code, r.header("X-Accel-Expires")) == (204, "0")
    # Refusals: a forged token, no token, MFA_REQUIRED, FORBIDDEN_HEADER.
    h, p, sig = token.split(".")
    forged = f"{h}.{p}.{sig[:20]}{'B' if sig[20] == 'A' else 'A'}{sig[21:]}"
    r = through_cache(stack, forged)
    assert (r.status_code, r.header("X-Accel-Expires")) == (401, "0")
    r = fcgi_get(stack, {}, params={"AUTHD_CACHE_KEY": cache_key()})
    assert (r.status_code, r.header("X-Accel-Expires")) == (401, "0")
    r = through_cache(stack, token, AUTHD_REQUIRE_MFA="1",
                      AUTHD_CACHE_KEY=cache_key(mfa="1", authorization="Bearer " + token))
    assert (r.status_code, r.header("X-Accel-Expires")) == (403, "0")
    p2 = {"AUTHD_CACHE_KEY": cache_key(authorization="Bearer " + token),
          "AUTHD_FORWARDS_IDENTITY": "1"}
    r = fcgi_get(stack, dict(bearer(token), **{"X-Auth-Role": "admin"}), params=p2)
    assert (r.status_code, r.header("X-Accel-Expires")) == (403, "0")
    # A revoked session.
    assert http.post(url("/auth/logout"), headers=bearer(token)).status_code == 204
    assert wait_until(lambda: through_cache(stack, token).status_code == 401, timeout=2)
    assert through_cache(stack, token).header("X-Accel-Expires") == "0"


def test_never_past_the_tokens_end(stack, http, user):
    _, tokens = user
    header, claims, _ = parts_of(tokens["accessToken"])
    own = signing_key(stack, header)
    start_of_a_second()
    now = int(time.time())
    # Refused from now + 1 on: the entry may live through this second only.
    short = es256_sign(own, header, dict(claims, exp=now + 1))
    r = through_cache(stack, short)
    assert r.status_code == 204
    assert r.header("X-Accel-Expires") == f"@{now}"


# --- through nginx -------------------------------------------------------------

def test_a_hit_carries_the_identity_of_the_miss(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    uncached = requests.get(APP + "/page", headers=bearer(token), timeout=10)
    assert uncached.status_code == 200
    start_of_a_second()
    before = answers(stack, http)
    miss = cached(token)
    hits = [cached(token) for _ in range(5)]
    reached = answers(stack, http) - before
    assert miss.status_code == 200 and miss.json()["app"] == "demo"
    assert "Zo\u00eb" in miss.content.decode("utf-8")
    for hit in hits:
        assert hit.status_code == 200
        assert hit.content == miss.content == uncached.content
    # One check reached authd (two, if the second ended in between).
    assert 1 <= reached <= 2, reached


def test_the_cache_files_never_hold_a_token(stack, http, user):
    """nginx writes each entry's key into its file: there it is a keyed
    SHA-256 of the key (set-misc), never the token or the cookie."""
    _, tokens = user
    token = tokens["accessToken"]
    cookie = {"Cookie": f"__Secure-authd_access={token}; theme=dark"}
    for headers in ({}, cookie):
        start_of_a_second()
        assert cached(None if headers else token, headers=headers).status_code == 200
        assert cached(None if headers else token, headers=headers).status_code == 200
    cache_dir = stack.var / "nginx" / "validate-cache"
    files = [f for f in cache_dir.rglob("*") if f.is_file()]
    assert files, "nothing was cached"
    secret = token.split(".")[2].encode()  # the signature: in no file
    for f in files:
        data = f.read_bytes()
        assert secret not in data and b"theme=dark" not in data, f


def test_a_revoked_session_is_refused_within_the_bound(stack, http):
    address = verified(stack, http)
    for _ in range(3):
        token = login(http, address)["accessToken"]
        for _ in range(5):
            assert cached(token).status_code == 200
        assert http.post(url("/auth/logout"), headers=bearer(token)).status_code == 204
        revoked = time.monotonic()
        while cached(token).status_code != 401:
            assert time.monotonic() - revoked <= BOUND, "still admitted past the bound"
            time.sleep(0.01)
        # And for good, from every worker and every entry.
        time.sleep(max(0.0, revoked + BOUND - time.monotonic()))
        assert all(cached(token).status_code == 401 for _ in range(6))


def test_an_expired_token_is_refused_on_time(stack, http, user):
    _, tokens = user
    header, claims, _ = parts_of(tokens["accessToken"])
    own = signing_key(stack, header)
    exp = int(time.time()) + 2
    token = es256_sign(own, header, dict(claims, exp=exp))
    seen = []
    while time.time() < exp + 1.0:
        r = cached(token)
        t = time.time()
        seen.append((round(t - exp, 3), r.status_code))
        if t < exp - 0.05:
            assert r.status_code == 200, seen
        if t - r.elapsed.total_seconds() >= exp:  # sent after exp
            assert r.status_code == 401, seen
            assert r.json()["error"] == "TOKEN_EXPIRED"
        time.sleep(0.02)
    assert seen[-1][1] == 401


def test_a_forged_token_is_never_cached(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    assert cached(token).status_code == 200  # the real one is in the cache
    h, p, sig = token.split(".")
    forged = f"{h}.{p}.{sig[:20]}{'B' if sig[20] == 'A' else 'A'}{sig[21:]}"
    start_of_a_second()
    before = answers(stack, http, "invalid_token")
    for _ in range(5):
        r = cached(forged)
        assert r.status_code == 401 and r.json()["error"] == "INVALID_TOKEN"
    # Every one of them was checked by authd: no refusal is stored.
    assert answers(stack, http, "invalid_token") - before == 5
    before = answers(stack, http, "invalid_token")
    for _ in range(3):
        assert cached(None).status_code == 401
    assert answers(stack, http, "invalid_token") - before == 3


def test_two_tokens_never_share_an_entry(stack, http):
    first = verified(stack, http, first="Ada")
    second = verified(stack, http, first="Grace")
    a = login(http, first)["accessToken"]
    b = login(http, second)["accessToken"]
    a2 = login(http, first)["accessToken"]  # the same user, another session
    ids = {}
    start_of_a_second()
    for _ in range(4):
        for name, token in (("a", a), ("b", b), ("a2", a2)):
            body = cached(token).json()
            ids.setdefault(name, set()).add((body["X-Auth-Email"], body["X-Auth-Session-Id"]))
    assert all(len(v) == 1 for v in ids.values()), ids
    (ea, sa), = ids["a"]
    (eb, sb), = ids["b"]
    (ea2, sa2), = ids["a2"]
    assert (ea, ea2, eb) == (first, first, second)
    assert len({sa, sb, sa2}) == 3
    # The cookie is a credential of its own.
    body = requests.get(APP + "/demo-cached/page", timeout=10,
                        cookies={"__Secure-authd_access": b}).json()
    assert body["X-Auth-Email"] == second


def test_what_the_location_requires_is_part_of_the_key(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    start_of_a_second()
    assert cached(token).status_code == 200
    r = cached(token, "/demo-cached-mfa/page")
    assert r.status_code == 403 and r.json()["error"] == "MFA_REQUIRED"
    r = cached(token, "/demo-cached-mfa/page")
    assert r.status_code == 403 and r.json()["error"] == "MFA_REQUIRED"
    # A token with a second factor passes both, hit or miss.
    address, _, setup, _ = enable_mfa(stack, http)
    r = mfa_verify(http, challenge(http, address), totp(setup["secret"], +1))
    assert r.status_code == 200, r.text
    otp = r.json()["accessToken"]
    for path in ("/demo-cached-mfa/page", "/demo-cached/page") * 2:
        assert cached(otp, path).status_code == 200


def test_a_forwarding_location_checks_every_request(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    start_of_a_second()
    assert cached(token).status_code == 200  # cached for /demo-cached/
    r = cached(token, "/demo-cached-forwarding/page", {"X-Auth-Role": "admin"})
    assert r.status_code == 403 and r.json()["error"] == "FORBIDDEN_HEADER"
    before = answers(stack, http)
    for _ in range(3):
        assert cached(token, "/demo-cached-forwarding/page").status_code == 200
    assert answers(stack, http) - before == 3


def test_a_stale_revoked_set_is_never_cached(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    assert cached(token).status_code == 200
    stack.dev("pg-stop")
    try:
        # Every entry made before the stop has ended (each lives at most 1 s),
        # and each worker's set is older than its refresh interval.
        time.sleep(1.2)
        before = all_answers(stack, http)
        codes = [cached(token).status_code for _ in range(6)]
        assert set(codes) <= {200, 503}, codes
        # Answered from the last set, but each one by authd.
        assert all_answers(stack, http) - before == 6
    finally:
        stack.dev("pg-start")
    assert wait_until(lambda: all(cached(token).status_code == 200 for _ in range(4)),
                      timeout=15)


def test_a_validator_that_is_down_is_not_a_cached_success(stack, http, user):
    _, tokens = user
    token = tokens["accessToken"]
    other = login(http, user[0])["accessToken"]
    assert cached(token).status_code == 200
    stack.dev("authd-stop")
    try:
        # A token that is not in the cache: refused at once.
        r = cached(other)
        assert r.status_code == 503 and r.json()["error"] == "SERVICE_UNAVAILABLE"
        # The cached one: at most until its second ends.
        time.sleep(1.05)
        r = cached(token)
        assert r.status_code == 503, r.text
        # /health says so too, and nothing of it is cached as a success.
        assert requests.get(URL + "/health", timeout=10).status_code != 200
    finally:
        stack.dev("authd-start")
    # The 503s were not stored: authd answers as soon as it is back.
    assert wait_until(lambda: cached(other).status_code == 200, timeout=15)
    assert cached(token).status_code == 200
