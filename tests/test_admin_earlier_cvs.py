"""
Every CV version for the reviewers: the CVs an applicant replaced once the lab had
started are listed under the current one, the newest first, and served like it (to
permitted staff only, private, sandboxed inline); the timeline names the applicant for
what the applicant did.
"""

import datetime
import re
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from recruiting.models import Application, PreviousCV, StageChange
from tests.factories import ApplicationFactory, StaffFactory, assert_sandboxed_inline_pdf
from tests.submissions import PDF

EARLIER_PDF = PDF + b"% the earlier version\n"
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture(autouse=True)
def earlier_cv_storage(cv_storage, monkeypatch):
    """The earlier CVs in the test's own CV storage, as the conftest does for the current."""
    monkeypatch.setattr(PreviousCV._meta.get_field("file"), "storage", cv_storage)
    return cv_storage


def at(day, hour=10):
    """A moment in November 2026, Shanghai time (the admin shows local time)."""
    return datetime.datetime(2026, 11, day, hour, 0, tzinfo=SHANGHAI)


def earlier_cv(application, *, sent, replaced, content=EARLIER_PDF):
    previous = PreviousCV(application=application, sent_at=sent, replaced_at=replaced)
    previous.file.save("cv.pdf", ContentFile(content), save=False)
    previous.save()
    return previous


def change_url(application):
    return reverse("admin:recruiting_application_change", args=[application.pk])


def earlier_url(previous, *, inline=False, application=None):
    name = "recruiting_application_earlier_cv" + ("_inline" if inline else "")
    pk = (application or previous.application).pk
    return reverse(f"admin:{name}", args=[pk, previous.pk])


def earlier_rows(html):
    """The earlier-CVs table's rows as the reviewer reads them: the cells' texts."""
    table = re.search(r'<table class="earlier-cvs".*?</table>', html, re.S)
    if table is None:
        return []
    body = table.group(0).split("<tbody>", 1)[1]
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def replaced_twice(db):
    """An application whose applicant sent a third CV, the two before kept."""
    application = ApplicationFactory(submitted_at=at(1), cv_sent_at=at(20))
    oldest = earlier_cv(application, sent=at(1), replaced=at(10), content=PDF + b"% oldest\n")
    newer = earlier_cv(application, sent=at(10), replaced=at(20))
    return application, oldest, newer


@pytest.mark.django_db
def test_earlier_cvs_are_listed_under_the_current_one_newest_first_with_their_dates(
    reviewer_client, replaced_twice
):
    application, oldest, newer = replaced_twice
    html = reviewer_client.get(change_url(application)).content.decode()
    current = reverse("admin:recruiting_application_cv_inline", args=[application.pk])
    assert html.index(f'src="{current}"') < html.index("Earlier CVs")
    assert "Sent on 2026-11-20 10:00, replacing an earlier CV." in html
    assert earlier_rows(html) == [
        ["2026-11-10 10:00", "2026-11-20 10:00", "Open · Download"],
        ["2026-11-01 10:00", "2026-11-10 10:00", "Open · Download"],
    ]
    for previous in (newer, oldest):
        assert f'href="{earlier_url(previous, inline=True)}" target="_blank"' in html
        assert f'href="{earlier_url(previous)}"' in html
    # The stored names stay private, as the current CV's.
    assert oldest.file.name not in html and newer.file.name not in html


@pytest.mark.django_db
def test_an_application_never_replaced_shows_no_earlier_cvs_nor_a_sent_date(reviewer_client):
    html = reviewer_client.get(change_url(ApplicationFactory())).content.decode()
    assert "Earlier CVs" not in html
    assert "replacing an earlier CV" not in html


@pytest.mark.django_db
def test_a_reviewer_downloads_an_earlier_cv_privately(reviewer_client, replaced_twice):
    application, oldest, newer = replaced_twice
    response = reviewer_client.get(earlier_url(oldest))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF + b"% oldest\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="cv-{application.pk}-earlier-{oldest.pk}.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
    # And the current CV is still the current one.
    current = reviewer_client.get(
        reverse("admin:recruiting_application_cv", args=[application.pk])
    )
    assert b"".join(current.streaming_content) == PDF


@pytest.mark.django_db
def test_an_earlier_cv_opens_inline_sandboxed_like_the_current_one(
    reviewer_client, replaced_twice
):
    _application, _oldest, newer = replaced_twice
    response = reviewer_client.get(earlier_url(newer, inline=True))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == EARLIER_PDF
    assert_sandboxed_inline_pdf(response)


@pytest.mark.django_db
@pytest.mark.parametrize("inline", [False, True])
def test_an_earlier_cv_is_refused_to_anyone_who_may_not_review(
    editor_client, replaced_twice, inline
):
    _application, oldest, _newer = replaced_twice
    url = earlier_url(oldest, inline=inline)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert editor_client.get(url).status_code == 403
    without_permission = Client()
    without_permission.force_login(StaffFactory())
    assert without_permission.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("inline", [False, True])
def test_an_earlier_cv_of_another_application_is_not_found_through_this_one(
    reviewer_client, replaced_twice, inline
):
    application, oldest, _newer = replaced_twice
    other = ApplicationFactory()
    assert (
        reviewer_client.get(earlier_url(oldest, application=other, inline=inline)).status_code
        == 404
    )
    missing = reverse("admin:recruiting_application_earlier_cv", args=[application.pk, 99999])
    assert reviewer_client.get(missing).status_code == 404


@pytest.mark.django_db
def test_the_screen_reads_earlier_cvs_in_one_query_however_many(
    reviewer_client, django_assert_max_num_queries
):
    one, five = ApplicationFactory(cv_sent_at=at(20)), ApplicationFactory(cv_sent_at=at(20))
    earlier_cv(one, sent=at(1), replaced=at(20))
    for day in range(1, 6):
        earlier_cv(five, sent=at(day), replaced=at(day + 1))
    reviewer_client.get(change_url(one))  # the session and content types, once
    with CaptureQueriesContext(connection) as with_one:
        assert len(earlier_rows(reviewer_client.get(change_url(one)).content.decode())) == 1
    with django_assert_max_num_queries(len(with_one)):
        assert len(earlier_rows(reviewer_client.get(change_url(five)).content.decode())) == 5


def timeline_rows(html):
    table = re.search(r'<table class="timeline">.*?</table>', html, re.S).group(0)
    body = table.split("<tbody>", 1)[1]
    return [
        [unescape(cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)][1:]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.django_db
def test_the_timeline_names_the_applicant_for_a_withdrawal_and_a_correction(
    reviewer_client, reviewer
):
    application = ApplicationFactory(submitted_at=timezone.now() - datetime.timedelta(days=3))
    StageChange.objects.create(
        application=application,
        kind=StageChange.Kind.CORRECTION,
        by_applicant=True,
        fields=["full_name", "school"],
        changed_at=timezone.now() - datetime.timedelta(days=2),
    )
    application.move_to(Application.Stage.SCREENING, by=reviewer)
    application.move_to(Application.Stage.WITHDRAWN, by_applicant=True)
    rows = timeline_rows(reviewer_client.get(change_url(application)).content.decode())
    assert rows == [
        ["Application submitted", ""],
        ["Corrected by the applicant: full name, school", "the applicant"],
        ["New → Screening", "reviewer"],
        ["Screening → Withdrawn", "the applicant"],
    ]
