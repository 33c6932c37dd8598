"""
What an applicant can see of their own application and do with it from its status page
(status_views.py): the timeline, corrections while nobody at the lab has started on it,
a newer CV, a new e-mail address confirmed by a link, withdrawal, and deletion of
everything. Each change is made under the application's row lock, checked again there,
written to its stage history, and its e-mail queued in the same transaction.
"""

import dataclasses
import datetime
import logging

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from . import emails, tasks
from .models import (
    ENDED_STAGES,
    WITHDRAWABLE_STAGES,
    Application,
    Claim,
    Message,
    PreviousCV,
    StageChange,
)

logger = logging.getLogger(__name__)

EMAIL_CHANGE_SALT = "recruiting.applicant.email-change"
EMAIL_CHANGE_MAX_AGE = datetime.timedelta(days=3)
NEW_CV_SALT = "recruiting.applicant.new-cv"
# Shorter than purge_applications' grace for unreferenced files (an hour): a CV stored
# but never confirmed is deleted by the purge, never used after it.
NEW_CV_MAX_AGE = datetime.timedelta(minutes=30)

STAGE_EXPLANATIONS = {
    Application.Stage.NEW: gettext_lazy("Your application has arrived and is waiting to be read."),
    Application.Stage.SCREENING: gettext_lazy("The lab's reviewers are reading your application."),
    Application.Stage.INTERVIEW: gettext_lazy(
        "The lab would like to talk with you: you are invited to an interview, or will be."
    ),
    Application.Stage.OFFER: gettext_lazy("The lab has made you an offer."),
    Application.Stage.ACCEPTED: gettext_lazy("You have accepted the lab's offer. Welcome!"),
    Application.Stage.DECLINED: gettext_lazy(
        "The offer was declined. This application is closed."
    ),
    Application.Stage.REJECTED: gettext_lazy(
        "The lab will not take your application further. Thank you for your interest."
    ),
    Application.Stage.WITHDRAWN: gettext_lazy("This application was withdrawn. It is closed."),
}


class Refused(Exception):
    """The change is not allowed (any more): its message says why, for the applicant."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# -- The timeline ------------------------------------------------------------------------


@dataclasses.dataclass
class Event:
    when: datetime.datetime
    title: str
    text: str = ""
    body: str = ""  # an e-mail's text, shown folded
    by_applicant: bool = False


def timeline(application, changes):
    """
    What happened to the application, oldest first, in the active language: `changes`,
    its stage history, and the lab's e-mails to the applicant (one query).
    """
    events = [Event(application.submitted_at, _("You sent your application."), by_applicant=True)]
    for change in changes:
        events.append(_event_of(change))
    if application.pk is None:  # the honeypot's decoy: just sent
        return events
    lab_messages = application.messages.filter(kind=Message.Kind.STAGE).exclude(
        state=Message.State.FAILED
    )
    for message in lab_messages:
        events.append(
            Event(
                message.sent_at or message.created_at,
                _("The lab wrote to you: %(subject)s") % {"subject": message.subject},
                body=message.body,
            )
        )
    events.sort(key=lambda event: event.when)
    return events


def _event_of(change):
    Kind = StageChange.Kind
    if change.kind == Kind.CORRECTION:
        fields = pgettext("separator between field names", ", ").join(
            map(str, change.field_labels)
        )
        return Event(
            change.changed_at,
            _("You corrected: %(fields)s.") % {"fields": fields},
            by_applicant=True,
        )
    if change.kind == Kind.CV:
        return Event(change.changed_at, _("You sent a new CV."), by_applicant=True)
    if change.kind == Kind.EMAIL:
        return Event(change.changed_at, _("You changed your e-mail address."), by_applicant=True)
    if change.by_applicant and change.to_stage == Application.Stage.WITHDRAWN:
        return Event(
            change.changed_at,
            _("You withdrew your application."),
            str(STAGE_EXPLANATIONS[Application.Stage.WITHDRAWN]),
            by_applicant=True,
        )
    stage = Application.Stage(change.to_stage)
    return Event(
        change.changed_at,
        _("The lab moved your application to “%(stage)s”.") % {"stage": stage.label},
        str(STAGE_EXPLANATIONS.get(stage, "")),
    )


# -- Changes -----------------------------------------------------------------------------


def _locked(application):
    """The application's row, locked until the transaction ends; None if deleted."""
    return Application.objects.select_for_update().filter(pk=application.pk).first()


