"""A small HTTP/1.1 server on 127.0.0.1, for what a mocked transport cannot show.

Each request is answered by a `route(request) -> Reply | None` function; None means "accept the
request and never answer" (until the client hangs up or the server stops), and DROP "close the
connection without an answer". A reply may also be trickled, a byte at a time, as a hostile
server would. The server counts the connections it accepted, keeps every request, and signals
each arrival, so tests wait on events, not sleeps.
"""

from __future__ import annotations

import json
import queue
import select
import socketserver
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    """What to answer: a status, headers and a body (JSON-encoded unless bytes).

    With `trickle` (seconds), the bytes from `trickle_from` up to `trickle_to` (the end when
    None) are sent one at a time, `trickle` seconds apart, the rest at once: the server's pace,
    not a test's synchronisation.
    """

    status: int = 200
    body: Any = b""
    headers: dict[str, str] | list[tuple[str, str]] = field(default_factory=dict)
    trickle: float | None = None
    trickle_from: int = 0
    trickle_to: int | None = None

    def encode(self) -> bytes:
        content = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        given = self.headers.items() if isinstance(self.headers, dict) else self.headers
        headers = [("Content-Type", "application/json"), *given]
        head = f"HTTP/1.1 {self.status} X\r\nContent-Length: {len(content)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers)
        return head.encode("latin-1") + b"\r\n" + content


DROP = Reply(status=0)
"""A route's answer that closes the connection after reading the request, answering nothing."""

Route = Callable[[Received], Reply | None]


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self.server.connections += 1
        while not self.server.stopping.is_set():
            request = self._read()
            if request is None:
                return
            self.server.received.put(request)
            reply = self.server.route(request)
            if reply is DROP:
                return
            if reply is None:  # hang: accept, never answer
                self._wait_for_hang_up()
                return
            if not self._send(reply):
                return

    def _send(self, reply: Reply) -> bool:
        """Write `reply` at its pace; False when the client hung up first."""
        data = reply.encode()
        start = len(data) if reply.trickle is None else reply.trickle_from
        end = len(data) if reply.trickle_to is None else reply.trickle_to
        try:
            self.wfile.write(data[:start])
            self.wfile.flush()
            for index in range(start, end):
                if self.server.stopping.wait(reply.trickle):
                    return False
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
            self.wfile.write(data[end:])
            self.wfile.flush()
        except OSError:  # the client hung up (a timeout or a cancellation, say)
            return False
        return True

    def _wait_for_hang_up(self) -> None:
        """Hold the connection until the client closes it or the server stops."""
        while not self.server.stopping.is_set():
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable and not self.connection.recv(1024, 0):
                return

    def _read(self) -> Received | None:
        try:
            line = self.rfile.readline()
        except OSError:  # reset by the client
            return None
        if not line:
            return None
        method, path, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (header := self.rfile.readline().decode("latin-1").rstrip("\r\n")) != "":
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = self.rfile.read(int(headers.get("content-length", "0")))
        return Received(method, path, headers, body)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    # socketserver listens with a backlog of 5: a burst of connections (a pool filling at once)
    # would have its SYNs dropped and retried seconds later. The kernel caps it at somaxconn.
    request_queue_size = 1024

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.connections = 0
        self.received: queue.Queue[Received] = queue.Queue()
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that resets a connection is what many tests do on purpose."""


@dataclass
class Loopback:
    """A running server: its base URL, and what it saw."""

    url: str
    _server: _Server

    @property
    def connections(self) -> int:
        """How many TCP connections the server accepted."""
        return self._server.connections

    def next_request(self, timeout: float = 10) -> Received:
        """The next request the server reads (waits for it to arrive)."""
        return self._server.received.get(timeout=timeout)

    def requests(self) -> list[Received]:
        """Every request received so far, in order (and forgets them)."""
        seen = []
        while not self._server.received.empty():
            seen.append(self._server.received.get_nowait())
        return seen


@contextmanager
def serving(route: Route) -> Iterator[Loopback]:
    """Run a loopback server answering with `route`; stop it (and every hang) on exit."""
    server = _Server(route)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    assert isinstance(host, str)
    try:
        yield Loopback(f"http://{host}:{port}", server)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()
