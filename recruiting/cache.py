"""
The page cache for the landing page.

A page is stored per language under a key that includes a content version; editing any
content row bumps the version (see signals.py), so every instance sharing the cache
stops serving the old page at once. A hit costs one cache read and no SQL.

Should the cache not answer (Redis down), pages are rendered from the database instead
of failing: slower, but the site stays up.
"""

import logging
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

VERSION_KEY = "pages:version"


def _version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not from 1, so that a version key lost from the cache
        # can never bring back pages stored under an old version.
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def content_version():
    """The current content version (one cache read): it changes whenever content does."""
    return _version()


def page_key(name, language):
    return f"pages:{_version()}:{name}:{language}"


def get_page(name, language):
    try:
        return cache.get(page_key(name, language))
    except Exception as error:  # each backend raises its own (redis, OSError…)
        logger.warning("page cache unavailable (%s)", type(error).__name__)
        return None


def set_page(name, language, content):
    try:
        cache.set(page_key(name, language), content)
    except Exception as error:
        logger.warning("page cache unavailable (%s)", type(error).__name__)


def clear_pages():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)