def _record(application, kind, fields=()):
    return StageChange.objects.create(
        application=application,
        kind=kind,
        from_stage=application.stage,
        to_stage=application.stage,
        by_applicant=True,
        fields=list(fields),
    )


NOT_UNTOUCHED = gettext_lazy(
    "The lab has begun to consider your application, so only your contact details can "
    "be changed now, and a newer CV added. Nothing else was changed."
)
CLOSED = gettext_lazy("This application is closed: it can no longer be changed.")
NOT_WITHDRAWABLE = gettext_lazy(
    "This application can no longer be withdrawn: the lab has made its decision, or it "
    "is already closed."
)
WITHDRAW_FIRST = gettext_lazy(
    "Withdraw your application first: it can be deleted once it is withdrawn or closed."
)
LINK_NOT_VALID = gettext_lazy("This link is not valid.")
UPLOAD_NOT_VALID = gettext_lazy(
    "This upload has expired or is not valid. Please attach your CV again."
)
EMAIL_TAKEN = gettext_lazy(
    "Another application for this position is under consideration with this address, so "
    "this one cannot use it."
)


def correct(application, form, origin):
    """
    Save a valid CorrectionForm or ContactForm: its fields but the e-mail (a new address
    waits for its link: request_email_change) and, for a correction, the claims. Refused
    if a correction finds the lab has started meanwhile. Returns the StageChange, or None
    if nothing but (perhaps) the e-mail changed.
    """
    changes = form.changes()
    with transaction.atomic():
        locked = _locked(application)
        if locked is None or locked.stage in ENDED_STAGES:
            raise Refused(CLOSED)
        if "criteria" in form.fields and not locked.is_untouched():
            raise Refused(NOT_UNTOUCHED)
        change = None
        if changes:
            names = [name for name, *_ in changes]
            fields = [name for name in names if name != "claims"]
            if fields:
                Application.objects.filter(pk=application.pk).update(
                    **{name: form.cleaned_data[name] for name in fields}
                )
            if "claims" in names:
                _replace_claims(application, form.claims())
                # The worker checks the new evidence against the CV again.
                tasks.read_cv.enqueue(application.pk)
            change = _record(locked, StageChange.Kind.CORRECTION, names)
        if form.new_email:
            request_email_change(locked, form.new_email, origin)
    return change


def _replace_claims(application, claims):
    application.claims.exclude(requirement__in=[claim.requirement for claim in claims]).delete()
    for claim in claims:
        Claim.objects.update_or_create(
            application=application,
            requirement=claim.requirement,
            defaults={
                "evidence": claim.evidence,
                "keywords_found": claim.keywords_found,
                "cv_state": "",
                "cv_findings": {},
                "author_position": "",
            },
        )
    Application.objects.filter(pk=application.pk).update(priority=application.claims.count())


def request_email_change(application, new_email, origin):
    """Send the link that changes the address to `new_email`, to that address."""
    value = signing.dumps(
        {"a": application.pk, "from": application.email, "to": new_email},
        salt=EMAIL_CHANGE_SALT,
    )
    return emails.queue_email_change_link(application, new_email, value, origin)


