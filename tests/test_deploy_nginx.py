"""
The deploy guide is tested (issue 11, item 15): Debian's nginx runs the nginx blocks of
docs/deploy.md, with only ports and paths substituted by scripts/nginx_from_guide.py,
in front of gunicorn with production settings and the guide's environment (HTTPS
behind the proxy, one trusted proxy), and a smoke test goes through it: the HTTP → HTTPS
redirect, the landing page with its security headers, a hashed static file, an
application with a PDF CV, the admin login, and the keep-alive desync of item 1 with
nginx's upstream keep-alive. Each check adds one line to a summary that the run prints
when the module ends (in CI's output too, without `-s`).

Without nginx the module fails in CI (CI=true) and is skipped elsewhere.
"""

import http.client
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter

import pytest

from tests.servers import BASE_DIR, Browser, free_port, prepare, production_env, running
from tests.submissions import application_body

pytestmark = [pytest.mark.slow, pytest.mark.nginx]

HOST = "example.org"  # the guide's server_name, kept as written
ORIGIN = f"https://{HOST}"
ADMIN_PASSWORD = "nginx-smoke-admin-password-0123456789"
MB = 1024 * 1024
SCRIPT = BASE_DIR / "scripts" / "nginx_from_guide.py"


SUMMARY = []  # the checks' lines, printed by the `nginx` fixture when the module ends


def report(check, outcome):
    SUMMARY.append(f"nginx smoke: {check:<34} {outcome}")


def required(program, package=None, path=None):
    """
    The program's path (or `path`, a file a package installs); a missing one fails the
    run in CI and skips elsewhere.
    """
    if path is not None:
        found = path if os.path.exists(path) else None
    else:
        found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin")
    if found:
        return found
    message = f"{program} is not installed (apt-get install {package or program})"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}: CI must test the deploy guide through it")
    pytest.skip(message)


