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


def staff_context(browser, site, user, *, viewport=None, locale="en-US", **options):
    """A new browser context with `user` logged in (a session made by Django's client)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport=viewport or {"width": 1280, "height": 900}, locale=locale, **options
    )
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


def staff_page(browser, site, user, **options):
    """A page of staff_context(): the admin in English unless `locale` says otherwise."""
    return staff_context(browser, site, user, **options).new_page()


# Django admin's own axe findings, each rule still run on the rest of the page: its
# breadcrumbs' links are told from their text by colour alone (base.css).
DJANGO_ADMIN_AXE = {"link-in-text-block": ".breadcrumbs"}


def axe_violations(page, django_own=None):
    """axe-core's violations on the page, as readable lines; `django_own` as above."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    django_own = django_own or {}
    found = axe.run(
        page, options={"rules": {rule: {"enabled": False} for rule in django_own}}
    ).response["violations"]
    for rule, selector in django_own.items():
        found += axe.run(
            page, context={"exclude": [[selector]]}, options={"runOnly": [rule]}
        ).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in found
    ]
