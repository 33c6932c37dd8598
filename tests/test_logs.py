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

from recruiting.logs import redact_path
from recruiting.models import Application
from tests.servers import free_port, prepare, production_env, running
from tests.submissions import application_data, submit

APPLICANT = {
    "email": "li.ming.private@example.org",
    "full_name": "李明明",
    "phone": "+86 138 0013 8000",
    "wechat": "liming-wechat-id",
    "statement": "I would like to work on data-centric machine learning with the group.",
}


def json_formatter():
    options = dict(django_settings.LOGGING["formatters"]["json"])
    factory = options.pop("()")
    module, name = factory.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)(**options)


def logged_lines(caplog):
    formatter = json_formatter()
    return [formatter.format(record) for record in caplog.records]


def assert_no_applicant_data(lines, lab):
    text = "\n".join(lines)
    evidence = [v for k, v in application_data(lab).items() if k.startswith("evidence_")]
    for value in [*APPLICANT.values(), *evidence]:
        assert value not in text
        assert json.dumps(value)[1:-1] not in text  # as JSON escapes it


def test_a_submission_is_logged_by_its_application_id_only(
    client, lab, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, lab, **APPLICANT)

    assert response.status_code == 302
    application = Application.objects.get()
    lines = logged_lines(caplog)
    received = [json.loads(line) for line in lines if "application received" in line]
    assert received and received[0]["application_id"] == application.pk
    assert_no_applicant_data(lines, lab)
    assert application.token not in "\n".join(lines)


def test_a_refused_submission_logs_no_applicant_data(client, lab, caplog):
    caplog.set_level(logging.DEBUG)

    response = submit(client, lab, **APPLICANT, criteria=0)

    assert response.status_code == 422
    assert_no_applicant_data(logged_lines(caplog), lab)


@pytest.mark.django_db(transaction=True)
def test_a_submission_lost_to_a_database_outage_logs_no_applicant_data(
    client, lab, caplog, database_goes_away
):
    caplog.set_level(logging.DEBUG)

    with database_goes_away('INTO "recruiting_application"'):
        response = submit(client, lab, **APPLICANT)

    assert response.status_code == 503
    lines = logged_lines(caplog)
    assert any("The database is unavailable" in line for line in lines)
    assert_no_applicant_data(lines, lab)


# --- gunicorn's access log ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/apply/status/AbC-123_xyz/", "/apply/status/…/"),
        ("/en/apply/thanks/AbC-123_xyz/", "/en/apply/thanks/…/"),
        ("/apply/status/AbC-123_xyz/withdraw/", "/apply/status/…/withdraw/"),
        ("/en/apply/status/AbC/email/eyJhIjoxfQ:1t:s1g/", "/en/apply/status/…/email/…/"),
        ("/en/apply/", "/en/apply/"),
        ("/", "/"),
    ],
)
def test_logs_hide_the_tokens_in_status_and_thank_you_urls(path, logged):
    assert redact_path(path) == logged


@pytest.mark.slow
def test_gunicorns_access_log_is_json_without_query_strings_or_tokens(tmp_path):
    env = production_env(tmp_path)
    prepare(env, seed=False)
    token = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NTY3"

    with running(free_port(), env) as server:
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
