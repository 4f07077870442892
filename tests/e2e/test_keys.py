"""Which signing keys verify and are published (issue 12, item 6): only the
keys of [tokens] algorithm, plus the keys being rotated out (moved to
signing/retired/, for access_ttl + leeway + an hour).  `authctl keys init`
makes a key of the configured algorithm only.  Switching the algorithm the
README's way keeps the tokens signed before the switch valid."""
import os
import shutil
import subprocess

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from conftest import bearer, login, url, verified_user, with_settings
from test_validator import b64url, b64url_json, parts_of

pytestmark = pytest.mark.filterwarnings("ignore")


def authctl(stack, *args, **env):
    """authctl with the stack's configuration and AUTHD_<SECTION>_<KEY>
    overrides given as keyword arguments (tokens_algorithm="EdDSA")."""
    extra = {"AUTHD_" + k.upper(): v for k, v in env.items()}
    return subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           *args], capture_output=True, text=True, env={**os.environ, **extra})


def signing_files(keys_dir):
    return sorted(p.name for p in (keys_dir / "signing").glob("*.pem"))


def jwks(http):
    r = http.get(url("/.well-known/jwks.json"))
    assert r.status_code == 200
    return r.json()["keys"]


def validate(http, token):
    return http.get(url("/auth/validate"), headers=bearer(token)).status_code


def test_jwks_publishes_only_the_configured_algorithm(stack, http):
    configured = [n.split(".")[1] for n in signing_files(stack.var / "keys")
                  if n.startswith("ES256.")]
    assert configured
    published = jwks(http)
    assert sorted(k["kid"] for k in published) == sorted(configured), published
    assert {k["alg"] for k in published} == {"ES256"}
    config = http.get(url("/.well-known/openid-configuration")).json()
    assert config["id_token_signing_alg_values_supported"] == ["ES256"]


def test_keys_init_makes_only_the_configured_algorithm(stack, tmp_path):
    for alg in ("ES256", "EdDSA"):
        keys = tmp_path / alg
        made = authctl(stack, "keys", "init", keys_dir=str(keys), tokens_algorithm=alg)
        assert made.returncode == 0, made.stderr
        assert [n.split(".")[0] for n in signing_files(keys)] == [alg]
        assert (keys / "signing" / "retired").is_dir()
        assert (keys / "hmac.key").exists() and (keys / "aead" / "1.key").exists()


@pytest.fixture
def keys_copy(stack, tmp_path):
    """A copy of the stack's key directory (the same keys, so tokens of the
    stack verify with it) that a test may change; the configuration is
    restored afterwards."""
    keys = tmp_path / "keys"
    shutil.copytree(stack.var / "keys", keys)
    good = stack.config_path.read_text()
    yield keys
    if stack.config_path.read_text() != good:
        stack.reload_with(good)


def test_a_key_of_another_algorithm_neither_verifies_nor_is_published(stack, http, keys_copy):
    made = authctl(stack, "keys", "init", "--add-missing", keys_dir=str(keys_copy),
                   tokens_algorithm="EdDSA")
    assert made.returncode == 0, made.stderr
    eddsa = next((keys_copy / "signing").glob("EdDSA.*.pem"))
    mark = stack.log_mark()
    stack.reload_with(with_settings(stack.config_path.read_text(), keys__dir=str(keys_copy)))
    warned = stack.wait_for_log(mark, lambda e: e.get("event") == "signing_key_unused")
    assert warned and warned["path"] == str(eddsa), warned

    # A token signed with it, in every other way a good one, is refused.
    tokens = login(http, verified_user(stack, http))
    header, claims, _ = parts_of(tokens["accessToken"])
    kid = eddsa.name.split(".")[1]
    private = serialization.load_pem_private_key(eddsa.read_bytes(), password=None)
    forged_header = dict(header, alg="EdDSA", kid=kid)
    signing_input = b64url_json(forged_header) + "." + b64url_json(claims)
    forged = signing_input + "." + b64url(private.sign(signing_input.encode()))
    assert validate(http, forged) == 401
    assert validate(http, tokens["accessToken"]) == 204
    assert kid not in {k["kid"] for k in jwks(http)}


def test_switching_the_algorithm_keeps_earlier_tokens_until_they_expire(stack, http, keys_copy):
    tokens = login(http, verified_user(stack, http))
    before = tokens["accessToken"]
    assert jwt.get_unverified_header(before)["alg"] == "ES256"
    # The README's steps: a key for the new algorithm, the old one retired,
    # then the configuration, then a reload.
    made = authctl(stack, "keys", "init", "--add-missing", keys_dir=str(keys_copy),
                   tokens_algorithm="EdDSA")
    assert made.returncode == 0, made.stderr
    es256 = next((keys_copy / "signing").glob("ES256.*.pem"))
    es256.rename(keys_copy / "signing" / "retired" / es256.name)
    stack.reload_with(with_settings(stack.config_path.read_text(), keys__dir=str(keys_copy),
                                    tokens__algorithm="EdDSA"))

    assert validate(http, before) == 204
    after = login(http, verified_user(stack, http))["accessToken"]
    assert jwt.get_unverified_header(after)["alg"] == "EdDSA"
    assert validate(http, after) == 204
    published = {k["kid"]: k["alg"] for k in jwks(http)}
    assert published == {es256.name.split(".")[1]: "ES256",
                         jwt.get_unverified_header(after)["kid"]: "EdDSA"}
    config = http.get(url("/.well-known/openid-configuration")).json()
    assert config["id_token_signing_alg_values_supported"] == ["ES256", "EdDSA"]
