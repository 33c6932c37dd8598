"""
Faults in the middle of an applicant's change on the status page: a database that goes
away, a storage that fails to delete a file once the change is committed. A change is
made whole or not at all, and a committed one is never reported as failed.
"""

import pytest
from django.core.files.storage import FileSystemStorage

from recruiting.models import Application, Message, PreviousCV, StageChange
from tests import pdfs
from tests.factories import stored_files
from tests.submissions import PDF, pdf_upload, submit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def application(client, lab):
    assert submit(client, lab).status_code == 302
    return Application.objects.get()


def url(application, action):
    return f"/en/apply/status/{application.token}/{action}/"


@pytest.mark.parametrize(
    "needle",
    ['INSERT INTO "recruiting_stagechange"', 'INSERT INTO "recruiting_message"'],
    ids=["at-the-history", "at-the-e-mail"],
)
def test_a_withdrawal_that_loses_the_database_changes_nothing_and_answers_503(
    client, application, database_goes_away, needle
):
    messages_before = Message.objects.count()
    with database_goes_away(needle) as outage:
        response = client.post(url(application, "withdraw"))
    assert outage.gone
    assert response.status_code == 503
    application.refresh_from_db()
    assert application.stage == "new"
    assert not StageChange.objects.exists()
    assert Message.objects.count() == messages_before


def test_a_deletion_that_loses_the_database_keeps_the_application_and_its_files(
    client, application, cv_storage, database_goes_away
):
    application.move_to(Application.Stage.WITHDRAWN)
    files = stored_files(cv_storage)
    with database_goes_away('DELETE FROM "recruiting_application"') as outage:
        response = client.post(url(application, "delete"), {"understood": "on"})
    assert outage.gone
    assert response.status_code == 503
    assert Application.objects.filter(pk=application.pk).exists()
    assert stored_files(cv_storage) == files
    assert client.get(f"/en/apply/status/{application.token}/").status_code == 200


def test_a_new_cv_that_loses_the_database_keeps_the_old_one(
    client, application, cv_storage, database_goes_away
):
    application.move_to(Application.Stage.SCREENING)
    old_name = application.cv.name
    page = client.post(url(application, "cv"), {"cv": pdf_upload("new.pdf", pdfs.cv())})
    with database_goes_away('INSERT INTO "recruiting_previouscv"') as outage:
        response = client.post(
            url(application, "cv"), {"upload": page.context["upload"], "confirm": "1"}
        )
    assert outage.gone
    assert response.status_code == 503
    application.refresh_from_db()
    assert application.cv.name == old_name
    assert application.cv.read() == PDF
    assert not PreviousCV.objects.exists()
    # The unconfirmed upload is a file without an application: purge_applications' to delete.
    assert len(stored_files(cv_storage)) == 2


def test_a_deletion_is_reported_done_even_if_the_storage_fails_to_delete_the_file(
    client, application, cv_storage, monkeypatch, caplog
):
    application.move_to(Application.Stage.WITHDRAWN)

    def refuse(self, name):
        raise OSError("read-only file system")

    monkeypatch.setattr(FileSystemStorage, "delete", refuse)
    response = client.post(url(application, "delete"), {"understood": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/en/apply/deleted/"
    assert not Application.objects.exists()
    assert client.get(f"/en/apply/status/{application.token}/").status_code == 404
    # The file stays until purge_applications sweeps it as a file without an application.
    assert len(stored_files(cv_storage)) == 1
    assert any("read-only file system" in str(record.exc_info) for record in caplog.records)
