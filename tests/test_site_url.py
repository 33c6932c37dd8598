"""
Absolute URLs and path prefixes come from SITE_URL, never from the request: a client
reaching gunicorn directly with a forged Host or SCRIPT_NAME (on an instance whose
ALLOWED_HOSTS lets any host in) gets, and leaves in the page cache, only SITE_URL's
links. Without SITE_URL, debug off: links are paths only, and there is no sitemap;
debug on (a laptop): the request's host.
"""

import re
from html import unescape

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import set_script_prefix

from recruiting import pages
from recruiting.middleware import landing_paths
from tests.servers import manage, production_env

SITE_URL = "https://recruit.example.edu"
FORGED = {"HTTP_HOST": "evil.example", "SCRIPT_NAME": "/evil"}
# The cached pages, by path, and their names in the page cache.
CACHED_PAGES = [
    ("/", "landing:zh-hans"),
    ("/en/", "landing:en"),
    ("/apply/", "apply:zh-hans:"),
    ("/en/apply/", "apply:en:"),
]


@pytest.fixture
def misconfigured(seeded, settings):
    """An instance that lets any Host in, as one whose ALLOWED_HOSTS is too wide."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.SITE_URL = SITE_URL
    return settings


def through_wsgi(path, **environ):
    """
    GET path through Django's own WSGI handler, which (unlike the test client, and as
    under gunicorn) sets the prefix of every reverse()d URL from the request's environ.
    Returns (status, body).
    """
    environ = RequestFactory().get(path, **environ).environ
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])

    # As the test client does: the test's database connection must stay open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        body = b"".join(response).decode()
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        set_script_prefix("/")  # what the handler set must not reach the next test
    return answer["status"], body


def canonical_of(html):
    return unescape(re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1))


def assert_only_site_url_links(html, path):
    """Nothing of the forged Host or SCRIPT_NAME anywhere; the canonical URL is SITE_URL's."""
    assert "evil" not in html
    assert canonical_of(html) == SITE_URL + path


@pytest.mark.parametrize(("path", "name"), CACHED_PAGES)
def test_a_forged_host_and_script_name_change_no_link_nor_the_cached_page(
    misconfigured, client, path, name
):
    status, html = through_wsgi(path, **FORGED)

    assert status == 200
    assert_only_site_url_links(html, path)
    assert_only_site_url_links(pages.get(name), path)
    later = client.get(path)  # a normal visitor, served from the page cache
    assert later.status_code == 200
    assert_only_site_url_links(later.content.decode(), path)


def test_a_forged_script_name_changes_no_link_on_other_pages(misconfigured):
    status, html = through_wsgi("/en/privacy/", **FORGED)

    assert status == 200
    assert_only_site_url_links(html, "/en/privacy/")


def test_the_status_link_on_the_thank_you_page_comes_from_site_url(misconfigured):
    from recruiting.models import Position
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(position=Position.objects.get(slug="ra"))

    status, html = through_wsgi(f"/en/apply/thanks/{application.token}/", **FORGED)

    assert status == 200
    assert f"{SITE_URL}/en/apply/status/{application.token}/" in html
    assert "evil" not in html


def switcher_links(html):
    """{hreflang: href} of the header's language switcher."""
    return {
        hreflang: unescape(href)
        for href, hreflang in re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"', html)
    }


@pytest.mark.parametrize(
    ("path", "status", "expected"),
    [
        ("/en/", 200, {"zh-Hans": "/lab/", "en": "/lab/en/"}),
        ("/privacy/", 200, {"zh-Hans": "/lab/privacy/", "en": "/lab/en/privacy/"}),
        ("/en/nope/", 404, {"zh-Hans": "/lab/nope/", "en": "/lab/en/nope/"}),
        ("/en//evil.example/", 404, {"zh-Hans": "/lab/", "en": "/lab/en//evil.example/"}),
    ],
)
def test_under_a_path_every_link_starts_with_site_urls_path(misconfigured, path, status, expected):
    misconfigured.SITE_URL = "https://example.org/lab"
    misconfigured.FORCE_SCRIPT_NAME = "/lab"  # as labsite.settings makes it (below)

    answer, html = through_wsgi(path, **FORGED)

    assert answer == status
    assert "/evil/" not in html
    assert switcher_links(html) == expected
    paths = [unescape(url) for url in re.findall(r'(?:href|src)="(/[^"]*)"', html)]
    assert paths and [url for url in paths if not url.startswith(("/lab/", "/static/"))] == []
    if status == 200:
        assert canonical_of(html) == "https://example.org/lab" + path


def test_under_a_path_the_landing_page_is_still_served_from_memory():
    """PageCacheMiddleware matches path_info, which SITE_URL's path is not part of."""
    landing_paths.cache_clear()
    set_script_prefix("/lab/")
    try:
        assert landing_paths() == {"/", "/en/"}
    finally:
        set_script_prefix("/")
        landing_paths.cache_clear()


# --- Without SITE_URL ----------------------------------------------------------------------


def test_without_site_url_and_debug_off_links_are_paths_never_the_requests_host(
    misconfigured, client
):
    misconfigured.SITE_URL = ""

    html = client.get("/en/", headers={"host": "evil.example"}).content.decode()

    assert "evil.example" not in html
    assert '<link rel="canonical" href="/en/">' in html
    assert "evil.example" not in pages.get("landing:en")
    robots = client.get("/robots.txt", headers={"host": "evil.example"}).content.decode()
    assert "Sitemap:" not in robots and "evil.example" not in robots
    assert client.get("/sitemap.xml", headers={"host": "evil.example"}).status_code == 404


def test_on_a_laptop_without_site_url_links_use_the_requests_host(seeded, client, settings):
    settings.DEBUG = True
    settings.SITE_URL = ""

    html = client.get("/en/").content.decode()

    assert '<link rel="canonical" href="http://testserver/en/">' in html
    assert "http://testserver/en/" in client.get("/sitemap.xml").content.decode()


# --- FORCE_SCRIPT_NAME, from labsite.settings ---------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SITE_URL": "https://example.org/lab/"}, "'/lab'"),
        ({"SITE_URL": "https://example.org"}, "''"),
        ({"SITE_URL": None}, "''"),  # debug off: never the request's SCRIPT_NAME
        ({"SITE_URL": None, "DJANGO_DEBUG": "1"}, "None"),  # a laptop: the request's
    ],
)
def test_the_path_prefix_comes_from_site_url(tmp_path, env, expected):
    code = "from django.conf import settings; print(repr(settings.FORCE_SCRIPT_NAME))"

    result = manage("shell", "--no-imports", "-c", code, env=production_env(tmp_path, **env))

    assert result.stdout.strip() == expected
