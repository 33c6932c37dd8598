"""
The application form's page is rendered once per language, content version and
preselected position, and served from the page cache without SQL; every visitor still
gets a CSRF token of their own, and a refused form is never cached.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from recruiting.models import Application, Requirement
from tests.submissions import application_data, csrf_token


def preselected(html):
    """The slug of the position ticked on the page, or None."""
    match = re.search(r'name="position" value="([^"]+)"[^>]*checked', html)
    return match.group(1) if match else None


def switcher_link(html, lang):
    return re.search(rf'<a href="([^"]+)" hreflang="{lang}"', html).group(1)


@pytest.mark.parametrize("url", ["/apply/", "/en/apply/", "/en/apply/?position=intern"])
def test_second_visit_to_the_apply_page_runs_no_sql(client, lab, url, django_assert_num_queries):
    first = client.get(url).content.decode()

    with django_assert_num_queries(0):
        second = client.get(url)

    assert second.status_code == 200
    html = second.content.decode()
    assert html.replace(csrf_token(html), "") == first.replace(csrf_token(first), "")


def test_each_visitor_gets_a_token_and_cookie_of_their_own_from_the_cached_page(lab):
    visitors = [Client(), Client()]
    pages = [visitor.get("/en/apply/") for visitor in visitors]

    tokens = [csrf_token(page.content.decode()) for page in pages]
    cookies = [visitor.cookies["csrftoken"].value for visitor in visitors]
    assert all(tokens) and tokens[0] != tokens[1]
    assert all(cookies) and cookies[0] != cookies[1]
    assert all("Cookie" in page.headers["Vary"] for page in pages)  # no shared copy


def test_the_token_on_the_cached_page_is_accepted(lab):
    Client().get("/en/apply/")  # another visitor; the page is now cached
    applicant = Client(enforce_csrf_checks=True)
    page = applicant.get("/en/apply/").content.decode()

    data = {**application_data(lab), "csrfmiddlewaretoken": csrf_token(page)}
    response = applicant.post("/en/apply/", data)

    assert response.status_code == 302
    assert Application.objects.count() == 1


@pytest.mark.parametrize("token", [None, "another visitor's"])
def test_a_form_sent_without_this_visitors_token_is_refused(lab, token):
    other = Client()
    other_token = csrf_token(other.get("/en/apply/").content.decode())
    applicant = Client(enforce_csrf_checks=True)
    applicant.get("/en/apply/")  # from the cache: sets the applicant's own cookie

    data = application_data(lab)
    if token:
        data["csrfmiddlewaretoken"] = other_token
    response = applicant.post("/en/apply/", data)

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_each_open_position_has_its_own_preselected_page(client, lab):
    for _ in range(2):  # rendered, then from the cache
        assert preselected(client.get("/en/apply/?position=intern").content.decode()) == "intern"
        assert preselected(client.get("/en/apply/?position=ra").content.decode()) == "ra"
        assert preselected(client.get("/en/apply/").content.decode()) is None


def test_a_preselected_page_keeps_its_query_string_in_the_language_links(client, lab):
    for _ in range(2):
        html = client.get("/apply/?position=intern").content.decode()
        assert switcher_link(html, "en") == "/en/apply/?position=intern"
        assert switcher_link(client.get("/apply/").content.decode(), "en") == "/en/apply/"


@pytest.mark.parametrize("query", ["position=nope", "position=ra&from=wechat", "x=" + "y" * 300])
def test_a_made_up_query_string_is_rendered_each_time_not_stored(client, lab, query):
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(f"/en/apply/?{query}").content.decode()
        assert queries.captured_queries, "served from the cache"
        assert preselected(html) == ("ra" if query.startswith("position=ra") else None)
        assert switcher_link(html, "zh-Hans") == "/apply/?" + query.replace("&", "&amp;")


def test_a_refused_form_is_never_served_to_the_next_visitor(client, lab):
    client.get("/en/apply/")
    refused = client.post(
        "/en/apply/", application_data(lab, full_name="Refused Applicant", consent=None)
    )
    assert refused.status_code == 422

    html = Client().get("/en/apply/").content.decode()

    assert "Refused Applicant" not in html
    assert "Your application was not sent" not in html


def test_editing_a_criterion_changes_the_apply_page_at_once(client, lab):
    assert "<strong>Top-venue paper</strong>" in client.get("/en/apply/").content.decode()
    requirement = Requirement.objects.get(pk=lab.paper.pk)

    requirement.short_title_en = "Paper at a top venue"
    requirement.save()

    html = client.get("/en/apply/").content.decode()
    assert "<strong>Paper at a top venue</strong>" in html
    assert "<strong>Top-venue paper</strong>" not in html


def test_closing_every_position_shows_at_once_and_the_page_sets_no_cookie(client, lab):
    client.get("/en/apply/")
    for position in (lab.ra, lab.intern):
        position.is_open = False
        position.save()

    for _ in range(2):
        response = Client().get("/en/apply/")
        assert "No positions are open at the moment" in response.content.decode()
        assert "csrftoken" not in response.cookies


def test_the_form_is_still_served_and_accepted_when_redis_does_not_answer(lab, redis_away):
    applicant = Client(enforce_csrf_checks=True)

    page = applicant.get("/en/apply/").content.decode()
    data = {**application_data(lab), "csrfmiddlewaretoken": csrf_token(page)}

    assert applicant.post("/en/apply/", data).status_code == 302
