"""What a client and its `with_options` views share, and the loop that sends their requests.

A client is a view: its `Settings` over a session. The session holds what every view of one
client shares: the HTTP client, the token (and the fetch of one under way), the latest
rate-limit budget, whether it is closed, and, for async, its event loop and in-flight bound.
`send(settings, operation, args)` sends one operation's request under one view's settings:

    a token ─> the request ─> an attempt ─> logged; its budget recorded ─> success: returned
                                   ^                                    └─> retry? wait, again
                                   └── a 401 on a cached token: a new token, once

A client-credentials token is fetched through the same loop as an API request (same timeout,
retries, backoff and Retry-After cap), one fetch at a time: the calls that need a token while
it is under way wait for it, each no longer than its own timeouts and retries would let its own
fetch take; when the fetch failed for the fetcher's bounds (a timeout, retries spent), a call
with other bounds fetches for itself. A token is kept at least a second whatever its
expires_in, so the token endpoint sees at most one fetch a second from one client.

Each attempt streams its response and reads the body a decoded chunk at a time, up to
`max_response_bytes`, by the attempt's deadline (the sum of the timeout's parts). Anything httpx
raises that is not one of its transport errors (an invalid redirect target, a bad cookie in a
caller's client) ends the call with APIConnectionError, and every error that leaves `send` has
had the client's secrets masked. `SyncSession` and `AsyncSession` differ only in their I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import platform
import threading
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Generic, TypeVar, cast
from urllib.parse import quote, urlencode

import anyio
import httpx

from ._auth import ClientCredentials, Credentials
from ._config import Settings
from ._constants import (
    LOGGER_NAME,
    MAX_CONNECTIONS,
    MAX_RETRY_DELAY_S,
    MIN_TOKEN_FETCH_INTERVAL_S,
    RETRYABLE_STATUSES,
    TOKEN_REFRESH_MARGIN_S,
)
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    EvEnergyError,
    ResponseTooLargeError,
    UsageError,
    status_error,
)
from ._response import RateLimit
from ._retry import REPEATABLE_METHODS, Retry, decide
from ._secret import Secret, scrub
from ._version import __version__

logger = logging.getLogger(LOGGER_NAME)

ATTEMPT_DEADLINE: ContextVar[float | None] = ContextVar("evenergy_attempt_deadline", default=None)
"""The perf_counter time by which this thread's attempt must end (read by `_http_client`)."""

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


@dataclass(frozen=True, slots=True)
class Grant:
    """A token to send a request with; `fresh` when a 401 on it is the API's last word.

    A token is fresh for the call that fetched it and the calls that waited for that fetch (and
    for everyone while a token born expired is kept, for a second): a 401 on it is raised. A 401
    on a token that is not fresh (cached a while) gets one new token and one more try.
    """

    token: Secret
    fresh: bool
    header: str = field(repr=False)
    """The Authorization header's value."""


def _grant(token: Secret, *, fresh: bool) -> Grant:
    return Grant(token, fresh, f"Bearer {token.reveal()}")


@dataclass(frozen=True, slots=True)
class _KeptToken:
    """A fetched token, its grants, and when it is fetched again."""

    fresh: Grant
    cached: Grant
    refresh_at: float  # monotonic time after which the token is fetched again
    # A token born (nearly) expired is kept for the floor of MIN_TOKEN_FETCH_INTERVAL_S: until
    # then a 401 on it is raised, not answered with yet another fetch.
    fresh_until: float


def _kept(token: Secret, lifetime: float) -> _KeptToken:
    """How long to keep a token that lives `lifetime` seconds: renewed a margin before it ends."""
    now = time.monotonic()
    kept = lifetime - min(TOKEN_REFRESH_MARGIN_S, lifetime / 2)
    fresh, cached = _grant(token, fresh=True), _grant(token, fresh=False)
    if kept >= MIN_TOKEN_FETCH_INTERVAL_S:
        return _KeptToken(fresh, cached, refresh_at=now + kept, fresh_until=now)
    floor = now + MIN_TOKEN_FETCH_INTERVAL_S
    return _KeptToken(fresh, cached, refresh_at=floor, fresh_until=floor)


def _bounds(settings: Settings) -> tuple[object, ...]:
    """What bounds a call's token fetch: its timeout, retries and longest Retry-After."""
    return (settings.timeout, settings.max_retries, settings.max_retry_after)


