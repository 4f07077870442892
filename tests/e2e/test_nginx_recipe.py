"""The README's nginx instructions, run as written.

The install block of "Deploying behind nginx" is executed into a fresh
directory (and into a copy of Debian's /etc/nginx, where `nginx -t` must
pass); the "put an app behind authd" server block is pasted into nginx
instances of this test's own, in front of an app that answers 200 to every
request, and talks to the running stack's authd.  A token-less request must
never reach that app, also when the recipe is used wrongly.
"""
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import time
from urllib.parse import quote

import pytest
import requests

from conftest import ROOT, assert_error, bearer, login, nginx_conf, readme_block, verified_user
from test_groups import groups_cmd, refresh
from test_mfa import challenge, enable_mfa, mfa_verify

# The test's own nginx serves a self-signed certificate.
pytestmark = pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")

APP_HOST = "app.example.com"


INSTALL = readme_block("## Deploying behind nginx", "sh")
RECIPE = readme_block("### Putting any app behind a login (nginx `auth_request`)", "nginx")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    d = tmp_path_factory.mktemp("certs")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", "/CN=" + APP_HOST, "-addext", f"subjectAltName=DNS:{APP_HOST}",
                    "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")],
                   check=True, capture_output=True)
    return d / "cert.pem", d / "key.pem"


def run_install(stack, nginx_dir, certs, validate_socket=None):
    """Runs the README's install block with its values set for this
    machine (and without its final `nginx -t && systemctl reload nginx`)."""
    values = {
        "NGINX": str(nginx_dir),
        "API_SOCKET": str(stack.var / "run" / "api.sock"),
        "VALIDATE_SOCKET": validate_socket or str(stack.var / "run" / "validate.sock"),
        "TLS_CERT": str(certs[0]),
        "TLS_KEY": str(certs[1]),
        "WEB_ROOT": str(nginx_dir / "web"),
    }
    lines = []
    for line in INSTALL.splitlines():
        name = line.split("=", 1)[0]
        if name in values:
            line = f"{name}={values.pop(name)}"
        if line.startswith("nginx -t && systemctl reload nginx"):
            continue
        lines.append(line)
    assert not values, f"the README's install block no longer sets {sorted(values)}"
    subprocess.run(["bash", "-euo", "pipefail", "-c", "\n".join(lines)], cwd=ROOT, check=True)


def test_readme_install_passes_nginx_t_in_debians_layout(stack, tmp_path, certs):
    etc = tmp_path / "etc-nginx"
    shutil.copytree("/etc/nginx", etc, symlinks=True)
    for leftover in ("sites-enabled/authd", "conf.d/authd.conf", "conf.d/authd-metrics.conf"):
        (etc / leftover).unlink(missing_ok=True)
    main = etc / "nginx.conf"
    main.write_text(main.read_text().replace("/etc/nginx/", f"{etc}/"))
    # Debian's modules-enabled/ (set-misc, for the micro-cache) loads
    # `modules/<name>.so` from nginx's prefix, which -p moves here.
    (etc / "modules").symlink_to("/usr/lib/nginx/modules")
    run_install(stack, etc, certs)
    rendered = [etc / "conf.d" / "authd.conf", etc / "conf.d" / "authd-metrics.conf",
                etc / "sites-available" / "authd",
                *sorted((etc / "snippets").glob("authd-*.conf"))]
    for path in rendered:
        left = re.findall(r"@[A-Z_]+@", path.read_text())
        assert not left, f"{path.name} still has placeholders {left}"
    t = subprocess.run(["nginx", "-t", "-p", str(etc), "-c", str(main)], capture_output=True,
                       text=True)
    assert t.returncode == 0, t.stderr
    # Without the http-level file the snippets cannot load at all.
    (etc / "conf.d" / "authd.conf").unlink()
    t = subprocess.run(["nginx", "-t", "-p", str(etc), "-c", str(main)], capture_output=True,
                       text=True)
    assert t.returncode != 0


# --- the recipe in nginx instances of this test's own --------------------------

APP = """
server {{
    listen unix:{sock};
    default_type application/json;
    location / {{
        return 200 '{{"app":"reached","user":"$http_x_auth_user_id","email":"$http_x_auth_email","mfa":"$http_x_auth_mfa","groups":"$http_x_auth_groups"}}';
    }}
}}
"""


