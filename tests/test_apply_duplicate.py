"""One application per e-mail address and position while it is under consideration."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.utils import ErrorDict
from django.test.utils import CaptureQueriesContext

from recruiting.forms import ApplicationForm
from recruiting.models import Application
from recruiting.submissions import submit_application
from recruiting.tasks import send_status_links
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


def many_applications(lab, how_many):
    """Applications from as many addresses, over two positions, as statistics the planner reads."""
    template = ApplicationFactory.build(position=lab.ra, cv="2026/01/cv.pdf")
    fields = {f.attname: getattr(template, f.attname) for f in Application._meta.concrete_fields}
    del fields["id"], fields["token"]
    Application.objects.bulk_create(
        Application(
            **{
                **fields,
                "email": f"Applicant.{i}@Example.edu.cn",
                "position_id": (lab.ra, lab.intern)[i % 2].pk,
            }
        )
        for i in range(how_many)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE recruiting_application")


def plan_of_application_queries(run):
    """The PostgreSQL plans of the queries on applications that run() makes."""
    with CaptureQueriesContext(connection) as queries:
        run()
    plans = []
    with connection.cursor() as cursor:
        for query in queries:
            if query["sql"].startswith("SELECT") and "recruiting_application" in query["sql"]:
                cursor.execute("EXPLAIN " + query["sql"])
                plans.append("\n".join(line for (line,) in cursor.fetchall()))
    assert plans
    return plans


def check_of_form(lab, email):
    form = ApplicationForm()
    form.cleaned_data = {"email": email, "position": lab.ra}
    form._errors = ErrorDict()
    return form.refuse_if_duplicate


def check_of_status_link(lab, email):
    return lambda: send_status_links.call(email, lab.ra.slug, "https://lab.example")


def check_of_reopening(lab, email):
    application = Application.objects.get(email="Applicant.0@Example.edu.cn")
    application.email = email

    def refused():
        try:
            application.check_can_move_to(Application.Stage.NEW)
        except ValidationError:
            return True
        return False

    return refused


@pytest.mark.postgres
@pytest.mark.parametrize("check", [check_of_form, check_of_status_link, check_of_reopening])
def test_lookups_by_email_read_the_lower_case_index_on_postgresql(lab, check):
    """
    The form's duplicate check, the status-link re-send and reopening look the address
    up by LOWER(email): the open-application constraint's index, or for the re-send, which
    finds closed applications too, application_email_lower_idx. No scan of the table.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    many_applications(lab, 3000)
    index = (
        "application_email_lower_idx"
        if check is check_of_status_link
        else "one_open_application_per_email_and_position"
    )
    for plan in plan_of_application_queries(check(lab, "APPLICANT.1234@example.EDU.CN")):
        assert index in plan, plan
        assert "lower((email)::text)" in plan, plan
        assert "Seq Scan on recruiting_application" not in plan, plan


def test_a_duplicate_differing_only_in_case_is_found_by_each_lookup(lab):
    many_applications(lab, 10)
    assert check_of_form(lab, "APPLICANT.4@example.EDU.CN")() is True
    assert check_of_form(lab, "applicant.5@example.edu.cn")() is False  # the other position
    assert check_of_reopening(lab, "applicant.6@EXAMPLE.edu.cn")() is True
