"""examples/cognito-flask: the Cognito-style Flask app's own test, run
against this stack with only its environment pointing at authd."""
import os
import subprocess
import sys

from conftest import ROOT, URL, VAR


def test_the_cognito_flask_example_runs_against_authd():
    env = dict(os.environ, AUTHD_URL=URL, AUTHD_VAR=str(VAR))
    example = ROOT / "examples" / "cognito-flask"
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                        str(example / "test_app.py")], cwd=example, env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
