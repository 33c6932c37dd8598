"""The site's public address: SITE_URL when set, otherwise the request's own."""

from django.conf import settings


def site_url(request=None):
    """The scheme and host (and any path prefix), without a trailing slash; "" if unknown."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def absolute_url(request, path):
    """The absolute form of a path on this site, as links in e-mails and metadata need."""
    return site_url(request) + path
