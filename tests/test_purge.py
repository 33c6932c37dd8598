"""Retention: purge_applications deletes applications that ended long ago, with their CVs."""

import datetime
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from recruiting.models import Application, Claim, Review, StageChange
from tests.factories import ApplicationFactory, RequirementFactory, ReviewFactory

Stage = Application.Stage
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def frozen():
    """Time stands still at NOW (time_machine): every age here is exact, whenever it runs."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def ended(stage, days_ago, **fields):
    application = ApplicationFactory(**fields)
    application.move_to(stage)
    Application.objects.filter(pk=application.pk).update(
        ended_at=timezone.now() - timedelta(days=days_ago)
    )
    return application


@pytest.fixture
def applications(db):
    old_rejected = ended(Stage.REJECTED, 400, claims={RequirementFactory(): "evidence"})
    ReviewFactory(application=old_rejected, rating=2)
    return {
        "old rejected": old_rejected,
        "old accepted": ended(Stage.ACCEPTED, 200),
        "recently withdrawn": ended(Stage.WITHDRAWN, 10),
        # Under consideration for a year: never purged, however old.
        "old but open": ApplicationFactory(
            stage=Stage.INTERVIEW, submitted_at=timezone.now() - timedelta(days=900)
        ),
    }


def purge(*args):
    from io import StringIO

    out = StringIO()
    call_command("purge_applications", *args, stdout=out)
    return out.getvalue()


def test_purge_deletes_applications_that_ended_before_the_period_and_their_cvs(
    applications, cv_storage, django_capture_on_commit_callbacks
):
    names = {key: a.cv.name for key, a in applications.items()}
    with django_capture_on_commit_callbacks(execute=True):
        output = purge("--older-than", "180")
    remaining = set(Application.objects.values_list("pk", flat=True))
    assert remaining == {
        applications["recently withdrawn"].pk,
        applications["old but open"].pk,
    }
    assert not cv_storage.exists(names["old rejected"])
    assert not cv_storage.exists(names["old accepted"])
    assert cv_storage.exists(names["recently withdrawn"])
    assert cv_storage.exists(names["old but open"])
    # Their claims, reviews and history go with them.
    assert not Claim.objects.filter(application_id=applications["old rejected"].pk).exists()
    assert not Review.objects.exists()
    purged = [applications["old rejected"].pk, applications["old accepted"].pk]
    assert not StageChange.objects.filter(application_id__in=purged).exists()
    assert StageChange.objects.filter(application=applications["recently withdrawn"]).exists()
    assert "Deleted 2 application(s)" in output


def test_dry_run_lists_what_would_go_and_deletes_nothing(
    applications, cv_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        output = purge("--older-than", "180", "--dry-run")
    assert Application.objects.count() == 4
    assert all(cv_storage.exists(a.cv.name) for a in applications.values())
    assert f"Would delete application {applications['old rejected'].pk} (rejected" in output
    assert f"Would delete application {applications['old accepted'].pk} (accepted" in output
    assert str(applications["recently withdrawn"].pk) + " (" not in output
    assert "2 application(s) would be deleted" in output
    # Only ids: no name or e-mail in what may end up in a log.
    assert applications["old rejected"].full_name not in output
    assert applications["old rejected"].email not in output


def test_without_a_period_the_retention_setting_is_used(
    applications, settings, django_capture_on_commit_callbacks
):
    settings.APPLICATION_RETENTION_DAYS = 300
    with django_capture_on_commit_callbacks(execute=True):
        output = purge()
    assert "Deleted 1 application(s)" in output
    assert not Application.objects.filter(pk=applications["old rejected"].pk).exists()
    assert Application.objects.filter(pk=applications["old accepted"].pk).exists()


def test_a_negative_period_is_refused(applications):
    with pytest.raises(CommandError):
        purge("--older-than", "-1")
    assert Application.objects.count() == 4


def test_purge_deletes_old_cv_files_that_no_application_refers_to(db, cv_storage):
    """A worker killed between writing a CV and committing leaves a file with no row."""
    import os

    from django.core.files.base import ContentFile

    kept = ApplicationFactory()
    old_orphan = cv_storage.save("2026/01/old-orphan.pdf", ContentFile(b"%PDF-1.4 orphan"))
    young_orphan = cv_storage.save("2026/01/young-orphan.pdf", ContentFile(b"%PDF-1.4 new"))
    # The files' times are the file system's (the real clock): set to the frozen one.
    two_hours_ago = (timezone.now() - timedelta(hours=2)).timestamp()
    os.utime(cv_storage.path(old_orphan), (two_hours_ago, two_hours_ago))
    just_now = timezone.now().timestamp()
    os.utime(cv_storage.path(young_orphan), (just_now, just_now))
    os.utime(cv_storage.path(kept.cv.name), (just_now, just_now))

    output = purge("--dry-run")
    assert f"Would delete orphan CV file {old_orphan}" in output
    assert cv_storage.exists(old_orphan)

    purge()
    assert not cv_storage.exists(old_orphan)
    assert cv_storage.exists(young_orphan)  # may still be waiting for its commit
    assert cv_storage.exists(kept.cv.name)
