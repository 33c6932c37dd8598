"""
The outbox in numbers: applying is as fast when the mail server hangs as when it
answers, because no request talks to it; the worker does.

    .venv/bin/python scripts/bench_outbox.py [--applications 100] [--clients 5]

One gunicorn with production settings (a SQLite file database in a temporary folder,
the rate limit off, LAB_NOTIFY_EMAILS set: two e-mails per application) and one
`manage.py run_worker`. The same number of applications is posted twice in one run:
first with a recording SMTP server on the mail port, then with a stalled one that
accepts connections and never answers (EMAIL_TIMEOUT=10). Prints the POSTs' p50 and
p95 latency for each and their ratio, and checks that every e-mail of the first run was
delivered exactly once and that none of the second was lost. Loopback only (ports in
8600–8699); every wait is bounded. Exits 1 if a check fails.
"""

import argparse
import http.client
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests import servers  # noqa: E402
from tests.smtp import HOST, RecordingSMTPServer, StalledSMTPServer, free_port  # noqa: E402
from tests.submissions import application_body, pdf_of_size  # noqa: E402

settings.configure()  # Django's defaults: enough to encode a form (tests/submissions.py)

EMAIL_TIMEOUT = 10
PDF_SIZE = 100 * 1024
WARM_UP = 10  # applications before the measured runs, not counted
DEADLINE = 120  # seconds, for the worker to deliver the first run's e-mails


class Client(threading.Thread):
    """One client: GETs the form once (CSRF cookie and token), then POSTs its share."""

    def __init__(self, server, emails, barrier, pdf):
        super().__init__(daemon=True)
        self.server = server
        self.emails = emails
        self.barrier = barrier
        self.pdf = pdf
        self.latencies = []
        self.statuses = []
        self.errors = []

    def run(self):
        browser = servers.Browser()
        try:
            _, _, page = browser.get(self.server, "/apply/", timeout=60)
            html = page.decode()
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"GET /apply/: {error!r}")
            return
        finally:
            self.barrier.wait()
        for email in self.emails:
            body, content_type = application_body(html, email, self.pdf)
            started = time.perf_counter()
            try:
                status, _, _ = browser.request(
                    self.server,
                    "POST",
                    "/apply/",
                    body,
                    {"Content-Type": content_type},
                    timeout=60,
                )
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{email}: {error!r}")
                continue
            self.latencies.append(time.perf_counter() - started)
            self.statuses.append(status)
            if status != 302:
                self.errors.append(f"{email}: HTTP {status}")


def post_applications(server, name, count, clients, pdf):
    """count applications from `clients` concurrent clients; returns (latencies, errors)."""
    shares = [
        [f"{name}-{c:02d}-{i:04d}@example.org" for i in range(c, count, clients)]
        for c in range(clients)
    ]
    barrier = threading.Barrier(clients)
    threads = [Client(server, share, barrier, pdf) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    errors = [e for t in threads for e in t.errors]
    errors += [f"client {n} did not finish" for n, t in enumerate(threads) if t.is_alive()]
    return [s for t in threads for s in t.latencies], errors


def p95(values):
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def outbox(database, run):
    """{state: count} of the e-mails of one run's applications."""
    with sqlite3.connect(database) as db:
        return dict(
            db.execute(
                "SELECT m.state, COUNT(*) FROM recruiting_message m "
                "JOIN recruiting_application a ON m.application_id = a.id "
                "WHERE a.email LIKE ? GROUP BY m.state",
                [f"{run}-%"],
            )
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=100, help="per run (default 100)")
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp:
        return run(args, Path(tmp))


def run(args, tmp):
    web_port = free_port(8610)
    smtp_port = free_port(8611, exclude={web_port})
    env = servers.production_env(
        tmp,
        APPLY_RATE_LIMIT="0",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
        GUNICORN_ACCESS_LOG="/dev/null",
        LOG_LEVEL="WARNING",
        LAB_NOTIFY_EMAILS="reviewer@lab.example",
        EMAIL_HOST=HOST,
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
        EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
    )
    database = tmp / "db.sqlite3"
    print(
        f"Setting up: SQLite in {tmp}, gunicorn {args.workers}×{args.threads} on "
        f":{web_port}, one worker, SMTP on :{smtp_port}"
    )
    servers.prepare(env)

    pdf = pdf_of_size(PDF_SIZE)
    results = {}
    worker = servers.Worker(env, tmp / "worker.log", interval=0.2)
    try:
        with servers.running(web_port, env) as server:
            with RecordingSMTPServer(smtp_port) as smtp:
                _, errors = post_applications(server, "warm-up", WARM_UP, args.clients, pdf)
                results["up"] = post_applications(
                    server, "up", args.applications, args.clients, pdf
                )
                results["up"][1].extend(errors)
                expected = 2 * (WARM_UP + args.applications)
                try:
                    smtp.wait_for(expected, timeout=DEADLINE)
                except AssertionError:
                    pass  # the check below says how many arrived
                received = Counter(smtp.message_ids())

            with StalledSMTPServer(smtp_port) as stalled:
                results["stalled"] = post_applications(
                    server, "stalled", args.applications, args.clients, pdf
                )
                deadline = time.monotonic() + DEADLINE  # the worker polls: let it get there
                while (worker_tries := stalled.connections()) < 1 and time.monotonic() < deadline:
                    time.sleep(0.1)
                after = outbox(database, "stalled")
    finally:
        worker.stop(timeout=3 * EMAIL_TIMEOUT)  # ends its current try, EMAIL_TIMEOUT at most

    print()
    print(
        f"{args.applications} applications per run, {PDF_SIZE // 1024} KB PDF each, "
        f"{args.clients} clients; two e-mails each (applicant, lab)"
    )
    print(f"  {'':22}{'p50':>9}{'p95':>9}{'max':>9}   errors")
    for name, label in [("up", "SMTP up"), ("stalled", "SMTP stalled")]:
        latencies, errors = results[name]
        print(
            f"  POST, {label:15}"
            f"{statistics.median(latencies) * 1000:7.0f}ms"
            f"{p95(latencies) * 1000:7.0f}ms"
            f"{max(latencies) * 1000:7.0f}ms   {len(errors)}"
        )
    up, stalled_run = results["up"][0], results["stalled"][0]
    p50_ratio = statistics.median(stalled_run) / statistics.median(up)
    p95_ratio = p95(stalled_run) / p95(up)
    print(f"  ratio stalled / up     p50 {p50_ratio:.2f}   p95 {p95_ratio:.2f}")
    waiting = after.get("queued", 0) + after.get("sending", 0)
    print(
        f"  SMTP up: {len(received)} e-mails delivered "
        f"({sum(received.values())} deliveries) of {expected}"
    )
    print(
        f"  SMTP stalled: {after.get('sent', 0)} sent, {waiting} waiting in the outbox; "
        f"{worker_tries} connection(s) from the worker, each held {EMAIL_TIMEOUT} s"
    )

    checks = {
        "every POST answered 302": not results["up"][1] and not results["stalled"][1],
        "SMTP up: every e-mail delivered, each exactly once": (
            len(received) == expected and set(received.values()) == {1}
        ),
        "SMTP stalled: the worker reached the stalled server": worker_tries >= 1,
        "SMTP stalled: every e-mail kept in the outbox": (waiting == 2 * args.applications),
        f"SMTP stalled: p95 under EMAIL_TIMEOUT ({EMAIL_TIMEOUT} s)": (
            p95(stalled_run) < EMAIL_TIMEOUT
        ),
    }
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    for error in (results["up"][1] + results["stalled"][1])[:10]:
        print(f"    {error}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
