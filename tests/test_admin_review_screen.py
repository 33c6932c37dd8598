"""
The reviewer's screen: the decision first, evidence beside the CV, previous and next
through the list as filtered and sorted, "save and review next", her queue (assigned to
her, not yet reviewed by her), and the inline CV response.
"""

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from recruiting.models import Application, Review
from tests.factories import (
    ApplicationFactory,
    RequirementFactory,
    ReviewFactory,
    StaffFactory,
    assert_sandboxed_inline_pdf,
)
from tests.submissions import change_form_data

LIST = reverse("admin:recruiting_application_changelist")


def change_url(application, filters=""):
    url = reverse("admin:recruiting_application_change", args=[application.pk])
    return f"{url}?{urlencode({'_changelist_filters': filters})}" if filters else url


def pk_of(url):
    return int(re.search(r"/application/(\d+)/change/", url).group(1))


def listed(client, filters):
    response = client.get(f"{LIST}?{filters}")
    return [a.pk for a in response.context["cl"].result_list]


def walk(client, first_pk, filters, direction):
    """Follow the screen's previous or next link from `first_pk` to the end: the pks seen."""
    seen = [first_pk]
    url = change_url(Application(pk=first_pk), filters)
    while True:
        response = client.get(url)
        assert response.status_code == 200
        url = response.context["queue"][direction]
        if url is None:
            return seen
        # The link keeps the list's filters and order.
        assert (
            parse_qs(urlsplit(url).query)["_changelist_filters"] == [filters] if filters else True
        )
        seen.append(pk_of(url))
        assert len(seen) < 50, "the links go round in circles"


@pytest.fixture
def varied(reviewer):
    """Twelve applications with ties on priority, some rated by her, some by others."""
    requirements = RequirementFactory.create_batch(3)
    someone = StaffFactory()
    applications = []
    for i in range(12):
        claims = {requirements[j]: f"evidence {j}" for j in range(i % 4)}
        application = ApplicationFactory(
            full_name=f"applicant {i:02}",
            claims=claims,
            stage="screening" if i % 3 == 0 else "new",
            cv=None,
        )
        if i % 2:
            ReviewFactory(application=application, reviewer=reviewer, rating=1 + i % 5)
        if i % 5 == 0:
            ReviewFactory(application=application, reviewer=someone, rating=5)
        applications.append(application)
    return applications


@pytest.mark.django_db
def test_the_screen_opens_with_the_decision_then_evidence_cv_review_and_folded_details(
    reviewer_client,
):
    paper = RequirementFactory(short_title_en="Top paper")
    application = ApplicationFactory(
        full_name="王小明", claims={paper: "First author: https://example.org/paper"}
    )
    html = reviewer_client.get(change_url(application)).content.decode()
    order = [
        html.index('id="review-summary-heading">王小明'),
        html.index('id="review-priority">1<'),
        html.index(">Top paper</h3>"),
        html.index('<iframe class="cv-frame"'),
        html.index('name="reviews-0-rating"'),
        html.index('name="stage"'),
        html.index('name="_savenext"'),
        html.index(">Applicant</h2>"),
    ]
    assert order == sorted(order)
    # The applicant's details are folded away, the decision is not.
    details = html[html.index(">Decision</h2>") - 300 : html.index(">Applicant</h2>")]
    assert details.count("<details>") == 1 and details.rindex("<details>") > details.index(
        'name="stage"'
    )


@pytest.mark.django_db
def test_the_inline_cv_is_sandboxed_private_and_shown_in_the_page(reviewer_client):
    application = ApplicationFactory()
    url = reverse("admin:recruiting_application_cv_inline", args=[application.pk])
    assert f'src="{url}"' in reviewer_client.get(change_url(application)).content.decode()
    response = reviewer_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_sandboxed_inline_pdf(response)
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_inline_cv_is_refused_to_anyone_who_may_not_review(editor_client, roles):
    application = ApplicationFactory()
    url = reverse("admin:recruiting_application_cv_inline", args=[application.pk])
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert editor_client.get(url).status_code == 403
    not_staff = Client()
    not_staff.force_login(StaffFactory(is_staff=False))
    assert not_staff.get(url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        "",  # the default order: most criteria corroborated, then claimed, then newest
        "stage__exact=new",
        # Columns count from the checkbox (0): 1 name, 5 criteria corroborated, 6 criteria
        # claimed, 10 my score, 11 average rating, 12 submitted.
        "o=1",  # by name
        "o=-10",  # by my score, highest first (nullable: unrated last)
        "o=10.1",  # my score ascending, then name
        "o=-11",  # by average rating (blind: hers only where she rated)
        "o=11.-12",  # average ascending, then newest
        "reviewed=todo&o=6",
        "o=5.-6",  # fewest corroborated first, then most claimed
        "q=applicant",
    ],
)
def test_previous_and_next_walk_the_list_as_filtered_and_sorted(reviewer_client, varied, filters):
    expected = listed(reviewer_client, filters)
    assert len(expected) > 2
    assert walk(reviewer_client, expected[0], filters, "next") == expected
    assert walk(reviewer_client, expected[-1], filters, "previous") == expected[::-1]


