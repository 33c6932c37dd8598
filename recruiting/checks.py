"""System checks of the deployment's settings (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

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


@register(deploy=True)
def check_site_url(app_configs, **kwargs):
    """
    With debug off, SITE_URL is required: absolute links (e-mails, canonical URLs, the
    sitemap) and the path prefix come from it, never from a request's Host or
    SCRIPT_NAME, which a client reaching gunicorn directly chooses.
    """
    if settings.DEBUG:
        return []
    if not settings.SITE_URL:
        return [
            Error(
                "SITE_URL is not set: e-mails would carry links without a host, and there "
                "would be no sitemap.",
                hint=(
                    "Set SITE_URL to the site's public address, e.g. https://example.org "
                    "(or https://example.org/lab when it is served under a path)."
                ),
                id="recruiting.E003",
            )
        ]
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        return [
            Error(
                f"SITE_URL is not an http(s) address: {settings.SITE_URL!r}.",
                hint="Write it as https://host, or https://host/path: no query, no fragment.",
                id="recruiting.E004",
            )
        ]
    return []
