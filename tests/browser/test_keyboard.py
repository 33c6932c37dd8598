"""The whole application with the keyboard alone (Tab, Space, Enter and typing), with a
visible focus ring on every element that takes focus."""

import datetime

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from recruiting.models import Application
from tests.submissions import PDF

from .pages import FOCUSED_ELEMENT, t

pytestmark = pytest.mark.browser

TEXT = {
    "full_name": "李明",
    "email": "keyboard@example.org",
    "school": "北京大学",
    "major": "计算机",
    "year_of_study": "3",
    "graduation_year": "2027",
    "duration_months": "6",
    "statement": "I use the keyboard only.",
}
EVIDENCE = "Kaggle silver medal: https://example.org/kaggle"


def open_file_chooser_with_space(page, attempts=3):
    """
    Space on the focused file input opens the file chooser. Headless Chromium on a
    loaded machine now and then drops that first key press before the input is ready
    for it, so it is pressed again, still with the keyboard alone.
    """
    for attempt in range(attempts):
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press("Space")
            return chooser.value
        except PlaywrightTimeoutError:
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def tab(page, seen_rings):
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED_ELEMENT)
    assert focused is not None, "Tab never leaves the page"
    assert focused["ring"], f"no visible focus ring on {focused}"
    seen_rings.append(focused)
    return focused


def type_date(page, date):
    # Chromium's date field (en-US locale): month, day, year, each segment in turn.
    page.keyboard.type(f"{date:%m%d%Y}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_whole_application_can_be_sent_with_the_keyboard_alone(browser, site, language):
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site}{'/en' if language == 'en' else ''}/apply/")
    focused_elements = []
    handled = set()
    criteria_ticked = 0
    submitted = False

    for _ in range(150):
        el = tab(page, focused_elements)
        key = (el["tag"], el["name"], el["id"])
        if key in handled:
            continue
        handled.add(key)
        name, kind = el["name"], el["type"]
        if name in TEXT:
            page.keyboard.type(TEXT[name])
        elif name == "degree":
            page.keyboard.press("ArrowDown")  # the first degree after the empty choice
        elif name in ("position", "work_mode", "directions", "consent"):
            page.keyboard.press("Space")
        elif name == "criteria" and criteria_ticked < 2:
            page.keyboard.press("Space")
            criteria_ticked += 1
        elif name.startswith("evidence_"):
            page.keyboard.type(EVIDENCE)
        elif name == "start_date":
            type_date(page, datetime.date.today() + datetime.timedelta(days=30))
        elif name == "cv":
            open_file_chooser_with_space(page).set_files(
                {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}
            )
        elif kind == "submit":
            page.keyboard.press("Enter")
            submitted = True
            break

    assert submitted, "Tab reached the send button"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Thank you for your application")
    )
    application = Application.objects.get(email="keyboard@example.org")
    assert application.priority == 2
    assert application.language == language

    # On to the status page, still with the keyboard: Tab to the link, Enter.
    for _ in range(30):
        el = tab(page, focused_elements)
        if "/apply/status/" in el["href"]:
            page.keyboard.press("Enter")
            break
    expect(page.locator(".application-status")).to_contain_text(t(language, "New", "stage"))

    kinds = {(el["tag"], el["type"]) for el in focused_elements}
    assert {("input", "text"), ("input", "checkbox"), ("input", "radio")} <= kinds
    assert ("textarea", "") in kinds and ("select", "") in kinds and ("a", "") in kinds
    context.close()
