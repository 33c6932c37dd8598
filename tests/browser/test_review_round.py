"""
A reviewer's whole round in a real browser: her queue, the evidence and its links, the
CV inline, her score saved blind and on to the next, previous and next within a filtered
list, a bulk rejection stopped twice, the form by keyboard alone; and axe-core on the
review screen, light and dark, at desktop and phone width.
"""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.browser

LIST = "/admin/recruiting/application/"
PYTORCH = "https://github.com/pytorch/pytorch"
COLLEAGUE_SAYS = "Colleague: strong systems background"
PAGE_WIDTH = "() => document.documentElement.scrollWidth"
axe = Axe()


def logged_in_page(browser, site, user, *, viewport=None, **options):
    """A page of a new browser context with `user` logged in, the admin in English."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, locale="en-US", **options
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


@pytest.fixture
def round_(site):
    """
    A reviewer with three applications to review (most criteria first, then newest), one
    she already reviewed, one not hers; a colleague's review on the first.
    """
    from recruiting.models import Requirement
    from recruiting.roles import setup_roles
    from tests.factories import ApplicationFactory, RequirementFactory, ReviewFactory, StaffFactory

    setup_roles()
    her = StaffFactory(username="lin", groups=["reviewers"])
    colleague = StaffFactory(username="colleague", groups=["reviewers"])
    Requirement.objects.update(is_active=False)  # the seeded ones: not in this round
    research = RequirementFactory(short_title_en="Research and open source")
    paper = RequirementFactory(short_title_en="Top-venue paper")
    now = timezone.now()

    def application(name, stage, claims, hours_ago, **extra):
        return ApplicationFactory(
            full_name=name,
            stage=stage,
            claims=claims,
            submitted_at=now - timedelta(hours=hours_ago),
            **extra,
        )

    first = application(
        "Wang Xiaoming",
        "new",
        {research: f"PyTorch：{PYTORCH}，三个合并的 PR。", paper: "NeurIPS 2024"},
        5,
    )
    second = application("Li Na", "screening", {research: "TVM contributor"}, 1, cv=None)
    third = application("Zhang Wei", "new", {paper: "ICML 2025"}, 3, cv=None)
    done = application("Done Already", "new", {paper: "KDD 2024"}, 2, cv=None)
    others = application("Not Hers", "new", {paper: "VLDB 2024"}, 4, cv=None)
    for mine in (first, second, third, done):
        mine.assigned_to.add(her)
    ReviewFactory(application=done, reviewer=her, rating=2)
    ReviewFactory(application=first, reviewer=colleague, rating=5, comment=COLLEAGUE_SAYS)
    return {
        "her": her,
        "queue": [first, second, third],
        "done": done,
        "others": others,
    }


def names_listed(page):
    return page.locator("#result_list tbody th a").all_inner_texts()


def test_her_default_queue_is_assigned_to_her_and_not_yet_reviewed_by_her(browser, site, round_):
    page = logged_in_page(browser, site, round_["her"])
    try:
        page.goto(f"{site}{LIST}")
        assert names_listed(page) == ["Wang Xiaoming", "Li Na", "Zhang Wei"]
        # The filters say so, and offer the way out.
        selected = page.locator("#changelist-filter li.selected").all_inner_texts()
        assert {"Assigned to me", "Not yet reviewed by me"} <= {s.strip() for s in selected}
        page.locator("#changelist-filter").get_by_role("link", name="Reviewed by me", exact=True).click()
        page.wait_for_url(re.compile(r"reviewed=done"))
        assert names_listed(page) == ["Done Already"]
    finally:
        page.context.close()


def test_a_round_evidence_link_cv_inline_blind_score_and_on_to_the_next(browser, site, round_):
    from recruiting.models import Review

    first, second, _third = round_["queue"]
    page = logged_in_page(browser, site, round_["her"])
    try:
        page.goto(f"{site}{LIST}")
        page.get_by_role("link", name="Wang Xiaoming", exact=True).click()
        page.wait_for_url(re.compile(rf"/application/{first.pk}/change/"))
        assert page.locator("#review-summary-heading").inner_text() == "Wang Xiaoming"

        # The evidence: the link next to the full-width colon leads to GitHub, exactly.
        evidence = page.locator(".review-evidence .claim").filter(
            has_text="Research and open source"
        )
        link = evidence.get_by_role("link")
        assert link.count() == 1
        assert link.get_attribute("href") == PYTORCH
        assert link.evaluate("a => a.href") == PYTORCH
        followed = []

        def github(route):
            followed.append(route.request.url)
            route.fulfill(status=200, content_type="text/html", body="<title>GitHub</title>")

        page.route("https://github.com/**", github)
        link.click()
        page.wait_for_url(PYTORCH)
        assert followed == [PYTORCH]
        page.go_back()
        page.wait_for_url(re.compile(rf"/application/{first.pk}/change/"))

        # The CV inline: a frame whose address answers with the PDF, to be shown.
        frame = page.locator("iframe.cv-frame")
        assert frame.get_attribute("title") == "CV of Wang Xiaoming"
        cv = page.request.get(frame.evaluate("f => f.src"))
        assert cv.status == 200
        assert cv.headers["content-type"] == "application/pdf"
        assert cv.headers["content-disposition"].startswith("inline")
        assert cv.body().startswith(b"%PDF-")

        # Blind: the colleague's score and comment are not on the page before hers.
        assert COLLEAGUE_SAYS not in page.content()
        assert page.locator("#review-average").inner_text() == (
            "shown once you have saved your review"
        )
        assert "1 colleague has reviewed this application" in page.locator(
            "#reviews-hidden"
        ).inner_text()

        page.get_by_label("Rating").select_option("4")
        page.get_by_label("Comment").fill("Solid open-source work.")
        page.get_by_role("button", name="Save and review next").click()

        # On to the next of her queue (the first has left it).
        page.wait_for_url(re.compile(rf"/application/{second.pk}/change/"))
        assert page.locator("#review-summary-heading").inner_text() == "Li Na"
        review = Review.objects.get(application=first, reviewer=round_["her"])
        assert (review.rating, review.comment) == (4, "Solid open-source work.")

        # Back to the first: now the colleague's review is there.
        page.goto(f"{site}/admin/recruiting/application/{first.pk}/change/")
        assert page.locator("#reviews-hidden").count() == 0
        assert page.get_by_text(COLLEAGUE_SAYS).is_visible()
        assert page.locator("#review-average").inner_text() == "4.5"
        assert page.locator("#review-my-score").inner_text() == "4"
    finally:
        page.context.close()
