"""The e-mails of an application: to the applicant in their language, and to the lab."""

import logging

import pytest
from django.test import RequestFactory, override_settings

from recruiting import emails
from recruiting.models import Application
from tests.factories import make_application, submit

pytestmark = pytest.mark.usefixtures("cv_storage")

CLOSED_PORT = 8209  # nothing listens here: the SMTP server "refuses connections"


def apply_and_send(client, lab, url, capture):
    with capture(execute=True):
        response = submit(client, lab, url)
    assert response.status_code == 302
    return Application.objects.get()


def test_the_applicant_gets_a_confirmation_in_chinese_with_the_status_link(
    client, lab, mailoutbox, django_capture_on_commit_callbacks
):
    application = apply_and_send(client, lab, "/apply/", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject == "已收到你的申请：研究助理（RA）"
    assert mail.to == ["li.hua@example.edu.cn"]
    assert mail.from_email == "webmaster@localhost"
    assert "李华，你好：" in mail.body
    assert "感谢你申请研究助理（RA）。" in mail.body
    assert f"http://testserver/apply/status/{application.token}/" in mail.body
    assert "http://testserver/privacy/" in mail.body
    assert "请直接回复此邮件" in mail.body


def test_the_applicant_gets_a_confirmation_in_english_when_applying_in_english(
    client, lab, mailoutbox, django_capture_on_commit_callbacks
):
    application = apply_and_send(client, lab, "/en/apply/", django_capture_on_commit_callbacks)
    mail = mailoutbox[0]
    assert mail.subject == "Application received: Research assistant (RA)"
    assert mail.body.startswith("Dear 李华,")
    assert f"http://testserver/en/apply/status/{application.token}/" in mail.body
    assert "reply to this e-mail" in mail.body
    assert "&#x27;" not in mail.body and "&amp;" not in mail.body  # plain text, not HTML


@override_settings(SITE_URL="https://apply.example.edu.cn")
def test_links_in_e_mails_use_the_site_url_when_it_is_set(
    client, lab, mailoutbox, django_capture_on_commit_callbacks
):
    application = apply_and_send(client, lab, "/en/apply/", django_capture_on_commit_callbacks)
    assert f"https://apply.example.edu.cn/en/apply/status/{application.token}/" in (
        mailoutbox[0].body
    )
    assert "testserver" not in mailoutbox[0].body


def test_no_e_mail_is_sent_before_the_application_is_committed(client, lab, mailoutbox):
    # pytest-django wraps the test in a transaction that is never committed.
    assert submit(client, lab).status_code == 302
    assert mailoutbox == []


@override_settings(LAB_NOTIFY_EMAILS=["reviewer1@lab.example", "reviewer2@lab.example"])
def test_the_labs_reviewers_are_notified(
    client, lab, mailoutbox, django_capture_on_commit_callbacks
):
    application = apply_and_send(client, lab, "/en/apply/", django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    notification = mailoutbox[1]
    assert notification.to == ["reviewer1@lab.example", "reviewer2@lab.example"]
    # The lab's language, whatever the applicant's.
    assert notification.subject == "新申请（满足 2 项要求）：研究助理（RA）"
    assert f"#{application.pk}" in notification.body
    assert "顶会论文 (关键词：NeurIPS)" in notification.body
    assert "竞赛成绩 (关键词：Kaggle)" in notification.body


def test_without_reviewers_configured_only_the_applicant_is_mailed(
    client, lab, mailoutbox, django_capture_on_commit_callbacks
):
    apply_and_send(client, lab, "/apply/", django_capture_on_commit_callbacks)
    assert [mail.to for mail in mailoutbox] == [["li.hua@example.edu.cn"]]


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=CLOSED_PORT,
    EMAIL_USE_TLS=False,
    EMAIL_TIMEOUT=2,
    LAB_NOTIFY_EMAILS=["reviewer@lab.example"],
)
def test_an_smtp_failure_keeps_the_application_and_is_logged_with_its_id_only(
    client, lab, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO):
        application = apply_and_send(client, lab, "/en/apply/", django_capture_on_commit_callbacks)
    failures = [r for r in caplog.records if r.name == "recruiting.emails" and r.levelno >= 40]
    assert [r.getMessage() for r in failures] == [
        "could not send the confirmation e-mail",
        "could not send the lab notification e-mail",
    ]
    assert all(r.application_id == application.pk for r in failures)
    assert all(r.error == "ConnectionRefusedError" for r in failures)
    logged = " ".join(str(vars(r)) for r in caplog.records)
    for private in ["li.hua", "李华", "北京大学", application.token]:
        assert private not in logged
    assert Application.objects.filter(pk=application.pk).exists()


def test_the_rejection_notice_is_sent_in_the_applicants_language(lab, mailoutbox):
    application = make_application(lab, language="en", full_name="Wang Ming")
    request = RequestFactory().get("/admin/")
    assert emails.send_rejection_notice(application, request) is True
    mail = mailoutbox[0]
    assert mail.to == ["wang.ming@example.com"]
    assert mail.subject == "About your application: Research assistant (RA)"
    assert mail.body.startswith("Dear Wang Ming,")
    assert "will not take your application further" in mail.body
    assert "365 days from now" in mail.body
    assert f"http://testserver/en/apply/status/{application.token}/" in mail.body


def test_the_rejection_notice_in_chinese(lab, mailoutbox):
    application = make_application(lab, language="zh-hans")
    assert emails.send_rejection_notice(application, RequestFactory().get("/")) is True
    mail = mailoutbox[0]
    assert mail.subject == "关于你的申请：研究助理（RA）"
    assert "课题组不会继续推进你的申请" in mail.body
    assert f"/apply/status/{application.token}/" in mail.body


@override_settings(SITE_URL="https://apply.example.edu.cn")
def test_the_rejection_notice_needs_no_request_when_the_site_url_is_set(lab, mailoutbox):
    application = make_application(lab, language="en")
    assert emails.send_rejection_notice(application) is True
    assert f"https://apply.example.edu.cn/en/apply/status/{application.token}/" in (
        mailoutbox[0].body
    )


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=CLOSED_PORT,
    EMAIL_USE_TLS=False,
)
def test_a_rejection_notice_that_cannot_be_sent_says_so_and_is_logged(lab, caplog):
    application = make_application(lab)
    assert emails.send_rejection_notice(application) is False
    record = next(r for r in caplog.records if r.name == "recruiting.emails")
    assert record.getMessage() == "could not send the rejection notice e-mail"
    assert record.application_id == application.pk
