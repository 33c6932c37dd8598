"""
Selected publications imported from a BibTeX file (bibtexparser): each entry becomes a
Publication with its title, authors ("First Last, …"), venue, year and link; an entry whose
key is already imported is skipped, so importing the same file twice adds nothing.
"""

import logging
import re
from dataclasses import dataclass, field

import bibtexparser
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors, SplitNameParts
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from .models import Publication

# A lab's selected publications are a few dozen entries. The parser takes seconds for
# half a megabyte of hostile text (measured: 7.6 s for 500 KB of LaTeX accents), so the
# import is held to these, counted before it parses anything.
MAX_BYTES = 512 * 1024
MAX_ENTRIES = 500
ENTRY_START = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
# The parser logs two lines for every block it cannot read: a file of junk is no event.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)
BRACES = re.compile(r"[{}]")
SPACES = re.compile(r"\s+")


@dataclass
class Imported:
    added: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # keys already imported
    unreadable: int = 0  # entries or blocks that could not be read


def plain(value):
    """A field's text without BibTeX's braces and line breaks."""
    return SPACES.sub(" ", BRACES.sub("", str(value or ""))).strip()


def author_names(value):
    """["Last, First", …] or NameParts from bibtexparser, as "First Last, First Last"."""
    names = []
    for name in value if isinstance(value, list) else [value]:
        if hasattr(name, "first"):
            text = " ".join([*name.first, *name.von, *name.last])
            if name.jr:
                text += ", " + " ".join(name.jr)
        else:
            text = str(name)
        if plain(text):
            names.append(plain(text))
    return ", ".join(names)


def link(fields):
    """The entry's url, else its DOI's; only http(s) addresses."""
    candidates = [plain(fields.get("url"))]
    doi = plain(fields.get("doi"))
    if doi:
        candidates.append(doi if doi.startswith("http") else f"https://doi.org/{doi}")
    for candidate in candidates:
        try:
            URLValidator(schemes=["http", "https"])(candidate)
        except ValidationError:
            continue
        if len(candidate) <= 500:
            return candidate
    return ""


def year(value):
    digits = re.search(r"\b(19|20)\d\d\b", plain(value))
    return int(digits.group()) if digits else None


def entries(text):
    """(publications not saved yet, how many blocks could not be read) from BibTeX text."""
    library = bibtexparser.parse_string(
        text,
        append_middleware=[LatexDecodingMiddleware(), SeparateCoAuthors(), SplitNameParts()],
    )
    found = []
    unreadable = len(library.failed_blocks)
    for entry in library.entries[:MAX_ENTRIES]:
        fields = {key.lower(): item.value for key, item in entry.fields_dict.items()}
        title = plain(fields.get("title"))
        if not title:
            unreadable += 1
            continue
        venue = plain(fields.get("booktitle") or fields.get("journal") or fields.get("publisher"))
        found.append(
            Publication(
                title=title[:500],
                authors=author_names(fields.get("author", ""))[:1000],
                venue=venue[:300],
                year=year(fields.get("year")),
                url=link(fields),
                bibtex_key=entry.key[:200],
            )
        )
    unreadable += max(0, len(library.entries) - MAX_ENTRIES)
    return found, unreadable


@transaction.atomic
def import_publications(text):
    """Add the entries of `text` not imported before; returns what happened (Imported)."""
    found, unreadable = entries(text)
    result = Imported(unreadable=unreadable)
    known = set(
        Publication.objects.filter(bibtex_key__in=[p.bibtex_key for p in found]).values_list(
            "bibtex_key", flat=True
        )
    )
    for publication in found:
        if publication.bibtex_key in known:
            result.skipped.append(publication.bibtex_key)
            continue
        publication.full_clean()
        publication.save()
        known.add(publication.bibtex_key)
        result.added.append(publication)
    return result
