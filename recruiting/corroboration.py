"""
What a claim's evidence and the applicant's CV have in common: the logic behind the
corroboration marks of the review screen, the admin list and the export. Pure text in,
plain data out; the worker gives it the CV's text and link annotations.

The rule, per claimed criterion:

- The *signals* are the criterion's keywords found in the evidence, and the links in
  the evidence.
- **Corroborated**: at least one signal, every signal found in the CV, and, when the
  criterion asks for a main author, the evidence states a main position: first,
  co-first or corresponding author (通讯作者 counts as main: in Chinese labs the
  corresponding author is often the student who led the work with the advisor).
- **Partly**: some signal found in the CV but not all; or all found, but the criterion
  asks for a main author and the evidence states another position, or none.
- **Not found**: no signal found in the CV, including when the evidence has no signal
  at all and when the CV has no readable text (its link annotations are still read).

A keyword is found as a word: "NOI" is not in "NOIP" or "noise", but is in "NOI2021";
Chinese keywords are found anywhere ("天池" in "天池大赛"); links are left out first, so
"WWW" is not found in "www.github.com". A link is in the CV when the CV carries it as a
link annotation, as a link in its text, or as its text with the spaces taken out (a
URL broken across lines). Both texts are normalized first (`normalize`). The author
position is read from the evidence only. Nothing is scored: each mark comes with
sentences saying what was found where (`Finding.explanations`).
"""

import re
import string
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache

from django.db import models
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .links import LINK_PATTERN, LINK_TRAILING_PUNCTUATION, links_in

# Han ideographs (extensions and compatibility forms included) and kana: scripts
# written without spaces between words.
CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
CJK_RUN = re.compile(f"[{CJK}]+")
SPACE_BETWEEN_CJK = re.compile(f"(?<=[{CJK}])\\s+(?=[{CJK}])")
WHITESPACE = re.compile(r"\s+")
SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)
# Lower-cases ASCII only, so that positions in the text stay where they were.
ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


class State(models.TextChoices):
    CORROBORATED = "corroborated", _("corroborated")
    PARTLY = "partly", _("partly")
    NOT_FOUND = "not_found", _("not found")


# --- Text --------------------------------------------------------------------------------


def _keep_links_apart(text):
    """
    A link ends at the first non-ASCII character (links.py), and NFKC turns the
    full-width punctuation that ended it (，：）) into ASCII that would not: a space
    keeps "https://github.com/x，Kaggle" a link followed by ",Kaggle".
    """

    def keep_apart(match):
        after = text[match.end() : match.end() + 1]
        if after and not after.isascii() and unicodedata.normalize("NFKC", after).isascii():
            return match.group() + " "
        return match.group()

    return LINK_PATTERN.sub(keep_apart, text)


def normalize(text):
    """
    The text as it is matched: NFKC (ＩＣＭＬ → ICML, the full-width space and
    punctuation → ASCII, the "ﬁ" ligature of PDFs → "fi"), without the spaces and line
    breaks PDF extraction puts between Chinese characters, whitespace collapsed.
    """
    text = unicodedata.normalize("NFKC", _keep_links_apart(text or ""))
    text = SPACE_BETWEEN_CJK.sub("", text)
    return WHITESPACE.sub(" ", text).strip()


def _without_links(text):
    """The text with its links blanked out, every other character where it was."""
    return LINK_PATTERN.sub(lambda match: " " * len(match.group()), text)


# --- Keywords ----------------------------------------------------------------------------


def _keyword_list(keywords):
    """A list of keywords, or a comma-separated string of them as Requirement.keywords."""
    if isinstance(keywords, str):
        keywords = keywords.replace("，", ",").split(",")
    return [keyword.strip() for keyword in keywords if keyword.strip()]


@lru_cache(maxsize=1024)
def _keyword_pattern(keyword):
    """
    An ASCII edge of a keyword must be a word's edge: not preceded by a letter or digit,
    not followed by a letter ("NOI" in "NOI2021" and "获得NOI金牌", not in "NOIP").
    """
    keyword = normalize(keyword)
    if not keyword:
        return None
    before = r"(?<![A-Za-z0-9])" if keyword[0] in ASCII_ALNUM else ""
    after = r"(?![A-Za-z])" if keyword[-1] in ASCII_ALNUM else ""
    return re.compile(before + re.escape(keyword) + after, re.IGNORECASE)


