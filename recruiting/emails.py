"""
Every e-mail the site sends, through one outbox (docs/deploy.md, "The worker"): queue()
writes it in the caller's transaction, with its delivery task; the worker delivers it.
Applicants get theirs in the language they applied in; logs name ids, never addresses.
"""

import datetime
import logging
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Lab, Message, MessageTemplate

logger = logging.getLogger(__name__)


class UnconfiguredBackend(BaseEmailBackend):
    """
    With debug off and no EMAIL_HOST or EMAIL_BACKEND: mail waits in the outbox instead
    of being printed, addresses and links included, into the log.
    """

    def send_messages(self, email_messages):
        raise ImproperlyConfigured("E-mail is not configured: set EMAIL_HOST or EMAIL_BACKEND.")


def status_url(application, origin):
    """The absolute link to the application's status page, in the applicant's language."""
    with translation.override(application.language):
        return origin + application.get_status_url()


def queue(kind, recipients, subject, body, *, application=None, language, stage="", by=None):
    """Write one e-mail to the outbox and enqueue its delivery, in the current transaction."""
    from .tasks import deliver_message

    lab = Lab.objects.only("email").first()
    message = Message.objects.create(
        application=application,
        kind=kind,
        stage=stage,
        language=language,
        recipients=list(recipients),
        reply_to=lab.email if lab and kind != Message.Kind.LAB_NOTIFICATION else "",
        subject=subject,
        body=body.strip() + "\n",
        message_id=make_msgid(domain=_sender_domain()),
        created_by=by,
    )
    deliver_message.enqueue(message.pk)
    return message


def _sender_domain():
    # Given, so that make_msgid does not look up this machine's name on every call.
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "localhost"


def _lab_name():
    lab = Lab.objects.only("name").first()
    return lab.name if lab else ""


def _applicant_context(application, origin):
    lab = Lab.objects.only("name", "email").first()
    return {
        "application": application,
        "lab_name": lab.name if lab else "",
        "contact_email": lab.email if lab else "",
        "position": application.position.title,
        "status_url": status_url(application, origin),
        "privacy_url": origin + reverse("recruiting:privacy"),
        "retention_days": settings.APPLICATION_RETENTION_DAYS,
    }


# The applicant's e-mails written by the site itself: subject and template, by kind.
APPLICANT_EMAILS = {
    Message.Kind.CONFIRMATION: (
        gettext_lazy("Application received: %(position)s"),
        "emails/confirmation.txt",
    ),
    Message.Kind.STATUS_LINK: (
        gettext_lazy("The status page of your application: %(position)s"),
        "emails/status_link.txt",
    ),
    Message.Kind.WITHDRAWN: (
        gettext_lazy("Application withdrawn: %(position)s"),
        "emails/withdrawn.txt",
    ),
    Message.Kind.EMAIL_CHANGE: (
        gettext_lazy("Confirm your new e-mail address: %(position)s"),
        "emails/email_change.txt",
    ),
    Message.Kind.EMAIL_CHANGED: (
        gettext_lazy("The e-mail address of your application has changed: %(position)s"),
        "emails/email_changed.txt",
    ),
}


def queue_applicant_email(kind, application, origin, to=None, **context):
    """
    One of APPLICANT_EMAILS in the language applied in, to the address applied with (or
    `to`), its template given `context` besides the application's.
    """
    subject, template = APPLICANT_EMAILS[kind]
    with translation.override(application.language):
        context = {**_applicant_context(application, origin), **context}
        subject = str(subject) % {"position": context["position"]}
        body = render_to_string(template, context)
    return queue(
        kind,
        [to or application.email],
        subject,
        body,
        application=application,
        language=application.language,
    )


def queue_email_change_link(application, new_email, value, origin):
    """The link that confirms a new address, to that address (applicant.request_email_change)."""
    with translation.override(application.language):  # the link in the applicant's language
        confirm_url = origin + reverse("recruiting:change_email", args=[application.token, value])
    return queue_applicant_email(
        Message.Kind.EMAIL_CHANGE, application, origin, to=new_email, confirm_url=confirm_url
    )


def queue_email_changed_notice(application, old_email, origin):
    """Tell the old address that the application now writes to a new one."""
    return queue_applicant_email(Message.Kind.EMAIL_CHANGED, application, origin, to=old_email)


def queue_deletion_confirmation(application, origin):
    """
    Confirm to the applicant that their application is deleted, naming nothing personal
    (not even the position). Not tied to the application, which is deleted with its
    other e-mails; once sent, the outbox forgets its recipient (deliver).
    """
    with translation.override(application.language):
        lab = Lab.objects.only("name", "email").first()
        context = {
            "lab_name": lab.name if lab else "",
            "contact_email": lab.email if lab else "",
            "privacy_url": origin + reverse("recruiting:privacy"),
        }
        subject = _("Your application data has been deleted")
        body = render_to_string("emails/deleted.txt", context)
    return queue(
        Message.Kind.DELETED, [application.email], subject, body, language=application.language
    )


def queue_lab_notification(application, origin):
    """Tell the lab's reviewers (settings.LAB_NOTIFY_EMAILS) a new application arrived."""
    if not settings.LAB_NOTIFY_EMAILS:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        try:
            admin_path = reverse("admin:recruiting_application_change", args=[application.pk])
        except NoReverseMatch:
            admin_path = ""
        context = {
            "application": application,
            "position": application.position.title,
            "claims": list(application.claims.select_related("requirement")),
            "admin_url": origin + admin_path if admin_path else "",
        }
        subject = _("New application (%(count)s criteria): %(position)s") % {
            "count": application.priority,
            "position": context["position"],
        }
        body = render_to_string("emails/lab_notification.txt", context)
    return queue(
        Message.Kind.LAB_NOTIFICATION,
        settings.LAB_NOTIFY_EMAILS,
        subject,
        body,
        application=application,
        language=settings.LANGUAGE_CODE,
    )


