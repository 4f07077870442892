"""Browsers through nginx, as a browser behaves: the login form without
JavaScript, an app on another origin (the dev stack's app host, the
README's recipe), staying signed in through the refresh cookie, plain HTTP
on a real host, a group-protected location, and a validator that cannot
answer.

The client keeps cookies like a browser (Path, Max-Age, host-only across
ports) and, as browsers do for loopback hosts, keeps Secure cookies over
plain HTTP."""
import http.cookiejar
import os
import time
from urllib.parse import quote, urljoin, urlsplit

import pytest
import requests

import contract
from conftest import (PASSWORD, URL, assert_error, bearer, fresh_ip, login, session_from, url,
                      verified_user)
from test_groups import groups_cmd, refresh
from test_mfa import enable_mfa

APP = os.environ.get("AUTHD_APP_URL") or (
    f"http://127.0.0.1:{urlsplit(URL).port + 1}")
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class LoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        return True  # browsers keep Secure cookies on loopback hosts


class Browser:
    """Follows redirects and keeps cookies as a browser does.  (requests'
    own session copies its jar into one with the default policy for every
    request, which would withhold the Secure cookies.)"""

    def __init__(self):
        self.session = session_from(fresh_ip())
        self.cookies = requests.cookies.RequestsCookieJar(policy=LoopbackPolicy())

    def request(self, method, target, allow_redirects=True, headers=None, **kw):
        history = []
        while True:
            req = requests.Request(method, target, headers={"Accept": HTML, **(headers or {})},
                                   **kw).prepare()
            jar_header = requests.cookies.get_cookie_header(self.cookies, req)
            if jar_header:
                req.headers["Cookie"] = jar_header
            r = self.session.send(req, allow_redirects=False, timeout=10)
            requests.cookies.extract_cookies_to_jar(self.cookies, req, r.raw)
            if not allow_redirects or not r.is_redirect:
                r.history = history
                return r
            history.append(r)
            target = urljoin(target, r.headers["Location"])
            if r.status_code in (301, 302, 303):
                method, kw, headers = "GET", {}, None

    def get(self, target, **kw):
        return self.request("GET", target, **kw)

    def post(self, target, **kw):
        return self.request("POST", target, **kw)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.session.close()


def sign_in(b, address, rd, remember=False):
    """Submits the login form as a browser would (Origin: the portal)."""
    form = {"email": address, "password": PASSWORD, "rd": rd}
    if remember:
        form["rememberMe"] = "true"
    return b.post(url("/login"), data=form, headers={"Origin": URL})


def cookie(b, name):
    return next((c for c in b.cookies if c.name == name), None)


def test_form_login_without_javascript_lands_back_on_the_app_host(stack, http, browser):
    address = verified_user(stack, http)
    target = APP + "/reports/q3?x=1"
    r = browser.get(target, allow_redirects=False)
    assert r.status_code == 302
    login_url = url("/login?rd=") + quote(target, safe="")
    assert r.headers["Location"] == login_url
    page = browser.get(login_url)
    assert page.status_code == 200
    # The portal's page: its form has no action, so without script it posts
    # to the page's own URL, rd= in the query (its hidden rd is left empty).
    assert '<form id="password-step" method="post" novalidate>' in page.text
    mark = stack.log_mark()
    done = browser.post(login_url, data={"email": address, "password": PASSWORD, "rd": ""},
                        headers={"Origin": URL})
    assert [h.status_code for h in done.history] == [303]
    contract.check(done.history[0], "/login", "post")
    contract.check(page, "/login", "get")
    assert done.url == target
    assert done.status_code == 200, done.text
    assert done.json()["X-Auth-Email"] == address
    # The password travelled in the body only: in no URL, in no log.
    assert all(PASSWORD not in h.url and PASSWORD not in h.headers.get("Location", "")
               for h in [*done.history, done])
    assert quote(PASSWORD) not in (stack.var / "log" / "nginx-access.log").read_text()
    assert PASSWORD not in (stack.var / "log" / "nginx-access.log").read_text()
    assert PASSWORD not in str(stack.log_since(mark))


