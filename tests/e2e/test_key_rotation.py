"""Key rotation with authctl (issue 13): `keys rotate` adds a key that is
published at once and signs only from its activation time (so every host
can have it before any host signs with it), `keys list` shows each key's
state, `keys retire` refuses the current key and a key whose tokens may
still be valid.  A full rotation keeps every live token valid, and a
rotation under load fails no request."""
import json
import shutil
import time

import jwt
import pytest

from conftest import Load, bearer, login, url, verified_user, wait_until, with_settings
from test_keys import authctl, jwks, validate

pytestmark = pytest.mark.filterwarnings("ignore")

ACCESS_TTL = 8
LEEWAY = 0


@pytest.fixture
def rotation_stack(stack, tmp_path):
    """The stack on a copy of its key directory, with short-lived access
    tokens; the configuration is restored afterwards."""
    keys = tmp_path / "keys"
    shutil.copytree(stack.var / "keys", keys)
    good = stack.config_path.read_text()
    stack.reload_with(with_settings(good, keys__dir=str(keys),
                                    tokens__access_ttl=str(ACCESS_TTL),
                                    tokens__leeway=str(LEEWAY)))
    yield keys
    stack.reload_with(good)


def kid_of(token):
    return jwt.get_unverified_header(token)["kid"]


def listed(stack):
    out = authctl(stack, "keys", "list", "--json")
    assert out.returncode == 0, out.stderr
    return {k["kid"]: k for k in json.loads(out.stdout)}


def reload(stack):
    stack.reload_with(stack.config_path.read_text())


def test_a_full_rotation_keeps_live_tokens_valid(stack, http, rotation_stack):
    user = verified_user(stack, http)
    old_token = login(http, user)["accessToken"]
    old_kid = kid_of(old_token)
    assert listed(stack)[old_kid]["state"] == "current"

    rotated = authctl(stack, "keys", "rotate", "--activate-in", "6s")
    assert rotated.returncode == 0, rotated.stderr
    assert "systemctl reload authd" in rotated.stdout and "every host" in rotated.stdout
    activates = time.time() + 6
    new_file = next((rotation_stack / "signing").glob("ES256.*.from-*.pem"))
    new_kid = new_file.name.split(".")[1]
    reload(stack)

    # Published and verifying before it signs.
    assert {old_kid, new_kid} <= {k["kid"] for k in jwks(http)}
    keys = listed(stack)
    assert keys[new_kid]["state"] == "next" and "until" in keys[new_kid]
    if time.time() < activates - 1:
        assert kid_of(login(http, user)["accessToken"]) == old_kid
    refused = authctl(stack, "keys", "retire", old_kid)
    assert refused.returncode == 1 and "current signing key" in refused.stderr

    # It signs from its activation on, without another reload.
    old_token = login(http, user)["accessToken"]
    wait_until(lambda: time.time() > activates + 0.2, timeout=10)
    new_token = login(http, user)["accessToken"]
    assert kid_of(new_token) == new_kid
    assert validate(http, old_token) == 204
    assert validate(http, new_token) == 204
    assert {old_kid, new_kid} <= {k["kid"] for k in jwks(http)}
    keys = listed(stack)
    assert keys[new_kid]["state"] == "current" and keys[old_kid]["state"] == "verifying"

    # Refused while the old key's tokens may live, allowed after.
    refused = authctl(stack, "keys", "retire", old_kid)
    assert refused.returncode == 1 and "may be valid until" in refused.stderr, refused.stderr
    assert (rotation_stack / "signing" / f"ES256.{old_kid}.pem").exists()
    wait_until(lambda: time.time() > activates + ACCESS_TTL + LEEWAY + 1.5, timeout=20)
    assert validate(http, old_token) == 401  # expired
    retired = authctl(stack, "keys", "retire", old_kid)
    assert retired.returncode == 0, retired.stderr
    assert (rotation_stack / "signing" / "retired" / f"ES256.{old_kid}.pem").exists()
    reload(stack)
    # Retired: it never signs again, and is published only for its
    # retired life (access_ttl + leeway + 1 h, for hosts that reload late).
    assert listed(stack)[old_kid]["state"] == "retiring"
    latest = login(http, user)["accessToken"]
    assert kid_of(latest) == new_kid
    assert validate(http, latest) == 204


def test_retire_with_force_and_unknown_kids(stack, http, rotation_stack):
    old_kid = next(k for k, v in listed(stack).items() if v["state"] == "current")
    assert authctl(stack, "keys", "rotate", "--activate-in", "0").returncode == 0
    keys = listed(stack)
    new_kid = next(k for k, v in keys.items() if v["state"] == "current")
    assert new_kid != old_kid and keys[old_kid]["state"] == "verifying"
    assert authctl(stack, "keys", "retire", old_kid).returncode == 1
    forced = authctl(stack, "keys", "retire", old_kid, "--force")
    assert forced.returncode == 0, forced.stderr
    # Both changes are in the audit trail, with the operator who made them.
    rows = stack.psql("SELECT event, detail->>'operator', detail->>'forced', detail->>'kid'"
                      " FROM audit_events WHERE event IN ('key_rotated', 'key_retired')"
                      " ORDER BY id DESC LIMIT 2")
    assert [r[0] for r in rows] == ["key_retired", "key_rotated"], rows
    assert rows[0][1] and rows[0][2] == "yes" and rows[0][3] == old_kid
    unknown = authctl(stack, "keys", "retire", "no-such-kid")
    assert unknown.returncode == 1 and "no signing key" in unknown.stderr
    assert authctl(stack, "keys", "retire", old_kid).returncode == 1  # already retired
    assert authctl(stack, "keys", "rotate", "--activate-in", "soon").returncode == 64
    text = authctl(stack, "keys", "list")
    assert text.returncode == 0 and "retiring (verifies until" in text.stdout, text.stdout


def test_a_rotation_under_load_fails_no_request(stack, http, rotation_stack):
    user = verified_user(stack, http)
    token = login(http, user)["accessToken"]
    with Load(path="/.well-known/jwks.json") as load:
        rotated = authctl(stack, "keys", "rotate", "--activate-in", "3s")
        assert rotated.returncode == 0, rotated.stderr
        activates = time.time() + 3
        reload(stack)
        assert validate(http, token) == 204
        wait_until(lambda: time.time() > activates + 0.2, timeout=10)
        new_token = login(http, user)["accessToken"]
        assert validate(http, new_token) == 204
        assert validate(http, token) == 204
        reload(stack)
    assert load.sent > 0 and not load.failures, load.failures[:3]
