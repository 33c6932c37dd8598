"""
The lab's e-mails to applicants: moving to a stage that has one (interview, offer, not
successful) shows who gets which e-mail first; it goes through the outbox, once.
"""

import pytest
from django.urls import reverse

from recruiting import seed
from recruiting.management.commands.seed_content import fields
from recruiting.models import Application, Message, MessageTemplate
from tests.factories import ApplicationFactory, PositionFactory
from tests.submissions import change_form_data

URL = reverse("admin:recruiting_application_changelist")
Stage = Application.Stage
pytestmark = pytest.mark.django_db


@pytest.fixture
def templates(db):
    for entry in seed.MESSAGE_TEMPLATES:
        MessageTemplate.objects.create(**fields(entry))


@pytest.fixture
def position(db):
    """研究助理（RA）, "Research assistant (RA)" in English."""
    return PositionFactory()


def pick(client, action, applications):
    return client.post(URL, {"action": action, "_selected_action": [a.pk for a in applications]})


def confirm(client, action, applications, **choices):
    """Confirm the action (twice for an ended stage, as staff are asked)."""
    data = {"action": action, "_selected_action": [a.pk for a in applications], "post": "yes"}
    return client.post(URL, {**data, "end_confirmed": "yes", **choices}, follow=True)


def test_the_confirmation_names_who_gets_which_e_mail_in_which_language_with_a_preview(
    reviewer_client, templates, position
):
    chinese = ApplicationFactory(position=position, full_name="王芳", language="zh-hans")
    english = ApplicationFactory(position=position, full_name="Ada Lovelace", language="en")

    html = pick(reviewer_client, "move_to_interview", [chinese, english]).content.decode()

    assert "Move 2 applications to “Interview”?" in html
    assert "中文" in html and "English" in html
    assert chinese.email in html and english.email in html
    assert "面试邀请：研究助理（RA）" in html  # the preview: the first, in her language
    assert "王芳，你好：" in html
    assert "/apply/status/…/" in html and chinese.token not in html
    assert 'name="send_message"' in html and "checked" in html
    assert not Message.objects.exists(), "nothing is queued before staff confirm"
    assert set(Application.objects.values_list("stage", flat=True)) == {"new"}


def test_confirming_moves_and_queues_one_e_mail_each_delivered_in_their_language(
    reviewer_client, templates, position, run_worker, reviewer
):
    chinese = ApplicationFactory(position=position, full_name="王芳", language="zh-hans")
    english = ApplicationFactory(position=position, full_name="Ada Lovelace", language="en")

    response = confirm(reviewer_client, "move_to_interview", [chinese, english], send_message="on")

    html = response.content.decode()
    assert "2 applications moved to “Interview”." in html
    assert "2 e-mails queued" in html
    queued = Message.objects.order_by("application_id")
    assert [(m.application_id, m.stage, m.language, m.state, m.created_by) for m in queued] == [
        (chinese.pk, "interview", "zh-hans", "queued", reviewer),
        (english.pk, "interview", "en", "queued", reviewer),
    ]
    sent = {mail.to[0]: mail for mail in run_worker()}
    assert sent[chinese.email].subject == "面试邀请：研究助理（RA）"
    assert sent[chinese.email].body.startswith("王芳，你好：")
    assert f"/apply/status/{chinese.token}/" in sent[chinese.email].body
    assert sent[english.email].subject == "Invitation to an interview: Research assistant (RA)"
    assert f"/en/apply/status/{english.token}/" in sent[english.email].body


def test_the_list_shows_whether_the_stages_e_mail_went_out(
    reviewer_client, templates, position, run_worker
):
    application = ApplicationFactory(position=position, full_name="Ada Lovelace")
    confirm(reviewer_client, "move_to_offer", [application], send_message="on")

    def column():
        html = reviewer_client.get(URL).content.decode()
        return html.split('class="field-stage_message">', 1)[1].split("<", 1)[0]

    assert column() == "Queued"
    run_worker()
    assert column() == "Sent"


