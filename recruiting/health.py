"""
/healthz for load balancers: 200 when the database and the cache answer, else 503 naming
the one that does not, plus the outbox's oldest wait as information (docs/deploy.md).
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
    checks = {"database": database_answers(), "cache": cache_answers()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update((name, "ok" if answered else "unavailable") for name, answered in checks.items())
    if checks["database"]:
        # Information for monitoring, never a reason to take the instance out.
        try:
            body["outbox_oldest_unsent_seconds"] = oldest_unsent_age()
        except DatabaseError:
            logger.warning("health check: the outbox does not answer", exc_info=True)
    return JsonResponse(body, status=200 if healthy else 503)