class Nginx:
    """One nginx: the README's files installed into `d`, an http block that
    includes conf.d/authd.conf, `servers` (text), and the 200-to-all app."""

    def __init__(self, stack, d, certs, servers, validate_socket=None):
        self.dir = d
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        run_install(stack, d, certs, validate_socket)
        self.conf = d / "nginx.conf"
        self.conf.write_text(nginx_conf(
            d, f"    include conf.d/authd.conf;\n{servers.format(port=self.port)}\n"
               f"{APP.format(sock=d / 'app.sock')}"))

    def test_config(self):
        return subprocess.run(["nginx", "-t", "-q", "-p", str(self.dir), "-c", str(self.conf)],
                              capture_output=True, text=True)

    def __enter__(self):
        t = self.test_config()
        assert t.returncode == 0, t.stderr
        subprocess.run(["nginx", "-p", str(self.dir), "-c", str(self.conf)], check=True)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        return self

    def __exit__(self, *exc):
        pid = int((self.dir / "nginx.pid").read_text())
        os.kill(pid, signal.SIGQUIT)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)

    def get(self, path, **kw):
        headers = {"Host": APP_HOST, **kw.pop("headers", {})}
        return requests.get(self.url + path, headers=headers, verify=False,
                            allow_redirects=False, timeout=10, **kw)


def recipe(certs, app_sock):
    """The README's server block, changed only where this machine differs:
    the listen address, the certificate paths and the app's address."""
    text = RECIPE
    for old, new in (("listen 443 ssl http2;", "listen 127.0.0.1:{port} ssl http2;"),
                     (f"/etc/letsencrypt/live/{APP_HOST}/fullchain.pem", str(certs[0])),
                     (f"/etc/letsencrypt/live/{APP_HOST}/privkey.pem", str(certs[1])),
                     ("http://127.0.0.1:3000", f"http://unix:{app_sock}:")):
        assert old in text, f"the README's recipe no longer has {old!r}"
        text = text.replace(old, new)
    # str.format() fills {port}; the recipe's own braces are nginx's.
    return text.replace("{", "{{").replace("}", "}}").replace("{{port}}", "{port}")


@pytest.fixture(scope="module")
def app_hosts_allowed(stack):
    old = stack.reconfigure(http__redirect_hosts=f"127.0.0.1, localhost, {APP_HOST}")
    yield
    stack.reload_with(old)


@pytest.fixture
def recipe_nginx(stack, tmp_path, certs, app_hosts_allowed):
    with Nginx(stack, tmp_path, certs, recipe(certs, tmp_path / "app.sock")) as n:
        yield n


def assert_app_not_reached(r):
    assert "reached" not in r.text, (r.status_code, r.text)


def test_recipe_refuses_api_clients_and_sends_browsers_to_the_portal(stack, recipe_nginx):
    r = recipe_nginx.get("/anything?x=1")
    assert_error(r, 401, "INVALID_TOKEN")
    assert_app_not_reached(r)
    r = recipe_nginx.get("/anything?x=1", headers={"Authorization": "Bearer forged.token.here",
                                                   "X-Auth-User-Id": "forged"})
    assert_error(r, 401, "INVALID_TOKEN")
    r = recipe_nginx.get("/reports/2026?x=1", headers={"Accept": "text/html"})
    assert r.status_code == 302
    assert r.headers["Location"] == (
        stack.url + "/login?rd=" + quote(f"https://{APP_HOST}/reports/2026?x=1", safe=""))


