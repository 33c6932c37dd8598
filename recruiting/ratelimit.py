"""
How often one client may send the form, per clock hour, counted where every worker and
instance looks (Redis, else the database, and the database while Redis fails), by a
keyed hash of the client's address (an IPv6 client per /64, the block one subscriber
holds).

The application form counts outcomes, not attempts: accepted applications against
APPLY_RATE_LIMIT ("apply"), refused forms against the higher APPLY_REFUSED_RATE_LIMIT
("apply-refused"), so that typos do not use up an applicant's allowance while a bot
sending bad forms is still stopped (ApplicationAllowance). An application takes its slot
before the form is read (one atomic increment, so submissions sent at the same instant
never pass together) and gives it back if the form is refused or the limit says no:
what stays counted is accepted applications only. The refusals' ceiling is only peeked
at, so simultaneous bad forms may exceed it by the number in flight: a spam brake.
"""

import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.shortcuts import render
from django.utils.crypto import salted_hmac

from .clientip import client_block
from .models import RateLimitCounter

logger = logging.getLogger(__name__)

WINDOW_SECONDS = 3600
ACCEPTED = "apply"
REFUSED = "apply-refused"

_redis_clients = {}


def client_key(request, scope, identity=None):
    """A keyed hash naming the client (or `identity`) in a scope: no address is stored."""
    if identity is not None:
        return salted_hmac(
            f"recruiting.ratelimit.{scope}", identity, algorithm="sha256"
        ).hexdigest()
    return salted_hmac(
        f"recruiting.ratelimit.{scope}", client_block(request), algorithm="sha256"
    ).hexdigest()


def _window():
    """This clock hour's number, and the seconds until the next one begins."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    return window, max(1, (window + 1) * WINDOW_SECONDS - int(now))


def hit(request, scope="apply", limit=None, identity=None):
    """
    Count one request by this client (or this identity) and judge it: None while
    within the limit, else the seconds until it may try again. (The status-link
    re-send; the application form uses ApplicationAllowance.)
    """
    limit = settings.APPLY_RATE_LIMIT if limit is None else limit
    if limit <= 0:
        return None
    window, retry_after = _window()
    count, _ = _count(client_key(request, scope, identity), window, retry_after)
    return None if count <= limit else retry_after


class ApplicationAllowance:
    """
    One submission of the application form against its client's hourly allowance:
    take() before the form is read, refused() if the form refuses it.
    """

    def __init__(self, request):
        self.window, self.retry_after = _window()
        self.accepted_key = client_key(request, ACCEPTED)
        self.refused_key = client_key(request, REFUSED)
        self._taken_in = None  # where the slot was counted, until given back

    def take(self):
        """
        None if the client may send an application now (its slot is now taken), else
        the seconds until it may (and nothing stays counted).
        """
        refused_limit = settings.APPLY_REFUSED_RATE_LIMIT
        if refused_limit > 0 and _peek(self.refused_key, self.window) >= refused_limit:
            return self.retry_after
        limit = settings.APPLY_RATE_LIMIT
        if limit <= 0:
            return None
        count, self._taken_in = _count(self.accepted_key, self.window, self.retry_after)
        if count > limit:
            self._give_back()
            return self.retry_after
        return None

    def refused(self):
        """The form refused the application: its slot back, one refusal counted."""
        self._give_back()
        if settings.APPLY_REFUSED_RATE_LIMIT > 0:
            _count(self.refused_key, self.window, self.retry_after)

    def _give_back(self):
        if self._taken_in is not None:
            _uncount(self.accepted_key, self.window, self._taken_in)
            self._taken_in = None


def _count(key, window, expires_in):
    """Add one to the key's count in this window: (the new count, where it is kept)."""
    if settings.REDIS_URL:
        count = _count_in_redis(key, window, expires_in)
        if count is not None:
            return count, "redis"
    return _count_in_database(key, window), "database"


def _uncount(key, window, where):
    """Take one back from the count made in `where` (best effort: a slot lost is safe)."""
    if where == "redis":
        import redis

        try:
            _redis().decr(_redis_name(key, window))
        except redis.RedisError as error:
            logger.warning("rate limit: a slot not given back (%s)", type(error).__name__)
        return
    RateLimitCounter.objects.filter(key=key, window=window, count__gt=0).update(
        count=F("count") - 1
    )


def _peek(key, window):
    """The key's count in this window, unchanged."""
    if settings.REDIS_URL:
        count = _peek_in_redis(key, window)
        if count is not None:
            return count
    counts = RateLimitCounter.objects.filter(key=key, window=window)
    return counts.values_list("count", flat=True).first() or 0


def _redis():
    client = _redis_clients.get(settings.REDIS_URL)
    if client is None:
        import redis

        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        _redis_clients[settings.REDIS_URL] = client
    return client


def _redis_name(key, window):
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:ratelimit:{key}:{window}"


def _count_in_redis(key, window, expires_in):
    """The new count, or None when Redis fails: the caller counts in the database then."""
    import redis

    name = _redis_name(key, window)
    try:
        pipe = _redis().pipeline(transaction=True)
        pipe.incr(name)
        pipe.expire(name, expires_in + 60)
        count, _ = pipe.execute()
    except redis.RedisError as error:
        # Not a reason to let every submission through, nor to refuse applications:
        # the database keeps the count until Redis is back.
        _warn_redis_failed(error)
        return None
    return count


def _peek_in_redis(key, window):
    import redis

    try:
        count = _redis().get(_redis_name(key, window))
    except redis.RedisError as error:
        _warn_redis_failed(error)
        return None
    return int(count or 0)


def _warn_redis_failed(error):
    logger.warning("rate limit counted in the database: Redis failed (%s)", type(error).__name__)


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


def too_many_requests(request, retry_after, switcher_path=None, template="429.html", context=None):
    """
    The friendly 429 page (or `template`, e.g. the form filled in again), saying when
    the client may try again.
    """
    minutes = max(1, -(-retry_after // 60))
    context = {**(context or {}), "retry_after_minutes": minutes, "application_not_saved": True}
    if switcher_path:  # the page's language links, where request.path answers POST only
        context["switcher_path"] = switcher_path
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response
