"""
The CSV export of applications: one row each, one column per criterion with its evidence;
UTF-8 with a byte order mark, so that Excel reads the Chinese.
"""

import csv
import io

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Claim, Requirement, ResearchDirection

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """The cell as text, prefixed with a single quote if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _when(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


# (header, value of an application), in column order. Every field the applicant gave,
# then what staff decided. The status token is left out: it is a password.
FIELDS = [
    ("ID", lambda a: a.pk),
    (lambda: _("submitted"), lambda a: _when(a.submitted_at)),
    (lambda: _("stage"), lambda a: a.get_stage_display()),
    (lambda: _("ended"), lambda a: _when(a.ended_at)),
    (
        lambda: _("average rating"),
        lambda a: "" if a.average_rating is None else f"{a.average_rating:.2f}",
    ),
    (lambda: _("criteria met"), lambda a: a.priority),
    (lambda: _("position"), lambda a: a.position),
    (lambda: _("full name"), lambda a: a.full_name),
    (lambda: _("e-mail"), lambda a: a.email),
    (lambda: _("phone"), lambda a: a.phone),
    (lambda: _("WeChat ID"), lambda a: a.wechat),
    (lambda: _("school"), lambda a: a.school),
    (lambda: _("major"), lambda a: a.major),
    (lambda: _("current degree"), lambda a: a.get_degree_display()),
    (lambda: _("year of study"), lambda a: a.year_of_study),
    (lambda: _("expected graduation year"), lambda a: a.graduation_year),
    (
        lambda: _("research directions"),
        lambda a: "; ".join(str(d) for d in a.directions.all()),
    ),
    (lambda: _("earliest start date"), lambda a: a.start_date.isoformat()),
    (lambda: _("months available"), lambda a: a.duration_months),
    (lambda: _("on site or remote"), lambda a: a.get_work_mode_display()),
    (lambda: _("homepage"), lambda a: a.homepage),
    (lambda: _("GitHub"), lambda a: a.github),
    (lambda: _("Google Scholar"), lambda a: a.scholar),
    (lambda: _("statement"), lambda a: a.statement),
    (lambda: _("language"), lambda a: a.language),
    (lambda: _("consent given at"), lambda a: _when(a.consent_at)),
    (lambda: _("privacy notice version"), lambda a: a.privacy_notice_version),
]


def export_queryset(queryset):
    """The applications with everything a row needs, in a fixed number of queries."""
    return (
        queryset.with_average_rating()
        .select_related("position")
        .prefetch_related(
            Prefetch("directions", queryset=ResearchDirection.objects.select_related("parent")),
            Prefetch("claims", queryset=Claim.objects.order_by()),
        )
        .order_by("-priority", "-submitted_at", "pk")
    )


def applications_csv(queryset, request=None):
    """The CSV text (starting with the BOM) of the applications in the queryset."""
    requirements = list(Requirement.objects.all())
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    header = [name() if callable(name) else name for name, _value in FIELDS]
    header.append(_("CV"))
    header += [_("Criterion: %(criterion)s") % {"criterion": r} for r in requirements]
    header.append(_("keywords found"))
    writer.writerow([neutralise(cell) for cell in header])

    for application in export_queryset(queryset):
        row = [value(application) for _name, value in FIELDS]
        cv = reverse("admin:recruiting_application_cv", args=[application.pk])
        row.append(request.build_absolute_uri(cv) if request else cv)
        claims = {claim.requirement_id: claim for claim in application.claims.all()}
        row += [claims[r.pk].evidence if r.pk in claims else "" for r in requirements]
        row.append("; ".join(c.keywords_found for c in claims.values() if c.keywords_found))
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue()


def filename():
    return f"applications-{timezone.localdate():%Y-%m-%d}.csv"
