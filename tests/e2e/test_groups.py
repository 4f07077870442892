"""User groups: `authctl groups`, the access token's `groups` claim and
the validator's AUTHD_REQUIRE_GROUP.

An operator puts users into groups with `authctl groups add|remove EMAIL
GROUP` (audited as group_added / group_removed) and reads them with
`authctl groups list EMAIL`; unknown emails and bad names make it fail.
Tokens minted at login, mfa/verify and refresh (and by `authctl token mint`)
carry a sorted `groups` claim only when the user has groups, so a change
takes effect at the next refresh.  The validate pool, asked over FastCGI as
nginx would ask it (nginx/ does not set the param yet), answers 403
GROUP_REQUIRED with X-Auth-Error when the token has none of the groups
AUTHD_REQUIRE_GROUP names (any of a comma-separated list), after the
revoked set and after MFA_REQUIRED; its 204 carries X-Auth-Groups when the
token has groups.
"""
import json
import subprocess
import time

import jwt
import pytest

import contract
from conftest import bearer, login, new_email, url, verified_user, wait_until
from test_mfa import challenge, enable_mfa, mfa_verify
from test_validator import fcgi_get

pytestmark = pytest.mark.filterwarnings("ignore")

# The access token's claims before groups existed, in the order they are written.
PLAIN_CLAIMS = ["iss", "sub", "aud", "exp", "iat", "jti", "sid", "token_use", "auth_time", "amr",
                "email", "name"]


def authctl(stack, *args):
    return subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           *args], capture_output=True, text=True)


def groups_cmd(stack, *args):
    out = authctl(stack, "groups", *args)
    assert out.returncode == 0, (args, out.stdout, out.stderr)
    return out.stdout


def claims_of(token):
    return jwt.decode(token, options={"verify_signature": False})


def claim_names(token):
    payload = token.split(".")[1]
    return list(json.loads(jwt.utils.base64url_decode(payload)).keys())


def refresh(http, tokens):
    r = http.post(url("/auth/refresh"), json={"refreshToken": tokens["refreshToken"]})
    return contract.check(r, "/auth/refresh", "post")


def require(stack, token, groups, **params):
    return fcgi_get(stack, bearer(token), dict(params, AUTHD_REQUIRE_GROUP=groups))


def assert_group_required(answer):
    assert answer.status_code == 403, (answer.status_code, answer.content)
    assert answer.header("X-Auth-Error") == "GROUP_REQUIRED"
    body = answer.json()
    assert body["error"] == "GROUP_REQUIRED"
    assert body["message"] == "this resource requires membership of a group"
    assert body["requestId"] and set(body) == {"error", "message", "requestId"}
    assert answer.header("X-Auth-User-Id") is None and answer.header("X-Auth-Groups") is None


def assert_admitted(answer, groups_header=None):
    assert answer.status_code == 204, (answer.status_code, answer.content)
    assert answer.header("X-Auth-Error") is None
    assert answer.header("X-Auth-User-Id")
    assert answer.header("X-Auth-Groups") == groups_header


def audit_rows(stack, address, event):
    return stack.psql(f"SELECT detail->>'group' FROM audit_events WHERE event = '{event}'"
                      f" AND user_id = (SELECT id FROM users WHERE email = '{address}') ORDER BY id")


# --- authctl ------------------------------------------------------------------

def test_authctl_add_list_remove_audited(stack, http):
    address = verified_user(stack, http)
    assert groups_cmd(stack, "list", address) == ""
    assert "added" in groups_cmd(stack, "add", address, "ops")
    groups_cmd(stack, "add", address.upper(), "Admins")  # emails are normalised
    groups_cmd(stack, "add", address, "billing.eu-1")
    # Sorted bytewise, whatever the database's collation.
    assert groups_cmd(stack, "list", address).splitlines() == ["Admins", "billing.eu-1", "ops"]
    assert "already" in groups_cmd(stack, "add", address, "ops")
    assert audit_rows(stack, address, "group_added") == [["ops"], ["Admins"], ["billing.eu-1"]]

    assert "removed" in groups_cmd(stack, "remove", address, "ops")
    assert "not in" in groups_cmd(stack, "remove", address, "ops")
    assert groups_cmd(stack, "list", address).splitlines() == ["Admins", "billing.eu-1"]
    # Only changes are audited.
    assert audit_rows(stack, address, "group_added") == [["ops"], ["Admins"], ["billing.eu-1"]]
    assert audit_rows(stack, address, "group_removed") == [["ops"]]
    operator = stack.psql("SELECT detail->>'operator' FROM audit_events WHERE event = 'group_removed'"
                          f" AND user_id = (SELECT id FROM users WHERE email = '{address}')")
    assert operator and operator[0][0]


def test_authctl_refuses_unknown_emails_and_bad_names(stack, http):
    address = verified_user(stack, http)
    stranger = new_email("nobody")
    for args in (("add", stranger, "ops"), ("remove", stranger, "ops"), ("list", stranger)):
        out = authctl(stack, "groups", *args)
        assert out.returncode != 0, args
        assert "no account" in out.stderr, out.stderr
    for bad in ("", "-ops", ".x", "a,b", "a b", " ops", "ops\n", "ü", "g" * 65, "a;b"):
        for verb in ("add", "remove"):
            out = authctl(stack, "groups", verb, address, bad)
            assert out.returncode != 0, (verb, bad)
            assert "invalid group name" in out.stderr, out.stderr
    # Usage errors: missing or extra words.
    assert authctl(stack, "groups", "add", address).returncode != 0
    assert authctl(stack, "groups", "add", address, "ops", "extra").returncode != 0
    assert authctl(stack, "groups", "frobnicate", address, "ops").returncode != 0
    assert groups_cmd(stack, "list", address) == ""
    assert stack.psql("SELECT count(*) FROM audit_events WHERE event LIKE 'group_%' AND user_id ="
                      f" (SELECT id FROM users WHERE email = '{address}')") == [["0"]]
    # The table refuses what authctl refuses, whoever writes to it.
    with pytest.raises(subprocess.CalledProcessError):
        stack.psql("INSERT INTO user_groups (user_id, name) SELECT id, 'a,b' FROM users"
                   f" WHERE email = '{address}'")


