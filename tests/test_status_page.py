"""The applicant's private status page, and the thank-you page that gives its link."""

import datetime

import pytest
from django.utils import translation

from recruiting.models import Application, Message
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


def test_the_status_page_offers_what_the_applicant_may_do_now(client, application):
    html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    token = application.token
    assert f'<a href="/en/apply/status/{token}/correct/">Correct your application</a>' in html
    assert f'<a href="/en/apply/status/{token}/cv/">Replace your CV</a>' in html
    assert f'href="/en/apply/status/{token}/withdraw/">Withdraw my application</a>' in html
    assert "/delete/" not in html, "deleting comes after withdrawing"
    assert 'href="/en/privacy/"' in html

    application.move_to(Application.Stage.SCREENING)
    html = client.get(f"/en/apply/status/{token}/").content.decode()
    assert "Update your contact details" in html
    assert "Send a newer CV" in html
    assert "Correct your application" not in html

    application.move_to(Application.Stage.OFFER)
    html = client.get(f"/en/apply/status/{token}/").content.decode()
    assert "/withdraw/" not in html
    assert "please answer its e-mail about the offer" in html

    application.move_to(Application.Stage.DECLINED)
    html = client.get(f"/en/apply/status/{token}/").content.decode()
    assert f'href="/en/apply/status/{token}/delete/">Delete my data</a>' in html
    assert "/correct/" not in html and "/cv/" not in html


@pytest.mark.parametrize("token", ["unknown", "x" * 32, "a" * 65])
def test_an_unknown_token_is_not_found(client, db, token):
    assert client.get(f"/apply/status/{token}/").status_code == 404
    assert client.get(f"/en/apply/thanks/{token}/").status_code == 404


def test_the_status_page_costs_four_queries_however_long_its_history(
    client, application, django_assert_max_num_queries
):
    # The application, its stage history, the lab's e-mails, whether it was reviewed.
    with django_assert_max_num_queries(4):
        response = client.get(f"/en/apply/status/{application.token}/")
    html = response.content.decode()
    assert "Research assistant (RA)" in html
    assert "<strong>New</strong>" in html

    for stage in ["screening", "interview", "screening", "interview"] * 3:
        application.move_to(stage)
    for number in range(5):
        Message.objects.create(
            application=application,
            kind=Message.Kind.STAGE,
            stage="interview",
            language="en",
            subject=f"Interview {number}",
            body="Hello",
            message_id=f"<{number}@test>",
            state=Message.State.SENT,
        )
    with django_assert_max_num_queries(4):
        html = client.get(f"/en/apply/status/{application.token}/").content.decode()
    assert html.count("The lab moved your application to") == 12
    assert html.count("The lab wrote to you: Interview") == 5


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
