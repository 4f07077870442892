"""The portal's login page (web/login.html, served by nginx) in a real
headless Chromium: where it goes after sign-in, the keyboard, the lockout
and rate-limit answers as sentences with their wait, a backup code for the
second step, the notice over plain HTTP on a real host, and the warning
before a session ends.  Screenshots land in <build>/screenshots."""
import json
import re
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import PASSWORD, URL, code_in, url, verified_user
from test_chromium import chromium, wait_for
from test_mfa import enable_mfa
from test_portal import driver, fill, path_of, shots, sign_in, submit, visible_text  # noqa: F401


def alert(d, form="password-step"):
    return visible_text(d, f"#{form} .alert")


def test_without_rd_the_login_page_goes_on_to_the_account_page_by_keyboard(stack, http, driver):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/login"))
    # The page puts the cursor in the email field; Tab and Enter do the rest.
    assert wait_for(lambda: d.switch_to.active_element.get_attribute("id") == "email")
    d.switch_to.active_element.send_keys(address, Keys.TAB)
    focused = d.switch_to.active_element
    assert focused.get_attribute("id") == "password"
    # Keyboard focus is visible (portal.css :focus-visible).
    assert d.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"
    focused.send_keys(PASSWORD, Keys.ENTER)
    assert wait_for(lambda: path_of(d) == "/account"), d.current_url
    assert wait_for(lambda: address in d.find_element(By.ID, "whoami").text)
    # Back on the login page with a live session: straight on, no form.
    d.get(url("/login"))
    assert wait_for(lambda: path_of(d) == "/account"), d.current_url


def test_wrong_passwords_lock_and_the_page_says_for_how_long(stack, http, driver, shots):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/login"))
    fill(d, "email", address)
    for attempt in range(5):
        fill(d, "password", f"Wr0ng-Horse!{attempt}")
        submit(d, "password-step")
        assert wait_for(lambda: "do not match" in alert(d)), alert(d)
        # Nothing typed is lost but the password is as the person left it.
        assert d.find_element(By.ID, "email").get_attribute("value") == address
        d.execute_script("document.querySelector('#password-step .alert').hidden = true")
    fill(d, "password", PASSWORD)  # the right one, now too late
    submit(d, "password-step")
    assert wait_for(lambda: "locked" in alert(d)), alert(d)
    # The wait is Retry-After's, in words (the test profile's lock is short).
    assert re.search(r"Try again in \d+ (second|minute)s?, or reset your password", alert(d)), alert(d)
    d.save_screenshot(str(shots / "portal-login-locked.png"))
    assert path_of(d) == "/login"


def test_a_rate_limited_sign_in_says_when_to_try_again(stack, http, driver):
    d = driver
    address = verified_user(stack, http)
    d.get(url("/login"))
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    old = stack.reconfigure(limits__login_per_ip=1)
    try:
        submit(d, "password-step")
        assert wait_for(lambda: "Too many attempts from this network" in alert(d)), alert(d)
        assert "Try again in " in alert(d) and ("minute" in alert(d) or "second" in alert(d))
        assert d.find_element(By.ID, "password").get_attribute("value") == PASSWORD
    finally:
        stack.reload_with(old)


def test_the_second_step_takes_a_backup_code_and_says_a_wrong_one(stack, http, driver, shots):
    d = driver
    address, _, _, backup = enable_mfa(stack, http)
    d.get(url("/login?rd=") + quote(url("/demo-mfa/"), safe=""))
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    submit(d, "password-step")
    assert wait_for(lambda: d.find_element(By.ID, "code-step").is_displayed())
    assert d.find_element(By.ID, "code").get_attribute("autocomplete") == "one-time-code"
    assert d.switch_to.active_element.get_attribute("id") == "code"
    d.save_screenshot(str(shots / "portal-login-code.png"))
    fill(d, "code", "000000")
    submit(d, "code-step")
    assert wait_for(lambda: "code is not right" in alert(d, "code-step")), alert(d, "code-step")
    d.find_element(By.ID, "use-backup").click()
    assert d.find_element(By.ID, "code-label").text == "Backup code"
    # As printed, or typed in capitals without the hyphen: both count.
    fill(d, "code", backup[0].replace("-", "").upper())
    submit(d, "code-step")
    assert wait_for(lambda: path_of(d) == "/demo-mfa/"), d.current_url
    assert json.loads(d.find_element(By.TAG_NAME, "body").text)["X-Auth-Mfa"] == "true"


