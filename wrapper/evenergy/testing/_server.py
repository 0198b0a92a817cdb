"""A FakeEvEnergyAPI served over HTTP on loopback: a local server that behaves like the API.

    python -m evenergy.testing serve --sites 250      # prints EVENERGY_* assignments, then serves

or, in Python, `with serve(FakeEvEnergyAPI()) as server: ...` and `server.base_url`. It serves
what the in-process fake answers, under /v2 and /o/token/, one thread per connection, with
keep-alive. Faults injected as httpx errors become what a network does: ConnectError and other
transport errors drop the connection unanswered; a timeout leaves the request unanswered until
`hang_seconds` pass (or the server stops).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from ._fake import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, Fault

FAKE_CLIENT_ID = "fake-client"
FAKE_CLIENT_SECRET = "fake-client-secret"  # noqa: S105 - the fake's own credentials
_HOP_HEADERS = {"content-length", "transfer-encoding", "connection"}


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
    server: _Server

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = httpx.Request(
            self.command,
            f"{self.server.root}{self.path}",
            headers=list(self.headers.items()),
            content=self.rfile.read(length),
        )
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

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the fake keeps every request in `fake.requests`."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeEvEnergyAPI, host: str, port: int, hang_seconds: float) -> None:
        super().__init__((host, port), _Handler)
        self.fake = fake
        self.hang_seconds = hang_seconds
        self.stopping = threading.Event()
        bound_host, bound_port = self.server_address[:2]
        self.root = f"http://{bound_host!s}:{bound_port}"


@contextmanager
def serve(
    fake: FakeEvEnergyAPI, *, host: str = "127.0.0.1", port: int = 0, hang_seconds: float = 60.0
) -> Iterator[FakeServer]:
    """Serve `fake` over HTTP until the block ends, then close every connection.

    `host` is loopback by default, and `port` 0 picks a free one.
    """
    server = _Server(fake, host, port, hang_seconds)
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
        "--fail", type=_fault, action="append", default=[], metavar="FAULT[:TIMES]",
        help="answer the first requests with a fault: a status (503, 429), connect or timeout",
    )  # fmt: skip
    args = parser.parse_args(argv)
    fake = FakeEvEnergyAPI(
        site_count=args.sites, seed=args.seed, rate_limit=args.rate_limit,
        client_credentials={FAKE_CLIENT_ID: FAKE_CLIENT_SECRET},
    )  # fmt: skip
    for fault, times in args.fail:
        fake.fail_next(fault, times=times, retry_after=1 if fault == 429 else None)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with serve(fake, port=args.port) as server:
            for name, value in server.environment().items():
                print(f"{name}={value}", flush=True)
            print(
                f"# fake ev.energy API with {args.sites} sites at {server.base_url}; a ready "
                "token wins over the client credentials. Ctrl-C stops it.",
                file=sys.stderr, flush=True,
            )  # fmt: skip
            threading.Event().wait()
    except KeyboardInterrupt:
        return 0
    return 0
