"""
The pipeline: stage moves, confirmed first, with history; the stage's e-mail to the
applicant, shown before it goes, never sent twice unless staff ask.
"""

import pytest
from django.urls import reverse

from recruiting.models import Application, Message, StageChange
from tests.factories import ApplicationFactory

URL = reverse("admin:recruiting_application_changelist")
Stage = Application.Stage


def run_action(client, action, applications, **confirmation):
    """
    Pick the action, then confirm it on the page that follows (as staff click), and on
    the second one that an ended stage asks.
    """
    data = {"action": action, "_selected_action": [a.pk for a in applications]}
    return client.post(
        URL, {**data, "post": "yes", "end_confirmed": "yes", **confirmation}, follow=True
    )


@pytest.mark.django_db
def test_there_is_a_move_action_for_every_stage(reviewer_client):
    ApplicationFactory()
    html = reviewer_client.get(URL).content.decode()
    for value, label in Stage.choices:
        assert f'<option value="move_to_{value}">Move to “{label}”</option>' in html


@pytest.mark.django_db
def test_bulk_move_changes_the_stage_and_records_history_for_each(reviewer_client, reviewer):
    first, second, untouched = ApplicationFactory.create_batch(3)
    response = run_action(reviewer_client, "move_to_screening", [first, second])
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
def test_moving_to_the_stage_it_is_in_records_nothing(reviewer_client):
    application = ApplicationFactory(stage=Stage.INTERVIEW)
    response = run_action(reviewer_client, "move_to_interview", [application])
    assert "0 applications moved" in response.content.decode()
    assert not StageChange.objects.exists()


@pytest.mark.django_db
def test_entering_an_ended_stage_sets_ended_at_and_leaving_it_clears_it(reviewer_client):
    application = ApplicationFactory()
    run_action(reviewer_client, "move_to_rejected", [application])
    application.refresh_from_db()
    assert application.stage == Stage.REJECTED
    assert application.ended_at is not None
    run_action(reviewer_client, "move_to_interview", [application])
    application.refresh_from_db()
    assert application.ended_at is None
    assert list(StageChange.objects.values_list("from_stage", "to_stage")) == [
        ("new", "rejected"),
        ("rejected", "interview"),
    ]


@pytest.mark.django_db
def test_history_shows_on_the_application_after_a_bulk_move(reviewer_client):
    application = ApplicationFactory()
    run_action(reviewer_client, "move_to_screening", [application])
    run_action(reviewer_client, "move_to_offer", [application])
    url = reverse("admin:recruiting_application_change", args=[application.pk])
    history = reviewer_client.get(url).content.decode().split("Timeline", 1)[1]
    assert history.index("New → Screening") < history.index("Screening → Offer")
    assert history.count("reviewer") >= 2


@pytest.mark.django_db
def test_a_bulk_move_stops_at_a_confirmation_page_until_confirmed(reviewer_client):
    first, second = ApplicationFactory(full_name="Ada"), ApplicationFactory(full_name="Bo")
    data = {"action": "move_to_screening", "_selected_action": [first.pk, second.pk]}
    response = reviewer_client.post(URL, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Move 2 applications to “Screening”?" in html
    assert "Ada" in html and "Bo" in html
    assert set(Application.objects.values_list("stage", flat=True)) == {"new"}
    assert not StageChange.objects.exists()


@pytest.mark.django_db
def test_moving_to_a_stage_without_a_template_sends_no_email(reviewer_client, run_worker):
    application = ApplicationFactory()
    run_action(reviewer_client, "move_to_screening", [application], send_message="on")
    assert not Message.objects.exists()
    assert run_worker() == []


@pytest.mark.django_db
def test_reopening_while_the_same_person_has_another_open_application_is_refused(
    reviewer_client,
):
    """One open application per person and position: reopening the old one would break it."""
    old = ApplicationFactory(email="same@example.com")
    old.move_to(Stage.WITHDRAWN)
    ApplicationFactory(email="Same@example.com", position=old.position)

    response = run_action(reviewer_client, "move_to_screening", [old])
    assert "has another application for this position under consideration" in (
        response.content.decode()
    )
    old.refresh_from_db()
    assert old.stage == Stage.WITHDRAWN

    change_url = reverse("admin:recruiting_application_change", args=[old.pk])
    response = reviewer_client.post(change_url, {"stage": "screening"})
    assert response.status_code == 200  # the form again, with the error: not a 500
    assert "has another application for this position under consideration" in (
        response.content.decode()
    )
    old.refresh_from_db()
    assert old.stage == Stage.WITHDRAWN
