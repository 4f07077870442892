"""Browsers and protected apps (contract sections 5 and 8): cookie mode and
its CSRF guard, the redirect allow-list, /login, /demo/ and /demo-mfa/
behind nginx auth_request, CORS."""
import pytest

from conftest import PASSWORD, assert_error, bearer, login, refused_within, url, verified_user

ORIGIN = url("")


def cookies_of(response):
    """name -> full Set-Cookie value."""
    out = {}
    for value in response.raw.headers.getlist("Set-Cookie"):
        out[value.split("=", 1)[0]] = value
    return out


def cookie_header(response):
    return "; ".join(v.split(";", 1)[0] for v in cookies_of(response).values())


def test_cookie_mode_login_refresh_logout(stack, http):
    address = verified_user(stack, http)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD,
                                            "setCookie": True})
    assert r.status_code == 200 and "accessToken" in r.json()
    c = cookies_of(r)
    access, refresh = c["__Secure-authd_access"], c["__Secure-authd_refresh"]
    for attr in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/"):
        assert attr in access, access
    assert "Domain=" not in access  # an IP host gets a host-only cookie
    for attr in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/auth/refresh"):
        assert attr in refresh, refresh
    jar = cookie_header(r)
    # The cookie authenticates GETs, the validator and the demo upstream.
    assert http.get(url("/users/profile"), headers={"Cookie": jar}).status_code == 200
    assert http.get(url("/auth/validate"), headers={"Cookie": jar}).status_code == 204
    assert http.get(url("/demo/"), headers={"Cookie": jar}).json()["X-Auth-Email"] == address
    # Refresh from the cookie alone, from the same origin.
    refresh_cookie = refresh.split(";", 1)[0]
    r2 = http.post(url("/auth/refresh"), json={"setCookie": True},
                   headers={"Cookie": refresh_cookie, "Origin": ORIGIN})
    assert r2.status_code == 200, r2.text
    assert "__Secure-authd_refresh" in cookies_of(r2)
    # Logout with the cookie clears both.
    jar2 = cookie_header(r2)
    out = http.post(url("/auth/logout"), headers={"Cookie": jar2, "Origin": ORIGIN})
    assert out.status_code == 204
    cleared = cookies_of(out)
    assert "Max-Age=0" in cleared["__Secure-authd_access"]
    assert "Max-Age=0" in cleared["__Secure-authd_refresh"]
    assert refused_within(
        lambda: http.get(url("/auth/validate"), headers={"Cookie": jar2}).status_code)


def test_csrf_guard_on_cookie_authenticated_writes(stack, http):
    address = verified_user(stack, http)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD,
                                            "setCookie": True})
    jar = cookie_header(r)
    for headers in ({}, {"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Origin": "null"}):
        res = http.put(url("/users/profile"), json={"firstName": "Mallory"},
                       headers={"Cookie": jar, **headers})
        assert_error(res, 403, "FORBIDDEN_ORIGIN")
    assert_error(http.post(url("/auth/refresh"), json={},
                           headers={"Cookie": jar, "Origin": "https://evil.example"}),
                 403, "FORBIDDEN_ORIGIN")
    ok = http.put(url("/users/profile"), json={"firstName": "Grace"},
                  headers={"Cookie": jar, "Origin": ORIGIN})
    assert ok.status_code == 200 and ok.json()["firstName"] == "Grace"
    ok = http.put(url("/users/profile"), json={"firstName": "Ada"},
                  headers={"Cookie": jar, "Sec-Fetch-Site": "same-origin"})
    assert ok.status_code == 200
    # Bearer tokens are not cookies: no origin needed.
    token = r.json()["accessToken"]
    assert http.put(url("/users/profile"), json={"firstName": "Ada"},
                    headers={**bearer(token), "Origin": "https://evil.example"}).status_code == 200


