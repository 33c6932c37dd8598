import logging

from csp.middleware import CSPMiddleware
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.utils import translation

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
