"""
How often one client may send the form: APPLY_RATE_LIMIT times per clock hour, counted
where every worker and instance looks (Redis, else the database), by a keyed hash of
the client's address (an IPv6 client per /64, the block one subscriber holds).
"""

import ipaddress
import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from .clientip import client_ip
from .models import RateLimitCounter

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600

_redis_clients = {}


def client_key(request, scope, identity=None):
    """A keyed hash naming the client (or `identity`) in a scope: no address is stored."""
    if identity is not None:
        return salted_hmac(
            f"recruiting.ratelimit.{scope}", identity, algorithm="sha256"
        ).hexdigest()
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        ip = None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        address = str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    elif isinstance(ip, ipaddress.IPv6Address):
        address = str(ip.ipv4_mapped)
    return salted_hmac(f"recruiting.ratelimit.{scope}", address, algorithm="sha256").hexdigest()


def hit(request, scope="apply", limit=None, identity=None):
    """
    Count one submission by this client (or this identity): None while within the
    limit, else the seconds until it may submit again.
    """
    limit = settings.APPLY_RATE_LIMIT if limit is None else limit
    if limit <= 0:
        return None
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    retry_after = max(1, (window + 1) * WINDOW_SECONDS - int(now))
    key = client_key(request, scope, identity)
    if settings.REDIS_URL:
        count = _count_in_redis(key, window, retry_after)
    else:
        count = _count_in_database(key, window)
    if count is None or count <= limit:
        return None
    return retry_after


def _redis():
    client = _redis_clients.get(settings.REDIS_URL)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        _redis_clients[settings.REDIS_URL] = client
    return client


def _count_in_redis(key, window, expires_in):
    import redis

    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    name = f"{prefix}:ratelimit:{key}:{window}"
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, expires_in + 60)
        count, _ = pipe.execute()
    except redis.RedisError as error:
        # Applications matter more than spam control: let this one through.
        logger.warning("rate limit not counted: Redis failed (%s)", type(error).__name__)
        return None
    return count


def _count_in_database(key, window):
    counters = RateLimitCounter.objects.filter(key=key, window=window)
    with transaction.atomic():
        if not counters.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another worker created it first
                counters.update(count=F("count") + 1)
            else:
                # A new window for this client: the table keeps only current windows.
                RateLimitCounter.objects.filter(window__lt=window).delete()
        # Our UPDATE holds the row's lock until commit, so this is our own count.
        return counters.values_list("count", flat=True).get()


def too_many_requests(request, retry_after, switcher_path=None):
    """The friendly 429 page, saying when the client may try again."""
    minutes = max(1, -(-retry_after // 60))
    context = {"retry_after_minutes": minutes, "application_not_saved": True}
    if switcher_path:  # the page's language links, where request.path answers POST only
        context["switcher_path"] = switcher_path
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
