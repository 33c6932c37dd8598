"""
What an applicant does with their own application from its status page: correct it while
nobody at the lab has started on it, then only the contact details; send a newer CV;
change the e-mail address through a link sent to the new one; withdraw; delete
everything. Each step confirmed, recorded in the stage history, and refused with a
message (nothing changed) when it is not allowed.
"""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client

from recruiting import applicant
from recruiting.models import (
    Application,
    Claim,
    CVText,
    Message,
    PreviousCV,
    Review,
    StageChange,
)
from tests import pdfs
from tests.factories import ReviewFactory, StaffFactory, stored_files
from tests.submissions import PDF, pdf_upload, submit

NEW_PDF = pdfs.cv(["Li Hua", "NeurIPS 2023 first author", "Kaggle silver"])


@pytest.fixture
def application(client, lab, run_worker):
    """An application sent through the form in Chinese, its e-mails delivered."""
    assert submit(client, lab, url="/apply/").status_code == 302
    run_worker()
    mail.outbox.clear()
    return Application.objects.get()


def url(application, action="", language="en"):
    prefix = "/en" if language == "en" else ""
    path = f"{prefix}/apply/status/{application.token}/"
    return f"{path}{action}/" if action else path


def edit_data(client, application, **changes):
    """The correction page's form as the browser sends it, with `changes`."""
    form = client.get(url(application, "correct")).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, ""):
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    if "criteria" in form.fields:
        data["form"] = "correction"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def follow_messages(response):
    return [str(message) for message in response.context["messages"]]


def history(application):
    return list(application.stage_changes.values_list("kind", "by_applicant", "fields"))


# -- Correcting while new ----------------------------------------------------------------


def test_a_correction_is_shown_before_and_after_then_saved_once_confirmed(client, application):
    data = edit_data(client, application, full_name="李 华", school="清华大学")
    check = client.post(url(application, "correct"), data)
    html = check.content.decode()
    assert check.status_code == 200
    assert "Check your changes" in html
    assert re.search(
        r"Full name</dt>\s*<dd>.*Before:</span> 李华</dd>\s*<dd>.*After:</span> <strong>李 华</strong>",
        html,
    )
    assert re.search(r"School or university</dt>\s*<dd>.*北京大学</dd>\s*<dd>.*清华大学", html)
    application.refresh_from_db()
    assert application.full_name == "李华", "nothing is saved before the confirmation"

    response = client.post(url(application, "correct"), {**data, "confirm": "1"}, follow=True)
    assert "Your changes are saved." in follow_messages(response)
    application.refresh_from_db()
    assert (application.full_name, application.school) == ("李 华", "清华大学")
    assert history(application) == [("correction", True, ["full_name", "school"])]
    assert "You corrected: full name, school." in response.content.decode()


