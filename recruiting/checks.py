"""System checks of the deployment's settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, register

UNCONFIGURED_BACKEND = "recruiting.emails.UnconfiguredBackend"


@register(deploy=True)
def check_mail_settings(app_configs, **kwargs):
    """With debug off, the site must know how to send mail and whom it sends it as."""
    if settings.DEBUG:
        return []
    errors = []
    if settings.EMAIL_BACKEND == UNCONFIGURED_BACKEND:
        errors.append(
            Error(
                "E-mail is not configured: EMAIL_HOST is empty and EMAIL_BACKEND is not set.",
                hint=(
                    "Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to "
                    "the SMTP server, or choose a backend with EMAIL_BACKEND. Until then, "
                    "e-mails wait in the outbox."
                ),
                id="recruiting.E001",
            )
        )
    if settings.DEFAULT_FROM_EMAIL == "webmaster@localhost":
        errors.append(
            Error(
                "DEFAULT_FROM_EMAIL is not set: e-mails would be sent as webmaster@localhost.",
                hint="Set DEFAULT_FROM_EMAIL to the address the site's e-mails come from.",
                id="recruiting.E002",
            )
        )
    return errors