def email_change_of(application, value):
    """
    The new address a link's signed value asks for, or Refused: a forged or expired
    link, one for another application, or one already used (the address it changes is
    no longer the application's).
    """
    try:
        payload = signing.loads(
            value, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise Refused(
            gettext_lazy("This link has expired. Change your address again to get a new one.")
        ) from None
    except signing.BadSignature:
        raise Refused(LINK_NOT_VALID) from None
    if payload.get("a") != application.pk:
        raise Refused(LINK_NOT_VALID)
    if payload["from"].lower() != application.email.lower():
        raise Refused(gettext_lazy("This link was already used, or a newer one replaced it."))
    return payload["to"]


def change_email(application, value, origin):
    """
    Apply a confirmed address change (email_change_of checks the link), and tell the old
    address: whoever holds the status link could otherwise move the application's mail
    away unnoticed.
    """
    try:
        with transaction.atomic():
            locked = _locked(application)
            if locked is None or locked.stage in ENDED_STAGES:
                raise Refused(CLOSED)
            new_email = email_change_of(locked, value)
            old_email = locked.email
            Application.objects.filter(pk=locked.pk).update(email=new_email)
            change = _record(locked, StageChange.Kind.EMAIL, ["email"])
            locked.email = new_email
            emails.queue_email_changed_notice(locked, old_email, origin)
    except IntegrityError:
        # one_open_application_per_email_and_position: another one took the address.
        raise Refused(EMAIL_TAKEN) from None
    return change


def store_new_cv(application, form):
    """
    Store a valid NewCVForm's file under a new name, not yet the application's: the
    signed value the confirmation posts back. A file never confirmed is deleted by
    purge_applications with the other unreferenced files.
    """
    field = Application._meta.get_field("cv")
    name = field.storage.save(
        field.generate_filename(application, "cv.pdf"),
        form.cleaned_data["cv"],
        max_length=field.max_length,
    )
    report = form.cv_report
    return signing.dumps(
        {
            "a": application.pk,
            "name": name,
            "flags": ",".join(report.flags) if report else "not_checked",
            "pages": report.pages if report else None,
        },
        salt=NEW_CV_SALT,
    )


def new_cv_of(application, value):
    """What a new CV's signed value holds, or Refused (forged, expired, another's)."""
    try:
        payload = signing.loads(value, salt=NEW_CV_SALT, max_age=NEW_CV_MAX_AGE.total_seconds())
    except signing.BadSignature:
        raise Refused(UPLOAD_NOT_VALID) from None
    if payload.get("a") != application.pk:
        raise Refused(UPLOAD_NOT_VALID)
    return payload


def replace_cv(application, value):
    """
    Make a stored new CV (store_new_cv) the application's. While nobody has started on
    the application the old file is deleted; after that it is kept as a PreviousCV,
    which reviewers see under the new one.
    """
    payload = new_cv_of(application, value)
    storage = Application._meta.get_field("cv").storage
    if not storage.exists(payload["name"]):
        raise Refused(UPLOAD_NOT_VALID)
    with transaction.atomic():
        locked = _locked(application)
        if locked is None or locked.stage in ENDED_STAGES:
            raise Refused(CLOSED)
        if locked.cv.name == payload["name"]:
            return None  # confirmed twice: already done
        old_name = locked.cv.name
        if locked.is_untouched():
            # Robust: a file the storage fails to delete is purged later, and never
            # makes the committed change look failed.
            transaction.on_commit(lambda: storage.delete(old_name), robust=True)
        else:
            PreviousCV.objects.create(
                application=locked,
                file=old_name,
                sent_at=locked.cv_sent_at or locked.submitted_at,
            )
        Application.objects.filter(pk=locked.pk).update(
            cv=payload["name"], cv_sent_at=timezone.now(), cv_flags=payload["flags"]
        )
        locked.claims.update(cv_state="", cv_findings={}, author_position="")
        Application.objects.filter(pk=locked.pk).update(corroborated=0)
        tasks.read_cv.enqueue(locked.pk)
        change = _record(locked, StageChange.Kind.CV)
    return change


def withdraw(application, origin):
    """Withdraw the application (until the lab's decision) and confirm it by e-mail."""
    with transaction.atomic():
        locked = _locked(application)
        if locked is None or locked.stage not in WITHDRAWABLE_STAGES:
            raise Refused(NOT_WITHDRAWABLE)
        change = locked.move_to(Application.Stage.WITHDRAWN, by_applicant=True)
        emails.queue_applicant_email(Message.Kind.WITHDRAWN, locked, origin)
    logger.info("application withdrawn by its applicant", extra={"application_id": application.pk})
    return change


def delete(application, origin):
    """
    Delete the application with everything it holds (claims, reviews, stage history,
    e-mails, CV texts, earlier CVs; the files once committed: signals.py) and queue an
    e-mail that confirms it without naming anything personal. Only once it is closed.
    """
    with transaction.atomic():
        locked = _locked(application)
        if locked is None:
            raise Refused(gettext_lazy("This application has already been deleted."))
        if not locked.can_delete:
            raise Refused(WITHDRAW_FIRST)
        pk = locked.pk
        emails.queue_deletion_confirmation(locked, origin)
        locked.delete()
    logger.info("application deleted by its applicant", extra={"application_id": pk})
