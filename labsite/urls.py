from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from recruiting import health, seo, views
from recruiting.sitemaps import SITEMAPS

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]

if settings.SERVE_PUBLIC_MEDIA and not settings.PUBLIC_STORAGE_BUCKET:
    prefix = settings.PUBLIC_MEDIA_URL.lstrip("/")
    if "//" not in settings.PUBLIC_MEDIA_URL and prefix:
        urlpatterns.append(path(f"{prefix}<path:path>", views.public_media, name="public_media"))

urlpatterns += i18n_patterns(
    path("", include("recruiting.urls")),
    prefix_default_language=False,
)

handler400 = "recruiting.views.bad_request"
handler403 = "recruiting.views.permission_denied"
handler404 = "recruiting.views.page_not_found"
handler500 = "recruiting.views.server_error"
