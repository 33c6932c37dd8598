"""/sitemap.xml: the public pages, each in both languages with its alternates."""

from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .origin import site_url


class PageSitemap(Sitemap):
    """
    The landing page and the privacy notice, in Chinese (at /) and English (at /en/),
    each with hreflang alternates and x-default pointing at the Chinese page. The
    application form is reachable from the landing page; thank-you and status pages are
    private and never listed.
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
