"""
The client address behind the rate limit and the admin lockout: X-Forwarded-For counts
only when a trusted proxy is configured (DJANGO_TRUSTED_PROXY_COUNT), so a client that
sends the header itself dodges neither.
"""

from django.test import RequestFactory

from recruiting.clientip import client_ip
from tests.factories import STAFF_PASSWORD
from tests.submissions import submit


def request_from(remote_addr, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_a_trusted_proxy_the_socket_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_ip(request_from("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_one_proxy_the_address_it_appended_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client sent "X-Forwarded-For: 198.51.100.1"; nginx appended what it saw.
    request = request_from("127.0.0.1", "198.51.100.1, 203.0.113.9")

    assert client_ip(request) == "203.0.113.9"


def test_behind_two_proxies_the_outer_proxys_view_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2

    request = request_from("10.0.0.2", "198.51.100.1, 203.0.113.9, 10.0.0.1")

    assert client_ip(request) == "203.0.113.9"


def test_a_proxy_that_sent_no_header_leaves_the_socket_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_ip(request_from("203.0.113.9")) == "203.0.113.9"


# --- The admin lockout ----------------------------------------------------------------


def log_in(client, password, forwarded_for):
    return client.post(
        "/admin/login/",
        {"username": "editor", "password": password, "next": "/admin/"},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_a_spoofed_forwarded_for_does_not_dodge_the_lockout(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(5):
        log_in(client, "a-wrong-password", f"198.51.100.{attempt}")

    response = log_in(client, STAFF_PASSWORD, "198.51.100.200")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_lockout_is_per_forwarded_address(client, editor, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        log_in(client, "a-wrong-password", "198.51.100.1")

    assert log_in(client, STAFF_PASSWORD, "198.51.100.1").status_code == 429
    assert log_in(client, STAFF_PASSWORD, "198.51.100.2").status_code == 302


# --- The application form's rate limit ---------------------------------------------------


def apply_from(client, lab, forwarded_for, number):
    """The application number `number` (each under its own address), from forwarded_for."""
    return submit(
        client,
        lab,
        email=f"applicant-{number}@example.org",
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_a_spoofed_forwarded_for_does_not_dodge_the_rate_limit(client, lab, settings):
    settings.APPLY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 0

    statuses = [apply_from(client, lab, f"198.51.100.{n}", n).status_code for n in range(3)]

    assert statuses == [302, 302, 429]
    assert "NOT saved" in apply_from(client, lab, "198.51.100.99", 99).content.decode()


def test_behind_a_trusted_proxy_the_rate_limit_counts_each_forwarded_client(client, lab, settings):
    settings.APPLY_RATE_LIMIT = 2
    settings.TRUSTED_PROXY_COUNT = 1

    first_client = [apply_from(client, lab, "198.51.100.1", n).status_code for n in range(3)]
    other_client = apply_from(client, lab, "198.51.100.2", 3).status_code

    assert first_client == [302, 302, 429]
    assert other_client == 302
