"""What the browser tests share: the public pages, labels in each language, an applicant."""

from django.utils import translation
from django.utils.translation import gettext, pgettext

LANGUAGES = {"zh-hans": "", "en": "/en"}


def t(language, message, context=None):
    """A label as the page shows it in that language."""
    with translation.override(language):
        return pgettext(context, message) if context else gettext(message)


def prefix(language):
    return LANGUAGES[language]


def make_application(language="zh-hans"):
    """An application for the seeded RA position, for the thank-you and status pages."""
    from recruiting.models import Position
    from tests.factories import ApplicationFactory

    return ApplicationFactory(position=Position.objects.get(slug="ra"), language=language)


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
