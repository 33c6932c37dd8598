"""
A request refused before its body is read must not break its keep-alive connection
(issue 11, item 1). Real gunicorn (gunicorn.conf.py, gthread workers) with production
settings, one raw socket per test: a refused request, then an innocent GET on the same
socket. The refused request's response must either be followed by a working second
response, or say `Connection: close` and end the connection; never a keep-alive
response followed by a dead socket (behind nginx's upstream keep-alive, that dead
socket is the next applicant's 502).
"""

import io
import re
import urllib.parse

import pytest

from labsite.unread_body import DrainUnreadBody
from tests.rawhttp import KeepAliveConnection, wait_until_closed
from tests.servers import free_port, prepare, production_env, running
from tests.submissions import application_body, pdf_of_size

pytestmark = pytest.mark.slow

MB = 1024 * 1024
CV_MAX_BYTES = 10 * MB  # the site's default, as deployed
# DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) is the limit a 3 MB urlencoded form passes.
OVERSIZED_FORM = 3 * MB
# Above CV_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE: more than the site ever reads.
BEYOND_ANY_LIMIT = 13 * MB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = production_env(tmp_path_factory.mktemp("keepalive"))
    prepare(env)
    with running(free_port(), env) as server:
        yield server


def form_page(connection, path="/en/apply/"):
    """GET the form on the connection: (its HTML, the Cookie header that goes with it)."""
    response = connection.exchange("GET", path)
    assert response is not None and response.status == 200
    cookies = re.findall(r"^([^=;\s]+=[^;]*)", response.headers.get("set-cookie", ""), re.M)
    return response.body.decode(), "; ".join(cookies)


def urlencoded(size):
    body = urllib.parse.urlencode({"statement": "x" * size}).encode()
    return body, {"Content-Type": "application/x-www-form-urlencoded"}


def assert_no_desync(connection, first):
    """
    The invariant: after `first`, the connection either serves a second request or was
    announced closed (and is). Returns the second response (None after a close).
    """
    assert first is not None, "the server hung up instead of answering"
    if not first.keeps_alive:
        assert wait_until_closed(connection), "said Connection: close but kept the socket"
        return None
    second = connection.exchange("GET", "/healthz")
    assert second is not None, (
        f"desync: {first.status} said Connection: keep-alive, then the socket died"
    )
    assert second.status == 200
    return second


def test_oversized_urlencoded_post_is_drained_and_the_connection_serves_the_next_request(
    server,
):
    body, headers = urlencoded(OVERSIZED_FORM)
    with KeepAliveConnection(server.port) as connection:
        _, cookie = form_page(connection, "/apply/")  # with the cookie, CSRF reads the form
        headers["Cookie"] = cookie
        first = connection.exchange("POST", "/apply/", body=body, headers=headers)
        assert first.status == 400  # Django refuses it unread (RequestDataTooBig)
        assert first.keeps_alive
        assert assert_no_desync(connection, first).status == 200


def test_body_beyond_the_drain_limit_is_answered_connection_close_and_closed(server):
    body, headers = urlencoded(BEYOND_ANY_LIMIT)
    with KeepAliveConnection(server.port) as connection:
        _, headers["Cookie"] = form_page(connection, "/apply/")
        first = connection.exchange("POST", "/apply/", body=body, headers=headers)
        assert first.status == 400
        assert first.headers["connection"].lower() == "close"
        assert assert_no_desync(connection, first) is None


def test_cv_over_the_limit_is_refused_and_the_connection_serves_the_next_request(server):
    with KeepAliveConnection(server.port) as connection:
        html, cookie = form_page(connection)
        body, content_type = application_body(
            html, "too.large@example.org", pdf=pdf_of_size(CV_MAX_BYTES + MB)
        )
        first = connection.exchange(
            "POST",
            "/en/apply/",
            body=body,
            headers={"Content-Type": content_type, "Cookie": cookie},
        )
        assert first.status in (200, 400, 422)  # the form again, saying the CV is too large
        assert b"too large" in first.body.lower() or b"larger" in first.body.lower()
        assert assert_no_desync(connection, first) is not None


def test_post_refused_by_csrf_before_reading_its_body_keeps_the_connection_usable(server):
    body, headers = urlencoded(MB)  # larger than gunicorn's own 64 KiB drain
    with KeepAliveConnection(server.port) as connection:
        first = connection.exchange("POST", "/en/apply/", body=body, headers=headers)
        assert first.status == 403  # no CSRF cookie: refused before the body is read
        assert assert_no_desync(connection, first) is not None


def test_post_with_a_body_to_a_missing_page_keeps_the_connection_usable(server):
    body, headers = urlencoded(MB)
    with KeepAliveConnection(server.port) as connection:
        first = connection.exchange("POST", "/en/no-such-page/", body=body, headers=headers)
        assert first.status == 404
        assert assert_no_desync(connection, first) is not None


def test_chunked_body_left_unread_closes_the_connection_and_says_so(server):
    """A body of unknown length may be any size: the server closes after it, announced."""
    with KeepAliveConnection(server.port) as connection:
        chunk = b"x" * 65536
        payload = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 16 + b"0\r\n\r\n"
        first = connection.exchange(
            "POST",
            "/en/no-such-page/",
            body=payload,
            headers={"Transfer-Encoding": "chunked", "Content-Type": "text/plain"},
        )
        assert first.status == 404
        assert assert_no_desync(connection, first) is None


# --- The WSGI part on its own ------------------------------------------------------------


def drained_after(body, length):
    """Run DrainUnreadBody around an app that reads nothing: (bytes left, order of events)."""
    events = []
    stream = io.BytesIO(body)

    def app(environ, start_response):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"refused"]

    environ = {"CONTENT_LENGTH": str(length), "wsgi.input": stream}
    result = DrainUnreadBody(app)(environ, lambda status, headers: events.append(status))
    for chunk in result:
        events.append((chunk, stream.tell()))  # the response goes out before any drain
    if hasattr(result, "close"):
        result.close()
    return len(body) - stream.tell(), events


def test_unread_body_is_drained_after_the_response_is_sent(settings):
    settings.CV_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000, 100
    left, events = drained_after(b"x" * 1100, 1100)
    assert events == ["400 Bad Request", (b"refused", 0)]
    assert left == 0


def test_body_over_the_limit_is_left_for_gunicorn_to_close_on(settings):
    settings.CV_MAX_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000, 100
    left, _ = drained_after(b"x" * 1101, 1101)
    assert left == 1101