@pytest.mark.parametrize("rd", [
    "https://evil.example/", "http://evil.example/", "//evil.example/", "///evil.example",
    "http:/\\evil.example", "http://127.0.0.1@evil.example/", "http://evil.example\\@127.0.0.1/",
    "javascript:alert(1)", "data:text/html,hi", "ftp://127.0.0.1/", "http://127.0.0.1.evil.example/",
    "http://%31%32%37.0.0.1/", "http://127.0.0.1%2f@evil.example/", "/\\evil.example",
    "http://evil.example#http://127.0.0.1/", " http://127.0.0.1/", "http://127.0.0.1\t/",
    "http://localhost./", "https://localhost:99999/", "HTTP://EVIL.EXAMPLE/",
])
def test_hostile_redirects_go_home(http, rd):
    r = http.get(url("/auth/redirect"), params={"rd": rd}, allow_redirects=False)
    assert r.status_code == 302
    assert r.headers["Location"] == "/", (rd, r.headers["Location"])


@pytest.mark.parametrize("rd", ["http://127.0.0.1:8080/demo/", "https://localhost/app?x=1#f",
                                "http://LOCALHOST:3000/"])
def test_allowed_redirects(http, rd):
    r = http.get(url("/auth/redirect"), params={"rd": rd}, allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == rd


def test_demo_behind_auth_request(stack, http):
    tokens = login(http, verified_user(stack, http))
    r = http.get(url("/demo/anything?x=1"), headers={
        **bearer(tokens["accessToken"]), "X-Auth-User-Id": "forged", "X-Original-URL": "/admin",
        "X-Forwarded-For": "10.0.0.1"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["X-Auth-User-Id"] == tokens["user"]["userId"]
    assert body["X-Auth-Email"] == tokens["user"]["email"]
    assert body["X-Auth-Name"] == "Ada Lovelace"
    assert body["X-Auth-Mfa"] == "false"
    assert set(body) == {"X-Auth-User-Id", "X-Auth-Email", "X-Auth-Name", "X-Auth-Mfa",
                         "X-Auth-Session-Id"}


def test_demo_refuses_api_clients_with_json_and_browsers_with_a_redirect(http):
    r = http.get(url("/demo/"), headers={"Accept": "application/json"})
    assert_error(r, 401, "INVALID_TOKEN")
    r = http.get(url("/demo/"), headers={"X-Auth-User-Id": "forged"})
    assert r.status_code == 401
    r = http.get(url("/demo/page"), headers={"Accept": "text/html,application/xhtml+xml"},
                 allow_redirects=False)
    assert r.status_code == 302
    assert "/login" in r.headers["Location"]


def test_demo_mfa_refuses_password_only_tokens(stack, http):
    tokens = login(http, verified_user(stack, http))
    r = http.get(url("/demo-mfa/"), headers=bearer(tokens["accessToken"]))
    assert_error(r, 403, "MFA_REQUIRED")


def test_login_page(http):
    r = http.get(url("/login"))
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/html")
    assert 'id="email"' in r.text and 'id="password"' in r.text and 'id="remember"' in r.text
    # Without JavaScript the form still works: it POSTs to the page itself
    # (no action: the page's own URL, its rd= with it).
    assert '<form id="password-step" method="post" novalidate>' in r.text


def test_cors_preflight_only_for_listed_origins(stack, http):
    old = stack.reconfigure(http__cors_origins="https://app.example")
    try:
        r = http.options(url("/auth/login"), headers={
            "Origin": "https://app.example", "Access-Control-Request-Method": "POST"})
        assert r.status_code == 204
        assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
        assert "POST" in r.headers["Access-Control-Allow-Methods"]
        r = http.options(url("/auth/login"), headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert r.status_code != 204
        assert "Access-Control-Allow-Origin" not in r.headers
        r = http.get(url("/health"), headers={"Origin": "https://app.example"})
        assert r.headers["Access-Control-Allow-Origin"] == "https://app.example"
    finally:
        stack.reload_with(old)
