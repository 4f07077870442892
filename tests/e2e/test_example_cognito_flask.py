"""examples/cognito-flask: the Cognito-style Flask app's own test, run
against this stack with only its environment pointing at authd: the
endpoint (from which it derives the pool's issuer and JWKS URL, as with
Cognito), the pool and client ids.  The stack signs RS256 for it, as
Cognito does, so the app's hard-wired algorithm stays as it is."""
import os
import subprocess
import sys

from conftest import ROOT, URL, VAR


def test_the_cognito_flask_example_runs_against_authd(stack):
    # `keys init` makes the configured algorithm's key only: add RS256's.
    made = subprocess.run([stack.env()["BUILD"] + "/authctl", "--config", str(stack.config_path),
                           "keys", "init", "--add-missing"], capture_output=True, text=True,
                          env={**os.environ, "AUTHD_TOKENS_ALGORITHM": "RS256"})
    assert made.returncode == 0, made.stderr
    old = stack.reconfigure(tokens__algorithm="RS256")
    try:
        env = dict(os.environ, AUTHD_URL=URL, AUTHD_VAR=str(VAR))
        env.pop("JWT_ALGORITHMS", None)
        example = ROOT / "examples" / "cognito-flask"
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(example / "test_app.py")], cwd=example, env=env,
                           capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        stack.reload_with(old)
