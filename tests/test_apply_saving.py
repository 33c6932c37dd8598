"""What a successful application saves: the row, its claims, its directions and its CV."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from recruiting.models import ENDED_STAGES, Application, Claim
from tests.factories import ApplicationFactory, stored_files
from tests.submissions import submit

# Frozen (time_machine): the test and the site read the same "today", even at midnight.
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@time_machine.travel(NOW, tick=False)
def test_the_application_is_saved_field_by_field(client, lab):
    before = timezone.now()
    response = submit(client, lab, "/apply/")
    application = Application.objects.get()

    assert response.status_code == 302
    assert response["Location"] == f"/apply/thanks/{application.token}/"
    assert application.position == lab.ra
    assert application.full_name == "李华"
    assert application.email == "li.hua@example.edu.cn"
    assert application.phone == "+86 138 0000 0000"
    assert application.wechat == "lihua_2024"
    assert application.school == "北京大学"
    assert application.major == "计算机科学"
    assert application.degree == Application.Degree.MASTER
    assert application.year_of_study == 2
    assert application.graduation_year == 2027
    assert list(application.directions.order_by("pk")) == [lab.general, lab.science]
    assert application.start_date == timezone.localdate() + datetime.timedelta(days=30)
    assert application.duration_months == 6
    assert application.work_mode == Application.WorkMode.ONSITE
    assert application.homepage == "https://lihua.example.edu.cn/"
    assert application.github == "https://github.com/lihua"
    assert application.scholar == ""
    assert application.statement == "我对以数据为中心的机器学习很感兴趣。"
    assert application.language == "zh-hans"
    assert before <= application.consent_at <= timezone.now()
    assert application.privacy_notice_version == "2"
    assert application.priority == 2
    assert application.stage == Application.Stage.NEW
    assert application.ended_at is None
    assert before <= application.submitted_at <= timezone.now()
    assert len(application.token) >= 32  # 24 random bytes: 192 bits


def test_the_language_is_the_one_of_the_page_applied_on(client, lab):
    submit(client, lab, "/en/apply/")
    assert Application.objects.get().language == "en"


@override_settings(PRIVACY_NOTICE_VERSION="2025-03")
def test_the_privacy_notice_version_agreed_to_is_recorded(client, lab):
    submit(client, lab)
    assert Application.objects.get().privacy_notice_version == "2025-03"


def test_each_ticked_criterion_is_saved_as_a_claim_with_its_evidence_and_keywords(client, lab):
    submit(client, lab)
    claims = list(Application.objects.get().claims.all())
    assert [claim.requirement for claim in claims] == [lab.paper, lab.competitions]
    assert claims[0].evidence == "NeurIPS 2023, first author: https://arxiv.org/abs/2301.00001"
    assert claims[0].keywords_found == "NeurIPS"
    assert claims[1].evidence == "Kaggle 比赛银牌，排名前 3%"
    assert claims[1].keywords_found == "Kaggle"


def test_keywords_are_found_whatever_their_case_and_in_chinese(client, lab):
    submit(
        client,
        lab,
        **{
            f"evidence_{lab.paper.pk}": "neurips 2023 and kdd 2024, both first author",
            f"evidence_{lab.competitions.pk}": "天池大赛第二名，NOI 银牌",
        },
    )
    by_requirement = {c.requirement_id: c.keywords_found for c in Claim.objects.all()}
    assert by_requirement[lab.paper.pk] == "NeurIPS, KDD"
    assert by_requirement[lab.competitions.pk] == "天池, NOI"


def test_evidence_without_any_keyword_is_accepted_and_still_counts(client, lab):
    response = submit(
        client,
        lab,
        **{
            f"evidence_{lab.paper.pk}": "A workshop paper at a smaller venue, second author.",
            f"evidence_{lab.competitions.pk}": "A regional programming contest, third place.",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.priority == 2
    assert [c.keywords_found for c in application.claims.all()] == ["", ""]


@pytest.mark.parametrize("count", [1, 3, 5])
def test_the_priority_is_the_number_of_criteria_claimed(client, lab, count):
    claimed = lab.requirements[:count]
    evidence = {f"evidence_{r.pk}": None for r in lab.requirements}
    evidence.update({f"evidence_{r.pk}": f"Evidence for {r.short_title_en}." for r in claimed})
    response = submit(client, lab, criteria=[str(r.pk) for r in claimed], **evidence)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.priority == count
    assert application.claims.count() == count


@pytest.mark.parametrize("stage", Application.Stage.values)
def test_the_database_keeps_one_open_application_per_address_and_position(lab, stage):
    """Its constraint closes the race the form's check leaves open: two sent at once."""
    ApplicationFactory(position=lab.ra, email="li.hua@example.edu.cn", stage=stage)
    second = ApplicationFactory.build(position=lab.ra, email="LI.HUA@example.edu.cn", cv=None)
    if stage in ENDED_STAGES:
        second.save()
    else:
        with pytest.raises(IntegrityError), transaction.atomic():
            second.save()
    assert Application.objects.count() == (2 if stage in ENDED_STAGES else 1)


def test_a_failure_while_saving_the_claims_saves_nothing(
    client, lab, cv_storage, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Claim.objects, "bulk_create", broken)
    client.raise_request_exception = False
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, lab)
    assert response.status_code == 500
    assert not Application.objects.exists()
    assert not Claim.objects.exists()
    assert stored_files(cv_storage) == []
    assert mailoutbox == []


def test_a_failure_after_the_cv_was_written_leaves_neither_row_nor_file(
    client, lab, cv_storage, monkeypatch, mailoutbox
):
    written = []
    real_save = cv_storage.save

    def broken(*args, **kwargs):
        real_save(*args, **kwargs)
        written.extend(stored_files(cv_storage))  # the file is there at this moment
        raise RuntimeError("the commit failed")

    monkeypatch.setattr(cv_storage, "save", broken)
    client.raise_request_exception = False
    response = submit(client, lab)
    assert response.status_code == 500
    assert len(written) == 1
    assert not Application.objects.exists()
    assert not Claim.objects.exists()
    assert stored_files(cv_storage) == []
    assert mailoutbox == []


def test_a_failure_while_writing_the_cv_saves_no_row(client, lab, cv_storage, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cv_storage, "_save", full_disk)
    client.raise_request_exception = False
    response = submit(client, lab)
    assert response.status_code == 500
    assert not Application.objects.exists()