def test_an_e_mail_is_not_sent_twice_for_the_same_stage_unless_staff_ask(
    reviewer_client, templates, position, run_worker
):
    application = ApplicationFactory(position=position, language="en")
    confirm(reviewer_client, "move_to_interview", [application], send_message="on")
    confirm(reviewer_client, "move_to_screening", [application], send_message="on")

    html = pick(reviewer_client, "move_to_interview", [application]).content.decode()
    assert "already sent for this stage" in html
    assert 'name="send_again"' in html

    confirm(reviewer_client, "move_to_interview", [application], send_message="on")
    assert Message.objects.filter(stage="interview").count() == 1
    confirm(reviewer_client, "move_to_screening", [application])
    confirm(
        reviewer_client, "move_to_interview", [application], send_message="on", send_again="on"
    )
    assert Message.objects.filter(stage="interview").count() == 2
    assert len(run_worker()) == 2


def test_moving_without_ticking_send_moves_and_sends_nothing(
    reviewer_client, templates, position, run_worker
):
    application = ApplicationFactory(position=position)
    confirm(reviewer_client, "move_to_rejected", [application])
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    assert not Message.objects.exists()
    assert run_worker() == []


def test_the_change_form_asks_before_a_stage_with_an_e_mail(reviewer_client, templates, position):
    application = ApplicationFactory(position=position, full_name="Ada Lovelace", language="en")
    url = reverse("admin:recruiting_application_change", args=[application.pk])

    data = change_form_data(reviewer_client.get(url))
    response = reviewer_client.post(url, {**data, "stage": "offer", "_save": "Save"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Move 1 application to “Offer”?" in html
    assert "An offer from the lab: Research assistant (RA)" in html
    application.refresh_from_db()
    assert application.stage == Stage.NEW

    confirm(reviewer_client, "move_to_offer", [application], send_message="on")
    application.refresh_from_db()
    assert application.stage == Stage.OFFER
    assert Message.objects.get().stage == "offer"


def test_the_current_stages_e_mail_goes_only_where_the_stage_has_one(
    reviewer_client, templates, position, run_worker
):
    rejected = ApplicationFactory(position=position, stage=Stage.REJECTED, language="en")
    screening = ApplicationFactory(position=position, stage=Stage.SCREENING)

    html = pick(reviewer_client, "send_stage_message", [rejected, screening]).content.decode()
    assert "E-mail the current stage's message to 2 applicants?" in html
    assert "none for this stage" in html

    confirm(reviewer_client, "send_stage_message", [rejected, screening], send_message="on")
    [mail] = run_worker()
    assert mail.to == [rejected.email]
    assert mail.subject == "About your application: Research assistant (RA)"
    assert "will not take your application further" in mail.body
    # Asked again without "send again": the applicant is not written to twice.
    confirm(reviewer_client, "send_stage_message", [rejected], send_message="on")
    assert run_worker() == []


def test_every_e_mail_is_on_the_applications_timeline_with_its_state(
    reviewer_client, templates, position, run_worker
):
    application = ApplicationFactory(position=position, language="en")
    confirm(reviewer_client, "move_to_interview", [application], send_message="on")
    url = reverse("admin:recruiting_application_change", args=[application.pk])

    timeline = reviewer_client.get(url).content.decode().split("Timeline", 1)[1]
    assert "New → Interview" in timeline
    assert "Stage message to the applicant: Invitation to an interview" in timeline
    assert "Queued" in timeline
    run_worker()
    timeline = reviewer_client.get(url).content.decode().split("Timeline", 1)[1]
    assert "Sent" in timeline


def test_a_template_with_an_unknown_placeholder_is_refused(editor_client, templates):
    template = MessageTemplate.objects.get(stage="offer")
    url = reverse("admin:recruiting_messagetemplate_change", args=[template.pk])
    data = {
        "stage": "offer",
        "subject_zh_hans": "录用通知：{position}",
        "subject_en": "Offer: {position}",
        "body_zh_hans": "{name}，你好：{salary}",
        "body_en": "Dear {name}",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Unknown placeholder {salary}" in response.content.decode()
    template.refresh_from_db()
    assert "{salary}" not in template.body_zh_hans


def test_a_template_cannot_read_anything_but_its_placeholders(position):
    application = ApplicationFactory(position=position, full_name="{status_url}", language="en")
    template = MessageTemplate(
        stage="offer", subject_en="{name.__class__}", body_en="{name} {settings} {{name}}"
    )
    from recruiting.emails import render_stage_message

    subject, body = render_stage_message(application, template, "https://example.org")
    assert subject == "{name.__class__}"
    # The applicant's text is inserted as it is, never read as a placeholder again.
    assert body == "{status_url} {settings} {{status_url}}"
