"""On a 360 × 740 phone no public page scrolls sideways, in either language."""

import pytest

from .pages import LANGUAGES, make_application, public_pages, submit_empty_application

pytestmark = pytest.mark.browser

PAGE_WIDTH = "() => document.documentElement.scrollWidth"


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_no_public_page_scrolls_sideways_on_a_phone(phone_page, site, language):
    application = make_application(language)
    widths = {}
    for name, path in public_pages(language, application.token):
        phone_page.goto(f"{site}{path}")
        widths[name] = phone_page.evaluate(PAGE_WIDTH)
    submit_empty_application(phone_page, site, language)
    widths["apply-with-errors"] = phone_page.evaluate(PAGE_WIDTH)

    assert widths == dict.fromkeys(widths, 360)
