"""The Debian package (issue 13, Installing): built by `scripts/dev.sh
package`, inspected, installed on this machine with dpkg -i, its
/usr/sbin/authd checked against the stack's Postgres with the packaged
configuration, serving a login through an nginx that includes the packaged
nginx files, its units verified, then removed and purged.

Other checkouts' stacks run from their build trees, so an installed
/usr/sbin/authd does not disturb them; the module's fixture removes the
package whatever happens.  Needs root (dpkg)."""
import os
import pathlib
import re
import shutil
import signal
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import PASSWORD, ROOT, URL, new_email

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="installs a package: needs root")

# Derived from the stack's port (+1 is the demo app host).
PORT = int(URL.rsplit(":", 1)[1]) + 7
UNITS = ["authd.service", "authd-purge.service", "authd-purge.timer"]
EXPECTED = [
    "./usr/sbin/authd", "./usr/bin/authctl", "./etc/authd/authd.conf",
    "./lib/systemd/system/authd.service", "./lib/systemd/system/authd-purge.service",
    "./lib/systemd/system/authd-purge.timer",
    "./usr/lib/sysusers.d/authd.conf", "./usr/lib/tmpfiles.d/authd.conf",
    "./usr/share/man/man8/authd.8", "./usr/share/man/man8/authctl.8",
    "./usr/share/man/man5/authd.conf.5",
    "./usr/share/authd/nginx/authd-http.conf", "./usr/share/authd/nginx/authd-site.conf",
    "./usr/share/authd/nginx/authd-site-tls.conf",
    "./usr/share/authd/nginx/snippets/authd-protect.conf",
    "./usr/share/authd/nginx/snippets/authd-portal.conf",
    "./usr/share/authd/nginx/authd-metrics.conf",
    "./usr/share/authd/web/signup.html", "./usr/share/authd/web/account.html",
    "./usr/share/authd/web/portal/portal.css", "./usr/share/authd/web/portal/api.js",
]


