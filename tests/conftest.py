"""
The fixtures every test module shares: the lab's content (seeded, or the small `lab`),
the staff roles and users, a CV storage of the test's own, the background worker, a
database that goes away; and the CI rules: a skipped test fails, tests marked `postgres`
are deselected without PostgreSQL, and a run that wrote in the checkout fails.
"""

import os
from contextlib import contextmanager
from pathlib import Path
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
            main_author=True,
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
def cv_storage(tmp_path, settings, monkeypatch):
    """
    Media of the test's own, never var/media: MEDIA_ROOT, the default storage and the CV
    storage all under tmp_path/media. Returns the CV storage. (The CV field keeps the
    storage it was given at import, so it is swapped as well as the settings.)
    """
    from django.core.files.storage import storages

    from recruiting.models import Application, PreviousCV

    media = tmp_path / "media"
    filesystem = "django.core.files.storage.FileSystemStorage"
    settings.MEDIA_ROOT = media
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": filesystem, "OPTIONS": {"location": media, "base_url": None}},
        "cvs": {"BACKEND": filesystem, "OPTIONS": {"location": media / "cvs", "base_url": None}},
    }
    storage = storages["cvs"]
    monkeypatch.setattr(Application._meta.get_field("cv"), "storage", storage)
    monkeypatch.setattr(PreviousCV._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture(autouse=True)
def public_storage(tmp_path, settings, monkeypatch):
    """
    The public photos of the test's own, under tmp_path/public, served at /media/ as in
    development. Returns the storage. (The photo fields keep the storage they were given
    at import, so they are swapped as well as the settings.)
    """
    from django.core.files.storage import storages

    from recruiting.signals import PHOTOS

    public = tmp_path / "public"
    settings.PUBLIC_MEDIA_ROOT = public
    settings.STORAGES = {
        **settings.STORAGES,
        "public": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": public, "base_url": settings.PUBLIC_MEDIA_URL},
        },
    }
    storage = storages["public"]
    for model, name in PHOTOS.items():
        monkeypatch.setattr(model._meta.get_field(name), "storage", storage)
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


# --- What may not happen in CI: a skip, a file written in the checkout ---------------------


def in_ci():
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def skip_not_allowed(item):
    """Why this test may not be skipped here, or None when it may."""
    if in_ci():
        return "skipped (or xfail) in CI, where every test must run"
    if os.environ.get("REQUIRE_BROWSER") == "1" and item.get_closest_marker("browser"):
        return "browser test skipped where it must run (REQUIRE_BROWSER=1)"
    if os.environ.get("REQUIRE_POSTGRES") == "1" and item.get_closest_marker("postgres"):
        return "PostgreSQL test skipped where it must run (REQUIRE_POSTGRES=1)"
    return None


def readable(reason):
    """A skip's longrepr, (file, line, "Skipped: why"), as one line."""
    if isinstance(reason, tuple):
        return f"{reason[2]} ({reason[0]}:{reason[1]})"
    return reason


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """
    A skip (or xfail) is a failure in CI, and with REQUIRE_BROWSER / REQUIRE_POSTGRES for
    those tests: a test that cannot run here is deselected at collection, never skipped.
    """
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped or hasattr(report, "wasxfail")):
        return
    why = skip_not_allowed(item)
    if why:
        reason = report.wasxfail if hasattr(report, "wasxfail") else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"{why}: {readable(reason)}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """A whole module skipped (importorskip, allow_module_level) is a failure in CI too."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and in_ci():
        report.outcome = "failed"
        report.longrepr = (
            f"module skipped in CI, where every test must run: {readable(report.longrepr)}"
        )


POSTGRES_DESELECTED = pytest.StashKey[int]()


def pytest_collection_modifyitems(config, items):
    """
    Tests marked `postgres` cannot run on SQLite: without PostgreSQL they are deselected,
    not skipped (they run in CI's PostgreSQL pass). With REQUIRE_POSTGRES=1 they stay, so
    that without PostgreSQL they fail.
    """
    from django.db import connection

    if connection.vendor == "postgresql" or os.environ.get("REQUIRE_POSTGRES") == "1":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres")]
    if deselected:
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]
        config.hook.pytest_deselected(items=deselected)
        config.stash[POSTGRES_DESELECTED] = len(deselected)


CHECKOUT = Path(__file__).resolve().parent.parent
# Written by the tools around the tests, not by the tests: git, the virtualenv, bytecode,
# pytest's and ruff's caches.
NOT_WATCHED = {".git", ".venv", "__pycache__", ".pytest_cache", ".ruff_cache"}
CHECKOUT_BEFORE = pytest.StashKey[dict]()
CHECKOUT_WRITES = pytest.StashKey[list]()


def checkout_files():
    """Every file and folder of the checkout but NOT_WATCHED: {path: (size, mtime)}."""
    found = {}
    for folder, subfolders, names in os.walk(CHECKOUT):
        subfolders[:] = [name for name in subfolders if name not in NOT_WATCHED]
        relative = Path(folder).relative_to(CHECKOUT)
        found[f"{relative.as_posix()}/"] = None
        for name in names:
            try:
                stat = Path(folder, name).lstat()
            except FileNotFoundError:  # removed while we looked
                continue
            found[(relative / name).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def pytest_sessionstart(session):
    """The checkout as the run finds it (once, in the main process under xdist)."""
    if not hasattr(session.config, "workerinput"):
        session.config.stash[CHECKOUT_BEFORE] = checkout_files()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session):
    """
    Tests write only under temporary folders: a file added, changed or removed in the
    checkout (var/media above all) fails the run in CI, and is reported elsewhere (where
    a developer may be editing, or serving from var/, at the same time).
    """
    before = session.config.stash.get(CHECKOUT_BEFORE, None)
    if before is None:
        return
    after = checkout_files()
    changes = [f"added    {path}" for path in sorted(after.keys() - before.keys())]
    changes += [f"removed  {path}" for path in sorted(before.keys() - after.keys())]
    changes += [
        f"changed  {path}"
        for path in sorted(after.keys() & before.keys())
        if after[path] != before[path]
    ]
    if not changes:
        return
    session.config.stash[CHECKOUT_WRITES] = changes
    if in_ci() and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    deselected = config.stash.get(POSTGRES_DESELECTED, 0)
    if deselected:
        terminalreporter.line(
            f"{deselected} PostgreSQL tests deselected: the database is not PostgreSQL "
            "(they run with DATABASE_URL=postgres://…)"
        )
    changes = config.stash.get(CHECKOUT_WRITES, None)
    if changes:
        terminalreporter.section("the tests wrote in the checkout", sep="!", red=True)
        for line in changes[:30]:
            terminalreporter.line(line)
        if len(changes) > 30:
            terminalreporter.line(f"… and {len(changes) - 30} more")
        terminalreporter.line(
            "Tests must write only under temporary folders (tmp_path; the test settings' "
            "TEST_TMP_DIR)." + (" The run fails." if in_ci() else " (A failure in CI.)"),
            red=True,
        )
