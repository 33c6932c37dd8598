"""
The applications list's own filters where Django has none: a research direction with its
branches, the average review score, a criterion claimed, a reviewer's queue (assigned to
her, reviewed by her or not), words in the CVs and the CVs' warnings. The dashboard links to them (dashboard.py), so
each of its numbers opens the list of exactly the applications it counts.
"""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from .admin_lookups import OfferedChoicesFilter
from .models import Application, Claim, CVText, Requirement, ResearchDirection

DirectionLink = Application.directions.through

SCORES = range(1, 6)
NO_REVIEW = "none"


def in_tree_order(directions):
    """The directions (their parents selected), each parent followed by its branches."""
    return sorted(
        directions,
        key=lambda d: (
            (d.parent.order, d.parent_id, 1, d.order, d.pk)
            if d.parent_id
            else (d.order, d.pk, 0, 0, 0)
        ),
    )


def links_within(direction):
    """
    The links to `direction` (a primary key or an OuterRef) or to any of its branches,
    picked by direction id from the links' index. Branches have no branches of their
    own (ResearchDirectionAdmin), so one level is all.
    """
    subtree = ResearchDirection.objects.filter(Q(pk=direction) | Q(parent_id=direction))
    return DirectionLink.objects.filter(researchdirection_id__in=subtree.values("pk"))


def score_bounds(score):
    """
    The applications whose mean rating (Application.rating_average) rounds to `score`:
    from score - 0.5 up to, not including, score + 0.5 (a half rounds up, on every
    database: ROUND() differs between them).
    """
    return Q(rating_average__gte=score - 0.5, rating_average__lt=score + 0.5)


class DirectionFilter(OfferedChoicesFilter):
    """A research direction; a parent's takes in the applications that chose a branch of it."""

    title = _("research direction")
    parameter_name = "direction"

    def lookups(self, request, model_admin):
        directions = in_tree_order(ResearchDirection.objects.select_related("parent"))
        return [(str(d.pk), str(d)) for d in directions]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # One of the lookups (OfferedChoicesFilter refused any other): a direction's id.
        return queryset.filter(pk__in=links_within(int(value)).values("application_id"))


class ScoreFilter(OfferedChoicesFilter):
    """
    The average review score, rounded, or no review yet. Only superusers may pick a
    score: for a reviewer the list of a score would tell her colleagues' ratings of each
    application before she gave her own (the blind review of issue 12).
    """

    title = _("average score")
    parameter_name = "score"

    def lookups(self, request, model_admin):
        scores = [(str(n), str(n)) for n in SCORES] if request.user.is_superuser else []
        return [*scores, (NO_REVIEW, _("No review yet"))]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # The stored mean of the reviews (Application.rating_average), not the list's
        # blind average_rating: this filter is offered to superusers only.
        if value == NO_REVIEW:
            return queryset.filter(rating_average__isnull=True)
        return queryset.filter(score_bounds(int(value)))


class CriterionFilter(OfferedChoicesFilter):
    title = _("criterion claimed")
    parameter_name = "criterion"

    def lookups(self, request, model_admin):
        return [(str(r.pk), str(r)) for r in Requirement.objects.all()]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        # One of the lookups (OfferedChoicesFilter refused any other): a requirement's id.
        claims = Claim.objects.filter(application=OuterRef("pk"), requirement_id=int(value))
        return queryset.filter(Exists(claims))


class AssignedFilter(OfferedChoicesFilter):
    title = _("assignment")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("all", _("All")), ("me", _("Assigned to me")), ("none", _("Not assigned"))]

    def choices(self, changelist):
        # "All" is explicit (assigned=all), not Django's link without the parameter: a
        # bare list is a reviewer's queue, so that link would lead her back to it.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": (self.value() or "all") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "me":
            mine = Application.assigned_to.through.objects.filter(
                application=OuterRef("pk"), user=request.user
            )
            return queryset.filter(Exists(mine))
        if self.value() == "none":
            anyone = Application.assigned_to.through.objects.filter(application=OuterRef("pk"))
            return queryset.filter(~Exists(anyone))
        return queryset


class MyReviewFilter(OfferedChoicesFilter):
    title = _("my review")
    parameter_name = "reviewed"

    # my_score: her own rating, joined by Application.objects.for_reviewer.
    conditions = {"todo": Q(my_score__isnull=True), "done": Q(my_score__isnull=False)}

    def lookups(self, request, model_admin):
        return [("todo", _("Not yet reviewed by me")), ("done", _("Reviewed by me"))]


class CVWarningFilter(OfferedChoicesFilter):
    title = _("CV warnings")
    parameter_name = "cv_warning"

    conditions = {"yes": ~Q(cv_flags=""), "no": Q(cv_flags="")}

    def lookups(self, request, model_admin):
        return [("yes", _("With a warning")), ("no", _("Without"))]


class CVTextFilter(admin.SimpleListFilter):
    """
    Words to find in the CVs' text ("who has Kaggle in the CV"): a search box in the
    filters, which keeps the list's other filters, search and order.
    """

    title = _("in the CVs")
    parameter_name = "cv"
    template = "admin/recruiting/cv_text_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return True

    def choices(self, changelist):
        # The list's other parameters (filters, search, order), but not its page.
        hidden = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in (self.parameter_name, "p")
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "value": self.value() or "",
            "hidden": hidden,
            # The list without this search, as other filters' choices link to.
            "query_string": changelist.get_query_string(remove=[self.parameter_name, "p"]),
        }

    def queryset(self, request, queryset):
        words = (self.value() or "").strip()
        if not words:
            return queryset
        return queryset.filter(pk__in=CVText.objects.matching(words).values("application_id"))


# A reviewer's queue: the list a reviewer with assignments opens by default.
QUEUE = {AssignedFilter.parameter_name: "me", MyReviewFilter.parameter_name: "todo"}
# Parameters that do not choose which applications are listed (order, page, show all,
# facet counts).
NOT_FILTERS = {"o", "p", "all", "_facets"}