def run(*cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def installed():
    r = run("dpkg-query", "-W", "-f=${Status}", "authd")
    return r.returncode == 0 and "installed" in r.stdout


def purge():
    if run("dpkg-query", "-W", "authd").returncode == 0:
        run("dpkg", "--purge", "authd")


@pytest.fixture(scope="module")
def deb():
    built = run(str(ROOT / "scripts" / "dev.sh"), "package", timeout=1500)
    assert built.returncode == 0, built.stderr
    debs = sorted((ROOT / "dist").glob("authd_*_amd64.deb"), key=lambda p: p.stat().st_mtime)
    assert debs, "no dist/authd_*_amd64.deb"
    purge()  # a run that was killed may have left it
    yield debs[-1]
    purge()


@pytest.fixture(scope="module")
def stack_settings(stack):
    """The stack's [database] url and [cache] servers, as environment
    overrides of the packaged configuration."""
    text = stack.config_path.read_text()
    url = re.search(r"^\[database\]\nurl = (.*)$", text, re.M).group(1)
    servers = re.search(r"^\[cache\]\nservers = (.*)$", text, re.M).group(1)
    return {"AUTHD_DATABASE_URL": url, "AUTHD_CACHE_SERVERS": servers}


def test_contents_and_metadata(deb):
    listing = run("dpkg-deb", "-c", str(deb), check=True).stdout
    paths = {line.split()[-1].rstrip("/") for line in listing.splitlines()}
    for path in EXPECTED:
        assert path in paths, f"{path} not in the package"
    assert re.search(r"^-rwxr-xr-x root/root .* \./usr/sbin/authd$", listing, re.M)
    depends = run("dpkg-deb", "-f", str(deb), "Depends", check=True).stdout
    for lib in ("libpq5", "libfcgi", "libssl3", "libargon2", "libmemcached11", "adduser"):
        assert lib in depends, depends
    conffiles = run("dpkg-deb", "-I", str(deb), "conffiles", check=True).stdout
    assert conffiles.split() == ["/etc/authd/authd.conf"]
    for script in ("postinst", "prerm", "postrm"):
        assert run("dpkg-deb", "-I", str(deb), script).returncode == 0, script


def test_packaged_config_lists_every_option_with_the_packaged_paths(deb, tmp_path):
    run("dpkg-deb", "-x", str(deb), str(tmp_path), check=True)
    conf = (tmp_path / "etc/authd/authd.conf").read_text()
    reference = run(str(tmp_path / "usr/sbin/authd"), "--config-reference", check=True).stdout
    for section, key in re.findall(r"^\| `\[(\w+)\] (\w+)` \|", reference, re.M):
        assert f"\n#{key} =" in conf, key
    assert "#dir = /var/lib/authd/keys" in conf
    http = (tmp_path / "usr/share/authd/nginx/authd-http.conf").read_text()
    assert "server unix:/run/authd/api.sock;" in http
    assert "server unix:/run/authd/validate.sock;" in http
    site = (tmp_path / "usr/share/authd/nginx/authd-site.conf").read_text()
    assert "listen 127.0.0.1:8080;" in site
    assert "root /usr/share/authd/web;" in site
    metrics = (tmp_path / "usr/share/authd/nginx/authd-metrics.conf").read_text()
    assert "listen 127.0.0.1:9464;" in metrics
    for name in ("authd-http.conf", "authd-site.conf", "authd-metrics.conf"):
        text = (tmp_path / "usr/share/authd/nginx" / name).read_text()
        code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
        assert not re.findall(r"@[A-Z_]+@", code), name
    # The man pages as packaged render without a warning (read from the
    # package: a container's dpkg may be told not to install man pages).
    for page in ("man8/authd.8", "man8/authctl.8", "man5/authd.conf.5"):
        shown = run("man", "--warnings", "-l", str(tmp_path / "usr/share/man" / page),
                    env={"MANWIDTH": "80", "PATH": "/usr/bin:/bin"})
        assert shown.returncode == 0 and not shown.stderr.strip(), (page, shown.stderr)
        assert "NAME" in shown.stdout and "SEE ALSO" in shown.stdout, page
    unit = (tmp_path / "lib/systemd/system/authd.service").read_text()
    assert "ExecStart=/usr/sbin/authd --config /etc/authd/authd.conf" in unit
    assert "Type=notify" in unit and "ExecReload=" in unit


def test_install_creates_the_user_directories_and_keys(deb):
    r = run("dpkg", "-i", str(deb))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "not started" in r.stdout + r.stderr
    assert installed()
    assert run("getent", "passwd", "authd").returncode == 0
    assert run("getent", "group", "authd").returncode == 0
    keys = pathlib.Path("/var/lib/authd/keys")
    st = keys.stat()
    assert st.st_mode & 0o777 == 0o700
    assert run("stat", "-c", "%U", str(keys), check=True).stdout.strip() == "authd"
    assert any(keys.rglob("*")), "postinst made no keys"
    conf = os.stat("/etc/authd/authd.conf")
    assert conf.st_mode & 0o777 == 0o640
    assert run("stat", "-c", "%G", "/etc/authd/authd.conf", check=True).stdout.strip() == "authd"


def test_installed_check_config_with_the_packaged_config(deb, stack_settings):
    assert installed()
    r = run("/usr/sbin/authd", "--check-config", env=dict(os.environ, **stack_settings))
    assert r.returncode == 0, r.stderr
    assert "dir = /var/lib/authd/keys" in r.stdout
    assert "api_socket = /run/authd/api.sock" in r.stdout


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_units_verify_and_the_service_is_hardened(deb):
    assert installed()
    paths = [f"/lib/systemd/system/{u}" for u in UNITS]
    r = run("systemd-analyze", "verify", *paths)
    assert r.returncode == 0, r.stderr
    for unit in ("authd.service", "authd-purge.service"):
        r = run("systemd-analyze", "security", "--offline=true", f"/lib/systemd/system/{unit}")
        exposure = float(re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout).group(1))
        assert exposure <= 2.0, (unit, exposure)


