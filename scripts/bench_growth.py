"""
How the staff's pages and the applicant's duplicate check hold up as applications grow.

    .venv/bin/python scripts/bench_growth.py [--sizes 1000 10000 100000] [--runs 5]
        [--server postgres://postgres@127.0.0.1:5432] [--database labsite_growth]

Creates (drops first) its own PostgreSQL database, migrates, seeds the lab's content and
grows the applications to each size in turn (bulk inserts in batches: two claims each,
two research directions, reviews on about a third, spread over positions, stages, degrees
and six months). At each size it times, in this process with Django's test client logged
in as a superuser (server time: the request, no network), the median of --runs requests
of: the default list, the list filtered by stage and position, a search by name, the
dashboard, the form's duplicate check, the "in the CVs" search for a common English word,
a common Chinese one and a word of one CV only (every application has a CV text of two
pages), the list sorted by criteria claimed, and by criteria corroborated; an applicant's
status page (anonymous, with its stage history and the lab's e-mails: each application
past "new" has its moves, a tenth an applicant's correction, those at interview, offer or
rejected a stage e-mail), the lost-link page's lookup of an address's applications, and
an applicant's deletion of a closed application with everything it holds, the refused
deletion of a criterion and of a research direction applications chose (the page counts
them), the translation status page; then one CSV export of every application: time to
first byte, total time, and the growth of this process's peak resident memory during it
(/proc/self/status VmHWM, reset through /proc/self/clear_refs). Prints a markdown table.

Targets at 100k: lists and search < 150 ms, dashboard < 200 ms, export's first byte < 1 s
and memory growth < 50 MB. Run the same file in a checkout of older code to compare.
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import date, timedelta

import benchsite  # scripts/benchsite.py, next to this file
from benchsite import BASE_DIR

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟 芳 娜 敏 静 磊 洋 艳 勇 杰 涛 明 超 秀英 晨".split()
SCHOOLS = ["北京大学", "清华大学", "复旦大学", "浙江大学", "上海交通大学", "Zhejiang University"]
EVIDENCE = [
    "NeurIPS 2024 first author, https://example.org/paper",
    "ICML 2023 workshop paper on distributed training",
    "Kaggle competition silver medal, 2024",
    "PyTorch contributor: 12 merged pull requests",
    "字节跳动实习，负责大模型训练系统优化",
    "ACM-ICPC 亚洲区域赛金牌",
]
# Lines of the CVs' text (two pages' worth each, Chinese and English): each CV draws some.
CV_LINES = [
    "教育背景：北京大学 计算机科学与技术 硕士研究生，主修机器学习与数据库系统。",
    "Education: MSc in Computer Science, Zhejiang University; GPA 3.8/4.0.",
    "论文：ICML 2024，第一作者，《面向大规模图数据的高效训练方法》。",
    "Publication: NeurIPS 2023, second author, Data Selection for Efficient Pretraining.",
    "竞赛：Kaggle 银牌（前 3%）；天池大赛 第二名。",
    "Competitions: ACM-ICPC Asia Regional gold medal; NOIP first prize.",
    "实习：字节跳动 AI Lab，研究实习生，负责大模型训练系统的显存优化。",
    "Internship: Microsoft Research Asia, research intern on graph neural networks.",
    "技能：PyTorch、JAX、CUDA、Spark、SQL；熟悉分布式训练与数据管道。",
    "Skills: Python, C++, PyTorch, Kubernetes; open-source contributor to DGL.",
    "项目：基于扩散模型的分子生成，开源于 GitHub，获得 300 余颗星。",
    "Projects: a data-centric toolkit for label noise, used by three research groups.",
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[1])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="labsite_growth")
    args = parser.parse_args()

    create_database(args.server, args.database)
    state = tempfile.mkdtemp(prefix="bench-growth-")
    benchsite.start(f"{args.server}/{args.database}", state)
    print(f"code: {BASE_DIR}, database: {args.database}, median of {args.runs} runs\n")
    header = (
        "| applications | list ms | filtered ms | name search ms | dashboard ms "
        "| duplicate check ms | CV search: Kaggle ms | CV search: 天池 ms "
        "| CV search: one CV ms | by criteria claimed ms | by criteria corroborated ms "
        "| status page ms | lost-link lookup ms | delete ms "
        "| criterion delete refused ms | direction delete refused ms | translation status ms "
        "| export first byte ms | export total s | export memory MB |"
    )
    results = []
    for size in sorted(args.sizes):
        grow_to(size)
        results.append((size, measure(args.runs)))
        print(header)
        print("|" + "---:|" * 20)
        for size_done, row in results:
            print(f"| {size_done:,} | " + " | ".join(row) + " |", flush=True)
        print()


def create_database(server, name):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def grow_to(size, batch=5000):
    """Add applications (with claims, directions, reviews) until there are `size`."""
    from django.contrib.auth.models import User
    from django.db import connection, transaction
    from django.utils import timezone

    from recruiting.corroboration import search_document
    from recruiting.models import (
        Application,
        Claim,
        CVText,
        Message,
        Position,
        Requirement,
        ResearchDirection,
        Review,
        StageChange,
    )

    rng = random.Random(size)
    positions = list(Position.objects.all())
    requirements = list(Requirement.objects.all())
    directions = list(ResearchDirection.objects.all())
    reviewers = list(User.objects.filter(username__startswith="reviewer"))
    if not reviewers:
        reviewers = [
            User.objects.create_user(f"reviewer{i}", is_staff=True, password=None)
            for i in range(5)
        ]
    stages = [stage for stage, _label in Application.Stage.choices]
    ended = {"accepted", "declined", "rejected", "withdrawn"}
    stage_weights = [50, 15, 8, 3, 3, 3, 15, 3]
    now = timezone.now()
    Through = Application.directions.through
    start = Application.objects.count()
    for first in range(start, size, batch):
        with transaction.atomic():
            applications = []
            for i in range(first, min(first + batch, size)):
                stage = rng.choices(stages, stage_weights)[0]
                submitted = now - timedelta(minutes=rng.randint(0, 60 * 24 * 180))
                applications.append(
                    Application(
                        position=rng.choice(positions),
                        full_name=rng.choice(SURNAMES) + rng.choice(GIVEN) + str(i),
                        email=f"Applicant.{i}@Example{i % 50}.edu.cn",
                        school=rng.choice(SCHOOLS),
                        major="计算机科学与技术",
                        degree=rng.choice(Application.Degree.values),
                        year_of_study=rng.randint(1, 4),
                        graduation_year=2027,
                        start_date=date(2026, 9, 1),
                        duration_months=6,
                        work_mode=Application.WorkMode.ONSITE,
                        statement="我希望参与分布式机器学习系统的研究。" * 10,
                        cv=f"2026/01/{i:08d}.pdf",
                        consent_at=submitted,
                        privacy_notice_version="1",
                        priority=2,
                        corroborated=rng.choice([0, 0, 1, 1, 2]),
                        stage=stage,
                        submitted_at=submitted,
                        ended_at=submitted + timedelta(days=7) if stage in ended else None,
                    )
                )
            Application.objects.bulk_create(applications)
            claims, links, reviews, texts = [], [], [], []
            changes, messages = [], []
            for application in applications:
                if application.stage != "new":
                    changes.append(
                        StageChange(
                            application=application,
                            from_stage="new",
                            to_stage=application.stage,
                            changed_at=application.submitted_at + timedelta(days=3),
                        )
                    )
                if rng.random() < 0.1:
                    changes.append(
                        StageChange(
                            application=application,
                            kind=StageChange.Kind.CORRECTION,
                            from_stage="new",
                            to_stage="new",
                            by_applicant=True,
                            fields=["phone"],
                            changed_at=application.submitted_at + timedelta(hours=1),
                        )
                    )
                if application.stage in ("interview", "offer", "rejected"):
                    messages.append(
                        Message(
                            application=application,
                            kind=Message.Kind.STAGE,
                            stage=application.stage,
                            language="zh-hans",
                            recipients=[application.email],
                            subject="面试邀请",
                            body="你好，" * 40,
                            message_id=f"<bench-{application.pk}@example.org>",
                            state=Message.State.SENT,
                            sent_at=application.submitted_at + timedelta(days=3),
                        )
                    )
                for requirement in rng.sample(requirements, 2):
                    claims.append(
                        Claim(
                            application=application,
                            requirement=requirement,
                            evidence=rng.choice(EVIDENCE),
                            cv_state=rng.choice(["corroborated", "partly", "not_found"]),
                        )
                    )
                # A word only this CV has: its student number.
                lines = rng.sample(CV_LINES, 6) + [f"学号 Student No. S{application.pk:07d}"]
                text = "\n".join(lines * 2)
                texts.append(
                    CVText(
                        application=application,
                        state=CVText.State.READ,
                        pages=2,
                        text=text,
                        search_document=search_document(text),
                    )
                )
                for direction in rng.sample(directions, 2):
                    links.append(
                        Through(application_id=application.pk, researchdirection_id=direction.pk)
                    )
                if rng.random() < 0.35:
                    for reviewer in rng.sample(reviewers, rng.randint(1, 3)):
                        reviews.append(
                            Review(
                                application=application,
                                reviewer=reviewer,
                                rating=rng.randint(1, 5),
                            )
                        )
            Claim.objects.bulk_create(claims)
            CVText.objects.bulk_create(texts)
            Through.objects.bulk_create(links)
            Review.objects.bulk_create(reviews)
            StageChange.objects.bulk_create(changes)
            Message.objects.bulk_create(messages)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def memory_kb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise LookupError(field)


def median_ms(runs, call):
    call()  # warm-up: templates, first queries
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(runs):
    from django.contrib.auth.models import User
    from django.forms.utils import ErrorDict
    from django.test import Client
    from django.urls import reverse

    from recruiting import applicant
    from recruiting.forms import ApplicationForm
    from recruiting.models import Application, Position, Requirement, ResearchDirection

    user = User.objects.filter(username="bench").first()
    if user is None:
        user = User.objects.create_superuser("bench", "bench@example.com", None)
    client = Client()
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    changelist = reverse("admin:recruiting_application_changelist")
    position = Position.objects.order_by("order").first()
    someone = Application.objects.order_by("-pk").first()

    def get(params):
        def call():
            response = client.get(changelist, params)
            assert response.status_code == 200, response.status_code
            response.content  # noqa: B018 (rendered)

        return call

    def dashboard():
        response = client.get(reverse("admin:recruiting_application_dashboard"))
        assert response.status_code == 200

    form = ApplicationForm()

    def duplicate_check():
        # An address that applied (other case) and one that never did: both are typical.
        for email in (someone.email.upper(), "nobody.new@example.org"):
            form.cleaned_data = {"email": email, "position": someone.position}
            form._errors = ErrorDict()
            form.refuse_if_duplicate()

    anonymous = Client()
    followed = Application.objects.filter(stage="interview").order_by("-pk").first() or someone

    def status_page():
        response = anonymous.get(f"/en/apply/status/{followed.token}/")
        assert response.status_code == 200, response.status_code
        assert b"The lab wrote to you" in response.content

    def lost_link_lookup():
        # What the worker looks up for the lost-link page (tasks.send_status_links).
        address = someone.email.upper()
        list(Application.objects.with_email(address).filter(position__slug=position.slug))

    closed = iter(Application.objects.filter(stage="rejected").order_by("-pk")[: runs + 1])

    def delete_one():
        applicant.delete(next(closed), "http://bench.example.org")

    def refused_delete(obj):
        # The confirmation page counts the applications that chose it, and refuses.
        url = reverse(f"admin:recruiting_{obj._meta.model_name}_delete", args=[obj.pk])

        def call():
            response = client.get(url)
            assert b"make it inactive instead" in response.content, response.status_code

        return call

    def translation_status():
        response = client.get(reverse("admin:recruiting_translation_status"))
        assert response.status_code == 200, response.status_code

    criterion = Requirement.objects.order_by("order").first()
    direction = ResearchDirection.objects.filter(parent__isnull=True).order_by("order").first()

    row = [
        median_ms(runs, get({})),
        median_ms(runs, get({"stage__exact": "new", "position__id__exact": position.pk})),
        median_ms(runs, get({"q": someone.full_name})),
        median_ms(runs, dashboard),
        median_ms(runs, duplicate_check) / 2,
        median_ms(runs, get({"cv": "Kaggle"})),
        median_ms(runs, get({"cv": "天池"})),
        median_ms(runs, get({"cv": f"S{someone.pk:07d}"})),
        median_ms(runs, get({"o": "-6"})),
        median_ms(runs, get({"o": "-5"})),
        median_ms(runs, status_page),
        median_ms(runs, lost_link_lookup),
        median_ms(runs, delete_one),
        median_ms(runs, refused_delete(criterion)),
        median_ms(runs, refused_delete(direction)),
        median_ms(runs, translation_status),
    ]
    row = [f"{value:.1f}" for value in row]
    row += export(client, changelist, someone.pk)
    return row


def export(client, changelist, any_pk):
    """(first byte ms, total s, peak memory growth MB) of exporting every application."""
    import gc

    gc.collect()
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # reset VmHWM (the peak) to the current resident size
    before = memory_kb("VmRSS")
    start = time.perf_counter()
    response = client.post(
        changelist,
        {"action": "export_csv", "select_across": "1", "index": "0", "_selected_action": any_pk},
    )
    assert response.status_code == 200, response.status_code
    size = 0
    if response.streaming:
        chunks = iter(response.streaming_content)
        size += len(next(chunks))
        first = time.perf_counter()
        for chunk in chunks:
            size += len(chunk)
    else:
        size = len(response.content)
        first = time.perf_counter()
    total = time.perf_counter() - start
    response.close()
    growth = (memory_kb("VmHWM") - before) / 1024
    assert size > 1000, size
    return [f"{(first - start) * 1000:.0f}", f"{total:.1f}", f"{growth:.1f}"]


if __name__ == "__main__":
    main()
