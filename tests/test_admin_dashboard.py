"""The staff dashboard: counts by stage, position, direction, criterion, and per week."""

import datetime
import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
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
)

URL = reverse("admin:recruiting_application_dashboard")
# Frozen (time_machine): the test and the site read the same week, even at midnight on a Sunday.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


def table(html, table_id):
    """{label: count} of one of the dashboard's tables."""
    section = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">([^<]*)</th><td class="count">(\d+)</td>', section)
    return {label: int(n) for label, n in rows}


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
def test_dashboard_counts_by_stage_position_direction_and_criterion(reviewer_client):
    ra = PositionFactory(title_en="RA")
    intern = PositionFactory(title_zh_hans="实习生", title_en="Intern")
    paper = RequirementFactory(short_title_en="Paper")
    contest = RequirementFactory(short_title_en="Contest")
    apps = ResearchDirectionFactory(title_zh_hans="应用", title_en="Applications")
    science = ResearchDirectionFactory(title_zh_hans="科学", title_en="For Science", parent=apps)
    systems = ResearchDirectionFactory(title_zh_hans="系统", title_en="Systems")
    ApplicationFactory(
        position=ra, claims={paper: "x", contest: "y"}, directions=[science, systems]
    )
    ApplicationFactory(position=ra, claims={paper: "x"}, directions=[systems], stage="interview")
    ApplicationFactory(position=intern, claims={contest: "y"}, stage="rejected")

    html = reviewer_client.get(URL).content.decode()
    assert "3 applications in all." in html
    stages = table(html, "by-stage")
    assert list(stages)[:3] == ["New", "Screening", "Interview"]
    assert (stages["New"], stages["Interview"], stages["Rejected"], stages["Offer"]) == (
        1,
        1,
        1,
        0,
    )
    assert table(html, "by-position") == {"RA": 2, "Intern": 1}
    assert table(html, "by-direction") == {
        "Applications": 0,
        "Applications · For Science": 1,
        "Systems": 2,
    }
    assert table(html, "by-criterion") == {"Paper": 2, "Contest": 2}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_applications_per_week_over_the_last_26_weeks():
    today = timezone.localdate()
    now = timezone.now()
    ApplicationFactory.create_batch(2, submitted_at=now)
    ApplicationFactory(submitted_at=now - timedelta(weeks=2))
    ApplicationFactory(submitted_at=now - timedelta(weeks=30))  # too old to show
    weeks = dashboard.per_week(today=today)
    assert len(weeks) == 26
    assert weeks[-1].start == today - timedelta(days=today.weekday())
    assert weeks[0].start == weeks[-1].start - timedelta(weeks=25)
    assert [w.count for w in weeks][-3:] == [1, 0, 2]
    assert sum(w.count for w in weeks) == 3


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_weekly_chart_is_a_server_rendered_svg_without_script(reviewer_client):
    ApplicationFactory()
    html = reviewer_client.get(URL).content.decode()
    svg = html[html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox') :]
    svg = svg[: svg.index("</svg>")]
    bars = re.findall(r'<rect class="week"[^>]*data-count="(\d+)"', svg)
    assert len(bars) == 26
    assert bars[-1] == "1"
    assert "Applications per week, last 26 weeks" in html
    content = html.split('id="content-main"', 1)[1]
    assert "<script" not in content


@pytest.mark.django_db
def test_dashboard_in_chinese(reviewer_client):
    reviewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    html = reviewer_client.get(URL).content.decode()
    with translation.override("zh-hans"):
        title = gettext("Applications dashboard")
        by_stage = gettext("By stage")
    assert (title, by_stage) != ("Applications dashboard", "By stage")
    assert title in html and by_stage in html
    assert '<html lang="zh-hans"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 60])
@time_machine.travel(NOW, tick=False)
def test_dashboard_runs_a_fixed_number_of_queries(
    reviewer_client, django_assert_num_queries, how_many
):
    position = PositionFactory()
    requirement = RequirementFactory()
    direction = ResearchDirectionFactory()
    for i in range(how_many):
        ApplicationFactory(
            position=position,
            claims={requirement: "x"},
            directions=[direction],
            submitted_at=timezone.now() - timedelta(days=i * 3),
            cv=None,
        )
    # Session, user, the user's and groups' permissions, then five counts.
    with django_assert_num_queries(9):
        html = reviewer_client.get(URL).content.decode()
    assert f"{how_many} application{'s' if how_many > 1 else ''} in all." in html
    assert table(html, "by-criterion") == {requirement.short_title_en: how_many}


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_neither_joins_every_application_nor_converts_each_date(reviewer_client):
    """
    Counts per position, direction and criterion come from the foreign keys' indexes
    (a subquery per position, direction or criterion), and weeks from ranges of the
    submitted_at index: no join of every application, claim or direction link grouped
    by every column, and no time-zone conversion of every submission date.
    """
    ApplicationFactory(
        position=PositionFactory(),
        claims={RequirementFactory(): "evidence"},
        directions=[ResearchDirectionFactory()],
        cv=None,
    )
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(URL)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 5
    for sql in counts:
        assert not re.search(r'JOIN "recruiting_(application|claim)', sql), sql
        assert "AT TIME ZONE" not in sql and "django_datetime_cast_date" not in sql, sql
        assert 'COUNT("recruiting_' not in sql, sql  # COUNT(*): index-only scans
