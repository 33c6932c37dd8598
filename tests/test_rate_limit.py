"""
The limit on how often one client may send the form, per clock hour: accepted
applications against APPLY_RATE_LIMIT, refused forms against the higher
APPLY_REFUSED_RATE_LIMIT, counted where every gunicorn worker and every instance sees
it (the database, or Redis, and the database while Redis fails). Time is frozen in every
test: the window is the clock hour, and a test must not depend on when it runs.
"""

import concurrent.futures
import logging
import os
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.test import Client, RequestFactory, override_settings

from recruiting import ratelimit
from recruiting.models import Application, RateLimitCounter
from tests import servers
from tests.submissions import application_data, submit

# 10:20 past an hour (UTC+8): 40 minutes left in the window.
NOW = "2026-11-29 10:20:00+08:00"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def post(client, lab, url="/en/apply/", **extra):
    """A form the site refuses (422): no e-mail, no statement."""
    return client.post(url, application_data(lab, email="", statement=""), **extra)


def accepted(client, lab, number, url="/en/apply/", **extra):
    """Application number `number`, which the site accepts (302): an address of its own."""
    data = application_data(lab, email=f"applicant-{number}@example.org")
    return client.post(url, data, **extra)


# -- Accepted applications and refused forms are counted apart -------------------------


@override_settings(APPLY_RATE_LIMIT=5, APPLY_REFUSED_RATE_LIMIT=50)
def test_five_refused_forms_then_a_correct_one_is_accepted(client, lab):
    for _ in range(5):
        assert post(client, lab).status_code == 422
    assert accepted(client, lab, 1).status_code == 302
    assert Application.objects.count() == 1


@override_settings(APPLY_RATE_LIMIT=5, APPLY_REFUSED_RATE_LIMIT=50)
def test_the_sixth_accepted_application_in_an_hour_gets_429(client, lab):
    assert [accepted(client, lab, n).status_code for n in range(5)] == [302] * 5
    response = accepted(client, lab, 5)
    assert response.status_code == 429
    assert response["Retry-After"] == "2400"  # 40 minutes to the next hour
    assert "no-store" in response["Cache-Control"]
    assert Application.objects.count() == 5


@override_settings(APPLY_RATE_LIMIT=2, APPLY_REFUSED_RATE_LIMIT=4)
def test_refused_forms_are_stopped_at_their_own_higher_ceiling(client, lab):
    assert [post(client, lab).status_code for _ in range(4)] == [422] * 4
    assert post(client, lab).status_code == 429
    # Even a correct form waits: a bot's bad forms stop the address for the hour.
    assert accepted(client, lab, 1).status_code == 429
    assert not Application.objects.exists()


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_the_checks_before_saving_count_nothing(client, lab):
    """Only outcomes are counted: one accepted, one refused; the 429s add nothing."""
    assert post(client, lab).status_code == 422
    assert accepted(client, lab, 1).status_code == 302
    for number in range(2, 5):
        assert accepted(client, lab, number).status_code == 429
    counts = sorted(RateLimitCounter.objects.values_list("count", flat=True))
    assert counts == [1, 1]


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_a_refused_form_at_the_last_slot_leaves_it_to_the_corrected_one(client, lab):
    assert post(client, lab).status_code == 422
    assert post(client, lab).status_code == 422
    assert accepted(client, lab, 1).status_code == 302
    assert accepted(client, lab, 2).status_code == 429


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_a_bots_honeypot_submissions_count_as_accepted_ones(client, lab):
    """An applicant's second application gets a 429, so a caught bot's does too."""
    assert submit(client, lab, website="spam").status_code == 302
    assert submit(client, lab, website="spam").status_code == 429


# -- The 429 keeps what was typed ------------------------------------------------------


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_a_429_gives_the_form_back_filled_in_except_the_cv(client, lab):
    accepted(client, lab, 1)
    data = application_data(
        lab, email="second@example.org", full_name="王小明", statement="我想研究数据质量。"
    )
    response = client.post("/en/apply/", data)

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Your application was NOT saved." in html
    assert "Please try again in 40 minutes." in html
    assert "Please attach your CV again" in html
    assert 'value="王小明"' in html
    assert 'value="second@example.org"' in html
    assert "我想研究数据质量。" in html
    assert re.search(rf'value="{lab.ra.slug}"[^>]*checked', html)
    assert re.search(rf'name="criteria" value="{lab.paper.pk}"[^>]*checked', html)
    assert "error-summary" not in html  # nothing wrong with the form itself
    assert Application.objects.count() == 1


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
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
    accepted(client, lab, 1, url)
    response = accepted(client, lab, 2, url)
    assert response.status_code == 429
    html = response.content.decode()
    for text in texts:
        assert text in html
    minutes = int(re.search(r"(\d+) ?(?:minute|分钟)", html).group(1))
    assert minutes == 40


