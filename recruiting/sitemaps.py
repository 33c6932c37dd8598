"""/sitemap.xml: the public pages, each in both languages with its alternates."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
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

    # With SITE_URL set, its scheme and host win over the request's (as everywhere else).
    def get_protocol(self, protocol=None):
        return urlsplit(site_url()).scheme or super().get_protocol(protocol)

    def get_domain(self, site=None):
        parts = urlsplit(site_url())
        return (parts.netloc + parts.path) if parts.netloc else super().get_domain(site)


SITEMAPS = {"pages": PageSitemap}
