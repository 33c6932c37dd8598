"""
Open PDFs in processes of their own and say what each is, as one JSON object.

Run as a script by cvcheck.py, never imported by the site:

    python -I pdfcheck.py serve

It imports pypdf once, then waits on its stdin (a Unix socket) for requests: each is a
line of words, `check|read MEMORY_MB CPU_SECONDS MAX_PAGES MAX_CHARS`, with a socket
passed along. Each goes to a child forked from this warm, single-threaded process (3 ms,
done ahead of the request; starting Python and importing pypdf would cost a tenth of a
second of CPU), which sets its own memory and CPU limits, sends its process id, reads the file from the
socket until its end, and sends back the JSON object. A hostile file (a compression
bomb, arrays nested 100,000 deep) ends in an exception there or in that child being
killed, never in a web worker. Only the standard library and pypdf: no Django.

- problem: null, "html" (an HTML/PDF polyglot), "unreadable", "encrypted" or "no_pages";
- pages: the page count, or null;
- flags, for staff: "javascript", "open_action", "additional_actions", "embedded_files",
  "launch", and in read mode "no_text" (a scan);
- text and links (read mode only): the text of the first MAX_PAGES pages, at most
  MAX_CHARS characters, and the URIs of their link annotations.
"""

import gc
import io
import json
import logging
import os
import re
import resource
import signal
import socket
import struct
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


# The child's process id, sent first (0: no child could be started).
PID = struct.Struct("!Q")
# Bytes read from a socket at a time: recv() allocates its whole size each call.
CHUNK = 64 * 1024


def raw_pdf(objects, preamble=b""):
    """
    A PDF of these object bodies (numbered from 1, the first is the catalog) with a
    correct cross-reference table; `preamble` goes right after the header line. (The
    tests build theirs with it too.)
    """
    out = bytearray(b"%PDF-1.4\n" + preamble)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


WARM_UP_TEXT = b"BT /F1 12 Tf 72 720 Td (Curriculum vitae) Tj ET"
# A page with a line of text and a link: what a warm-up runs through.
WARM_UP_PDF = raw_pdf(
    [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>"
        b"/Contents 5 0 R/Annots[<</Type/Annot/Subtype/Link/Rect[0 0 9 9]"
        b"/A<</S/URI/URI(https://example.org/)>>>>]>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        b"<</Length %d>>stream\n%s\nendstream" % (len(WARM_UP_TEXT), WARM_UP_TEXT),
    ]
)


def serve(requests):
    """
    Hand each request to a child forked ahead of it, and fork the next one meanwhile:
    forking this process takes 3 ms, off the request's path this way. Until the parent
    closes its end (it exited or died).
    """
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the children
    # What is loaded now is never collected: a child's garbage collections then leave
    # these pages alone, shared with the zygote rather than copied on write.
    gc.freeze()
    ready = None
    while True:
        ready = ready or fork_ready(requests)
        try:
            words, fds, _flags, _address = socket.recv_fds(requests, 1024, 1)
        except OSError:
            return
        if not words:
            return
        if not fds:
            continue
        with socket.socket(fileno=fds[0]) as channel:
            try:
                socket.send_fds(ready, [words], [channel.fileno()])
            except (OSError, AttributeError):  # no child could be forked, or it died
                channel.sendall(PID.pack(0))
        if ready is not None:
            ready.close()
            ready = None


def fork_ready(requests):
    """A child waiting for one request (a socket to it), or None if none can be forked."""
    ours, theirs = socket.socketpair()
    try:
        pid = os.fork()
    except OSError:
        ours.close()
        theirs.close()
        return None
    if pid:
        theirs.close()
        return ours
    requests.close()
    ours.close()
    # Run once through the code a request runs, while no one waits: a forked child's first
    # run copies every page it touches (2 ms), the request's then does not.
    examine(WARM_UP_PDF, "read", 1, 100)
    words, fds, _flags, _address = socket.recv_fds(theirs, 1024, 1)
    if words and fds:
        with socket.socket(fileno=fds[0]) as channel:
            answer(channel, words.decode().split())
    os._exit(0)  # no clean-up of the zygote's state in the child


def answer(channel, words):
    """In a child of its own: the file from the channel, what it is back on it."""
    mode, memory_mb, cpu_seconds, max_pages, max_chars = words[0], *map(int, words[1:])
    limit_resources(memory_mb, cpu_seconds)
    channel.sendall(PID.pack(os.getpid()))
    chunks = []
    while chunk := channel.recv(CHUNK):
        chunks.append(chunk)
    result = examine(b"".join(chunks), mode, max_pages, max_chars)
    channel.sendall(json.dumps(result).encode())


def main(argv):
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    import pypdf.filters  # noqa: F401  (once, before any file: every child has it)

    if argv != ["serve"]:
        sys.exit("usage: python -I pdfcheck.py serve")
    serve(socket.socket(fileno=sys.stdin.fileno()))


if __name__ == "__main__":
    main(sys.argv[1:])
