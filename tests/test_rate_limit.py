"""
The limit on how often one client may send the form (APPLY_RATE_LIMIT per hour), counted
where every gunicorn worker and every instance sees it: the database, or Redis.
"""

import concurrent.futures
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import RequestFactory, override_settings

from recruiting import ratelimit
from recruiting.models import Application, RateLimitCounter
from tests import servers
from tests.submissions import application_data, csrf_token, submit

REDIS_PORT = 8201
GUNICORN_PORT = 8202


def post(client, lab, url="/en/apply/", **extra):
    return client.post(url, application_data(lab, email="", statement=""), **extra)


@override_settings(APPLY_RATE_LIMIT=2)
def test_the_third_submission_in_an_hour_gets_429(client, lab):
    assert post(client, lab).status_code == 422  # refused by the form, but counted
    assert submit(client, lab).status_code == 302
    response = post(client, lab)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "no-store" in response["Cache-Control"]
    assert Application.objects.count() == 1


@override_settings(APPLY_RATE_LIMIT=1)
@pytest.mark.parametrize(
    ("url", "texts"),
    [
        ("/apply/", ["尝试次数过多", "你的申请没有被保存。", "分钟后再试。"]),
        (
            "/en/apply/",
            ["Too many attempts", "Your application was NOT saved.", "Please try again in"],
        ),
    ],
)
def test_the_429_page_is_friendly_and_in_the_pages_language(client, lab, url, texts):
    post(client, lab, url)
    response = post(client, lab, url)
    assert response.status_code == 429
    html = response.content.decode()
    for text in texts:
        assert text in html
    minutes = int(re.search(r"(\d+) ?(?:minute|分钟)", html).group(1))
    assert 1 <= minutes <= 60


@override_settings(APPLY_RATE_LIMIT=1)
def test_looking_at_the_form_is_not_counted(client, lab):
    for _ in range(5):
        assert client.get("/en/apply/").status_code == 200
    assert submit(client, lab).status_code == 302


@override_settings(APPLY_RATE_LIMIT=2, TRUSTED_PROXY_COUNT=0)
def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(client, lab):
    post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.1")
    post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.2")
    response = post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.3")
    assert response.status_code == 429


@override_settings(APPLY_RATE_LIMIT=1, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_saw(client, lab):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert post(client, lab, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 422
    assert post(client, lab, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 422
    # A client that prepends a fake address is still known by the one the proxy appended.
    spoofed = post(client, lab, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy)
    assert spoofed.status_code == 429


@override_settings(APPLY_RATE_LIMIT=1)
def test_different_clients_have_their_own_count(client, lab):
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 422
    assert post(client, lab, REMOTE_ADDR="198.51.100.2").status_code == 422
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 429


@override_settings(APPLY_RATE_LIMIT=1)
def test_ipv6_clients_are_counted_per_64_network(client, lab):
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:2::10").status_code == 422
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:2:ffff::1").status_code == 429
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:3::10").status_code == 422


@override_settings(APPLY_RATE_LIMIT=5)
def test_only_a_keyed_hash_of_the_address_is_stored(client, lab):
    post(client, lab, REMOTE_ADDR="198.51.100.77")
    counter = RateLimitCounter.objects.get()
    assert counter.count == 1
    assert re.fullmatch(r"[0-9a-f]{64}", counter.key)
    assert "198.51.100.77" not in str(RateLimitCounter.objects.values().get())


@override_settings(APPLY_RATE_LIMIT=0)
def test_a_limit_of_zero_turns_the_limit_off(client, lab):
    for _ in range(8):
        assert post(client, lab).status_code == 422
    assert not RateLimitCounter.objects.exists()


@override_settings(APPLY_RATE_LIMIT=3)
def test_counters_of_past_hours_are_deleted(client, lab, monkeypatch):
    hour = 3600
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_000 * hour + 10)
    post(client, lab, REMOTE_ADDR="198.51.100.1")
    post(client, lab, REMOTE_ADDR="198.51.100.2")
    assert RateLimitCounter.objects.filter(window=1_000).count() == 2
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_001 * hour + 10)
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 422  # a new hour
    assert list(RateLimitCounter.objects.values_list("window", "count")) == [(1_001, 1)]


@override_settings(APPLY_RATE_LIMIT=1)
def test_the_wait_is_until_the_end_of_the_hour(client, lab, monkeypatch):
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_000 * 3600 + 3000)
    post(client, lab)
    response = post(client, lab)
    assert response["Retry-After"] == "600"
    assert "Please try again in 10 minutes." in response.content.decode()


