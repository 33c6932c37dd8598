"""The dashboard at 100,000 applications: counts read from indexes, not joins of every row."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    ApplicationFactory,
    PositionFactory,
    RequirementFactory,
    ResearchDirectionFactory,
)

URL = reverse("admin:recruiting_application_dashboard")
NOW = datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_neither_joins_every_application_nor_converts_each_date(reviewer_client):
    """
    Counts per position, direction and criterion come from the foreign keys' indexes
    (a subquery per position, direction or criterion), and weeks from ranges of the
    submitted_at index: no join of every application, claim or direction link grouped
    by every column, and no time-zone conversion of every submission date.
    """
    ApplicationFactory(
        position=PositionFactory(),
        claims={RequirementFactory(): "evidence"},
        directions=[ResearchDirectionFactory()],
        cv=None,
    )
    with CaptureQueriesContext(connection) as queries:
        response = reviewer_client.get(URL)
    assert response.status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert len(counts) == 5
    for sql in counts:
        assert not re.search(r'JOIN "recruiting_(application|claim)', sql), sql
        assert "AT TIME ZONE" not in sql and "django_datetime_cast_date" not in sql, sql
        assert 'COUNT("recruiting_' not in sql, sql  # COUNT(*): index-only scans
