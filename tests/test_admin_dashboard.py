"""
The staff dashboard: this month against last, positions × stages, directions with their
branches, criteria, the spread of scores, applications per week; every number a link to
the list of exactly those applications.
"""

import datetime
import html as htmllib
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from recruiting import dashboard
from tests.factories import (
    ApplicationFactory,
    PositionFactory,
    RequirementFactory,
    ResearchDirectionFactory,
    ReviewFactory,
    StaffFactory,
)

URL = reverse("admin:recruiting_application_dashboard")
APPLICATIONS = reverse("admin:recruiting_application_changelist")
# Frozen (time_machine): the test and the site read the same week and month, even at
# midnight on the last day of a month.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def local(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def section(html, section_id):
    return html.split(f'id="{section_id}"', 1)[1].split("</table>", 1)[0]


def table(html, table_id):
    """{row label: count} of one of the dashboard's tables."""
    rows = re.findall(
        r'<th scope="row"[^>]*>([^<]*)</th><td class="count"><a href="[^"]*">(\d+)</a></td>',
        section(html, table_id),
    )
    return {label: int(n) for label, n in rows}


def grid(html):
    """{position: [count per stage…, row total]} and the footer's "Total" row."""
    body = section(html, "by-position-and-stage")
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)[1:]:
        label = re.search(r'<th scope="row">([^<]*)</th>', row).group(1)
        rows[label] = [int(n) for n in re.findall(r"<a [^>]*>(\d+)</a>", row)]
    return rows


def links(html):
    """(href, number shown) of every number on the dashboard that is a link."""
    content = html.split('id="content-main"', 1)[1]
    return [
        (htmllib.unescape(href), int(re.search(r"\d+", text).group()))
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', content, re.S)
    ]


def listed_count(response):
    """The count the applications list shows under its rows ("3 applications")."""
    assert response.status_code == 200, response.status_code
    paginator = response.content.decode().split('<p class="paginator">', 1)[1].split("</p>")[0]
    return int(re.search(r"(\d+)\s+applications?\s", paginator).group(1))