@override_settings(APPLY_RATE_LIMIT=1)
def test_a_bots_honeypot_submissions_are_counted_too(client, lab):
    assert submit(client, lab, website="spam").status_code == 200
    assert submit(client, lab, website="spam").status_code == 429


# -- Redis ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    """
    The Redis server named by REDIS_TEST_URL (as in CI), or a throw-away redis-server
    started on a port of ours.
    """
    if os.environ.get("REDIS_TEST_URL"):
        yield os.environ["REDIS_TEST_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed and REDIS_TEST_URL is not set")
    command = [binary, "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", REDIS_PORT)) == 0:
                break
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{REDIS_PORT}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_limit(redis_url, settings):
    """The rate limit counted in Redis; yields a client that sees only our keys."""
    import redis

    settings.REDIS_URL = redis_url
    settings.APPLY_RATE_LIMIT = 2
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": "test-apply-ratelimit"}
    }
    client = redis.Redis.from_url(redis_url)

    def clear():
        for key in client.scan_iter("test-apply-ratelimit:*"):
            client.delete(key)

    clear()
    ratelimit._redis_clients.clear()
    yield client
    ratelimit._redis_clients.clear()
    clear()


def test_with_redis_the_count_lives_in_redis_with_an_expiry(client, lab, redis_limit):
    assert post(client, lab, REMOTE_ADDR="198.51.100.9").status_code == 422
    keys = redis_limit.keys("test-apply-ratelimit:*")
    assert len(keys) == 1
    key = keys[0].decode()
    assert "198.51.100.9" not in key
    assert redis_limit.get(key) == b"1"
    assert 0 < redis_limit.ttl(key) <= 3600 + 60
    assert not RateLimitCounter.objects.exists()


def test_with_redis_every_instance_shares_the_count(client, lab, redis_limit):
    post(client, lab)
    ratelimit._redis_clients.clear()  # as if the next request reached another instance
    post(client, lab)
    ratelimit._redis_clients.clear()
    assert post(client, lab).status_code == 429


def test_when_redis_is_down_applications_are_still_accepted(client, lab, settings, caplog):
    settings.REDIS_URL = "redis://127.0.0.1:8209/0"  # nothing listens there
    settings.APPLY_RATE_LIMIT = 1
    ratelimit._redis_clients.clear()
    try:
        assert submit(client, lab).status_code == 302
    finally:
        ratelimit._redis_clients.clear()
    assert "rate limit not counted: Redis failed (ConnectionError)" in caplog.messages


# -- Across gunicorn workers ----------------------------------------------------------


@pytest.mark.slow
def test_the_limit_holds_across_gunicorn_workers(tmp_path):
    """Two workers with two threads each, eight submissions at once: exactly three pass."""
    env = servers.production_env(tmp_path, APPLY_RATE_LIMIT="3", REDIS_URL=None)
    servers.prepare(env)  # the lab's open positions: the page shows the form
    with servers.running(GUNICORN_PORT, env) as server:
        browser = servers.Browser()
        status, _, body = browser.get(server, "/en/apply/")
        assert status == 200
        form = urlencode({"csrfmiddlewaretoken": csrf_token(body.decode()), "full_name": "x"})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": browser.cookie_header(),
        }

        def send(_):
            return server.request("POST", "/en/apply/", form, headers, timeout=30)[0]

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            statuses = sorted(pool.map(send, range(8)))
    assert statuses == [422] * 3 + [429] * 5


@override_settings(APPLY_RATE_LIMIT=1)
def test_a_forged_cross_site_post_does_not_use_up_the_visitors_submissions(lab):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    token = client.get("/en/apply/").context["csrf_token"]
    for _ in range(3):
        assert client.post("/en/apply/", application_data(lab)).status_code == 403
    data = {**application_data(lab), "csrfmiddlewaretoken": token}
    assert client.post("/en/apply/", data).status_code == 302


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(APPLY_RATE_LIMIT=3)
def test_simultaneous_submissions_are_counted_exactly_on_postgresql():
    """Twelve submissions from one client at the same instant: exactly three pass."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    request = RequestFactory().post("/en/apply/", REMOTE_ADDR="198.51.100.50")
    start = threading.Barrier(12)

    def one(_):
        start.wait()
        try:
            return ratelimit.hit(request)
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(one, range(12)))
    assert sum(result is None for result in results) == 3
    assert RateLimitCounter.objects.get().count == 12
