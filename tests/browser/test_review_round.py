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
from django.utils import timezone

from .pages import DJANGO_ADMIN_AXE, axe_violations, staff_page

pytestmark = pytest.mark.browser

LIST = "/admin/recruiting/application/"
PYTORCH = "https://github.com/pytorch/pytorch"
COLLEAGUE_SAYS = "Colleague: strong systems background"
PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.fixture
def round_(site):
    """
    A reviewer with three applications to review (most criteria first, then newest), one
    she already reviewed, one not hers; a colleague's review on the first.
    """
    from recruiting.roles import setup_roles
    from tests.factories import ApplicationFactory, RequirementFactory, ReviewFactory, StaffFactory

    setup_roles()
    her = StaffFactory(username="lin", groups=["reviewers"])
    colleague = StaffFactory(username="colleague", groups=["reviewers"])
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
    page = staff_page(browser, site, round_["her"])
    try:
        page.goto(f"{site}{LIST}")
        assert names_listed(page) == ["Wang Xiaoming", "Li Na", "Zhang Wei"]
        # The filters say so, and offer the way out.
        selected = page.locator("#changelist-filter li.selected").all_inner_texts()
        assert {"Assigned to me", "Not yet reviewed by me"} <= {s.strip() for s in selected}
        page.locator("#changelist-filter").get_by_role(
            "link", name="Reviewed by me", exact=True
        ).click()
        page.wait_for_url(re.compile(r"reviewed=done"))
        assert names_listed(page) == ["Done Already"]
    finally:
        page.context.close()


def test_a_round_evidence_link_cv_inline_blind_score_and_on_to_the_next(browser, site, round_):
    from recruiting.models import Review

    first, second, _third = round_["queue"]
    page = staff_page(browser, site, round_["her"])
    downloads = []
    page.on("download", lambda download: downloads.append(download.url))
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

        # The CV inline: a frame whose address answers with the PDF, to be shown (the
        # browser opens it in the frame: nothing is downloaded).
        assert downloads == []
        assert any(f.url.endswith(f"/{first.pk}/cv/inline/") for f in page.frames)
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
        assert (
            "1 colleague has reviewed this application"
            in page.locator("#reviews-hidden").inner_text()
        )

        # Her form (not the hidden template Django's inline script copies from).
        review = page.locator("#reviews-0")
        review.get_by_label("Rating").select_option("4")
        review.get_by_label("Comment").fill("Solid open-source work.")
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


def summary(page):
    """The name and stage of the application on the review screen."""
    return (
        page.locator("#review-summary-heading").inner_text(),
        page.locator("#review-stage").inner_text(),
    )


def test_previous_and_next_stay_within_the_filtered_list(browser, site, round_):
    filters = "stage__exact=new"  # a filter of her own: her queue's no longer applies
    page = staff_page(browser, site, round_["her"])
    try:
        page.goto(f"{site}{LIST}?{filters}")
        listed = names_listed(page)
        assert listed == ["Wang Xiaoming", "Done Already", "Zhang Wei", "Not Hers"]
        page.get_by_role("link", name=listed[0], exact=True).click()
        seen = [summary(page)]
        while page.locator("#review-next").count():
            page.locator("#review-next").click()
            page.wait_for_load_state()
            seen.append(summary(page))
            assert parse_qs(urlsplit(page.url).query)["_changelist_filters"] == [filters]
            assert len(seen) <= len(listed)
        assert seen == [(name, "New") for name in listed]
        assert page.locator(".review-queue").get_by_text("Last in this list").is_visible()
        back = [summary(page)]
        while page.locator("#review-previous").count():
            page.locator("#review-previous").click()
            page.wait_for_load_state()
            back.append(summary(page))
            assert len(back) <= len(listed)
        assert back == seen[::-1]
        # And back to the list as it was.
        page.get_by_role("link", name="Back to the list").click()
        page.wait_for_url(re.compile(rf"{LIST}\?"))
        assert names_listed(page) == listed
    finally:
        page.context.close()


def stages(applications):
    from recruiting.models import Application

    return list(
        Application.objects.filter(pk__in=[a.pk for a in applications])
        .order_by("pk")
        .values_list("stage", flat=True)
    )


def select_and_reject(page, site, names):
    page.goto(f"{site}{LIST}")
    for name in names:
        page.locator("#result_list tbody tr").filter(has_text=name).locator(
            "input.action-select"
        ).check()
    page.locator("select[name=action]").select_option("move_to_rejected")
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


