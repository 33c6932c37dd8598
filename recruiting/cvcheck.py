"""
Open a CV in a separate, bounded process (pdfcheck.py): at submit to refuse a file that is
no CV (`check`), in the worker to read its text and links (`read`).

pypdf parses hostile input in pure Python: a compression bomb or arrays nested 100,000
deep must cost a child process its life, never a web worker its memory or its minutes.
Each file is examined in a child of its own that limits its own memory and CPU; here it
gets a wall-clock timeout as well, and is killed past it.

The children are forked by one "zygote" per process (`pdfcheck.py serve`), started at the
first CV and already past its imports: starting Python and importing pypdf for every file
costs a tenth of a second of CPU, which under load was most of a submit's time. A
request is a line of words and a socket pair's end, passed over a Unix socket; the child
answers on that socket, so any number of threads check at once.
"""

import atexit
import contextlib
import json
import logging
import math
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

SCRIPT = Path(__file__).with_name("pdfcheck.py")
PID_BYTES = 8  # pdfcheck.PID: the child's process id, first on its socket
# Bytes read from a socket at a time: recv() allocates its whole size each call.
CHUNK = 64 * 1024


@dataclass(frozen=True)
class PDFReport:
    """What pdfcheck.py found; problem "too_complex" when it ran out of time or memory."""

    problem: str | None
    pages: int | None = None
    flags: tuple[str, ...] = ()
    text: str = ""
    links: tuple[str, ...] = ()


class CheckerUnavailable(Exception):
    """No process could be started: the caller takes the CV and has the worker check it."""


def check(data: bytes) -> PDFReport:
    """At submit: is this a PDF that can be a CV? Bounded by CV_CHECK_SECONDS and _MEMORY_MB."""
    words = _words("check", settings.CV_CHECK_MEMORY_MB, settings.CV_CHECK_SECONDS, 0, 0)
    return _run(words, data, settings.CV_CHECK_SECONDS)


def read(data: bytes) -> PDFReport:
    """In the worker: the text and links of the CV's first pages, bounded by CV_READ_*."""
    words = _words(
        "read",
        settings.CV_READ_MEMORY_MB,
        settings.CV_READ_SECONDS,
        settings.CV_READ_MAX_PAGES,
        settings.CV_TEXT_MAX_CHARS,
    )
    return _run(words, data, settings.CV_READ_SECONDS)


def _words(mode, memory_mb, seconds, max_pages, max_chars):
    cpu_seconds = max(1, math.ceil(seconds))  # RLIMIT_CPU counts whole seconds
    return f"{mode} {memory_mb} {cpu_seconds} {max_pages} {max_chars}".encode()


class Zygote:
    """`pdfcheck.py serve` with the socket its requests go to."""

    def __init__(self):
        ours, theirs = socket.socketpair()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-I", str(SCRIPT), "serve"],
                stdin=theirs,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            ours.close()
            raise CheckerUnavailable(str(error)) from error
        finally:
            theirs.close()
        self.requests = ours

    def ask(self, words):
        """A socket to a new child that examines one file (OSError if the zygote is gone)."""
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self.requests, [words], [theirs.fileno()])
        except OSError:
            ours.close()
            raise
        finally:
            theirs.close()
        return ours

    def stop(self):
        self.requests.close()  # it exits at the end of its requests
        with self.process:
            self.process.kill()


_zygote = None
_zygote_lock = threading.Lock()


def _ask(words):
    global _zygote
    with _zygote_lock:
        for _attempt in range(2):
            if _zygote is None or _zygote.process.poll() is not None:
                if _zygote is not None:
                    _zygote.stop()
                _zygote = Zygote()
            try:
                return _zygote.ask(words)
            except OSError:
                _zygote.stop()
                _zygote = None
    raise CheckerUnavailable("the PDF process does not take requests")


@atexit.register
def _stop_zygote():
    if _zygote is not None:
        _zygote.stop()


def _run(words, data, seconds):
    """
    Send the file at once (the child reads it after sending its process id: no round
    trip first), then read its id and answer; past the deadline, kill it.
    """
    deadline = time.monotonic() + seconds
    received = bytearray()
    with _ask(words) as channel:
        try:
            channel.settimeout(seconds)
            channel.sendall(data)
            channel.shutdown(socket.SHUT_WR)
            _receive(channel, deadline, received)
        except (TimeoutError, ConnectionError) as error:
            # Past its time, or killed past its memory or CPU limit while reading.
            logger.warning("the PDF check gave no result (%r)", error)
            with contextlib.suppress(OSError):
                _receive(channel, time.monotonic(), received)  # its id, if it sent it
            if len(received) >= PID_BYTES:
                _kill(int.from_bytes(received[:PID_BYTES]))
            return PDFReport(problem="too_complex")
    if received[:PID_BYTES] == bytes(PID_BYTES):
        raise CheckerUnavailable("the PDF process could not fork")
    try:
        result = json.loads(received[PID_BYTES:])
    except ValueError:
        logger.warning("the PDF check died")  # killed past its memory or CPU limit
        return PDFReport(problem="too_complex")
    return PDFReport(
        problem=result["problem"],
        pages=result["pages"],
        flags=tuple(result["flags"]),
        text=result["text"],
        links=tuple(result["links"]),
    )


def _receive(channel, deadline, into):
    """Bytes until the end into `into`; TimeoutError past the deadline (none if it is now)."""
    while True:
        remaining = deadline - time.monotonic()
        channel.settimeout(remaining if remaining > 0 else 0)
        try:
            chunk = channel.recv(CHUNK)
        except (BlockingIOError, TimeoutError):
            if remaining > 0:
                raise TimeoutError("the PDF check took too long") from None
            return  # only what was there already was asked for
        if not chunk:
            return
        into += chunk


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass  # it ended meanwhile
