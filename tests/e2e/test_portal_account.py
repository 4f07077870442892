"""The account page's two-factor and delete flows in a real headless
Chromium: a new set of backup codes (the old set dies), two-factor off with
the password and a code, the password change, and the account deleted with
its password (a wrong one said next to the field, nothing deleted)."""
import re

import requests
from selenium.webdriver.common.by import By

from conftest import PASSWORD, url, verified_user
from test_chromium import wait_for
from test_mfa import enable_mfa
from test_portal import driver, fill, path_of, shots, sign_in, submit, totp, visible_text  # noqa: F401


def mfa_login(address, code, password=PASSWORD):
    r = requests.post(url("/auth/login"), json={"email": address, "password": password})
    assert r.status_code == 200, r.text
    token = r.json()["sessionToken"]
    return requests.post(url("/auth/mfa/verify"), json={"sessionToken": token, "code": code})


def test_new_backup_codes_then_two_factor_off(stack, http, driver, shots):
    d = driver
    address, _, setup, old_codes = enable_mfa(stack, http)
    sign_in(d, address, code=old_codes[0])
    assert wait_for(lambda: d.find_element(By.ID, "mfa-status").text == "On")
    # A new set, confirmed with a current code: shown once, the old set dead.
    fill(d, "regenerate-code", totp(setup["secret"], +1))
    submit(d, "mfa-regenerate")
    assert wait_for(lambda: d.find_element(By.ID, "backup-codes").is_displayed())
    codes = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{5}-[a-z2-7]{5}", c) for c in codes)
    assert not set(codes) & set(old_codes)
    href = d.find_element(By.ID, "download-codes").get_attribute("href")
    assert href.startswith("blob:") and d.find_element(By.ID, "download-codes").get_attribute(
        "download")
    d.save_screenshot(str(shots / "portal-account-new-backup-codes.png"))
    d.find_element(By.ID, "codes-saved").click()
    assert not d.find_elements(By.CSS_SELECTOR, "#codes li")
    assert mfa_login(address, old_codes[1]).status_code == 401
    assert mfa_login(address, codes[0]).status_code == 200

    # Off: a wrong code is said next to its field, the right one turns it off.
    fill(d, "disable-password", PASSWORD)
    fill(d, "disable-code", "000000")
    submit(d, "mfa-disable")
    assert wait_for(lambda: visible_text(d, "#mfa-disable .alert")), d.page_source[:300]
    assert d.find_element(By.ID, "disable-code-error").text == "That code is not right."
    assert d.find_element(By.ID, "disable-password").get_attribute("value") == PASSWORD
    assert d.find_element(By.ID, "mfa-status").text == "On"
    fill(d, "disable-code", codes[1])
    submit(d, "mfa-disable")
    assert wait_for(lambda: d.find_element(By.ID, "mfa-status").text == "Off")
    assert "off" in visible_text(d, "#mfa-setup .alert")
    r = requests.post(url("/auth/login"), json={"email": address, "password": PASSWORD})
    assert r.status_code == 200 and "accessToken" in r.json(), r.text


def test_change_password_then_delete_the_account(stack, http, driver, shots):
    d = driver
    address = verified_user(stack, http)
    sign_in(d, address)
    fill(d, "currentPassword", PASSWORD)
    fill(d, "newPassword", "An0ther-Secret!")
    submit(d, "password")
    assert wait_for(lambda: "password is changed" in visible_text(d, "#password .alert"))
    assert requests.post(url("/auth/login"), json={"email": address, "password": PASSWORD}
                         ).status_code == 401
    # Delete: the wrong password is said next to the field and nothing goes.
    fill(d, "delete-password", "Wr0ng-Horse!")
    submit(d, "delete")
    assert wait_for(lambda: visible_text(d, "#delete .alert")), d.page_source[:300]
    assert visible_text(d, "#delete .alert") == "That password is not right."
    assert d.find_element(By.ID, "delete-password-error").text == "That password is not right."
    assert d.find_element(By.ID, "delete-password").get_attribute("aria-invalid") == "true"
    assert path_of(d) == "/account"
    d.save_screenshot(str(shots / "portal-account-delete-refused.png"))
    fill(d, "delete-password", "An0ther-Secret!")
    submit(d, "delete")
    assert wait_for(lambda: path_of(d) == "/login"), d.current_url
    assert "deleted" in d.find_element(By.ID, "notice").text
    r = requests.post(url("/auth/login"), json={"email": address, "password": "An0ther-Secret!"})
    assert r.status_code == 401 and r.json()["error"] == "INVALID_CREDENTIALS"
