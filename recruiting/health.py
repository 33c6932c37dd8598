"""
/healthz for load balancers: 503 only when the database does not answer, the one thing
this instance cannot serve without. The cache (the site serves without Redis, slower)
and the outbox's oldest wait are information for monitoring (docs/deploy.md).
"""

import logging

from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .emails import oldest_unsent_age

logger = logging.getLogger(__name__)

PROBE_KEY = "healthz:probe"


def database_answers():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("health check: the database does not answer", exc_info=True)
        return False
    return True


def cache_answers():
    try:
        cache.set(PROBE_KEY, "ok", timeout=60)
        return cache.get(PROBE_KEY) == "ok"
    except Exception:  # each backend raises its own errors (redis, OSError…)
        logger.warning("health check: the cache does not answer", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request):
    database_ok, cache_ok = database_answers(), cache_answers()
    body = {
        # "degraded": serving, but without the cache; monitoring should say so.
        "status": "unavailable" if not database_ok else "ok" if cache_ok else "degraded",
        "database": "ok" if database_ok else "unavailable",
        "cache": "ok" if cache_ok else "unavailable",
    }
    if database_ok:
        try:
            body["outbox_oldest_unsent_seconds"] = oldest_unsent_age()
        except DatabaseError:
            logger.warning("health check: the outbox does not answer", exc_info=True)
    return JsonResponse(body, status=200 if database_ok else 503)