def test_form_login_refusals_show_the_form_again(stack, http, browser):
    address = verified_user(stack, http)
    r = browser.post(url("/login"), data={"email": address, "password": "Wr0ng-Horse!",
                                          "rd": APP + "/"}, headers={"Origin": URL})
    assert r.status_code == 401
    contract.check(r, "/login", "post")
    assert r.headers["Content-Type"].startswith("text/html")
    assert "The email or password is not correct." in r.text
    assert f'value="{address}"' in r.text and "Wr0ng-Horse!" not in r.text
    assert not list(browser.cookies)
    # A form posted from another site is refused before the password counts.
    r = browser.post(url("/login"), data={"email": address, "password": PASSWORD},
                     headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and "sign-in page" in r.text
    contract.check(r, "/login", "post")
    assert not list(browser.cookies)
    # Not a form: the contract's 415.
    assert_error(browser.post(url("/login"), json={"email": address, "password": PASSWORD}),
                 415, "UNSUPPORTED_MEDIA_TYPE")


def test_form_login_with_a_second_factor(stack, http, browser):
    address, _, _, backup = enable_mfa(stack, http)
    target = APP + "/mfa/"
    r = sign_in(browser, address, target)
    assert r.status_code == 200 and 'id="code-step"' in r.text
    contract.check(r, "/login", "post")
    assert not cookie(browser, "__Secure-authd_access")
    token = r.text.split('name="sessionToken" value="')[1].split('"')[0]
    wrong = browser.post(url("/login"), data={"sessionToken": token, "code": "000000",
                                              "rd": target}, headers={"Origin": URL})
    assert wrong.status_code == 401 and "That code is not valid" in wrong.text
    assert 'id="code-step"' in wrong.text
    done = browser.post(url("/login"), data={"sessionToken": token, "code": backup[0],
                                             "rd": target}, headers={"Origin": URL})
    assert done.url == target and done.status_code == 200, done.text
    assert done.json()["X-Auth-Mfa"] == "true"


def test_a_browser_stays_signed_in_through_the_refresh_cookie(stack, http, browser):
    old = stack.reconfigure(tokens__access_ttl=5)
    try:
        address = verified_user(stack, http)
        target = APP + "/dashboard"
        first = sign_in(browser, address, target, remember=True)
        assert first.status_code == 200, first.text
        session = first.json()["X-Auth-Session-Id"]
        refresh = cookie(browser, "__Secure-authd_refresh")
        assert refresh.path == "/auth/refresh"
        assert refresh.expires - time.time() > 29 * 86400  # rememberMe: 30 days
        time.sleep(6)  # the access cookie and its token are gone
        assert cookie(browser, "__Secure-authd_access").is_expired()
        again = browser.get(target)
        assert again.status_code == 200, again.text
        assert again.json()["X-Auth-Session-Id"] == session  # the same session, no new login
        hops = [urlsplit(h.url).path for h in again.history]
        assert hops == ["/dashboard", "/login", "/auth/refresh/resume"], hops
        assert all(h.request.method == "GET" for h in again.history)
    finally:
        stack.reload_with(old)


def test_a_dead_session_shows_the_form_without_looping(stack, http, browser):
    address = verified_user(stack, http)
    target = APP + "/"
    sign_in(browser, address, target)
    # Signed out everywhere (another device): the refresh cookie is dead.
    tokens = login(http, address)
    assert http.post(url("/auth/logout"), json={"allDevices": True},
                     headers=bearer(tokens["accessToken"])).status_code == 204
    for c in list(browser.cookies):
        if c.name == "__Secure-authd_access":
            browser.cookies.clear(c.domain, c.path, c.name)
    r = browser.get(target)
    assert r.status_code == 200 and 'id="password-step"' in r.text
    assert [urlsplit(h.url).path for h in r.history] == ["/", "/login", "/auth/refresh/resume"]
    assert not cookie(browser, "__Secure-authd_resume")
    assert not cookie(browser, "__Secure-authd_refresh")


def test_a_browser_sent_straight_back_after_a_resume_sees_the_form(stack, http, browser):
    # As when the app's host never gets the access cookie: no redirect loop.
    address = verified_user(stack, http)
    sign_in(browser, address, APP + "/")
    login_url = url("/login?rd=") + quote(APP + "/", safe="")
    r = browser.get(login_url, allow_redirects=False)
    assert r.headers["Location"].startswith("/auth/refresh/resume?rd=")
    contract.check(r, "/login", "get")
    r = browser.get(url(r.headers["Location"]), allow_redirects=False)
    assert r.status_code == 302 and r.headers["Location"] == APP + "/"
    contract.check(r, "/auth/refresh/resume", "get")
    mark = stack.log_mark()
    r = browser.get(login_url, allow_redirects=False)
    assert r.status_code == 200 and 'id="password-step"' in r.text
    assert stack.wait_for_log(mark, lambda e: e.get("event") == "resume_loop")


def test_plain_http_on_a_real_host_is_explained_not_looped(stack, http):
    address = verified_user(stack, http)
    real = {"Host": "auth.example.com"}
    # The page's script shows its notice where the browser is not in a
    # secure context (test_portal_login, in Chromium); authd refuses the form.
    mark = stack.log_mark()
    r = http.post(url("/login"), data={"email": address, "password": PASSWORD},
                  headers={**real, "Origin": "http://auth.example.com"})
    assert r.status_code == 400 and "Signing in needs HTTPS." in r.text
    assert "Set-Cookie" not in r.headers
    assert stack.wait_for_log(mark, lambda e: e.get("event") == "insecure_browser_login")
    # The JSON API answers as ever, and the log says why cookies will not stick.
    r = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD,
                                            "setCookie": True}, headers=real)
    assert r.status_code == 200
    assert stack.wait_for_log(mark, lambda e: e.get("event") == "insecure_cookie_login")


