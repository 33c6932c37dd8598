"""
The site is stateless: instances share their state through PostgreSQL and Redis (or, on
one machine without Redis, through the database and the file cache that all of one
instance's workers share). Real gunicorn instances with the production settings.

- Two instances (ports 8401 and 8402) on one PostgreSQL database and one Redis: a content
  change made in the admin of one shows at once on the other, which had the page cached;
  the application rate limit counts submissions made through both.
- One instance with two workers and no Redis: a content change shows on every worker,
  and the rate limit holds across them (a counter in the database).
"""

import json
import os
import re
import secrets
import socket
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest

from tests.servers import Browser, free_port, manage, prepare, production_env, running
from tests.submissions import application_body, csrf_token

pytestmark = pytest.mark.slow

REDIS = ("127.0.0.1", 6379)
ADMIN_PASSWORD = "scale-out-admin-password-0123456789"


def redis_answers():
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


# --- Talking to an instance like a browser ---------------------------------------------------


class FormFields(HTMLParser):
    """The fields a browser would send for the form with the given id (or the first)."""

    def __init__(self, form_id=None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.done = False
        self.fields = []
        self.textarea = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done:
            self.in_form = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.in_form or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea is not None:
            value = self.textarea[1]
            self.fields.append((self.textarea[0], value[1:] if value.startswith("\n") else value))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            self.done = True


def form_fields(html, form_id=None):
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


def log_in_to_admin(browser, server):
    _, _, html = browser.get(server, "/admin/login/")
    status, headers, _ = browser.post_form(
        server,
        "/admin/login/",
        {
            "csrfmiddlewaretoken": csrf_token(html.decode()),
            "username": "admin",
            "password": ADMIN_PASSWORD,
            "next": "/admin/",
        },
    )
    assert status == 302 and headers["location"] == "/admin/", "the admin login failed"


def edit_lab_in_admin(browser, server, field, value):
    """Change one field of the lab through the admin's change form, as an editor does."""
    _, _, listing = browser.get(server, "/admin/recruiting/lab/")
    change_url = re.search(r'href="(/admin/recruiting/lab/\d+/change/)', listing.decode()).group(1)
    _, _, form = browser.get(server, change_url)
    fields = form_fields(form.decode(), form_id="lab_form")
    names = [name for name, _ in fields]
    assert field in names, f"{field} is not in the admin form: {names}"
    fields = [(name, value if name == field else old) for name, old in fields]
    status, headers, content = browser.post_form(server, change_url, fields + [("_save", "")])
    assert status == 302, f"the admin did not save the change: {status} {content[:2000]!r}"


# --- Applying -----------------------------------------------------------------------------


def apply(server, number, token_from=None):
    """
    One applicant: reads the form on token_from (or the same server) for its CSRF
    token and choices, then submits a valid application with a PDF to `server`.
    """
    browser = Browser()
    _, _, html = browser.get(token_from or server, "/en/apply/")
    email = f"scale-out-{number}-{secrets.token_hex(3)}@example.org"
    body, content_type = application_body(html.decode(), email)
    status, _, content = browser.request(
        server, "POST", "/en/apply/", body, {"Content-Type": content_type}
    )
    return status, content.decode()


# --- Two instances, PostgreSQL and Redis ---------------------------------------------------


@pytest.fixture(scope="module")
def shared_services(tmp_path_factory):
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the two-instance test runs on PostgreSQL: set DATABASE_URL=postgres://…")
    if not redis_answers():
        pytest.skip("the two-instance test needs Redis on 127.0.0.1:6379")
    import psycopg

    run = secrets.token_hex(4)
    name = f"labsite_scaleout_{run}"
    admin = psycopg.connect(
        host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    prefix = f"scale-out-{run}"
    env = production_env(
        tmp_path_factory.mktemp("scale-out"),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        REDIS_URL="redis://127.0.0.1:6379/1",
        CACHE_KEY_PREFIX=prefix,
        APPLY_RATE_LIMIT="2",
    )
    try:
        prepare(env, admin_password=ADMIN_PASSWORD)
        yield env, name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
        import redis

        client = redis.Redis(host=REDIS[0], port=REDIS[1], db=1)
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture(scope="module")
def two_instances(shared_services):
    env, _ = shared_services
    with running(free_port(), env) as first, running(free_port(), env) as second:
        yield first, second


@pytest.mark.postgres
def test_a_content_change_in_one_instances_admin_shows_at_once_on_the_other(two_instances):
    first, second = two_instances
    for _ in range(2):  # the second visit is served from the cache
        status, _, page = second.get("/en/")
        assert status == 200
    new_name = f"Zhang Wentao's group (renamed {secrets.token_hex(3)})"
    assert new_name not in page.decode()

    editor = Browser()
    log_in_to_admin(editor, first)
    edit_lab_in_admin(editor, first, "name_en", new_name)

    status, _, page = second.get("/en/")
    assert status == 200
    assert new_name in page.decode()
    _, _, page = first.get("/en/")
    assert new_name in page.decode()


@pytest.mark.postgres
def test_the_rate_limit_counts_submissions_across_both_instances(two_instances, shared_services):
    first, second = two_instances
    _, database = shared_services

    outcomes = [apply(first, 1), apply(second, 2, token_from=first), apply(first, 3)]

    assert [status for status, _ in outcomes] == [302, 302, 429]
    assert "NOT saved" in outcomes[2][1]
    assert count_applications(database) == 2


def count_applications(database):
    import psycopg

    with psycopg.connect(host="127.0.0.1", user="postgres", dbname=database) as connection:
        return connection.execute("SELECT count(*) FROM recruiting_application").fetchone()[0]


# --- One instance, two workers, no Redis -------------------------------------------------------


def access_log(server, method, path):
    """(pid, status) of each request to path in the instance's access log."""
    entries = []
    for line in server.log().splitlines():
        if '"gunicorn.access"' in line:
            entry = json.loads(line)
            if entry["method"] == method and entry["path"] == path:
                entries.append((entry["pid"], entry["status"]))
    return entries


def burst(count, task):
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(task, range(count)))


def until_every_worker_served(server, method, path, task, workers=2, bursts=10):
    """Concurrent bursts of task (at most `bursts`) until every worker served path."""
    before = len(access_log(server, method, path))
    results = []
    for _ in range(bursts):
        results += burst(6, task)
        if len({pid for pid, _ in access_log(server, method, path)[before:]}) >= workers:
            return results
    pytest.fail(f"the requests never reached {workers} workers")


@pytest.fixture
def one_instance_without_redis(tmp_path):
    env = production_env(
        tmp_path,
        REDIS_URL=None,
        GUNICORN_WORKERS="2",
        GUNICORN_THREADS="1",  # sync workers: a busy one takes no other request
        APPLY_RATE_LIMIT="2",
    )
    prepare(env)
    with running(free_port(), env) as server:
        yield server


def test_without_redis_a_content_change_shows_on_every_worker(one_instance_without_redis):
    server = one_instance_without_redis
    pages = until_every_worker_served(server, "GET", "/en/", lambda _: server.get("/en/"))
    assert all(status == 200 for status, _, _ in pages)
    new_name = f"Renamed for every worker {secrets.token_hex(3)}"

    # The change is made by another process, as by the admin of this instance.
    manage(
        "shell",
        "-c",
        "from recruiting.models import Lab; lab = Lab.objects.get(); "
        f"lab.name_en = {new_name!r}; lab.save()",
        env=server.env,
    )

    pages = until_every_worker_served(server, "GET", "/en/", lambda _: server.get("/en/"))
    assert all(new_name in page.decode() for _, _, page in pages)


def test_without_redis_the_rate_limit_holds_across_workers(one_instance_without_redis):
    """The counter lives in the database (recruiting.ratelimit), shared by the workers."""
    server = one_instance_without_redis

    outcomes = until_every_worker_served(
        server, "POST", "/en/apply/", lambda number: apply(server, number)
    )

    statuses = [status for status, _ in outcomes]
    assert statuses.count(302) == 2
    assert statuses.count(429) == len(statuses) - 2
