"""The dashboard in a real browser: a number leads to its list; axe finds nothing, light or dark."""

import re

import pytest

from .pages import DJANGO_ADMIN_AXE, axe_violations, staff_page

pytestmark = pytest.mark.browser

DASHBOARD = "/admin/recruiting/application/dashboard/"


def some_applications():
    """Applications for the seeded positions in a few stages, some of them reviewed."""
    from recruiting.models import Position, ResearchDirection
    from tests.factories import ApplicationFactory, ReviewFactory

    ra, intern = Position.objects.get(slug="ra"), Position.objects.exclude(slug="ra").first()
    branch = ResearchDirection.objects.filter(parent__isnull=False).first()
    for position, stage, n in [(ra, "new", 3), (ra, "interview", 2), (intern, "new", 1)]:
        for application in ApplicationFactory.create_batch(
            n, position=position, stage=stage, directions=[branch], cv=None
        ):
            ReviewFactory(application=application, rating=1 + application.pk % 5)
    return ra


def listed_count(page):
    """The count the applications list shows under its rows ("3 applications")."""
    text = page.locator("p.paginator").inner_text()
    return int(re.search(r"(\d+)\s+applications?", text).group(1))


def test_a_position_and_stage_number_leads_to_a_list_of_that_many(browser, site):
    from recruiting.roles import setup_roles
    from tests.factories import StaffFactory

    setup_roles()
    ra = some_applications()
    page = staff_page(browser, site, StaffFactory(groups=["reviewers"]))
    try:
        page.goto(f"{site}{DASHBOARD}")
        row = page.locator("#by-position-and-stage tbody tr").filter(
            has=page.get_by_role("rowheader", name=ra.title_en, exact=True)
        )
        cell = row.get_by_role("link").nth(2)  # New, Screening, Interview
        shown = int(cell.inner_text())
        assert shown == 2
        cell.click()
        page.wait_for_url(re.compile(r"/admin/recruiting/application/\?"))
        assert listed_count(page) == shown
        assert page.locator("#result_list tbody tr").count() == shown
    finally:
        page.context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_dashboard(browser, site, scheme):
    from django.contrib.auth.models import User

    some_applications()
    boss = User.objects.create_superuser("boss", "boss@example.com", None)
    page = staff_page(browser, site, boss, color_scheme=scheme)
    try:
        assert page.goto(f"{site}{DASHBOARD}").status == 200
        page.locator("#applications-per-week summary").click()  # the weekly numbers too
        assert page.locator("#by-score").get_by_role("link").count() == 6
        assert axe_violations(page, DJANGO_ADMIN_AXE) == []
    finally:
        page.context.close()
