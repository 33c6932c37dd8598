"""
The page cache: public pages rendered once per content version, kept in the default
cache (Redis, or the file cache that one instance's workers share).

Any content change bumps the version (signals.py), so every worker and instance stops
serving the old pages at once; nothing is ever deleted, so nothing else in the cache
(rate-limit counters) is touched. Should the cache not answer, pages are rendered from
the database instead: slower, but the site stays up; and a change saved meanwhile, whose
version bump was lost, shows once the pages stored before it expire (PAGE_CACHE_TIMEOUT).
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"
# Stands for the CSRF token in a stored page: each response gets its visitor's own.
CSRF_PLACEHOLDER = "csrf-token-of-this-request"


def content_version():
    """The current content version (one cache read): it changes whenever content does."""
    version = cache.get(VERSION_KEY)
    if version is None:
        # From the clock, not from 1: a version lost from the cache must never bring
        # back pages stored under an old one.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def clear():
    """
    Stop serving every stored page, on every instance. Best-effort: an editor's save must
    not fail because the cache is down; the stored pages then expire on their own.
    """
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet
            cache.set(VERSION_KEY, time.time_ns(), timeout=None)
    except Exception as error:  # each backend raises its own (redis, OSError…)
        logger.error(
            "page cache not cleared (%s): stale pages expire within %s s",
            type(error).__name__,
            settings.PAGE_CACHE_TIMEOUT,
        )


def _key(name):
    return f"pages:{content_version()}:{name}"


def get(name):
    """The stored page called name (e.g. "landing:en"), or None."""
    try:
        return cache.get(_key(name))
    except Exception as error:  # each backend raises its own (redis, OSError…)
        logger.warning("page cache unavailable (%s)", type(error).__name__)
        return None


def store(name, html, csrf_token=""):
    """Store a page; the CSRF token in it, if any, is stored as a placeholder."""
    if csrf_token:
        html = html.replace(csrf_token, CSRF_PLACEHOLDER)
    try:
        cache.set(_key(name), html, timeout=settings.PAGE_CACHE_TIMEOUT)
    except Exception as error:
        logger.warning("page cache unavailable (%s)", type(error).__name__)


def with_csrf_token(html, request):
    """A stored page with this request's own CSRF token (which also sets its cookie)."""
    if CSRF_PLACEHOLDER not in html:  # no form on the page: no token, no cookie
        return html
    return html.replace(CSRF_PLACEHOLDER, get_token(request))