def _patience(settings: Settings) -> float:
    """The longest a call waits for another call's token fetch: what its own fetch may take.

    That is each attempt its longest timeout, and between attempts the longest wait it allows.
    """
    timeout = settings.timeout
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    attempt = max(part for part in parts if part is not None)
    wait = max(MAX_RETRY_DELAY_S, settings.max_retry_after)
    return (settings.max_retries + 1) * attempt + settings.max_retries * wait


def _bounded_by_settings(error: EvEnergyError) -> bool:
    """Whether a failed fetch might have succeeded with a longer timeout or more retries."""
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and error.status_code in RETRYABLE_STATUSES


E = TypeVar("E", threading.Event, anyio.Event)


@dataclass
class _Fetch(Generic[E]):
    """One token fetch under way; the calls waiting for it read its outcome once it is done."""

    done: E
    bounds: tuple[object, ...]  # those of the call that fetches
    grant: Grant | None = None
    error: EvEnergyError | None = None

    def outcome(self, settings: Settings) -> Grant | None:
        """For a call that waited: the fetched token, else the error if it is this call's too.

        None when the fetch failed for bounds that are not this call's: it then fetches itself.
        """
        if self.grant is not None:
            return self.grant
        error = self.error
        if error is None or (_bounded_by_settings(error) and self.bounds != _bounds(settings)):
            return None
        raise error


def _attempt_seconds(timeout: httpx.Timeout) -> float:
    """Seconds one attempt may take in all: the sum of the timeout's four parts.

    Each part bounds one wait (for a pool slot, to connect, to write, between two reads); a
    server that trickles its answer a byte at a time would otherwise never time out.
    """
    parts = (timeout.pool, timeout.connect, timeout.write, timeout.read)
    return sum(part for part in parts if part is not None)


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

    httpx decodes each raw chunk on its own, and the session cuts them to RAW_CHUNK_BYTES
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


_LOW_BUDGET_WARNING = "ev.energy rate limit nearly spent: %d of %d requests left this hour"


HttpClient = TypeVar("HttpClient", httpx.Client, httpx.AsyncClient)


def _http_client(cls: type[HttpClient], given: object, settings: Settings) -> HttpClient:
    """The caller's `given` client (TypeError unless a `cls`), else the SDK's own.

    The SDK's own is imported only when one is made: it loads httpcore, which `import httpx`
    does not.
    """
    if given is None:
        from ._http_client import own_http_client

        return own_http_client(cls, settings)
    if not isinstance(given, cls):
        raise TypeError(f"http_client must be an httpx.{cls.__name__}, not {type(given).__name__}")
    return given


