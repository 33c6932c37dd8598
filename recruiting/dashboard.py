"""
The staff dashboard's counts of applications, in a fixed handful of queries. Each number
links to the applications list filtered to exactly the applications it counts: Django's
own filter parameters where it has them, ours (admin_filters.py) where not.
"""

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import connection
from django.db.models import Case, Count, Exists, Func, IntegerField, OuterRef, Subquery, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from .admin_filters import (
    NO_REVIEW,
    SCORES,
    CriterionFilter,
    DirectionFilter,
    DirectionLink,
    ScoreFilter,
    in_tree_order,
    links_within,
    score_bounds,
)
from .models import Application, Claim, Position, Requirement, ResearchDirection

WEEKS = 26


def changelist_url(**params):
    """
    The applications list, filtered by `params`; without any, every application, said
    explicitly (assigned=all): a reviewer's bare list is her queue (ApplicationAdmin).
    """
    url = reverse("admin:recruiting_application_changelist")
    return f"{url}?{urlencode(params or {'assigned': 'all'})}"


def submitted_between(start, end):
    """
    The list's parameters for applications submitted from `start` up to `end` (local
    midnights): written as DateFieldListFilter writes its own ("This month" included).
    """
    return {"submitted_at__gte": str(start), "submitted_at__lt": str(end)}


@dataclass
class Bar:
    label: str
    count: int
    url: str
    branch: bool = False  # a research direction's branch, listed under its parent


@dataclass
class Week:
    start: object  # a date, the Monday
    count: int
    url: str = ""
    # Geometry of its bar in the SVG chart, in the chart's own units.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


@dataclass
class Month:
    start: date  # the first day
    count: int
    url: str


@dataclass
class Row:
    """A position's row of the position × stage table."""

    label: str
    cells: list  # a Bar per stage
    total: Bar


@dataclass
class Grid:
    stages: list  # (value, label) of the columns
    rows: list = field(default_factory=list)
    totals: list = field(default_factory=list)  # a Bar per stage
    total: Bar = None


def midnight(day):
    """The start of `day` in local time (so daylight saving is right, where there is any)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def count_of(model, field):
    """
    The number of `model` rows whose foreign key `field` is the outer row: one subquery
    per row of the (short) outer table, counted from the foreign key's index. A join
    would read every application, claim or direction link and group them by every
    column of the outer table (most of a second at 100,000 applications).
    """
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows), 0)


def position_by_stage(link):
    """Positions × stages, with each row's and column's total: two queries."""
    counts = {
        (position, stage): n
        for position, stage, n in Application.objects.order_by()
        .values_list("position", "stage")
        .annotate(n=Count("*"))
    }
    stages = Application.Stage.choices
    grid = Grid(stages)
    for position in Position.objects.all():
        cells = [
            Bar(
                label,
                counts.get((position.pk, value), 0),
                link(position__id__exact=position.pk, stage__exact=value),
            )
            for value, label in stages
        ]
        total = Bar(
            str(position),
            sum(cell.count for cell in cells),
            link(position__id__exact=position.pk),
        )
        grid.rows.append(Row(str(position), cells, total))
    grid.totals = [
        Bar(
            label,
            sum(n for (_, stage), n in counts.items() if stage == value),
            link(stage__exact=value),
        )
        for value, label in stages
    ]
    grid.total = Bar("", sum(counts.values()), link())
    return grid


class CountDistinct(Func):
    """COUNT(DISTINCT …) as a plain expression: a subquery's one row, without GROUP BY."""

    template = "COUNT(DISTINCT %(expressions)s)"
    output_field = IntegerField()


def distinct_applications_within():
    """
    The number of applications that chose the outer direction or any of its branches,
    each counted once (one may choose a parent and its branch, or two branches). Only a
    direction with branches is counted so; the others count their links from the index
    (count_of). links_within reads the links from their index: an OR over a join of
    links and directions read every link once per direction (a quarter of a second).
    """
    rows = (
        links_within(OuterRef(OuterRef("pk")))
        .order_by()
        .annotate(n=CountDistinct("application_id"))
        .values("n")
    )
    has_branches = Exists(ResearchDirection.objects.filter(parent_id=OuterRef("pk")))
    return Case(
        When(has_branches, then=Subquery(rows)),
        default=count_of(DirectionLink, "researchdirection"),
    )


def by_direction(link):
    """Each direction, a parent counting its branches' applications; branches under it."""
    directions = ResearchDirection.objects.select_related("parent").annotate(
        n=distinct_applications_within()
    )
    return [
        Bar(
            str(direction),
            direction.n,
            link(**{DirectionFilter.parameter_name: direction.pk}),
            branch=direction.parent_id is not None,
        )
        for direction in in_tree_order(directions)
    ]


def by_criterion(link):
    requirements = Requirement.objects.annotate(n=count_of(Claim, "requirement"))
    return [
        Bar(
            str(requirement),
            requirement.n,
            link(**{CriterionFilter.parameter_name: requirement.pk}),
        )
        for requirement in requirements
    ]


