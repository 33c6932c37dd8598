"""
The fixtures every test module shares: the lab's content (seeded, or the small `lab`),
the staff roles and users, a CV storage of the test's own, the background worker, a
database that goes away; and the CI rule that a skipped browser or PostgreSQL test fails.
"""

import os
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _clear_cache():
    """Every test starts with an empty page cache and rate-limit counters."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def redis_away(settings):
    """The cache is a Redis server that does not answer (nothing listens on its port)."""
    import socket

    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", 8419)) != 0, "nothing may listen on 8419"
    settings.CACHES = {
        "default": {
            "BACKEND": "recruiting.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:8419/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def seeded(db):
    """The database filled with the lab's content from the source post."""
    call_command("seed_content", verbosity=0)


@pytest.fixture
def lab(db):
    """
    The positions, research directions and five criteria of the source post, in both
    languages, by name: lab.ra, lab.science, lab.paper… (lab.requirements: all five).
    """
    from tests.factories import PositionFactory, RequirementFactory, ResearchDirectionFactory

    def direction(slug, title, order, parent=None):
        return ResearchDirectionFactory(slug=slug, title_zh_hans=title, order=order, parent=parent)

    def requirement(order, zh, en, keywords="", **prompts):
        return RequirementFactory(
            order=order, short_title_zh_hans=zh, short_title_en=en, keywords=keywords, **prompts
        )

    applications = direction("dcml-applications", "DCML Applications", 2)
    content = SimpleNamespace(
        ra=PositionFactory(slug="ra", order=1),
        intern=PositionFactory(slug="intern", title_zh_hans="实习生", title_en="Intern", order=2),
        general=direction("general-dcml", "General DCML", 1),
        applications=applications,
        science=direction("for-science", "For Science", 1, applications),
        aigc=direction("for-aigc", "For AIGC", 2, applications),
        systems=direction("dcml-systems", "DCML Systems", 3),
        paper=requirement(
            1,
            "顶会论文",
            "Top-venue paper",
            "ICML, NeurIPS, ICLR, CVPR, ICCV, WWW, KDD, SIGMOD, VLDB",
            evidence_prompt_zh_hans="会议名称与年份、论文题目和链接。",
            evidence_prompt_en="The conference and year, the paper's title and link.",
        ),
        research=requirement(2, "研究与开源经验", "Research and open source", "PyTorch"),
        internship=requirement(3, "实习成果", "Internship results"),
        competitions=requirement(
            4, "竞赛成绩", "Competitions", "Kaggle, 天池, OGB, ACM, NOI, NOIP"
        ),
        drive=requirement(5, "科研热情", "Drive for research"),
    )
    content.requirements = [
        content.paper,
        content.research,
        content.internship,
        content.competitions,
        content.drive,
    ]
    return content


@pytest.fixture
def roles(db):
    """The staff groups "reviewers" and "editors", as `manage.py setup_roles` makes them."""
    from recruiting.roles import setup_roles

    setup_roles()


@pytest.fixture
def reviewer(roles):
    """A member of staff in the "reviewers" group, named "reviewer"."""
    from tests.factories import StaffFactory

    return StaffFactory(username="reviewer", groups=["reviewers"])


@pytest.fixture
def reviewer_client(client, reviewer):
    """The test client, logged in as the reviewer, reading the admin in English."""
    client.force_login(reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def editor(roles):
    """A member of staff in the "editors" group, named "editor" (password STAFF_PASSWORD)."""
    from tests.factories import StaffFactory

    return StaffFactory(username="editor", groups=["editors"])


@pytest.fixture
def editor_client(client, editor):
    """The test client, logged in as the editor, reading the admin in English."""
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def cv_storage(tmp_path, monkeypatch):
    """CV files go to a temporary folder of the test's own, never to var/media."""
    from django.core.files.storage import FileSystemStorage

    from recruiting.models import Application

    storage = FileSystemStorage(location=tmp_path / "cvs", base_url=None)
    monkeypatch.setattr(Application._meta.get_field("cv"), "storage", storage)
    return storage


@pytest.fixture
def database_goes_away():
    """
    outage(needle): a block in which the first SQL statement containing `needle` fails,
    and every one after it, as when the database server goes away. Yields an object
    whose `gone` says whether it happened.
    """
    from django.db import OperationalError, connection

    @contextmanager
    def outage(needle):
        state = SimpleNamespace(gone=False)

        def execute(execute, sql, params, many, context):
            state.gone = state.gone or needle in sql
            if state.gone:
                raise OperationalError("server closed the connection unexpectedly")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(execute):
            yield state

    return outage


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
