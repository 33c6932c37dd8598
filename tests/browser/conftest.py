"""
Fixtures for the tests that drive Debian's Chromium (/usr/bin/chromium) through
Playwright against a live server of the site filled with the lab's content.

Playwright's own browser downloads are never used: `playwright install` is not needed.
Without /usr/bin/chromium the tests skip (and CI, where CI=true, fails them: see
tests/conftest.py). CVs uploaded through the live server go to the test's own folder (the
`cv_storage` fixture), as the live server runs in this process.
"""

import os
import socket
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LIVE_SERVER_PORTS = range(8502, 8510)
PHONE = {"width": 360, "height": 740}


def _free_port():
    # Bound, not connected to: a port a previous run's connections still hold (TIME_WAIT,
    # about a minute) takes no connection, yet the live server could not bind it.
    for port in LIVE_SERVER_PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {LIVE_SERVER_PORTS}")


def _static_only(media_handler):
    """
    The live server's handler without Django's media wrapper: the site has no MEDIA_URL
    (CVs are never served publicly), which that wrapper cannot handle.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler

    return StaticFilesHandler(WSGIHandler())


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, on one of this suite's ports (8502–8509)."""
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(f"127.0.0.1:{_free_port()}", start=False)
    server.thread = LiveServerThread(
        "127.0.0.1",
        static_handler=_static_only,
        connections_override={
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        },
        port=server.thread.port,
    )
    server.thread.daemon = True
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    """
    Chromium, once per test module. Playwright's sync API keeps an event loop running
    in this thread while it is started, so Django's guard against database calls from
    async code is lifted for that time only: the tests' own calls are synchronous.
    """
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def site(live_server, transactional_db, settings):
    """The live site with the lab's content; its base URL. (CVs: the `cv_storage` fixture.)"""
    from django.core.management import call_command

    settings.SITE_URL = live_server.url  # absolute links (the status link) lead back here
    call_command("seed_content", verbosity=0)
    return live_server.url


def _context(browser, **options):
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, site):
    """A desktop-sized page; its console errors (CSP violations too) in page.console_errors."""
    context = _context(browser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, site):
    context = _context(browser, viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()
