"""
Faults around a submission: a mail server that refuses connections, a database that
goes away mid-submit, a gunicorn worker killed while applications are in flight. In
every case an application is either saved whole (row, claims and CV file) or not at all.
"""

import http.client
import logging
import os
import signal
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection

from recruiting.models import Application, Claim, Message
from tests import servers, smtp
from tests.factories import stored_files
from tests.submissions import application_body, pdf_of_size, submit

DEADLINE = 60  # seconds: generous, for the slowest machine; a pass takes a few


# --- The mail server refuses connections ----------------------------------------------------


def test_an_application_is_saved_when_the_mail_server_refuses_connections(
    lab, client, settings, cv_storage, caplog, run_worker
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp.HOST
    settings.EMAIL_PORT = smtp.free_port(8606)  # nothing listens: connections are refused
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2
    settings.LAB_NOTIFY_EMAILS = ["lab@example.org"]

    response = submit(client, lab, "/apply/", email="refused@example.org")

    application = Application.objects.get(email="refused@example.org")
    assert response.status_code == 302
    assert response["Location"] == f"/apply/thanks/{application.token}/"
    assert application.claims.count() == 2
    assert stored_files(cv_storage) == [application.cv.name]
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
    lab, client, cv_storage, database_goes_away, needle, prefix
):
    client.get(f"{prefix}/apply/")

    with database_goes_away(needle) as outage:
        response = submit(client, lab, f"{prefix}/apply/")

    assert outage.gone
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert not Application.objects.exists()
    assert not Claim.objects.exists()
    assert stored_files(cv_storage) == [], "no CV file without its application"


@pytest.mark.django_db(transaction=True)
def test_a_commit_that_fails_after_the_file_was_written_leaves_no_file(
    lab, client, cv_storage, monkeypatch
):
    client.get("/apply/")
    real_commit = connection.commit
    failed = []

    def commit():
        if not failed and stored_files(cv_storage):  # the CV is written: now the commit fails
            failed.append(True)
            raise OperationalError("server closed the connection unexpectedly")
        return real_commit()

    monkeypatch.setattr(connection, "commit", commit)
    response = submit(client, lab, "/apply/")
    monkeypatch.undo()

    assert failed
    assert response.status_code == 503
    assert not Application.objects.exists()
    assert stored_files(cv_storage) == []


@pytest.mark.django_db(transaction=True)
def test_after_the_database_comes_back_the_same_application_goes_through(
    lab, client, cv_storage, database_goes_away
):
    with database_goes_away('INSERT INTO "recruiting_claim"'):
        assert submit(client, lab, "/apply/").status_code == 503

    response = submit(client, lab, "/apply/")

    assert response.status_code == 302
    assert stored_files(cv_storage) == [Application.objects.get().cv.name]


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
    """
    One applicant: the form, fetched for its CSRF token when made (before any request
    is held up), then, in its thread, a POST of it with a CV in two halves: the second
    only once `go` is set. In between, the request is in flight in whichever gunicorn
    worker accepted it (`client_port` names the connection).
    """

    def __init__(self, server, number, go):
        super().__init__(daemon=True)
        self.server = server
        self.email = f"applicant-{number}@example.org"
        self.go = go
        self.half_sent = threading.Event()
        self.client_port = None
        self.outcome = None  # ("ok", token) | ("refused", status) | ("failed", error)
        self.browser = servers.Browser()
        _, _, html = self.browser.get(server, "/apply/", timeout=DEADLINE)
        self.form = html.decode()

    def run(self):
        try:
            self.outcome = self.apply()
        except (OSError, http.client.HTTPException) as error:
            self.outcome = ("failed", type(error).__name__)
        finally:
            self.half_sent.set()  # also when it failed before: nobody waits in vain

    def apply(self):
        body, content_type = application_body(self.form, self.email, pdf_of_size(100_000))
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=DEADLINE)
        try:
            connection.putrequest("POST", "/apply/")
            connection.putheader("Content-Type", content_type)
            connection.putheader("Content-Length", str(len(body)))
            connection.putheader("Cookie", self.browser.cookie_header())
            connection.endheaders()
            half = len(body) // 2
            connection.send(body[:half])
            self.client_port = connection.sock.getsockname()[1]
            self.half_sent.set()
            self.go.wait()
            connection.send(body[half:])
            response = connection.getresponse()
            response.read()
            location = response.getheader("Location", "")
            if response.status == 302 and "/apply/thanks/" in location:
                return ("ok", location.rstrip("/").rsplit("/", 1)[1])
            return ("refused", response.status)
        finally:
            connection.close()


def wait_until(condition, what):
    """Poll an observable state until it holds, within DEADLINE (generous: slow machines)."""
    deadline = time.monotonic() + DEADLINE
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {DEADLINE} s: {what}")
        time.sleep(0.01)
    return result


@pytest.mark.slow
def test_a_worker_killed_mid_submission_leaves_no_half_saved_application(tmp_path):
    env = servers.production_env(
        tmp_path, APPLY_RATE_LIMIT="0", GUNICORN_WORKERS="2", GUNICORN_THREADS="2"
    )
    servers.prepare(env)
    with servers.running(servers.free_port(), env) as server:
        # The site answers as soon as one worker has started: wait for the second too.
        workers = wait_until(
            lambda: len(found := children_of(server.process.pid)) == 2 and found,
            "gunicorn started both workers",
        )

        # Four applications go through…
        through = threading.Event()
        through.set()
        first = [Applicant(server, n, through) for n in range(4)]
        for applicant in first:
            applicant.start()
            applicant.join(timeout=DEADLINE)
        # …sixteen are in flight: half their body sent, each connection held by a worker
        # (read from /proc, not guessed). The kill comes at this point, whatever the
        # machine's speed: the worker holding the most of them.
        go = threading.Event()
        in_flight = [Applicant(server, n, go) for n in range(4, 20)]
        for applicant in in_flight:
            applicant.start()
        for applicant in in_flight:
            wait_until(applicant.half_sent.is_set, f"{applicant.email} sent half its body")
        holders = {
            applicant.email: wait_until(
                lambda a=applicant: servers.connection_holder(server.port, a.client_port, workers),
                f"a worker accepted {applicant.email}'s connection",
            )
            for applicant in in_flight
        }
        victim = max(workers, key=list(holders.values()).count)
        os.kill(victim, signal.SIGKILL)
        go.set()
        applicants = first + in_flight
        for applicant in applicants:
            applicant.join(timeout=DEADLINE)

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
    cvs = FileSystemStorage(Path(env["MEDIA_ROOT"]) / "cvs")
    files = set(stored_files(cvs))

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
    for name in files:
        os.utime(cvs.path(name), (two_hours_ago, two_hours_ago))
    servers.manage("purge_applications", env=env)
    left = set(stored_files(cvs))
    assert left == set(rows.values()), "after the sweep every file has its row"
