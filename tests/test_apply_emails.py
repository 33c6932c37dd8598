"""
The e-mails of an application: written to the outbox with the application, delivered by
the worker, to the applicant in their language and to the lab.
"""

import logging

import pytest
from django.test import override_settings

from recruiting.models import Application, Lab, Message
from tests.submissions import submit

CLOSED_PORT = 8209  # nothing listens here: the SMTP server "refuses connections"


def apply(client, lab, url="/apply/"):
    response = submit(client, lab, url)
    assert response.status_code == 302
    return Application.objects.get()


def test_the_applicant_gets_a_confirmation_in_chinese_with_the_status_link(
    client, lab, run_worker
):
    application = apply(client, lab, "/apply/")
    [mail] = run_worker()
    assert mail.subject == "已收到你的申请：研究助理（RA）"
    assert mail.to == ["li.hua@example.edu.cn"]
    assert mail.from_email == "webmaster@localhost"
    assert "李华，你好：" in mail.body
    assert "感谢你申请研究助理（RA）。" in mail.body
    assert f"http://testserver/apply/status/{application.token}/" in mail.body
    assert "http://testserver/privacy/" in mail.body


def test_the_applicant_gets_a_confirmation_in_english_when_applying_in_english(
    client, lab, run_worker
):
    application = apply(client, lab, "/en/apply/")
    [mail] = run_worker()
    assert mail.subject == "Application received: Research assistant (RA)"
    assert mail.body.startswith("Dear 李华,")
    assert f"http://testserver/en/apply/status/{application.token}/" in mail.body
    assert "correct your application until the lab starts on it" in mail.body
    assert "&#x27;" not in mail.body and "&amp;" not in mail.body  # plain text, not HTML


def test_the_labs_contact_address_is_the_reply_to_of_the_applicants_e_mails(
    client, lab, run_worker
):
    Lab.objects.create(name="Group", institution="PKU", tagline="t", email="lab@pku.example")
    apply(client, lab, "/apply/")
    [mail] = run_worker()
    assert mail.reply_to == ["lab@pku.example"]
    assert "请直接回复此邮件" in mail.body
    assert "撤回" in mail.body  # the status page withdraws, corrects and deletes


def test_without_a_contact_address_the_e_mail_does_not_invite_a_reply(client, lab, run_worker):
    apply(client, lab, "/en/apply/")
    [mail] = run_worker()
    assert mail.reply_to == []
    assert "reply to this e-mail" not in mail.body


@override_settings(SITE_URL="https://apply.example.edu.cn")
def test_links_in_e_mails_use_the_site_url_when_it_is_set(client, lab, run_worker):
    application = apply(client, lab, "/en/apply/")
    [mail] = run_worker()
    assert f"https://apply.example.edu.cn/en/apply/status/{application.token}/" in mail.body
    assert "testserver" not in mail.body


@override_settings(LAB_NOTIFY_EMAILS=["reviewer@lab.example"])
def test_the_e_mails_are_queued_with_the_application_and_sent_only_by_the_worker(
    client, lab, mailoutbox
):
    application = apply(client, lab, "/en/apply/")
    assert mailoutbox == [], "nothing is sent on the request path"
    queued = Message.objects.filter(application=application).order_by("pk")
    assert [(m.kind, m.state, m.recipients) for m in queued] == [
        ("confirmation", "queued", ["li.hua@example.edu.cn"]),
        ("lab_notification", "queued", ["reviewer@lab.example"]),
    ]


def test_every_message_is_sent_once_however_often_the_worker_runs(client, lab, run_worker):
    application = apply(client, lab)
    assert len(run_worker()) == 1
    assert run_worker() == []
    message = Message.objects.get(application=application)
    assert message.state == Message.State.SENT
    assert message.attempts == 1
    assert message.sent_at is not None


def test_the_message_id_header_is_the_outboxs_own(client, lab, run_worker):
    apply(client, lab)
    [mail] = run_worker()
    assert mail.extra_headers["Message-ID"] == Message.objects.get().message_id


@override_settings(LAB_NOTIFY_EMAILS=["reviewer1@lab.example", "reviewer2@lab.example"])
def test_the_labs_reviewers_are_notified(client, lab, run_worker):
    application = apply(client, lab, "/en/apply/")
    confirmation, notification = run_worker()
    assert confirmation.to == ["li.hua@example.edu.cn"]
    assert notification.to == ["reviewer1@lab.example", "reviewer2@lab.example"]
    assert notification.reply_to == []
    # The lab's language, whatever the applicant's.
    assert notification.subject == "新申请（满足 2 项要求）：研究助理（RA）"
    assert f"#{application.pk}" in notification.body
    assert "顶会论文 (关键词：NeurIPS)" in notification.body
    assert "竞赛成绩 (关键词：Kaggle)" in notification.body


def test_without_reviewers_configured_only_the_applicant_is_mailed(client, lab, run_worker):
    apply(client, lab, "/apply/")
    assert [mail.to for mail in run_worker()] == [["li.hua@example.edu.cn"]]


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=CLOSED_PORT,
    EMAIL_USE_TLS=False,
    EMAIL_TIMEOUT=2,
    LAB_NOTIFY_EMAILS=["reviewer@lab.example"],
)
def test_an_smtp_failure_keeps_the_message_queued_and_is_logged_with_ids_only(
    client, lab, caplog, run_worker
):
    application = apply(client, lab, "/en/apply/")
    with caplog.at_level(logging.INFO):
        run_worker()
    failures = [r for r in caplog.records if r.name == "recruiting.emails"]
    assert [r.getMessage() for r in failures] == [
        "could not send the confirmation e-mail",
        "could not send the lab_notification e-mail",
    ]
    assert all(r.application_id == application.pk for r in failures)
    assert all(r.error == "ConnectionRefusedError" for r in failures)
    logged = " ".join(str(vars(r)) for r in caplog.records)
    for private in ["li.hua", "李华", "北京大学", application.token]:
        assert private not in logged
    assert set(Message.objects.values_list("state", "attempts")) == {("queued", 1)}
    assert Application.objects.filter(pk=application.pk).exists()


@pytest.mark.parametrize(
    ("url", "before", "after"),
    [
        (
            "/en/apply/",
            "We will also e-mail this link to you within a few minutes.",
            "We have also sent this link to your e-mail address.",
        ),
        ("/apply/", "我们还会在几分钟内把这个链接发送到你的邮箱。", None),
    ],
)
def test_the_thank_you_page_says_the_link_was_sent_only_once_it_was(
    client, lab, run_worker, url, before, after
):
    response = submit(client, lab, url)
    thanks = response["Location"]
    html = client.get(thanks).content.decode()
    assert before in html
    run_worker()
    html = client.get(thanks).content.decode()
    assert before not in html
    if after:
        assert after in html
