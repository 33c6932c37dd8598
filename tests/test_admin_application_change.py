"""One application in the admin: what the applicant wrote is read-only, claims shown."""

import re

import pytest
from django.urls import reverse

from recruiting.models import Application, StageChange
from tests.factories import ApplicationFactory, RequirementFactory
from tests.submissions import change_form_data


def change_url(application):
    return reverse("admin:recruiting_application_change", args=[application.pk])


@pytest.mark.django_db
def test_applicant_data_is_shown_but_not_editable(reviewer_client):
    application = ApplicationFactory(
        full_name="王小明", email="wxm@example.com", statement="我想做分布式机器学习。"
    )
    response = reviewer_client.get(change_url(application))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["王小明", "wxm@example.com", "我想做分布式机器学习。", "Peking University"]:
        assert text in html
    form = response.context["adminform"].form
    assert list(form.fields) == ["stage", "assigned_to"]
    assert 'name="full_name"' not in html
    assert 'name="statement"' not in html


@pytest.mark.django_db
def test_posting_changed_applicant_fields_changes_nothing_of_theirs(reviewer_client):
    application = ApplicationFactory(full_name="王小明", email="wxm@example.com", priority=1)
    data = change_form_data(reviewer_client.get(change_url(application)))
    data.update(
        full_name="Someone else",
        email="evil@example.com",
        statement="Rewritten by staff",
        priority="5",
        school="Elsewhere",
        cv="",
        submitted_at="2001-01-01 00:00:00",
    )
    response = reviewer_client.post(change_url(application), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.full_name == "王小明"
    assert application.email == "wxm@example.com"
    assert application.statement == "I would like to join."
    assert application.priority == 1
    assert application.school == "Peking University"
    assert application.cv.name


@pytest.mark.django_db
def test_claims_show_each_criterion_with_its_evidence_and_keywords_found(reviewer_client):
    paper = RequirementFactory(short_title_en="Top paper", keywords="NeurIPS, ICML")
    application = ApplicationFactory(
        claims={paper: "First author at NeurIPS 2024: https://example.org/paper"}
    )
    html = reviewer_client.get(change_url(application)).content.decode()
    claim = html.split('<article class="claim"', 1)[1].split("</article>", 1)[0]
    assert re.search(r"<h3 [^>]*>Top paper</h3>", claim)
    assert (
        '<div class="evidence">First author at NeurIPS 2024: <a href="https://example.org/paper"'
        ' rel="nofollow noopener noreferrer">https://example.org/paper</a></div>'
    ) in claim
    assert "NeurIPS</p>" in claim.split('class="keywords"', 1)[1]


@pytest.mark.django_db
def test_evidence_with_html_is_shown_as_text(reviewer_client):
    paper = RequirementFactory()
    application = ApplicationFactory(
        claims={paper: '<script>alert(1)</script> <a href="javascript:x">x</a>'}
    )
    html = reviewer_client.get(change_url(application)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:x"' not in html


@pytest.mark.django_db
def test_changing_the_stage_on_the_form_records_who_and_when(reviewer_client, reviewer):
    application = ApplicationFactory()
    data = change_form_data(reviewer_client.get(change_url(application)))
    data["stage"] = Application.Stage.INTERVIEW
    response = reviewer_client.post(change_url(application), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == Application.Stage.INTERVIEW
    change = StageChange.objects.get(application=application)
    assert (change.from_stage, change.to_stage, change.changed_by) == (
        "new",
        "interview",
        reviewer,
    )
    html = reviewer_client.get(change_url(application)).content.decode()
    history = html.split("Timeline", 1)[1]
    assert "New → Interview" in history and "reviewer" in history


@pytest.mark.django_db
def test_saving_without_changing_the_stage_records_no_history(reviewer_client):
    application = ApplicationFactory()
    data = change_form_data(reviewer_client.get(change_url(application)))
    assert reviewer_client.post(change_url(application), data).status_code == 302
    assert not StageChange.objects.exists()


@pytest.mark.django_db
def test_change_form_links_to_the_cv(reviewer_client):
    application = ApplicationFactory()
    html = reviewer_client.get(change_url(application)).content.decode()
    assert reverse("admin:recruiting_application_cv", args=[application.pk]) in html
    assert "Open CV" in html
