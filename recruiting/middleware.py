import functools
import logging
import time

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation

from . import pages

logger = logging.getLogger(__name__)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """
    The site-wide policy from settings, loosened for /admin/ only.

    Django's admin writes a few inline style attributes (its widgets, the changelist
    and the dashboard's bar widths), which a strict style-src would break. Public pages
    keep the strict policy; the admin allows inline styles, never inline script.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith("/admin/"):
            parts.update = {**(parts.update or {}), "style-src": ["'self'", "'unsafe-inline'"]}
        return parts


class AdminLanguageMiddleware:
    """
    The admin in the staff member's own language (their browser's Accept-Language, or
    the language cookie), Chinese by default.

    LocaleMiddleware gives every URL without a language prefix the default language,
    which is right for the public pages (/ is Chinese, /en/ English) but would keep the
    admin, which has no prefix, in Chinese for everyone. Goes right after LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """
    A database outage shows the friendly 503 page ("try again in a few minutes") instead
    of a 500. When the failed request was a submitted application, the page says plainly
    that it was NOT saved: the application view saves everything in one transaction and
    removes the stored CV when it fails, so nothing half-saved is left behind.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("The database is unavailable", exc_info=exception)
        match = request.resolver_match
        submitted = (
            request.method == "POST"
            and match is not None
            and match.view_name == "recruiting:apply"
        )
        response = render(request, "503.html", {"application_not_saved": submitted}, status=503)
        response["Retry-After"] = "60"
        return response


class PageCacheMiddleware:
    """
    Serves the landing page from this process's memory while the content version stays
    the same: one cache read, and none of the middleware below nor the view. That is
    what holds it near a static file's speed (README, "Speed").

    Right after WhiteNoiseMiddleware, so that SecurityMiddleware still adds its headers.
    Conditional and HEAD requests go the whole way (the view's page cache answers them
    without SQL too), and so does the first request after a content change. A page is
    kept PAGE_CACHE_TIMEOUT seconds at most, like the shared cache's: a change whose
    version bump was lost (the cache was down) still shows within that time.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.kept = {}  # path -> (content version, kept until (time.time()), headers, body)

    def __call__(self, request):
        path = request.path_info
        if (
            request.method != "GET"
            or path not in landing_paths()
            or "HTTP_IF_NONE_MATCH" in request.META
            or "HTTP_IF_MODIFIED_SINCE" in request.META
        ):
            return self.get_response(request)
        request.get_host()  # a Host not in ALLOWED_HOSTS gets its 400, as below
        try:
            version = pages.content_version()
        except Exception:  # the cache does not answer: the view renders the page
            return self.get_response(request)
        kept = self.kept.get(path)
        if kept is not None and kept[0] == version and time.time() < kept[1]:
            return HttpResponse(kept[3], headers=kept[2])
        response = self.get_response(request)
        # The version was read before the page was rendered: if content changed
        # meanwhile, the page is kept under the old version and never served again.
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
        ):
            until = time.time() + settings.PAGE_CACHE_TIMEOUT
            self.kept[path] = (version, until, dict(response.items()), response.content)
        return response


@functools.cache
def landing_paths():
    """The landing page's path_info in each language: / and /en/ (after SITE_URL's path)."""
    paths = set()
    for code, _ in settings.LANGUAGES:
        with translation.override(code):
            paths.add("/" + reverse("recruiting:landing").removeprefix(get_script_prefix()))
    return frozenset(paths)
