"""
Logs are JSON lines on stdout and never hold applicant data: an application is known in
the logs by its id only. Checked for Django's loggers around submissions and for
gunicorn's access log.
"""

import importlib
import json
import logging

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from recruiting.logs import redact_path
from recruiting.models import Application
from tests.servers import manage, production_env, running
from tests.submissions import EVIDENCE, PDF, STATEMENT, seeded_form_data

APPLICANT = {
    "email": "li.ming.private@example.org",
    "full_name": "李明明",
    "phone": "+86 138 0013 8000",
    "wechat": "liming-wechat-id",
    "statement": STATEMENT,
}


def json_formatter():
    options = dict(django_settings.LOGGING["formatters"]["json"])
    factory = options.pop("()")
    module, name = factory.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(**options)


def logged_lines(caplog):
    formatter = json_formatter()
    return [formatter.format(record) for record in caplog.records]


def assert_no_applicant_data(lines):
    text = "\n".join(lines)
    for value in [*APPLICANT.values(), EVIDENCE]:
        assert value not in text
        assert json.dumps(value)[1:-1] not in text  # as JSON escapes it


def submit(client, path="/en/apply/", **overrides):
    data = seeded_form_data(**{**APPLICANT, **overrides})
    data["cv"] = SimpleUploadedFile("my-cv.pdf", PDF, content_type="application/pdf")
    return client.post(path, data)


def test_a_submission_is_logged_by_its_application_id_only(
    client, seeded, cv_storage, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client)

    assert response.status_code == 302
    application = Application.objects.get()
    lines = logged_lines(caplog)
    received = [json.loads(line) for line in lines if "application received" in line]
    assert received and received[0]["application_id"] == application.pk
    assert_no_applicant_data(lines)
    assert application.token not in "\n".join(lines)


def test_a_refused_submission_logs_no_applicant_data(client, seeded, cv_storage, caplog):
    caplog.set_level(logging.DEBUG)

    response = submit(client, criteria=0)

    assert response.status_code == 422
    assert_no_applicant_data(logged_lines(caplog))


@pytest.mark.django_db(transaction=True)
def test_a_submission_lost_to_a_database_outage_logs_no_applicant_data(
    client, seeded, cv_storage, caplog
):
    caplog.set_level(logging.DEBUG)

    def outage(execute, sql, params, many, context):
        if 'INTO "recruiting_application"' in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(outage):
        response = submit(client)

    assert response.status_code == 503
    lines = logged_lines(caplog)
    assert any("The database is unavailable" in line for line in lines)
    assert_no_applicant_data(lines)


# --- gunicorn's access log ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/apply/status/AbC-123_xyz/", "/apply/status/…/"),
        ("/en/apply/thanks/AbC-123_xyz/", "/en/apply/thanks/…/"),
        ("/en/apply/", "/en/apply/"),
        ("/", "/"),
    ],
)
def test_logs_hide_the_tokens_in_status_and_thank_you_urls(path, logged):
    assert redact_path(path) == logged


@pytest.mark.slow
def test_gunicorns_access_log_is_json_without_query_strings_or_tokens(tmp_path):
    env = production_env(tmp_path)
    manage("migrate", "--noinput", env=env)
    manage("collectstatic", "--noinput", env=env)
    token = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3"

    with running(8406, env) as server:
        server.get(f"/apply/status/{token}/")
        server.get("/en/apply/?email=li.ming.private%40example.org")
        log = server.log()

    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    access = [entry for entry in entries if entry.get("logger") == "gunicorn.access"]
    assert {"method", "path", "status", "duration_ms", "pid"} <= set(access[-1])
    assert {"path": "/apply/status/…/", "status": 404} in [
        {"path": entry["path"], "status": entry["status"]} for entry in access
    ]
    assert token not in log
    assert "li.ming.private" not in log
