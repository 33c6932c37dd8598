from django.urls import path

from . import views

app_name = "recruiting"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("apply/", views.apply, name="apply"),
    path("apply/status-link/", views.resend_status_link, name="resend_status_link"),
    # Tokens are URL-safe base64 (secrets.token_urlsafe): anything else, such as a NUL
    # byte that PostgreSQL would refuse in a query, is a 404 before any query.
    path("apply/thanks/<slug:token>/", views.thanks, name="thanks"),
    path("apply/status/<slug:token>/", views.status, name="status"),
    path("privacy/", views.privacy, name="privacy"),
]