def test_a_correction_of_the_evidence_and_criteria_is_checked_like_the_form(
    client, application, lab
):
    data = edit_data(client, application, criteria=[str(lab.paper.pk)])
    data.pop(f"evidence_{lab.competitions.pk}")
    data[f"evidence_{lab.paper.pk}"] = "ICML 2024, first author"
    response = client.post(url(application, "correct"), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert application.claims.get().evidence == "ICML 2024, first author"
    application.refresh_from_db()
    assert application.priority == 1
    assert history(application) == [("correction", True, ["claims"])]

    refused = client.post(url(application, "correct"), {**data, "criteria": [], "confirm": "1"})
    assert refused.status_code == 422
    assert "at least one of its criteria" in refused.content.decode()
    assert application.claims.count() == 1


def test_a_correction_asks_the_worker_to_check_the_new_evidence_against_the_cv(
    client, application, lab, run_worker
):
    data = edit_data(client, application)
    data[f"evidence_{lab.competitions.pk}"] = "Kaggle gold medal, top 1%"
    client.post(url(application, "correct"), {**data, "confirm": "1"})
    run_worker()
    claim = application.claims.get(requirement=lab.competitions)
    assert claim.evidence == "Kaggle gold medal, top 1%"
    assert claim.cv_state  # checked again against the CV


def test_sending_the_form_unchanged_changes_nothing(client, application):
    response = client.post(
        url(application, "correct"), edit_data(client, application), follow=True
    )
    assert "Nothing was changed." in follow_messages(response)
    assert history(application) == []


def test_the_correction_page_says_errors_in_the_applicants_language(client, application):
    data = edit_data(client, application, phone="call me")
    response = client.post(f"/apply/status/{application.token}/correct/", data)
    assert response.status_code == 422
    assert "没有做任何更改" in response.content.decode()


# -- After the lab started: contact details only ---------------------------------------


def test_after_a_review_started_only_the_contact_details_change(client, application):
    data = edit_data(client, application, full_name="Someone Else", phone="+86 139 1111 2222")
    ReviewFactory(application=application)  # a reviewer starts meanwhile

    check = client.post(url(application, "correct"), {**data, "confirm": "1"})
    html = check.content.decode()
    assert "only your contact details can change now" in html
    assert "Someone Else" not in html
    assert "+86 139 1111 2222" in html
    application.refresh_from_db()
    assert application.phone == "+86 138 0000 0000", "not saved before the confirmation"

    client.post(url(application, "correct"), {**_hidden_fields(check), "confirm": "1"})
    application.refresh_from_db()
    assert application.full_name == "李华"
    assert application.phone == "+86 139 1111 2222"
    assert history(application) == [("correction", True, ["phone"])]


def test_a_check_page_saved_after_the_lab_started_keeps_nothing_but_says_so(client, application):
    data = edit_data(client, application, full_name="Someone Else")
    check = client.post(url(application, "correct"), data)
    sent_back = re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)"', check.content.decode()
    )
    assert ("form", "correction") in sent_back
    application.move_to(Application.Stage.SCREENING)  # the lab starts meanwhile

    saved = client.post(
        url(application, "correct"), {**dict(sent_back), "confirm": "1"}, follow=True
    )
    assert applicant.NOT_UNTOUCHED in follow_messages(saved)
    application.refresh_from_db()
    assert application.full_name == "李华"


def _hidden_fields(response):
    form = response.context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value()}


def test_after_a_stage_change_the_page_offers_the_contact_details_only(client, application):
    application.move_to(Application.Stage.SCREENING)
    html = client.get(url(application, "correct")).content.decode()
    assert "Update your contact details" in html
    assert 'name="full_name"' not in html
    assert 'name="statement"' not in html
    assert 'name="phone"' in html


def test_a_full_correction_sent_after_the_lab_started_changes_nothing(client, application):
    data = edit_data(client, application, full_name="Someone Else")
    application.move_to(Application.Stage.SCREENING)
    response = client.post(url(application, "correct"), {**data, "confirm": "1"}, follow=True)
    assert applicant.NOT_UNTOUCHED in follow_messages(response)
    application.refresh_from_db()
    assert application.full_name == "李华"
    assert history(application) == [("move", False, [])]


def test_a_closed_application_cannot_be_changed(client, application):
    data = edit_data(client, application, phone="+86 139 1111 2222")
    application.move_to(Application.Stage.REJECTED)
    response = client.post(url(application, "correct"), {**data, "confirm": "1"}, follow=True)
    assert "This application is closed" in follow_messages(response)[0]
    application.refresh_from_db()
    assert application.phone == "+86 138 0000 0000"


# -- A new e-mail address, confirmed by a link -------------------------------------------


def test_a_new_address_is_used_only_once_its_link_is_confirmed(client, application, run_worker):
    data = edit_data(client, application, email="new@example.org")
    client.post(url(application, "correct"), {**data, "confirm": "1"})
    application.refresh_from_db()
    assert application.email == "li.hua@example.edu.cn"
    (sent,) = run_worker()
    assert sent.to == ["new@example.org"]
    assert sent.subject.startswith("确认你的新邮箱地址")  # the language applied in
    link = next(line for line in sent.body.splitlines() if "/email/" in line)
    path = link.removeprefix("http://testserver")

    page = client.get(path)
    assert "new@example.org" in page.content.decode()
    application.refresh_from_db()
    assert application.email == "li.hua@example.edu.cn", "opening the link changes nothing"

    response = client.post(path, follow=True)
    application.refresh_from_db()
    assert application.email == "new@example.org"
    assert history(application) == [("email", True, ["email"])]
    assert "你更改了邮箱地址。" in response.content.decode()
    # The old address hears of it: a status link in other hands cannot move mail away quietly.
    (notice,) = run_worker()
    assert notice.to == ["li.hua@example.edu.cn"]
    assert "new@example.org" in notice.body

    again = client.post(path, follow=True)
    assert (
        "already used" in " ".join(follow_messages(again)) or "已经用过" in again.content.decode()
    )