@pytest.fixture
def superuser_client(db):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(StaffFactory(username="boss", is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_index_links_to_the_dashboard_for_reviewers(reviewer_client):
    html = reviewer_client.get(reverse("admin:index")).content.decode()
    assert f'href="{URL}"' in html
    assert "Applications dashboard" in html


@pytest.mark.django_db
def test_editors_neither_see_the_link_nor_open_the_dashboard(editor_client):
    assert URL not in editor_client.get(reverse("admin:index")).content.decode()
    assert editor_client.get(URL).status_code == 403


@pytest.mark.django_db
def test_positions_by_stage_with_row_and_column_totals(reviewer_client):
    ra = PositionFactory(title_en="RA")
    intern = PositionFactory(title_zh_hans="实习生", title_en="Intern")
    PositionFactory(title_en="Postdoc")  # no application yet: a row of zeros
    ApplicationFactory(position=ra, cv=None)
    ApplicationFactory(position=ra, stage="interview", cv=None)
    ApplicationFactory(position=intern, stage="rejected", cv=None)
    ApplicationFactory(position=intern, stage="rejected", cv=None)

    html = reviewer_client.get(URL).content.decode()

    assert re.search(r'<p id="total"><a href="[^"]*">\s*4 applications in all.\s*</a>', html)
    head = section(html, "by-position-and-stage").split("</thead>")[0]
    stages = re.findall(r'<th scope="col">([^<]*)</th>', head)
    assert stages[:4] == ["Position", "New", "Screening", "Interview"]
    assert stages[-1] == "Total"
    # New, Screening, Interview, Offer, Accepted, Declined, Rejected, Withdrawn, total
    assert grid(html) == {
        "RA": [1, 0, 1, 0, 0, 0, 0, 0, 2],
        "Intern": [0, 0, 0, 0, 0, 0, 2, 0, 2],
        "Postdoc": [0, 0, 0, 0, 0, 0, 0, 0, 0],
        "Total": [1, 0, 1, 0, 0, 0, 2, 0, 4],
    }


@pytest.mark.django_db
def test_a_parent_direction_counts_each_application_of_it_or_its_branches_once(
    reviewer_client,
):
    apps = ResearchDirectionFactory(title_zh_hans="应用", title_en="Applications", order=1)
    science = ResearchDirectionFactory(title_en="For Science", parent=apps, order=1)
    aigc = ResearchDirectionFactory(title_en="For AIGC", parent=apps, order=2)
    systems = ResearchDirectionFactory(title_zh_hans="系统", title_en="Systems", order=2)
    ApplicationFactory(directions=[science, aigc], cv=None)  # two branches: once
    ApplicationFactory(directions=[apps, science], cv=None)  # parent and branch: once
    ApplicationFactory(directions=[apps, systems], cv=None)
    ApplicationFactory(directions=[systems], cv=None)

    html = reviewer_client.get(URL).content.decode()

    directions = table(html, "by-direction")
    assert directions == {
        "Applications": 3,
        "Applications · For Science": 2,
        "Applications · For AIGC": 1,
        "Systems": 2,
    }
    assert list(directions) == [  # branches right under their parent
        "Applications",
        "Applications · For Science",
        "Applications · For AIGC",
        "Systems",
    ]
    assert html.count('class="branch"') == 2


@pytest.mark.django_db
def test_dashboard_counts_by_criterion(reviewer_client):
    paper = RequirementFactory(short_title_en="Paper")
    contest = RequirementFactory(short_title_en="Contest")
    ApplicationFactory(claims={paper: "x", contest: "y"}, cv=None)
    ApplicationFactory(claims={paper: "x"}, cv=None)
    ApplicationFactory(claims={contest: "y"}, cv=None)
    assert table(reviewer_client.get(URL).content.decode(), "by-criterion") == {
        "Paper": 2,
        "Contest": 2,
    }


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_this_month_against_last_month_in_local_calendar_months(reviewer_client):
    for moment in [
        local(2026, 11, 1, 0, 0),  # the first minute of November in Beijing (Oct 31 UTC)
        local(2026, 11, 25, 9, 0),
        local(2026, 10, 31, 23, 59),  # still October
        local(2026, 10, 1, 0, 0),
        local(2026, 10, 15, 12, 0),
        local(2026, 9, 30, 23, 59),  # too old for either
    ]:
        ApplicationFactory(submitted_at=moment, cv=None)

    html = reviewer_client.get(URL).content.decode()

    months = table(html, "this-month")
    assert months == {"This month (November 2026)": 2, "Last month (October 2026)": 3}
    assert re.search(r'<td class="difference">\N{MINUS SIGN}1</td>', html)


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_this_months_link_is_the_lists_own_this_month_filter(reviewer_client):
    ApplicationFactory(cv=None)
    html = reviewer_client.get(URL).content.decode()
    this_month = re.search(
        r'This month \(November 2026\)</th><td class="count"><a href="([^"]*)"', html
    )
    response = reviewer_client.get(htmllib.unescape(this_month.group(1)))
    choices = [
        choice
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "submitted_at"
        for choice in spec.choices(response.context["cl"])
    ]
    assert [str(c["display"]) for c in choices if c["selected"]] == ["This month"]


@pytest.mark.django_db
def test_superusers_see_the_spread_of_average_scores(superuser_client):
    alice, bob = StaffFactory(), StaffFactory()
    for ratings in [(1,), (2, 3), (3,), (3, 4), (5, 4), (5,)]:  # 2.5 and 4.5 round up
        application = ApplicationFactory(cv=None)
        for reviewer, rating in zip((alice, bob), ratings, strict=False):
            ReviewFactory(application=application, reviewer=reviewer, rating=rating)
    ApplicationFactory.create_batch(2, cv=None)

    scores = table(superuser_client.get(URL).content.decode(), "by-score")

    assert scores == {
        "Average score 1": 1,
        "Average score 2": 0,
        "Average score 3": 2,
        "Average score 4": 1,
        "Average score 5": 2,
        "No review yet": 2,
    }


@pytest.mark.django_db
def test_reviewers_see_how_many_have_no_review_but_not_the_scores(reviewer_client):
    ReviewFactory(rating=5, application=ApplicationFactory(cv=None))
    ReviewFactory(rating=1, application=ApplicationFactory(cv=None))
    ApplicationFactory(cv=None)

    html = reviewer_client.get(URL).content.decode()

    assert table(html, "by-score") == {"No review yet": 1}
    assert "score=" not in html.replace("score=none", "")
    assert "shown to superusers only" in html
    # Nor can she ask the list for a score's applications.
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies = reviewer_client.cookies
    assert client.get(APPLICATIONS, {"score": "5"}).status_code == 400
    assert client.get(APPLICATIONS, {"score": "none"}).status_code == 200


def many_kinds_of_applications():
    """Applications over positions, stages, directions, criteria, months and scores."""
    ra, intern = PositionFactory(title_en="RA"), PositionFactory(title_en="Intern")
    PositionFactory(title_en="Postdoc")
    paper, contest = RequirementFactory(), RequirementFactory()
    parent = ResearchDirectionFactory(title_en="Applications")
    science = ResearchDirectionFactory(title_en="Science", parent=parent)
    aigc = ResearchDirectionFactory(title_en="AIGC", parent=parent)
    systems = ResearchDirectionFactory(title_en="Systems")
    colleague = StaffFactory()
    now = timezone.now()
    kinds = [
        (ra, "new", {paper: "x"}, [science, aigc], 0, (4, 5)),
        (ra, "new", {paper: "x", contest: "y"}, [parent, science], 20, (3,)),
        (ra, "interview", {contest: "y"}, [systems], 40, ()),
        (intern, "rejected", {}, [systems, aigc], 70, (1, 2)),
        (intern, "new", {paper: "x"}, [parent], 3, ()),
        (intern, "offer", {contest: "y"}, [science], 200, (5,)),
    ]
    applications = []
    for position, stage, claims, directions, days_ago, ratings in kinds:
        application = ApplicationFactory(
            position=position,
            stage=stage,
            claims=claims,
            directions=directions,
            submitted_at=now - timedelta(days=days_ago),
            cv=None,
        )
        for who, rating in zip((colleague, StaffFactory()), ratings, strict=False):
            ReviewFactory(application=application, reviewer=who, rating=rating)
        applications.append(application)
    return applications


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who", ["reviewer", "superuser"])
def test_every_number_leads_to_a_list_of_exactly_that_many_applications(
    reviewer_client, reviewer, superuser_client, who
):
    applications = many_kinds_of_applications()
    # A reviewer with an assignment: her bare list is her queue, the dashboard's is not.
    applications[0].assigned_to.add(reviewer)
    client = reviewer_client if who == "reviewer" else superuser_client

    found = links(client.get(URL).content.decode())

    # total 1 + months 2 + weeks 26 + grid 4 × 9 + directions 4 + criteria 2 + scores
    assert len(found) == 1 + 2 + 26 + 36 + 4 + 2 + (6 if who == "superuser" else 1)
    assert sum(n for _, n in found) > 50
    mismatches = [
        (href, n, listed) for href, n in found if (listed := listed_count(client.get(href))) != n
    ]
    assert mismatches == []


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_applications_per_week_over_the_last_26_weeks():
    today = timezone.localdate()
    now = timezone.now()
    ApplicationFactory.create_batch(2, submitted_at=now, cv=None)
    ApplicationFactory(submitted_at=now - timedelta(weeks=2), cv=None)
    ApplicationFactory(submitted_at=now - timedelta(weeks=30), cv=None)  # too old to show
    weeks = dashboard.per_week(today=today)
    assert len(weeks) == 26
    assert weeks[-1].start == today - timedelta(days=today.weekday())
    assert weeks[0].start == weeks[-1].start - timedelta(weeks=25)
    assert [w.count for w in weeks][-3:] == [1, 0, 2]
    assert sum(w.count for w in weeks) == 3


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_weekly_chart_is_an_accessible_server_rendered_svg_without_script(reviewer_client):
    ApplicationFactory(cv=None)
    html = reviewer_client.get(URL).content.decode()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox') :]
    svg = svg[: svg.index("</svg>")]
    bars = re.findall(r'<rect class="week"[^>]*data-count="(\d+)"', svg)
    assert len(bars) == 26
    assert bars[-1] == "1"
    assert 'role="img"' in svg and 'aria-labelledby="week-chart-title"' in svg
    assert '<title id="week-chart-title">1 application over these weeks</title>' in svg
    assert "Applications per week, last 26 weeks" in html
    # Colours from the admin's theme (light or dark), none written in.
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b", svg)
    assert "var(--link-fg)" in svg and 'fill="currentColor"' in svg
    content = html.split('id="content-main"', 1)[1]
    assert "<script" not in content and "<style" not in content


@pytest.mark.django_db
def test_every_table_has_a_caption_and_scoped_headers(superuser_client):
    ApplicationFactory(directions=[ResearchDirectionFactory()], cv=None)
    content = superuser_client.get(URL).content.decode().split('id="content-main"', 1)[1]
    tables = re.findall(r"<table[^>]*>(.*?)</table>", content, re.S)
    assert len(tables) == 6
    for table_html in tables:
        assert "<caption>" in table_html
        assert re.findall(r"<th\b(?![^>]*scope=)", table_html) == []


@pytest.mark.django_db
def test_dashboard_in_chinese(reviewer_client):
    reviewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = reviewer_client.get(URL).content.decode()
    with translation.override("zh-hans"):
        title = gettext("Applications dashboard")
        by_criterion = gettext("By criterion claimed")
        this_month = gettext("This month against last month")
        no_review = gettext("No review yet")
    assert (title, by_criterion) != ("Applications dashboard", "By criterion claimed")
    # Translated by the lead with this change (see the .po file).
    assert (this_month, no_review) != ("This month against last month", "No review yet")
    for text in (title, by_criterion, this_month, no_review):
        assert text in html
    assert '<html lang="zh-hans"' in html


# Session, user, the user's and groups' permissions, then six: positions, positions ×
# stages, directions, criteria, weeks and months, scores.
DASHBOARD_QUERIES = 10


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 40])
@time_machine.travel(NOW, tick=False)
def test_dashboard_runs_a_fixed_number_of_queries(
    superuser_client, django_assert_max_num_queries, how_many
):
    positions = PositionFactory.create_batch(1 + how_many // 10)
    requirements = RequirementFactory.create_batch(1 + how_many // 10)
    parents = ResearchDirectionFactory.create_batch(1 + how_many // 10)
    branches = [ResearchDirectionFactory(parent=parent) for parent in parents]
    reviewers = StaffFactory.create_batch(3)
    for i in range(how_many):
        application = ApplicationFactory(
            position=positions[i % len(positions)],
            claims={requirements[i % len(requirements)]: "x"},
            directions=[parents[i % len(parents)], branches[i % len(branches)]],
            submitted_at=timezone.now() - timedelta(days=i * 3),
            cv=None,
        )
        for reviewer in reviewers[: i % 4]:
            ReviewFactory(application=application, reviewer=reviewer, rating=1 + i % 5)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        html = superuser_client.get(URL).content.decode()
    assert f"{how_many} application{'s' if how_many > 1 else ''} in all." in html
    assert sum(table(html, "by-criterion").values()) == how_many


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_neither_joins_every_application_nor_converts_each_date(superuser_client):
    """
    Counts per direction and criterion come from the foreign keys' indexes (a subquery
    per direction or criterion), weeks and months from ranges of the submitted_at index,
    scores from the reviews alone: no join of every application or claim grouped by
    every column, and no time-zone conversion of every submission date.
    """
    application = ApplicationFactory(
        position=PositionFactory(),
        claims={RequirementFactory(): "evidence"},
        directions=[ResearchDirectionFactory()],
        cv=None,
    )
    ReviewFactory(application=application)
    with CaptureQueriesContext(connection) as queries:
        response = superuser_client.get(URL)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 5
    for sql in counts:
        assert not re.search(r'JOIN "recruiting_(application|claim)"', sql), sql
        assert "AT TIME ZONE" not in sql and "django_datetime_cast_date" not in sql, sql


def names_listed(response):
    assert response.status_code == 200, response.status_code
    return sorted(str(a.full_name) for a in response.context["cl"].result_list)


@pytest.mark.django_db
def test_the_list_of_a_parent_direction_takes_in_its_branches(reviewer_client):
    parent = ResearchDirectionFactory(title_en="Applications")
    branch = ResearchDirectionFactory(title_en="Science", parent=parent)
    other = ResearchDirectionFactory(title_en="Systems")
    ApplicationFactory(full_name="branch", directions=[branch], cv=None)
    ApplicationFactory(full_name="both", directions=[parent, branch], cv=None)
    ApplicationFactory(full_name="other", directions=[other], cv=None)

    assert names_listed(reviewer_client.get(APPLICATIONS, {"direction": parent.pk})) == [
        "both",
        "branch",
    ]
    assert names_listed(reviewer_client.get(APPLICATIONS, {"direction": branch.pk})) == [
        "both",
        "branch",
    ]
    assert names_listed(reviewer_client.get(APPLICATIONS, {"direction": other.pk})) == ["other"]


@pytest.mark.django_db
def test_a_superuser_lists_the_applications_of_one_rounded_score(superuser_client):
    for name, ratings in [("2.5", (2, 3)), ("3", (3,)), ("3.5", (3, 4)), ("none", ())]:
        application = ApplicationFactory(full_name=name, cv=None)
        for rating in ratings:
            ReviewFactory(application=application, rating=rating)

    assert names_listed(superuser_client.get(APPLICATIONS, {"score": "3"})) == ["2.5", "3"]
    assert names_listed(superuser_client.get(APPLICATIONS, {"score": "4"})) == ["3.5"]
    assert names_listed(superuser_client.get(APPLICATIONS, {"score": "none"})) == ["none"]
