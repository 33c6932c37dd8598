"""
Work done off the request path by `manage.py run_worker` (django-tasks, database
backend: docs/deploy.md). Every task is idempotent, as a lost worker's run again.
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import cvcheck, cvreading, emails
from .models import Application, Message

logger = logging.getLogger(__name__)

CV_READ_RETRY = datetime.timedelta(minutes=5)


@task()
def deliver_message(message_pk):
    """Send one e-mail of the outbox (see emails.deliver)."""
    return emails.deliver(message_pk)


@task()
def send_status_links(email, position_slug, origin):
    """
    Queue the status link of this address's applications for this position, closed ones
    too (their page is where they are deleted). Here, not in the request, so the page
    takes as long whether or not the address applied.
    """
    applications = (
        Application.objects.with_email(email)
        .filter(position__slug=position_slug)
        .select_related("position")
    )
    for application in applications:
        emails.queue_applicant_email(Message.Kind.STATUS_LINK, application, origin)


@task()
def read_cv(application_pk):
    """Read an application's CV and check its claims against it (cvreading.read_cv)."""
    try:
        return cvreading.read_cv(application_pk)
    except cvcheck.CheckerUnavailable:
        # The machine could not start the reading process (out of processes or memory):
        # try again later rather than record the CV as unreadable.
        logger.exception("the CV could not be read now", extra={"application_id": application_pk})
        read_cv.using(run_after=timezone.now() + CV_READ_RETRY).enqueue(application_pk)
        return "retry"


@task()
def recheck_requirement(requirement_pk):
    """Check again the claims of a criterion whose keywords or rules an editor changed."""
    return cvreading.recheck_requirement(requirement_pk)


def recover_lost_work():
    """
    Queue again the tasks and e-mails a dead worker left running for over
    TASK_LEASE_SECONDS. Returns how many.
    """
    lost = timezone.now() - datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    count = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=lost)
        .update(status=TaskResultStatus.READY)
    )
    if count:
        logger.warning("%d tasks of a lost worker queued again", count)
    return count + emails.requeue_stalled()


def prune_finished_tasks(older_than=datetime.timedelta(days=1)):
    """
    Delete the records of tasks finished over a day ago: staff need only the outbox, and
    a task's arguments may hold an address someone typed.
    """
    cutoff = timezone.now() - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
