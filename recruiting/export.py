"""
The CSV export of applications: one row each, one column per criterion with its evidence
and one with what the CV says of it (and the author position, for a criterion that asks
for main authorship), then the reviews: their number, the average rating and a score and
a comment column per reviewer; UTF-8 with a byte order mark, so that Excel reads the
Chinese.

Blind first, as in the admin: staff who are not superusers see the other reviewers'
scores, comments and the average only of the applications they have reviewed themselves.

Streamed: the header goes out before the applications are read, then the rows as they
come from the database, CHUNK_SIZE applications (and their prefetched claims and
directions) at a time, so the first byte is immediate and memory stays the same at any
size. (On PostgreSQL, iterator() reads through a server-side cursor; behind a connection
pooler in transaction mode, set DISABLE_SERVER_SIDE_CURSORS.)
"""

import csv
import functools
from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .corroboration import POSITION_LABELS, State
from .models import Application, Claim, Requirement, ResearchDirection, Review

# Applications read from the database at a time: with a 2,000-character statement and
# five pieces of evidence each, a few megabytes at most.
CHUNK_SIZE = 500
# Rows are sent in pieces of about this many characters, not one write per row.
PIECE_SIZE = 32 * 1024

# Claim.cv_state as the export writes it; a claim whose CV is not read yet: "not checked".
CV_STATE_CELLS = {
    State.CORROBORATED: "corroborated",
    State.PARTLY: "partly",
    State.NOT_FOUND: "not found",
}

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


def _label(field):
    """
    The label of a choice field's value, as get_FOO_display() gives it, looked up once
    per value and language rather than once per row (a quarter of the export's time).
    """
    choices = dict(Application._meta.get_field(field).flatchoices)

    @functools.cache
    def label(value, language):
        return str(choices.get(value, value))

    return lambda a: label(getattr(a, field), translation.get_language())


# (header, value of an application), in column order. Every field the applicant gave,
# then what staff decided. The status token is left out: it is a password.
FIELDS = [
    ("ID", lambda a: a.pk),
    (lambda: _("submitted"), lambda a: _when(a.submitted_at)),
    (lambda: _("stage"), _label("stage")),
    (lambda: _("ended"), lambda a: _when(a.ended_at)),
    (lambda: _("criteria corroborated"), lambda a: a.corroborated),
    (lambda: _("criteria claimed"), lambda a: a.priority),
    (lambda: _("position"), lambda a: a.position),
    (lambda: _("full name"), lambda a: a.full_name),
    (lambda: _("e-mail"), lambda a: a.email),
    (lambda: _("phone"), lambda a: a.phone),
    (lambda: _("WeChat ID"), lambda a: a.wechat),
    (lambda: _("school"), lambda a: a.school),
    (lambda: _("major"), lambda a: a.major),
    (lambda: _("current degree"), _label("degree")),
    (lambda: _("year of study"), lambda a: a.year_of_study),
    (lambda: _("expected graduation year"), lambda a: a.graduation_year),
    (
        lambda: _("research directions"),
        lambda a: "; ".join(str(d) for d in a.directions.all()),
    ),
    (lambda: _("earliest start date"), lambda a: a.start_date.isoformat()),
    (lambda: _("months available"), lambda a: a.duration_months),
    (lambda: _("on site or remote"), _label("work_mode")),
    (lambda: _("homepage"), lambda a: a.homepage),
    (lambda: _("GitHub"), lambda a: a.github),
    (lambda: _("Google Scholar"), lambda a: a.scholar),
    (lambda: _("statement"), lambda a: a.statement),
    (lambda: _("language"), lambda a: a.language_name),
    (lambda: _("consent given at"), lambda a: _when(a.consent_at)),
    (lambda: _("privacy notice version"), lambda a: a.privacy_notice_version),
]


def export_queryset(queryset):
    """The applications with everything a row needs, in a fixed number of queries per chunk."""
    return (
        queryset.select_related("position")
        .prefetch_related(
            Prefetch("directions", queryset=ResearchDirection.objects.select_related("parent")),
            Prefetch("claims", queryset=Claim.objects.order_by()),
            Prefetch("reviews", queryset=Review.objects.order_by()),
        )
        # The admin list's order (with its -pk tie-break), which an index serves.
        .order_by("-corroborated", "-priority", "-submitted_at", "-pk")
    )


class Echo:
    """A file csv.writer writes to that keeps nothing: writerow() returns the line."""

    def write(self, line):
        return line


