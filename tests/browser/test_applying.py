"""A new applicant goes from the landing page to the status page, in a real browser."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from recruiting.models import Application, Position, Requirement, ResearchDirection
from tests.factories import stored_files
from tests.submissions import PDF

from .pages import prefix, t

pytestmark = pytest.mark.browser


def fill_application(page, language, *, criteria=2):
    """Fill the form by its visible labels, as a person would."""
    page.get_by_label(t(language, "Full name")).fill("李明 Li Ming")
    page.get_by_label(t(language, "E-mail")).fill(f"li.ming.{language}@example.org")
    page.get_by_label(t(language, "School or university")).fill("北京大学")
    page.get_by_label(t(language, "Major"), exact=False).first.fill("计算机科学与技术")
    page.get_by_label(t(language, "Current degree")).select_option(
        label=t(language, "Bachelor's student")
    )
    page.get_by_label(t(language, "Year of study")).fill("3")
    page.get_by_label(t(language, "Expected graduation year")).fill("2027")

    with_language = {"zh-hans": "title_zh_hans", "en": "title_en"}[language]
    ra = Position.objects.values_list(with_language, flat=True).get(slug="ra")
    page.get_by_label(ra, exact=True).check()
    direction = ResearchDirection.objects.filter(children__isnull=True).order_by("order", "pk")[0]
    direction_title = getattr(direction, with_language)
    page.get_by_label(direction_title, exact=False).first.check()

    requirements = list(Requirement.objects.active())[:criteria]
    field = {"zh-hans": "zh_hans", "en": "en"}[language]
    for requirement in requirements:
        page.get_by_label(getattr(requirement, f"short_title_{field}"), exact=False).check()
        page.get_by_label(getattr(requirement, f"evidence_prompt_{field}")).fill(
            "ICML 2024 第一作者 first author: https://example.org/paper"
        )

    start = datetime.date.today() + datetime.timedelta(days=30)
    page.get_by_label(t(language, "Earliest start date")).fill(start.isoformat())
    page.get_by_label(t(language, "How many months you can stay")).fill("6")
    page.get_by_label(t(language, "On site in Beijing"), exact=True).check()
    page.get_by_label(t(language, "Why this group?")).fill("我对以数据为中心的机器学习很感兴趣。")
    page.get_by_label(t(language, "CV (PDF)")).set_input_files(
        {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_label(t(language, "I have read and agree to the"), exact=False).check()
    return requirements


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_applicant_applies_and_sees_the_new_stage_on_the_status_page(
    page, site, cv_storage, language
):
    page.goto(f"{site}{prefix(language)}/")
    page.get_by_role("link", name=t(language, "Apply now")).click()
    expect(page).to_have_url(f"{site}{prefix(language)}/apply/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Apply"))

    requirements = fill_application(page, language)
    page.get_by_role("button", name=t(language, "Send my application")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "Thank you for your application")
    )
    application = Application.objects.get()
    expect(page).to_have_url(f"{site}{prefix(language)}/apply/thanks/{application.token}/")
    assert application.language == language
    assert application.priority == 2
    assert [c.requirement for c in application.claims.all()] == requirements
    assert stored_files(cv_storage) == [application.cv.name]

    page.locator(".status-link a").click()
    expect(page).to_have_url(f"{site}{prefix(language)}/apply/status/{application.token}/")
    expect(page.locator(".application-status")).to_contain_text(t(language, "New", "stage"))
    assert (
        page.locator("html").get_attribute("lang") == {"zh-hans": "zh-Hans", "en": "en"}[language]
    )
    assert page.console_errors == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_without_a_criterion_the_refusal_is_shown_next_to_the_criteria_and_typing_is_kept(
    page, site, cv_storage, language
):
    page.goto(f"{site}{prefix(language)}/apply/")
    fill_application(page, language, criteria=0)
    page.get_by_role("button", name=t(language, "Send my application")).click()

    criteria = page.locator("fieldset#criteria")
    expect(criteria.locator("#criteria_error")).to_be_visible()
    first = Requirement.objects.active()[0]
    short_title = first.short_title_en if language == "en" else first.short_title_zh_hans
    expect(criteria.locator("#criteria_error")).to_contain_text(short_title)
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.get_by_label(t(language, "Full name"))).to_have_value("李明 Li Ming")
    expect(page.get_by_label(t(language, "Why this group?"))).to_have_value(
        "我对以数据为中心的机器学习很感兴趣。"
    )
    expect(page.get_by_label(t(language, "Year of study"))).to_have_value("3")
    assert not Application.objects.exists()
    assert stored_files(cv_storage) == []
    assert re.search(r"/apply/$", page.url)
