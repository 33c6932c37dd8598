"""
The texts editors write in both languages (translation.py), as the public pages show them:
in the page's language, or, when that one is left empty, in the other language, marked
with its `lang` (so that screen readers and browsers read it right) and a small note.

    {{ position|tr:"title" }}           inline: <span lang="zh-Hans" class="fallback">…
    {{ advisor|tr_lines:"record" }}     the same, line breaks kept (linebreaksbr)
    {{ position|tr_block:"summary" }}   paragraphs (linebreaks) in <div lang="…">
    alt="{{ photo|tr_text:"alt" }}" lang="{{ photo|tr_lang:"alt" }}"   attributes: plain text

Each gives "" when the text is empty in every language, so `{% with %}` + `{% if %}`
hides an empty label. Not for <title>, <meta> or JSON-LD, which take plain text.
"""

from django import template
from django.template.defaultfilters import linebreaks_filter, linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as translation_settings
from modeltranslation.utils import build_localized_fieldname, get_language

from .site_tags import html_lang

register = template.Library()

# The note beside a text shown in the other language, named by the language shown.
ONLY_IN = {
    "zh-hans": _("(in Chinese only)"),
    "en": _("(in English only)"),
}


def shown_text(obj, field):
    """
    (text, language): the field's text in the page's language, else in the first other
    language that has one, with that language's code; language is None when the text is
    the page's own (or the field is not translated).
    """
    current = get_language()
    if not hasattr(obj, build_localized_fieldname(field, current)):
        return getattr(obj, field, "") or "", None
    for code in [current, *translation_settings.AVAILABLE_LANGUAGES]:
        text = getattr(obj, build_localized_fieldname(field, code), "") or ""
        if str(text).strip():
            return text, None if code == current else code
    return "", None


def marked(text, language, wrapper):
    """Wrap a text in the other language in its lang attribute and add the note."""
    if language is None:
        return text
    note = ONLY_IN.get(language, "")
    if wrapper == "div":
        return format_html(
            '<div lang="{}" class="fallback">{}</div><p class="fallback-note">{}</p>',
            html_lang(language),
            text,
            note,
        )
    return format_html(
        '<span lang="{}" class="fallback">{}</span><small class="fallback-note">{}</small>',
        html_lang(language),
        text,
        note,
    )


@register.filter
def tr(obj, field):
    """The field's text, escaped, marked when it is the other language's."""
    text, language = shown_text(obj, field)
    return marked(conditional_escape(text), language, "span")


@register.filter
def tr_lines(obj, field):
    """As tr, with the text's line breaks kept as <br>."""
    text, language = shown_text(obj, field)
    return marked(linebreaksbr(text, autoescape=True), language, "span")


@register.filter
def tr_block(obj, field):
    """The field's paragraphs (linebreaks), in a <div lang> when the other language's."""
    text, language = shown_text(obj, field)
    if not text:
        return ""
    return marked(linebreaks_filter(text, autoescape=True), language, "div")


@register.filter
def tr_text(obj, field):
    """The field's text, plain, for an attribute (alt): the template escapes it."""
    return shown_text(obj, field)[0]


@register.filter
def tr_lang(obj, field):
    """The lang tag of the field's text when it is the other language's, else ""."""
    language = shown_text(obj, field)[1]
    return html_lang(language) if language else ""
