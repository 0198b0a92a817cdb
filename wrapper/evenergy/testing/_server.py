"""A FakeEvEnergyAPI served over HTTP on loopback: a local server that behaves like the API.

    python -m evenergy.testing serve --sites 250      # prints EVENERGY_* assignments, then serves

or, in Python, `with serve(FakeEvEnergyAPI()) as server: ...` and `server.base_url`. It serves
what the in-process fake answers, under /v2 and /o/token/, one thread per connection, with
keep-alive. Faults injected as httpx errors become what a network does: ConnectError and other
transport errors drop the connection unanswered; a timeout leaves the request unanswered until
`hang_seconds` pass (or the server stops).

It is made to be left running: a connection idle for `idle_seconds` is closed, at most
`max_connections` are served at once (one more is answered 503 and closed), a malformed request
is answered 400 and closed without a word on stderr, and answers go out without Nagle's delay.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import shlex
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from ._fake import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, Fault

FAKE_CLIENT_ID = "fake-client"
FAKE_CLIENT_SECRET = "fake-client-secret"  # noqa: S105 - the fake's own credentials
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}
_MAX_BODY = 64 * 1024  # far above any request the SDK sends (a token request's form)
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\n"
    b"Connection: close\r\n\r\n"
)


@dataclass(frozen=True)
class FakeServer:
    """A running fake: where it listens and what it accepts."""

    url: str
    """The server's root, such as http://127.0.0.1:8080."""
    fake: FakeEvEnergyAPI

    @property
    def base_url(self) -> str:
        """The API root, /v2 included: what EvEnergy(base_url=...) takes."""
        return f"{self.url}/v2"

    @property
    def token_url(self) -> str:
        """The OAuth2 token endpoint: what EvEnergy(token_url=...) takes."""
        return f"{self.url}/o/token/"

    def environment(self) -> dict[str, str]:
        """The EVENERGY_* variables that point the SDK and the CLI at this server."""
        return {
            "EVENERGY_BASE_URL": self.base_url,
            "EVENERGY_ACCESS_TOKEN": self.fake.access_token or FAKE_ACCESS_TOKEN,
            "EVENERGY_TOKEN_URL": self.token_url,
            "EVENERGY_CLIENT_ID": FAKE_CLIENT_ID,
            "EVENERGY_CLIENT_SECRET": FAKE_CLIENT_SECRET,
        }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms wait between
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.idle_seconds)  # idle or stalled: closed

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        request = self._request()
        if request is None:
            self.close_connection = True
            self.send_error(400, "Malformed request")
            return
        try:
            response = self.server.fake.handle(request)
        except httpx.TimeoutException:
            self.server.stopping.wait(self.server.hang_seconds)
            self.close_connection = True
            return
        except httpx.TransportError:
            self.close_connection = True  # dropped, unanswered
            return
        body = response.read()
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _request(self) -> httpx.Request | None:
        """The request as httpx sees it; None when it is malformed (a body it cannot delimit)."""
        length = self.headers.get("Content-Length", "0")
        if "Transfer-Encoding" in self.headers or not (length.isdigit() and length.isascii()):
            return None  # chunked bodies are not sent by the SDK; "-1" or "abc" are lies
        if int(length) > _MAX_BODY:
            return None
        try:
            return httpx.Request(
                self.command,
                f"{self.server.root}{self.path}",
                headers=list(self.headers.items()),
                content=self.rfile.read(int(length)),
            )
        except (httpx.InvalidURL, ValueError, UnicodeError):
            return None

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake keeps every request in `fake.requests`."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's backlog is 5: an async client opening its pool at once would have its
    # connections dropped and retried a second or more later (the kernel caps it at somaxconn).
    request_queue_size = 128

    def __init__(
        self,
        fake: FakeEvEnergyAPI,
        host: str,
        port: int,
        *,
        hang_seconds: float,
        idle_seconds: float,
        max_connections: int,
    ) -> None:
        super().__init__((host, port), _Handler)
        self.fake = fake
        self.hang_seconds = hang_seconds
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()
        self._slots = threading.BoundedSemaphore(max_connections)
        bound_host, bound_port = self.server_address[:2]
        self.root = f"http://{bound_host!s}:{bound_port}"

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on a thread of its own, or answer 503 when all are busy."""
        if not self._slots.acquire(blocking=False):
            with contextlib.suppress(OSError):
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that goes away or sends garbage is no news (no traceback)."""


