"""
Every e-mail the site sends about an application.

The applicant's e-mails are written in the language they applied in; the lab's
notification in the site's default language. Links are absolute: SITE_URL when it is
set, otherwise the address of the request that caused the e-mail. A failure to send is
logged with the application's id only (never a name or an address), and never undoes
anything: the application stays saved.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import Lab

logger = logging.getLogger(__name__)


def site_url(request=None):
    """The site's address without a trailing slash, or "" when nothing tells it."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return ""


def status_url(application, request=None):
    """The absolute link to the application's status page, in the applicant's language."""
    with translation.override(application.language):
        return site_url(request) + application.get_status_url()


def _lab_name():
    lab = Lab.objects.first()
    return lab.name if lab else ""


def _send(kind, application, subject, template, context, to):
    """Send one e-mail; return whether it went. Failures are logged, not raised."""
    body = render_to_string(template, context).strip() + "\n"
    message = EmailMessage(subject=subject, body=body, to=to)
    try:
        message.send()
    except Exception as error:  # SMTP refusals, timeouts, DNS… any of them
        logger.error(
            "could not send the %s e-mail",
            kind,
            extra={"application_id": application.pk, "error": type(error).__name__},
        )
        return False
    logger.info("sent the %s e-mail", kind, extra={"application_id": application.pk})
    return True


def _applicant_context(application, request):
    return {
        "application": application,
        "lab_name": _lab_name(),
        "position": application.position.title,
        "status_url": status_url(application, request),
        "privacy_url": site_url(request) + reverse("recruiting:privacy"),
        "retention_days": settings.APPLICATION_RETENTION_DAYS,
    }


def send_confirmation(application, request=None):
    """Tell the applicant their application arrived, with the link to its status page."""
    with translation.override(application.language):
        context = _applicant_context(application, request)
        subject = _("Application received: %(position)s") % {"position": context["position"]}
        return _send(
            "confirmation",
            application,
            subject,
            "emails/confirmation.txt",
            context,
            [application.email],
        )


def send_lab_notification(application, request=None):
    """Tell the lab's reviewers (settings.LAB_NOTIFY_EMAILS) a new application arrived."""
    if not settings.LAB_NOTIFY_EMAILS:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        try:
            admin_path = reverse("admin:recruiting_application_change", args=[application.pk])
        except NoReverseMatch:
            admin_path = ""
        claims = list(application.claims.select_related("requirement"))
        context = {
            "application": application,
            "position": application.position.title,
            "claims": claims,
            "admin_url": site_url(request) + admin_path if admin_path else "",
        }
        subject = _("New application (%(count)s criteria): %(position)s") % {
            "count": application.priority,
            "position": context["position"],
        }
        return _send(
            "lab notification",
            application,
            subject,
            "emails/lab_notification.txt",
            context,
            list(settings.LAB_NOTIFY_EMAILS),
        )


def send_application_emails(application, request=None):
    """Both e-mails of a new application; called once the application is committed."""
    send_confirmation(application, request)
    send_lab_notification(application, request)


def send_status_link(application, request=None):
    """Send the status link again, to the address the application was made with only."""
    with translation.override(application.language):
        context = _applicant_context(application, request)
        subject = _("The status page of your application: %(position)s") % {
            "position": context["position"]
        }
        return _send(
            "status link",
            application,
            subject,
            "emails/status_link.txt",
            context,
            [application.email],
        )


def send_rejection_notice(application, request=None):
    """
    Tell the applicant, in their language, that the lab will not take their application
    further. Sent only when staff choose to (an explicit admin action), never
    automatically. Returns whether the e-mail went.
    """
    with translation.override(application.language):
        context = _applicant_context(application, request)
        subject = _("About your application: %(position)s") % {"position": context["position"]}
        return _send(
            "rejection notice",
            application,
            subject,
            "emails/rejection.txt",
            context,
            [application.email],
        )
