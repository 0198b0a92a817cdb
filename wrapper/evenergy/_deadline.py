"""The per-attempt deadline of the blocking client, enforced on each socket operation.

httpx's timeouts bound each wait (to connect, between two reads), so a server that trickles its
headers a byte at a time never trips them. The async client cancels an attempt at its deadline
(anyio.fail_after); a blocking call cannot be cancelled, so the SDK's own sync client reads and
writes through `DeadlineBackend`, which gives each socket operation no more than what is left of
the attempt's deadline (set by the transport in `attempt_deadline`). Then a trickling server
trips the read timeout at the deadline, the same error as any other read timeout.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore

_deadline: ContextVar[float | None] = ContextVar("evenergy_attempt_deadline", default=None)


@contextmanager
def attempt_deadline(deadline: float) -> Iterator[None]:
    """Bound every socket operation of this thread's attempt by `deadline` (perf_counter)."""
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def _left(timeout: float | None) -> float | None:
    """`timeout`, or what is left of the attempt's deadline when that is sooner."""
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    left = max(deadline - time.perf_counter(), 0.001)  # 0 would mean "do not block" to a socket
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _left(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, _left(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, each operation bounded by the attempt's deadline."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _left(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._backend.connect_unix_socket(path, _left(timeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)
