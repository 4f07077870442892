"""The portal's pages (web/, served by nginx) in a real headless Chromium:
sign up with the password rules ticked off as they are typed, the mailed
code, the account page (name, sessions, two-factor on with the code
computed here from the shown key, backup codes), a session revoked from
another browser, forgot and reset.  The pages' headers: a CSP without
'unsafe-inline', revalidated caching (ETag, 304), no token in web storage.

Every page is saved at 1280 and 375 px wide under the build folder
(<build>/screenshots/portal-*.png) for a person to look at."""
import html.parser
import pathlib
import re
import subprocess
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests
from selenium.webdriver.common.by import By

from conftest import PASSWORD, code_in, new_email, url, verified_user
from test_chromium import chromium, wait_for


@pytest.fixture(scope="module")
def shots(stack):
    d = pathlib.Path(stack.env()["BUILD"]) / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture
def driver():
    d = chromium()
    yield d
    d.quit()


def totp(secret, step_offset=0):
    when = time.gmtime((int(time.time()) // 30 + step_offset) * 30 + 1)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", when)
    return subprocess.run(["oathtool", "--totp", "-b", "--now", stamp, secret], check=True,
                          capture_output=True, text=True).stdout.strip()


def path_of(d):
    return urlsplit(d.current_url).path


def fill(d, element_id, text):
    field = d.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def submit(d, form_id):
    d.find_element(By.CSS_SELECTOR, f"#{form_id} button[type=submit]").click()


def visible_text(d, css):
    return " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed())


def sign_in(d, address, password=PASSWORD, code=None):
    """Through the login page to the account page (its rd)."""
    d.get(url("/login?rd=") + quote(url("/account"), safe=""))
    fill(d, "email", address)
    fill(d, "password", password)
    d.find_element(By.CSS_SELECTOR, "#password-step button[type=submit]").click()
    if code is not None:
        assert wait_for(lambda: d.find_element(By.ID, "code").is_displayed())
        fill(d, "code", code)
        d.find_element(By.CSS_SELECTOR, "#code-step button[type=submit]").click()
    assert wait_for(lambda: path_of(d) == "/account"), d.current_url
    assert wait_for(lambda: address in d.find_element(By.ID, "whoami").text)


def test_sign_up_verify_sign_in_and_use_the_account_page(stack, driver, shots):
    d = driver
    address = new_email("portal")
    d.get(url("/signup"))
    assert wait_for(lambda: len(d.find_elements(By.CSS_SELECTOR, "#password-rules li")) >= 6)
    d.save_screenshot(str(shots / "portal-signup-empty.png"))
    fill(d, "firstName", "Ada")
    fill(d, "lastName", "Lovelace")
    fill(d, "email", address)
    # The rules tick off as the password grows, as the server will judge it.
    fill(d, "password", "abc")
    met = lambda: {e.get_attribute("data-rule") for e in
                   d.find_elements(By.CSS_SELECTOR, "#password-rules li.met")}
    assert met() == {"lower", "personal"}
    fill(d, "password", "ada-Lovelace1")  # contains a name: every rule but that one
    assert "personal" not in met() and {"length", "upper", "lower", "digit", "symbol"} <= met()
    # The server says the same, next to the field, and nothing typed is lost.
    submit(d, "signup")
    assert wait_for(lambda: d.find_element(By.ID, "password-error").text)
    assert "email or name" in d.find_element(By.ID, "password-error").text
    assert d.find_element(By.ID, "email").get_attribute("value") == address
    assert d.find_element(By.ID, "password").get_attribute("aria-invalid") == "true"
    d.save_screenshot(str(shots / "portal-signup-error.png"))
    fill(d, "password", PASSWORD)
    assert {"length", "upper", "lower", "digit", "symbol", "personal"} <= met()
    submit(d, "signup")

    assert wait_for(lambda: path_of(d) == "/verify"), d.current_url
    assert d.find_element(By.ID, "email").get_attribute("value") == address
    assert "you can ask again" in d.find_element(By.ID, "cooldown").text
    assert not d.find_element(By.ID, "resend-button").is_enabled()
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    # Pasted with a space, as mail clients copy it.
    d.find_element(By.ID, "code").send_keys(code[:3] + " " + code[3:])
    assert d.find_element(By.ID, "code").get_attribute("value") == code
    submit(d, "verify")
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url

    sign_in(d, address)
    assert not d.execute_script("return localStorage.length + sessionStorage.length")
    assert d.find_element(By.ID, "firstName").get_attribute("value") == "Ada"
    sessions = d.find_elements(By.CSS_SELECTOR, "#sessions li")
    assert len(sessions) == 1 and "This device" in sessions[0].text
    fill(d, "firstName", "Augusta Ada")
    submit(d, "profile")
    assert wait_for(lambda: "saved" in visible_text(d, "#profile .alert"))
    r = requests.Session()
    assert r.post(url("/auth/login"), json={"email": address, "password": PASSWORD}
                  ).json()["user"]["firstName"] == "Augusta Ada"

    # Two-factor on: the key shown on the page, a code computed here from it.
    fill(d, "setup-password", PASSWORD)
    submit(d, "mfa-setup")
    assert wait_for(lambda: d.find_element(By.ID, "secret").text)
    assert d.find_element(By.ID, "qr").get_attribute("src").startswith("data:image/png;base64,")
    d.save_screenshot(str(shots / "portal-account-mfa-setup.png"))
    secret = d.find_element(By.ID, "secret").text.replace(" ", "")
    fill(d, "confirm-code", totp(secret))
    submit(d, "mfa-confirm")
    assert wait_for(lambda: d.find_element(By.ID, "backup-codes").is_displayed())
    codes = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes)
    d.save_screenshot(str(shots / "portal-account-backup-codes.png"))
    d.find_element(By.ID, "codes-saved").click()
    assert not d.find_elements(By.CSS_SELECTOR, "#codes li")  # shown once
    assert d.find_element(By.ID, "mfa-status").text == "On"

    # Signed out; a protected page sends the browser to the login page, and
    # the password and a TOTP code bring it back there.
    d.find_element(By.ID, "signout").click()
    assert wait_for(lambda: path_of(d) == "/login")
    d.get(url("/demo/"))
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url
    assert parse_qs(urlsplit(d.current_url).query)["rd"] == [url("/demo/")]
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    d.find_element(By.CSS_SELECTOR, "#password-step button[type=submit]").click()
    assert wait_for(lambda: d.find_element(By.ID, "code").is_displayed())
    fill(d, "code", totp(secret, +1))
    d.find_element(By.CSS_SELECTOR, "#code-step button[type=submit]").click()
    assert wait_for(lambda: path_of(d) == "/demo/"), d.current_url
    assert address in d.find_element(By.TAG_NAME, "body").text
    d.get(url("/account"))
    assert wait_for(lambda: d.find_element(By.ID, "mfa-status").text == "On")
    # A backup code from the set shown once works on the API.
    r = requests.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    token = r.json()["sessionToken"]
    r = requests.post(url("/auth/mfa/verify"), json={"sessionToken": token, "code": codes[0]})
    assert r.status_code == 200, r.text


def test_a_session_revoked_from_another_browser_is_signed_out(stack, http, shots):
    address = verified_user(stack, http)
    first, second = chromium(), chromium()
    try:
        sign_in(first, address)
        sign_in(second, address)
        items = second.find_elements(By.CSS_SELECTOR, "#sessions li")
        assert len(items) == 2
        other = next(li for li in items if "This device" not in li.text)
        other.find_element(By.TAG_NAME, "button").click()
        assert wait_for(lambda: len(second.find_elements(By.CSS_SELECTOR, "#sessions li")) == 1)
        time.sleep(1.2)  # the revocation bound (README): every validator knows by now
        # The first browser's next action finds its session gone.
        fill(first, "firstName", "Someone")
        submit(first, "profile")
        assert wait_for(lambda: path_of(first) == "/login"), first.current_url
        assert parse_qs(urlsplit(first.current_url).query)["rd"] == [url("/account")]
    finally:
        first.quit()
        second.quit()


def test_the_account_page_keeps_working_past_the_access_token_life(stack, http, driver):
    """The access cookie expires (access_ttl 5 s here): the page's next call
    is refused, renewed through the refresh cookie, and made again."""
    old = stack.reconfigure(tokens__access_ttl=5)
    try:
        d = driver
        address = verified_user(stack, http)
        sign_in(d, address)
        time.sleep(6)
        fill(d, "firstName", "Later")
        submit(d, "profile")
        assert wait_for(lambda: "saved" in visible_text(d, "#profile .alert")), \
            visible_text(d, "#profile .alert")
        assert path_of(d) == "/account"
        r = requests.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
        assert r.json()["user"]["firstName"] == "Later"
    finally:
        stack.reload_with(old)


@pytest.mark.parametrize("rd", ["https://evil.example/", "//evil.example/x",
                                "javascript:alert(1)", "http://127.0.0.1.evil.example/"])
def test_a_hostile_rd_never_leaves_the_allow_list(stack, http, driver, rd):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/login?rd=") + quote(rd, safe=""))
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    d.find_element(By.CSS_SELECTOR, "#password-step button[type=submit]").click()
    # /auth/redirect sends a refused rd to "/", which is the account page.
    assert wait_for(lambda: path_of(d) == "/account"), d.current_url
    where = urlsplit(d.current_url)
    assert where.scheme == "http" and where.netloc == urlsplit(url("/")).netloc, d.current_url
    assert "evil" not in d.current_url


def test_forgot_and_reset_then_sign_in_with_the_new_password(stack, http, driver, shots):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/forgot"))
    fill(d, "email", address)
    submit(d, "forgot")
    assert wait_for(lambda: path_of(d) == "/reset"), d.current_url
    assert d.find_element(By.ID, "email").get_attribute("value") == address
    code = code_in(stack.wait_for_mail(address, "password_reset"))
    fill(d, "code", code)
    fill(d, "newPassword", "N3w-Password!")
    submit(d, "reset")
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url
    sign_in(d, address, password="N3w-Password!")


def test_a_wrong_code_is_said_next_to_the_form_and_kept(stack, http, driver):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/reset?email=") + quote(address))
    fill(d, "code", "000000")
    fill(d, "newPassword", "N3w-Password!")
    submit(d, "reset")
    assert wait_for(lambda: "code is not right" in visible_text(d, "#reset .alert"))
    assert d.find_element(By.ID, "code").get_attribute("value") == "000000"
    assert d.find_element(By.ID, "newPassword").get_attribute("value") == "N3w-Password!"


PAGES = ["/signup", "/verify", "/forgot", "/reset", "/account"]


@pytest.mark.parametrize("path", ["/login", *PAGES])
def test_pages_are_static_with_a_strict_csp_and_revalidated(stack, path):
    mark = stack.log_mark()
    r = requests.get(url(path))
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = r.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Request-Id"]
    if path == "/login":
        # The contract's page: no-store, as every answer it describes; its
        # form may be sent on to an app's host (no form-action).
        assert r.headers["Cache-Control"] == "no-store" and "form-action" not in csp
    else:
        assert r.headers["Cache-Control"] == "no-cache" and "form-action 'self'" in csp
        again = requests.get(url(path), headers={"If-None-Match": r.headers["ETag"]})
        assert again.status_code == 304
    # nginx served it: authd's workers never saw the request.
    time.sleep(0.2)
    assert not [e for e in stack.log_since(mark) if e.get("path") == path], stack.log_since(mark)
    # No inline script or style that the CSP would have to allow.
    assert not re.search(r"<script(?![^>]*\bsrc=)", r.text) and "style=" not in r.text
    assert "<style" not in r.text
    for asset in re.findall(r'(?:src|href)="(/portal/[^"]+)"', r.text):
        a = requests.get(url(asset))
        assert a.status_code == 200 and a.headers["Cache-Control"] == "no-cache", asset
        assert a.headers["Content-Type"].split(";")[0] in ("text/css", "text/javascript")


class Inputs(html.parser.HTMLParser):
    """Each input of a page with its attributes, and the ids labels name."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labelled, self.in_label = [], set(), 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.labelled.add(a["for"])
        elif tag == "input":
            self.inputs.append((a, self.in_label > 0))

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


AUTOCOMPLETE = {"email": {"username"}, "password": {"current-password", "new-password"}}


@pytest.mark.parametrize("path", ["/login", *PAGES])
def test_every_input_has_a_label_and_what_password_managers_read(path):
    page = Inputs()
    page.feed(requests.get(url(path)).text)
    assert page.inputs
    for attrs, wrapped in page.inputs:
        kind = attrs.get("type", "text")
        if kind == "hidden" or "hidden" in attrs:  # the password managers' username
            continue
        assert wrapped or attrs.get("id") in page.labelled, (path, attrs)
        if kind in AUTOCOMPLETE:
            assert attrs.get("autocomplete") in AUTOCOMPLETE[kind], (path, attrs)
        if attrs.get("name") == "code":
            assert attrs.get("autocomplete") == "one-time-code", (path, attrs)
        if attrs.get("name") == "newPassword":
            assert attrs.get("autocomplete") == "new-password", (path, attrs)


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 812), (320, 640)])
def test_every_page_fits_and_is_saved_as_a_screenshot(stack, http, shots, width, height):
    d = chromium(width=width, height=height)
    try:
        for path in PAGES[:-1]:
            d.get(url(path) + "?email=ada%40example.com")
            assert wait_for(lambda: d.find_elements(By.CSS_SELECTOR, "main h1"))
            time.sleep(0.3)  # the policy list on /signup and /reset
            d.save_screenshot(str(shots / f"portal-{path[1:]}-{width}.png"))
            assert d.execute_script(
                "return document.documentElement.scrollWidth") <= width, path
        sign_in(d, verified_user(stack, http))
        d.save_screenshot(str(shots / f"portal-account-{width}.png"))
        assert d.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        d.quit()
