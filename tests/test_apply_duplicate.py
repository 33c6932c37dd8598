"""One application per e-mail address and position while it is under consideration."""

import pytest
from django.test import override_settings

from recruiting.forms import ApplicationForm
from recruiting.models import Application, Message
from tests.factories import (
    application_data,
    errors_of,
    make_application,
    stored_files,
    submit,
)

pytestmark = pytest.mark.usefixtures("cv_storage")


@pytest.fixture
def earlier(lab):
    return make_application(lab, email="Li.Hua@Example.edu.cn", language="zh-hans")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/apply/", "你已用此邮箱申请过该职位，且该申请仍在审核中，因此不能重复申请。"),
        (
            "/en/apply/",
            "You have already applied for this position with this e-mail address, and that application is still under consideration",
        ),
    ],
)
def test_a_second_application_for_the_same_position_is_refused(client, lab, earlier, url, message):
    response = submit(client, lab, url)  # li.hua@example.edu.cn: the same, in other case
    assert response.status_code == 422
    assert errors_of(response, "email") == ["duplicate"]
    html = response.content.decode()
    assert message in html
    assert Application.objects.count() == 1


def test_the_refusal_offers_to_send_the_status_link_but_never_shows_it(client, lab, earlier):
    html = submit(client, lab).content.decode()
    assert 'name="resend_status_link"' in html
    assert "E-mail me the status link again" in html
    assert earlier.token not in html


def test_an_application_whose_process_ended_does_not_block_a_new_one(client, lab, earlier):
    earlier.move_to(Application.Stage.REJECTED)
    assert submit(client, lab).status_code == 302
    assert Application.objects.count() == 2


def test_the_same_address_may_apply_for_another_position(client, lab, earlier):
    assert submit(client, lab, position="intern").status_code == 302


def test_asking_again_for_the_status_link_e_mails_it_to_the_address_applied_with(
    client, lab, earlier, mailoutbox, run_worker
):
    data = application_data(lab, resend_status_link="1", cv=None)
    response = client.post("/en/apply/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Check your e-mail" in html
    assert "we will send the link to its status page to that address" in html
    assert earlier.token not in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert mailoutbox == [], "the worker sends it, not the request"
    [mail] = run_worker()
    assert mail.to == ["Li.Hua@Example.edu.cn"]  # the stored address, not the typed one
    assert mail.subject == "你的申请状态页面：研究助理（RA）"  # the language applied in
    assert f"http://testserver/apply/status/{earlier.token}/" in mail.body
    assert Application.objects.count() == 1


def test_asking_for_a_status_link_that_does_not_exist_sends_nothing_and_says_the_same(
    client, lab, run_worker
):
    data = application_data(lab, resend_status_link="1", email="nobody@example.com", cv=None)
    response = client.post("/en/apply/", data)
    assert response.status_code == 200
    assert "Check your e-mail" in response.content.decode()
    assert run_worker() == []
    assert not Message.objects.exists()


def test_the_status_link_request_does_the_same_work_whether_or_not_the_address_applied(
    client, lab, earlier, django_assert_num_queries
):
    """No who-applied oracle: the same statements, the same page, applied or not."""
    answers = []
    for email in ["li.hua@example.edu.cn", "nobody@example.com"]:
        data = application_data(lab, resend_status_link="1", email=email, cv=None)
        with django_assert_num_queries(1) as captured:  # the task, for the worker
            response = client.post("/en/apply/", data)
        answers.append(
            (
                response.status_code,
                response.content.decode().replace(email, "ADDRESS"),
                [query["sql"].split(" ", 3)[:3] for query in captured.captured_queries],
            )
        )
    assert answers[0] == answers[1]
    assert not Message.objects.exists(), "the request queues no e-mail itself"


def test_no_link_is_sent_for_an_application_that_ended(client, lab, earlier, run_worker):
    earlier.move_to(Application.Stage.WITHDRAWN)
    client.post("/en/apply/", application_data(lab, resend_status_link="1", cv=None))
    assert run_worker() == []


def test_a_malformed_request_for_the_status_link_is_a_bad_request(client, lab, mailoutbox):
    response = client.post("/en/apply/", {"resend_status_link": "1", "email": "x"})
    assert response.status_code == 400
    assert mailoutbox == []


@override_settings(APPLY_RATE_LIMIT=2)
def test_the_status_link_is_sent_to_one_address_a_limited_number_of_times(
    client, lab, earlier, run_worker
):
    data = application_data(lab, resend_status_link="1", cv=None)
    for n in range(4):  # from four different networks
        client.post("/en/apply/", data, REMOTE_ADDR=f"198.51.100.{n + 1}")
    assert len(run_worker()) == 2


def test_two_submissions_at_once_cannot_both_be_saved(lab, cv_storage, rf):
    """The form's check passed for both; the database's constraint stops the second."""
    data = application_data(lab)
    files = {"cv": data.pop("cv")}
    form = ApplicationForm(data, files)
    assert form.is_valid(), form.errors
    make_application(lab, email="LI.HUA@example.edu.cn")  # the other one, committed first
    assert form.save(language="en", origin="") is None
    assert errors_of_form(form) == ["duplicate"]
    assert Application.objects.count() == 1
    assert stored_files(cv_storage) == []


def errors_of_form(form):
    return [error.code for error in form.errors.as_data()["email"]]
