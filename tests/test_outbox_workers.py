"""
The outbox's workers as they run in production: `manage.py run_worker` processes with
the production settings (tests/servers.py), a real SMTP server on loopback
(tests/smtp.py), and the database they share: a SQLite file, or a PostgreSQL database
made for the test when DATABASE_URL points at PostgreSQL.

- A worker killed (SIGKILL) while the mail server holds one of its messages unanswered,
  then a new worker: every message is delivered exactly once, the held one after its
  lease (TASK_LEASE_SECONDS) ran out.
- Two workers at once, with every delivery task queued twice: every message is
  delivered exactly once.
"""

import json
import os
import secrets
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest

from tests import servers
from tests.smtp import HOST, RecordingSMTPServer, free_port

pytestmark = pytest.mark.slow

DEADLINE = 120  # seconds: generous, for the slowest machine; a pass takes a few

# Run with `manage.py shell -c`: writes `count` messages to the outbox in one transaction,
# as the site does, each with `tasks` delivery tasks queued one after the other; prints
# the messages' ids.
QUEUE_MESSAGES = """
import json
from django.db import transaction
from recruiting import emails
from recruiting.models import Message
from recruiting.tasks import deliver_message

messages = []
with transaction.atomic():
    for number in range({count}):
        message = emails.queue(
            Message.Kind.LAB_NOTIFICATION,
            [f"reviewer-{{number}}@lab.example"],
            f"New application {{number}}",
            f"Application number {{number}}.",
            language="en",
        )
        for _ in range({tasks} - 1):
            deliver_message.enqueue(message.pk)
        messages.append(message)
print(json.dumps([message.message_id for message in messages]))
"""

OUTBOX_STATE = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
from recruiting.models import Message

tasks = DBTaskResult.objects.all()
print(json.dumps({
    "messages": {m.message_id: [m.state, m.attempts] for m in Message.objects.all()},
    "unfinished_tasks": tasks.filter(finished_at__isnull=True).count(),
    "tasks_by_worker": Counter(w[-1] for w in tasks.values_list("worker_ids", flat=True) if w),
}))
"""


def postgres_server_url():
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture
def database(request, tmp_path):
    """
    The DATABASE_URL of an empty database the workers share: a SQLite file under
    tmp_path, or a database made on the PostgreSQL server and dropped afterwards.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    server = postgres_server_url()
    if server is None:
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://…")
    import psycopg

    name = f"labsite_outbox_{secrets.token_hex(4)}"
    # Created from the server's maintenance database: DATABASE_URL's may not exist.
    maintenance = urlsplit(server)._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(server)._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(maintenance, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


ON_BOTH_DATABASES = pytest.mark.parametrize(
    "database",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


def worker_env(tmp_path, database, smtp_port, **overrides):
    env = servers.production_env(
        tmp_path,
        DATABASE_URL=database,
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT="60",
        DEFAULT_FROM_EMAIL="Zhang Wentao Group <noreply@lab.example>",
        **overrides,
    )
    servers.manage("migrate", "--noinput", env=env)
    return env


def queue_messages(env, count, tasks=1):
    result = servers.manage(
        "shell", "-c", QUEUE_MESSAGES.format(count=count, tasks=tasks), env=env
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def outbox_state(env):
    result = servers.manage("shell", "-c", OUTBOX_STATE, env=env)
    return json.loads(result.stdout.strip().splitlines()[-1])


def when_every_task_ran(env):
    """The outbox's state once no task is left to run (a bounded wait)."""
    deadline = time.monotonic() + DEADLINE
    while (state := outbox_state(env))["unfinished_tasks"] and time.monotonic() < deadline:
        pass  # each look takes a manage.py process: no need to sleep between them
    assert not state["unfinished_tasks"], f"tasks left after {DEADLINE} s: {state}"
    return state


@contextmanager
def workers(env, tmp_path, count=1, name="worker"):
    """`count` workers, stopped however the block ends."""
    with ExitStack() as stack:
        started = []
        for number in range(count):
            worker = servers.Worker(env, tmp_path / f"{name}-{number}.log")
            stack.callback(worker.stop)
            started.append(worker)
        yield started


def wait_for(smtp, count, running):
    """Every worker's log in the failure, when the messages do not all arrive."""
    try:
        return smtp.wait_for(count, timeout=DEADLINE)
    except AssertionError as error:
        logs = "\n".join(f"--- {w.log_path.name}\n{w.log()[-5000:]}" for w in running)
        raise AssertionError(f"{error}\n{logs}") from None


# --- A worker killed mid-batch ------------------------------------------------------------------


@ON_BOTH_DATABASES
def test_a_worker_killed_while_sending_loses_no_message_and_sends_none_twice(tmp_path, database):
    port = free_port(8604)
    env = worker_env(tmp_path, database, port, TASK_LEASE_SECONDS="3")
    message_ids = queue_messages(env, 10)

    with RecordingSMTPServer(port, hold_at=4) as smtp:
        with workers(env, tmp_path, name="killed") as [first]:
            # The 4th message's DATA is left unanswered: the worker waits in the middle
            # of sending it, claimed in the outbox, when it is killed.
            if not smtp.held.wait(DEADLINE):
                pytest.fail(f"the worker never sent a 4th message:\n{first.log()}")
            first.kill()
        smtp.release()  # the held message is dropped, never recorded
        assert len(smtp.received) == 3
        outbox = outbox_state(env)["messages"]
        assert (
            sorted(state for state, _ in outbox.values())
            == ["queued"] * 6 + ["sending"] + ["sent"] * 3
        )

        # Restarted at once: the new worker sends the other six, and the held one once
        # the killed worker's claim is older than TASK_LEASE_SECONDS.
        with workers(env, tmp_path, name="restarted") as running:
            wait_for(smtp, len(message_ids), running)
            running[0].stop()  # lets it finish marking what it sent
        received = smtp.received

    assert Counter(mail.message_id for mail in received) == dict.fromkeys(message_ids, 1)
    assert sorted(mail.recipients[0] for mail in received) == sorted(
        f"reviewer-{number}@lab.example" for number in range(10)
    )
    assert {mail.sender for mail in received} == {"noreply@lab.example"}
    outbox = outbox_state(env)["messages"]
    assert {state for state, _ in outbox.values()} == {"sent"}
    # The held message was tried twice: by the killed worker, then by the new one.
    assert sorted(attempts for _, attempts in outbox.values()) == [1] * 9 + [2]


# --- Two workers at once --------------------------------------------------------------------------


@ON_BOTH_DATABASES
def test_two_workers_at_once_send_every_message_exactly_once(tmp_path, database):
    port = free_port(8605)
    env = worker_env(tmp_path, database, port)
    # Each message's delivery task twice, as a task run again after its worker was
    # thought lost would be: the message, not only its task, must be claimed once.
    message_ids = queue_messages(env, 40, tasks=2)

    with RecordingSMTPServer(port) as smtp:
        with workers(env, tmp_path, count=2) as running:
            wait_for(smtp, len(message_ids), running)
            state = when_every_task_ran(env)
        received = smtp.received

    assert Counter(mail.message_id for mail in received) == dict.fromkeys(message_ids, 1)
    assert {s for s, _ in state["messages"].values()} == {"sent"}
    assert {attempts for _, attempts in state["messages"].values()} == {1}
    assert sum(state["tasks_by_worker"].values()) == 80, "every task ran, once"
    print("tasks run by each worker:", state["tasks_by_worker"])