def queue_application_emails(application, origin):
    """Both e-mails of a new application, in the application's own transaction."""
    queue_applicant_email(Message.Kind.CONFIRMATION, application, origin)
    queue_lab_notification(application, origin)


def render_stage_message(application, template, origin):
    """(subject, body) of a stage's message for one applicant, in their language."""
    with translation.override(application.language):
        return template.render(
            {
                "name": application.full_name,
                "position": application.position.title,
                "status_url": status_url(application, origin),
                "lab": _lab_name(),
            }
        )


def queue_stage_message(application, template, origin, by=None):
    subject, body = render_stage_message(application, template, origin)
    return queue(
        Message.Kind.STAGE,
        [application.email],
        subject,
        body,
        application=application,
        language=application.language,
        stage=template.stage,
        by=by,
    )


def stage_messages_sent(applications):
    """(application id, stage) of every stage message sent, or waiting to be, to these."""
    return set(
        Message.objects.filter(application__in=applications, kind=Message.Kind.STAGE)
        .exclude(state=Message.State.FAILED)
        .values_list("application_id", "stage")
    )


# -- Delivery, in the worker ---------------------------------------------------------------


def retry_delay(attempts):
    """Wait after the n-th failed try: 1, 2, 4… minutes, at most an hour."""
    return datetime.timedelta(minutes=min(2 ** (attempts - 1), 60))


def deliver(message_pk):
    """
    Send one queued message; its state afterwards, or None if there was nothing to send.
    One conditional UPDATE claims it, so two workers at once never both send it.
    """
    now = timezone.now()
    claimed = Message.objects.filter(
        pk=message_pk, state=Message.State.QUEUED, next_attempt_at__lte=now
    ).update(state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    message = Message.objects.get(pk=message_pk)
    try:
        _send(message)
    except Exception as error:  # SMTP refusals, timeouts, DNS… any of them
        return _failed(message, error)
    sent = {"state": Message.State.SENT, "sent_at": timezone.now(), "last_error": ""}
    if message.kind == Message.Kind.DELETED:
        sent["recipients"] = []  # the address of a deleted application is not kept
    Message.objects.filter(pk=message.pk).update(**sent)
    logger.info(
        "sent the %s e-mail",
        message.kind,
        extra={"message_id": message.pk, "application_id": message.application_id},
    )
    return Message.State.SENT


def requeue_stalled():
    """
    Queue again the messages whose worker died mid-send (claimed over TASK_LEASE_SECONDS
    ago), or fail those out of tries so none can loop. Returns how many were requeued.
    """
    from .tasks import deliver_message

    lost = timezone.now() - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    stalled = Message.objects.filter(state=Message.State.SENDING, claimed_at__lt=lost)
    stalled.filter(attempts__gte=settings.EMAIL_MAX_ATTEMPTS).update(
        state=Message.State.FAILED, last_error="The worker was lost while sending."
    )
    requeued = 0
    with transaction.atomic():
        for pk in stalled.values_list("pk", flat=True):
            if stalled.filter(pk=pk).update(
                state=Message.State.QUEUED, next_attempt_at=timezone.now()
            ):
                deliver_message.enqueue(pk)
                requeued += 1
    if requeued:
        logger.warning("%d e-mails of a lost worker queued again", requeued)
    return requeued


def _send(message):
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=message.recipients,
        reply_to=[message.reply_to] if message.reply_to else None,
        headers={"Message-ID": message.message_id},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    email.send()


def _failed(message, error):
    from .tasks import deliver_message

    final = message.attempts >= settings.EMAIL_MAX_ATTEMPTS
    detail = f"{type(error).__name__}: {error}"[:300]
    with transaction.atomic():
        if final:
            state, next_attempt_at = Message.State.FAILED, message.next_attempt_at
        else:
            state, next_attempt_at = (
                Message.State.QUEUED,
                timezone.now() + retry_delay(message.attempts),
            )
        Message.objects.filter(pk=message.pk).update(
            state=state, next_attempt_at=next_attempt_at, last_error=detail
        )
        if not final:
            deliver_message.using(run_after=next_attempt_at).enqueue(message.pk)
    (logger.error if final else logger.warning)(
        "could not send the %s e-mail",
        message.kind,
        extra={
            "message_id": message.pk,
            "application_id": message.application_id,
            "attempt": message.attempts,
            "error": type(error).__name__,
            "final": final,
        },
    )
    return state


def retry(messages):
    """Queue failed messages again for a fresh round of tries (staff's action)."""
    from .tasks import deliver_message

    retried = 0
    with transaction.atomic():
        for pk in messages.filter(state=Message.State.FAILED).values_list("pk", flat=True):
            Message.objects.filter(pk=pk, state=Message.State.FAILED).update(
                state=Message.State.QUEUED,
                attempts=0,
                next_attempt_at=timezone.now(),
                last_error="",
            )
            deliver_message.enqueue(pk)
            retried += 1
    return retried


def oldest_unsent_age():
    """Seconds since the oldest message still waiting was queued, or None."""
    oldest = Message.objects.unsent().order_by("created_at").values_list("created_at", flat=True)
    oldest = oldest.first()
    if oldest is None:
        return None
    return max(0, round((timezone.now() - oldest).total_seconds()))


def stage_templates():
    """The stages that have a message, with their templates: {stage: MessageTemplate}."""
    return {template.stage: template for template in MessageTemplate.objects.all()}