@pytest.mark.django_db
def test_save_and_review_next_saves_her_review_and_opens_the_next_in_her_queue(
    reviewer_client, reviewer, varied
):
    filters = "reviewed=todo"
    queue = listed(reviewer_client, filters)
    first = Application.objects.get(pk=queue[0])
    data = change_form_data(reviewer_client.get(change_url(first, filters)))
    data.update({"reviews-0-rating": "4", "reviews-0-comment": "Strong", "_savenext": "1"})
    response = reviewer_client.post(change_url(first, filters), data)
    assert response.status_code == 302
    assert pk_of(response["Location"]) == queue[1]
    assert parse_qs(urlsplit(response["Location"]).query)["_changelist_filters"] == [filters]
    assert Review.objects.get(application=first, reviewer=reviewer).rating == 4
    # Out of her "not yet reviewed" queue now; the next one is still found from it.
    assert listed(reviewer_client, filters) == queue[1:]


@pytest.mark.django_db
def test_save_and_review_next_on_the_last_one_goes_back_to_the_list(reviewer_client):
    application = ApplicationFactory()
    data = change_form_data(reviewer_client.get(change_url(application, "stage__exact=new")))
    data.update({"reviews-0-rating": "2", "_savenext": "1"})
    response = reviewer_client.post(change_url(application, "stage__exact=new"), data)
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?stage__exact=new"


@pytest.mark.django_db
def test_the_list_shows_my_score_and_filters_what_i_have_not_reviewed(reviewer_client, reviewer):
    mine = ApplicationFactory(full_name="reviewed by me")
    ApplicationFactory(full_name="not by me")
    ReviewFactory(application=mine, reviewer=reviewer, rating=2)
    response = reviewer_client.get(LIST)
    scores = {a.full_name: a.my_score for a in response.context["cl"].result_list}
    assert scores == {"reviewed by me": 2, "not by me": None}
    assert "My score" in response.content.decode()
    todo = reviewer_client.get(LIST, {"reviewed": "todo"}).context["cl"].result_list
    assert [a.full_name for a in todo] == ["not by me"]
    done = reviewer_client.get(LIST, {"reviewed": "done"}).context["cl"].result_list
    assert [a.full_name for a in done] == ["reviewed by me"]


@pytest.mark.django_db
def test_a_reviewer_with_assignments_starts_from_her_queue_and_can_see_all(
    reviewer_client, reviewer
):
    assigned = ApplicationFactory(full_name="assigned, to do")
    done = ApplicationFactory(full_name="assigned, done")
    ApplicationFactory(full_name="someone else's")
    assigned.assigned_to.add(reviewer)
    done.assigned_to.add(reviewer)
    ReviewFactory(application=done, reviewer=reviewer)
    response = reviewer_client.get(LIST, {"o": "1"})
    # Her queue is a URL: its filters show as chosen, and every link of the list keeps them.
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "o": ["1"],
        "assigned": ["me"],
        "reviewed": ["todo"],
    }
    response = reviewer_client.get(response["Location"])
    assert [a.full_name for a in response.context["cl"].result_list] == ["assigned, to do"]
    html = response.content.decode()
    assert re.search(r'<li class="selected">\s*<a href="\?[^"]*assigned=me[^"]*"', html)
    # "All" of each filter leads out of the queue, and does not lead back to it.
    html = reviewer_client.get(LIST, {"assigned": "me"}).content.decode()
    everyone = re.search(r'<a href="(\?[^"]*assigned=all[^"]*)"', html).group(1)
    everything = reviewer_client.get(LIST + everyone.replace("&amp;", "&"))
    assert everything.status_code == 200
    assert len(everything.context["cl"].result_list) == 3


@pytest.mark.django_db
def test_a_superuser_is_never_sent_to_a_queue(admin_client, admin_user):
    ApplicationFactory().assigned_to.add(admin_user)
    ApplicationFactory()
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 2


