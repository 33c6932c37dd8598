"""
Security headers on the public pages and the admin, first through Django's test client,
then through gunicorn with the production settings and HTTPS on, as in production
behind nginx (which sets X-Forwarded-Proto).
"""

import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from tests.servers import free_port, prepare, production_env, running

PUBLIC_PAGES = ["/", "/en/", "/apply/", "/en/apply/", "/privacy/", "/en/privacy/"]
ADMIN_LOGIN = "/admin/login/"
STRICT_DIRECTIVES = {
    "default-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}


def csp_directives(header):
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict_policy(header, admin=False):
    directives = csp_directives(header)
    for name, sources in STRICT_DIRECTIVES.items():
        assert directives.get(name) == sources, (name, header)
    for name, sources in directives.items():
        assert "'unsafe-eval'" not in sources, header
        assert not any(source.startswith("'nonce-") for source in sources), header
        if admin and name == "style-src":
            continue
        assert "'unsafe-inline'" not in sources, (name, header)
    # Scripts and styles only from the site itself.
    assert directives.get("script-src", ["'self'"]) == ["'self'"]
    if not admin:
        assert directives.get("style-src", ["'self'"]) == ["'self'"]


def assert_common_headers(headers):
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


# --- Through Django's test client ------------------------------------------------------


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_carry_the_strict_policy_and_security_headers(client, seeded, path):
    response = client.get(path)

    assert response.status_code == 200
    assert_strict_policy(response.headers["Content-Security-Policy"])
    assert_common_headers(response.headers)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_hold_no_inline_script_or_style_the_policy_would_block(client, seeded, path):
    html = client.get(path).content.decode()

    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
    assert not re.search(r"<style\b", html)
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)  # onclick= and friends


def test_admin_login_allows_inline_styles_but_never_inline_script(client, db):
    response = client.get(ADMIN_LOGIN)

    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    assert_strict_policy(header, admin=True)
    assert csp_directives(header)["style-src"] == ["'self'", "'unsafe-inline'"]
    assert_common_headers(response.headers)


# --- Through gunicorn, production settings, HTTPS --------------------------------------

PORT = free_port()  # never a fixed one: runs and other tests may share the machine
HOST = f"127.0.0.1:{PORT}"
HTTPS = {"X-Forwarded-Proto": "https"}
ADMIN_PASSWORD = "a-long-admin-password-for-the-header-test"


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    env = production_env(tmp_path_factory.mktemp("https"), DJANGO_HTTPS="1")
    prepare(env, admin_password=ADMIN_PASSWORD)
    with running(PORT, env) as server:
        yield server


def cookies(headers):
    jar = SimpleCookie()
    for line in headers.get("set-cookie", "").split("\n"):
        if line:
            jar.load(line)
    return jar


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/en/apply/?position=ra", ADMIN_LOGIN])
def test_plain_http_is_redirected_to_https_on_the_same_host(https_server, path):
    status, headers, _ = https_server.get(path)

    assert status == 301
    assert headers["location"] == f"https://{HOST}{path}"


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/", "/en/", "/apply/", "/en/apply/", ADMIN_LOGIN])
def test_pages_over_https_carry_hsts_for_a_year_and_the_strict_policy(https_server, path):
    status, headers, _ = https_server.get(path, headers=HTTPS)

    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert_strict_policy(headers["content-security-policy"], admin=path == ADMIN_LOGIN)
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"


@pytest.mark.slow
def test_session_and_csrf_cookies_are_secure_httponly_and_samesite_lax(https_server):
    status, headers, html = https_server.get(ADMIN_LOGIN, headers=HTTPS)
    assert status == 200
    csrf_cookie = cookies(headers)["csrftoken"]
    assert csrf_cookie["secure"] and csrf_cookie["httponly"]
    assert csrf_cookie["samesite"] == "Lax"
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1).decode()

    status, headers, _ = https_server.request(
        "POST",
        ADMIN_LOGIN,
        body=urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "admin",
                "password": ADMIN_PASSWORD,
                "next": "/admin/",
            }
        ),
        headers={
            **HTTPS,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf_cookie.value}",
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}{ADMIN_LOGIN}",
        },
    )

    assert status == 302, "the login failed"
    session_cookie = cookies(headers)["sessionid"]
    assert session_cookie["secure"] and session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"


@pytest.mark.slow
def test_landing_page_sets_no_cookie(https_server):
    for path in ["/", "/en/"]:
        _, headers, _ = https_server.get(path, headers=HTTPS)
        assert "set-cookie" not in headers, path
        assert "Cookie" not in headers.get("vary", ""), path


@pytest.mark.slow
def test_health_check_answers_over_plain_http_for_the_load_balancer(https_server):
    status, headers, body = https_server.get("/healthz")

    assert status == 200
    assert b'"status": "ok"' in body
    assert "set-cookie" not in headers
