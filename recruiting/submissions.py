import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import emails, tasks
from .models import Application, Claim

logger = logging.getLogger(__name__)


def submit_application(form, *, language, origin):
    """
    Save a valid ApplicationForm with its claims, e-mails and CV in one transaction: the
    file last and removed unless the commit happens; once committed, never reported as
    failed. None if an earlier application won a race (the form then says so).
    """
    application = form.save(commit=False)
    claims = form.claims()
    application.language = language
    application.consent_at = timezone.now()
    application.privacy_notice_version = settings.PRIVACY_NOTICE_VERSION
    application.priority = len(claims)
    report = form.cv_report  # None when the check could not run: the worker does it
    application.cv_flags = ",".join(report.flags) if report else "not_checked"
    # A random name (models.cv_upload_to): the applicant's file name is never used.
    upload = form.cleaned_data["cv"]
    cv_field = application.cv.field
    application.cv = intended_name = cv_field.generate_filename(application, "cv.pdf")
    stored_name = None
    committed = []
    try:
        with transaction.atomic():
            # The first commit hook: it runs before any other, so that an error in a
            # later one cannot make a committed application look unsaved.
            transaction.on_commit(lambda: committed.append(True))
            application.save()
            form.save_m2m()
            for claim in claims:
                claim.application = application
            Claim.objects.bulk_create(claims)
            emails.queue_application_emails(application, origin)
            # Read off the request path, once the CV below is stored and committed.
            tasks.read_cv.enqueue(application.pk)
            stored_name = cv_field.storage.save(
                intended_name, upload, max_length=cv_field.max_length
            )
            if stored_name != intended_name:
                application.cv = stored_name
                Application.objects.filter(pk=application.pk).update(cv=stored_name)
    except BaseException as error:
        if committed:
            logger.exception(
                "an error after the application was committed",
                extra={"application_id": application.pk},
            )
            return application
        # Also a partly written file, when the write itself failed.
        cv_field.storage.delete(stored_name or intended_name)
        if isinstance(error, IntegrityError) and form.refuse_if_duplicate():
            return None
        raise
    return application
