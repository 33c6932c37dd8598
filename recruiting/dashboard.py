"""The staff dashboard's counts of applications, in a fixed handful of queries."""

import itertools
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import connection
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import Application, Claim, Position, Requirement, ResearchDirection

WEEKS = 26


@dataclass
class Bar:
    label: str
    count: int


@dataclass
class Week:
    start: object  # a date, the Monday
    count: int
    # Geometry of its bar in the SVG chart, in the chart's own units.
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0


def by_stage():
    # COUNT(*), not COUNT(id): the stage index alone answers it (an index-only scan).
    counts = dict(Application.objects.order_by().values_list("stage").annotate(n=Count("*")))
    return [Bar(label, counts.get(value, 0)) for value, label in Application.Stage.choices]


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


def by_position():
    positions = Position.objects.annotate(n=count_of(Application, "position"))
    return [Bar(str(position), position.n) for position in positions]


def by_direction():
    directions = ResearchDirection.objects.select_related("parent").annotate(
        n=count_of(Application.directions.through, "researchdirection")
    )
    # Branches right after their parent.
    directions = sorted(
        directions,
        key=lambda d: (
            (d.parent.order, d.parent_id, 1, d.order, d.pk)
            if d.parent_id
            else (d.order, d.pk, 0, 0, 0)
        ),
    )
    return [Bar(str(direction), direction.n) for direction in directions]


def by_criterion():
    requirements = Requirement.objects.annotate(n=count_of(Claim, "requirement"))
    return [Bar(str(requirement), requirement.n) for requirement in requirements]


def per_week(weeks=WEEKS, today=None):
    """Applications per week (Monday to Sunday, local time), the last `weeks`, oldest first."""
    today = today or timezone.localdate()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    # Each week's bounds in local time (so daylight saving is right), then one query with
    # a range count per week, each read from its part of the submitted_at index alone.
    # Grouping rows by their local day would convert every timestamp on each view.
    bounds = [
        timezone.make_aware(datetime.combine(first + timedelta(weeks=i), time.min))
        for i in range(weeks + 1)
    ]
    column = connection.ops.quote_name(Application._meta.get_field("submitted_at").column)
    count = (
        f"(SELECT COUNT(*) FROM {connection.ops.quote_name(Application._meta.db_table)} "
        f"WHERE {column} >= %s AND {column} < %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join([count] * weeks),
            [
                connection.ops.adapt_datetimefield_value(moment)
                for start, end in itertools.pairwise(bounds)
                for moment in (start, end)
            ],
        )
        counts = cursor.fetchone()
    return [Week(first + timedelta(weeks=i), count) for i, count in enumerate(counts)]


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


def dashboard_context():
    """Everything the dashboard shows: five queries whatever the number of rows."""
    stages = by_stage()
    weeks = per_week()
    return {
        "total": sum(bar.count for bar in stages),
        "by_stage": stages,
        "by_position": by_position(),
        "by_direction": by_direction(),
        "by_criterion": by_criterion(),
        "chart": week_chart(weeks),
        "weeks_total": sum(w.count for w in weeks),
        "weeks": len(weeks),
    }
