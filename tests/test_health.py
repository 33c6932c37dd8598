"""/healthz tells a load balancer whether this instance can serve: database and cache."""

import socket
from unittest import mock

import pytest
from django.db import OperationalError, connection

HEALTHY = {"status": "ok", "database": "ok", "cache": "ok"}


def closed_port():
    """A loopback port on which nothing listens (one of ours, checked to be free)."""
    for port in range(8419, 8400, -1):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 8401–8419")


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


def test_health_check_answers_503_naming_redis_when_it_does_not_answer(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "cache": "unavailable"}
    assert_sets_no_cookie_and_is_never_cached(response)


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