class Nginx:
    """nginx in the foreground on a generated configuration; talks HTTPS as a browser."""

    def __init__(self, prefix, gunicorn_port, cert, key, static_root, nginx_static=False):
        self.prefix = prefix
        self.cert = cert
        self.http_port = free_port()
        self.https_port = free_port()
        conf = prefix / "nginx.conf"
        command = [
            sys.executable,
            str(SCRIPT),
            f"--prefix={prefix}",
            f"--upstream=127.0.0.1:{gunicorn_port}",
            f"--http-port={self.http_port}",
            f"--https-port={self.https_port}",
            f"--cert={cert}",
            f"--key={key}",
            f"--static-root={static_root}",
            f"--out={conf}",
        ]
        if nginx_static:
            command.append("--nginx-static")
        generated = subprocess.run(command, capture_output=True, text=True)
        assert generated.returncode == 0, generated.stderr
        binary = required("nginx")
        tested = subprocess.run(
            [binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
        )
        assert tested.returncode == 0, f"nginx -t refused the guide's block:\n{tested.stderr}"
        self.process = subprocess.Popen(
            [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.context = ssl.create_default_context(cafile=str(cert))
        self.context.check_hostname = False  # the certificate names example.org, not 127.0.0.1
        deadline = time.monotonic() + 15
        while True:
            try:
                self.request("GET", "/healthz")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not start: {self.error_log()}") from None
                time.sleep(0.1)

    def error_log(self):
        path = self.prefix / "logs" / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def request(self, method, path, body=None, headers=None, timeout=30, https=True):
        """One request on a new connection: (status, lower-cased headers, body)."""
        if https:
            connection = http.client.HTTPSConnection(
                "127.0.0.1", self.https_port, timeout=timeout, context=self.context
            )
        else:
            connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        merged = {}
        for name, value in response.getheaders():
            name = name.lower()
            merged[name] = f"{merged[name]}\n{value}" if name in merged else value
        return response.status, merged, content

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # graceful shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """gunicorn with the guide's environment (section 4), its state in a temporary folder."""
    required("nginx")
    openssl = required("openssl")
    tmp = tmp_path_factory.mktemp("deploy-nginx")
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")]
        + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"],
        check=True,
        capture_output=True,
    )
    env = production_env(
        tmp,
        DJANGO_HTTPS="1",
        DJANGO_ALLOWED_HOSTS=f"{HOST},127.0.0.1,localhost",
        DJANGO_CSRF_TRUSTED_ORIGINS=ORIGIN,
        SITE_URL=ORIGIN,
        DJANGO_TRUSTED_PROXY_COUNT="1",
        # Every request comes from 127.0.0.1 here: the rate limits would count them all.
        APPLY_RATE_LIMIT="0",
        APPLY_REFUSED_RATE_LIMIT="0",
    )
    prepare(env, admin_password=ADMIN_PASSWORD)
    with running(free_port(), env) as server:
        yield server, tmp


@pytest.fixture(scope="module")
def nginx(site, request):
    server, tmp = site
    prefix = tmp / "nginx"
    prefix.mkdir()
    proxy = Nginx(
        prefix, server.port, tmp / "cert.pem", tmp / "key.pem", server.env["STATIC_ROOT"]
    )
    version = subprocess.run([required("nginx"), "-v"], capture_output=True, text=True).stderr
    report("nginx -t (guide's block)", f"ok, {version.strip()}")
    yield proxy
    proxy.stop()
    plugins = request.config.pluginmanager
    terminal, capture = (
        plugins.get_plugin("terminalreporter"),
        plugins.get_plugin("capturemanager"),
    )
    if terminal is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # past pytest's output capture
            terminal.write_line("")
            for line in SUMMARY:
                terminal.write_line(line)


def test_plain_http_is_redirected_to_https(nginx):
    status, headers, _ = nginx.request("GET", "/apply/?x=1", https=False)
    assert status == 301
    assert headers["location"] == f"{ORIGIN}/apply/?x=1"
    report("port 80 -> HTTPS", f"{status} {headers['location']}")


def test_landing_page_through_nginx_has_the_security_headers(nginx):
    status, headers, body = nginx.request("GET", "/")
    assert status == 200
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert "max-age=31536000" in headers["strict-transport-security"]  # HTTPS seen via nginx
    report("landing page /", f"{status}, {len(body)} bytes, CSP/HSTS/nosniff/DENY/COOP present")


def hashed_stylesheet(nginx):
    _, _, body = nginx.request("GET", "/")
    match = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body.decode())
    assert match, "no hashed stylesheet on the landing page"
    return match.group(1)


def test_hashed_static_file_through_nginx_is_cached_for_good(nginx):
    """As the guide sets it up by default: whitenoise in gunicorn, behind nginx."""
    path = hashed_stylesheet(nginx)
    status, headers, body = nginx.request("GET", path, headers={"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["cache-control"]
    assert headers.get("content-encoding") == "gzip"
    report(
        "static file (whitenoise)",
        f"{status} {path}, {headers['cache-control']}, {headers['content-encoding']}",
    )


def test_guide_static_location_serves_hashed_files_from_nginx(site, nginx):
    """The guide's optional `location /static/` block (brotli module included)."""
    required(
        "nginx's brotli_static module",
        "libnginx-mod-http-brotli-static",
        path="/usr/share/nginx/modules/ngx_http_brotli_static_module.so",
    )
    server, tmp = site
    prefix = tmp / "nginx-static"
    prefix.mkdir()
    path = hashed_stylesheet(nginx)
    static_nginx = Nginx(
        prefix,
        server.port,
        tmp / "cert.pem",
        tmp / "key.pem",
        server.env["STATIC_ROOT"],
        nginx_static=True,
    )
    try:
        status, headers, body = static_nginx.request(
            "GET", path, headers={"Accept-Encoding": "br"}
        )
    finally:
        static_nginx.stop()
    assert status == 200
    assert "immutable" in headers["cache-control"]
    assert headers.get("content-encoding") == "br"
    report("static file (nginx location)", f"{status} {path}, {headers['cache-control']}, br")


def logged(path, needle, timeout=10):
    """The log file's text once it holds `needle` (or after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        text = path.read_text()
        if needle in text or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def test_application_with_a_pdf_cv_through_nginx_is_saved(nginx):
    browser = Browser()
    status, _, page = browser.get(nginx, "/en/apply/")
    assert status == 200
    body, content_type = application_body(page.decode(), "nginx.smoke@example.edu.cn")
    status, headers, _ = browser.request(
        nginx,
        "POST",
        "/en/apply/",
        body,
        {"Content-Type": content_type, "Origin": ORIGIN},
    )
    assert status == 302, f"application refused ({status})"
    thanks = urllib.parse.urlsplit(headers["location"]).path
    assert thanks.startswith("/en/apply/thanks/")
    status, _, _ = browser.get(nginx, thanks)
    assert status == 200
    token = thanks.rstrip("/").rsplit("/", 1)[1]
    # nginx writes the line once the response is sent: the client may read it first.
    log = logged(nginx.prefix / "logs" / "labsite.access.log", "/en/apply/thanks/_/")
    assert "/en/apply/thanks/_/" in log and token not in log  # the guide's log_format
    report("application with a PDF CV", f"302 -> thank-you page {status}, token not logged")


def test_admin_login_through_nginx(nginx):
    browser = Browser()
    status, _, page = browser.get(nginx, "/admin/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode()).group(1)
    form = {"username": "admin", "password": ADMIN_PASSWORD, "csrfmiddlewaretoken": token}
    status, headers, _ = browser.request(
        nginx,
        "POST",
        "/admin/login/?next=/admin/",
        urllib.parse.urlencode(form),
        {"Content-Type": "application/x-www-form-urlencoded", "Origin": ORIGIN},
    )
    assert status == 302 and headers["location"] == "/admin/"
    status, _, _ = browser.get(nginx, "/admin/")
    assert status == 200
    report("admin login", f"login page 200, sign-in 302 -> /admin/ {status}")


def test_oversized_posts_cause_no_502_for_other_applicants_through_upstream_keepalive(nginx):
    """
    Item 1 through nginx: two clients send 3 MB forms (refused unread, 400) while four
    applicants send forms with a typo (read, 422), all interleaved over nginx's pool of
    keep-alive connections to gunicorn. Not one may get a 502.
    """
    statuses = {"oversized": Counter(), "innocent": Counter()}
    lock = threading.Lock()

    def client(kind, rounds):
        browser = Browser()
        _, _, page = browser.get(nginx, "/en/apply/")
        if kind == "oversized":
            body = urllib.parse.urlencode({"statement": "x" * 3 * MB})
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = application_body(page.decode(), "not-an-email")
        for _ in range(rounds):
            try:
                status, _, _ = browser.request(
                    nginx,
                    "POST",
                    "/en/apply/",
                    body,
                    {"Content-Type": content_type, "Origin": ORIGIN},
                )
            except OSError as error:
                status = type(error).__name__
            with lock:
                statuses[kind][status] += 1

    threads = [threading.Thread(target=client, args=("oversized", 15)) for _ in range(2)]
    threads += [threading.Thread(target=client, args=("innocent", 40)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    oversized, innocent = statuses["oversized"], statuses["innocent"]
    report(
        "desync (upstream keep-alive)",
        f"oversized {dict(oversized)}, innocent {dict(innocent)}",
    )
    assert oversized == Counter({400: 30})
    assert innocent == Counter({422: 160}), f"innocent applicants got {dict(innocent)}"
    log = (nginx.prefix / "logs" / "error.log").read_text(errors="replace")
    assert "upstream prematurely closed" not in log


def test_a_guide_that_nginx_refuses_fails_the_generation_or_nginx_t(tmp_path):
    """The script substitutes only ports and paths: a broken block reaches nginx -t."""
    guide = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")
    broken = guide.replace("keepalive 16;", "keepalive sixteen;", 1)
    assert broken != guide
    (tmp_path / "deploy.md").write_text(broken, encoding="utf-8")
    (tmp_path / "x").write_text("")
    conf = tmp_path / "nginx.conf"
    subprocess.run(
        [sys.executable, str(SCRIPT), f"--guide={tmp_path / 'deploy.md'}"]
        + [f"--prefix={tmp_path}", "--upstream=127.0.0.1:1", "--http-port=1"]
        + ["--https-port=2", f"--cert={tmp_path / 'x'}", f"--key={tmp_path / 'x'}"]
        + [f"--out={conf}"],
        check=True,
        capture_output=True,
    )
    tested = subprocess.run(
        [required("nginx"), "-t", "-p", str(tmp_path), "-c", str(conf)],
        capture_output=True,
        text=True,
    )
    assert tested.returncode != 0
    assert "keepalive" in tested.stderr


def test_a_guide_without_the_expected_shape_stops_the_script(tmp_path):
    guide = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")
    (tmp_path / "deploy.md").write_text(guide.replace("ssl_certificate ", "ssl_cert "))
    result = subprocess.run(
        [sys.executable, str(SCRIPT), f"--guide={tmp_path / 'deploy.md'}"]
        + [f"--prefix={tmp_path}", "--upstream=127.0.0.1:1", "--http-port=1"]
        + ["--https-port=2", "--cert=c", "--key=k", f"--out={tmp_path / 'nginx.conf'}"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "ssl_certificate" in result.stderr
