"""
The site's public origin, for absolute links (e-mails, canonical URLs, the sitemap):
from SITE_URL, never from a request, whose Host a client chooses. Only a laptop (debug
on, no SITE_URL) takes the request's own.

With debug off and no SITE_URL (which `check --deploy` refuses: recruiting.E003) there
is no origin: links are paths only. A relative link is right on whatever host serves it
and cannot point elsewhere; one made from the request's Host could be stored in the page
cache and sent to everyone.
"""

from urllib.parse import urlsplit

from django.conf import settings


def site_url(request=None):
    """
    The scheme and host, without a path or trailing slash ("" if there is none). A path
    in SITE_URL is not part of it: reverse() adds it, through FORCE_SCRIPT_NAME.
    """
    if settings.SITE_URL:
        parts = urlsplit(settings.SITE_URL)
        return f"{parts.scheme}://{parts.netloc}"
    if settings.DEBUG and request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute_url(request, path):
    """The absolute form of a path on this site (only the path when there is no origin)."""
    return site_url(request) + path