def applications_csv(queryset, request=None):
    """
    The CSV of the applications in the queryset, as pieces of text to stream: the BOM
    and the header first, before any application is read. Without a request (scripts,
    the shell) nothing is hidden: the blind rule is for a member of staff in the admin.
    """
    # Rows are made while the response is sent, after the view has returned: keep the
    # request's language for the headers and labels.
    language = translation.get_language()
    with translation.override(language):
        requirements = list(Requirement.objects.all())
        reviewers = reviewers_of(queryset)
        writer = csv.writer(Echo())
        header = [name() if callable(name) else name for name, _value in FIELDS]
        header.append(_("CV"))
        header += [_("Criterion: %(criterion)s") % {"criterion": r} for r in requirements]
        header.append(_("keywords found"))
        for r in requirements:
            header.append(_("%(criterion)s: in the CV") % {"criterion": r.short_title})
            if r.main_author:
                header.append(_("%(criterion)s: author position") % {"criterion": r.short_title})
        header += [_("number of reviews"), _("average rating")]
        for name in reviewers.values():
            header += [
                _("%(reviewer)s: score") % {"reviewer": name},
                _("%(reviewer)s: comment") % {"reviewer": name},
            ]
        yield "\ufeff" + writer.writerow([neutralise(cell) for cell in header])

        cv_url = _cv_url(request)
        viewer = _blind_viewer(request)
        piece, length = [], 0
        for application in export_queryset(queryset).iterator(chunk_size=CHUNK_SIZE):
            cells = row(application, requirements, cv_url)
            cells += review_cells(application, reviewers, viewer)
            line = writer.writerow([neutralise(cell) for cell in cells])
            piece.append(line)
            length += len(line)
            if length >= PIECE_SIZE:
                yield "".join(piece)
                piece, length = [], 0
        if piece:
            yield "".join(piece)


def reviewers_of(queryset):
    """
    {pk: name} of everyone who reviewed one of the applications, in the order of their
    names (the full name, else the user name; with the user name too when two share
    one): one query.
    """
    reviewed = Review.objects.filter(application__in=queryset).values("reviewer")
    users = (
        get_user_model()
        .objects.filter(pk__in=reviewed)
        .only("username", "first_name", "last_name")
    )
    names = {user: user.get_full_name() or user.get_username() for user in users}
    shared = Counter(names.values())
    names = {
        user: f"{name} ({user.get_username()})" if shared[name] > 1 else name
        for user, name in names.items()
    }
    by_name = sorted(names.items(), key=lambda item: (item[1].casefold(), item[0].pk))
    return {user.pk: name for user, name in by_name}


def _blind_viewer(request):
    """
    The pk of the user the blind rule (Application.reviews_shown_to, here decided from
    the prefetched reviews) applies to; None if she may see every review.
    """
    if request is None or request.user.is_superuser:
        return None
    return request.user.pk


def _cv_url(request):
    """The URL of an application's CV from its pk: reversed once, not once per row."""
    marker = "2305843009213693951"  # a pk no application has
    url = reverse("admin:recruiting_application_cv", args=[marker])
    if request:
        url = request.build_absolute_uri(url)
    before, after = url.split(marker)
    return lambda pk: f"{before}{pk}{after}"


def row(application, requirements, cv_url):
    """The cells of one application up to its reviews, in the header's order."""
    cells = [value(application) for _name, value in FIELDS]
    cells.append(cv_url(application.pk))
    claims = {claim.requirement_id: claim for claim in application.claims.all()}
    cells += [claims[r.pk].evidence if r.pk in claims else "" for r in requirements]
    cells.append("; ".join(c.keywords_found for c in claims.values() if c.keywords_found))
    for r in requirements:
        claim = claims.get(r.pk)
        cells.append(cv_state_cell(claim))
        if r.main_author:
            cells.append(author_position_cell(claim))
    return cells


def cv_state_cell(claim):
    """
    What the CV says of a claim, in the same English words in every language, so that a
    spreadsheet filters any export alike: empty when the criterion was not claimed.
    """
    if claim is None:
        return ""
    return CV_STATE_CELLS.get(claim.cv_state, "not checked")


def author_position_cell(claim):
    """The author positions the evidence states ("first author; second author")."""
    if claim is None or not claim.author_position:
        return ""
    labels = _english_position_labels()
    return "; ".join(labels.get(p, p) for p in claim.author_position.split(","))


@functools.cache
def _english_position_labels():
    """POSITION_LABELS in English, as the state cells are: made once, not once a cell."""
    with translation.override("en"):
        return {code: str(label) for code, label in POSITION_LABELS.items()}


def review_cells(application, reviewers, viewer):
    """
    The number of reviews, their average and each reviewer's score and comment; the
    average and others' reviews left empty for a viewer who has not reviewed it yet.
    """
    reviews = {review.reviewer_id: review for review in application.reviews.all()}
    shown = reviews if viewer is None or viewer in reviews else {}
    # The mean the site keeps with the application (Application.update_rating_average).
    average = application.rating_average if shown else None
    cells = [len(reviews), "" if average is None else f"{average:.2f}"]
    for reviewer in reviewers:
        review = shown.get(reviewer)
        cells += [review.rating, review.comment] if review else ["", ""]
    return cells


def filename():
    return f"applications-{timezone.localdate():%Y-%m-%d}.csv"
