"""A small HTTP/1.1 server on 127.0.0.1, for what a mocked transport cannot show.

Each request is answered by a `route(request) -> Reply | None` function; None means "accept the
request and never answer" (until the server stops), and DROP "close the connection without an
answer". The server counts the connections it accepted, keeps every request, and signals each
arrival, so tests wait on events, not sleeps.
"""

from __future__ import annotations

import json
import queue
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
    """What to answer: a status, headers and a body (JSON-encoded unless bytes)."""

    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> bytes:
        content = self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()
        headers = {"Content-Type": "application/json", **self.headers}
        head = f"HTTP/1.1 {self.status} X\r\nContent-Length: {len(content)}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
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
                self.server.stopping.wait()
                return
            self.wfile.write(reply.encode())
            self.wfile.flush()

    def _read(self) -> Received | None:
        line = self.rfile.readline()
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

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.connections = 0
        self.received: queue.Queue[Received] = queue.Queue()
        self.stopping = threading.Event()


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