@contextmanager
def serve(
    fake: FakeEvEnergyAPI,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    hang_seconds: float = 60.0,
    idle_seconds: float = 30.0,
    max_connections: int = 64,
) -> Iterator[FakeServer]:
    """Serve `fake` over HTTP until the block ends, then close every connection.

    `host` is loopback by default, and `port` 0 picks a free one (an OSError when it cannot
    listen there). A client built by hand against it can record its retry waits instead of
    sleeping: `EvEnergy(base_url=server.base_url, ..., sleep=fake.waits.append)`.
    """
    server = _Server(
        fake,
        host,
        port,
        hang_seconds=hang_seconds,
        idle_seconds=idle_seconds,
        max_connections=max_connections,
    )
    thread = threading.Thread(target=server.serve_forever, name="evenergy-fake", daemon=True)
    thread.start()
    try:
        yield FakeServer(server.root, fake)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _fault(text: str) -> tuple[Fault, int]:
    """A --fail value: 503, 429:2, connect or timeout:3."""
    name, _, times = text.partition(":")
    faults: dict[str, Fault] = {"connect": httpx.ConnectError, "timeout": httpx.ReadTimeout}
    fault = faults[name] if name in faults else int(name)
    return fault, int(times or 1)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m evenergy.testing serve`: run a fake API on loopback until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m evenergy.testing",
        description="Serve a fake ev.energy API on loopback, for trying the SDK and the CLI.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("serve", help="serve the fake API until Ctrl-C")
    command.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    command.add_argument("--sites", type=int, default=250, help="EVSE sites (default: 250)")
    command.add_argument("--seed", type=int, default=0, help="seed of the made-up data")
    command.add_argument(
        "--rate-limit", type=int, default=1000, help="requests before a 429 (default: 1000)"
    )
    command.add_argument(
        "--fail",
        type=_fault,
        action="append",
        default=[],
        metavar="FAULT[:TIMES]",
        help="answer the first requests with a fault: a status (503, 429), connect or timeout",
    )
    command.add_argument(
        "--env-file",
        type=Path,
        metavar="PATH",
        help="once listening, write the EVENERGY_* variables to PATH (for `. PATH`); removed "
        "when the server stops",
    )
    args = parser.parse_args(argv)
    fake = FakeEvEnergyAPI(
        site_count=args.sites,
        seed=args.seed,
        rate_limit=args.rate_limit,
        client_credentials={FAKE_CLIENT_ID: FAKE_CLIENT_SECRET},
        keep_requests=10_000,
    )
    for fault, times in args.fail:
        fake.fail_next(fault, times=times, retry_after=1 if fault == 429 else None)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with serve(fake, port=args.port) as server:
            return _announce_and_wait(server, args.sites, args.env_file)
    except KeyboardInterrupt:
        return 0
    except OSError as error:  # from serve(): the port is taken, or not ours to take
        reason = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used: {error}"
        advice = "choose another with --port, or leave it out for a free one"
        print(f"python -m evenergy.testing: port {args.port} {reason}; {advice}", file=sys.stderr)
        return 2


def _announce_and_wait(server: FakeServer, sites: int, env_file: Path | None) -> int:
    """Print (and write to `env_file`) the variables that point at `server`; wait for Ctrl-C."""
    assignments = "".join(
        f"{name}={shlex.quote(value)}\n" for name, value in server.environment().items()
    )
    if env_file is not None:  # first: whoever read the output finds the file
        try:
            _write_atomically(env_file, assignments)
        except OSError as error:
            print(f"python -m evenergy.testing: cannot write {env_file}: {error}", file=sys.stderr)
            return 2
    print(assignments, end="", flush=True)
    note = "a ready token wins over the client credentials. Ctrl-C stops it."
    print(f"# fake ev.energy API with {sites} sites at {server.base_url}; {note}", file=sys.stderr)
    try:
        threading.Event().wait()
    finally:
        if env_file is not None:
            env_file.unlink(missing_ok=True)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees no file or the whole file, never a part."""
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=f".{path.name}.", delete=False
    ) as scratch:
        scratch.write(text)
    os.replace(scratch.name, path)
