"""Starting authd: configuration checks and refusing to run without keys."""
import subprocess

import pytest


def authd(stack, *args, env=None):
    binary = stack.env()["BUILD"] + "/authd"
    return subprocess.run([binary, *args], capture_output=True, text=True, timeout=30, env=env)


def test_check_config_prints_effective_config_with_secrets_masked(stack, tmp_path):
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace(
        "[database]\n", "[database]\npassword = hunter2-secret\n"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode == 0, r.stderr
    assert "hunter2-secret" not in r.stdout
    assert "password = ********" in r.stdout
    assert "[server]" in r.stdout and "api_workers = " in r.stdout


def test_check_config_rejects_bad_value_with_location(stack, tmp_path):
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace("[server]\n", "[server]\napi_workers = -3\n"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode != 0
    assert "api_workers" in r.stderr and "authd.conf:" in r.stderr


@pytest.mark.parametrize("breakage", ["missing_dir", "world_readable", "no_hmac"])
def test_refuses_to_start_without_usable_keys(stack, tmp_path, breakage):
    import shutil
    keys = tmp_path / "keys"
    shutil.copytree(stack.var / "keys", keys)
    if breakage == "missing_dir":
        shutil.rmtree(keys)
    elif breakage == "world_readable":
        next((keys / "signing").glob("ES256.*.pem")).chmod(0o644)
    else:
        (keys / "hmac.key").unlink()
    conf = tmp_path / "authd.conf"
    conf.write_text(stack.config_path.read_text().replace(f"dir = {stack.var}/keys",
                                                          f"dir = {keys}"))
    r = authd(stack, "--config", str(conf), "--check-config")
    assert r.returncode != 0, r.stdout
    assert str(keys) in r.stderr


def test_readme_documents_every_option(stack):
    reference = authd(stack, "--config-reference").stdout.splitlines()
    readme = (stack.root / "README.md").read_text()
    missing = [line for line in reference if line not in readme]
    assert reference and not missing, missing
