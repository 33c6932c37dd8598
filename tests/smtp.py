"""
SMTP servers on loopback for the outbox's tests and benchmark (aiosmtpd).

    port = free_port(8601)                    # a free port in 8600–8699; nothing listens yet,
                                              # so until a server starts, SMTP is refused
    with RecordingSMTPServer(port) as smtp:   # accepts every message and records it
        smtp.wait_for(4, timeout=60)          # until 4 were accepted (a bounded wait)
        smtp.refusing = True                  # from now on DATA is answered "451 try later"

    with RecordingSMTPServer(port, hold_at=4) as smtp:
        smtp.held.wait(60)                    # the 4th DATA is waiting, unanswered…
        smtp.release()                        # …until released: then "451", not recorded

    with StalledSMTPServer(port) as stalled:  # accepts TCP connections, never says a word
        stalled.connections()                 # how many reached it so far

Every server runs in its own thread; reading what it recorded is thread-safe.
"""

import asyncio
import logging
import socket
import threading
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"
PORTS = range(8600, 8700)

# aiosmtpd logs every command at INFO: a test's captured log would be only that.
logging.getLogger("mail.log").setLevel(logging.WARNING)


def port_is_free(port):
    """Nothing listens on the port and a server may bind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((HOST, port)) != 0


def free_port(preferred, *, exclude=()):
    """The preferred port if it is free, otherwise the first free one in 8600–8699."""
    for port in [preferred, *PORTS]:
        if port in PORTS and port not in exclude and port_is_free(port):
            return port
    raise RuntimeError("no free port in 8600–8699")


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    message_id: str
    sender: str
    recipients: tuple
    subject: str
    body: str


class RecordingSMTPServer:
    """
    An SMTP server on 127.0.0.1:port that accepts every message and records it. With
    `refusing` set it answers DATA with a temporary failure (451) and records nothing;
    with hold_at=n the n-th DATA waits, unanswered, until release(), is then refused
    and not recorded (as a message whose sender died before the server accepted it).
    """

    def __init__(self, port, *, hold_at=None):
        self.port = port
        self.hold_at = hold_at
        self.refusing = False
        self.held = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Condition()
        self._received = []
        self._refused = 0
        self._data_commands = 0
        self._controller = Controller(self, hostname=HOST, port=port)

    def start(self):
        self._controller.start()
        return self

    def stop(self):
        self.release()
        self._controller.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def release(self):
        """Let the held DATA command end (refused)."""
        self._released.set()

    @property
    def received(self):
        with self._lock:
            return list(self._received)

    @property
    def refused(self):
        """How many DATA commands were refused because `refusing` was set."""
        with self._lock:
            return self._refused

    def message_ids(self):
        return [message.message_id for message in self.received]

    def wait_for(self, count, timeout):
        """Wait (at most `timeout` seconds) until `count` messages were accepted."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._received) >= count, timeout):
                raise AssertionError(
                    f"{len(self._received)} messages received in {timeout} s, not {count}"
                )
            return list(self._received)

    # aiosmtpd's handler hook, run in the server's event loop.
    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self._data_commands += 1
            number = self._data_commands
            refusing = self.refusing
        if number == self.hold_at:
            self.held.set()
            await asyncio.get_running_loop().run_in_executor(None, self._released.wait)
            return "451 4.3.0 Held by the test and dropped"
        if refusing:
            with self._lock:
                self._refused += 1
            return "451 4.3.0 Try again later"
        email = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        body = email.get_body(preferencelist=("plain",))
        received = Received(
            message_id=str(email["Message-ID"]).strip(),
            sender=envelope.mail_from,
            recipients=tuple(envelope.rcpt_tos),
            # Django folds a long encoded subject onto a second line; the parser keeps
            # the folding's space, which mail programs drop.
            subject=str(email["Subject"]).strip(),
            body=body.get_content().replace("\r\n", "\n") if body is not None else "",
        )
        with self._lock:
            self._received.append(received)
            self._lock.notify_all()
        return "250 2.0.0 Message accepted for delivery"


class StalledSMTPServer:
    """
    A server on 127.0.0.1:port that accepts TCP connections and never answers: an SMTP
    client waits for the greeting until its own timeout. Counts the connections.
    """

    def __init__(self, port):
        self.port = port
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.settimeout(0.1)  # so that the accepting thread sees stop()
        self._lock = threading.Condition()
        self._connections = []  # (socket, peer address), kept open until stop()
        self._probes = set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def start(self):
        self._listener.bind((HOST, self.port))
        self._listener.listen(128)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        self._thread.join(timeout=10)
        self._listener.close()
        with self._lock:
            for connection, _ in self._connections:
                connection.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _accept(self):
        while not self._stopping.is_set():
            try:
                connection, peer = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._connections.append((connection, peer))
                self._lock.notify_all()

    def connections(self, timeout=30):
        """
        How many connections reached the server before this call. Exact, not a guess:
        a probe connection is made and waited for, and the kernel hands connections
        to accept() in the order they were made, so every earlier one is counted.
        """
        with socket.create_connection((HOST, self.port), timeout=timeout) as probe:
            address = probe.getsockname()
            with self._lock:
                if not self._lock.wait_for(
                    lambda: any(peer == address for _, peer in self._connections), timeout
                ):
                    raise AssertionError(f"the probe was not accepted within {timeout} s")
                self._probes.add(address)
                return sum(1 for _, peer in self._connections if peer not in self._probes)
