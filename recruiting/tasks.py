"""
The work done off the request path, by the worker (`manage.py run_worker`), through
Django's Tasks API (the django-tasks backport) and its database backend
(django-tasks-db): a task is a row written in the caller's transaction, and workers take
rows with SELECT … FOR UPDATE SKIP LOCKED, so any number of them, on any number of
instances, share one queue. Every task here is idempotent: a task whose worker died is
run again (recover_lost_work).
"""

import datetime
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from . import emails
from .models import Application, Message

logger = logging.getLogger(__name__)


@task()
def deliver_message(message_pk):
    """Send one e-mail of the outbox (see emails.deliver)."""
    return emails.deliver(message_pk)


@task()
def send_status_links(email, position_slug, origin):
    """
    Queue the status link of each application under consideration made with this
    address for this position. Run here rather than in the request, so that the page
    answers in the same time whether or not the address has applied.
    """
    applications = (
        Application.objects.under_consideration()
        .filter(email__iexact=email, position__slug=position_slug)
        .select_related("position")
    )
    for application in applications:
        emails.queue_applicant_email(Message.Kind.STATUS_LINK, application, origin)


def recover_lost_work():
    """
    Run again what a worker that died (killed, machine lost) left half done: the tasks
    it was running and the e-mails it was sending, once older than
    settings.TASK_LEASE_SECONDS. Returns how many tasks and e-mails were queued again.
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
    Delete the records of tasks that finished more than a day ago. The outbox keeps
    what staff need (Message); a task's arguments may hold an address someone typed.
    """
    cutoff = timezone.now() - older_than
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return deleted
