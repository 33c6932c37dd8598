from django.urls import path

from . import views

app_name = "recruiting"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/<str:token>/", views.thanks, name="thanks"),
    path("apply/status/<str:token>/", views.status, name="status"),
    path("privacy/", views.privacy, name="privacy"),
]