class _SessionBase:
    """What both sessions do without I/O: requests, tokens kept, budget, logs, retry decisions."""

    http: httpx.Client | httpx.AsyncClient
    owns_http: bool

    def __init__(self, settings: Settings) -> None:
        self.credentials: Credentials = settings.credentials
        # A ready token never changes: its grant is made once.
        self._static = (
            None
            if isinstance(settings.credentials, ClientCredentials)
            else _grant(settings.credentials.token, fresh=True)
        )
        self._token: _KeptToken | None = None
        self.headers = {
            "User-Agent": user_agent(),
            # Errors come as problem details: accept them too, or a strict server answers 406.
            "Accept": "application/json, application/problem+json",
            "EvEnergy-Version": settings.api_version,
        }
        self.closed = False
        self.rate_limit: RateLimit | None = None
        """The budget reported by the latest response of any view, None before the first."""
        self._warned = False
        self._warn_lock = threading.Lock()

    def _check_open(self) -> None:
        """UsageError once the session is closed, or a caller closed the HTTP client given."""
        if self.closed or self.http.is_closed:
            raise UsageError("the client is closed: create a new one")

    def _usable(self, stale: Secret | None) -> Grant | None:
        """The kept token, unless it is missing, due for renewal, or the one that got a 401."""
        kept = self._token
        now = time.monotonic()
        if kept is None or now >= kept.refresh_at:
            return None
        if stale is not None and kept.fresh.token == stale:
            return None
        return kept.fresh if now < kept.fresh_until else kept.cached

    def _keep(self, response: httpx.Response) -> Grant:
        """Keep the token of the token endpoint's final response, or raise why there is none."""
        token, lifetime = cast(ClientCredentials, self.credentials).read_token(response)
        self._token = _kept(token, lifetime)
        return self._token.fresh

    def _build(
        self, settings: Settings, operation: str, args: RequestArgs, grant: Grant
    ) -> httpx.Request:
        """The request of one call (see RequestArgs), sent with `grant`."""
        url = settings.base_url + args["url"]
        if params := args.get("params"):
            # Encoded here, once: httpx's params= parses and rebuilds the URL, which showed in
            # the walk benchmark. Every reserved character is percent-encoded, as httpx does;
            # a list is sent as the parameter repeated (expand=a&expand=b).
            url += "?" + urlencode(params, doseq=True, quote_via=quote, safe="")
        method = args["method"]
        headers = {**self.headers, **args.get("headers", {}), "Authorization": grant.header}
        try:
            return self.http.build_request(
                method, url, headers=headers, json=args.get("json"), timeout=settings.timeout
            )
        except Exception as error:  # a cookie in a caller's client that no header can carry
            raise self._failure(operation, httpx.Request(method, url), error) from error

    def _token_request(self, settings: Settings) -> httpx.Request:
        credentials = cast(ClientCredentials, self.credentials)
        user_agent = {"User-Agent": self.headers["User-Agent"]}
        try:
            request = credentials.token_request(self.http, user_agent, settings.timeout)
        except Exception as error:
            failed = httpx.Request("POST", credentials.token_url)
            raise self._failure(credentials.operation, failed, error) from error
        request.extensions[_REPEATABLE] = True  # asking for a token again changes nothing
        return request

    def _after_attempt(
        self,
        settings: Settings,
        operation: str,
        request: httpx.Request,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: httpx.RequestError | None,
    ) -> httpx.Response | Retry:
        """What follows an attempt: the final response, the retry to wait for, or the failure.

        The attempt is logged and its budget recorded; a success, or a failure that may not be
        retried, is the final response; an exchange with no response and no retry left raises.
        """
        self._log_attempt(request, attempt, started, response, error)
        if response is not None:
            self._record_budget(response)
            if response.is_success:
                return response
        retry = self._retry(settings, request, attempt, response, error)
        if retry is not None:
            return retry
        if response is not None:
            return response
        raise self._failure(operation, request, error) from error

    @staticmethod
    def _log_attempt(
        request: httpx.Request,
        attempt: int,
        started: float,
        response: httpx.Response | None,
        error: Exception | None,
    ) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.1f ms (attempt %d)",
                request.method,
                request.url.path,
                response.status_code if response is not None else type(error).__name__,
                (time.perf_counter() - started) * 1000,
                attempt,
            )

    def _record_budget(self, response: httpx.Response) -> None:
        """Keep the budget a response reports; warn once per client when it runs low."""
        budget = RateLimit.from_headers(response.headers)
        if budget is None:
            return
        self.rate_limit = budget
        if not budget.is_low or self._warned:
            return
        with self._warn_lock:  # one warning, however many threads see a low budget at once
            warn, self._warned = not self._warned, True
        if warn:
            logger.warning(_LOW_BUDGET_WARNING, budget.remaining, budget.limit)

    @staticmethod
    def _retry(
        settings: Settings,
        request: httpx.Request,
        attempt: int,
        response: httpx.Response | None,
        error: httpx.RequestError | None,
    ) -> Retry | None:
        """Whether and when to send a failed attempt again (see `_retry.decide`), logged."""
        retry = decide(
            attempt=attempt,
            max_retries=settings.max_retries,
            max_retry_after=settings.max_retry_after,
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
                settings.max_retries,
                retry.reason,
            )
        return retry

    def _failure(
        self, operation: str, request: httpx.Request, error: Exception | None
    ) -> APIConnectionError:
        """The SDK's error for an exchange that ended without a response (raise it from error).

        It names the host and the setting its URL came from, the first things to check.
        """
        credentials = self.credentials
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

    def _waited_too_long(self, patience: float) -> APITimeoutError:
        credentials = cast(ClientCredentials, self.credentials)
        return APITimeoutError(
            f"{credentials.operation}: timed out after {patience:g} s waiting for the token "
            "another call is fetching (this call's own timeout and retries allow no longer)",
            request=httpx.Request("POST", credentials.token_url),
        )

    @staticmethod
    def _log_wait(patience: float) -> None:
        logger.debug("waiting up to %g s for the token another call is fetching", patience)