def test_a_bulk_rejection_stops_twice_and_cancelling_leaves_everything_as_it_was(
    browser, site, round_
):
    from recruiting.models import Message, StageChange

    _first, second, third = round_["queue"]
    page = staff_page(browser, site, round_["her"])
    try:
        select_and_reject(page, site, ["Li Na", "Zhang Wei"])
        assert page.get_by_role("heading", name="Move 2 applications to “Rejected”?").is_visible()
        assert stages([second, third]) == ["screening", "new"]
        page.get_by_role("button", name="Yes, I'm sure").click()

        question = page.get_by_role("heading", name="Really end 2 applications as “Rejected”?")
        assert question.is_visible()
        listed = page.locator("#end-confirmation-list li").all_inner_texts()
        assert [item.split(" · ")[0] for item in listed] == ["Li Na", "Zhang Wei"]
        assert stages([second, third]) == ["screening", "new"]
        page.get_by_role("link", name="No, take me back").click()

        page.wait_for_url(re.compile(r"/admin/recruiting/application/(\?.*)?$"))
        assert names_listed(page) == ["Wang Xiaoming", "Li Na", "Zhang Wei"]
        assert stages([second, third]) == ["screening", "new"]
        assert not StageChange.objects.exists()
        assert not Message.objects.exists()

        # Confirmed twice, they move.
        select_and_reject(page, site, ["Li Na", "Zhang Wei"])
        page.get_by_role("button", name="Yes, I'm sure").click()
        page.get_by_role("button", name="Yes, end them as “Rejected”").click()
        page.wait_for_url(re.compile(r"/admin/recruiting/application/(\?.*)?$"))
        assert page.get_by_text("2 applications moved to “Rejected”.").is_visible()
        assert stages([second, third]) == ["rejected", "rejected"]
    finally:
        page.context.close()


FOCUSED = (
    "() => document.activeElement && (document.activeElement.id || document.activeElement.tagName)"
)


def tab_to(page, element_id, limit=200):
    """Press Tab until the element with that id has the focus; how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED) == element_id:
            return presses
    raise AssertionError(f"#{element_id} is not reachable by Tab")


def test_her_review_is_reachable_and_sent_by_keyboard_alone(browser, site, round_):
    from recruiting.models import Review

    first, second, _third = round_["queue"]
    page = staff_page(browser, site, round_["her"])
    try:
        page.goto(f"{site}{LIST}")
        page.get_by_role("link", name="Wang Xiaoming", exact=True).click()
        page.wait_for_load_state()
        tab_to(page, "id_reviews-0-rating")
        page.keyboard.press("4")  # a closed select takes the option its key starts
        assert page.locator("#id_reviews-0-rating").input_value() == "4"
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED) == "id_reviews-0-comment"
        page.keyboard.type("Good, by keyboard.")
        tab_to(page, "save-and-next")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/application/{second.pk}/change/"))
        review = Review.objects.get(application=first, reviewer=round_["her"])
        assert (review.rating, review.comment) == (4, "Good, by keyboard.")
    finally:
        page.context.close()


def open_first(browser, site, round_, state, **options):
    """The review screen of her first application, before her review (blind) or after."""
    from tests.factories import ReviewFactory

    first = round_["queue"][0]
    if state == "shared":
        ReviewFactory(application=first, reviewer=round_["her"], rating=4, comment="Mine.")
    page = staff_page(browser, site, round_["her"], **options)
    url = f"{site}/admin/recruiting/application/{first.pk}/change/?_changelist_filters=o%3D1"
    assert page.goto(url).status == 200
    assert page.locator("#reviews-hidden").count() == (state == "blind")
    return page


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("state", ["blind", "shared"])
def test_axe_finds_no_violation_on_the_review_screen(browser, site, round_, state, scheme, width):
    viewport = {"width": width, "height": 900}
    page = open_first(browser, site, round_, state, viewport=viewport, color_scheme=scheme)
    try:
        assert axe_violations(page, DJANGO_ADMIN_AXE) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("state", ["blind", "shared"])
def test_the_review_screen_does_not_scroll_sideways_on_a_phone(browser, site, round_, state):
    page = open_first(
        browser, site, round_, state, viewport={"width": 360, "height": 740}, is_mobile=True
    )
    try:
        assert page.evaluate(PAGE_WIDTH) == 360
    finally:
        page.context.close()