def test_protected_locations_answer_the_json_503_when_authd_is_down(stack, http):
    tokens = login(http, verified_user(stack, http))
    stack.dev("authd-stop")
    try:
        for base in (url("/demo/"), APP + "/"):
            for headers in ({}, bearer(tokens["accessToken"]), {"Accept": HTML}):
                assert_error(http.get(base, headers=headers, allow_redirects=False), 503,
                             "SERVICE_UNAVAILABLE")
    finally:
        stack.dev("authd-start")
    assert http.get(APP + "/", headers=bearer(tokens["accessToken"])).status_code == 200


def test_a_group_protected_location_on_the_app_host(stack, http, browser):
    address = verified_user(stack, http)
    tokens = login(http, address)
    r = http.get(APP + "/admins/", headers=bearer(tokens["accessToken"]))
    assert_error(r, 403, "GROUP_REQUIRED")
    assert "reached" not in r.text and "X-Auth-User-Id" not in r.text
    # A browser is not sent to the login page: it is signed in already.
    sign_in(browser, address, APP + "/")
    r = browser.get(APP + "/admins/")
    assert_error(r, 403, "GROUP_REQUIRED")
    groups_cmd(stack, "add", address, "admins")
    # Takes effect with the next token: a refresh (or a resume) brings it.
    tokens = refresh(http, tokens)
    r = http.get(APP + "/admins/", headers=bearer(tokens["accessToken"]))
    assert r.status_code == 200, r.text
    assert r.json()["X-Auth-Groups"] == "admins"
    # Other groups do not count; the app's other paths never needed one.
    groups_cmd(stack, "remove", address, "admins")
    groups_cmd(stack, "add", address, "staff")
    tokens = refresh(http, tokens)
    assert_error(http.get(APP + "/admins/", headers=bearer(tokens["accessToken"])), 403,
                 "GROUP_REQUIRED")
    r = http.get(APP + "/", headers=bearer(tokens["accessToken"]))
    assert r.status_code == 200 and r.json()["X-Auth-Groups"] == "staff"


def test_a_form_from_the_page_under_no_referrer_is_accepted(stack, http, browser):
    # The site sends Referrer-Policy: no-referrer, so Chromium posts the form
    # with "Origin: null"; Sec-Fetch-Site (no script can set it) decides.
    address = verified_user(stack, http)
    form = {"email": address, "password": PASSWORD, "rd": APP + "/"}
    r = browser.post(url("/login"), data=form,
                     headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and not list(browser.cookies)
    r = browser.post(url("/login"), data=form, headers={"Origin": "null"})
    assert r.status_code == 403 and not list(browser.cookies)
    r = browser.post(url("/login"), data=form,
                     headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert r.status_code == 200 and r.url == APP + "/", (r.status_code, r.url)
