"""
Open a CV in a separate, bounded process (pdfcheck.py): at submit to refuse a file that is
no CV (`check`), in the worker to read its text and links (`read`).

pypdf parses hostile input in pure Python: a compression bomb or arrays nested 100,000
deep must cost a child process its life, never a web worker its memory or its minutes.
The child limits its own memory and CPU; here it gets a wall-clock timeout as well, and is
killed past it. Starting Python and importing pypdf takes about 100 ms, so `check` keeps
one warm spare child per process, already past its imports and waiting for a file.
"""

import atexit
import json
import logging
import math
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("pdfcheck.py")


@dataclass(frozen=True)
class PDFReport:
    """What pdfcheck.py found; problem "too_complex" when it ran out of time or memory."""

    problem: str | None
    pages: int | None = None
    flags: tuple[str, ...] = ()
    text: str = ""
    links: tuple[str, ...] = ()


class CheckerUnavailable(Exception):
    """The child process could not be started: the CV is taken, the worker checks it."""


def check(data: bytes) -> PDFReport:
    """At submit: is this a PDF that can be a CV? Bounded by CV_CHECK_SECONDS and _MEMORY_MB."""
    argv = _argv("check", settings.CV_CHECK_MEMORY_MB, settings.CV_CHECK_SECONDS)
    return _run(_take_spare(argv), data, settings.CV_CHECK_SECONDS)


def read(data: bytes) -> PDFReport:
    """In the worker: the text and links of the CV's first pages, bounded by CV_READ_*."""
    argv = _argv(
        "read",
        settings.CV_READ_MEMORY_MB,
        settings.CV_READ_SECONDS,
        settings.CV_READ_MAX_PAGES,
        settings.CV_TEXT_MAX_CHARS,
    )
    return _run(_start(argv), data, settings.CV_READ_SECONDS)


def _argv(mode, memory_mb, seconds, *limits):
    cpu_seconds = max(1, math.ceil(seconds))  # RLIMIT_CPU counts whole seconds
    bounds = (memory_mb, cpu_seconds, *limits)
    return [sys.executable, "-I", str(SCRIPT), mode, *map(str, bounds)]


def _start(argv):
    """A child waiting for its file on stdin (Popen forks and execs: safe with threads)."""
    try:
        return subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
    except OSError as error:
        raise CheckerUnavailable(str(error)) from error


_spare = None  # the next check's child, started by the previous one
_spare_lock = threading.Lock()


def _take_spare(argv):
    """
    The warm spare if it was started with these bounds (settings may have changed), or a
    new child; either way, the next spare is started at once.
    """
    global _spare
    with _spare_lock:
        child, _spare = _spare, None
        if child is not None and (child.args != argv or child.poll() is not None):
            _discard(child)
            child = None
        if child is None:
            child = _start(argv)
        try:
            _spare = _start(argv)
        except CheckerUnavailable:
            pass  # this check has its child; the next one will try again
    return child


def _discard(child):
    with child:  # closes its pipes and reaps it
        child.kill()


@atexit.register
def _discard_spare():
    """A spare also exits by itself when this process dies (its stdin ends)."""
    if _spare is not None:
        _discard(_spare)


def _run(child, data, seconds):
    try:
        output, _ = child.communicate(data, timeout=seconds)
    except subprocess.TimeoutExpired:
        _discard(child)
        return PDFReport(problem="too_complex")
    try:
        if child.returncode != 0:
            raise ValueError(f"exit status {child.returncode}")
        result = json.loads(output)
    except ValueError as error:
        # Killed past its memory or CPU limit, or died: the file was too much for it.
        logger.warning("the PDF check gave no result (%s)", error)
        return PDFReport(problem="too_complex")
    return PDFReport(
        problem=result["problem"],
        pages=result["pages"],
        flags=tuple(result["flags"]),
        text=result["text"],
        links=tuple(result["links"]),
    )
