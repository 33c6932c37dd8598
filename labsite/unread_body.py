"""
A request body the site never read must not break its keep-alive connection.

Django answers some requests without reading their body: a form over
DATA_UPLOAD_MAX_MEMORY_SIZE (400), a POST refused by CSRF (403), a POST to a missing
page (404). gunicorn then says `Connection: keep-alive` but, after the response, drains
at most 64 KiB of what is left and otherwise closes the socket: the client's next
request on that connection fails, and behind nginx's upstream keep-alive it is an
innocent applicant's 502 (issue 11, item 1).

Two parts, one limit (`body_limit()`: the largest body the site ever reads):

- `DrainUnreadBody` (WSGI, labsite/wsgi.py) reads what is left of a body of known length
  up to that limit once the response has been sent, so the connection is clean for the
  next request.
- `close_after_unbounded_body` (gunicorn's `pre_request` hook, gunicorn.conf.py) marks a
  request whose body is larger than the limit, or of unknown length (chunked), to be
  answered `Connection: close` and closed: a WSGI application cannot set that header
  (gunicorn drops hop-by-hop headers), and reading such a body would only waste time.
"""

import time

from django.conf import settings

# Longest time spent draining one body after its response: a client that trickles it
# must not hold a thread. (nginx sends a buffered body at once.)
DRAIN_SECONDS = 10
CHUNK = 64 * 1024
DEFAULT_DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, when the setting is None


def body_limit():
    """The largest request body the site reads: a CV at its limit plus the form's fields."""
    fields = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or DEFAULT_DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.CV_MAX_BYTES + fields


def close_after_unbounded_body(worker, req):
    """
    gunicorn `pre_request` hook: answer `Connection: close`, and close, when the body is
    larger than body_limit() or chunked (its size is unknown until it is read).
    """
    for name, value in req.headers:
        if name == "TRANSFER-ENCODING":
            req.force_close()
        elif name == "CONTENT-LENGTH" and value.isdigit() and int(value) > body_limit():
            req.force_close()


class DrainUnreadBody:
    """
    WSGI middleware: after the response, read and discard what the application left of
    the request body (at most body_limit() bytes, within DRAIN_SECONDS).
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        result = self.application(environ, start_response)
        if length <= 0 or length > body_limit():
            # Nothing to drain, or gunicorn closes the connection (see the hook above).
            # Unwrapped, a file response keeps gunicorn's sendfile path.
            return result
        return _DrainingResult(result, environ)


class _DrainingResult:
    """The application's response iterable; close() also drains the request body."""

    def __init__(self, result, environ):
        self.result = result
        self.environ = environ

    def __iter__(self):
        return iter(self.result)

    def close(self):
        try:
            if hasattr(self.result, "close"):
                self.result.close()
        finally:
            drain(self.environ)


def drain(environ):
    """Read wsgi.input to its end (bounded in bytes and time); errors mean nothing here."""
    stream = environ["wsgi.input"]
    sock = environ.get("gunicorn.socket")  # to bound the wait for a slow client
    prior_timeout = sock.gettimeout() if sock is not None else None
    deadline = time.monotonic() + DRAIN_SECONDS
    left = body_limit()
    try:
        while left > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return  # gunicorn's own drain then fails and it closes the connection
            if sock is not None:
                sock.settimeout(remaining)
            data = stream.read(min(CHUNK, left))
            if not data:
                return
            left -= len(data)
    except OSError:
        return  # the client went away or stalled: gunicorn closes the connection
    finally:
        if sock is not None:
            try:
                sock.settimeout(prior_timeout)
            except OSError:
                pass