@pytest.mark.parametrize("value", ["forged", "eyJhIjoxfQ:1t:forged"])
def test_a_forged_address_link_is_refused(client, application, value):
    response = client.post(url(application, f"email/{value}"), follow=True)
    assert "This link is not valid." in follow_messages(response)
    application.refresh_from_db()
    assert application.email == "li.hua@example.edu.cn"


def test_an_address_link_expires_after_three_days(client, application, run_worker):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)):
        value_holder = {}
        data = edit_data(client, application, email="new@example.org")
        client.post(url(application, "correct"), {**data, "confirm": "1"})
        (sent,) = run_worker()
        value_holder["path"] = next(
            line for line in sent.body.splitlines() if "/email/" in line
        ).removeprefix("http://testserver")
    with time_machine.travel(datetime.datetime(2026, 12, 4, 9, 0, tzinfo=datetime.UTC)):
        response = client.post(
            value_holder["path"].replace("/apply/", "/en/apply/", 1), follow=True
        )
    assert "This link has expired." in " ".join(follow_messages(response))
    application.refresh_from_db()
    assert application.email == "li.hua@example.edu.cn"


def test_an_address_link_of_another_application_is_refused(client, application, lab, run_worker):
    other = submit(client, lab, url="/apply/", email="other@example.org", position=lab.intern.slug)
    assert other.status_code == 302
    other = Application.objects.get(email="other@example.org")
    run_worker()
    value = applicant.signing.dumps(
        {"a": other.pk, "from": other.email, "to": "x@example.org"},
        salt=applicant.EMAIL_CHANGE_SALT,
    )
    response = client.post(url(application, f"email/{value}"), follow=True)
    assert "This link is not valid." in follow_messages(response)
    other.refresh_from_db()
    assert other.email == "other@example.org"


def test_an_address_another_open_application_for_the_position_uses_is_refused(
    client, application, lab
):
    Application.objects.filter(pk=application.pk).update(email="first@example.org")
    submit(client, lab, url="/apply/", email="second@example.org")
    data = edit_data(client, application, email="Second@example.org")
    response = client.post(url(application, "correct"), data)
    assert response.status_code == 422
    assert "Another application for this position" in response.content.decode()


# -- A new CV ------------------------------------------------------------------------------


def send_cv(client, application, content=NEW_PDF, name="new cv.pdf"):
    page = client.post(url(application, "cv"), {"cv": pdf_upload(name, content)})
    return page


def test_replacing_the_cv_while_new_is_checked_confirmed_and_deletes_the_old_file(
    client, application, cv_storage, run_worker, django_capture_on_commit_callbacks
):
    old_name = application.cv.name
    page = send_cv(client, application)
    html = page.content.decode()
    assert page.status_code == 200
    assert "We opened “new cv.pdf”: a PDF of 1 page." in html
    application.refresh_from_db()
    assert application.cv.name == old_name, "not used before the confirmation"

    upload = page.context["upload"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(application, "cv"), {"upload": upload, "confirm": "1"}, follow=True
        )
    assert "Your new CV is saved." in follow_messages(response)
    application.refresh_from_db()
    assert application.cv.name != old_name
    assert application.cv.read() == NEW_PDF
    assert stored_files(cv_storage) == [application.cv.name]
    assert not PreviousCV.objects.exists()
    assert history(application) == [("cv", True, [])]
    run_worker()
    assert "Kaggle silver" in CVText.objects.get(application=application).text

    # The same confirmation again changes nothing more.
    client.post(url(application, "cv"), {"upload": upload, "confirm": "1"})
    assert history(application) == [("cv", True, [])]


def test_a_newer_cv_after_screening_keeps_the_earlier_one_for_the_reviewers(
    client, application, cv_storage
):
    application.move_to(Application.Stage.SCREENING)
    old_name = application.cv.name
    page = send_cv(client, application)
    assert "sees this one first" in page.content.decode()
    client.post(url(application, "cv"), {"upload": page.context["upload"], "confirm": "1"})
    application.refresh_from_db()
    (earlier,) = application.previous_cvs.all()
    assert earlier.file.name == old_name
    assert earlier.sent_at == application.submitted_at
    assert earlier.file.read() == PDF
    assert sorted(stored_files(cv_storage)) == sorted([old_name, application.cv.name])


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("cv.docx", NEW_PDF, "must be a PDF file"),
        ("cv.pdf", b"<html>hello</html>", "This file is not a PDF"),
    ],
)
def test_a_new_cv_is_refused_as_the_form_refuses_one(
    client, application, cv_storage, name, content, message
):
    before = stored_files(cv_storage)
    response = send_cv(client, application, content, name)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert stored_files(cv_storage) == before


