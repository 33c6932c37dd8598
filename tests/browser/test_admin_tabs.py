"""The admin's language tabs work in a real browser under the site's CSP."""

import pytest
from django.conf import settings
from django.test import Client

from recruiting.models import Requirement

pytestmark = pytest.mark.browser


def logged_in_context(browser, site):
    from django.contrib.auth.models import User

    user = User.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
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
    return context


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
        # Click the Chinese tab of the short title: its field shows, the English hides.
        tabs = page.locator(".ui-tabs").filter(has=english)
        tabs.locator("li a").first.click()
        assert chinese.is_visible()
        assert not english.is_visible()
        assert errors == []
    finally:
        context.close()
