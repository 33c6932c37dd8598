from django.urls import path

from . import status_views, views

app_name = "recruiting"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("apply/", views.apply, name="apply"),
    path("apply/status-link/", views.resend_status_link, name="resend_status_link"),
    # Tokens are URL-safe base64 (secrets.token_urlsafe): anything else, such as a NUL
    # byte that PostgreSQL would refuse in a query, is a 404 before any query.
    path("apply/thanks/<slug:token>/", views.thanks, name="thanks"),
    path("apply/status/<slug:token>/", status_views.status, name="status"),
    path("apply/status/<slug:token>/correct/", status_views.correct, name="correct"),
    path("apply/status/<slug:token>/cv/", status_views.new_cv, name="new_cv"),
    # The signed value of applicant.request_email_change: base64 and colons, no slash.
    path(
        "apply/status/<slug:token>/email/<str:value>/",
        status_views.change_email,
        name="change_email",
    ),
    path("apply/status/<slug:token>/withdraw/", status_views.withdraw, name="withdraw"),
    path("apply/status/<slug:token>/delete/", status_views.delete, name="delete"),
    path("apply/deleted/", status_views.deleted, name="deleted"),
    path("privacy/", views.privacy, name="privacy"),
]
