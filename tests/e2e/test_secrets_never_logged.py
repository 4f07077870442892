"""Secrets never reach a log (contract section 6): one account's whole life,
then neither authd's log nor nginx's access and error logs hold any secret
it used: passwords (old and new), codes, tokens, the TOTP secret, TOTP
codes and backup codes, in clear or percent-encoded.

Wrong secrets count too: a wrong password or code that reached the log
would leak what a user mistyped, often their real password for elsewhere."""
import re
from urllib.parse import quote

from conftest import PASSWORD, bearer, code_in, login, new_email, register, url
from test_mfa import totp


def logs(stack):
    text = ""
    for name in ("authd.log", "nginx-access.log", "nginx-error.log"):
        path = stack.var / "log" / name
        if path.exists():
            text += path.read_text(errors="replace")
    return text


def test_no_secret_of_an_account_s_life_is_in_any_log(stack, http):
    secrets = []
    address = new_email()
    register(http, address)
    secrets.append(PASSWORD)
    code = code_in(stack.wait_for_mail(address, "verify_email"))
    secrets.append(code)
    assert http.post(url("/auth/verify-email"), json={"email": address, "code": code}
                     ).status_code == 200
    mistyped = "Mistyped-Passw0rd!"
    secrets.append(mistyped)
    assert http.post(url("/auth/login"), json={"email": address, "password": mistyped}
                     ).status_code == 401
    tokens = login(http, address)
    secrets += [tokens["accessToken"], tokens["refreshToken"], tokens["idToken"]]
    tokens = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]}).json()
    secrets += [tokens["accessToken"], tokens["refreshToken"]]
    auth = bearer(tokens["accessToken"])

    setup = http.post(url("/auth/mfa/setup"), headers=auth, json={"password": PASSWORD}).json()
    secrets.append(setup["secret"])
    first = totp(setup["secret"])
    secrets.append(first)
    enabled = http.post(url("/auth/mfa/verify-setup"), headers=auth, json={"code": first}).json()
    secrets += enabled["backupCodes"]
    challenge = http.post(url("/auth/login"), json={"email": address, "password": PASSWORD}
                          ).json()["sessionToken"]
    secrets.append(challenge)
    assert http.post(url("/auth/mfa/verify"), json={"sessionToken": challenge, "code": "000001"}
                     ).status_code == 401
    signed_in = http.post(url("/auth/mfa/verify"),
                          json={"sessionToken": challenge, "code": enabled["backupCodes"][0]})
    assert signed_in.status_code == 200, signed_in.text
    secrets += [signed_in.json()["accessToken"], signed_in.json()["refreshToken"]]

    assert http.post(url("/auth/password/forgot"), json={"email": address}).status_code == 202
    reset_code = code_in(stack.wait_for_mail(address, "password_reset"))
    secrets.append(reset_code)
    new_password = "Brand-N3w-Secret!"
    secrets.append(new_password)
    assert http.post(url("/auth/password/reset"),
                     json={"email": address, "code": reset_code, "newPassword": new_password}
                     ).status_code == 200

    text = logs(stack)
    assert '"event":"request"' in text  # the logs are there and were read
    for secret in secrets:
        if secret.isdigit():
            # A 6-digit code would leak as a value ("code":"123456",
            # code=123456); any other 6 digits (a timestamp's microseconds,
            # a duration) are not it.
            assert not re.search(r'(?<=["=\s])' + secret + r'(?!\d)', text), \
                "a code is in a log"
            continue
        for form in {secret, quote(secret, safe="")}:
            assert form not in text, f"a secret of length {len(secret)} is in a log"
