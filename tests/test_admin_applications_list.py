"""The applications list in the admin: columns, order, filters, search, query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiting import admin as admin_module
from recruiting.models import Application
from tests.factories import (
    ApplicationFactory,
    PositionFactory,
    RequirementFactory,
    ResearchDirectionFactory,
    ReviewFactory,
    StaffFactory,
)

URL = reverse("admin:recruiting_application_changelist")


def names_listed(response):
    return [a.full_name for a in response.context["cl"].result_list]


@pytest.mark.django_db
def test_list_shows_the_columns_staff_sort_by(reviewer_client):
    application = ApplicationFactory(
        full_name="王小明", school="清华大学", claims={RequirementFactory(): "ICML"}
    )
    response = reviewer_client.get(URL)
    html = response.content.decode()
    # Each row can be selected for an action.
    assert (
        f'<input type="checkbox" name="_selected_action" value="{application.pk}" '
        'class="action-select" aria-label="Select this object for an action - 王小明 · '
    ) in html
    for header in [
        "Full name",
        "Position",
        "School",
        "Current degree",
        "Criteria corroborated",
        "Criteria claimed",
        "Stage",
        "Average rating",
        "Submitted",
    ]:
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert "王小明" in html
    assert "清华大学" in html
    assert "Open CV" in html


@pytest.mark.django_db
def test_most_criteria_first_then_newest(reviewer_client):
    now = timezone.now()
    ApplicationFactory(full_name="old one", priority=1, submitted_at=now - timedelta(2))
    ApplicationFactory(full_name="new one", priority=1, submitted_at=now)
    ApplicationFactory(full_name="three", priority=3, submitted_at=now - timedelta(9))
    ApplicationFactory(full_name="none", priority=0, submitted_at=now)
    response = reviewer_client.get(URL)
    assert names_listed(response) == ["three", "new one", "old one", "none"]


@pytest.mark.django_db
def test_average_rating_shows_once_the_reviewer_has_rated_it_too(reviewer_client, reviewer):
    application = ApplicationFactory(full_name="rated")
    ApplicationFactory(full_name="unrated")
    ReviewFactory(application=application, rating=4)
    ReviewFactory(application=application, rating=5)

    def averages():
        response = reviewer_client.get(URL)
        by_name = {a.full_name: a.average_rating for a in response.context["cl"].result_list}
        return by_name, response.content.decode()

    # Blind: colleagues' ratings do not anchor hers.
    assert averages()[0] == {"rated": None, "unrated": None}
    ReviewFactory(application=application, reviewer=reviewer, rating=3)
    by_name, html = averages()
    assert by_name == {"rated": 4.0, "unrated": None}
    assert ">4.0<" in html


@pytest.mark.django_db
def test_a_superuser_sees_every_average_rating(admin_client):
    application = ApplicationFactory(full_name="rated")
    ReviewFactory(application=application, rating=4)
    ReviewFactory(application=application, rating=5)
    response = admin_client.get(URL)
    assert [a.average_rating for a in response.context["cl"].result_list] == [4.5]
    assert ">4.5<" in response.content.decode()


@pytest.mark.django_db
def test_filter_by_stage(reviewer_client):
    ApplicationFactory(full_name="new")
    ApplicationFactory(full_name="in interview", stage=Application.Stage.INTERVIEW)
    assert names_listed(reviewer_client.get(URL, {"stage__exact": "interview"})) == [
        "in interview"
    ]


@pytest.mark.django_db
def test_filter_by_position(reviewer_client):
    intern = PositionFactory(title_zh_hans="实习生", title_en="Intern")
    ApplicationFactory(full_name="ra")
    ApplicationFactory(position=intern, full_name="intern")
    response = reviewer_client.get(URL, {"position__id__exact": intern.pk})
    assert names_listed(response) == ["intern"]


@pytest.mark.django_db
def test_filter_by_research_direction_names_branches_and_a_parent_includes_them(
    reviewer_client,
):
    parent = ResearchDirectionFactory(title_zh_hans="DCML应用", title_en="DCML Applications")
    branch = ResearchDirectionFactory(title_zh_hans="For Science", parent=parent)
    other = ResearchDirectionFactory(title_zh_hans="DCML系统", title_en="DCML Systems")
    ApplicationFactory(full_name="science", directions=[branch, other])
    ApplicationFactory(full_name="systems", directions=[other])
    ApplicationFactory(full_name="applications", directions=[parent])
    response = reviewer_client.get(URL, {"direction": branch.pk})
    assert names_listed(response) == ["science"]
    assert "DCML Applications · For Science" in response.content.decode()
    response = reviewer_client.get(URL, {"direction": other.pk})
    assert sorted(names_listed(response)) == ["science", "systems"]
    response = reviewer_client.get(URL, {"direction": parent.pk})
    assert sorted(names_listed(response)) == ["applications", "science"]


@pytest.mark.django_db
def test_filter_by_each_criterion_claimed(reviewer_client):
    paper = RequirementFactory(short_title_en="Top paper")
    contest = RequirementFactory(short_title_en="Competition")
    ApplicationFactory(full_name="paper", claims={paper: "NeurIPS 2024"})
    ApplicationFactory(full_name="both", claims={paper: "ICML", contest: "ACM-ICPC gold"})
    ApplicationFactory(full_name="contest", claims={contest: "Kaggle"})
    assert sorted(names_listed(reviewer_client.get(URL, {"criterion": paper.pk}))) == [
        "both",
        "paper",
    ]
    assert sorted(names_listed(reviewer_client.get(URL, {"criterion": contest.pk}))) == [
        "both",
        "contest",
    ]
    assert "Competition" in reviewer_client.get(URL).content.decode()


@pytest.mark.django_db
def test_filter_by_degree(reviewer_client):
    ApplicationFactory(full_name="master")
    ApplicationFactory(full_name="phd", degree=Application.Degree.PHD)
    assert names_listed(reviewer_client.get(URL, {"degree__exact": "phd"})) == ["phd"]


@pytest.mark.django_db
def test_filter_by_submitted_date(reviewer_client):
    ApplicationFactory(full_name="today")
    ApplicationFactory(full_name="last year", submitted_at=timezone.now() - timedelta(days=400))
    response = reviewer_client.get(URL)
    week_link = next(
        choice["query_string"]
        for spec in response.context["cl"].filter_specs
        if spec.title == "submitted"
        for choice in spec.choices(response.context["cl"])
        if choice["display"] == "Past 7 days"
    )
    assert names_listed(reviewer_client.get(URL + week_link)) == ["today"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, expected",
    [
        ("李雷", ["李雷"]),
        ("lilei@pku", ["李雷"]),
        ("复旦", ["韩梅梅"]),
        ("NeurIPS", ["李雷"]),
        ("neurips", ["李雷"]),
        ("李雷 NeurIPS", ["李雷"]),  # every word, each in any of the fields
        ("韩梅梅 NeurIPS", []),
        ('"competition track"', ["李雷"]),
    ],
)
def test_search_by_name_email_school_and_evidence(reviewer_client, term, expected):
    paper = RequirementFactory(short_title_en="Top paper")
    contest = RequirementFactory(short_title_en="Competition")
    ApplicationFactory(
        full_name="李雷",
        email="lilei@pku.edu.cn",
        claims={paper: "First author, NeurIPS 2024", contest: "NeurIPS competition track"},
    )
    ApplicationFactory(full_name="韩梅梅", school="复旦大学", claims={paper: "ICML"})
    # Evidence matching in two claims of one application lists it once.
    assert names_listed(reviewer_client.get(URL, {"q": term})) == expected


@pytest.mark.django_db
def test_staff_cannot_add_an_application_in_the_admin(reviewer_client):
    response = reviewer_client.get(URL)
    assert reverse("admin:recruiting_application_add") not in response.content.decode()
    assert reviewer_client.get(reverse("admin:recruiting_application_add")).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("read_by_id", [500, 1])
def test_search_neither_joins_the_claims_nor_needs_distinct(
    reviewer_client, monkeypatch, read_by_id
):
    """Evidence is searched with a subquery: a join repeats applications, needs DISTINCT."""
    monkeypatch.setattr(admin_module, "SEARCH_IDS_AT_ONCE", read_by_id)
    requirement = RequirementFactory()
    ApplicationFactory(full_name="李雷", claims={requirement: "NeurIPS 2024"})
    ApplicationFactory(full_name="韩梅梅", claims={requirement: "NeurIPS 2025"})
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(URL, {"q": "NeurIPS"})
    assert sorted(names_listed(response)) == ["李雷", "韩梅梅"]
    searched = [q["sql"] for q in queries if "NeurIPS" in q["sql"]]
    # Found few: searched once, then the list reads them by id. Found many: the list's
    # count and page search too.
    assert len(searched) == (1 if read_by_id >= 2 else 3)
    for sql in searched:
        assert "DISTINCT" not in sql.upper()
        assert 'JOIN "recruiting_claim"' not in sql
        assert 'IN (SELECT U0."application_id" AS "application_id" FROM "recruiting_claim"' in sql


def count_queries(queries):
    return [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*)")]


@pytest.mark.django_db
def test_a_filtered_list_counts_only_its_own_rows(reviewer_client):
    """No second count of every application ("N of M selected" shows no M)."""
    ApplicationFactory(full_name="in interview", stage=Application.Stage.INTERVIEW)
    ApplicationFactory()
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(URL, {"stage__exact": "interview"})
    assert names_listed(response) == ["in interview"]
    [count] = count_queries(queries)
    assert "interview" in count


@pytest.mark.django_db
def test_filters_never_count_every_application_for_facets(reviewer_client):
    ApplicationFactory.create_batch(2)
    with CaptureQueriesContext(connection) as plain:
        reviewer_client.get(URL)
    with CaptureQueriesContext(connection) as asked:
        response = reviewer_client.get(URL, {"_facets": "True"})
    assert response.status_code == 200
    assert len(asked) == len(plain)
    assert len(count_queries(asked)) == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_default_order_is_read_from_an_index_on_postgresql(reviewer_client):
    """A page of the list is the first rows of an index, not a sort of every application."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    ApplicationFactory.create_batch(101, cv=None, position=PositionFactory())  # two pages
    with CaptureQueriesContext(connection) as queries:
        reviewer_client.get(URL)
    [page] = [q["sql"] for q in queries if " LIMIT 100" in q["sql"]]
    with connection.cursor() as cursor:
        # Few rows: let the plan show what could serve the order, not what is cheapest.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("EXPLAIN " + page)
        plan = "\n".join(line for (line,) in cursor.fetchall())
    applications = plan.split("SubPlan")[0]  # the subqueries of a row's columns aside
    assert "Index Scan using application_list_idx on recruiting_application" in applications
    assert "Sort" not in applications, plan


