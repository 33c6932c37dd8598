"""
The outbox keeps its promises against a real SMTP server on loopback (tests/smtp.py),
with the worker run in this process (`run_worker` fixture) and time moved by
time_machine: a mail server down for an hour loses nothing and sends nothing twice; a
message that keeps failing ends "failed", shown to staff, who send it again; a mail
server that hangs slows neither the application nor loses its e-mail; an error after the
application's commit still gives the applicant the thank-you page and their e-mail.
"""

import datetime
import logging
import time
from collections import Counter

import pytest
import time_machine
from django.db import OperationalError, transaction
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from recruiting import emails
from recruiting.models import Application, Message
from tests.factories import StaffFactory
from tests.smtp import HOST, RecordingSMTPServer, StalledSMTPServer, free_port
from tests.submissions import submit

CONFIRMATION_ZH = "已收到你的申请：研究助理（RA）"
CONFIRMATION_EN = "Application received: Research assistant (RA)"
NOTIFICATION = "新申请（满足 2 项要求）：研究助理（RA）"  # the lab's language: the site's


@pytest.fixture
def smtp_settings(settings):
    """configure(port): the SMTP backend, to 127.0.0.1:port without TLS."""

    def configure(port, timeout=5):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = HOST
        settings.EMAIL_PORT = port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_TIMEOUT = timeout
        return settings

    return configure


def apply(client, lab, url, email):
    response = submit(client, lab, url, email=email)
    assert response.status_code == 302, response.content[:2000]
    return Application.objects.get(email=email)


def states():
    return sorted(Message.objects.values_list("state", flat=True).distinct())


# --- The mail server is down for an hour, then back ----------------------------------------


def test_after_an_hour_without_a_mail_server_every_message_is_delivered_once_in_its_language(
    client, lab, smtp_settings, run_worker
):
    port = free_port(8601)
    settings = smtp_settings(port)
    settings.LAB_NOTIFY_EMAILS = ["reviewer@lab.example"]
    start = timezone.now()

    with time_machine.travel(start, tick=False) as traveller:
        chinese = apply(client, lab, "/apply/", "zh@example.edu.cn")
        english = apply(client, lab, "/en/apply/", "en@example.edu.cn")
        messages = {m.message_id: m for m in Message.objects.all()}
        assert len(messages) == 4

        # Nothing listens on the port for an hour: every try is refused and retried.
        while timezone.now() < start + datetime.timedelta(minutes=60):
            run_worker()
            traveller.shift(datetime.timedelta(minutes=5))
        down = Message.objects.all()
        assert {m.state for m in down} == {Message.State.QUEUED}
        assert all(m.attempts >= 5 for m in down), [m.attempts for m in down]
        assert all(m.last_error.startswith("ConnectionRefusedError") for m in down)

        with RecordingSMTPServer(port) as smtp:
            for _ in range(48):  # at most four more hours
                run_worker()
                if states() == [Message.State.SENT]:
                    break
                traveller.shift(datetime.timedelta(minutes=5))
            run_worker()  # and once more: nothing is sent again
            traveller.shift(datetime.timedelta(hours=6))
            run_worker()
            received = smtp.received

    assert Counter(mail.message_id for mail in received) == dict.fromkeys(messages, 1)
    by_recipient = {mail.recipients: mail for mail in received}
    to_chinese = by_recipient[("zh@example.edu.cn",)]
    to_english = by_recipient[("en@example.edu.cn",)]
    assert to_chinese.subject == CONFIRMATION_ZH
    assert "李华，你好：" in to_chinese.body
    assert f"/apply/status/{chinese.token}/" in to_chinese.body
    assert to_english.subject == CONFIRMATION_EN
    assert to_english.body.startswith("Dear 李华,")
    assert f"/en/apply/status/{english.token}/" in to_english.body
    notifications = [m for m in received if m.recipients == ("reviewer@lab.example",)]
    assert [m.subject for m in notifications] == [NOTIFICATION, NOTIFICATION]
    assert {m.sender for m in received} == {"webmaster@localhost"}

    for message in Message.objects.all():
        assert message.state == Message.State.SENT
        assert message.sent_at >= start + datetime.timedelta(minutes=60)
        assert message.last_error == ""


# --- A message that keeps failing ------------------------------------------------------------