class SyncSession(_SessionBase):
    """The shared state of an `EvEnergy` and its views, and their send loop (blocking)."""

    http: httpx.Client

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.Client | None,
        sleep: Callable[[float], object] | None,
    ) -> None:
        self.http = _http_client(httpx.Client, http_client, settings)
        self.owns_http = http_client is None
        super().__init__(settings)
        self.sleep = time.sleep if sleep is None else sleep
        self._token_lock = threading.Lock()
        self._fetch: _Fetch[threading.Event] | None = None

    def send(self, settings: Settings, operation: str, args: RequestArgs) -> httpx.Response:
        """Send one call's request under a view's settings; its successful response, or raise."""
        try:
            grant = self._authorization(settings, stale=None)
            request = self._build(settings, operation, args, grant)
            response = self._exchange(settings, operation, request)
            if response.status_code == 401 and not grant.fresh:
                grant = self._authorization(settings, stale=grant.token)
                request.headers["Authorization"] = grant.header
                response = self._exchange(settings, operation, request)
            if not response.is_success:
                raise status_error(response, operation)
            return response
        except Exception as error:
            scrub(error)
            raise

    def _authorization(self, settings: Settings, stale: Secret | None) -> Grant:
        """The token to send with: the kept one, another call's fetch, or one fetched now.

        `stale` is a token that just got a 401: not to be sent again.
        """
        if self._static is not None:
            return self._static
        deadline: float | None = None
        while True:
            with self._token_lock:
                grant = self._usable(stale)
                if grant is not None:
                    return grant
                waiting = self._fetch
                if waiting is None:
                    leading = self._fetch = _Fetch(threading.Event(), _bounds(settings))
                    break
            patience = _patience(settings)
            if deadline is None:
                self._log_wait(patience)
                deadline = time.monotonic() + patience
            # Bounded for threading: a wait longer than TIMEOUT_MAX raises OverflowError.
            left = min(max(0.0, deadline - time.monotonic()), threading.TIMEOUT_MAX)
            if not waiting.done.wait(left):
                raise self._waited_too_long(patience)
            grant = waiting.outcome(settings)
            if grant is not None:
                return grant
        try:
            operation = cast(ClientCredentials, self.credentials).operation
            response = self._exchange(settings, operation, self._token_request(settings))
            leading.grant = self._keep(response)
            return leading.grant
        except EvEnergyError as error:
            leading.error = error
            raise
        finally:
            with self._token_lock:
                self._fetch = None
            leading.done.set()

    def _exchange(
        self, settings: Settings, operation: str, request: httpx.Request
    ) -> httpx.Response:
        """Send `request`, retrying; return the final response, or raise when there is none."""
        attempt = 0
        while True:
            attempt += 1
            self._check_open()
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.RequestError | None = None
            try:
                response = self._attempt(settings, request, started)
            except httpx.RequestError as failure:
                error = failure
            except EvEnergyError:
                raise
            except Exception as failure:  # an invalid redirect target, say: not retried
                raise self._failure(operation, request, failure) from failure
            step = self._after_attempt(
                settings, operation, request, attempt, started, response, error
            )
            if isinstance(step, httpx.Response):
                return step
            self.sleep(step.delay)

    def _attempt(
        self, settings: Settings, request: httpx.Request, started: float
    ) -> httpx.Response:
        """Send `request` once and read its body, a capped chunk at a time, by the deadline."""
        deadline = started + _attempt_seconds(settings.timeout)
        bound = ATTEMPT_DEADLINE.set(deadline)  # for the SDK's own client's sockets
        try:
            response = self.http.send(request, stream=True, follow_redirects=False)
            try:
                response.stream = _SmallChunks(cast(httpx.SyncByteStream, response.stream))
                body = _BodyReader(response, settings.max_response_bytes, deadline)
                for chunk in response.iter_bytes():
                    body.add(chunk)
                return body.finish()
            finally:
                response.close()
        finally:
            ATTEMPT_DEADLINE.reset(bound)

    def close(self) -> None:
        """Refuse further calls; close the HTTP client unless the caller gave it."""
        self.closed = True
        if self.owns_http:
            self.http.close()


class _LoopBinding:
    """The event loop an async session first ran in."""

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


