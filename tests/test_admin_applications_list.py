"""The applications list in the admin: columns, order, filters, search, query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from recruiting.models import Application, Review
from tests.admin_factories import (
    make_application,
    make_direction,
    make_position,
    make_requirement,
    make_staff,
)

URL = reverse("admin:recruiting_application_changelist")


@pytest.fixture
def staff_client(client, roles):
    client.force_login(make_staff("reviewer", groups=["reviewers"]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def names_listed(response):
    return [a.full_name for a in response.context["cl"].result_list]


@pytest.mark.django_db
def test_list_shows_the_columns_staff_sort_by(staff_client, cv_storage):
    application = make_application(
        full_name="王小明", school="清华大学", claims={make_requirement(): "ICML"}
    )
    response = staff_client.get(URL)
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
        "Criteria met",
        "Stage",
        "Average rating",
        "Submitted",
    ]:
        assert f">{header}<" in html or f">{header}</a>" in html, header
    assert "王小明" in html
    assert "清华大学" in html
    assert "Open CV" in html


@pytest.mark.django_db
def test_most_criteria_first_then_newest(staff_client):
    position = make_position()
    now = timezone.now()
    make_application(position, full_name="old one", priority=1, submitted_at=now - timedelta(2))
    make_application(position, full_name="new one", priority=1, submitted_at=now)
    make_application(position, full_name="three", priority=3, submitted_at=now - timedelta(9))
    make_application(position, full_name="none", priority=0, submitted_at=now)
    response = staff_client.get(URL)
    assert names_listed(response) == ["three", "new one", "old one", "none"]


@pytest.mark.django_db
def test_average_rating_of_the_reviews_shows_in_the_list(staff_client, roles):
    application = make_application(full_name="rated")
    make_application(full_name="unrated")
    for i, rating in enumerate([4, 5]):
        Review.objects.create(application=application, reviewer=make_staff(f"r{i}"), rating=rating)
    response = staff_client.get(URL)
    by_name = {a.full_name: a.average_rating for a in response.context["cl"].result_list}
    assert by_name == {"rated": 4.5, "unrated": None}
    assert ">4.5<" in response.content.decode()


@pytest.mark.django_db
def test_filter_by_stage(staff_client):
    make_application(full_name="new")
    make_application(full_name="in interview", stage=Application.Stage.INTERVIEW)
    assert names_listed(staff_client.get(URL, {"stage__exact": "interview"})) == ["in interview"]


@pytest.mark.django_db
def test_filter_by_position(staff_client):
    intern = make_position("实习生", "Intern")
    make_application(full_name="ra")
    make_application(intern, full_name="intern")
    response = staff_client.get(URL, {"position__id__exact": intern.pk})
    assert names_listed(response) == ["intern"]


@pytest.mark.django_db
def test_filter_by_research_direction_names_branches_with_their_parent(staff_client):
    parent = make_direction("DCML应用", title_en="DCML Applications")
    branch = make_direction("For Science", parent=parent)
    other = make_direction("DCML系统", title_en="DCML Systems")
    make_application(full_name="science", directions=[branch, other])
    make_application(full_name="systems", directions=[other])
    response = staff_client.get(URL, {"directions__id__exact": branch.pk})
    assert names_listed(response) == ["science"]
    assert "DCML Applications · For Science" in response.content.decode()
    response = staff_client.get(URL, {"directions__id__exact": other.pk})
    assert sorted(names_listed(response)) == ["science", "systems"]


@pytest.mark.django_db
def test_filter_by_each_criterion_claimed(staff_client):
    paper = make_requirement("顶会论文", "Top paper")
    contest = make_requirement("竞赛", "Competition")
    make_application(full_name="paper", claims={paper: "NeurIPS 2024"})
    make_application(full_name="both", claims={paper: "ICML", contest: "ACM-ICPC gold"})
    make_application(full_name="contest", claims={contest: "Kaggle"})
    assert sorted(names_listed(staff_client.get(URL, {"criterion": paper.pk}))) == [
        "both",
        "paper",
    ]
    assert sorted(names_listed(staff_client.get(URL, {"criterion": contest.pk}))) == [
        "both",
        "contest",
    ]
    assert "Competition" in staff_client.get(URL).content.decode()


@pytest.mark.django_db
def test_filter_by_degree(staff_client):
    make_application(full_name="master")
    make_application(full_name="phd", degree=Application.Degree.PHD)
    assert names_listed(staff_client.get(URL, {"degree__exact": "phd"})) == ["phd"]


@pytest.mark.django_db
def test_filter_by_submitted_date(staff_client):
    make_application(full_name="today")
    make_application(full_name="last year", submitted_at=timezone.now() - timedelta(days=400))
    response = staff_client.get(URL)
    week_link = next(
        choice["query_string"]
        for spec in response.context["cl"].filter_specs
        if spec.title == "submitted"
        for choice in spec.choices(response.context["cl"])
        if choice["display"] == "Past 7 days"
    )
    assert names_listed(staff_client.get(URL + week_link)) == ["today"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "term, expected",
    [
        ("李雷", ["李雷"]),
        ("lilei@pku", ["李雷"]),
        ("复旦", ["韩梅梅"]),
        ("NeurIPS", ["李雷"]),
    ],
)
def test_search_by_name_email_school_and_evidence(staff_client, term, expected):
    paper = make_requirement("顶会论文", "Top paper")
    contest = make_requirement("竞赛", "Competition")
    make_application(
        full_name="李雷",
        email="lilei@pku.edu.cn",
        claims={paper: "First author, NeurIPS 2024", contest: "NeurIPS competition track"},
    )
    make_application(full_name="韩梅梅", school="复旦大学", claims={paper: "ICML"})
    # Evidence matching in two claims of one application lists it once.
    assert names_listed(staff_client.get(URL, {"q": term})) == expected


@pytest.mark.django_db
def test_staff_cannot_add_an_application_in_the_admin(staff_client):
    response = staff_client.get(URL)
    assert reverse("admin:recruiting_application_add") not in response.content.decode()
    assert staff_client.get(reverse("admin:recruiting_application_add")).status_code == 403


# Session, user, the user's and their groups' permissions, the filters' choices
# (positions, directions, criteria), the count, the full count and the page of
# applications (ratings included): the same for 1 or 200 rows.
LIST_QUERIES = 10


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 200])
def test_list_runs_the_same_number_of_queries_for_1_and_200_applications(
    staff_client, django_assert_num_queries, how_many
):
    positions = [make_position("研究助理", "RA"), make_position("实习生", "Intern")]
    requirements = [make_requirement(f"criterion {i}") for i in range(5)]
    direction = make_direction("DCML应用")
    branch = make_direction("For Science", parent=direction)
    reviewer = make_staff("someone")
    for i in range(how_many):
        application = make_application(
            positions[i % 2],
            claims={requirements[i % 5]: "evidence"},
            directions=[branch],
            cv=False,
        )
        Review.objects.create(application=application, reviewer=reviewer, rating=1 + i % 5)
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(URL)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == min(how_many, 100)
    with django_assert_num_queries(LIST_QUERIES):
        response = staff_client.get(URL, {"all": ""})
    assert len(response.context["cl"].result_list) == how_many