@pytest.mark.django_db
def test_without_assignments_the_list_shows_every_application(reviewer_client):
    ApplicationFactory.create_batch(3)
    assert len(reviewer_client.get(LIST).context["cl"].result_list) == 3


@pytest.mark.django_db
def test_applications_are_assigned_on_the_screen_to_reviewers_only(
    reviewer_client, reviewer, editor
):
    colleague = StaffFactory(username="colleague", groups=["reviewers"])
    application = ApplicationFactory()
    response = reviewer_client.get(change_url(application))
    offered = set(response.context["adminform"].form.fields["assigned_to"].queryset)
    assert {reviewer, colleague} <= offered
    assert editor not in offered
    data = change_form_data(response)
    data["assigned_to"] = [str(colleague.pk)]
    assert reviewer_client.post(change_url(application), data).status_code == 302
    assert list(application.assigned_to.all()) == [colleague]
    data["assigned_to"] = [str(editor.pk)]
    refused = reviewer_client.post(change_url(application), data)
    assert refused.status_code == 200
    assert "assigned_to" in refused.context["adminform"].form.errors


@pytest.mark.django_db
def test_assign_to_me_and_unassign_me_in_bulk(reviewer_client, reviewer):
    applications = ApplicationFactory.create_batch(3)
    applications[0].assigned_to.add(reviewer)
    # From the list of all (her bare list is her queue: only what is assigned to her).
    everything = f"{LIST}?stage__exact=new"
    selected = {"_selected_action": [a.pk for a in applications]}
    reviewer_client.post(everything, {"action": "assign_to_me", **selected})
    assert set(reviewer.assigned_applications.all()) == set(applications)
    reviewer_client.post(LIST, {"action": "unassign_me", "_selected_action": [applications[1].pk]})
    assert set(reviewer.assigned_applications.all()) == {applications[0], applications[2]}


@pytest.mark.django_db
def test_moving_to_an_ended_stage_asks_a_second_time(reviewer_client):
    applications = [ApplicationFactory(full_name=n) for n in ("Ada", "Grace")]
    selected = {"action": "move_to_rejected", "_selected_action": [a.pk for a in applications]}
    first = reviewer_client.post(LIST, selected)
    assert "Move 2 applications to “Rejected”?" in first.content.decode()
    second = reviewer_client.post(LIST, {**selected, "post": "yes"})
    html = second.content.decode()
    assert "Really end 2 applications as “Rejected”?" in html
    assert "Ada" in html and "Grace" in html
    assert 'name="end_confirmed" value="yes"' in html
    assert set(Application.objects.values_list("stage", flat=True)) == {"new"}
    reviewer_client.post(LIST, {**selected, "post": "yes", "end_confirmed": "yes"})
    assert set(Application.objects.values_list("stage", flat=True)) == {"rejected"}


@pytest.mark.django_db
def test_ending_an_application_from_its_screen_stops_at_a_confirmation(reviewer_client):
    application = ApplicationFactory()
    data = change_form_data(reviewer_client.get(change_url(application)))
    data["stage"] = "rejected"
    response = reviewer_client.post(change_url(application), data)
    assert response.status_code == 200
    assert "Move 1 application to “Rejected”?" in response.content.decode()
    application.refresh_from_db()
    assert application.stage == "new"


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["small", "large"])
def test_the_screen_runs_the_same_queries_whatever_the_claims_reviews_and_list(
    reviewer_client, reviewer, django_assert_num_queries, size
):
    claims, reviews, others = (1, 1, 1) if size == "small" else (5, 10, 60)
    requirements = RequirementFactory.create_batch(claims)
    application = ApplicationFactory(
        claims=dict.fromkeys(requirements, "evidence, https://example.org")
    )
    ReviewFactory(application=application, reviewer=reviewer, rating=3)
    for _ in range(reviews - 1):
        ReviewFactory(application=application)
    for _ in range(others):
        ApplicationFactory(cv=None)
    url = change_url(application, "stage__exact=new&o=-10")
    reviewer_client.get(url)  # the session and content types, once
    with django_assert_num_queries(SCREEN_QUERIES):
        response = reviewer_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('class="claim"') == claims


# Session, user, permissions (the user's and the groups'); the application (the screen's
# and the form's, each with its position and directions), its claims, others' reviews
# counted, her own review looked for; the CV's text (for the claims' snippets); the queue (the list filters' choices, the current row, previous, next); the reviewers offered for assignment and
# those assigned; the two review inlines; the timeline (stage changes, e-mails); the
# earlier CVs (one query, however many: tests/test_admin_earlier_cvs.py).
SCREEN_QUERIES = 29
