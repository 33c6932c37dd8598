"""
The one place that decides what a link is in an applicant's text: the application form
checks the links it finds (forms.py), and the admin shows the same links clickable.

Django's `urlize` is not used: it splits words on ASCII whitespace only, so in
"PyTorch：https://github.com/x" the full-width colon is part of the word and the link
becomes "http://PyTorch%EF%BC%9Ahttps://…". Chinese applicants put full-width
punctuation right against their links, so a link here ends at the first character
that is not printable ASCII.
"""

import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines

# A scheme:// or www., then printable ASCII up to whitespace, any non-ASCII character
# (：，。）】 and the full-width space end a link) or a character HTML gives meaning to.
LINK_PATTERN = re.compile(
    r"(?:(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]*://|(?<![a-z0-9.\-])www\.)[!#-;=?-~]*",
    re.IGNORECASE | re.ASCII,
)
LINK_TRAILING_PUNCTUATION = ".,;:!?)]}'"

# A closing bracket ends a link only when the link did not open it: ".../wiki/X_(y)".
OPENING_BRACKET = {")": "(", "]": "[", "}": "{"}

WEB_PREFIXES = ("http://", "https://", "www.")


def _without_trailing_punctuation(link):
    while link and link[-1] in LINK_TRAILING_PUNCTUATION:
        opening = OPENING_BRACKET.get(link[-1])
        if opening and link.count(opening) >= link.count(link[-1]):
            break
        link = link[:-1]
    return link


def _link_spans(text):
    """(start, end) of each link in the text."""
    for match in LINK_PATTERN.finditer(text):
        link = _without_trailing_punctuation(match.group())
        yield match.start(), match.start() + len(link)


def links_in(text):
    """The links in a text, without the punctuation that ends a sentence around them."""
    return [text[start:end] for start, end in _link_spans(text)]


def web_address(link):
    """Where a found link leads if it is a web link (www. on https), else None."""
    lowered = link.lower()
    prefix = next((prefix for prefix in WEB_PREFIXES if lowered.startswith(prefix)), None)
    if prefix is None or len(link) == len(prefix):
        return None
    return f"https://{link}" if prefix == "www." else link


def linkify(text, escape_text=escape):
    """
    The text as safe HTML: everything escaped, web links clickable, line breaks kept.
    Links with another scheme (ftp://, javascript://…) stay plain text. The text between
    links goes through `escape_text` (corroboration.marker marks words in it).
    """
    text = normalize_newlines(text)
    html = []
    position = 0
    for start, end in _link_spans(text):
        link = text[start:end]
        href = web_address(link)
        html.append(escape_text(text[position:start]))
        if href is None:
            html.append(escape(link))
        else:
            html.append(
                format_html('<a href="{}" rel="nofollow noopener noreferrer">{}</a>', href, link)
            )
        position = end
    html.append(escape_text(text[position:]))
    return mark_safe("".join(html).replace("\n", "<br>"))
