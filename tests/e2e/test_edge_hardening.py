"""Small hardening at the edges (issue 12, item 10): an Authorization
header of another scheme does not hide the access cookie; the login page's
CSP allows its own style by hash, not 'unsafe-inline'; a protected prefix
asked for without its trailing slash is checked like the rest, not
answered by nginx with its own unauthenticated HTML 301; and a client's
X-Auth-* header that nginx does not overwrite never reaches a protected
app."""
import base64
import hashlib
import os
import re
from urllib.parse import urlsplit

import pytest

import contract
from conftest import PASSWORD, URL, assert_error, bearer, login, url, verified_user

APP = os.environ.get("AUTHD_APP_URL") or f"http://127.0.0.1:{urlsplit(URL).port + 1}"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
IDENTITY = {"X-Auth-User-Id", "X-Auth-Email", "X-Auth-Name", "X-Auth-Mfa", "X-Auth-Session-Id"}


def access_cookie(stack, http):
    address = verified_user(stack, http)
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD,
                                            "setCookie": True})
    assert r.status_code == 200, r.text
    value = next(v for v in r.raw.headers.getlist("Set-Cookie")
                 if v.startswith("__Secure-authd_access="))
    return address, value.split(";", 1)[0]


# --- Authorization of another scheme ------------------------------------------

def test_basic_authorization_does_not_hide_the_access_cookie(stack, http):
    address, cookie = access_cookie(stack, http)
    basic = "Basic " + base64.b64encode(b"user:pass").decode()
    r = http.get(url("/auth/validate"), headers={"Authorization": basic, "Cookie": cookie})
    assert r.status_code == 204, (r.status_code, r.text)
    assert r.headers["X-Auth-Email"] == address
    # The API pool reads credentials the same way.
    assert http.get(url("/users/profile"),
                    headers={"Authorization": basic, "Cookie": cookie}).status_code == 200
    # An app behind a login of its own (Basic) in front of authd's check.
    r = http.get(APP + "/reports/", headers={"Authorization": basic, "Cookie": cookie})
    assert r.status_code == 200, r.text
    assert r.json()["X-Auth-Email"] == address


def test_a_bearer_header_still_wins_over_the_cookie(stack, http):
    _, cookie = access_cookie(stack, http)
    r = http.get(url("/auth/validate"), headers={"Authorization": "Bearer not-a-token",
                                                 "Cookie": cookie})
    assert_error(r, 401, "INVALID_TOKEN")
    # Basic without a cookie stays a malformed credential.
    r = http.get(url("/auth/validate"), headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert_error(r, 401, "INVALID_TOKEN")
    assert r.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


# --- the login page's CSP -----------------------------------------------------

@pytest.mark.parametrize("path", ["/login/done", "/login?rd=x"])
def test_login_page_csp_allows_its_style_by_hash_only(http, path):
    # authd's own pages: /login/done, and the form of /login for a browser
    # with the resume hint (the portal's static /login: test_portal).
    r = http.get(url(path), headers={"Cookie": "__Secure-authd_resume=1; __Secure-authd_resumed=1"})
    assert r.status_code == 200
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
    styles = re.findall(r"<style>(.*?)</style>", r.text, re.S)
    assert styles, r.text
    sources = re.search(r"style-src ([^;]*)", csp).group(1).split()
    for style in styles:
        digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources, (sources, digest)
    assert 'style="' not in r.text  # a style attribute would need 'unsafe-inline'


# --- a protected prefix without its slash -------------------------------------

@pytest.mark.parametrize("base,path", [(URL, "/demo"), (URL, "/demo-mfa"), (APP, "/mfa"),
                                       (APP, "/admins")])
def test_a_protected_prefix_without_its_slash_is_protected_too(stack, http, base, path):
    # An API client without a token: the JSON 401, not nginx's HTML 301.
    r = http.get(base + path, allow_redirects=False)
    assert_error(r, 401, "INVALID_TOKEN")
    assert "<html" not in r.text.lower()
    # A browser: to the login page, as under the prefix.
    r = http.get(base + path, headers={"Accept": HTML}, allow_redirects=False)
    assert r.status_code == 302 and "/login" in r.headers["Location"], r.headers
    # Signed in: what the prefix's location would do.
    tokens = login(http, verified_user(stack, http))
    r = http.get(base + path, headers=bearer(tokens["accessToken"]), allow_redirects=False)
    if path in ("/demo-mfa", "/mfa"):
        assert_error(r, 403, "MFA_REQUIRED")
    elif path == "/admins":
        assert_error(r, 403, "GROUP_REQUIRED")
    else:
        assert r.status_code == 200, r.text
        assert r.json()["X-Auth-Email"] == tokens["user"]["email"]


# --- X-Auth-* headers from the client -----------------------------------------

def test_known_identity_headers_from_the_client_are_overwritten(stack, http):
    tokens = login(http, verified_user(stack, http))
    forged = {name: "forged" for name in IDENTITY | {"X-Auth-Groups"}}
    for base in (URL + "/demo/", APP + "/"):
        r = http.get(base, headers={**bearer(tokens["accessToken"]), **forged})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["X-Auth-User-Id"] == tokens["user"]["userId"]
        assert body["X-Auth-Email"] == tokens["user"]["email"]
        assert body["X-Auth-Mfa"] == "false"
        assert "forged" not in r.text


@pytest.mark.parametrize("header", ["X-Auth-Role", "x-auth-admin", "X-Auth-Error",
                                    "X-Auth-User"])
def test_other_x_auth_headers_never_reach_a_proxied_app(stack, http, header):
    tokens = login(http, verified_user(stack, http))
    r = http.get(APP + "/reports/", headers={**bearer(tokens["accessToken"]), header: "admin"})
    assert_error(r, 403, "FORBIDDEN_HEADER")
    assert "admin" not in r.text
    # A browser is told the same (a login would not help).
    r = http.get(APP + "/reports/", headers={header: "admin", "Accept": HTML},
                 allow_redirects=False)
    assert r.status_code == 403
    # Without the header the same request passes.
    r = http.get(APP + "/reports/", headers=bearer(tokens["accessToken"]))
    assert r.status_code == 200 and r.json()["X-Auth-Email"] == tokens["user"]["email"]


def test_the_demo_upstream_keeps_the_contracts_answer(stack, http):
    """authd's own /demo/ echo reads only the identity headers, so nginx
    does not ask the validator to refuse others there: contract section 8's
    200 with the X-Auth-* headers nginx set."""
    tokens = login(http, verified_user(stack, http))
    r = http.get(url("/demo/"), headers={**bearer(tokens["accessToken"]), "X-Auth-Role": "admin"})
    assert r.status_code == 200, r.text
    assert set(r.json()) == IDENTITY
    contract.check(r, "/demo/", "get")
    # The public token check is not a gate in front of an app either.
    r = http.get(url("/auth/validate"), headers={**bearer(tokens["accessToken"]),
                                                 "X-Auth-Role": "admin"})
    assert r.status_code == 204
