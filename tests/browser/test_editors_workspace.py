"""
The editors' workspace as an editor and a visitor see it (issue 15): a photo uploaded in
the admin shows on both pages in a size that fits the screen; a bad image is refused
with a clear message; a text left empty in English is marked in the admin and shown in
Chinese, marked, on the English page; a change is reverted from the history; closing a
position changes the "now recruiting" sentence; and the page filled with photos, people
and publications passes axe and fits a phone.
"""

from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from recruiting import images
from recruiting.content import recruiting_sentence
from recruiting.models import Advisor, Lab, Position, Requirement
from tests.images import image_bytes, png_claiming
from tests.page_fixtures import fill_page

from .pages import LANGUAGES, axe_violations, prefix, staff_page, t

pytestmark = pytest.mark.browser

PAGES = {"zh-hans": "/", "en": "/en/"}


def save(page, button="_save"):
    """Press one of the admin's save buttons and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f'input[name="{button}"]').first.click()


def success(page):
    return page.locator(".messagelist .success").inner_text()


def file(name, content, mime):
    return {"name": name, "mimeType": mime, "buffer": content}


def shown_picture(page, selector):
    """
    The <picture> at `selector`, brought into view and loaded: its WebP source's
    candidates {url: width}, the <img>'s attributes, and what the browser chose.
    """
    picture = page.locator(selector)
    picture.scroll_into_view_if_needed()
    img = picture.locator("img")
    img.evaluate(
        "img => img.complete && img.naturalWidth ? null : "
        "new Promise((ok, fail) => { img.onload = ok; img.onerror = fail; })"
    )
    webp = picture.locator('source[type="image/webp"]')
    candidates = {}
    for candidate in webp.get_attribute("srcset").split(","):
        url, width = candidate.split()
        candidates[urljoin(page.url, url)] = int(width.removesuffix("w"))
    # naturalWidth of an <img> with srcset is in CSS pixels (the file's width over its
    # density): the file's own width is read from a plain Image of the same URL.
    current = img.evaluate("img => img.currentSrc")
    file_width = page.evaluate(
        "src => new Promise((ok, fail) => { const i = new Image(); "
        "i.onload = () => ok(i.naturalWidth); i.onerror = fail; i.src = src; })",
        current,
    )
    return {
        "candidates": candidates,
        "file_width": file_width,
        "sizes": webp.get_attribute("sizes"),
        "jpeg_srcset": img.get_attribute("srcset") or "",
        "width": img.get_attribute("width"),
        "height": img.get_attribute("height"),
        **img.evaluate("img => ({currentSrc: img.currentSrc, alt: img.alt})"),
    }


# --- 1. A photo uploaded in the admin ------------------------------------------------------


def test_the_advisors_photo_uploaded_in_the_admin_shows_on_both_pages_in_a_phones_size(
    browser, site, editor, phone_page
):
    advisor = Advisor.objects.get()
    change = f"{site}/admin/recruiting/advisor/{advisor.pk}/change/"
    admin = staff_page(browser, site, editor)
    admin.goto(change)
    admin.set_input_files(
        "#id_photo", files=[file("portrait.jpg", image_bytes(2000, 2500), "image/jpeg")]
    )
    save(admin, "_continue")
    assert "was changed successfully" in success(admin)

    # The advisor's admin page opens again, and again: the photo has a place of its own.
    for _ in range(2):
        assert admin.goto(change).status == 200
        assert admin.locator(".file-upload a").count() == 1
    admin.context.close()

    # A visitor's phone (phone_page): 360 CSS pixels wide, two device pixels to one.
    phone = phone_page
    for language, path in PAGES.items():
        assert phone.goto(f"{site}{path}").status == 200
        shown = shown_picture(phone, "#advisor picture")
        # Several widths in WebP, with the width it takes on the page; JPEG for the rest.
        assert len(shown["candidates"]) >= 3
        assert all(url.endswith(".webp") for url in shown["candidates"])
        assert shown["sizes"]
        assert shown["jpeg_srcset"].count(".jpg ") >= 3
        assert (shown["width"], shown["height"]) == ("1280", "1600")
        assert shown["alt"] == (advisor.name_en if language == "en" else advisor.name_zh_hans)
        # The phone loaded a small WebP made from the upload, not the 2000-px original.
        assert shown["currentSrc"] in shown["candidates"], shown
        chosen = shown["candidates"][shown["currentSrc"]]
        assert shown["file_width"] == chosen
        assert chosen in images.WIDTHS and chosen <= 640, shown


# --- 2. A bad image refused ----------------------------------------------------------------

NOT_AN_IMAGE = b"Dear editor, this is a letter, not a photo.\n" * 20


@pytest.mark.parametrize(
    "upload, message",
    [
        (file("photo.jpg", NOT_AN_IMAGE, "image/jpeg"), "This file is not a photo the site"),
        (
            file("photo.png", png_claiming(60_000, 60_000), "image/png"),
            "This image says it has far more pixels than the site takes",
        ),
    ],
    ids=["text-renamed-jpg", "decompression-bomb"],
)
def test_a_bad_image_is_refused_with_a_clear_message_and_the_admin_still_works(
    browser, site, editor, upload, message
):
    advisor = Advisor.objects.get()
    change = f"{site}/admin/recruiting/advisor/{advisor.pk}/change/"
    admin = staff_page(browser, site, editor)
    admin.goto(change)
    admin.set_input_files("#id_photo", files=[upload])
    save(admin, "_continue")

    assert admin.locator(".errornote").is_visible()
    error = admin.locator(".field-photo .errorlist")
    assert error.is_visible()
    assert message in error.inner_text()
    # Nothing was saved; the advisor's page and the public page still open.
    assert admin.goto(change).status == 200
    assert admin.locator(".file-upload a").count() == 0
    assert admin.goto(f"{site}/").status == 200
    assert admin.locator("#advisor").is_visible()
    assert admin.locator("#advisor picture").count() == 0
    admin.context.close()


# --- 3. An English text left empty ---------------------------------------------------------


def test_an_english_text_left_empty_is_marked_in_the_admin_and_falls_back_visibly(
    browser, site, editor
):
    requirement = Requirement.objects.order_by("order").first()
    chinese = requirement.short_title_zh_hans
    admin = staff_page(browser, site, editor)
    admin.goto(f"{site}/admin/recruiting/requirement/{requirement.pk}/change/")
    admin.locator("#id_short_title_en").fill("")
    save(admin)

    # Saved, with a warning that names what is missing (not an error).
    warning = admin.locator(".messagelist .warning")
    assert warning.is_visible()
    assert "English" in warning.inner_text()
    assert "short title" in warning.inner_text()
    assert admin.locator(".messagelist .error").count() == 0

    # The list marks that requirement, and only it, in its "Translations" column…
    headers = admin.locator("#result_list thead th").all_inner_texts()
    assert any(h.strip().lower() == "translations" for h in headers), headers
    row = admin.locator("#result_list tbody tr").filter(
        has=admin.locator(f'a[href*="/requirement/{requirement.pk}/change/"]')
    )
    assert "English missing" in row.locator("td.field-translation_status").inner_text()
    assert admin.locator(".translation-missing-note").count() == 1
    # … and its filter finds it.
    admin.locator("#changelist-filter").get_by_role("link", name="English missing").click()
    admin.wait_for_load_state()
    rows = admin.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(f'a[href*="/requirement/{requirement.pk}/change/"]').count()

    # The translation status page lists it, with a link to the form, which marks the field.
    admin.goto(site + reverse("admin:recruiting_translation_status"))
    link = admin.locator(f'a[href*="/requirement/{requirement.pk}/change/"]')
    assert link.count() == 1
    link.click()
    admin.wait_for_load_state()
    field = admin.locator("#id_short_title_en")
    assert field.is_visible()
    assert "translation-missing" in field.get_attribute("class").split()
    help_text = admin.locator("#id_short_title_en_helptext")
    assert help_text.is_visible()
    assert "English text missing" in help_text.inner_text()
    assert "translation-missing" not in (
        admin.locator("#id_short_title_zh_hans").get_attribute("class") or ""
    )

    # The English page shows the Chinese text, in Chinese as far as the browser and a
    # screen reader know, with a note a reader sees.
    admin.goto(f"{site}/en/")
    fallback = admin.locator('#requirements .fallback[lang="zh-Hans"]').filter(has_text=chinese)
    assert fallback.count() == 1
    assert fallback.is_visible()
    note = fallback.locator("xpath=following-sibling::*[1]")
    assert "fallback-note" in note.get_attribute("class")
    assert note.is_visible()
    assert note.inner_text().strip() == t("en", "(in Chinese only)")
    # The Chinese page, where the text is its own, marks nothing.
    admin.goto(f"{site}/")
    assert admin.locator("#requirements .fallback").count() == 0
    admin.context.close()


# --- 4. Revert from the history --------------------------------------------------------------


def test_a_change_reverted_from_the_history_puts_the_old_text_back_on_the_page(
    browser, site, editor
):
    lab = Lab.objects.get()
    seeded = lab.tagline_en
    regretted = "A tagline the editor regrets (made up for this test)"
    change = f"{site}/admin/recruiting/lab/{lab.pk}/change/"
    admin = staff_page(browser, site, editor)
    admin.goto(change)
    admin.locator("#id_tagline_en").fill(regretted)
    save(admin)
    admin.goto(f"{site}/en/")
    assert admin.locator(".hero-tagline").inner_text() == regretted

    # The lab's History lists each version, the oldest first, with who made it: the
    # editor picks the one before the change, sees its text in the form, and saves it.
    admin.goto(change)
    admin.locator("a.historylink").click()
    admin.wait_for_load_state()
    versions = admin.locator("#change-history tbody tr")
    assert versions.count() == 2
    assert "editor" in versions.last.inner_text()
    versions.first.locator("a").click()
    admin.wait_for_load_state()
    assert admin.locator("#id_tagline_en").input_value() == seeded
    save(admin)
    assert "was changed successfully" in success(admin)

    admin.goto(f"{site}/en/")
    assert admin.locator(".hero-tagline").inner_text() == seeded
    # The revert is itself a version, the editor's: it can be undone too.
    admin.goto(f"{change.removesuffix('change/')}history/")
    versions = admin.locator("#change-history tbody tr")
    assert versions.count() == 3
    assert "editor" in versions.last.inner_text()
    admin.context.close()


# --- 5. Closing a position --------------------------------------------------------------------


def sentence(language):
    with translation.override(language):
        return recruiting_sentence(list(Position.objects.open()))


def test_closing_a_position_in_the_admin_changes_the_recruiting_sentence_in_both_languages(
    browser, site, editor
):
    intern = Position.objects.get(slug="intern")
    admin = staff_page(browser, site, editor)
    before = {language: sentence(language) for language in LANGUAGES}
    assert "Intern" in before["en"]
    for language, path in PAGES.items():
        admin.goto(f"{site}{path}")
        assert admin.get_by_text(before[language], exact=True).is_visible()

    # The editor unticks "open" in the list of positions and saves the list.
    admin.goto(f"{site}/admin/recruiting/position/")
    row = admin.locator("#result_list tbody tr").filter(
        has=admin.locator(f'a[href*="/position/{intern.pk}/change/"]')
    )
    row.locator('input[type="checkbox"][name$="-is_open"]').uncheck()
    save(admin)
    assert admin.locator(".messagelist .success").is_visible()

    after = {language: sentence(language) for language in LANGUAGES}
    assert "Intern" not in after["en"]
    for language, path in PAGES.items():
        admin.goto(f"{site}{path}")
        assert admin.get_by_text(after[language], exact=True).is_visible()
        assert admin.get_by_text(before[language], exact=True).count() == 0
        title = intern.title_en if language == "en" else intern.title_zh_hans
        assert admin.locator(".position-badges").get_by_text(title, exact=True).count() == 0
    admin.context.close()


# --- 6. The page filled: axe, a phone's width, every photo loads -----------------------------


@pytest.fixture
def filled(site):
    fill_page()
    return site


def scroll_through(page):
    """Scroll to the bottom step by step, so that every lazy photo loads; wait for them."""
    page.evaluate(
        """async () => {
          for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
            scrollTo(0, y);
            await new Promise(r => setTimeout(r, 20));
          }
          scrollTo(0, document.body.scrollHeight);
          await Promise.all([...document.images].map(img => img.complete ? null :
            new Promise(r => { img.onload = img.onerror = r; })));
        }"""
    )


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_filled_page_has_no_axe_violation_light_or_dark(page, filled, language):
    for scheme in ("light", "dark"):
        # Set before the page loads, as the visitor's system has it (switched on a page
        # already shown, the links' colour transitions would be caught half-way).
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{filled}{prefix(language)}/")
        # Every section is there: the filled page, not the seeded one.
        for section in ("#advisor picture", "#group", "#people", "#publications"):
            assert page.locator(section).count(), section
        scroll_through(page)
        assert axe_violations(page) == [], scheme
    assert page.console_errors == []


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_filled_page_fits_a_phone_and_every_photo_loads(phone_page, filled, language):
    phone = phone_page
    phone.goto(f"{filled}{prefix(language)}/")
    scroll_through(phone)
    width = phone.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    broken = phone.evaluate(
        "() => [...document.images].filter(i => !i.naturalWidth).map(i => i.currentSrc)"
    )
    assert broken == []
    # Each photo loaded one of the sizes made of it, never an original.
    loaded = phone.evaluate(
        "() => [...document.querySelectorAll('picture img')].map(i => i.currentSrc)"
    )
    assert len(loaded) >= 1 + 3 + 2  # the advisor, the group's three, two members
    sized = f"{settings.PUBLIC_MEDIA_URL}{settings.IMAGEKIT_CACHEFILE_DIR}/"
    assert all(urlparse(url).path.startswith(sized) for url in loaded), loaded
