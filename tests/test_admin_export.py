"""
The export_csv action: a CSV that Excel opens with Chinese, that runs no formula, that
shows each reviewer's score and comment (blind until the reader has reviewed herself), and
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


def export(client, applications):
    return client.post(
        URL, {"action": "export_csv", "_selected_action": [a.pk for a in applications]}
    )


@pytest.fixture
def superuser_client(admin_client):
    """The test client, logged in as a superuser, reading the admin in English."""
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return admin_client


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

    [row] = rows(export(reviewer_client, [application]))
    expected = {
        "ID": str(application.pk),
        "stage": "Interview",
        "criteria corroborated": "0",
        "criteria claimed": "1",
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
        "language": "中文",
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


def applications_with_claims(how_many, reviews=0):
    """Applications with three claims, a direction and `reviews` reviews each."""
    requirements = RequirementFactory.create_batch(3)
    reviewers = StaffFactory.create_batch(reviews)
    applications = ApplicationFactory.create_batch(
        how_many,
        claims=dict.fromkeys(requirements, "evidence"),
        directions=[ResearchDirectionFactory()],
        cv=None,
    )
    for application in applications:
        for reviewer in reviewers:
            ReviewFactory(application=application, reviewer=reviewer)
    return applications


@pytest.mark.django_db
@pytest.mark.parametrize("how_many", [1, 30])
def test_the_header_is_sent_before_any_application_is_read(reviewer_client, how_many):
    applications = applications_with_claims(how_many, reviews=2)
    with CaptureQueriesContext(connection) as queries:
        response = export(reviewer_client, applications)
        assert response.streaming
        first = next(iter(response.streaming_content)).decode("utf-8")
    # The session, user and permissions, the
    # changelist (built twice by the admin when it runs an action: filters' choices and
    # count), the criteria and the reviewers (who reviewed the selected ids, in a
    # subquery). The applications, their claims, directions and reviews are read only
    # after the first byte.
    assert len(queries) == 13
    read = [q["sql"] for q in queries if 'FROM "recruiting_application"' in q["sql"]]
    assert [sql.split(" FROM ")[1].split()[0] for sql in read] == [
        '"recruiting_application"',  # SELECT COUNT(*) FROM …
        '"auth_user"',
    ]
    assert read[0].startswith("SELECT COUNT(*)")
    assert not [q for q in queries if "recruiting_claim" in q["sql"]]
    assert not [q for q in queries if q["sql"].startswith('SELECT "recruiting_review"')]
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
    applications = applications_with_claims(10 * chunks, reviews=2)
    # As above (13), the applications (one query, read in chunks), then for each chunk
    # its directions, its claims and its reviews.
    with django_assert_num_queries(14 + 3 * chunks):
        response = export(reviewer_client, applications)
        assert len(rows(response)) == 10 * chunks


@pytest.mark.django_db
@pytest.mark.parametrize("how_many, reviews", [(3, 1), (30, 4)])
def test_export_queries_do_not_grow_with_applications_or_reviews(
    superuser_client, django_assert_max_num_queries, how_many, reviews
):
    applications = applications_with_claims(how_many, reviews=reviews)
    # A superuser's request (no permission queries), the changelist, the criteria and
    # the reviewers; then one chunk: applications, directions, claims and reviews.
    with django_assert_max_num_queries(15):
        exported = rows(export(superuser_client, applications))
    assert len(exported) == how_many
    assert {row["number of reviews"] for row in exported} == {str(reviews)}


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


# -- reviews -------------------------------------------------------------------------


def header(response):
    text = content(response).decode("utf-8")
    return next(csv.reader(io.StringIO(text[1:])))


@pytest.mark.django_db
def test_the_header_has_a_score_and_a_comment_column_per_reviewer_by_name(superuser_client):
    zhang = StaffFactory(username="wz", first_name="Wei", last_name="Zhang")
    amy = StaffFactory(username="amy")  # no full name: her user name
    first, second = ApplicationFactory.create_batch(2)
    ReviewFactory(application=first, reviewer=zhang)
    ReviewFactory(application=second, reviewer=amy)
    ReviewFactory(reviewer=StaffFactory(username="elsewhere"))  # of an unselected one

    columns = header(export(superuser_client, [first, second]))
    assert columns[columns.index("average rating") + 1 :] == [
        "amy: score",
        "amy: comment",
        "Wei Zhang: score",
        "Wei Zhang: comment",
    ]
    assert "number of reviews" in columns


@pytest.mark.django_db
def test_reviewers_who_share_a_name_are_told_apart_by_user_name(superuser_client):
    application = ApplicationFactory()
    for username in ("wz2", "wz1"):
        reviewer = StaffFactory(username=username, first_name="Wei", last_name="Zhang")
        ReviewFactory(application=application, reviewer=reviewer)
    columns = header(export(superuser_client, [application]))
    assert [c for c in columns if c.endswith(": score")] == [
        "Wei Zhang (wz1): score",
        "Wei Zhang (wz2): score",
    ]


@pytest.mark.django_db
def test_a_reviewers_cells_hold_her_score_and_comment(superuser_client):
    li = StaffFactory(username="li")
    wang = StaffFactory(username="wang")
    both, one = ApplicationFactory.create_batch(2)
    ReviewFactory(application=both, reviewer=li, rating=4, comment="强，论文扎实")
    ReviewFactory(application=both, reviewer=wang, rating=1, comment="")
    ReviewFactory(application=one, reviewer=li, rating=5, comment="Hire")

    exported = {row["ID"]: row for row in rows(export(superuser_client, [both, one]))}
    reviews = ["li: score", "li: comment", "wang: score", "wang: comment"]
    reviews += ["number of reviews", "average rating"]
    assert [exported[str(both.pk)][c] for c in reviews] == [
        "4",
        "强，论文扎实",
        "1",
        "",
        "2",
        "2.50",
    ]
    assert [exported[str(one.pk)][c] for c in reviews] == ["5", "Hire", "", "", "1", "5.00"]


@pytest.mark.django_db
def test_a_reviewer_sees_others_scores_only_on_applications_she_has_reviewed(
    reviewer_client, reviewer
):
    colleague = StaffFactory(username="colleague")
    mine, not_yet = ApplicationFactory.create_batch(2)
    ReviewFactory(application=mine, reviewer=colleague, rating=5, comment="excellent")
    ReviewFactory(application=not_yet, reviewer=colleague, rating=2, comment="weak")
    shown = ["colleague: score", "colleague: comment", "average rating", "number of reviews"]

    exported = {row["ID"]: row for row in rows(export(reviewer_client, [mine, not_yet]))}
    assert [exported[str(mine.pk)][c] for c in shown] == ["", "", "", "1"]
    assert [exported[str(not_yet.pk)][c] for c in shown] == ["", "", "", "1"]

    ReviewFactory(application=mine, reviewer=reviewer, rating=3, comment="my view")
    exported = {row["ID"]: row for row in rows(export(reviewer_client, [mine, not_yet]))}
    assert [exported[str(mine.pk)][c] for c in shown] == ["5", "excellent", "4.00", "2"]
    assert exported[str(mine.pk)]["reviewer: score"] == "3"
    assert exported[str(mine.pk)]["reviewer: comment"] == "my view"
    assert [exported[str(not_yet.pk)][c] for c in shown] == ["", "", "", "1"]


@pytest.mark.django_db
def test_a_superuser_sees_every_review_without_her_own(superuser_client):
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=StaffFactory(username="li"), rating=4)
    [row] = rows(export(superuser_client, [application]))
    assert (row["li: score"], row["average rating"]) == ("4", "4.00")


@pytest.mark.django_db
def test_an_export_without_a_request_hides_no_review():
    """Scripts and the shell: the blind rule is for a member of staff in the admin."""
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=StaffFactory(username="li"), rating=2)
    text = "".join(export_module.applications_csv(Application.objects.all()))
    [row] = csv.DictReader(io.StringIO(text[1:]))
    assert (row["li: score"], row["average rating"]) == ("2", "2.00")


@pytest.mark.django_db
def test_a_comment_or_a_name_a_spreadsheet_would_run_is_neutralised(superuser_client):
    application = ApplicationFactory()
    ReviewFactory(
        application=application,
        reviewer=StaffFactory(first_name="@SUM(A1)"),
        comment='=HYPERLINK("http://evil")',
    )
    response = export(superuser_client, [application])
    [row] = rows(response)
    assert row["'@SUM(A1): comment"] == '\'=HYPERLINK("http://evil")'


@pytest.mark.django_db
@pytest.mark.parametrize("admin_language", ["en", "zh-hans"])
def test_the_language_is_named_as_the_site_names_it(reviewer_client, admin_language):
    reviewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = admin_language
    chinese = ApplicationFactory(language="zh-hans")
    english = ApplicationFactory(language="en")
    exported = rows(export(reviewer_client, [chinese, english]))
    with translation.override(admin_language):
        language = gettext("language")
    by_id = {row["ID"]: row[language] for row in exported}
    assert by_id == {str(chinese.pk): "中文", str(english.pk): "English"}


@pytest.mark.django_db
def test_reviewer_columns_are_named_in_chinese(superuser_client):
    superuser_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    application = ApplicationFactory()
    ReviewFactory(application=application, reviewer=StaffFactory(username="li"), rating=4)
    [row] = rows(export(superuser_client, [application]))
    with translation.override("zh-hans"):
        score = gettext("%(reviewer)s: score") % {"reviewer": "li"}
        count = gettext("number of reviews")
    assert (score, count) != ("li: score", "number of reviews")  # translated
    assert (row[score], row[count]) == ("4", "1")
