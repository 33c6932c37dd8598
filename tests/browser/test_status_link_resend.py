"""The button under a duplicate refusal asks for the status link again, in a real browser."""

import pytest
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import expect

from recruiting.models import Position
from tests.factories import ApplicationFactory
from tests.submissions import PDF

from .pages import prefix, t

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_button_under_a_duplicate_refusal_asks_for_the_link_without_sending_the_cv(
    page, site, language
):
    ra = Position.objects.get(slug="ra")
    ApplicationFactory(position=ra, email="wang.fang@example.org", language=language)
    page.goto(f"{site}{prefix(language)}/apply/")
    page.eval_on_selector("#apply-form", "form => { form.noValidate = true; }")
    page.get_by_label(t(language, "E-mail")).fill("wang.fang@example.org")
    page.get_by_label(ra.title_en if language == "en" else ra.title_zh_hans).check()
    page.get_by_role("button", name=t(language, "Send my application")).click()

    button = page.get_by_role("button", name=t(language, "E-mail me the status link again"))
    expect(button).to_be_visible()
    page.get_by_label(t(language, "CV (PDF)")).set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    with page.expect_request(lambda request: request.method == "POST") as sent:
        button.click()

    assert sent.value.url == f"{site}{prefix(language)}/apply/status-link/"
    assert sent.value.headers["content-type"] == "application/x-www-form-urlencoded"
    assert "%PDF" not in sent.value.post_data
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Check your e-mail"))
    assert DBTaskResult.objects.count() == 1  # the worker looks the address up
    assert [error for error in page.console_errors if "422" not in error] == []  # the refusal
