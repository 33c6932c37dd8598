from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from recruiting import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

urlpatterns += i18n_patterns(
    path("", include("recruiting.urls")),
    prefix_default_language=False,
)

handler400 = "recruiting.views.bad_request"
handler403 = "recruiting.views.permission_denied"
handler404 = "recruiting.views.page_not_found"
handler500 = "recruiting.views.server_error"
