"""
Open one PDF, read from stdin, and print what it is as one JSON object on stdout.

Run as a script in a child process of its own by cvcheck.py, never imported by the site:

    python -I pdfcheck.py check|read MEMORY_MB CPU_SECONDS [MAX_PAGES MAX_CHARS]

It sets its own memory and CPU limits first, so that a hostile file (a compression bomb,
arrays nested 100,000 deep) ends in an exception here or in the process being killed,
never in a web worker's memory. Only the standard library and pypdf: no Django.

- problem: null, "html" (an HTML/PDF polyglot), "unreadable", "encrypted" or "no_pages";
- pages: the page count, or null;
- flags, for staff: "javascript", "open_action", "additional_actions", "embedded_files",
  "launch", and in read mode "no_text" (a scan);
- text and links (read mode only): the text of the first MAX_PAGES pages, at most
  MAX_CHARS characters, and the URIs of their link annotations.
"""

import io
import json
import logging
import os
import re
import resource
import sys
import warnings
from collections import deque

# The tags of a web page that a sniffing browser or scanner finds in a file's first bytes
# (WHATWG MIME sniffing's HTML patterns, and SVG/XML, which run scripts as well). Only
# tags of three letters or more: compressed data early in a genuine PDF holds "<a>" or
# "<p " by chance about once in two hundred files, "<html>" practically never.
HTML_MARKUP = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|svg|\?xml|style|title|img"
    rb"|object|embed|meta|form)[\s/>]",
    re.IGNORECASE,
)
SNIFFED_BYTES = 1024
# At most this many objects are visited when looking for actions: enough for any CV.
WALK_BUDGET = 50_000
MIN_TEXT = 30  # non-whitespace characters below which a CV reads as a scan


def limit_resources(memory_mb, cpu_seconds):
    for limit, value in (
        ("RLIMIT_AS", memory_mb * 1024 * 1024),
        ("RLIMIT_CPU", cpu_seconds),
        ("RLIMIT_CORE", 0),  # the CPU limit's SIGXCPU would otherwise dump core
    ):
        try:
            resource.setrlimit(getattr(resource, limit), (value, value))
        except (AttributeError, ValueError, OSError):
            pass  # not on this platform, or above the hard limit already set


def flags_of(reader):
    """
    The actions and attachments found in the objects reachable from the trailer, visited
    breadth first without recursion. pypdf decodes names, so /J#61vaScript is /JavaScript.
    Content streams are not decoded: only their dictionaries are looked at.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    flags = set()
    catalog = reader.trailer["/Root"].get_object()
    if "/OpenAction" in catalog:
        flags.add("open_action")
    queue, seen, visited = deque([reader.trailer]), set(), 0
    while queue and visited < WALK_BUDGET:
        obj, visited = queue.popleft(), visited + 1
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in seen:
                continue
            seen.add((obj.idnum, obj.generation))
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            keys = set(obj)
            if keys & {"/JS", "/JavaScript"} or obj.get("/S") == "/JavaScript":
                flags.add("javascript")
            if obj.get("/S") == "/Launch":
                flags.add("launch")
            if "/AA" in keys:
                flags.add("additional_actions")
            if keys & {"/EmbeddedFiles", "/EF"} or obj.get("/Type") == "/EmbeddedFile":
                flags.add("embedded_files")
            queue.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            queue.extend(obj)
    return flags


def check_contents(pages):
    """
    Raise if a page's content is missing: pypdf reads a dangling reference as null, and
    a damaged file whose pages cannot be shown is no CV. (Nothing is decoded here.)
    """
    from pypdf.generic import ArrayObject, StreamObject

    for page in pages:
        if "/Contents" not in page:
            continue  # a blank page
        contents = page["/Contents"]
        for stream in contents if isinstance(contents, ArrayObject) else [contents]:
            if not isinstance(stream.get_object(), StreamObject):
                raise ValueError("a page's content is missing")


def links_of(page):
    for annotation in page.get("/Annots") or ():
        action = annotation.get_object().get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        if isinstance(uri, str):
            yield str(uri)


def read_text(pages, max_chars):
    """The pages' text and links; a page whose text pypdf cannot extract adds none."""
    texts, links = [], {}
    for page in pages:
        try:
            texts.append(page.extract_text() or "")
            links.update(dict.fromkeys(links_of(page)))
        except Exception:
            texts.append("")
        if sum(map(len, texts)) > max_chars:
            break
    return "\n\n".join(texts)[:max_chars], list(links)


def examine(data, mode, max_pages, max_chars):
    result = {"problem": None, "pages": None, "flags": [], "text": "", "links": []}
    if HTML_MARKUP.search(data[:SNIFFED_BYTES]):
        return {**result, "problem": "html"}
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return {**result, "problem": "encrypted"}
        pages = len(reader.pages)
        check_contents(reader.pages)
        flags = flags_of(reader)
    except Exception:  # RecursionError and MemoryError included: the file is hostile
        return {**result, "problem": "unreadable"}
    if not pages:
        return {**result, "problem": "no_pages"}
    text, links = "", []
    if mode == "read":
        text, links = read_text(reader.pages[:max_pages], max_chars)
        if len("".join(text.split())) < MIN_TEXT:
            flags.add("no_text")
    return {**result, "pages": pages, "flags": sorted(flags), "text": text, "links": links}


def main(argv):
    mode, memory_mb, cpu_seconds = argv[0], int(argv[1]), int(argv[2])
    max_pages, max_chars = (int(argv[3]), int(argv[4])) if len(argv) > 4 else (0, 0)
    limit_resources(memory_mb, cpu_seconds)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    import pypdf.filters  # noqa: F401  (before the file arrives: a warm spare is ready)

    data = sys.stdin.buffer.read()
    result = examine(data, mode, max_pages, max_chars)
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)  # the parent waits for the exit: skip the interpreter's clean-up (~10 ms)


if __name__ == "__main__":
    main(sys.argv[1:])
