"""A real browser through nginx: headless Chromium signs in on the portal
for an app on another origin (the stack's app host), with JavaScript on
and off, and stays signed in when its access cookie is gone.  This is where
"browsers keep Secure cookies from loopback hosts" is not an assumption.

Screenshots of each step land in $AUTHD_VAR/screenshots (kept with
KEEP_VAR=1) for a person to look at."""
import os
import shutil
import time
from urllib.parse import quote, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import PASSWORD, URL, VAR, fresh_ip, session_from, url, verified_user

APP = os.environ.get("AUTHD_APP_URL") or f"http://127.0.0.1:{urlsplit(URL).port + 1}"
# scripts/dev.sh installs Debian's chromium, chromium-driver and python3-selenium.
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
SHOTS = VAR / "screenshots"


def chromium(javascript=True, width=1280, height=900, extra_args=()):
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--no-first-run", *extra_args):
        opts.add_argument(arg)
    if width < 500:  # narrower than a desktop window may be: emulate the phone
        opts.add_experimental_option("mobileEmulation", {"deviceMetrics": {
            "width": width, "height": height, "pixelRatio": 2.0}})
    if not javascript:
        opts.add_experimental_option("prefs",
                                     {"profile.managed_default_content_settings.javascript": 2})
    return webdriver.Chrome(service=Service(executable_path=DRIVER),
                            options=opts)


@pytest.fixture
def user(stack):
    with session_from(fresh_ip()) as s:
        return verified_user(stack, s, first="Grace", last="Hopper")


def shot(driver, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def wait_for(predicate, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def sign_in_on_the_portal(driver, address, target, name):
    driver.get(target)
    assert wait_for(lambda: urlsplit(driver.current_url).path == "/login")
    assert driver.current_url == url("/login?rd=") + quote(target, safe="")
    shot(driver, f"{name}-1-login")
    driver.find_element(By.ID, "email").send_keys(address)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "remember").click()
    driver.find_element(By.CSS_SELECTOR, "#password-step button[type=submit]").click()
    assert wait_for(lambda: driver.current_url == target), driver.current_url
    shot(driver, f"{name}-2-app")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert address in body and "Grace Hopper" in body, body


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_chromium_signs_in_for_an_app_on_another_origin(user, javascript):
    driver = chromium(javascript)
    try:
        target = APP + "/reports/q3?x=1"
        sign_in_on_the_portal(driver, user, target, "js" if javascript else "nojs")
        assert PASSWORD not in driver.current_url
        names = {c["name"] for c in driver.get_cookies()}
        assert "__Secure-authd_access" in names  # kept over http on 127.0.0.1
    finally:
        driver.quit()


def test_chromium_stays_signed_in_without_its_access_cookie(user):
    driver = chromium()
    try:
        target = APP + "/dashboard"
        sign_in_on_the_portal(driver, user, target, "resume")
        # As when the access cookie's Max-Age has run out.
        driver.delete_cookie("__Secure-authd_access")
        assert not any(c["name"] == "__Secure-authd_access" for c in driver.get_cookies())
        driver.get(APP + "/dashboard?again=1")
        assert wait_for(lambda: driver.current_url == APP + "/dashboard?again=1"), \
            driver.current_url
        assert user in driver.find_element(By.TAG_NAME, "body").text
    finally:
        driver.quit()


@pytest.mark.parametrize("width,height", [(1280, 900), (375, 812)])
def test_login_page_screenshots(stack, width, height):
    driver = chromium(width=width, height=height)
    try:
        driver.get(url("/login?rd=") + quote(APP + "/", safe=""))
        assert driver.find_element(By.ID, "email").is_displayed()
        shot(driver, f"login-{width}")
        form = driver.find_element(By.ID, "password-step")
        assert form.size["width"] <= width  # no horizontal overflow on a phone
        # The portal's stylesheet applies under the page's CSP ('self', no
        # 'unsafe-inline'): the form sits in its 27rem card.
        assert driver.execute_script(
            "return getComputedStyle(document.querySelector('main.card')).maxWidth") == "432px"
    finally:
        driver.quit()