class AsyncSession(_SessionBase):
    """The shared state of an `AsyncEvEnergy` and its views, and their send loop.

    Connections belong to the event loop they were opened in, so the session serves the first
    loop it runs in and raises UsageError in any other.
    """

    http: httpx.AsyncClient

    def __init__(
        self,
        settings: Settings,
        http_client: httpx.AsyncClient | None,
        sleep: Callable[[float], Awaitable[object]] | None,
    ) -> None:
        self.http = _http_client(httpx.AsyncClient, http_client, settings)
        self.owns_http = http_client is None
        super().__init__(settings)
        self.sleep = anyio.sleep if sleep is None else sleep
        self._loop = _LoopBinding()
        # One event loop: no lock is needed between the token checks and the awaits.
        self._fetch: _Fetch[anyio.Event] | None = None
        # At most as many requests in flight as the pool has connections, so that httpcore never
        # queues one (see MAX_CONNECTIONS). A caller's client has its own limits: not ours to know.
        self._in_flight: AbstractAsyncContextManager[object] = (
            anyio.Semaphore(MAX_CONNECTIONS) if self.owns_http else contextlib.nullcontext()
        )

    async def send(self, settings: Settings, operation: str, args: RequestArgs) -> httpx.Response:
        """Send one call's request under a view's settings; its successful response, or raise."""
        try:
            self._loop.check()
            grant = await self._authorization(settings, stale=None)
            request = self._build(settings, operation, args, grant)
            response = await self._exchange(settings, operation, request)
            if response.status_code == 401 and not grant.fresh:
                grant = await self._authorization(settings, stale=grant.token)
                request.headers["Authorization"] = grant.header
                response = await self._exchange(settings, operation, request)
            if not response.is_success:
                raise status_error(response, operation)
            return response
        except Exception as error:
            scrub(error)
            raise

    async def _authorization(self, settings: Settings, stale: Secret | None) -> Grant:
        """The token to send with; as `SyncSession._authorization`."""
        if self._static is not None:
            return self._static
        deadline: float | None = None
        while True:
            grant = self._usable(stale)
            if grant is not None:
                return grant
            waiting = self._fetch
            if waiting is None:
                break
            patience = _patience(settings)
            if deadline is None:
                self._log_wait(patience)
                deadline = anyio.current_time() + patience
            with anyio.move_on_after(deadline - anyio.current_time()):
                await waiting.done.wait()
            if not waiting.done.is_set():
                raise self._waited_too_long(patience)
            grant = waiting.outcome(settings)
            if grant is not None:
                return grant
        leading = self._fetch = _Fetch(anyio.Event(), _bounds(settings))
        try:
            operation = cast(ClientCredentials, self.credentials).operation
            response = await self._exchange(settings, operation, self._token_request(settings))
            leading.grant = self._keep(response)
            return leading.grant
        except EvEnergyError as error:
            leading.error = error
            raise
        finally:
            self._fetch = None
            leading.done.set()

    async def _exchange(
        self, settings: Settings, operation: str, request: httpx.Request
    ) -> httpx.Response:
        """Send `request`, retrying; return the final response, or raise when there is none."""
        attempt = 0
        while True:
            attempt += 1
            self._check_open()
            started = time.perf_counter()
            response: httpx.Response | None = None
            error: httpx.RequestError | None = None
            try:
                response = await self._attempt(settings, request, started)
            except httpx.RequestError as failure:
                error = failure
            except EvEnergyError:
                raise
            except Exception as failure:  # an invalid redirect target, say: not retried
                raise self._failure(operation, request, failure) from failure
            step = self._after_attempt(
                settings, operation, request, attempt, started, response, error
            )
            if isinstance(step, httpx.Response):
                return step
            await self.sleep(step.delay)

    async def _attempt(
        self, settings: Settings, request: httpx.Request, started: float
    ) -> httpx.Response:
        """Send `request` once and read its body, a capped chunk at a time, by the deadline."""
        seconds = _attempt_seconds(settings.timeout)
        try:
            with anyio.fail_after(seconds):
                async with self._in_flight:
                    response = await self.http.send(request, stream=True, follow_redirects=False)
                    try:
                        stream = cast(httpx.AsyncByteStream, response.stream)
                        response.stream = _AsyncSmallChunks(stream)
                        body = _BodyReader(response, settings.max_response_bytes, started + seconds)
                        async for chunk in response.aiter_bytes():
                            body.add(chunk)
                        return body.finish()
                    finally:
                        await response.aclose()
        except TimeoutError:
            raise httpx.TimeoutException(
                f"the attempt took longer than its deadline ({seconds:g} s)", request=request
            ) from None

    async def aclose(self) -> None:
        """Refuse further calls; close the HTTP client unless the caller gave it."""
        self._loop.check()
        self.closed = True
        if self.owns_http:
            await self.http.aclose()