def marker(keywords):
    """
    A function giving a piece of text as safe HTML with these keywords in <mark>, found
    as keywords_in finds them: the review screen marks in the evidence what the CV has.
    """
    patterns = [pattern.pattern for pattern in map(_keyword_pattern, keywords) if pattern]
    if not patterns:
        return escape
    found = re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)

    def mark(text):
        html, position = [], 0
        for match in found.finditer(text):
            html += [
                escape(text[position : match.start()]),
                format_html("<mark>{}</mark>", match[0]),
            ]
            position = match.end()
        html.append(escape(text[position:]))
        return mark_safe("".join(html))

    return mark


def keywords_in(keywords, text):
    """The keywords found in the text, in the keywords' order (rule: module docstring)."""
    return _keywords_in_normalized(keywords, normalize(text))


def _keywords_in_normalized(keywords, text):
    text = _without_links(text)
    found = []
    for keyword in _keyword_list(keywords):
        pattern = _keyword_pattern(keyword)
        if pattern and pattern.search(text):
            found.append(keyword)
    return found


# --- Links -------------------------------------------------------------------------------


def link_key(url):
    """
    A link as it is compared: lower case, without scheme, "www.", fragment and trailing
    slash or punctuation; path and query kept. "https://www.GitHub.com/x/y/#readme" and
    "github.com/x/y" are the same link.
    """
    key = unicodedata.normalize("NFKC", url).strip().lower()
    key = SCHEME.sub("", key).removeprefix("www.")
    key = key.partition("#")[0]
    return key.rstrip("/" + LINK_TRAILING_PUNCTUATION)


def links_in_cv(evidence_links, cv_text, cv_links=()):
    """
    The evidence links the CV carries: as a link annotation (`cv_links`), as a link in
    its text, or in its text with all whitespace taken out (a URL broken across lines).
    """
    return _links_in_normalized(evidence_links, normalize(cv_text), cv_links)


def _links_in_normalized(evidence_links, text, cv_links):
    keys = {link_key(link) for link in [*cv_links, *links_in(text)]}
    unbroken = WHITESPACE.sub("", text).translate(ASCII_LOWER)
    found = []
    for link in evidence_links:
        key = link_key(link)
        if key and (key in keys or key in unbroken):
            found.append(link)
    return found


def _unique_links(links):
    """The links, each once (by link_key), in order."""
    seen = set()
    unique = []
    for link in links:
        key = link_key(link)
        if key and key not in seen:
            seen.add(key)
            unique.append(link)
    return unique


# --- Author position ---------------------------------------------------------------------

MAIN_POSITIONS = {"first", "co_first", "corresponding"}

POSITION_LABELS = {
    "first": _("first author"),
    "co_first": _("co-first author"),
    "corresponding": _("corresponding author"),
    "second": _("second author"),
    "third": _("third author"),
    "other": _("other author position"),
}


def _short_form(numeral):
    """一作, 二作…, but not in 同一作者 (the same author), 五作品 (five works), 一作为."""
    return f"(?<![同统]){numeral}作(?![品为业])"


# Tried in this order, and what one finds is blanked out before the next looks: 共同一作
# is co-first, never also first; 第十一作者 is another position, never first. 共一 is not
# "共一篇" (one paper in all) and the like.
POSITION_PATTERNS = [
    (code, re.compile(pattern, re.IGNORECASE))
    for code, pattern in [
        (
            "co_first",
            r"\bco[- ]?first[- ]author|\bjoint[- ]first[- ]author|\bequal(?:ly)? contribut"
            r"|\bcontributed equally|共同一作|共同第一作者|共一(?![篇项个次份本部届等名位件])",
        ),
        (
            "other",
            r"\b(?:fourth|fifth|sixth|seventh|eighth|ninth|tenth|[4-9]th|\d{2,}(?:st|nd|rd|th))"
            r"[- ]author|第[四五六七八九十]作者|第[一二三四五六七八九十]{2,}作者"
            rf"|第(?:[4-9]|\d{{2,}})作者|{_short_form('[四五六七八九]')}",
        ),
        ("first", rf"\b(?:first|1st|lead)[- ]author|{_short_form('一')}|第一作者|第1作者"),
        ("corresponding", r"\bcorresponding[- ]author|通讯作者|通信作者"),
        ("second", rf"\b(?:second|2nd)[- ]author|{_short_form('二')}|第二作者|第2作者"),
        ("third", rf"\b(?:third|3rd)[- ]author|{_short_form('三')}|第三作者|第3作者"),
    ]
]