def test_over_plain_http_on_a_real_host_the_page_explains_and_does_not_submit(stack):
    # auth.example resolves to the stack here; over http it is not a secure
    # context, so the browser would drop the Secure cookies.
    port = urlsplit(URL).port
    d = chromium(extra_args=["--host-resolver-rules=MAP auth.example 127.0.0.1"])
    try:
        d.get(f"http://auth.example:{port}/login")
        assert wait_for(lambda: d.find_element(By.ID, "insecure").is_displayed())
        assert "plain HTTP" in d.find_element(By.ID, "insecure").text
        assert not d.find_element(By.CSS_SELECTOR, "#password-step button[type=submit]").is_enabled()
        # On loopback (a secure context) the same page has no such notice.
        d.get(url("/login"))
        assert wait_for(lambda: d.find_element(By.ID, "email").is_displayed())
        assert not d.find_element(By.ID, "insecure").is_displayed()
    finally:
        d.quit()


def end_session_in(stack, address, seconds, lifetime):
    """Moves the user's live session's end (fixed at sign-in) to `seconds`
    from now, as if it had begun `lifetime` seconds before that end."""
    stack.psql(f"UPDATE sessions SET expires_at = now() + interval '{seconds} seconds', "
               f"created_at = now() - interval '{lifetime - seconds} seconds' "
               f"WHERE revoked_at IS NULL AND user_id = "
               f"(SELECT id FROM users WHERE email = '{address}')")


def test_a_warning_comes_before_the_session_ends(stack, http, driver, shots):
    """The account page warns in a session's last tenth (at most 5 min):
    "Stay signed in" asks for a new sign-in, and at the end the page goes to
    the login page and says why."""
    d = driver
    address = verified_user(stack, http)
    sign_in(d, address)
    end_session_in(stack, address, 30, 300)  # in its warning time already
    d.refresh()
    assert wait_for(lambda: d.find_element(By.ID, "ending").is_displayed())
    assert re.fullmatch(r"Your session ends in \d+ seconds\.",
                        d.find_element(By.ID, "ending-text").text)
    d.save_screenshot(str(shots / "portal-account-session-ending.png"))
    d.find_element(By.ID, "stay").click()
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url
    assert "renew" in parse_qs(urlsplit(d.current_url).query)
    assert "Sign in again" in d.find_element(By.ID, "notice").text
    time.sleep(0.5)  # no resume of the old session: the form stays
    assert path_of(d) == "/login"
    # A new session, left to run out.
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    submit(d, "password-step")
    assert wait_for(lambda: path_of(d) == "/account"), d.current_url
    end_session_in(stack, address, 4, 40)
    d.refresh()
    assert wait_for(lambda: d.find_element(By.ID, "ending").is_displayed())
    assert wait_for(lambda: path_of(d) == "/login", timeout=8), d.current_url
    assert "ended" in parse_qs(urlsplit(d.current_url).query)
    assert "Your session ended" in d.find_element(By.ID, "notice").text


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 812), (320, 640)])
def test_the_login_page_fits_and_is_saved_as_a_screenshot(stack, shots, width, height):
    d = chromium(width=width, height=height)
    try:
        d.get(url("/login?verified=1"))
        assert wait_for(lambda: d.find_element(By.ID, "notice").is_displayed())
        d.save_screenshot(str(shots / f"portal-login-{width}.png"))
        assert d.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        d.quit()


def test_an_account_that_needs_a_new_password_is_sent_to_set_one(stack, http, driver):
    """As an account imported from Cognito (README "Moving from Cognito"):
    the page says what to do, links to /forgot, and the reset lets it in."""
    d = driver
    address = verified_user(stack, http)
    stack.psql(f"UPDATE users SET password_reset_required = true WHERE email = '{address}'")
    d.get(url("/login"))
    fill(d, "email", address)
    fill(d, "password", PASSWORD)
    submit(d, "password-step")
    assert wait_for(lambda: "needs a new password" in alert(d)), alert(d)
    d.find_element(By.LINK_TEXT, "Set a new password").click()
    assert wait_for(lambda: path_of(d) == "/forgot"), d.current_url
    assert d.find_element(By.ID, "email").get_attribute("value") == address
    submit(d, "forgot")
    assert wait_for(lambda: path_of(d) == "/reset"), d.current_url
    fill(d, "code", code_in(stack.wait_for_mail(address, "password_reset")))
    fill(d, "newPassword", "N3w-Password!")
    submit(d, "reset")
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url
    sign_in(d, address, password="N3w-Password!")
