"""
How fast the review screen answers on PostgreSQL among many applications.

    .venv/bin/python scripts/bench_review.py [--applications 100000] [--requests 30]
        [--server postgres://postgres@127.0.0.1:5432] [--database labsite_bench_review]
        [--reuse]

Creates (drops first, unless --reuse) its own PostgreSQL database on the server of
DATABASE_URL (or --server), migrates, seeds the lab's content and fills it to N
applications as bench_growth.py does (bulk inserts). Then one application gets 5 claims,
10 reviews (one by the reviewer measuring, so the others' are shown too) and a CV file;
the reviewer has assignments, as a reviewer's default queue has. Logged in as that
reviewer (not a superuser) through Django's test client, it times the review screen
opened from lists as a reviewer opens it (filtered and sorted: previous and next are
computed in that list) and the inline CV. Prints the median and 95th percentile of the
server time in ms and the queries of each; exits 1 if the median of a review screen opened
from a list in an indexed order (her queue, the default order, by stage, by her score) is
over 150 ms. A list sorted by the blind average is measured too, list and screen: it sorts
every row, which no index can spare.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from urllib.parse import urlencode, urlsplit

import bench_growth  # scripts/bench_growth.py: the database and its bulk filling
import benchsite  # scripts/benchsite.py, next to this file

TARGET_MS = 150


def default_server():
    """The server of DATABASE_URL (its database is left alone), else the local one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "postgres://postgres@127.0.0.1:5432"
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--server", default=default_server())
    parser.add_argument("--database", default="labsite_bench_review")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database of a previous run and grow it"
    )
    args = parser.parse_args()

    if not args.reuse or not database_exists(args.server, args.database):
        bench_growth.create_database(args.server, args.database)
    state = tempfile.mkdtemp(prefix="bench-review-")
    benchsite.start(f"{args.server}/{args.database}", state)
    bench_growth.grow_to(args.applications)
    reviewer, application = reviewed_application()
    slow = measure(reviewer, application, args.requests)
    print(f"(files in {state}; delete it when done)")
    if slow:
        print(f"over {TARGET_MS} ms: {', '.join(slow)}")
        sys.exit(1)


def database_exists(server, name):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return found.fetchone() is not None


def reviewed_application():
    """
    The reviewer measuring (in the "reviewers" group, 200 applications assigned) and the
    application she opens: 5 claims, 10 reviews (hers among them), a CV file. Made once:
    a --reuse run finds them.
    """
    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.db import transaction

    from recruiting.models import Application
    from tests.submissions import PDF

    application = Application.objects.filter(email="bench.review@example.org").first()
    if application is not None:
        if not application.cv.storage.exists(application.cv.name):
            application.cv.save("cv.pdf", ContentFile(PDF))  # files are the run's own
        return User.objects.get(username="bench-reviewer"), application
    with transaction.atomic():  # all or nothing: a --reuse run finds them or makes them
        return make_reviewed_application()


def make_reviewed_application():
    from django.contrib.auth.models import Group, User
    from django.core.files.base import ContentFile
    from django.db import connection

    from recruiting.models import Application, Claim, Requirement, Review
    from tests.submissions import PDF

    reviewer = User.objects.create_user("bench-reviewer", is_staff=True, password=None)
    reviewer.groups.add(Group.objects.get(name="reviewers"))
    colleagues = [
        User.objects.create_user(f"bench-colleague{i}", is_staff=True, password=None)
        for i in range(9)
    ]
    template = Application.objects.filter(stage="new").order_by("-submitted_at").first()
    application = Application.objects.get(pk=template.pk)
    application.pk = None
    application.token = Application._meta.get_field("token").get_default()
    application.email = "bench.review@example.org"
    application.full_name = "王评审"
    application.priority = 5
    application.cv = None
    application.save()
    application.cv.save("cv.pdf", ContentFile(PDF))
    application.directions.set(template.directions.all())
    for requirement in Requirement.objects.order_by("order")[:5]:
        Claim.objects.create(
            application=application,
            requirement=requirement,
            evidence=f"PyTorch：https://github.com/pytorch/pytorch，{requirement.pk} 个合并的 PR。",
        )
    for i, user in enumerate([reviewer, *colleagues]):
        Review.objects.create(
            application=application, reviewer=user, rating=1 + i % 5, comment="很扎实。" * 20
        )
    assigned = Application.objects.filter(stage="new").order_by("?")[:200]
    Application.assigned_to.through.objects.bulk_create(
        Application.assigned_to.through(application_id=a.pk, user=reviewer) for a in assigned
    )
    application.assigned_to.add(reviewer)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return reviewer, application


def measure(reviewer, application, how_many):
    """Print the table; return the names of the review screens over TARGET_MS."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from recruiting.models import Application

    client = Client()
    client.force_login(reviewer)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    screen = reverse("admin:recruiting_application_change", args=[application.pk])
    position = application.position_id

    def from_list(filters):
        return f"{screen}?{urlencode({'_changelist_filters': filters})}"

    applications = reverse("admin:recruiting_application_changelist")
    # (name, URL, held to TARGET_MS). A list sorted by her blind average (a value of
    # each row no index holds) sorts every application, the list page as much as the
    # screen's previous/next: both are shown, neither is held to the target.
    pages = [
        ("screen, from her queue", from_list("assigned=me&reviewed=todo"), True),
        ("screen, from the unfiltered list", from_list(""), True),
        ("screen, by stage, newest first", from_list("stage__exact=new&o=-12"), True),
        (
            "screen, by stage and position, by my score",
            from_list(f"stage__exact=new&position__id__exact={position}&o=-10"),
            True,
        ),
        ("screen, by average rating, then name", from_list("o=-11.1"), False),
        ("list, by average rating, then name", f"{applications}?assigned=all&o=-11.1", False),
        (
            "inline CV",
            reverse("admin:recruiting_application_cv_inline", args=[application.pk]),
            False,
        ),
    ]
    total = Application.objects.count()
    print(
        f"{total:,} applications; the one reviewed: 5 claims, 10 reviews; "
        f"{how_many} requests each after a warm-up; server time (test client)"
    )
    print(f"{'page':44} {'queries':>8} {'median ms':>10} {'p95 ms':>8}")
    slow = []
    for name, url, held in pages:
        response = client.get(url)  # warm-up: templates, first queries
        assert response.status_code == 200, (name, response.status_code)
        if "queue" in (response.context or {}):
            queue = response.context["queue"]
            assert queue["previous"] or queue["next"], (name, "no neighbours computed")
        times = []
        for _ in range(how_many):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                else:
                    response.content  # noqa: B018 (rendered)
                times.append((time.perf_counter() - start) * 1000)
            response.close()
        times.sort()
        median = statistics.median(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        mark = "" if held else "  (not held to the target)"
        print(f"{name:44} {len(queries):>8} {median:>10.1f} {p95:>8.1f}{mark}", flush=True)
        if held and median > TARGET_MS:
            slow.append(name)
    return slow


if __name__ == "__main__":
    main()
