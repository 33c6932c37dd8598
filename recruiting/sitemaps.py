"""/sitemap.xml: the public pages, each in both languages with its alternates."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import Http404
from django.urls import reverse

from .origin import site_url


class PageSitemap(Sitemap):
    """
    The landing page and the privacy notice in both languages, x-default the Chinese;
    the form is linked from the landing page, and the applicants' pages are private.
    """

    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"

    def items(self):
        return ["recruiting:landing", "recruiting:privacy"]

    def location(self, item):
        return reverse(item)

    def priority(self, item):
        return 1.0 if item == "recruiting:landing" else 0.3

    # The scheme and host of SITE_URL (origin.py), never the request's; location() has
    # SITE_URL's path already. Only a laptop (debug on, no SITE_URL) uses the request's.
    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme or super().get_protocol(protocol)

    def get_domain(self, site=None):
        netloc = urlsplit(site_url()).netloc
        if netloc:
            return netloc
        if not settings.DEBUG:
            # A sitemap's URLs must be absolute, and no host is known: none rather than
            # one naming whatever host the request claimed (check --deploy says why).
            raise Http404("SITE_URL is not set")
        return super().get_domain(site)


SITEMAPS = {"pages": PageSitemap}
