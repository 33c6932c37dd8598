"""
The admin's lists take from their URL only their own filters' parameters, each with a
value its field accepts: a lookup on a secret (the status token) or one the database
cannot run (an invalid regex, year 99999, a 23-digit id, a NUL character) is a 400 page,
never a 500 nor an answer that tells anything about the secret.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    PositionFactory,
    RequirementFactory,
    ResearchDirectionFactory,
)

APPLICATIONS = reverse("admin:recruiting_application_changelist")
OUTBOX = reverse("admin:recruiting_message_changelist")
DIRECTIONS = reverse("admin:recruiting_researchdirection_changelist")
HUGE = "99999999999999999999999"  # more than any integer column holds


@pytest.fixture
def staff(reviewer_client):
    """The reviewer's client, answering errors with the page a browser would get."""
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies = reviewer_client.cookies
    return client


@pytest.fixture
def application(db):
    return ApplicationFactory(
        claims={RequirementFactory(): "NeurIPS 2024"},
        directions=[ResearchDirectionFactory(parent=ResearchDirectionFactory())],
    )


def assert_bad_request(response):
    assert response.status_code == 400
    assert "This request could not be understood" in response.content.decode()


@pytest.mark.parametrize(
    "lookup",
    ["token", "token__exact", "token__startswith", "token__regex", "token__gt", "token__in"],
)
def test_the_status_token_cannot_be_looked_up_whether_or_not_it_matches(
    staff, application, lookup
):
    for guess in [application.token[:1], application.token, "-"]:
        value = f"^{guess}" if lookup.endswith("regex") else guess
        response = staff.get(APPLICATIONS, {"id": application.pk, lookup: value})

        assert_bad_request(response)


@pytest.mark.parametrize(
    "params",
    [
        {"body__contains": "/status/"},  # an e-mail's text holds the status link
        {"application__token__startswith": "a"},
        {"application__id__exact": "1"},  # not one of the outbox's filters
    ],
    ids=repr,
)
def test_the_outbox_refuses_lookups_on_secrets_and_on_other_fields(staff, application, params):
    assert_bad_request(staff.get(OUTBOX, params))


@pytest.mark.parametrize(
    "params",
    [
        {"email__regex": "("},  # invalid regular expression: a 500 on PostgreSQL
        {"email__iregex": "x"},
        {"submitted_at__year": "99999"},  # no such year: a 500 on both databases
        {"criterion": HUGE},  # OverflowError on SQLite
        {"criterion": "first"},
        {"id": HUGE},
        {"priority__in": HUGE},  # OverflowError on SQLite
        {"position__id__exact": HUGE},
        {"directions__id__exact": HUGE},
        {"stage__exact": "new\x00"},  # NUL: a 500 on PostgreSQL
        {"full_name": "a\x00b"},
        {"stage__exact": "hired-twice"},  # not one of the stages
        {"submitted_at__gte": "99999-01-01"},
        {"submitted_at__gte": "0001-01-01 00:00:00+14:00"},  # before year 1 in UTC
        {"submitted_at__lt": "9999-12-31 23:59:59-12:00"},  # after year 9999 in UTC
    ],
    ids=repr,
)
def test_the_applications_list_answers_400_to_a_lookup_it_cannot_run(staff, application, params):
    assert_bad_request(staff.get(APPLICATIONS, params))


@pytest.mark.parametrize(
    "params",
    [{"created_at__year": "99999"}, {"created_at__year": "2026", "created_at__month": "13"}],
    ids=repr,
)
def test_the_outbox_answers_400_to_a_date_it_cannot_show(staff, application, params):
    assert_bad_request(staff.get(OUTBOX, params))


def filter_links(response):
    """The query string of every choice the list's filters offer."""
    changelist = response.context["cl"]
    return {
        choice["query_string"]
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    }


def test_every_choice_the_applications_filters_offer_is_accepted(staff, application):
    PositionFactory()
    links = filter_links(staff.get(APPLICATIONS))

    assert len(links) > 20
    statuses = {link: staff.get(APPLICATIONS + link).status_code for link in links}
    assert {link for link, status in statuses.items() if status != 200} == set()


def test_the_outbox_date_hierarchy_and_filters_are_accepted(staff, application):
    response = staff.get(OUTBOX, {"created_at__year": "2026", "state__exact": "sent"})

    assert response.status_code == 200
    for link in filter_links(response):
        assert staff.get(OUTBOX + link).status_code == 200, link


def test_the_content_lists_take_their_filters_and_refuse_other_lookups(editor_client):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies = editor_client.cookies

    assert client.get(DIRECTIONS, {"level": "branch"}).status_code == 200
    assert_bad_request(client.get(DIRECTIONS, {"level": "every"}))
    assert_bad_request(client.get(DIRECTIONS, {"slug__regex": "("}))