def test_installed_binary_serves_a_login_through_nginx(deb, stack_settings, http):
    # `http` connects from a loopback address of its own: the stack's
    # memcached holds the suite's per-IP counts of 127.0.0.1.
    assert installed()
    work = pathlib.Path(tempfile.mkdtemp(prefix="authd-pkg-"))
    issuer = f"http://127.0.0.1:{PORT}"
    env = dict(os.environ, **stack_settings,
               AUTHD_SERVER_API_SOCKET=str(work / "api.sock"),
               AUTHD_SERVER_VALIDATE_SOCKET=str(work / "validate.sock"),
               AUTHD_SERVER_API_WORKERS="1", AUTHD_SERVER_VALIDATE_WORKERS="1",
               AUTHD_TOKENS_ISSUER=issuer, AUTHD_MAIL_DIR=str(work / "mail"),
               AUTHD_HTTP_REDIRECT_HOSTS="127.0.0.1")
    (work / "mail").mkdir()
    # nginx with the packaged files, their /run/authd sockets and
    # 127.0.0.1:8080 moved to this test's.
    for name in ("authd-http.conf", "authd-site.conf"):
        text = pathlib.Path(f"/usr/share/authd/nginx/{name}").read_text()
        text = text.replace("/run/authd/", f"{work}/").replace("127.0.0.1:8080", f"127.0.0.1:{PORT}")
        (work / name).write_text(text)
    (work / "snippets").symlink_to("/usr/share/authd/nginx/snippets")
    (work / "tmp").mkdir()
    (work / "nginx.conf").write_text(f"""user root root;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/tmp/body;
    proxy_temp_path {work}/tmp/proxy;
    fastcgi_temp_path {work}/tmp/fastcgi;
    uwsgi_temp_path {work}/tmp/uwsgi;
    scgi_temp_path {work}/tmp/scgi;
    default_type application/octet-stream;
    include {work}/authd-http.conf;
    include {work}/authd-site.conf;
}}
""")
    authd = None
    nginx_started = False
    try:
        email = new_email("pkg")
        r = run("/usr/bin/authctl", "user", "add", email, "--name", "Ada Lovelace", "--verified",
                "--password-stdin", input=PASSWORD + "\n", env=env)
        assert r.returncode == 0, r.stderr
        with open(work / "authd.log", "wb") as log:
            authd = subprocess.Popen(["/usr/sbin/authd"], env=env, stdout=log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while not ((work / "api.sock").exists() and (work / "validate.sock").exists()):
            assert authd.poll() is None, (work / "authd.log").read_text()
            assert time.monotonic() < deadline, "the installed authd did not listen"
            time.sleep(0.1)
        r = run("nginx", "-p", str(work), "-c", str(work / "nginx.conf"))
        assert r.returncode == 0, r.stderr
        nginx_started = True
        base = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 10
        while True:
            try:
                if http.get(base + "/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "nginx + installed authd never healthy"
            time.sleep(0.1)
        r = http.post(base + "/auth/login", json={"email": email, "password": PASSWORD},
                      timeout=10)
        assert r.status_code == 200, r.text
        token = r.json()["accessToken"]
        # The validate pool, through nginx's auth_request, and the api pool's echo.
        r = http.get(base + "/demo/", headers={"Authorization": "Bearer " + token}, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["X-Auth-Email"] == email
        assert http.get(base + "/demo/", timeout=10).status_code in (302, 401)
        # The portal's pages, from the packaged web root.
        r = http.get(base + "/signup", timeout=10)
        assert r.status_code == 200 and "Create your account" in r.text
        assert http.get(base + "/portal/portal.css", timeout=10).status_code == 200
    finally:
        if nginx_started:
            run("nginx", "-p", str(work), "-c", str(work / "nginx.conf"), "-s", "quit")
        if authd is not None and authd.poll() is None:
            authd.send_signal(signal.SIGTERM)
            try:
                authd.wait(timeout=30)
            except subprocess.TimeoutExpired:
                authd.kill()
        deadline = time.monotonic() + 5
        while (work / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)


def test_remove_keeps_the_config_and_purge_deletes_the_state(deb):
    assert installed()
    r = run("dpkg", "-r", "authd")
    assert r.returncode == 0, r.stderr
    assert not installed()
    assert not os.path.exists("/usr/sbin/authd")
    assert not os.path.exists("/usr/bin/authctl")
    assert not os.path.exists("/lib/systemd/system/authd.service")
    assert os.path.exists("/etc/authd/authd.conf"), "remove must keep the conffile"
    assert os.path.exists("/var/lib/authd/keys"), "remove must keep the keys"
    r = run("dpkg", "--purge", "authd")
    assert r.returncode == 0, r.stderr
    assert not os.path.exists("/etc/authd/authd.conf")
    assert not os.path.exists("/var/lib/authd")