def test_a_forged_or_foreign_upload_is_refused(client, application, lab, cv_storage):
    page = send_cv(client, application)
    other = submit(client, lab, url="/apply/", email="other@example.org").wsgi_request
    other = Application.objects.get(email="other@example.org")
    for value, target in [("forged", application), (page.context["upload"], other)]:
        response = client.post(url(target, "cv"), {"upload": value, "confirm": "1"}, follow=True)
        assert "Please attach your CV again" in follow_messages(response)[0]
    application.refresh_from_db()
    assert application.cv.read() == PDF
    other.refresh_from_db()
    assert other.cv.read() == PDF


def test_an_unconfirmed_upload_expires_after_thirty_minutes(client, application):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)):
        upload = send_cv(client, application).context["upload"]
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 31, tzinfo=datetime.UTC)):
        response = client.post(url(application, "cv"), {"upload": upload, "confirm": "1"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.cv.read() == PDF


# -- Withdrawing ---------------------------------------------------------------------------


def test_withdrawing_is_confirmed_recorded_e_mailed_and_lets_the_applicant_apply_again(
    client, application, lab, run_worker
):
    page = client.get(url(application, "withdraw"))
    assert "Withdraw your application?" in page.content.decode()
    assert Application.objects.get().stage == "new", "opening the page changes nothing"

    response = client.post(url(application, "withdraw"), follow=True)
    html = response.content.decode()
    assert "Your application is withdrawn." in follow_messages(response)
    assert "<strong>Withdrawn</strong>" in html
    assert "You withdrew your application." in html
    application.refresh_from_db()
    assert application.stage == "withdrawn"
    change = application.stage_changes.get()
    assert (change.from_stage, change.to_stage, change.by_applicant) == ("new", "withdrawn", True)
    assert change.changed_by is None

    (sent,) = run_worker()
    assert sent.to == [application.email]
    assert sent.subject == "申请已撤回：研究助理（RA）"
    assert f"/apply/status/{application.token}/" in sent.body

    # Applying again for the same position is not refused as a duplicate.
    assert submit(client, lab, url="/en/apply/").status_code == 302


@pytest.mark.parametrize("stage", ["offer", "accepted", "declined", "rejected", "withdrawn"])
def test_withdrawing_after_the_decision_is_refused(client, application, stage):
    application.move_to(stage)
    response = client.post(url(application, "withdraw"), follow=True)
    assert "can no longer be withdrawn" in follow_messages(response)[0]
    application.refresh_from_db()
    assert application.stage == stage
    assert application.stage_changes.count() == 1


# -- Deleting ------------------------------------------------------------------------------


def test_deleting_before_withdrawing_is_refused(client, application):
    response = client.post(url(application, "delete"), {"understood": "on"}, follow=True)
    assert "Withdraw your application first" in follow_messages(response)[0]
    assert Application.objects.filter(pk=application.pk).exists()


def test_deleting_needs_the_box_ticked(client, application):
    application.move_to(Application.Stage.WITHDRAWN)
    response = client.post(url(application, "delete"), {})
    assert response.status_code == 422
    assert "Tick the box to confirm" in response.content.decode()
    assert Application.objects.filter(pk=application.pk).exists()


def test_deleting_removes_every_row_file_and_message_and_the_link(
    client, application, lab, cv_storage, run_worker, django_capture_on_commit_callbacks
):
    # Everything an application gathers: a review, a stage message, an earlier CV, its
    # CV text, a withdrawal and its e-mail.
    application.move_to(Application.Stage.SCREENING, by=StaffFactory())
    ReviewFactory(application=application, comment="strong")
    page = send_cv(client, application)
    client.post(url(application, "cv"), {"upload": page.context["upload"], "confirm": "1"})
    client.post(url(application, "withdraw"))
    run_worker()
    pk, email = application.pk, application.email
    assert PreviousCV.objects.filter(application_id=pk).exists()
    assert CVText.objects.filter(application_id=pk).exists()
    assert len(stored_files(cv_storage)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(application, "delete"), {"understood": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/apply/deleted/"
    assert "Your data has been deleted" in response.content.decode()
    for model in [Application, Claim, Review, StageChange, PreviousCV, CVText]:
        field = "pk" if model is Application else "application_id"
        assert not model.objects.filter(**{field: pk}).exists(), model
    assert not Message.objects.filter(application_id=pk).exists()
    assert stored_files(cv_storage) == []
    assert client.get(url(application)).status_code == 404
    assert client.get(url(application, "delete")).status_code == 404

    (sent,) = run_worker()
    assert sent.to == [email]
    for personal in [application.full_name, "研究助理", application.school, application.token]:
        assert personal not in sent.body + sent.subject
    # Once sent, the outbox keeps no address of it.
    assert Message.objects.get().recipients == []
    assert all(email not in message.recipients for message in Message.objects.all())


# -- Attacks -------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["correct", "cv", "withdraw", "delete"])
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_a_change_without_the_csrf_token_is_forbidden(lab, application, action, token):
    application.move_to(Application.Stage.WITHDRAWN) if action == "delete" else None
    client = Client(enforce_csrf_checks=True)
    client.get(url(application))  # the CSRF cookie
    data = {"understood": "on", "full_name": "X", "confirm": "1"}
    if token:
        data["csrfmiddlewaretoken"] = token
    response = client.post(url(application, action), data)
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.full_name == "李华"
    assert application.stage in ("new", "withdrawn")
    assert Application.objects.filter(pk=application.pk).exists()


def test_changes_from_one_client_are_rate_limited(client, application, settings):
    settings.STATUS_RATE_LIMIT = 2
    for _ in range(2):
        assert client.post(url(application, "delete"), {}).status_code == 302
    response = client.post(url(application, "withdraw"))
    assert response.status_code == 429
    assert "Retry-After" in response
    application.refresh_from_db()
    assert application.stage == "new"


def test_a_decoy_of_the_honeypot_pretends_and_saves_nothing(client, lab):
    response = submit(client, lab, website="http://spam.example")
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert client.get(f"/en/apply/status/{token}/").status_code == 200
    withdrawn = client.post(f"/en/apply/status/{token}/withdraw/")
    assert withdrawn.status_code == 302
    assert not Application.objects.exists()
    assert not StageChange.objects.exists()


def test_an_unknown_token_is_not_found_for_every_action(client, db):
    for action in ["correct", "cv", "withdraw", "delete", "email/x:y:z"]:
        assert client.get(f"/en/apply/status/{'x' * 32}/{action}/").status_code == 404
        assert client.post(f"/en/apply/status/{'x' * 32}/{action}/").status_code == 404


def test_an_unconfirmed_new_cv_is_purged_and_earlier_cvs_are_kept(client, application, cv_storage):
    import os

    from django.core.management import call_command

    application.move_to(Application.Stage.SCREENING)
    confirmed = send_cv(client, application)
    client.post(url(application, "cv"), {"upload": confirmed.context["upload"], "confirm": "1"})
    abandoned = send_cv(client, application, content=PDF)
    abandoned_name = applicant.signing.loads(
        abandoned.context["upload"], salt=applicant.NEW_CV_SALT
    )["name"]
    application.refresh_from_db()
    earlier = application.previous_cvs.get().file.name
    two_hours_ago = (datetime.datetime.now() - datetime.timedelta(hours=2)).timestamp()
    for name in stored_files(cv_storage):
        os.utime(cv_storage.path(name), (two_hours_ago, two_hours_ago))

    call_command("purge_applications", stdout=open(os.devnull, "w"))
    assert stored_files(cv_storage) == sorted([application.cv.name, earlier])
    assert not cv_storage.exists(abandoned_name)


def test_withdrawing_twice_records_and_e_mails_once(client, application, run_worker):
    client.post(url(application, "withdraw"))
    again = client.post(url(application, "withdraw"), follow=True)
    assert "can no longer be withdrawn" in follow_messages(again)[-1]
    assert application.stage_changes.count() == 1
    assert len(run_worker()) == 1


def test_deleting_twice_finds_nothing_the_second_time(client, application, run_worker):
    client.post(url(application, "withdraw"))
    client.post(url(application, "delete"), {"understood": "on"})
    assert client.post(url(application, "delete"), {"understood": "on"}).status_code == 404
    assert Message.objects.filter(kind=Message.Kind.DELETED).count() == 1
