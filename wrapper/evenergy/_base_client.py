"""Sending one API request: default headers, authentication, retries, logging, error mapping.

`_RequestCore` holds everything that is not I/O; `SyncTransport` and `AsyncTransport` are the
two small loops that send, wait and send again around it. The token request of client
credentials goes through the same loop as an API request (same timeout, retries, backoff and
Retry-After cap), and every error that leaves `send` has had the client's secrets masked.

Each attempt streams its response and reads the body a decoded chunk at a time, up to
`max_response_bytes`; anything httpx raises that is not one of its transport errors (an invalid
redirect target, a bad cookie in a caller's client) ends the call with APIConnectionError.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import logging
import os
import platform
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from functools import cache
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlencode

import anyio
import httpcore
import httpx

from ._auth import AsyncTokens, ClientCredentials, Grant, SyncTokens
from ._config import Settings
from ._constants import LOGGER_NAME, MAX_CONNECTIONS
from ._deadline import DeadlineBackend, attempt_deadline
from ._exceptions import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    EvEnergyError,
    ResponseTooLargeError,
    UsageError,
    status_error,
)
from ._rate_limit import RateLimitTracker
from ._retry import REPEATABLE_METHODS, Retry, decide
from ._secret import Secret, scrub
from ._version import __version__

logger = logging.getLogger(LOGGER_NAME)

# The waits between retries, taken by each transport when it is made and its client is given
# no `sleep`.
_sleep: Callable[[float], object] = time.sleep
_async_sleep: Callable[[float], Awaitable[object]] = anyio.sleep

RequestArgs = dict[str, Any]
"""One request: method, url (a path), params (a list value repeats), headers, json (a body)."""
_REPEATABLE = "evenergy.repeatable"  # a request extension: send again after any failure


@cache
def user_agent() -> str:
    """Name the SDK, its version, Python's and httpx's in the User-Agent."""
    return (
        f"evenergy-python/{__version__} "
        f"{platform.python_implementation()}/{platform.python_version()} httpx/{httpx.__version__}"
    )


def _bearer(grant: Grant) -> str:
    return f"Bearer {grant.token.reveal()}"


class _RequestCore:
    """Builds requests and judges their outcomes; shared by the sync and the async transport."""

    def __init__(self, settings: Settings, rate_limits: RateLimitTracker | None = None) -> None:
        self.settings = settings
        self.rate_limits = rate_limits or RateLimitTracker()
        self.headers = {
            "User-Agent": user_agent(),
            # Errors come as problem details: accept them too, or a strict server answers 406.
            "Accept": "application/json, application/problem+json",
            "EvEnergy-Version": settings.api_version,
        }

    def build(
        self, http: httpx.Client | httpx.AsyncClient, operation: str, args: RequestArgs,
        grant: Grant,
    ) -> httpx.Request:  # fmt: skip
        url = self.settings.base_url + args["url"]
        if params := args.get("params"):
            # Encoded here, once: httpx's params= parses and rebuilds the URL, which showed in
            # the walk benchmark. Every reserved character is percent-encoded, as httpx does;
            # a list is sent as the parameter repeated (expand=a&expand=b).
            url += "?" + urlencode(params, doseq=True, quote_via=quote, safe="")
        headers = {**self.headers, **args.get("headers", {}), "Authorization": _bearer(grant)}
        return self._built(
            operation, args["method"], url,
            lambda: http.build_request(
                args["method"], url, headers=headers, json=args.get("json"),
                    timeout=self.settings.timeout,
            ),
        )  # fmt: skip

    def token_request(
        self, http: httpx.Client | httpx.AsyncClient, credentials: ClientCredentials
    ) -> httpx.Request:
        user_agent = {"User-Agent": self.headers["User-Agent"]}
        request = self._built(
            credentials.operation, "POST", credentials.token_url,
            lambda: credentials.token_request(http, user_agent, self.settings.timeout),
        )  # fmt: skip
        request.extensions[_REPEATABLE] = True  # asking for a token again changes nothing
        return request

    def _built(
        self, operation: str, method: str, url: str, build: Callable[[], httpx.Request]
    ) -> httpx.Request:
        """`build()`, with what httpx raises there turned into APIConnectionError.

        A caller's client whose cookie jar holds a cookie no header can carry raises there.
        """
        try:
            return build()
        except Exception as error:
            raise self.failure(operation, httpx.Request(method, url), error) from error

    @property
    def attempt_deadline(self) -> float:
        """Seconds one attempt may take in all: the sum of the timeout's four parts.

        Each part bounds one wait (for a pool slot, to connect, to write, between two reads);
        a server that trickles its answer a byte at a time would otherwise never time out.
        """
        timeout = self.settings.timeout
        parts = (timeout.pool, timeout.connect, timeout.write, timeout.read)
        return sum(part for part in parts if part is not None)

    def read_body(self, response: httpx.Response, started: float) -> _BodyReader:
        """A reader of `response`'s body, capped at max_response_bytes."""
        return _BodyReader(
            response, self.settings.max_response_bytes, started + self.attempt_deadline
        )

    @staticmethod
    def authorize(request: httpx.Request, grant: Grant) -> None:
        request.headers["Authorization"] = _bearer(grant)

    @staticmethod
    def needs_new_token(response: httpx.Response, grant: Grant, stale: Secret | None) -> bool:
        """Whether a failed request's 401 came on a cached token not already refreshed once."""
        return response.status_code == 401 and not grant.fresh and stale is None

    def judge(
        self,
        request: httpx.Request,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: httpx.RequestError | None,
    ) -> Retry | None:
        """Log an attempt, record its rate limit, and say whether and when to retry it."""
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                request.method,
                request.url.path,
                response.status_code if response is not None else type(error).__name__,
                (time.perf_counter() - started) * 1000,
                attempt,
            )
        if response is not None:
            self.rate_limits.observe(response.headers)
            if response.is_success:
                return None
        retry = decide(
            attempt=attempt,
            max_retries=self.settings.max_retries,
            max_retry_after=self.settings.max_retry_after,
            response=response,
            error=error if isinstance(error, httpx.TransportError) else None,
            repeatable=request.method in REPEATABLE_METHODS or _REPEATABLE in request.extensions,
        )
        if retry is not None:
            logger.info(
                "retrying %s %s in %.2f s (retry %d of %d): %s",
                request.method,
                request.url.path,
                retry.delay,
                attempt,
                self.settings.max_retries,
                retry.reason,
            )
        return retry

    def failure(
        self, operation: str, request: httpx.Request, error: Exception | None
    ) -> APIConnectionError:
        """The SDK's error for an exchange that ended without a response (raise it from error).

        It names the host and the setting its URL came from, the first things to check.
        """
        credentials = self.settings.credentials
        is_token = isinstance(credentials, ClientCredentials) and request.url == httpx.URL(
            credentials.token_url
        )
        where = f"{request.url.host} ({'token_url' if is_token else 'base_url'})"
        name = type(error).__name__
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(
                f"{operation}: the request to {where} timed out ({name})", request=request
            )
        if isinstance(error, httpx.ConnectError):
            message = f"{operation}: could not connect to {where}: {name}: {error}"
        else:
            message = f"{operation}: the request to {where} failed: {name}: {error}"
        return APIConnectionError(message, request=request)


