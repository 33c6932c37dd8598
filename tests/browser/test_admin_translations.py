"""
The language tabs read 中文 / English on every content form, the history's revert and
recover forms included, and a text one language lacks is marked on its tab.
"""

import pytest
import reversion
from django.contrib import admin
from django.urls import reverse
from reversion.models import Version

from recruiting.content import CONTENT_MODELS
from recruiting.models import AdvantageGroup, GroupPhoto, Lab, Member, Requirement
from recruiting.translation_status import TranslationStatusMixin
from tests.images import photo_upload

from .pages import staff_context

pytestmark = pytest.mark.browser

TRANSLATED = [
    model
    for model in CONTENT_MODELS
    if isinstance(admin.site._registry.get(model), TranslationStatusMixin)
]


def tab_names(page, url):
    """The names of every set of language tabs on the page at url, and of the main switch."""
    page.goto(url)
    page.wait_for_selector(".ui-tabs")
    sets = page.locator(".ui-tabs-nav")
    names = {tuple(sets.nth(i).locator("li a").all_inner_texts()) for i in range(sets.count())}
    switch = tuple(page.locator("#modeltranslation-main-switch option").all_inner_texts())
    return names, switch


@pytest.fixture
def boss(site):
    from django.contrib.auth.models import User

    return User.objects.create(username="boss", is_staff=True, is_superuser=True)


def test_every_content_form_and_the_history_forms_name_the_languages(browser, site, boss):
    lab = Lab.objects.get()
    GroupPhoto.objects.create(
        image=photo_upload(width=400, height=300), alt_zh_hans="测试合影", order=1
    )
    Member.objects.create(name_zh_hans="测试成员", role_zh_hans="博士生", order=1)
    group = AdvantageGroup.objects.order_by("order").first()
    with reversion.create_revision():
        group.save()
        for item in group.items.all():
            item.save()
    version = Version.objects.get_for_object(group).first()
    urls = [
        reverse(f"admin:recruiting_{model._meta.model_name}_change", args=[obj.pk])
        for model in TRANSLATED
        for obj in [model.objects.order_by("pk").first()]
    ]
    urls.append(reverse("admin:recruiting_advantagegroup_revision", args=[group.pk, version.pk]))
    assert lab.pk and len(urls) == len(TRANSLATED) + 1

    context = staff_context(browser, site, boss)
    page = context.new_page()
    try:
        wrong = {}
        for url in urls:
            names, switch = tab_names(page, site + url)
            if names != {("中文", "English")} or switch != ("中文", "English"):
                wrong[url] = (names, switch)
        # A deleted group brought back from its history: the recover form, with its items.
        group.delete()
        recover = reverse("admin:recruiting_advantagegroup_recover", args=[version.pk])
        names, switch = tab_names(page, site + recover)
        if names != {("中文", "English")} or switch != ("中文", "English"):
            wrong[recover] = (names, switch)
        assert page.locator("#items-group .ui-tabs").count() >= 1
        assert wrong == {}
    finally:
        context.close()


def test_an_empty_english_text_is_marked_on_its_field_and_tab(browser, site, boss):
    requirement = Requirement.objects.order_by("order").first()
    Requirement.objects.filter(pk=requirement.pk).update(short_title_en="")
    context = staff_context(browser, site, boss)
    page = context.new_page()
    try:
        page.goto(f"{site}/admin/recruiting/requirement/{requirement.pk}/change/")
        page.wait_for_selector(".ui-tabs")
        english = page.locator("#id_short_title_en")
        assert "translation-missing" in english.get_attribute("class")
        assert english.is_visible()  # the English admin opens the English tab
        short_title = page.locator(".ui-tabs").filter(has=english)
        assert short_title.locator("li a").all_inner_texts() == ["中文", "English"]
        marked = short_title.locator("li a.translation-missing-tab")
        assert marked.all_inner_texts() == ["English"]
        # The note says what the English page shows meanwhile, tied to the field.
        note = page.locator(f"#{english.get_attribute('aria-describedby').split()[0]}")
        assert "the English page shows the Chinese text" in note.inner_text()
        # The criterion's own text has both languages: nothing marked there.
        text = page.locator(".ui-tabs").filter(has=page.locator("#id_text_en"))
        assert text.locator("li a.translation-missing-tab").count() == 0
    finally:
        context.close()
