"""
How fast the admin's applications list renders with 200 applications.

    .venv/bin/python scripts/bench_admin.py [--applications 200] [--requests 20]

Builds a throw-away SQLite database in a temporary folder (the lab's content from
seed_content, then N applications with claims, research directions, reviews and stage
history), logs in as a superuser through Django's test client and times the changelist:
the default page (100 rows), the whole list on one page (?all=, every row), the list
filtered and searched, and the dashboard. Prints the median and 95th percentile in
milliseconds, the median CPU time of this process (less disturbed by whatever else the
machine runs) and the number of SQL queries of each. The target: under 300 ms for
200 rows.
"""

import argparse
import statistics
import tempfile
import time

import benchsite  # scripts/benchsite.py, next to this file


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--applications", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    state = tempfile.mkdtemp(prefix="bench-admin-")
    benchsite.start(f"sqlite:///{state}/db.sqlite3", state)
    fill(args.applications)
    measure(args.requests)
    print(f"(database and files in {state}; delete it when done)")


def fill(how_many):
    import random
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from recruiting.models import (
        Application,
        Claim,
        Position,
        Requirement,
        ResearchDirection,
        Review,
    )

    random.seed(4)
    positions = list(Position.objects.all())
    requirements = list(Requirement.objects.all())
    directions = list(ResearchDirection.objects.all())
    reviewers = [
        User.objects.create_user(f"reviewer{i}", is_staff=True, password=None) for i in range(4)
    ]
    stages = [s for s, _label in Application.Stage.choices]
    now = timezone.now()
    for i in range(how_many):
        claimed = random.sample(requirements, random.randint(1, 3))
        application = Application.objects.create(
            position=random.choice(positions),
            full_name=f"申请人{i}",
            email=f"applicant{i}@example.com",
            school=random.choice(["北京大学", "清华大学", "复旦大学", "Zhejiang University"]),
            major="计算机科学与技术",
            degree=random.choice(Application.Degree.values),
            year_of_study=random.randint(1, 4),
            graduation_year=2027,
            start_date=now.date(),
            duration_months=6,
            work_mode=Application.WorkMode.ONSITE,
            statement="我希望参与分布式机器学习系统的研究。" * 20,
            cv=ContentFile(b"%PDF-1.4\n%%EOF\n", name="cv.pdf"),
            consent_at=now,
            privacy_notice_version="1",
            priority=len(claimed),
            submitted_at=now - timedelta(hours=random.randint(0, 24 * 180)),
        )
        application.directions.set(random.sample(directions, 2))
        for requirement in claimed:
            Claim.objects.create(
                application=application,
                requirement=requirement,
                evidence="NeurIPS 2024 first author, https://example.org/paper " * 5,
            )
        for reviewer in random.sample(reviewers, random.randint(0, 3)):
            Review.objects.create(
                application=application, reviewer=reviewer, rating=random.randint(1, 5)
            )
        stage = random.choice(stages)
        if stage != Application.Stage.NEW:
            application.move_to(stage, by=reviewers[0])


def measure(how_many):
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from recruiting.models import Application, Requirement

    client = Client()
    client.force_login(User.objects.create_superuser("bench", "bench@example.com", None))
    changelist = reverse("admin:recruiting_application_changelist")
    requirement = Requirement.objects.first()
    pages = [
        ("changelist, default page", changelist, {}),
        ("changelist, all rows (?all=)", changelist, {"all": ""}),
        (
            "changelist, filtered + searched",
            changelist,
            {"criterion": requirement.pk, "q": "NeurIPS", "all": ""},
        ),
        ("dashboard", reverse("admin:recruiting_application_dashboard"), {}),
    ]
    total = Application.objects.count()
    print(f"{total} applications, {how_many} requests each (after one warm-up request)")
    print(
        f"{'page':34} {'rows':>5} {'queries':>8} {'median ms':>10} {'p95 ms':>8} "
        f"{'median CPU ms':>14}"
    )
    for name, url, params in pages:
        response = client.get(url, params)  # warm-up: template loading, first queries
        assert response.status_code == 200, (name, response.status_code)
        times, cpu = [], []
        for _ in range(how_many):
            with CaptureQueriesContext(connection) as queries:
                start, start_cpu = time.perf_counter(), time.process_time()
                response = client.get(url, params)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        cl = getattr(response, "context_data", {}) or {}
        rows = len(cl["cl"].result_list) if "cl" in cl else "-"
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        print(
            f"{name:34} {rows!s:>5} {len(queries):>8} "
            f"{statistics.median(times):>10.1f} {p95:>8.1f} {statistics.median(cpu):>14.1f}"
        )


if __name__ == "__main__":
    main()
