"""The SDK's own httpx clients: no cookies, proxies only for https, a bounded pool, deadlines.

Used when a client is given no `http_client`, and imported only then: httpcore (which httpx
itself imports only when it first connects) would otherwise add a third to `import evenergy`.
Proxies and CA certificates come from the environment (httpx's trust_env), checked here so that
a bad value is a ConfigurationError when the client is made, not at the first call.

httpx's timeouts bound each wait (to connect, between two reads), so a server that trickles its
headers a byte at a time never trips them. The async client cancels an attempt at its deadline
(anyio.fail_after, in `_session`); a blocking call cannot be cancelled, so the SDK's own sync
client reads and writes through `DeadlineBackend`, which gives each socket operation no more
than what is left of the attempt's deadline (`ATTEMPT_DEADLINE`, set by the session around each
attempt). Then a trickling server trips the read timeout at the deadline, the same error as any
other read timeout.
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Iterable
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import TYPE_CHECKING, Any, TypeVar

import httpcore
import httpx

from ._auth import ClientCredentials
from ._constants import MAX_CONNECTIONS
from ._exceptions import ConfigurationError
from ._session import ATTEMPT_DEADLINE

if TYPE_CHECKING:
    from ._config import Settings

HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


def own_http_client(cls: type[HttpClient], settings: Settings) -> HttpClient:
    """The SDK's own httpx client: no cookies, proxies only for https, a bounded pool, deadlines.

    Proxies and CA certificates come from the environment (httpx's trust_env). The API is
    stateless (bearer tokens): a kept cookie can only harm, by breaking every later request (one
    with a non-ASCII byte) or growing each Cookie header without bound. A plain-http base_url or
    token_url (a local fake, say) is reached directly, so that no proxy sees a token in clear. A
    bad value in the environment is a ConfigurationError here, not at the first call.
    """
    direct = {
        f"http://{url.netloc.decode('ascii')}": None
        for url in map(httpx.URL, _setting_urls(settings))
        if url.scheme == "http"
    }
    for variable, is_there, kind in _CA_VARIABLES:
        path = os.environ.get(variable)
        if path and not is_there(path):  # httpx 0.27 would ignore it, 0.28 raise at connect
            # The value is not quoted: a variable may hold anything, a password included.
            raise ConfigurationError(_ENVIRONMENT + f"{variable} names no {kind}")
    try:
        http = cls(
            timeout=settings.timeout,
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # accepts none
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS),
            mounts=direct,
        )
    except (ImportError, OSError) as error:  # socks proxy without socksio, missing CA file
        reason = f"{type(error).__name__}: {error}"
    except (ValueError, httpx.InvalidURL) as error:  # a malformed proxy URL, which may hold a
        reason = type(error).__name__  # password: neither quoted nor chained
    else:
        if isinstance(http, httpx.Client):
            _bound_by_deadlines(http)
        return http
    raise ConfigurationError(_ENVIRONMENT + reason)


def _bound_by_deadlines(http: httpx.Client) -> None:
    """Bound the direct connections of `http` (the SDK's own) by each attempt's deadline.

    httpx has no public way to give its pool a network backend, so it is set on the pool it made
    (httpx 0.27 and 0.28 alike); the real-socket tests fail if a new httpx moves it.
    """
    transport = http._transport
    if isinstance(transport, httpx.HTTPTransport):
        pool = transport._pool
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = DeadlineBackend(pool._network_backend)


_CA_VARIABLES = (
    ("SSL_CERT_FILE", os.path.isfile, "file"),
    ("SSL_CERT_DIR", os.path.isdir, "directory"),
)
_ENVIRONMENT = (
    "the HTTP client could not be set up from the environment (HTTP_PROXY, HTTPS_PROXY, "
    "ALL_PROXY, NO_PROXY, SSL_CERT_FILE, SSL_CERT_DIR): "
)


def _setting_urls(settings: Settings) -> list[str]:
    credentials = settings.credentials
    token_url = [credentials.token_url] if isinstance(credentials, ClientCredentials) else []
    return [settings.base_url, *token_url]


def _left(timeout: float | None) -> float | None:
    """`timeout`, or what is left of the attempt's deadline when that is sooner."""
    deadline = ATTEMPT_DEADLINE.get()
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
