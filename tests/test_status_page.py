"""The applicant's private status page, and the thank-you page that gives its link."""

import datetime

import pytest
from django.utils import translation

from recruiting.models import Application
from tests.factories import ApplicationFactory, ReviewFactory


@pytest.fixture
def application(db):
    """An application for 研究助理（RA）, "Research assistant (RA)" in English."""
    return ApplicationFactory(
        submitted_at=datetime.datetime(2025, 3, 9, 10, 0, tzinfo=datetime.UTC),
    )


def test_the_status_page_shows_position_date_and_stage_in_chinese(client, application):
    response = client.get(f"/apply/status/{application.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "研究助理（RA）" in html
    assert "2025年3月9日" in html
    assert "<strong>已提交</strong> — 你的申请已收到，正在等待审阅。" in html


def test_the_status_page_in_english(client, application):
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    assert "Research assistant (RA)" in html
    assert "March 9, 2025" in html
    assert "<strong>New</strong> — Your application has arrived and is waiting to be read." in html


@pytest.mark.parametrize("stage", Application.Stage.values)
def test_every_stage_is_explained_in_plain_words_in_both_languages(client, application, stage):
    Application.objects.filter(pk=application.pk).update(stage=stage)
    english = client.get(f"/en/apply/status/{application.token}/").content.decode()
    chinese = client.get(f"/apply/status/{application.token}/").content.decode()
    with translation.override("en"):
        label = str(Application.Stage(stage).label)
    with_en = english.split(f"<strong>{label}</strong> — ")[1].split("</dd>")[0]
    assert len(with_en) > 15
    assert with_en not in chinese  # translated, not left in English


def test_the_status_page_never_shows_reviews_ratings_or_notes(client, application):
    ReviewFactory(application=application, rating=2, comment="SECRET-REVIEW-NOTE")
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    assert "SECRET-REVIEW-NOTE" not in html
    assert "rating" not in html.lower()
    assert "reviewer" not in html.split("<main")[1].lower().replace("reviewers", "")


def test_the_status_page_shows_nothing_personal(client, application):
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    for private in [application.email, application.full_name, application.school]:
        assert private not in html


def test_the_status_page_is_not_indexed_nor_cached(client, application):
    response = client.get(f"/en/apply/status/{application.token}/")
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_status_page_says_how_to_withdraw_or_delete(client, application):
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    assert "reply to the confirmation e-mail" in html
    assert 'href="/en/privacy/"' in html


@pytest.mark.parametrize("token", ["unknown", "x" * 32, "a" * 65])
def test_an_unknown_token_is_not_found(client, db, token):
    assert client.get(f"/apply/status/{token}/").status_code == 404
    assert client.get(f"/en/apply/thanks/{token}/").status_code == 404


def test_the_status_page_costs_one_query(client, application, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(f"/en/apply/status/{application.token}/")
    html = response.content.decode()
    assert "Research assistant (RA)" in html
    assert "<strong>New</strong>" in html


def test_status_tokens_are_unguessable(db):
    tokens = {application.token for application in ApplicationFactory.create_batch(20)}
    assert len(tokens) == 20
    assert all(len(token) == 32 for token in tokens)  # base64 of 24 random bytes


def test_the_thank_you_page_shows_the_absolute_status_link(client, application):
    response = client.get(f"/en/apply/thanks/{application.token}/")
    html = response.content.decode()
    link = f"http://testserver/en/apply/status/{application.token}/"
    assert f'<a href="{link}">{link}</a>' in html
    assert "Thank you for your application" in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "no-store" in response["Cache-Control"]


def test_the_thank_you_page_in_chinese(client, application):
    html = client.get(f"/apply/thanks/{application.token}/").content.decode()
    assert "感谢你的申请" in html
    assert f"http://testserver/apply/status/{application.token}/" in html


def test_the_status_page_answers_no_post(client, application):
    assert client.post(f"/en/apply/status/{application.token}/").status_code == 405


def test_the_status_follows_the_stage_the_lab_sets(client, application):
    application.move_to(Application.Stage.INTERVIEW)
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    assert "<strong>Interview</strong>" in html
