"""Sending one API request: default headers, authentication, retries, logging, error mapping.

`_RequestCore` holds everything that is not I/O; `SyncTransport` and `AsyncTransport` are the
two small loops that send, wait and send again around it. The token request of client
credentials goes through the same loop as an API request (same timeout, retries, backoff and
Retry-After cap), and every error that leaves `send` has had the client's secrets masked.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import platform
import time
import weakref
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import httpx

from ._auth import AsyncTokens, ClientCredentials, Grant, SyncTokens
from ._config import Settings
from ._constants import LOGGER_NAME
from ._exceptions import APIConnectionError, APITimeoutError, UsageError, status_error
from ._rate_limit import RateLimitTracker
from ._retry import Retry, decide
from ._secret import Secret, scrub
from ._version import __version__

logger = logging.getLogger(LOGGER_NAME)

# The waits between retries, taken by each transport when it is made and its client is given
# no `sleep`.
_sleep: Callable[[float], object] = time.sleep
_async_sleep: Callable[[float], Awaitable[object]] = anyio.sleep

RequestArgs = dict[str, Any]
"""What a generated operation's `build_request` returns: method, url (a path), params, headers."""


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
        self, http: httpx.Client | httpx.AsyncClient, args: RequestArgs, grant: Grant
    ) -> httpx.Request:
        url = self.settings.base_url + args["url"]
        if params := args.get("params"):
            # Encoded here, once: httpx's params= parses and rebuilds the URL, which showed in
            # the walk benchmark. Every reserved character is percent-encoded, as httpx does.
            url += "?" + urlencode(params, quote_via=quote, safe="")
        return http.build_request(
            args["method"],
            url,
            headers={**self.headers, **args.get("headers", {}), "Authorization": _bearer(grant)},
            timeout=self.settings.timeout,
        )

    def token_request(
        self, http: httpx.Client | httpx.AsyncClient, credentials: ClientCredentials
    ) -> httpx.Request:
        user_agent = {"User-Agent": self.headers["User-Agent"]}
        return credentials.token_request(http, user_agent, self.settings.timeout)

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

    @staticmethod
    def failure(
        operation: str, request: httpx.Request, error: httpx.RequestError | None
    ) -> APIConnectionError:
        """The SDK's error for an exchange that ended without a response (raise it from error)."""
        if isinstance(error, httpx.TimeoutException):
            return APITimeoutError(
                f"{operation}: the request timed out ({type(error).__name__})", request=request
            )
        return APIConnectionError(
            f"{operation}: the request failed: {type(error).__name__}: {error}", request=request
        )


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
        self.http = http_client or httpx.Client(timeout=settings.timeout)
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
            grant = self.tokens.grant(None, self._fetch_token)
            request = self.core.build(self.http, args, grant)
            stale: Secret | None = None
            response = self._exchange(operation, request)
            while not response.is_success:
                if not self.core.needs_new_token(response, grant, stale):
                    raise status_error(response, operation)
                stale = grant.token
                grant = self.tokens.grant(stale, self._fetch_token)
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
                response = self.http.send(request, follow_redirects=False)
            except httpx.RequestError as failure:
                error = failure
            retry = self.core.judge(request, attempt, started, response, error)
            if retry is None:
                if response is not None:
                    return response
                raise self.core.failure(operation, request, error) from error
            self.sleep(retry.delay)

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
        self.http = http_client or httpx.AsyncClient(timeout=settings.timeout)
        self.sleep = _async_sleep if sleep is None else sleep
        self._closed = False
        self._loop = _LoopBinding()

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
            grant = await self.tokens.grant(None, self._fetch_token)
            request = self.core.build(self.http, args, grant)
            stale: Secret | None = None
            response = await self._exchange(operation, request)
            while not response.is_success:
                if not self.core.needs_new_token(response, grant, stale):
                    raise status_error(response, operation)
                stale = grant.token
                grant = await self.tokens.grant(stale, self._fetch_token)
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
                response = await self.http.send(request, follow_redirects=False)
            except httpx.RequestError as failure:
                error = failure
            retry = self.core.judge(request, attempt, started, response, error)
            if retry is None:
                if response is not None:
                    return response
                raise self.core.failure(operation, request, error) from error
            await self.sleep(retry.delay)

    async def aclose(self) -> None:
        """Close the HTTP client, unless the caller gave it and so owns it."""
        self._loop.check()
        self._closed = True
        if self.owns_http:
            await self.http.aclose()
