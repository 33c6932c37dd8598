"""
HTTP/1.1 on one raw socket, for the tests of what happens *between* requests on a
keep-alive connection (tests/test_keepalive.py, tests/test_deploy_nginx.py): http.client
hides exactly that.

    with KeepAliveConnection(port) as connection:
        first = connection.exchange("POST", "/apply/", body=b"x" * 3_000_000, headers=...)
        second = connection.exchange("GET", "/healthz")   # None: the server hung up

A request body is sent from a thread while the response is read, as a browser or nginx
does: a server that answers before reading the body must not deadlock the test.
"""

import socket
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Response:
    status: int
    headers: dict = field(default_factory=dict)  # lower-cased names; repeated ones joined
    body: bytes = b""

    @property
    def keeps_alive(self):
        """The response offers the connection for another request (HTTP/1.1 default)."""
        return "close" not in self.headers.get("connection", "").lower()


class KeepAliveConnection:
    """One TCP connection to 127.0.0.1:port, reused for every exchange()."""

    def __init__(self, port, timeout=20):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.send_error = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.sock.close()

    def exchange(self, method, path, body=b"", headers=None):
        """
        Send one request and read its response. Returns None when the server closed
        the connection (or reset it) instead of answering.
        """
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        for name, value in (headers or {}).items():
            head.append(f"{name}: {value}")
        chunked = "Transfer-Encoding" in (headers or {})
        if (body or method == "POST") and not chunked:
            head.append(f"Content-Length: {len(body)}")
        request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
        try:
            self.sock.sendall(request)
        except OSError:
            return None
        sender = None
        if body:
            sender = threading.Thread(target=self._send_body, args=(body,), daemon=True)
            sender.start()
        try:
            response = self._read_response(method)
        except (OSError, ConnectionError, EOFError):
            response = None
        if sender is not None:
            # A server that answered early and then closed makes the send fail: fine.
            sender.join(timeout=30)
        return response

    def _send_body(self, body):
        try:
            self.sock.sendall(body)
        except OSError as error:
            self.send_error = error

    def _recv(self):
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("connection closed by the server")
        self.buffer += data

    def _read_until(self, marker):
        while marker not in self.buffer:
            self._recv()
        index = self.buffer.index(marker)
        data, self.buffer = self.buffer[:index], self.buffer[index + len(marker) :]
        return data

    def _read_exactly(self, size):
        while len(self.buffer) < size:
            self._recv()
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _read_response(self, method):
        head = self._read_until(b"\r\n\r\n").decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        headers = {}
        for line in head[1:]:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            headers[name] = f"{headers[name]}\n{value}" if name in headers else value
        if method == "HEAD" or status in (204, 304) or status < 200:
            body = b""
        elif "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                size = int(self._read_until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self._read_until(b"\r\n")  # no trailers from these servers
                    break
                body += self._read_exactly(size)
                self._read_exactly(2)
        elif "content-length" in headers:
            body = self._read_exactly(int(headers["content-length"]))
        else:  # delimited by the end of the connection
            body = self.buffer
            try:
                while True:
                    self._recv()
            except EOFError:
                pass
            body, self.buffer = self.buffer, b""
        return Response(status, headers, body)


def wait_until_closed(connection, timeout=5):
    """True when the server closes the connection within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    connection.sock.settimeout(0.2)
    try:
        while time.monotonic() < deadline:
            try:
                if not connection.sock.recv(65536):
                    return True
            except TimeoutError:
                continue
            except OSError:
                return True
        return False
    finally:
        connection.sock.settimeout(20)
