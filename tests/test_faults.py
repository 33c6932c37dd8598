"""
Faults around a submission: a mail server that refuses connections, a database that
goes away mid-submit, a gunicorn worker killed while applications are in flight. In
every case an application is either saved whole (row, claims and CV file) or not at all.
"""

import http.client
import logging
import os
import random
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection

from recruiting.models import Application, Claim, Message
from tests import servers, smtp
from tests.submissions import (
    PDF,
    cookies_from,
    csrf_token,
    form_choices,
    form_data,
    multipart,
    pdf_of_size,
    seeded_form_data,
)

KILL_TEST_PORT = 8512


@pytest.fixture
def cv_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cvs"
    folder.mkdir()
    monkeypatch.setattr(Application._meta.get_field("cv"), "storage", FileSystemStorage(folder))
    return folder


def files_in(folder):
    return sorted(path for path in Path(folder).rglob("*") if path.is_file())


def submit(client, data, path="/apply/"):
    return client.post(
        path, {**data, "cv": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")}
    )


# --- The mail server refuses connections ----------------------------------------------------


def test_an_application_is_saved_when_the_mail_server_refuses_connections(
    seeded, client, settings, cv_dir, caplog, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp.HOST
    settings.EMAIL_PORT = smtp.free_port(8606)  # nothing listens: connections are refused
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    settings.LAB_NOTIFY_EMAILS = ["lab@example.org"]

    response = submit(client, seeded_form_data(email="refused@example.org"))

    application = Application.objects.get(email="refused@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/apply/thanks/{application.token}/"
    assert application.claims.count() == 2
    assert files_in(cv_dir) == [cv_dir / application.cv.name]
    # The e-mails wait in the outbox: the request never talked to the mail server.
    assert set(application.messages.values_list("kind", "state")) == {
        (Message.Kind.CONFIRMATION, Message.State.QUEUED),
        (Message.Kind.LAB_NOTIFICATION, Message.State.QUEUED),
    }
    # The applicant still gets the thank-you page with the link to the status page.
    assert client.get(response["Location"]).status_code == 200

    with caplog.at_level(logging.INFO, logger="recruiting"):
        run_worker()

    failures = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(failures) == 2, "each refused try is logged"
    assert all(r.error == "ConnectionRefusedError" for r in failures)
    assert all(getattr(r, "application_id", None) == application.pk for r in failures)
    assert not any("refused@example.org" in str(vars(r)) for r in caplog.records)
    assert set(application.messages.values_list("state", "attempts")) == {
        (Message.State.QUEUED, 1)
    }, "kept for a later try"


# --- The database goes away during a submit ----------------------------------------------


class DatabaseGoesAway:
    """An execute wrapper that fails the first statement matching `needle`, and all after."""

    def __init__(self, needle):
        self.needle = needle
        self.gone = False

    def __call__(self, execute, sql, params, many, context):
        if self.needle in sql:
            self.gone = True
        if self.gone:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.mark.parametrize(
    "needle",
    [
        'INTO "recruiting_application" ',
        'INTO "recruiting_application_directions"',
        'INTO "recruiting_claim"',
        'FROM "recruiting_position"',
    ],
    ids=["at-the-application-row", "at-the-directions", "at-the-claims", "before-the-form"],
)
@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.django_db(transaction=True)
def test_a_submit_that_loses_the_database_saves_nothing_and_answers_503(
    seeded, client, cv_dir, needle, prefix
):
    data = seeded_form_data(email="lost@example.org")
    client.get(f"{prefix}/apply/")
    outage = DatabaseGoesAway(needle)

    with connection.execute_wrapper(outage):
        response = submit(client, data, path=f"{prefix}/apply/")

    assert outage.gone
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert not Application.objects.exists()
    assert not Claim.objects.exists()
    assert files_in(cv_dir) == [], "no CV file without its application"


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_fails_after_the_file_was_written_leaves_no_file(
    seeded, client, cv_dir, monkeypatch
):
    data = seeded_form_data(email="commit@example.org")
    client.get("/apply/")
    real_commit = connection.commit
    failed = []

    def commit():
        if not failed and files_in(cv_dir):  # the CV is written: now the commit fails
            failed.append(True)
            raise OperationalError("server closed the connection unexpectedly")
        return real_commit()

    monkeypatch.setattr(connection, "commit", commit)
    response = submit(client, data)
    monkeypatch.undo()

    assert failed
    assert response.status_code == 503
    assert not Application.objects.exists()
    assert files_in(cv_dir) == []


@pytest.mark.django_db(transaction=True)
def test_after_the_database_comes_back_the_same_application_goes_through(seeded, client, cv_dir):
    data = seeded_form_data(email="retry@example.org")
    with connection.execute_wrapper(DatabaseGoesAway('INSERT INTO "recruiting_claim"')):
        assert submit(client, data).status_code == 503

    response = submit(client, data)

    assert response.status_code == 302
    application = Application.objects.get(email="retry@example.org")
    assert files_in(cv_dir) == [cv_dir / application.cv.name]


# --- A worker killed while submissions are in flight --------------------------------------


def children_of(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def open_sockets(pid):
    """How many sockets a process holds: its listening socket and its connections."""
    count = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            count += os.readlink(fd).startswith("socket:")
        except OSError:
            pass
    return count


class Applicant(threading.Thread):
    """One applicant: GET the form for its CSRF token, then POST it with a CV."""

    def __init__(self, port, number, choices_html, pause):
        super().__init__(daemon=True)
        self.port = port
        self.email = f"applicant-{number}@example.org"
        self.choices_html = choices_html
        self.pause = pause
        self.outcome = None  # ("ok", token) | ("refused", status) | ("failed", error)

    def run(self):
        try:
            self.outcome = self.apply()
        except (OSError, http.client.HTTPException) as error:
            self.outcome = ("failed", type(error).__name__)

    def apply(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            connection.request("GET", "/apply/")
            response = connection.getresponse()
            html = response.read().decode()
            cookies = cookies_from(response.getheaders())
            choices = form_choices(html)
            fields = form_data(
                position=choices["position"][0],
                directions=choices["directions"][:1],
                criteria=choices["criteria"][:2],
                email=self.email,
                csrfmiddlewaretoken=csrf_token(html),
            )
            body, content_type = multipart(
                fields, {"cv": ("cv.pdf", pdf_of_size(100_000), "application/pdf")}
            )
            cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
            # Send the body in two halves with a pause between: the worker is then
            # in the middle of a request when it is killed.
            connection.putrequest("POST", "/apply/")
            connection.putheader("Content-Type", content_type)
            connection.putheader("Content-Length", str(len(body)))
            connection.putheader("Cookie", cookie)
            connection.endheaders()
            half = len(body) // 2
            connection.send(body[:half])
            time.sleep(self.pause)
            connection.send(body[half:])
            response = connection.getresponse()
            response.read()
            location = response.getheader("Location", "")
            if response.status == 302 and "/apply/thanks/" in location:
                return ("ok", location.rstrip("/").rsplit("/", 1)[1])
            return ("refused", response.status)
        finally:
            connection.close()


@pytest.mark.slow
def test_a_worker_killed_mid_submission_leaves_no_half_saved_application(tmp_path):
    env = servers.production_env(
        tmp_path, APPLY_RATE_LIMIT="0", GUNICORN_WORKERS="2", GUNICORN_THREADS="2"
    )
    servers.manage("migrate", "--noinput", env=env)
    servers.manage("seed_content", env=env)
    servers.manage("collectstatic", "--noinput", env=env)
    with servers.running(KILL_TEST_PORT, env) as server:
        _, _, html = server.get("/apply/")
        workers = children_of(server.process.pid)
        assert len(workers) == 2

        random.seed(6)
        applicants = [
            Applicant(KILL_TEST_PORT, n, html.decode(), pause=random.uniform(0.05, 0.4))
            for n in range(20)
        ]
        for applicant in applicants:
            applicant.start()
        # Kill one worker once some applications are through and others are in flight.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            done = [a for a in applicants if a.outcome and a.outcome[0] == "ok"]
            if len(done) >= 4:
                break
            time.sleep(0.01)
        # The worker holding the most connections: the one with requests in flight.
        victim = max(workers, key=open_sockets)
        os.kill(victim, signal.SIGKILL)
        for applicant in applicants:
            applicant.join(timeout=30)

        outcomes = [applicant.outcome for applicant in applicants]
        assert all(outcome is not None for outcome in outcomes)
        succeeded = {token for kind, token in outcomes if kind == "ok"}
        assert len(succeeded) >= 4
        assert len(succeeded) < 20, f"the kill cut no submission short: {outcomes}"
        assert all(kind in ("ok", "failed") for kind, _ in outcomes), outcomes

        # The master replaces the worker; the site answers again.
        with ThreadPoolExecutor(4) as pool:
            statuses = list(pool.map(lambda _: server.get("/healthz")[0], range(8)))
        assert statuses == [200] * 8
        assert victim not in children_of(server.process.pid)

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        rows = dict(db.execute("SELECT token, cv FROM recruiting_application").fetchall())
        claim_counts = dict(
            db.execute(
                "SELECT application_id, COUNT(*) FROM recruiting_claim GROUP BY application_id"
            ).fetchall()
        )
        application_ids = [pk for (pk,) in db.execute("SELECT id FROM recruiting_application")]
    cvs = Path(env["MEDIA_ROOT"]) / "cvs"
    files = {path.relative_to(cvs).as_posix() for path in files_in(cvs)}

    assert succeeded <= set(rows), "every success has its row"
    assert set(rows.values()) <= files, "every row has its file"
    assert all(claim_counts.get(pk) == 2 for pk in application_ids), "claims saved whole"

    # A worker killed in the instant between writing a CV and committing its row leaves
    # a file that no row refers to: never visible to anyone, and swept by
    # purge_applications once it is older than its grace period. Prove the sweep.
    cut_short = sum(1 for kind, _ in outcomes if kind == "failed")
    orphans = files - set(rows.values())
    assert len(orphans) <= cut_short, "a file without a row only from a cut-short submission"
    two_hours_ago = time.time() - 2 * 3600
    for path in files_in(cvs):
        os.utime(path, (two_hours_ago, two_hours_ago))
    servers.manage("purge_applications", env=env)
    left = {path.relative_to(cvs).as_posix() for path in files_in(cvs)}
    assert left == set(rows.values()), "after the sweep every file has its row"
