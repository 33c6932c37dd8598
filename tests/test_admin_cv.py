"""The CV: streamed to permitted staff only, as an attachment; deleted with its application."""

import pytest
from django.conf import settings
from django.urls import reverse

from recruiting.models import Application
from tests.factories import ApplicationFactory, StaffFactory
from tests.submissions import PDF


def cv_url(application):
    return reverse("admin:recruiting_application_cv", args=[application.pk])


@pytest.fixture
def application(db):
    return ApplicationFactory()


@pytest.mark.django_db
def test_a_reviewer_downloads_the_cv_as_an_attachment(reviewer_client, application):
    response = reviewer_client.get(cv_url(application))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="cv-{application.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control


@pytest.mark.django_db
def test_a_superuser_downloads_the_cv(client, application):
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(cv_url(application)).status_code == 200


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_the_admin_login(client, application):
    response = client.get(cv_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_logged_in_user_who_is_not_staff_is_sent_to_the_admin_login(client, roles, application):
    client.force_login(StaffFactory(groups=["reviewers"], is_staff=False))
    response = client.get(cv_url(application))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_staff_without_permission_to_view_applications_get_403(client, application):
    client.force_login(StaffFactory())
    assert client.get(cv_url(application)).status_code == 403


@pytest.mark.django_db
def test_an_editor_cannot_download_a_cv(editor_client, application):
    assert editor_client.get(cv_url(application)).status_code == 403


@pytest.mark.django_db
def test_an_unknown_application_is_404(reviewer_client):
    assert (
        reviewer_client.get(reverse("admin:recruiting_application_cv", args=[999])).status_code
        == 404
    )


@pytest.mark.django_db
def test_the_file_has_no_url_outside_the_cv_view(reviewer_client, application):
    stored_name = application.cv.name
    for url in [
        reverse("admin:recruiting_application_changelist"),
        reverse("admin:recruiting_application_change", args=[application.pk]),
    ]:
        html = reviewer_client.get(url).content.decode()
        assert cv_url(application) in html
        assert stored_name not in html
        assert stored_name.rsplit("/", 1)[-1] not in html
    assert settings.MEDIA_URL is None
    assert reviewer_client.get("/media/cvs/" + stored_name).status_code == 404


@pytest.mark.django_db
def test_deleting_an_application_in_the_admin_deletes_its_cv(
    client, application, cv_storage, django_capture_on_commit_callbacks
):
    client.force_login(StaffFactory(is_superuser=True))
    name = application.cv.name
    assert cv_storage.exists(name)
    url = reverse("admin:recruiting_application_delete", args=[application.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not cv_storage.exists(name)


@pytest.mark.django_db
def test_deleting_applications_in_bulk_deletes_their_cvs(
    client, cv_storage, django_capture_on_commit_callbacks
):
    applications = ApplicationFactory.create_batch(2)
    names = [a.cv.name for a in applications]
    client.force_login(StaffFactory(is_superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:recruiting_application_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [a.pk for a in applications],
                "post": "yes",
            },
        )
    assert not Application.objects.exists()
    assert not any(cv_storage.exists(name) for name in names)


@pytest.mark.django_db
def test_a_reviewer_cannot_delete_an_application(reviewer_client, application):
    url = reverse("admin:recruiting_application_delete", args=[application.pk])
    assert reviewer_client.post(url, {"post": "yes"}).status_code == 403
    assert Application.objects.exists()
