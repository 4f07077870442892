"""The example's own test, against a running authd stack (scripts/dev.sh up,
or the one scripts/dev.sh test starts): the app unchanged, configured only
through its environment.

    AUTHD_URL=http://127.0.0.1:8080 AUTHD_VAR=var python3 -m pytest examples/cognito-flask
"""
import os
import pathlib
import re
import sys
import time
import uuid

import pytest

URL = os.environ.get("AUTHD_URL", "http://127.0.0.1:8080")
MAIL = pathlib.Path(os.environ.get("AUTHD_VAR", "var")) / "mail"

os.environ.setdefault("AWS_ACCESS_KEY_ID", "unused")  # public calls are unsigned
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "unused")
os.environ.setdefault("COGNITO_ENDPOINT", URL)
os.environ.setdefault("COGNITO_POOL_ID", "local_authd")
os.environ.setdefault("COGNITO_CLIENT_ID", "authddevclient")
os.environ.setdefault("JWT_ALGORITHMS", "RS256")  # Cognito's: the stack signs RS256 for this test
sys.path.insert(0, str(pathlib.Path(__file__).parent))

import app as example  # noqa: E402


@pytest.fixture
def client():
    return example.app.test_client()


def mailed_code(address, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in sorted(MAIL.glob("*-verify_email.eml")):
            text = path.read_text(errors="replace")
            if f"To: {address}" in text:
                codes = re.findall(r"^(\d{6})$", text, re.M)
                if codes:
                    return codes[0]
        time.sleep(0.1)
    raise AssertionError(f"no code mailed to {address}")


def test_sign_up_confirm_log_in_and_call_a_protected_view(client):
    address = f"flask-{uuid.uuid4().hex[:10]}@example.com"
    r = client.post("/signup", json={"email": address, "password": "Corr3ct-Horse!",
                                     "first_name": "Ada", "last_name": "Lovelace"})
    assert r.status_code == 201, r.get_json()
    sub = r.get_json()["user_sub"]
    assert client.post("/signup", json={"email": address, "password": "Corr3ct-Horse!",
                                        "first_name": "Ada", "last_name": "Lovelace"}
                       ).status_code == 409
    assert client.post("/login", json={"email": address, "password": "Corr3ct-Horse!"}
                       ).status_code == 403
    assert client.post("/confirm", json={"email": address, "code": mailed_code(address)}
                       ).status_code == 200
    assert client.post("/login", json={"email": address, "password": "Wr0ng-Horse!"}
                       ).status_code == 401
    tokens = client.post("/login", json={"email": address, "password": "Corr3ct-Horse!"}
                         ).get_json()

    auth = {"Authorization": "Bearer " + tokens["access_token"]}
    me = client.get("/me", headers=auth)
    assert me.status_code == 200, me.get_json()
    assert me.get_json() == {"sub": sub, "username": sub, "email": address}
    # The id token is not an access token; a forged one fails its signature.
    assert client.get("/me", headers={
        "Authorization": "Bearer " + tokens["id_token"]}).status_code == 401
    head, payload, signature = tokens["access_token"].split(".")
    forged = ".".join([head, payload, signature[:-4] + ("AAAA" if signature[-4:] != "AAAA"
                                                        else "BBBB")])
    assert client.get("/me", headers={"Authorization": "Bearer " + forged}).status_code == 401
    assert client.get("/me").status_code == 401

    assert client.post("/logout", headers=auth).status_code == 204
    # The signature still verifies locally, as with Cognito; the pool refuses it.
    with pytest.raises(example.cognito.exceptions.NotAuthorizedException):
        example.cognito.get_user(AccessToken=tokens["access_token"])
