"""One application per e-mail address and position while it is under consideration."""

import pytest

from recruiting.forms import ApplicationForm
from recruiting.models import Application
from recruiting.submissions import submit_application
from tests.factories import ApplicationFactory, stored_files
from tests.submissions import application_data, errors_of, submit


@pytest.fixture
def earlier(lab):
    return ApplicationFactory(position=lab.ra, email="Li.Hua@Example.edu.cn", language="zh-hans")


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


@pytest.mark.parametrize(
    ("prefix", "button_text"),
    [("", "重新发送状态页面链接"), ("/en", "E-mail me the status link again")],
)
def test_the_refusal_offers_to_send_the_status_link_but_never_shows_it(
    client, lab, earlier, prefix, button_text
):
    html = submit(client, lab, f"{prefix}/apply/").content.decode()
    assert button_text in html
    # The button sends the form's e-mail and position to the re-send address, without
    # the CV file (urlencoded) and past the browser's checks of the other fields.
    button = html[html.index("<button", html.index("resend-status-link")) :]
    button = button[: button.index(">")]
    assert f'formaction="{prefix}/apply/status-link/"' in button
    assert 'formenctype="application/x-www-form-urlencoded"' in button
    assert "formnovalidate" in button
    assert earlier.token not in html


def test_an_application_whose_process_ended_does_not_block_a_new_one(client, lab, earlier):
    earlier.move_to(Application.Stage.REJECTED)
    assert submit(client, lab).status_code == 302
    assert Application.objects.count() == 2


def test_the_same_address_may_apply_for_another_position(client, lab, earlier):
    assert submit(client, lab, position="intern").status_code == 302


def test_two_submissions_at_once_cannot_both_be_saved(lab, cv_storage):
    """The form's check passed for both; the database's constraint stops the second."""
    data = application_data(lab)
    files = {"cv": data.pop("cv")}
    form = ApplicationForm(data, files)
    assert form.is_valid(), form.errors
    other = ApplicationFactory(position=lab.ra, email="LI.HUA@example.edu.cn")  # committed first
    assert submit_application(form, language="en", origin="") is None
    assert [error.code for error in form.errors.as_data()["email"]] == ["duplicate"]
    assert form.is_duplicate
    assert Application.objects.count() == 1
    assert stored_files(cv_storage) == [other.cv.name], "the second CV file is removed"
