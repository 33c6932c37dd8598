"""
/healthz tells a load balancer whether this instance can serve: 503 only when the
database does not answer; the cache and the outbox are information in the body.
"""

import datetime
import socket
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError, connection
from django.utils import timezone

HEALTHY = {"status": "ok", "database": "ok", "cache": "ok", "outbox_oldest_unsent_seconds": None}


def assert_sets_no_cookie_and_is_never_cached(response):
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "Cookie" not in response.headers.get("Vary", "")
    assert "no-store" in response.headers["Cache-Control"]


def test_health_check_is_ok_when_database_and_cache_answer(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == HEALTHY
    assert_sets_no_cookie_and_is_never_cached(response)


def test_health_check_answers_503_naming_the_database_when_it_is_down(client, db):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    assert_sets_no_cookie_and_is_never_cached(response)


def test_health_check_stays_200_and_reports_the_cache_when_redis_does_not_answer(
    client, db, redis_away
):
    """The site serves without Redis (slower): an outage must not take it out of service."""
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "cache": "unavailable",
        "outbox_oldest_unsent_seconds": None,
    }
    assert_sets_no_cookie_and_is_never_cached(response)


def test_health_check_answers_503_when_both_database_and_redis_are_down(client, db, redis_away):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "unavailable",
        "cache": "unavailable",
    }


def test_health_check_is_ok_with_redis_when_redis_answers(client, db, settings):
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", 6379)) != 0:
            pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/1",
            "KEY_PREFIX": "test-health",
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == HEALTHY


def test_health_check_tells_the_age_of_the_oldest_unsent_e_mail_and_stays_healthy(client, db):
    from recruiting.models import Message

    def message(minutes_ago, state):
        return Message.objects.create(
            kind=Message.Kind.CONFIRMATION,
            language="en",
            recipients=["a@example.org"],
            subject="s",
            body="b",
            message_id=f"<{minutes_ago}.{state}@example.org>",
            state=state,
            created_at=now - datetime.timedelta(minutes=minutes_ago),
        )

    with time_machine.travel("2026-11-29 10:00:00+08:00", tick=False):
        now = timezone.now()
        message(60, Message.State.SENT)  # sent: no longer waiting
        message(5, Message.State.QUEUED)
        message(2, Message.State.SENDING)
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {**HEALTHY, "outbox_oldest_unsent_seconds": 300}