RAW_CHUNK_BYTES = 16 * 1024


def _cut(data: bytes) -> Iterator[bytes]:
    """`data` in pieces of RAW_CHUNK_BYTES at most (a network read may be 64 KiB)."""
    if len(data) <= RAW_CHUNK_BYTES:
        yield data
    else:
        for start in range(0, len(data), RAW_CHUNK_BYTES):
            yield data[start : start + RAW_CHUNK_BYTES]


class _SmallChunks(httpx.SyncByteStream):
    """A response stream whose raw chunks are cut for decoding (see _BodyReader)."""

    def __init__(self, stream: httpx.SyncByteStream) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        for data in self._stream:
            yield from _cut(data)

    def close(self) -> None:
        self._stream.close()


class _AsyncSmallChunks(httpx.AsyncByteStream):
    """As _SmallChunks, for the async client."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for data in self._stream:
            for piece in _cut(data):
                yield piece

    async def aclose(self) -> None:
        await self._stream.aclose()


class _BodyReader:
    """Collects a streamed response's decoded body, up to a cap and an attempt's deadline.

    httpx decodes each raw chunk on its own, and the transports cut them to RAW_CHUNK_BYTES
    first, so a compression bomb costs at most the cap plus one small chunk's expansion (about
    1,000 times 16 KiB for gzip), never the whole inflated body.
    """

    def __init__(self, response: httpx.Response, limit: int, deadline: float) -> None:
        self.response = response
        self.limit = limit
        self.deadline = deadline
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, chunk: bytes) -> None:
        """Keep one chunk; raise ResponseTooLargeError past the cap, a timeout past the deadline."""
        self.size += len(chunk)
        if self.size > self.limit:
            raise ResponseTooLargeError(
                f"the response body is larger than max_response_bytes ({self.limit} bytes)",
                limit=self.limit,
                response=self.response,
            )
        if time.perf_counter() > self.deadline:
            raise httpx.ReadTimeout(
                "the response took longer than the attempt's deadline",
                request=self.response.request,
            )
        self.chunks.append(chunk)

    def finish(self) -> httpx.Response:
        """The response, its body read (as `httpx.Response.read` leaves it)."""
        self.response._content = b"".join(self.chunks)  # what read() sets
        return self.response


class _LoopBinding:
    """The event loop an async transport (and those derived from it) first ran in."""

    def __init__(self) -> None:
        self._loop: weakref.ref[asyncio.AbstractEventLoop] | None = None

    def check(self) -> None:
        """Bind to the running loop on first use; raise UsageError in any other loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio (trio): nothing to check
            return
        if self._loop is None:
            self._loop = weakref.ref(loop)
        elif self._loop() is not loop:
            raise UsageError(
                "this AsyncEvEnergy was first used in another event loop, and its connections "
                "belong to that loop: create one client per event loop (for example inside "
                "the coroutine given to asyncio.run)"
            )


