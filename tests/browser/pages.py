"""What the browser tests share: the public pages, labels in each language, an applicant."""

import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext

LANGUAGES = {"zh-hans": "", "en": "/en"}
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def t(language, message, context=None):
    """A label as the page shows it in that language."""
    with translation.override(language):
        return pgettext(context, message) if context else gettext(message)


def prefix(language):
    return LANGUAGES[language]


def make_application(language="zh-hans"):
    """An application made straight in the database, for the thank-you and status pages."""
    from django.core.files.base import ContentFile

    from recruiting.models import Application, Position

    application = Application(
        position=Position.objects.get(slug="ra"),
        full_name="王芳",
        email="wang.fang@example.org",
        school="北京大学",
        major="数学",
        degree="master",
        year_of_study=1,
        graduation_year=2028,
        start_date=datetime.date.today() + datetime.timedelta(days=30),
        duration_months=6,
        work_mode="either",
        statement="…",
        language=language,
        consent_at=timezone.now(),
        privacy_notice_version="1",
    )
    application.cv.save("cv.pdf", ContentFile(PDF), save=False)
    application.save()
    return application


def public_pages(language, token):
    """Every public page as (name, path), in one language."""
    p = prefix(language)
    return [
        ("landing", f"{p}/"),
        ("apply", f"{p}/apply/"),
        ("thanks", f"{p}/apply/thanks/{token}/"),
        ("status", f"{p}/apply/status/{token}/"),
        ("privacy", f"{p}/privacy/"),
        ("not-found", f"{p}/no-such-page/"),
    ]


def submit_empty_application(page, site, language):
    """The application form sent back with every error: sent empty, past the browser's
    own checks (as a browser without them would send it)."""
    page.goto(f"{site}{prefix(language)}/apply/")
    page.eval_on_selector("#apply-form", "form => { form.noValidate = true; }")
    page.get_by_role("button", name=t(language, "Send my application")).click()
    page.wait_for_load_state()
    assert page.locator("#error-summary").is_visible()


FOCUSED_ELEMENT = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(),
    type: (el.getAttribute("type") || "").toLowerCase(),
    name: el.getAttribute("name") || "",
    id: el.id,
    value: el.value || "",
    checked: !!el.checked,
    text: (el.innerText || "").trim().slice(0, 80),
    href: el.getAttribute("href") || "",
    ring: outline || shadow,
    outline: style.outlineStyle + " " + style.outlineWidth,
    shadow: style.boxShadow,
    visible: rect.width > 0 && rect.height > 0,
  };
}"""