def test_a_message_that_keeps_failing_is_shown_failed_to_staff_who_send_it_again(
    client, lab, smtp_settings, run_worker
):
    settings = smtp_settings(free_port(8602))
    settings.EMAIL_MAX_ATTEMPTS = 3
    start = timezone.now()

    with (
        RecordingSMTPServer(settings.EMAIL_PORT) as smtp,
        time_machine.travel(start, tick=False) as traveller,
    ):
        smtp.refusing = True  # "451 try again later" to every message
        apply(client, lab, "/en/apply/", "failing@example.edu.cn")
        message = Message.objects.get()
        for _ in range(3):
            run_worker()
            traveller.shift(datetime.timedelta(hours=1))
        run_worker()  # after the last try nothing tries again
        message.refresh_from_db()
        assert message.state == Message.State.FAILED
        assert message.attempts == 3
        assert message.last_error.startswith("SMTPDataError")
        assert smtp.refused == 3
        assert not DBTaskResult.objects.ready().exists()

        client.force_login(StaffFactory(is_superuser=True))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        changelist = reverse("admin:recruiting_message_changelist")
        page = client.get(changelist)
        assert page.status_code == 200
        assert '<td class="field-state">Failed</td>' in page.content.decode()

        response = client.post(changelist, {"action": "retry", "_selected_action": [message.pk]})
        assert response.status_code == 302
        message.refresh_from_db()
        assert (message.state, message.attempts) == (Message.State.QUEUED, 0)
        assert "Queued" in client.get(changelist).content.decode()

        smtp.refusing = False
        run_worker()
        traveller.shift(datetime.timedelta(hours=1))
        run_worker()
        received = smtp.received

    assert [mail.message_id for mail in received] == [message.message_id]
    assert received[0].subject == CONFIRMATION_EN
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 1)
    assert smtp.refused == 3, "not one more try while it was failed"


# --- The mail server hangs -------------------------------------------------------------------


def test_a_mail_server_that_never_answers_neither_slows_the_application_nor_loses_its_e_mail(
    client, lab, smtp_settings, run_worker
):
    settings = smtp_settings(free_port(8603), timeout=5)

    with StalledSMTPServer(settings.EMAIL_PORT) as stalled:
        client.get("/apply/")  # the form once, as an applicant reads it before applying
        started = time.monotonic()
        response = submit(client, lab, "/apply/", email="stalled@example.edu.cn")
        elapsed = time.monotonic() - started

        application = Application.objects.get(email="stalled@example.edu.cn")
        assert response.status_code == 302
        assert response["Location"] == f"/apply/thanks/{application.token}/"
        assert stalled.connections() == 0, "the request never talks to the mail server"
        assert elapsed < settings.EMAIL_TIMEOUT / 2
        message = Message.objects.get()
        assert (message.state, message.attempts) == (Message.State.QUEUED, 0)

        run_worker()  # waits for the greeting until EMAIL_TIMEOUT

        assert stalled.connections() == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.QUEUED, 1)
    assert "timed out" in message.last_error
    assert message.next_attempt_at > timezone.now()
    assert DBTaskResult.objects.filter(run_after=message.next_attempt_at).exists()


# --- An error after the application's commit -------------------------------------------------


def drop_the_database_after_commit(sender, instance, created, **kwargs):
    """Another app's post-commit step that finds the database gone."""

    def fail():
        raise OperationalError("server closed the connection unexpectedly")

    transaction.on_commit(fail)


@pytest.mark.parametrize("url", ["/apply/", "/en/apply/"])
@pytest.mark.django_db(transaction=True)
def test_an_error_after_the_commit_still_thanks_the_applicant_and_sends_the_confirmation(
    client, lab, cv_storage, caplog, run_worker, url
):
    post_save.connect(drop_the_database_after_commit, sender=Application, weak=False)
    try:
        with caplog.at_level(logging.ERROR, logger="recruiting"):
            response = submit(client, lab, url, email="committed@example.edu.cn")
    finally:
        post_save.disconnect(drop_the_database_after_commit, sender=Application)

    application = Application.objects.get(email="committed@example.edu.cn")
    assert response.status_code == 302
    assert response["Location"] == f"{url}thanks/{application.token}/"
    assert cv_storage.exists(application.cv.name)
    assert application.claims.count() == 2
    [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged.getMessage() == "an error after the application was committed"
    assert logged.application_id == application.pk
    assert client.get(response["Location"]).status_code == 200

    message = Message.objects.get()
    assert (message.kind, message.state) == (Message.Kind.CONFIRMATION, Message.State.QUEUED)
    [mail] = run_worker()
    assert mail.subject == (CONFIRMATION_EN if url.startswith("/en/") else CONFIRMATION_ZH)
    message.refresh_from_db()
    assert message.state == Message.State.SENT


# --- A task run again a moment before its message's lease ends -------------------------------


def test_a_task_run_again_just_before_its_messages_lease_ends_still_sends_it_once(
    settings, run_worker
):
    """
    A worker takes the task, claims its message a moment later, and dies sending it.
    Another worker runs the task again as soon as the task's lease is over, when the
    message's claim is not yet: the message must still go out, once, when its own is.
    """
    lease = datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        message = emails.queue(
            Message.Kind.LAB_NOTIFICATION, ["reviewer@lab.example"], "New", "Body", language="en"
        )
        DBTaskResult.objects.get().claim("lost-worker")
        traveller.shift(datetime.timedelta(milliseconds=10))
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.SENDING, claimed_at=timezone.now(), attempts=1
        )
        traveller.shift(lease - datetime.timedelta(milliseconds=5))
        sent = run_worker()
        assert sent == [], "the message's claim may still be its first worker's"
        traveller.shift(datetime.timedelta(milliseconds=10))
        sent += run_worker()
        traveller.shift(datetime.timedelta(hours=1))
        sent += run_worker()

    assert [mail.extra_headers["Message-ID"] for mail in sent] == [message.message_id]
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.SENT, 2)