def author_positions(evidence):
    """
    The author positions the evidence states, as codes of POSITION_LABELS, in the order
    they appear, each once. A negation ("not the first author") is not understood; the
    review screen shows what was read.
    """
    text = _without_links(normalize(evidence))
    found = []
    for code, pattern in POSITION_PATTERNS:
        for match in pattern.finditer(text):
            found.append((match.start(), code))
        text = pattern.sub(lambda match: " " * len(match.group()), text)
    positions = []
    for _start, code in sorted(found):
        if code not in positions:
            positions.append(code)
    return positions


# --- The finding -------------------------------------------------------------------------


@dataclass
class Finding:
    """What corroborate() found for one claim; stored as JSON with the claim."""

    state: State
    keywords_in_both: list = field(default_factory=list)
    keywords_not_in_cv: list = field(default_factory=list)
    links_in_cv: list = field(default_factory=list)
    links_not_in_cv: list = field(default_factory=list)
    positions: list = field(default_factory=list)
    # None: the criterion does not ask for a main author. False: it does, and the
    # evidence states only other positions, or none.
    position_ok: bool | None = None
    cv_readable: bool = True

    def to_json(self):
        return {**asdict(self), "state": State(self.state).value}

    @classmethod
    def from_json(cls, data):
        """A Finding from to_json(); keys it does not know (or no longer) are left out."""
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        return cls(**{**values, "state": State(data["state"])})

    def explanations(self):
        """Short sentences, in the active language, saying what was found where."""
        sentences = []
        if not self.cv_readable:
            sentences.append(gettext("The CV has no readable text"))
        signals = [
            self.keywords_in_both,
            self.keywords_not_in_cv,
            self.links_in_cv,
            self.links_not_in_cv,
        ]
        if not any(signals):
            sentences.append(
                gettext(
                    "Nothing in the evidence to look for in the CV "
                    "(no keyword of this criterion, no link)"
                )
            )
        if self.keywords_in_both:
            sentences.append(
                gettext("In the evidence and the CV: %(keywords)s")
                % {"keywords": ", ".join(self.keywords_in_both)}
            )
        if self.keywords_not_in_cv:
            sentences.append(
                gettext("In the evidence only: %(keywords)s")
                % {"keywords": ", ".join(self.keywords_not_in_cv)}
            )
        for link in self.links_in_cv:
            sentences.append(gettext("Link in the CV: %(link)s") % {"link": link})
        for link in self.links_not_in_cv:
            sentences.append(gettext("Link not in the CV: %(link)s") % {"link": link})
        positions = ", ".join(str(POSITION_LABELS[code]) for code in self.positions)
        if self.position_ok is False and not positions:
            sentences.append(
                gettext(
                    "The evidence states no author position; this criterion asks for a main author"
                )
            )
        elif self.position_ok is False:
            sentences.append(
                gettext("The evidence says: %(positions)s; this criterion asks for a main author")
                % {"positions": positions}
            )
        elif positions:
            sentences.append(
                gettext("The evidence says: %(positions)s") % {"positions": positions}
            )
        return sentences


def corroborate(*, keywords, main_author, evidence, cv_text, cv_links=()):
    """
    What of the evidence the CV corroborates, by the rule of the module docstring.
    `keywords`: the criterion's (a list, or Requirement.keywords as it is);
    `main_author`: whether the criterion asks for a main author; `cv_links`: the URIs
    of the CV's link annotations.
    """
    evidence_keywords = keywords_in(keywords, evidence)
    evidence_links = _unique_links(links_in(evidence or ""))
    cv = normalize(cv_text)
    # The CV, the longest text here, normalized once.
    in_cv = set(_keywords_in_normalized(evidence_keywords, cv)) if cv else set()
    links_found = _links_in_normalized(evidence_links, cv, cv_links)
    positions = author_positions(evidence)
    position_ok = bool(MAIN_POSITIONS.intersection(positions)) if main_author else None

    signals = len(evidence_keywords) + len(evidence_links)
    found = len(in_cv) + len(links_found)
    if not found:
        state = State.NOT_FOUND
    elif found == signals and position_ok is not False:
        state = State.CORROBORATED
    else:
        state = State.PARTLY
    return Finding(
        state=state,
        keywords_in_both=[k for k in evidence_keywords if k in in_cv],
        keywords_not_in_cv=[k for k in evidence_keywords if k not in in_cv],
        links_in_cv=links_found,
        links_not_in_cv=[link for link in evidence_links if link not in links_found],
        positions=positions,
        position_ok=position_ok,
        cv_readable=bool(cv),
    )