# --- the claim ------------------------------------------------------------------

def test_user_without_groups_has_the_old_token(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    assert claim_names(tokens["accessToken"]) == PLAIN_CLAIMS
    assert "groups" not in claims_of(tokens["idToken"])
    fresh = refresh(http, tokens)
    assert claim_names(fresh["accessToken"]) == PLAIN_CLAIMS
    # No requirement: admitted, and no X-Auth-Groups.
    assert_admitted(fcgi_get(stack, bearer(tokens["accessToken"])))
    for nothing in ("", "   "):
        assert_admitted(require(stack, tokens["accessToken"], nothing))
    assert_group_required(require(stack, tokens["accessToken"], "admins"))


def test_groups_claim_at_login_and_refresh(stack, http):
    address = verified_user(stack, http)
    before = login(http, address)
    for g in ("ops", "Admins", "billing.eu-1"):
        groups_cmd(stack, "add", address, g)
    tokens = login(http, address)
    claims = claims_of(tokens["accessToken"])
    assert claims["groups"] == ["Admins", "billing.eu-1", "ops"]
    assert claim_names(tokens["accessToken"]) == PLAIN_CLAIMS + ["groups"]
    assert "groups" not in claims_of(tokens["idToken"])
    # The API pool takes the token like any other.
    assert http.get(url("/users/profile"), headers=bearer(tokens["accessToken"])).status_code == 200
    # A session from before the change gets the groups at its next refresh.
    assert "groups" not in claims_of(before["accessToken"])
    assert claims_of(refresh(http, before)["accessToken"])["groups"] == [
        "Admins", "billing.eu-1", "ops"]


def test_groups_claim_after_mfa_and_from_token_mint(stack, http):
    address, _, _, codes = enable_mfa(stack, http)
    groups_cmd(stack, "add", address, "ops")
    full = mfa_verify(http, challenge(http, address), codes[0])
    assert full.status_code == 200, full.text
    token = full.json()["accessToken"]
    assert claims_of(token)["groups"] == ["ops"]
    # Both requirements met: a second factor and the group.
    r = require(stack, token, "ops", AUTHD_REQUIRE_MFA="1")
    assert_admitted(r, "ops")
    assert r.header("X-Auth-Mfa") == "true"

    out = authctl(stack, "token", "mint", "--email", address)
    assert out.returncode == 0, out.stderr
    assert claims_of(out.stdout.strip())["groups"] == ["ops"]


# --- the validator ----------------------------------------------------------------

def test_validator_requires_a_group(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    assert_group_required(require(stack, tokens["accessToken"], "admins"))

    groups_cmd(stack, "add", address, "admins")
    groups_cmd(stack, "add", address, "ops")
    # The token in hand does not change; the next refresh's does.
    assert_group_required(require(stack, tokens["accessToken"], "admins"))
    tokens = refresh(http, tokens)
    token = tokens["accessToken"]
    assert_admitted(require(stack, token, "admins"), "admins,ops")
    assert_admitted(require(stack, token, "billing, ops"), "admins,ops")
    assert_admitted(require(stack, token, "  billing ,admins  "), "admins,ops")
    assert_admitted(fcgi_get(stack, bearer(token)), "admins,ops")
    assert_group_required(require(stack, token, "billing"))
    assert_group_required(require(stack, token, "Admins"))  # case-sensitive
    assert_group_required(require(stack, token, "billing,support"))
    assert_group_required(require(stack, token, ","))  # set but naming nothing: no one
    # A client header is not nginx's param.
    assert_admitted(fcgi_get(stack, dict(bearer(token), **{"AUTHD-REQUIRE-GROUP": "billing"})),
                    "admins,ops")
    # Through nginx, the public /auth/validate answers the same 204.
    r = http.get(url("/auth/validate"), headers=bearer(token))
    contract.check(r, "/auth/validate", "get")
    assert r.status_code == 204 and r.headers["X-Auth-Groups"] == "admins,ops"

    groups_cmd(stack, "remove", address, "admins")
    groups_cmd(stack, "remove", address, "ops")
    tokens = refresh(http, tokens)
    assert "groups" not in claims_of(tokens["accessToken"])
    assert_group_required(require(stack, tokens["accessToken"], "admins"))
    assert_admitted(fcgi_get(stack, bearer(tokens["accessToken"])))


def test_group_check_comes_after_revocation_and_mfa(stack, http):
    address = verified_user(stack, http)
    tokens = login(http, address)
    token = tokens["accessToken"]
    # A password-only token without the group: MFA_REQUIRED is answered first.
    r = require(stack, token, "admins", AUTHD_REQUIRE_MFA="1")
    assert r.status_code == 403 and r.header("X-Auth-Error") == "MFA_REQUIRED"
    # A revoked session is a 401, not a 403.
    assert http.post(url("/auth/logout"), headers=bearer(token)).status_code == 204
    assert wait_until(lambda: require(stack, token, "admins").status_code == 401, timeout=2)
    r = require(stack, token, "admins")
    assert r.header("X-Auth-Error") == "INVALID_TOKEN"
