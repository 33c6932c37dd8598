"""
Load test of the application form: 200 applications, each with a 200 KB PDF, from 20
concurrent clients, against gunicorn with production settings on PostgreSQL.

    .venv/bin/python scripts/bench_apply.py [--applications 200] [--clients 20]

A fresh database is created on the PostgreSQL server (postgres@127.0.0.1, trust) and
dropped at the end; the rate limit is off. Each client GETs the form once (CSRF cookie
and token), then POSTs its share of the applications with them (--fresh-form: a GET
before every application). Afterwards every application must be saved exactly once
with its file, with no 5xx, in under 10 seconds in all; the POSTs' p95 latency is
printed. Loopback only; every request has a timeout and the run stops by itself.
Exits 1 if a check fails.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests import servers  # noqa: E402
from tests.submissions import application_body, pdf_of_size  # noqa: E402

settings.configure()  # Django's defaults: enough to encode a form (tests/submissions.py)
PORT = 8515
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
PDF_SIZE = 200 * 1024
TIME_LIMIT = 10.0


class Client(threading.Thread):
    """
    One client: its own connection, GETs the form (CSRF cookie and token), then POSTs
    its applications one after another with that cookie and token; with fresh_form it
    GETs the form again before every application, as separate applicants would.
    """

    def __init__(self, server, number, count, barrier, pdf, fresh_form):
        super().__init__(daemon=True)
        self.server = server
        self.browser = servers.Browser()
        self.number = number
        self.count = count
        self.barrier = barrier
        self.pdf = pdf
        self.fresh_form = fresh_form
        self.latencies = []  # seconds per POST
        self.statuses = []
        self.errors = []
        self.form = None  # the HTML of the form page, with its CSRF token

    def run(self):
        self.barrier.wait()
        for index in range(self.count):
            email = f"bench-{self.number:02d}-{index:03d}@example.org"
            try:
                if self.form is None or self.fresh_form:
                    status, _, page = self.browser.get(self.server, "/apply/", timeout=30)
                    self.statuses.append(status)
                    self.form = page.decode()
                self.apply(email)
            except (OSError, http.client.HTTPException) as error:
                self.errors.append(f"{email}: {error!r}")

    def apply(self, email):
        body, content_type = application_body(self.form, email, self.pdf)
        started = time.perf_counter()
        status, _, _ = self.browser.request(
            self.server, "POST", "/apply/", body, {"Content-Type": content_type}, timeout=30
        )
        self.latencies.append(time.perf_counter() - started)
        self.statuses.append(status)
        if status != 302:
            self.errors.append(f"{email}: HTTP {status}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker")
    parser.add_argument(
        "--fresh-form",
        action="store_true",
        help="GET the form before every application, not once per client",
    )
    args = parser.parse_args()
    if args.applications % args.clients:
        parser.error("--applications must be a multiple of --clients")

    database = f"labsite_bench_apply_{os.getpid()}"
    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        with tempfile.TemporaryDirectory(prefix="bench-apply-") as tmp:
            return run(args, database, Path(tmp))
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **PG) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run(args, database, tmp):
    url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{database}"
    env = servers.production_env(
        tmp,
        DATABASE_URL=url,
        APPLY_RATE_LIMIT="0",
        GUNICORN_WORKERS=str(args.workers),
        GUNICORN_THREADS=str(args.threads),
        GUNICORN_ACCESS_LOG="/dev/null",
        LOG_LEVEL="WARNING",
    )
    print(f"Setting up: database {database}, gunicorn {args.workers}×{args.threads} on :{PORT}")
    servers.prepare(env)

    pdf = pdf_of_size(PDF_SIZE)
    per_client = args.applications // args.clients
    with servers.running(PORT, env) as server:
        barrier = threading.Barrier(args.clients + 1)
        clients = [
            Client(server, n, per_client, barrier, pdf, args.fresh_form)
            for n in range(args.clients)
        ]
        for client in clients:
            client.start()
        barrier.wait()
        started = time.perf_counter()
        for client in clients:
            client.join(timeout=120)
        elapsed = time.perf_counter() - started
        stuck = [c.number for c in clients if c.is_alive()]

    latencies = [s for c in clients for s in c.latencies]
    statuses = [s for c in clients for s in c.statuses]
    errors = [e for c in clients for e in c.errors]
    expected = {
        f"bench-{c:02d}-{i:03d}@example.org"
        for c in range(args.clients)
        for i in range(per_client)
    }

    with psycopg.connect(dbname=database, **PG) as db:
        rows = db.execute("SELECT email, cv FROM recruiting_application").fetchall()
        claims = db.execute("SELECT COUNT(*) FROM recruiting_claim").fetchone()[0]
    emails = [email for email, _ in rows]
    cvs = tmp / "media" / "cvs"
    missing_files = [cv for _, cv in rows if not (cvs / cv).is_file()]
    wrong_size = [
        cv for _, cv in rows if (cvs / cv).is_file() and (cvs / cv).stat().st_size != PDF_SIZE
    ]
    files = [p for p in cvs.rglob("*") if p.is_file()]

    server_errors = sum(1 for status in statuses if status >= 500)
    print()
    print(
        f"{args.applications} applications, {PDF_SIZE // 1024} KB PDF each, {args.clients} clients"
    )
    print(f"  total time      {elapsed:.2f} s  ({args.applications / elapsed:.1f} applications/s)")
    if len(latencies) > 1:
        p95 = statistics.quantiles(latencies, n=20, method="inclusive")[-1]
        print(
            f"  POST latency    p50 {statistics.median(latencies) * 1000:.0f} ms  "
            f"p95 {p95 * 1000:.0f} ms  "
            f"max {max(latencies) * 1000:.0f} ms"
        )
    print(f"  responses       {len(statuses)}  5xx {server_errors}  errors {len(errors)}")
    print(
        f"  saved           {len(rows)} rows, {len(set(emails))} distinct, {claims} claims, {len(files)} files"
    )

    checks = {
        "every client finished": not stuck,
        "no request failed": not errors,
        "zero 5xx": server_errors == 0,
        "all applications saved, each exactly once": sorted(emails) == sorted(expected),
        "each with its file (200 KB)": not missing_files and not wrong_size,
        "no file without its row": len(files) == len(rows),
        "two claims each": claims == 2 * len(rows),
        f"under {TIME_LIMIT:.0f} s": elapsed < TIME_LIMIT,
    }
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    for error in errors[:10]:
        print(f"    {error}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
