"""The dashboard in a real browser: a number leads to its list; axe finds nothing, light or dark."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.browser

DASHBOARD = "/admin/recruiting/application/dashboard/"
axe = Axe()


def logged_in_page(browser, site, user, **options):
    """A page of a new browser context with `user` logged in, the admin in English."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="en-US", **options
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": site,
            }
        ]
    )
    return context.new_page()


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
    page = logged_in_page(browser, site, StaffFactory(groups=["reviewers"]))
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


def violations(page):
    """
    axe's violations, but for one of Django admin's own: its breadcrumbs' links are told
    from their text by colour alone (link-in-text-block); that rule runs on the rest.
    """
    found = axe.run(page, options={"rules": {"link-in-text-block": {"enabled": False}}})
    links = axe.run(
        page, context={"exclude": [[".breadcrumbs"]]}, options={"runOnly": ["link-in-text-block"]}
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in found.response["violations"] + links.response["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_on_the_dashboard(browser, site, scheme):
    from django.contrib.auth.models import User

    some_applications()
    boss = User.objects.create_superuser("boss", "boss@example.com", None)
    page = logged_in_page(browser, site, boss, color_scheme=scheme)
    try:
        assert page.goto(f"{site}{DASHBOARD}").status == 200
        page.locator("#applications-per-week summary").click()  # the weekly numbers too
        assert page.locator("#by-score").get_by_role("link").count() == 6
        assert violations(page) == []
    finally:
        page.context.close()