# -- Who is counted -------------------------------------------------------------------


@override_settings(APPLY_RATE_LIMIT=1)
def test_looking_at_the_form_is_not_counted(client, lab):
    for _ in range(5):
        assert client.get("/en/apply/").status_code == 200
    assert submit(client, lab).status_code == 302


@override_settings(APPLY_REFUSED_RATE_LIMIT=2, TRUSTED_PROXY_COUNT=0)
def test_a_spoofed_x_forwarded_for_does_not_reset_the_count(client, lab):
    post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.1")
    post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.2")
    response = post(client, lab, HTTP_X_FORWARDED_FOR="203.0.113.3")
    assert response.status_code == 429


@override_settings(APPLY_REFUSED_RATE_LIMIT=1, TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_each_client_is_counted_by_the_address_the_proxy_saw(client, lab):
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    assert post(client, lab, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 422
    assert post(client, lab, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 422
    # A client that prepends a fake address is still known by the one the proxy appended.
    spoofed = post(client, lab, HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7", **proxy)
    assert spoofed.status_code == 429


@override_settings(APPLY_REFUSED_RATE_LIMIT=1)
def test_different_clients_have_their_own_count(client, lab):
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 422
    assert post(client, lab, REMOTE_ADDR="198.51.100.2").status_code == 422
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 429


@override_settings(APPLY_REFUSED_RATE_LIMIT=1)
def test_ipv6_clients_are_counted_per_64_network(client, lab):
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:2::10").status_code == 422
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:2:ffff::1").status_code == 429
    assert post(client, lab, REMOTE_ADDR="2001:db8:1:3::10").status_code == 422


@override_settings(APPLY_REFUSED_RATE_LIMIT=5)
def test_only_a_keyed_hash_of_the_address_is_stored(client, lab):
    post(client, lab, REMOTE_ADDR="198.51.100.77")
    counter = RateLimitCounter.objects.get()
    assert counter.count == 1
    assert re.fullmatch(r"[0-9a-f]{64}", counter.key)
    assert "198.51.100.77" not in str(RateLimitCounter.objects.values().get())


@override_settings(APPLY_RATE_LIMIT=0, APPLY_REFUSED_RATE_LIMIT=0)
def test_a_limit_of_zero_turns_the_limit_off(client, lab):
    for _ in range(8):
        assert post(client, lab).status_code == 422
    assert [accepted(client, lab, n).status_code for n in range(3)] == [302] * 3
    assert not RateLimitCounter.objects.exists()


@override_settings(APPLY_RATE_LIMIT=1)
def test_a_forged_cross_site_post_does_not_use_up_the_visitors_submissions(lab):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/en/apply/").context["csrf_token"]
    for _ in range(3):
        assert client.post("/en/apply/", application_data(lab)).status_code == 403
    data = {**application_data(lab), "csrfmiddlewaretoken": token}
    assert client.post("/en/apply/", data).status_code == 302


# -- Clock hours -----------------------------------------------------------------------


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_the_limit_ends_when_the_clock_hour_turns(client, lab, frozen_time):
    frozen_time.move_to("2026-11-29 10:59:30+08:00")
    assert accepted(client, lab, 1).status_code == 302
    refused = accepted(client, lab, 2)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"
    assert "Please try again in 1 minute." in refused.content.decode()

    frozen_time.move_to("2026-11-29 11:00:00+08:00")  # a new hour, a new count
    assert accepted(client, lab, 2).status_code == 302
    assert accepted(client, lab, 3).status_code == 429
    assert Application.objects.count() == 2


@override_settings(APPLY_REFUSED_RATE_LIMIT=3)
def test_counters_of_past_hours_are_deleted(client, lab, frozen_time):
    post(client, lab, REMOTE_ADDR="198.51.100.1")
    post(client, lab, REMOTE_ADDR="198.51.100.2")
    hour = int(time.time() // 3600)
    assert RateLimitCounter.objects.filter(window=hour).count() == 2
    frozen_time.shift(3600)
    assert post(client, lab, REMOTE_ADDR="198.51.100.1").status_code == 422  # a new hour
    assert list(RateLimitCounter.objects.values_list("window", "count")) == [(hour + 1, 1)]


@override_settings(APPLY_RATE_LIMIT=1, APPLY_REFUSED_RATE_LIMIT=10)
def test_the_wait_is_until_the_end_of_the_hour(client, lab, frozen_time):
    frozen_time.move_to("2026-11-29 10:50:00+08:00")
    accepted(client, lab, 1)
    response = accepted(client, lab, 2)
    assert response["Retry-After"] == "600"
    assert "Please try again in 10 minutes." in response.content.decode()


# -- Redis ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    """
    The Redis server named by REDIS_TEST_URL (as in CI), or a throw-away redis-server
    started on a free port.
    """
    if os.environ.get("REDIS_TEST_URL"):
        yield os.environ["REDIS_TEST_URL"]
        return
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed and REDIS_TEST_URL is not set")
    port = servers.free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_limit(redis_url, settings):
    """The rate limit counted in Redis; yields a client that sees only our keys."""
    import redis

    settings.REDIS_URL = redis_url
    settings.APPLY_RATE_LIMIT = 2
    settings.APPLY_REFUSED_RATE_LIMIT = 2
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
    assert accepted(client, lab, 1, REMOTE_ADDR="198.51.100.9").status_code == 302
    keys = redis_limit.keys("test-apply-ratelimit:*")
    # The refusal, and the accepted application (the refused form gave its slot back).
    assert sorted(redis_limit.get(key) for key in keys) == [b"1", b"1"]
    for key in keys:
        assert "198.51.100.9" not in key.decode()
        assert 0 < redis_limit.ttl(key) <= 3600 + 60
    assert not RateLimitCounter.objects.exists()


def test_with_redis_every_instance_shares_the_count(client, lab, redis_limit):
    accepted(client, lab, 1)
    ratelimit._redis_clients.clear()  # as if the next request reached another instance
    accepted(client, lab, 2)
    ratelimit._redis_clients.clear()
    assert accepted(client, lab, 3).status_code == 429
    assert Application.objects.count() == 2


def test_when_redis_is_down_the_limit_is_counted_in_the_database(
    client, lab, settings, redis_away, caplog
):
    """REDIS_URL set, Redis not answering: the sixth application in the hour is refused."""
    settings.REDIS_URL = settings.CACHES["default"]["LOCATION"]  # nothing listens there
    settings.APPLY_RATE_LIMIT = 5
    settings.APPLY_REFUSED_RATE_LIMIT = 50
    ratelimit._redis_clients.clear()
    try:
        with caplog.at_level(logging.WARNING, logger="recruiting.ratelimit"):
            statuses = [accepted(client, lab, n).status_code for n in range(6)]
    finally:
        ratelimit._redis_clients.clear()
    assert statuses == [302] * 5 + [429]
    assert Application.objects.count() == 5
    assert RateLimitCounter.objects.get().count == 5
    assert "rate limit counted in the database: Redis failed (ConnectionError)" in (
        caplog.messages
    )


# -- At the same instant ----------------------------------------------------------------


def at_once(count, call):
    """The results of `count` calls made by as many threads at the same instant."""
    start = threading.Barrier(count)

    def one(_):
        start.wait()
        try:
            return call()
        finally:
            connection.close()

    with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(APPLY_RATE_LIMIT=3, APPLY_REFUSED_RATE_LIMIT=30)
def test_simultaneous_submissions_are_counted_exactly_on_postgresql():
    """Twelve applications from one client at the same instant: exactly three go on."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    request = RequestFactory().post("/en/apply/", REMOTE_ADDR="198.51.100.50")
    results = at_once(12, lambda: ratelimit.ApplicationAllowance(request).take())
    assert sum(result is None for result in results) == 3
    assert RateLimitCounter.objects.get().count == 3  # the nine refused gave theirs back


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@override_settings(APPLY_RATE_LIMIT=3)
def test_simultaneous_status_link_requests_are_counted_exactly_on_postgresql():
    """ratelimit.hit, the status link's count: twelve at once, exactly three within."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    request = RequestFactory().post("/apply/status-link/", REMOTE_ADDR="198.51.100.50")
    results = at_once(12, lambda: ratelimit.hit(request))
    assert sum(result is None for result in results) == 3
    assert RateLimitCounter.objects.get().count == 12