def _check_http_client(http_client: object, expected: type) -> None:
    if http_client is not None and not isinstance(http_client, expected):
        raise TypeError(
            f"http_client must be an httpx.{expected.__name__}, not {type(http_client).__name__}"
        )


def _closed_error() -> UsageError:
    return UsageError("the client is closed: create a new one")


HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


def _own_http_client(cls: type[HttpClient], settings: Settings) -> HttpClient:
    """The SDK's own httpx client: no cookies, proxies only for https, a bounded pool.

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
        return cls(
            timeout=settings.timeout,
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # accepts none
            limits=httpx.Limits(max_connections=MAX_CONNECTIONS),
            mounts=direct,
        )
    except (ImportError, OSError) as error:  # socks proxy without socksio, missing CA file
        reason = f"{type(error).__name__}: {error}"
    except (ValueError, httpx.InvalidURL) as error:  # a malformed proxy URL, which may hold a
        reason = type(error).__name__  # password: neither quoted nor chained
    raise ConfigurationError(_ENVIRONMENT + reason)


def _bounded_by_deadlines(http: httpx.Client) -> httpx.Client:
    """`http` (the SDK's own) with its direct connections bounded by each attempt's deadline.

    httpx has no public way to give its pool a network backend, so it is set on the pool it made
    (httpx 0.27 and 0.28 alike); the real-socket tests fail if a new httpx moves it.
    """
    transport = http._transport
    if isinstance(transport, httpx.HTTPTransport):
        pool = transport._pool
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = DeadlineBackend(pool._network_backend)
    return http


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


def _is_call_failure(error: Exception) -> bool:
    """Whether httpx raised `error` for this call, and not a transport error that is retried."""
    return not isinstance(error, httpx.RequestError | EvEnergyError)


class SyncTransport:
    """Sends requests on an httpx.Client, retrying as `_retry.decide` says."""

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.Client | None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        _check_http_client(http_client, httpx.Client)
        self.core = _RequestCore(settings)
        self.tokens = SyncTokens(settings.credentials)
        self.owns_http = http_client is None
        self.http = http_client or _bounded_by_deadlines(_own_http_client(httpx.Client, settings))
        self.sleep = _sleep if sleep is None else sleep
        self._closed = False

    def derive(self, settings: Settings) -> SyncTransport:
        """A copy with other settings, on the same connections, token cache and budget."""
        derived = copy.copy(self)
        derived.core = _RequestCore(settings, self.core.rate_limits)
        derived.owns_http = False  # the original closes them
        return derived

    def send(self, operation: str, args: RequestArgs) -> httpx.Response:
        """Send one operation's request until it succeeds or may not be retried."""
        try:
            grant = self.tokens.grant(None, self._fetch_token, self.core.settings)
            request = self.core.build(self.http, operation, args, grant)
            stale: Secret | None = None
            response = self._exchange(operation, request)
            while not response.is_success:
                if not self.core.needs_new_token(response, grant, stale):
                    raise status_error(response, operation)
                stale = grant.token
                grant = self.tokens.grant(stale, self._fetch_token, self.core.settings)
                self.core.authorize(request, grant)
                response = self._exchange(operation, request)
            return response
        except Exception as error:
            scrub(error)
            raise

    def _fetch_token(self, credentials: ClientCredentials) -> httpx.Response:
        request = self.core.token_request(self.http, credentials)
        return self._exchange(credentials.operation, request)

    def _exchange(self, operation: str, request: httpx.Request) -> httpx.Response:
        """Send `request`, retrying; return the final response, or raise when there is none."""
        attempt = 0
        while True:
            attempt += 1
            if self._closed or self.http.is_closed:
                raise _closed_error()
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.RequestError | None = None
            try:
                response = self._attempt(request, started)
            except httpx.RequestError as failure:
                error = failure
            except Exception as failure:
                if _is_call_failure(failure):
                    raise self.core.failure(operation, request, failure) from failure
                raise
            retry = self.core.judge(request, attempt, started, response, error)
            if retry is None:
                if response is not None:
                    return response
                raise self.core.failure(operation, request, error) from error
            self.sleep(retry.delay)

    def _attempt(self, request: httpx.Request, started: float) -> httpx.Response:
        """Send `request` once and read its body, a capped chunk at a time, by the deadline."""
        with attempt_deadline(started + self.core.attempt_deadline):
            return self._send_and_read(request, started)

    def _send_and_read(self, request: httpx.Request, started: float) -> httpx.Response:
        response = self.http.send(request, stream=True, follow_redirects=False)
        try:
            response.stream = _SmallChunks(cast(httpx.SyncByteStream, response.stream))
            body = self.core.read_body(response, started)
            for chunk in response.iter_bytes():
                body.add(chunk)
            return body.finish()
        finally:
            response.close()

    def close(self) -> None:
        """Close the HTTP client, unless the caller gave it and so owns it."""
        self._closed = True
        if self.owns_http:
            self.http.close()


class AsyncTransport:
    """Sends requests on an httpx.AsyncClient, retrying as `_retry.decide` says.

    Connections belong to the event loop they were opened in, so the transport serves the first
    loop it runs in and raises UsageError in any other.
    """

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.AsyncClient | None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        _check_http_client(http_client, httpx.AsyncClient)
        self.core = _RequestCore(settings)
        self.tokens = AsyncTokens(settings.credentials)
        self.owns_http = http_client is None
        self.http = http_client or _own_http_client(httpx.AsyncClient, settings)
        self.sleep = _async_sleep if sleep is None else sleep
        self._closed = False
        self._loop = _LoopBinding()
        # At most as many requests in flight as the pool has connections, so that httpcore never
        # queues one (see MAX_CONNECTIONS). A caller's client has its own limits: not ours to know.
        self._in_flight: AbstractAsyncContextManager[object] = (
            anyio.Semaphore(MAX_CONNECTIONS) if self.owns_http else contextlib.nullcontext()
        )

    def derive(self, settings: Settings) -> AsyncTransport:
        """A copy with other settings, on the same connections, token cache, budget and loop."""
        derived = copy.copy(self)
        derived.core = _RequestCore(settings, self.core.rate_limits)
        derived.owns_http = False  # the original closes them
        return derived

    async def send(self, operation: str, args: RequestArgs) -> httpx.Response:
        """Send one operation's request until it succeeds or may not be retried."""
        try:
            self._loop.check()
            grant = await self.tokens.grant(None, self._fetch_token, self.core.settings)
            request = self.core.build(self.http, operation, args, grant)
            stale: Secret | None = None
            response = await self._exchange(operation, request)
            while not response.is_success:
                if not self.core.needs_new_token(response, grant, stale):
                    raise status_error(response, operation)
                stale = grant.token
                grant = await self.tokens.grant(stale, self._fetch_token, self.core.settings)
                self.core.authorize(request, grant)
                response = await self._exchange(operation, request)
            return response
        except Exception as error:
            scrub(error)
            raise

    async def _fetch_token(self, credentials: ClientCredentials) -> httpx.Response:
        request = self.core.token_request(self.http, credentials)
        return await self._exchange(credentials.operation, request)

    async def _exchange(self, operation: str, request: httpx.Request) -> httpx.Response:
        """Send `request`, retrying; return the final response, or raise when there is none."""
        attempt = 0
        while True:
            attempt += 1
            if self._closed or self.http.is_closed:
                raise _closed_error()
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.RequestError | None = None
            try:
                response = await self._attempt(request, started)
            except httpx.RequestError as failure:
                error = failure
            except Exception as failure:
                if _is_call_failure(failure):
                    raise self.core.failure(operation, request, failure) from failure
                raise
            retry = self.core.judge(request, attempt, started, response, error)
            if retry is None:
                if response is not None:
                    return response
                raise self.core.failure(operation, request, error) from error
            await self.sleep(retry.delay)

    async def _attempt(self, request: httpx.Request, started: float) -> httpx.Response:
        """Send `request` once and read its body, a capped chunk at a time, by the deadline."""
        try:
            with anyio.fail_after(self.core.attempt_deadline):
                async with self._in_flight:
                    response = await self.http.send(request, stream=True, follow_redirects=False)
                    try:
                        stream = cast(httpx.AsyncByteStream, response.stream)
                        response.stream = _AsyncSmallChunks(stream)
                        body = self.core.read_body(response, started)
                        async for chunk in response.aiter_bytes():
                            body.add(chunk)
                        return body.finish()
                    finally:
                        await response.aclose()
        except TimeoutError:
            raise httpx.TimeoutException(
                f"the attempt took longer than its deadline ({self.core.attempt_deadline:g} s)",
                request=request,
            ) from None

    async def aclose(self) -> None:
        """Close the HTTP client, unless the caller gave it and so owns it."""
        self._loop.check()
        self._closed = True
        if self.owns_http:
            await self.http.aclose()