# --- Highlighting ------------------------------------------------------------------------


def _keyword_spans(masked, keyword):
    pattern = _keyword_pattern(keyword)
    return [match.span() for match in pattern.finditer(masked)] if pattern else []


def _link_spans(text, link):
    """Where the link is in the text: as a link, else with the text's whitespace out."""
    key = link_key(link)
    if not key:
        return []
    spans = []
    for match in LINK_PATTERN.finditer(text):
        if link_key(match.group()) == key:
            found = match.group().rstrip(LINK_TRAILING_PUNCTUATION)
            spans.append((match.start(), match.start() + len(found)))
    if spans:
        return spans
    kept = [i for i, character in enumerate(text) if not character.isspace()]
    unbroken = "".join(text[i] for i in kept).translate(ASCII_LOWER)
    start = unbroken.find(key)
    while start != -1:
        spans.append((kept[start], kept[start + len(key) - 1] + 1))
        start = unbroken.find(key, start + len(key))
    return spans


def _snippet(text, start, end, width):
    """(before, match, after) around text[start:end], cut between words, with "…"."""
    left, right = max(0, start - width), min(len(text), end + width)
    before, after = text[left:start], text[end:right]
    if left > 0:
        if text[left - 1] in ASCII_ALNUM and before[:1] in ASCII_ALNUM:  # inside a word
            before = before.partition(" ")[2]
        before = "…" + before.lstrip()
    if right < len(text):
        if text[right] in ASCII_ALNUM and after[-1:] in ASCII_ALNUM:
            after = after.rpartition(" ")[0]
        after = after.rstrip() + "…"
    return before, text[start:end], after


def snippets(cv_text, terms, width=50, limit=3):
    """
    For highlighting: [(before, match, after), …], up to `limit` places per term, term
    after term, in the normalized CV text, found by the rules of keywords_in (a link: by
    link_key). Plain strings: the template escapes them and marks the match.
    """
    text = normalize(cv_text)
    masked = _without_links(text)
    places = []
    for term in terms:
        if LINK_PATTERN.fullmatch(term.strip()):
            spans = _link_spans(text, term)
        else:
            spans = _keyword_spans(masked, term)
        places += [_snippet(text, start, end, width) for start, end in spans[:limit]]
    return places


# --- Full-text search (PostgreSQL) -------------------------------------------------------


def _bigrams(match):
    run = match.group()
    pairs = [run[i : i + 2] for i in range(len(run) - 1)] or [run]
    return f" {' '.join(pairs)} "


def search_document(text):
    """
    The text as PostgreSQL indexes it: `to_tsvector('simple', search_document(text))`.
    Its parser knows no Chinese words, so each run of CJK characters becomes its
    overlapping pairs: "北京大学" → "北京 京大 大学"; a lone character stays itself.
    A query is made the same way (search_phrases), so "北京大学" and "京大" are found,
    and so is any CJK term of two characters or more. The limit: a one-character term
    ("京") is found only where that character stands alone in the text. Other text is
    left as the parser splits it ("ICML2024" is one word: "ICML" does not find it).
    """
    return WHITESPACE.sub(" ", CJK_RUN.sub(_bigrams, normalize(text))).strip()


def search_phrases(query):
    """
    The query's terms (split on whitespace), each made as search_document makes the
    text: AND the `phraseto_tsquery('simple', phrase)` of each. Terms without a letter
    or digit are left out.
    """
    phrases = [search_document(term) for term in unicodedata.normalize("NFKC", query).split()]
    return [phrase for phrase in phrases if re.search(r"\w", phrase)]