# Session, user, the user's and their groups' permissions, whether the reviewer has
# applications assigned (the bare list then opens her queue), the filters' choices
# (positions, directions, criteria), the count and the page of applications (ratings and
# her own score included) and their claims (the "claims in the CV" column): the same for
# 1 or 200 rows. A search asks about assignments
# no more but reads its matches once more (get_search_results).
LIST_QUERIES = 11


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 200])
def test_list_runs_the_same_number_of_queries_for_1_and_200_applications(
    reviewer_client, django_assert_num_queries, how_many
):
    positions = PositionFactory.create_batch(2)
    requirements = RequirementFactory.create_batch(5)
    branch = ResearchDirectionFactory(parent=ResearchDirectionFactory())
    someone = StaffFactory()
    for i in range(how_many):
        application = ApplicationFactory(
            position=positions[i % 2],
            claims={requirements[i % 5]: "evidence"},
            directions=[branch],
            cv=None,
        )
        ReviewFactory(application=application, reviewer=someone, rating=1 + i % 5)
    with django_assert_num_queries(LIST_QUERIES):
        response = reviewer_client.get(URL)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(how_many, 100)
    with django_assert_num_queries(LIST_QUERIES):
        response = reviewer_client.get(URL, {"all": ""})
    assert len(response.context["cl"].result_list) == how_many
    with django_assert_num_queries(LIST_QUERIES):
        response = reviewer_client.get(URL, {"q": "evidence"})
    assert len(response.context["cl"].result_list) == min(how_many, 100)
