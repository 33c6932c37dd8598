from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from recruiting import health, seo
from recruiting.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

urlpatterns += i18n_patterns(
    path("", include("recruiting.urls")),
    prefix_default_language=False,
)

handler400 = "recruiting.views.bad_request"
handler403 = "recruiting.views.permission_denied"
handler404 = "recruiting.views.page_not_found"
handler500 = "recruiting.views.server_error"
