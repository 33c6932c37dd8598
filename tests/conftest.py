import os

import pytest
from django.core.management import call_command

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty page cache and rate-limit counters."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded(db):
    """The database filled with the lab's content from the source post."""
    call_command("seed_content", verbosity=0)


@pytest.fixture
def roles(db):
    """The staff groups "reviewers" and "editors", as `manage.py setup_roles` makes them."""
    from django.contrib.auth.models import Group

    from recruiting.roles import setup_roles

    setup_roles()
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def reviewer(roles):
    """A member of staff in the "reviewers" group."""
    from tests.admin_factories import make_staff

    return make_staff("reviewer", groups=["reviewers"])


@pytest.fixture
def reviewer_client(client, reviewer):
    """The test client, logged in as the reviewer, reading the admin in English."""
    client.force_login(reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def lab(db):
    """Positions, research directions and the five criteria (tests/factories.py)."""
    from tests.factories import make_lab_content

    return make_lab_content()


@pytest.fixture
def cv_storage(tmp_path, monkeypatch):
    """CV files go to a temporary folder for the test (the storage of Application.cv)."""
    from django.core.files.storage import FileSystemStorage

    from recruiting.models import Application

    storage = FileSystemStorage(location=tmp_path / "cvs", base_url=None)
    monkeypatch.setattr(Application._meta.get_field("cv"), "storage", storage)
    return storage


@pytest.fixture
def run_worker(db):
    """
    Run the background worker once, in this process: every task due now (e-mails of the
    outbox above all), as `manage.py run_worker --batch` does. Returns the e-mails sent.
    """
    import signal
    from unittest import mock

    from django.core import mail

    def run():
        handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        before = len(getattr(mail, "outbox", []))
        try:
            # The worker closes connections between tasks, as a request does; inside a
            # test's transaction that would close the test's own (PostgreSQL) connection.
            with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
                call_command("run_worker", "--batch", verbosity=0)
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
        return list(getattr(mail, "outbox", []))[before:]

    return run


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI, a skipped browser or PostgreSQL test is a failure: they must run there."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    required = []
    if os.environ.get("REQUIRE_BROWSER") == "1" and item.get_closest_marker("browser"):
        required.append("browser")
    if os.environ.get("REQUIRE_POSTGRES") == "1" and item.get_closest_marker("postgres"):
        required.append("PostgreSQL")
    if required:
        report.outcome = "failed"
        report.longrepr = (
            f"{' and '.join(required)} test skipped where it must run: {report.longrepr}"
        )
