"""
The worker's housekeeping: tasks of a worker that died run again, once their lease is
over; records of finished tasks do not pile up; staff never read an applicant's link.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recruiting.models import Message
from tests.submissions import submit

START = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)


def a_worker_dies_while_sending(client, lab, task_status):
    """Submit, then leave the e-mail as a lost worker leaves it: claimed, never sent."""
    assert submit(client, lab).status_code == 302
    message = Message.objects.get()
    DBTaskResult.objects.update(status=task_status, started_at=timezone.now())
    Message.objects.update(state=Message.State.SENDING, claimed_at=timezone.now(), attempts=1)
    return message


@pytest.mark.parametrize(
    "task_status",
    ["RUNNING", "FAILED"],
    ids=["killed-mid-send", "lost-the-database-mid-send"],
)
def test_an_e_mail_whose_worker_died_is_sent_once_after_the_lease(
    client, lab, run_worker, settings, task_status
):
    settings.TASK_LEASE_SECONDS = 600
    with time_machine.travel(START, tick=False) as traveller:
        message = a_worker_dies_while_sending(client, lab, task_status)
        traveller.shift(datetime.timedelta(seconds=599))
        assert run_worker() == [], "within the lease the first worker may still be sending"
        traveller.shift(datetime.timedelta(seconds=2))
        [mail] = run_worker()
        assert run_worker() == []
    assert mail.extra_headers["Message-ID"] == message.message_id
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 2)


def test_records_of_finished_tasks_are_deleted_after_a_day(client, lab, run_worker):
    with time_machine.travel(START, tick=False) as traveller:
        submit(client, lab)
        run_worker()
        # The e-mail to the applicant and the reading of the CV.
        assert DBTaskResult.objects.finished().count() == 2
        traveller.shift(datetime.timedelta(hours=25))
        run_worker()
    assert not DBTaskResult.objects.exists()
    assert Message.objects.get().state == Message.State.SENT, "the outbox keeps its record"


@pytest.mark.django_db
def test_staff_read_an_e_mail_without_the_applicants_status_link(
    client, lab, run_worker, admin_user
):
    submit(client, lab)
    message = Message.objects.get()
    token = message.application.token
    assert token in message.body
    client.force_login(admin_user)
    html = client.get(reverse("admin:recruiting_message_change", args=[message.pk])).content
    html = html.decode()
    assert "/apply/status/…/" in html
    assert token not in html


def test_an_e_mail_that_keeps_killing_its_worker_ends_failed_not_in_a_loop(
    client, lab, run_worker, settings
):
    settings.TASK_LEASE_SECONDS = 600
    settings.EMAIL_MAX_ATTEMPTS = 3
    with time_machine.travel(START, tick=False) as traveller:
        message = a_worker_dies_while_sending(client, lab, "RUNNING")
        Message.objects.update(attempts=3)  # its last try: the worker died again
        traveller.shift(datetime.timedelta(seconds=601))
        assert run_worker() == []
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.last_error == "The worker was lost while sending."
