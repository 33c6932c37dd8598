"""
The export_csv action: a CSV that Excel opens with Chinese, that runs no formula, and
that is streamed (first byte at once, a fixed number of queries per chunk of rows).
"""

import csv
import io

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from recruiting import export as export_module
from tests.factories import (
    ApplicationFactory,
    PositionFactory,
    RequirementFactory,
    ResearchDirectionFactory,
    ReviewFactory,
    StaffFactory,
)

URL = reverse("admin:recruiting_application_changelist")


def export(client, applications):
    return client.post(
        URL, {"action": "export_csv", "_selected_action": [a.pk for a in applications]}
    )


def content(response):
    """The whole body of the streamed response."""
    assert response.streaming
    return b"".join(response.streaming_content)


def rows(response):
    text = content(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.django_db
def test_export_is_an_attachment_in_utf8_with_a_byte_order_mark(reviewer_client):
    application = ApplicationFactory()
    response = export(reviewer_client, [application])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="applications-')
    assert content(response).startswith(b"\xef\xbb\xbf")


@pytest.mark.django_db
def test_one_row_per_selected_application_with_every_field(reviewer_client):
    paper = RequirementFactory(short_title_en="Top paper", keywords="NeurIPS")
    RequirementFactory(short_title_en="Competition")
    direction = ResearchDirectionFactory(title_zh_hans="分布式机器学习", title_en="General DCML")
    application = ApplicationFactory(
        position=PositionFactory(title_en="Research assistant"),
        full_name="张三",
        email="zhangsan@example.com",
        phone="13800000000",
        wechat="zs_wechat",
        school="北京大学",
        major="计算机科学",
        statement="我对分布式机器学习很感兴趣。",
        homepage="https://example.org/~zs",
        claims={paper: "NeurIPS 2024 一作"},
        directions=[direction],
        stage="interview",
    )
    ApplicationFactory(full_name="not selected")
    ReviewFactory(application=application, rating=4)
    ReviewFactory(application=application, rating=5)

    [row] = rows(export(reviewer_client, [application]))
    expected = {
        "ID": str(application.pk),
        "stage": "Interview",
        "average rating": "4.50",
        "criteria met": "1",
        "position": "Research assistant",
        "full name": "张三",
        "e-mail": "zhangsan@example.com",
        "phone": "13800000000",
        "WeChat ID": "zs_wechat",
        "school": "北京大学",
        "major": "计算机科学",
        "current degree": "Master's student",
        "year of study": "1",
        "expected graduation year": "2027",
        "research directions": "General DCML",
        "earliest start date": "2026-09-01",
        "months available": "6",
        "on site or remote": "On site in Beijing",
        "homepage": "https://example.org/~zs",
        "statement": "我对分布式机器学习很感兴趣。",
        "language": "zh-hans",
        "privacy notice version": "1",
        "Criterion: Top paper": "NeurIPS 2024 一作",
        "Criterion: Competition": "",
        "keywords found": "NeurIPS",
    }
    assert {key: row[key] for key in expected} == expected
    assert row["CV"].endswith(reverse("admin:recruiting_application_cv", args=[application.pk]))
    assert row["submitted"] and row["consent given at"]
    assert "token" not in " ".join(row).lower()
    assert application.token not in " ".join(row.values())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed, exported",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Plain text = fine", "Plain text = fine"),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(reviewer_client, typed, exported):
    paper = RequirementFactory(short_title_en="Top paper")
    application = ApplicationFactory(full_name=typed, claims={paper: typed}, statement=typed)
    [row] = rows(export(reviewer_client, [application]))
    assert row["full name"] == exported
    assert row["statement"] == exported
    assert row["Criterion: Top paper"] == exported


@pytest.mark.django_db
def test_export_in_chinese_has_chinese_headers_and_labels(reviewer_client):
    reviewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    application = ApplicationFactory(full_name="李四", stage="offer")
    [row] = rows(export(reviewer_client, [application]))
    with translation.override("zh-hans"):
        full_name, stage, offer = (
            gettext("full name"),
            gettext("stage"),
            pgettext("stage", "Offer"),
        )
    assert (full_name, stage, offer) != ("full name", "stage", "Offer")  # translated
    assert row[full_name] == "李四"
    assert row[stage] == offer


def applications_with_claims(how_many):
    requirements = RequirementFactory.create_batch(3)
    return ApplicationFactory.create_batch(
        how_many,
        claims=dict.fromkeys(requirements, "evidence"),
        directions=[ResearchDirectionFactory()],
        cv=None,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 30])
def test_the_header_is_sent_before_any_application_is_read(reviewer_client, how_many):
    applications = applications_with_claims(how_many)
    with CaptureQueriesContext(connection) as queries:
        response = export(reviewer_client, applications)
        assert response.streaming
        first = next(iter(response.streaming_content)).decode("utf-8")
    # The session, user and permissions, the changelist (built twice by the admin when
    # it runs an action: filters' choices and count) and the criteria. The applications,
    # their claims and directions are read only after the first byte.
    assert len(queries) == 12
    read = [q["sql"] for q in queries if 'FROM "recruiting_application"' in q["sql"]]
    assert [sql.startswith("SELECT COUNT(*)") for sql in read] == [True]
    assert not [q for q in queries if "recruiting_claim" in q["sql"]]
    assert first.startswith("\ufeffID,")
    assert first.count("\n") == 1  # the header line alone
    rest = b"".join(response.streaming_content).decode("utf-8")
    assert len(list(csv.reader(io.StringIO(rest)))) == how_many  # the rows follow


@pytest.mark.django_db
@pytest.mark.parametrize("chunks", [1, 3])
def test_export_runs_a_fixed_number_of_queries_per_chunk_of_applications(
    reviewer_client, django_assert_num_queries, monkeypatch, chunks
):
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 10)
    applications = applications_with_claims(10 * chunks)
    # As above (12), the applications (one query, read in chunks), then for each chunk
    # its directions and its claims.
    with django_assert_num_queries(13 + 2 * chunks):
        response = export(reviewer_client, applications)
        assert len(rows(response)) == 10 * chunks


@pytest.mark.django_db
def test_rows_are_sent_in_pieces_as_they_are_read(reviewer_client, monkeypatch):
    monkeypatch.setattr(export_module, "CHUNK_SIZE", 10)
    monkeypatch.setattr(export_module, "PIECE_SIZE", 1)  # a piece per row
    applications = applications_with_claims(25)
    pieces = list(export(reviewer_client, applications).streaming_content)
    assert len(pieces) == 1 + 25
    assert all(piece.endswith(b"\r\n") for piece in pieces)


@pytest.mark.django_db
def test_staff_without_the_export_permission_do_not_get_the_action(client):
    application = ApplicationFactory()
    user = StaffFactory()
    user.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(user)
    assert "export_csv" not in client.get(URL).content.decode()
    response = export(client, [application])
    assert response.get("Content-Type", "").startswith("text/html")
