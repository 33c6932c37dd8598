"""The admin's language tabs work in a real browser under the site's CSP."""

import pytest

from recruiting.models import AdvantageGroup, Requirement

from .pages import staff_context

pytestmark = pytest.mark.browser


def logged_in_context(browser, site, locale="en-US"):
    from django.contrib.auth.models import User

    user, _ = User.objects.get_or_create(
        username="boss", defaults={"is_staff": True, "is_superuser": True}
    )
    return staff_context(browser, site, user, locale=locale)


def test_both_languages_show_as_tabs_without_any_console_error(browser, site):
    requirement = Requirement.objects.order_by("order").first()
    context = logged_in_context(browser, site)
    page = context.new_page()
    errors = []

    def console(msg):
        # The browser's own favicon request is not the admin's business.
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(msg.text)

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{site}/admin/recruiting/requirement/{requirement.pk}/change/")
        page.wait_for_selector(".ui-tabs")
        chinese = page.locator("#id_short_title_zh_hans")
        english = page.locator("#id_short_title_en")
        # The admin is in English (the browser's language): the English tab is open.
        assert english.is_visible()
        assert not chinese.is_visible()
        # The tabs and the switch over them name the languages as LANGUAGES does.
        tabs = page.locator(".ui-tabs").filter(has=english)
        assert tabs.locator("li a").all_inner_texts() == ["中文", "English"]
        switch = page.locator("#modeltranslation-main-switch option")
        assert switch.all_inner_texts() == ["中文", "English"]
        # Click the Chinese tab of the short title: its field shows, the English hides.
        tabs.locator("li a").first.click()
        assert chinese.is_visible()
        assert not english.is_visible()
        assert errors == []
    finally:
        context.close()


def test_the_tabs_name_the_languages_in_the_chinese_admin_and_in_inlines_added_later(
    browser, site
):
    group = AdvantageGroup.objects.order_by("order").first()
    context = logged_in_context(browser, site, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{site}/admin/recruiting/advantagegroup/{group.pk}/change/")
        page.wait_for_selector(".ui-tabs")
        # The Chinese admin opens the Chinese tab; the label has lost its "[中文]".
        title = page.locator(".ui-tabs").filter(has=page.locator("#id_title_zh_hans"))
        assert title.locator("li a").all_inner_texts() == ["中文", "English"]
        assert page.locator("#id_title_zh_hans").is_visible()
        assert page.locator("label[for=id_title_zh_hans]").inner_text() == "标题:"
        # An item added on the page gets its tabs then: named too.
        before = page.locator(".ui-tabs").count()
        page.locator("#items-group .add-row a").click()
        page.wait_for_function(f"document.querySelectorAll('.ui-tabs').length > {before}")
        added = page.locator(".ui-tabs").last
        assert added.locator("li a").all_inner_texts() == ["中文", "English"]
    finally:
        context.close()
