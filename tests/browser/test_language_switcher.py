"""The language switcher keeps the visitor on the same page, and on the same section."""

import pytest
from playwright.sync_api import expect

from .pages import make_application

pytestmark = pytest.mark.browser


def switch(page, name):
    page.locator(".site-languages").get_by_role("link", name=name).click()
    page.wait_for_load_state()


def test_switching_language_keeps_the_section_being_read(page, site):
    page.goto(f"{site}/")
    page.mouse.wheel(0, 0)
    # Scroll the way a reader does, until the research section is at the top: in steps
    # shorter than its heading, so that the first direction under it is not at the top
    # too, wherever the page's fonts and sections put it.
    while page.evaluate(
        "() => document.getElementById('research').getBoundingClientRect().top > 90"
    ):
        page.mouse.wheel(0, 40)
        page.wait_for_timeout(20)
    page.wait_for_timeout(200)  # a frame or two for the switcher to follow

    switch(page, "English")

    expect(page).to_have_url(f"{site}/en/#research")
    assert page.locator("html").get_attribute("lang") == "en"
    # The browser scrolls to the section once the page has loaded.
    page.wait_for_function(
        "() => Math.abs(document.getElementById('research').getBoundingClientRect().top) < 200"
    )

    chinese = page.locator(".site-languages").get_by_role("link", name="中文")
    expect(chinese).to_have_attribute("href", "/#research")
    switch(page, "中文")
    expect(page).to_have_url(f"{site}/#research")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


@pytest.mark.parametrize(
    "path",
    ["/apply/", "/privacy/", "/apply/status/{token}/", "/apply/thanks/{token}/"],
)
def test_switching_language_keeps_the_page(page, site, path):
    application = make_application()
    path = path.format(token=application.token)
    page.goto(f"{site}{path}")

    switch(page, "English")
    expect(page).to_have_url(f"{site}/en{path}")
    assert page.locator("html").get_attribute("lang") == "en"

    switch(page, "中文")
    expect(page).to_have_url(f"{site}{path}")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_switching_language_keeps_the_position_chosen_on_the_landing_page(page, site):
    page.goto(f"{site}/apply/?position=intern")
    switch(page, "English")
    expect(page).to_have_url(f"{site}/en/apply/?position=intern")
    expect(page.get_by_label("Intern", exact=True)).to_be_checked()
