"""The pipeline: bulk stage moves with history, and the explicit rejection notice."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from recruiting.models import Application, StageChange
from tests.admin_factories import make_application, make_staff

URL = reverse("admin:recruiting_application_changelist")
Stage = Application.Stage


@pytest.fixture
def reviewer(roles):
    return make_staff("reviewer", groups=["reviewers"])


@pytest.fixture
def staff_client(client, reviewer):
    client.force_login(reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def run_action(client, action, applications):
    return client.post(
        URL,
        {"action": action, "_selected_action": [a.pk for a in applications]},
        follow=True,
    )


@pytest.mark.django_db
def test_there_is_a_move_action_for_every_stage(staff_client):
    make_application()
    html = staff_client.get(URL).content.decode()
    for value, label in Stage.choices:
        assert f'<option value="move_to_{value}">Move to “{label}”</option>' in html


@pytest.mark.django_db
def test_bulk_move_changes_the_stage_and_records_history_for_each(staff_client, reviewer):
    first, second, untouched = make_application(), make_application(), make_application()
    response = run_action(staff_client, "move_to_screening", [first, second])
    assert "2 applications moved to “Screening”." in response.content.decode()
    assert sorted(Application.objects.values_list("pk", "stage")) == [
        (first.pk, "screening"),
        (second.pk, "screening"),
        (untouched.pk, "new"),
    ]
    history = StageChange.objects.order_by("application_id")
    assert [(c.application_id, c.from_stage, c.to_stage, c.changed_by) for c in history] == [
        (first.pk, "new", "screening", reviewer),
        (second.pk, "new", "screening", reviewer),
    ]


@pytest.mark.django_db
def test_moving_to_the_stage_it_is_in_records_nothing(staff_client):
    application = make_application(stage=Stage.INTERVIEW)
    response = run_action(staff_client, "move_to_interview", [application])
    assert "0 applications moved" in response.content.decode()
    assert not StageChange.objects.exists()


@pytest.mark.django_db
def test_entering_an_ended_stage_sets_ended_at_and_leaving_it_clears_it(staff_client):
    application = make_application()
    run_action(staff_client, "move_to_rejected", [application])
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    assert application.ended_at is not None
    run_action(staff_client, "move_to_interview", [application])
    application.refresh_from_db()
    assert application.ended_at is None
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [
        ("new", "rejected"),
        ("rejected", "interview"),
    ]


@pytest.mark.django_db
def test_history_shows_on_the_application_after_a_bulk_move(staff_client):
    application = make_application()
    run_action(staff_client, "move_to_screening", [application])
    run_action(staff_client, "move_to_offer", [application])
    url = reverse("admin:recruiting_application_change", args=[application.pk])
    history = staff_client.get(url).content.decode().split("Stage history", 1)[1]
    assert history.index("Screening") < history.index("Offer")
    assert history.count("reviewer") >= 2


@pytest.mark.django_db
def test_moving_to_rejected_sends_no_email(staff_client):
    application = make_application()
    run_action(staff_client, "move_to_rejected", [application])
    assert mail.outbox == []


@pytest.mark.django_db
def test_rejection_notice_goes_only_to_rejected_applicants_when_asked(staff_client):
    rejected = make_application(stage=Stage.REJECTED, email="rejected@example.com")
    interviewing = make_application(stage=Stage.INTERVIEW, email="interview@example.com")
    response = run_action(staff_client, "notify_rejected", [rejected, interviewing])
    html = response.content.decode()
    assert [m.to for m in mail.outbox] == [["rejected@example.com"]]
    assert "Rejection notice e-mailed to 1 applicant." in html
    assert "1 application is not in the rejected stage: nothing was sent." in html
    assert LogEntry.objects.filter(object_id=str(rejected.pk)).exists()


@pytest.mark.django_db
def test_reopening_while_the_same_person_has_another_open_application_is_refused(
    staff_client,
):
    """One open application per person and position: reopening the old one would break it."""
    old = make_application(email="same@example.com")
    old.move_to(Stage.WITHDRAWN)
    make_application(email="Same@example.com", position=old.position)

    response = run_action(staff_client, "move_to_screening", [old])
    assert "has another application for this position under consideration" in (
        response.content.decode()
    )
    old.refresh_from_db()
    assert old.stage == Stage.WITHDRAWN

    change_url = reverse("admin:recruiting_application_change", args=[old.pk])
    response = staff_client.post(change_url, {"stage": "screening"})
    assert response.status_code == 200  # the form again, with the error: not a 500
    assert "has another application for this position under consideration" in (
        response.content.decode()
    )
    old.refresh_from_db()
    assert old.stage == Stage.WITHDRAWN
