"""
How a submission is read and saved (views.apply, uploads.py, submissions.py): the CV
upload handler reads the body before the CSRF check does, and an application once
committed is never reported as failed.
"""

import logging

import pytest
from django.db import transaction
from django.test import Client, override_settings

from recruiting import emails
from recruiting.models import Application, Message
from tests.factories import stored_files
from tests.submissions import PDF, application_data, pdf_upload, submit


@override_settings(CV_MAX_BYTES=4096)
def test_with_the_csrf_check_a_cv_over_the_limit_is_dropped_while_it_is_read(lab, cv_storage):
    client = Client(enforce_csrf_checks=True)
    token = client.get("/en/apply/").context["csrf_token"]
    big = pdf_upload("cv.pdf", PDF + b"0" * 5000)
    data = {**application_data(lab, cv=big), "csrfmiddlewaretoken": token}
    response = client.post("/en/apply/", data)
    assert response.status_code == 422
    form = response.context["form"]
    assert form.cv_too_large, "dropped by the upload handler, not read whole and refused"
    assert [error.code for error in form.errors.as_data()["cv"]] == ["too_large"]
    assert 'value="li.hua@example.edu.cn"' in response.content.decode()
    assert stored_files(cv_storage) == []


@pytest.mark.django_db(transaction=True)
def test_an_error_after_the_commit_still_thanks_the_applicant_and_is_logged(
    client, lab, cv_storage, monkeypatch, caplog
):
    def another_apps_hook():
        raise RuntimeError("a hook that runs after ours")

    queue = emails.queue_application_emails

    def queue_then_hook(application, origin):
        queue(application, origin)
        transaction.on_commit(another_apps_hook)

    monkeypatch.setattr(emails, "queue_application_emails", queue_then_hook)
    with caplog.at_level(logging.ERROR):
        response = submit(client, lab)

    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/en/apply/thanks/{application.token}/"
    assert stored_files(cv_storage) == [application.cv.name]
    assert Message.objects.filter(application=application).exists()
    [record] = [r for r in caplog.records if "after the application was committed" in r.msg]
    assert record.application_id == application.pk
