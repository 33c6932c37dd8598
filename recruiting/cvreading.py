"""
What the site learns from a CV once the application is sent: its text and links, read by
the worker (tasks.read_cv) in a bounded process (cvcheck.read), and, for each claim, what
of its evidence the CV corroborates (corroboration.corroborate), which sets the
application's "criteria corroborated". Every step can run again with the same result.
"""

import logging

from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import corroboration, cvcheck
from .models import Application, Claim, CVText

logger = logging.getLogger(__name__)

CLAIM_FIELDS = ["cv_state", "cv_findings", "author_position"]
# Claims re-checked at a time after an editor changed a criterion's keywords.
CHUNK_SIZE = 500


def read_cv(application_pk):
    """Read the application's CV, store its text and warnings, and check its claims."""
    application = Application.objects.filter(pk=application_pk).first()
    if application is None:
        return "gone"  # deleted (withdrawn, purged) before the worker came to it
    try:
        with application.cv.open("rb") as file:
            data = file.read()
    except FileNotFoundError:
        logger.error("the CV file is missing", extra={"application_id": application.pk})
        report = cvcheck.PDFReport(problem="missing")
    else:
        report = cvcheck.read(data)
    read = report.problem is None
    # A CV the worker could not read keeps what the check at submit found, and says so.
    flags = set(report.flags) if read else {*application.cv_flags.split(","), "unreadable"}
    flags = ",".join(sorted(flags - {"not_checked", ""}))
    with transaction.atomic():
        CVText.objects.update_or_create(
            application=application,
            defaults={
                "state": CVText.State.READ if read else CVText.State.FAILED,
                "pages": report.pages,
                "text": report.text,
                "links": list(report.links),
                "search_document": corroboration.search_document(report.text),
                "read_at": timezone.now(),
            },
        )
        Application.objects.filter(pk=application.pk).update(cv_flags=flags)
        claims = application.claims.select_related("requirement")
        check_claims((claim, report.text, report.links) for claim in claims)
    return "read" if read else report.problem


def check_claims(claims):
    """
    Corroborate each (claim, CV text, CV links) (claims with their requirement), save the
    findings and count the applications' corroborated criteria again.
    """
    checked = []
    for claim, text, links in claims:
        finding = corroboration.corroborate(
            keywords=claim.requirement.keyword_list,
            main_author=claim.requirement.main_author,
            evidence=claim.evidence,
            cv_text=text,
            cv_links=links,
        )
        claim.cv_state = finding.state
        claim.cv_findings = finding.to_json()
        claim.author_position = ",".join(finding.positions)
        checked.append(claim)
    Claim.objects.bulk_update(checked, CLAIM_FIELDS)
    count_corroborated(Application.objects.filter(pk__in={c.application_id for c in checked}))


def count_corroborated(applications):
    """Set `corroborated` of these applications from their claims, in one UPDATE."""
    corroborated = (
        Claim.objects.filter(
            application=models.OuterRef("pk"), cv_state=corroboration.State.CORROBORATED
        )
        .order_by()
        .values("application")
        .annotate(count=models.Count("pk"))
        .values("count")
    )
    applications.update(corroborated=Coalesce(models.Subquery(corroborated), 0))


def recheck_requirement(requirement_pk):
    """
    Check again every claim of a criterion whose CV was read: after an editor changed the
    criterion's keywords or its main-author rule. A chunk at a time, each committed.
    """
    claims = (
        Claim.objects.filter(requirement_id=requirement_pk, application__cv_text__isnull=False)
        .select_related("requirement", "application__cv_text")
        .order_by("pk")
    )
    last, checked = 0, 0
    while chunk := list(claims.filter(pk__gt=last)[:CHUNK_SIZE]):
        with transaction.atomic():
            check_claims(
                (c, c.application.cv_text.text, c.application.cv_text.links) for c in chunk
            )
        checked += len(chunk)
        last = chunk[-1].pk
    return checked