def test_recipe_admits_a_valid_token_with_the_identity(stack, http, recipe_nginx):
    tokens = login(http, verified_user(stack, http))
    r = recipe_nginx.get("/anything", headers={**bearer(tokens["accessToken"]),
                                               "X-Auth-User-Id": "forged",
                                               "X-Auth-Groups": "admins"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["app"] == "reached"
    assert body["user"] == tokens["user"]["userId"]
    assert body["email"] == tokens["user"]["email"]
    assert body["mfa"] == "false"
    assert body["groups"] == ""  # the client's copy never reaches the app
    # /admin/ wants a second factor first.
    r = recipe_nginx.get("/admin/", headers=bearer(tokens["accessToken"]))
    assert_error(r, 403, "MFA_REQUIRED")
    assert_app_not_reached(r)


def test_recipe_admin_wants_the_second_factor_and_the_group(stack, http, recipe_nginx):
    address, _, _, backup = enable_mfa(stack, http)
    tokens = mfa_verify(http, challenge(http, address), backup[0]).json()
    r = recipe_nginx.get("/admin/", headers=bearer(tokens["accessToken"]))
    assert_error(r, 403, "GROUP_REQUIRED")
    assert_app_not_reached(r)
    groups_cmd(stack, "add", address, "admins")
    tokens = refresh(http, tokens)
    r = recipe_nginx.get("/admin/", headers=bearer(tokens["accessToken"]))
    assert r.status_code == 200, r.text
    assert r.json()["groups"] == "admins" and r.json()["mfa"] == "true"


def test_recipe_checks_a_prefix_asked_for_without_its_slash(stack, http, recipe_nginx):
    # nginx's own HTML 301 to /admin/ would come before any check.
    r = recipe_nginx.get("/admin")
    assert_error(r, 401, "INVALID_TOKEN")
    r = recipe_nginx.get("/admin", headers={"Accept": "text/html"})
    assert r.status_code == 302 and "/login?rd=" in r.headers["Location"]
    tokens = login(http, verified_user(stack, http))
    assert_error(recipe_nginx.get("/admin", headers=bearer(tokens["accessToken"])), 403,
                 "MFA_REQUIRED")


def test_recipe_lets_no_other_x_auth_header_reach_the_app(stack, http, recipe_nginx):
    tokens = login(http, verified_user(stack, http))
    for path in ("/anything", "/admin/"):
        r = recipe_nginx.get(path, headers={**bearer(tokens["accessToken"]),
                                            "X-Auth-Role": "admin"})
        assert_error(r, 403, "FORBIDDEN_HEADER")
        assert_app_not_reached(r)


def test_recipe_with_a_dead_validator_answers_the_json_503(stack, http, tmp_path, certs):
    tokens = login(http, verified_user(stack, http))
    dead = str(tmp_path / "nobody-listens.sock")
    with Nginx(stack, tmp_path, certs, recipe(certs, tmp_path / "app.sock"),
               validate_socket=dead) as n:
        for headers in ({}, bearer(tokens["accessToken"]), {"Accept": "text/html"}):
            r = n.get("/anything", headers=headers)
            assert_error(r, 503, "SERVICE_UNAVAILABLE")


def without_location_snippet(text):
    out = text.replace("    include snippets/authd-location.conf;", "    # (forgotten)")
    assert out != text
    return out


def test_recipe_without_the_location_snippet_fails_nginx_t(stack, tmp_path, certs):
    servers = without_location_snippet(recipe(certs, tmp_path / "app.sock"))
    t = Nginx(stack, tmp_path, certs, servers).test_config()
    assert t.returncode != 0
    assert "authd_location" in t.stderr


def test_recipe_without_the_location_snippet_beside_a_server_with_it_refuses_all(
        stack, http, tmp_path, certs):
    # nginx -t passes (another server declares the variable), but no request
    # of the broken server reaches the app: its auth_request would.
    other = ("server {{ listen 127.0.0.1:%d; include snippets/authd-location.conf; }}"
             % free_port())
    servers = without_location_snippet(recipe(certs, tmp_path / "app.sock")) + other
    tokens = login(http, verified_user(stack, http))
    with Nginx(stack, tmp_path, certs, servers) as n:
        for headers in ({}, bearer(tokens["accessToken"]), {"Accept": "text/html"}):
            r = n.get("/anything", headers=headers)
            assert r.status_code >= 500, (r.status_code, r.text)
            assert_app_not_reached(r)


def test_protect_at_server_level_covers_every_location(stack, http, tmp_path, certs):
    sock = tmp_path / "app.sock"
    servers = f"""
server {{{{
    listen 127.0.0.1:{{port}} ssl;
    ssl_certificate {certs[0]};
    ssl_certificate_key {certs[1]};
    include snippets/authd-location.conf;
    include snippets/authd-protect.conf;
    include snippets/authd-identity-proxy.conf;
    location / {{{{ proxy_pass http://unix:{sock}:; }}}}
    location /static/ {{{{ proxy_pass http://unix:{sock}:; }}}}
}}}}
"""
    tokens = login(http, verified_user(stack, http))
    with Nginx(stack, tmp_path, certs, servers) as n:
        for path in ("/", "/static/x.css"):
            assert_error(n.get(path), 401, "INVALID_TOKEN")
            r = n.get(path, headers=bearer(tokens["accessToken"]))
            assert r.status_code == 200 and r.json()["user"] == tokens["user"]["userId"]
            r = n.get(path, headers={**bearer(tokens["accessToken"]), "X-Auth-Tenant": "x"})
            assert_error(r, 403, "FORBIDDEN_HEADER")


def test_the_cached_recipe_without_its_server_snippet_fails_nginx_t(stack, tmp_path, certs):
    # authd-protect-cached.conf in a server that lacks authd-validate-cached.conf
    # (README, "The validator's micro-cache"): refused at nginx -t, never a
    # location that would let requests through unchecked.
    servers = recipe(certs, tmp_path / "app.sock")
    assert "include snippets/authd-protect.conf;" in servers
    servers = servers.replace("include snippets/authd-protect.conf;",
                              "include snippets/authd-protect-cached.conf;")
    t = Nginx(stack, tmp_path, certs, servers).test_config()
    assert t.returncode != 0
    assert "authd_validate_cached" in t.stderr