def count_ranges(bounds):
    """
    The number of applications submitted in each [start, end) of `bounds`, in one query
    of range counts, each read from its part of the submitted_at index alone. Grouping
    rows by their local day would convert every timestamp on each view.
    """
    column = connection.ops.quote_name(Application._meta.get_field("submitted_at").column)
    count = (
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(Application._meta.db_table)} "
        f"WHERE {column} >= %s AND {column} < %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join([count] * len(bounds)),
            [
                connection.ops.adapt_datetimefield_value(moment)
                for start, end in bounds
                for moment in (start, end)
            ],
        )
        return list(cursor.fetchone())


def week_starts(weeks=WEEKS, today=None):
    """The Mondays of the last `weeks` weeks, oldest first, and the Monday after."""
    today = today or timezone.localdate()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    return [first + timedelta(weeks=i) for i in range(weeks + 1)]


def month_starts(today=None):
    """The first days of last month, this month and next month (calendar months)."""
    today = today or timezone.localdate()
    this = today.replace(day=1)
    last = (this - timedelta(days=1)).replace(day=1)
    following = (this + timedelta(days=31)).replace(day=1)
    return [last, this, following]


def per_week_and_month(link, weeks=WEEKS, today=None):
    """
    ([Week…] the last `weeks`, Monday to Sunday, oldest first; [last month, this month]),
    in local time, in one query.
    """
    mondays = week_starts(weeks, today)
    firsts = month_starts(today)
    days = list(itertools.pairwise(mondays)) + list(itertools.pairwise(firsts))
    moments = [(midnight(start), midnight(end)) for start, end in days]
    counts = count_ranges(moments)
    periods = [
        (start, n, link(**submitted_between(*bounds)))
        for (start, _end), n, bounds in zip(days, counts, moments, strict=True)
    ]
    return (
        [Week(start, n, url) for start, n, url in periods[:weeks]],
        [Month(start, n, url) for start, n, url in periods[weeks:]],
    )


def per_week(weeks=WEEKS, today=None):
    """Applications per week (Monday to Sunday, local time), the last `weeks`, oldest first."""
    return per_week_and_month(changelist_url, weeks, today)[0]


def score_spread(link, total, show_scores):
    """
    (a Bar per rounded average score 1–5, or [] unless `show_scores`; the Bar of the
    applications without any review yet), in one query over the stored means, the
    column the list's score filter reads.
    """
    counts = Application.objects.aggregate(
        **{str(n): Count("pk", filter=score_bounds(n)) for n in SCORES}
    )
    name = ScoreFilter.parameter_name
    buckets = [Bar(str(n), counts[str(n)], link(**{name: n})) for n in SCORES]
    unreviewed = Bar("", total - sum(counts.values()), link(**{name: NO_REVIEW}))
    return (buckets if show_scores else []), unreviewed


def signed(n):
    """A difference as staff read it: +3, −2 (a minus sign, not a hyphen) or 0."""
    return f"+{n}" if n > 0 else f"\N{MINUS SIGN}{-n}" if n < 0 else "0"


@dataclass
class Chart:
    weeks: list
    width: int
    height: int
    top: int  # the highest count the y axis shows
    ticks: list  # (y, count) of the horizontal grid lines
    labels: list  # (x, date) under every few bars


def week_chart(weeks, width=780, height=240, pad_left=36, pad_bottom=28, pad_top=12):
    """Place the bars of per_week() in an SVG of width × height (server-rendered)."""
    top = max([w.count for w in weeks] + [1])
    # A round top value so the grid lines fall on whole numbers.
    step = max(1, -(-top // 4))
    top = step * 4
    plot_w = width - pad_left - 8
    plot_h = height - pad_top - pad_bottom
    slot = plot_w / len(weeks)
    for i, week in enumerate(weeks):
        week.width = round(slot * 0.7, 2)
        week.height = round(plot_h * week.count / top, 2)
        week.x = round(pad_left + i * slot + (slot - week.width) / 2, 2)
        week.y = round(pad_top + plot_h - week.height, 2)
    ticks = [(round(pad_top + plot_h - plot_h * k / 4, 2), step * k) for k in range(5)]
    labels = [
        (round(pad_left + i * slot + slot / 2, 2), week.start)
        for i, week in enumerate(weeks)
        if (len(weeks) - 1 - i) % 4 == 0  # every fourth week, ending with this one
    ]
    return Chart(weeks, width, height, top, ticks, labels)


def dashboard_context(user, link=changelist_url):
    """
    Everything the dashboard shows, in six queries whatever the number of rows. The
    score buckets only for superusers: see ScoreFilter. `link(**params)`: the URL of
    the list filtered by params.
    """
    grid = position_by_stage(link)
    weeks, (last_month, this_month) = per_week_and_month(link)
    scores, unreviewed = score_spread(link, grid.total.count, show_scores=user.is_superuser)
    return {
        "total": grid.total,
        "grid": grid,
        "last_month": last_month,
        "this_month": this_month,
        "month_change": signed(this_month.count - last_month.count),
        "by_direction": by_direction(link),
        "by_criterion": by_criterion(link),
        "scores": scores,
        "unreviewed": unreviewed,
        "chart": week_chart(weeks),
        "weeks_total": sum(w.count for w in weeks),
        "weeks": len(weeks),
    }
