"""The two staff roles: reviewers handle applications, editors edit the page's content."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from recruiting.content import CONTENT_MODELS
from tests.factories import ApplicationFactory, RequirementFactory

APPLICATION_PAGES = [
    "admin:recruiting_application_changelist",
    "admin:recruiting_application_dashboard",
]


def permissions(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


@pytest.mark.django_db
def test_setup_roles_creates_both_groups_and_is_safe_to_run_again(capsys):
    call_command("setup_roles")
    before = {name: permissions(name) for name in ("reviewers", "editors")}
    reviewers = Group.objects.get(name="reviewers")
    reviewers.permissions.clear()  # someone fiddled with it
    call_command("setup_roles")
    assert Group.objects.filter(name__in=["reviewers", "editors"]).count() == 2
    assert Group.objects.count() == 2
    assert {name: permissions(name) for name in ("reviewers", "editors")} == before
    assert "Updated group 'reviewers'." in capsys.readouterr().out


@pytest.mark.django_db
def test_reviewers_see_review_move_and_export_applications(roles):
    assert permissions("reviewers") == {
        "view_application",
        "change_application",
        "export_application",
        "view_review",
        "add_review",
        "change_review",
        "view_claim",
        "view_stagechange",
        "view_message",
        "change_message",
        "view_messagetemplate",
    }


@pytest.mark.django_db
def test_editors_edit_every_content_model_and_nothing_about_applications(roles):
    models = [*(model._meta.model_name for model in CONTENT_MODELS), "messagetemplate"]
    expected = {f"{a}_{m}" for m in models for a in ("add", "change", "delete", "view")}
    assert permissions("editors") == expected
    assert not any(
        codename.endswith(f"_{model}")
        for codename in permissions("editors")
        for model in ("application", "claim", "review", "stagechange", "message")
    )


@pytest.mark.django_db
def test_an_editor_cannot_read_the_outbox(editor_client):
    assert editor_client.get(reverse("admin:recruiting_message_changelist")).status_code == 403
    assert (
        editor_client.get(reverse("admin:recruiting_messagetemplate_changelist")).status_code
        == 200
    )


@pytest.mark.django_db
@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda model: model.__name__)
def test_a_reviewer_cannot_open_a_content_models_admin(reviewer_client, model):
    name = model._meta.model_name
    assert reviewer_client.get(reverse(f"admin:recruiting_{name}_changelist")).status_code == 403
    assert reviewer_client.get(reverse(f"admin:recruiting_{name}_add")).status_code == 403


@pytest.mark.django_db
def test_a_reviewer_cannot_change_a_requirement(reviewer_client):
    requirement = RequirementFactory(short_title_zh_hans="论文")
    url = reverse("admin:recruiting_requirement_change", args=[requirement.pk])
    assert reviewer_client.get(url).status_code == 403
    assert reviewer_client.post(url, {"short_title_zh_hans": "changed"}).status_code == 403
    requirement.refresh_from_db()
    assert requirement.short_title_zh_hans == "论文"


@pytest.mark.django_db
def test_a_reviewer_opens_the_applications(reviewer_client):
    application = ApplicationFactory()
    for name in APPLICATION_PAGES:
        assert reviewer_client.get(reverse(name)).status_code == 200
    url = reverse("admin:recruiting_application_change", args=[application.pk])
    assert reviewer_client.get(url).status_code == 200


@pytest.mark.django_db
def test_an_editor_cannot_see_applications_or_cvs(editor_client):
    application = ApplicationFactory()
    for name in APPLICATION_PAGES:
        assert editor_client.get(reverse(name)).status_code == 403
    for name in ["change", "cv", "history", "delete"]:
        url = reverse(f"admin:recruiting_application_{name}", args=[application.pk])
        assert editor_client.get(url).status_code == 403, name
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:recruiting_application_changelist") not in html
    assert reverse("admin:recruiting_requirement_changelist") in html
