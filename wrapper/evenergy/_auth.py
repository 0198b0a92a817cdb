"""Credentials, and the token each request is sent with: a ready token or OAuth2 client credentials.

`ClientCredentials` knows how to ask for a token (RFC 6749 section 4.4, the client authenticated
with HTTP Basic) and how to read and cache the answer; it does no I/O. The transports send its
token request through the same loop as every API request, so the client's timeout, retries,
backoff and Retry-After cap apply to it too. `SyncTokens` and `AsyncTokens` hand tokens out: one
fetch at a time, whose token every request that waited for it is sent with.

A client and its `with_options` siblings share one token cache, but each call keeps its own
bounds: a call waits for another's fetch no longer than its own timeouts and retries would let
its own fetch take, and when that fetch failed for its bounds (a timeout, retries spent) a call
with other bounds fetches for itself. A token is cached for at least a second whatever its
expires_in, so the token endpoint sees at most one fetch a second from a client family (and
one more when the API refuses a token that lives longer with a 401).
"""

from __future__ import annotations

import base64
import logging
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import quote_plus

import anyio
import httpx

from ._body import json_body
from ._checks import is_header_token
from ._constants import (
    DEFAULT_TOKEN_LIFETIME_S,
    LOGGER_NAME,
    MAX_RETRY_DELAY_S,
    MAX_TOKEN_LIFETIME_S,
    MIN_TOKEN_FETCH_INTERVAL_S,
    RETRYABLE_STATUSES,
    TOKEN_REFRESH_MARGIN_S,
)
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    EvEnergyError,
    ResponseValidationError,
    status_error,
)
from ._secret import Secret, excerpt

logger = logging.getLogger(LOGGER_NAME)

_KEPT_TOKENS = 8  # fetched tokens remembered, so that a server echoing an old one is masked too


@dataclass(frozen=True, slots=True)
class Grant:
    """The token to send one request with; `fresh` when it was fetched for that request."""

    token: Secret
    fresh: bool


class StaticToken:
    """A ready access token: sent as it is, never refreshed."""

    def __init__(self, token: Secret) -> None:
        self.token = token
        # Made once: the same grant goes with every request (a frozen dataclass is slow to make).
        self.grant = Grant(token, fresh=True)

    def __repr__(self) -> str:
        return f"StaticToken(token={self.token!r})"


@dataclass(frozen=True, slots=True)
class _CachedToken:
    token: Secret
    refresh_at: float  # monotonic time after which the token is fetched again
    # A token born (nearly) expired is kept for the floor of MIN_TOKEN_FETCH_INTERVAL_S: until
    # then a 401 on it is raised, not answered with yet another fetch.
    fresh_until: float


class ClientCredentials:
    """OAuth2 client credentials and the token they were last exchanged for (no I/O)."""

    def __init__(
        self,
        client_id: str,
        client_secret: Secret,
        token_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client_id = client_id
        self.token_url = token_url
        self.operation = f"fetching a token from {token_url}"
        self._clock = clock
        self._cached: _CachedToken | None = None
        self._fetched: deque[Secret] = deque(maxlen=_KEPT_TOKENS)
        # RFC 6749 section 2.3.1: form-encode the id and secret, then use them for HTTP Basic.
        pair = f"{quote_plus(client_id)}:{quote_plus(client_secret.reveal())}"
        self._secret = client_secret
        basic = base64.b64encode(pair.encode()).decode("ascii")
        self._basic = Secret("Basic " + basic)
        # Kept live, so that a server echoing the credentials in these forms is masked too: the
        # pair decoded (a short secret is not masked alone), and its base64 in every alphabet.
        forms = {pair, f"{client_id}:{client_secret.reveal()}", basic, basic.rstrip("=")}
        forms |= {form.replace("+", "-").replace("/", "_") for form in forms if form != pair}
        self._echoes = tuple(Secret(form) for form in forms)

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(client_id={self.client_id!r}, "
            f"client_secret={self._secret!r}, token_url={self.token_url!r})"
        )

    def usable(self, stale: Secret | None) -> Grant | None:
        """The cached token, unless it is missing, due for renewal, or the one that got a 401."""
        cached = self._cached
        now = self._clock()
        if cached is None or now >= cached.refresh_at:
            return None
        if stale is not None and cached.token == stale:
            return None
        return Grant(cached.token, fresh=now < cached.fresh_until)

    def token_request(
        self,
        http: httpx.Client | httpx.AsyncClient,
        headers: dict[str, str],
        timeout: httpx.Timeout,
    ) -> httpx.Request:
        """The token request; `headers` are the client's (User-Agent), `timeout` its timeout."""
        return http.build_request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials"},
            headers={
                **headers,
                "Accept": "application/json",
                "Authorization": self._basic.reveal(),
            },
            timeout=timeout,
        )

    def store(self, response: httpx.Response) -> Secret:
        """Cache the token of the token endpoint's final response, or raise why there is none."""
        body = json_body(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if isinstance(token, str) and token.strip():
            # Kept live before any error quotes the body: even a refusal may carry a token.
            self._fetched.append(Secret(token.strip()))
        if response.status_code in (400, 401):
            raise AuthenticationError(
                f"{self.operation}: the token endpoint refused the client credentials "
                f"({response.status_code} {_oauth_error(response)})",
                response=response,
                problem=None,
            )
        if not response.is_success:
            raise status_error(response, self.operation)
        if not isinstance(token, str) or not token.strip():
            raise ResponseValidationError(
                self.operation, "no access_token string in the token response", response=response
            )
        secret = self._fetched[-1]
        if not is_header_token(secret.reveal()):
            raise ResponseValidationError(
                self.operation,
                "the access_token has characters that cannot be sent in an HTTP header",
                response=response,
            )
        lifetime = _lifetime(body.get("expires_in"))
        kept = lifetime - min(TOKEN_REFRESH_MARGIN_S, lifetime / 2)
        now = self._clock()
        floor = now + MIN_TOKEN_FETCH_INTERVAL_S
        if kept >= MIN_TOKEN_FETCH_INTERVAL_S:
            self._cached = _CachedToken(secret, refresh_at=now + kept, fresh_until=now)
        else:
            self._cached = _CachedToken(secret, refresh_at=floor, fresh_until=floor)
        return secret


Credentials = StaticToken | ClientCredentials


def _lifetime(expires_in: Any) -> float:
    """Seconds the token lives: RFC 6749 makes expires_in optional, so null means the default."""
    if expires_in is None:
        return DEFAULT_TOKEN_LIFETIME_S
    try:
        seconds = float(expires_in)
    except (TypeError, ValueError, OverflowError):
        return DEFAULT_TOKEN_LIFETIME_S
    if math.isnan(seconds) or isinstance(expires_in, bool):
        return DEFAULT_TOKEN_LIFETIME_S
    return min(max(seconds, 0.0), MAX_TOKEN_LIFETIME_S)


def _oauth_error(response: httpx.Response) -> str:
    body = json_body(response)
    if not isinstance(body, dict):
        return "no error description"
    parts = [excerpt(str(body[key]), 200) for key in ("error", "error_description") if key in body]
    return ": ".join(parts) or "no error description"


class CallBounds(Protocol):
    """The settings that bound one call, its token fetch included (a client's Settings)."""

    @property
    def timeout(self) -> httpx.Timeout: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def max_retry_after(self) -> float: ...


def _key(bounds: CallBounds) -> tuple[object, ...]:
    return (bounds.timeout, bounds.max_retries, bounds.max_retry_after)


def _patience(bounds: CallBounds) -> float:
    """The longest a call waits for another call's token fetch: what its own fetch may take.

    That is each attempt its longest timeout, and between attempts the longest wait it allows.
    """
    timeout = bounds.timeout
    parts = (timeout.connect, timeout.read, timeout.write, timeout.pool)
    attempt = max(part for part in parts if part is not None)
    wait = max(MAX_RETRY_DELAY_S, bounds.max_retry_after)
    return (bounds.max_retries + 1) * attempt + bounds.max_retries * wait


def _waited_too_long(credentials: ClientCredentials, patience: float) -> APITimeoutError:
    return APITimeoutError(
        f"{credentials.operation}: timed out after {patience:g} s waiting for the token another "
        "call is fetching (this call's own timeout and retries allow no longer)",
        request=httpx.Request("POST", credentials.token_url),
    )


def _bounded_by_settings(error: EvEnergyError) -> bool:
    """Whether a failed fetch might have succeeded with a longer timeout or more retries."""
    if isinstance(error, APIConnectionError):
        return True
    return isinstance(error, APIStatusError) and error.status_code in RETRYABLE_STATUSES


E = TypeVar("E", threading.Event, anyio.Event)


@dataclass
class _Fetch(Generic[E]):
    """One token fetch under way; the requests waiting for it read its outcome once it is done."""

    done: E
    bounds: tuple[object, ...]  # those of the call that fetches
    token: Secret | None = field(default=None)
    error: EvEnergyError | None = field(default=None)

    def outcome(self, bounds: CallBounds) -> Grant | None:
        """For a call that waited: the fetched token, else the error if it is this call's too.

        None when the fetch failed for bounds that are not this call's: it then fetches itself.
        """
        if self.token is not None:
            return Grant(self.token, fresh=True)
        error = self.error
        if error is None or (_bounded_by_settings(error) and self.bounds != _key(bounds)):
            return None
        raise error


def _log_wait(patience: float) -> None:
    logger.debug("waiting up to %g s for the token another call is fetching", patience)


class SyncTokens:
    """Gives threads the token to send with; one thread fetches while the others wait for it."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        self._lock = threading.Lock()
        self._fetch: _Fetch[threading.Event] | None = None

    def grant(
        self,
        stale: Secret | None,
        fetch: Callable[[ClientCredentials], httpx.Response],
        bounds: CallBounds,
    ) -> Grant:
        """The token for a request, within `bounds` (the settings of the calling client).

        `stale` is a token that just got a 401; `fetch` asks the token endpoint for one.
        """
        credentials = self.credentials
        if isinstance(credentials, StaticToken):
            return credentials.grant
        deadline: float | None = None
        while True:
            with self._lock:
                grant = credentials.usable(stale)
                if grant is not None:
                    return grant
                waiting = self._fetch
                if waiting is None:
                    leading = self._fetch = _Fetch(threading.Event(), _key(bounds))
                    break
            patience = _patience(bounds)
            if deadline is None:
                _log_wait(patience)
                deadline = time.monotonic() + patience
            # Bounded for threading: a wait longer than TIMEOUT_MAX raises OverflowError.
            left = min(max(0.0, deadline - time.monotonic()), threading.TIMEOUT_MAX)
            if not waiting.done.wait(left):
                raise _waited_too_long(credentials, patience)
            grant = waiting.outcome(bounds)
            if grant is not None:
                return grant
        try:
            leading.token = credentials.store(fetch(credentials))
            return Grant(leading.token, fresh=True)
        except EvEnergyError as error:
            leading.error = error
            raise
        finally:
            with self._lock:
                self._fetch = None
            leading.done.set()


class AsyncTokens:
    """Gives tasks the token to send with; one task fetches while the others wait for it."""

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials
        # One event loop: no lock is needed between the checks and the awaits.
        self._fetch: _Fetch[anyio.Event] | None = None

    async def grant(
        self,
        stale: Secret | None,
        fetch: Callable[[ClientCredentials], Awaitable[httpx.Response]],
        bounds: CallBounds,
    ) -> Grant:
        """The token for a request; as `SyncTokens.grant`."""
        credentials = self.credentials
        if isinstance(credentials, StaticToken):
            return credentials.grant
        deadline: float | None = None
        while True:
            grant = credentials.usable(stale)
            if grant is not None:
                return grant
            waiting = self._fetch
            if waiting is None:
                break
            patience = _patience(bounds)
            if deadline is None:
                _log_wait(patience)
                deadline = anyio.current_time() + patience
            with anyio.move_on_after(deadline - anyio.current_time()):
                await waiting.done.wait()
            if not waiting.done.is_set():
                raise _waited_too_long(credentials, patience)
            grant = waiting.outcome(bounds)
            if grant is not None:
                return grant
        leading = self._fetch = _Fetch(anyio.Event(), _key(bounds))
        try:
            leading.token = credentials.store(await fetch(credentials))
            return Grant(leading.token, fresh=True)
        except EvEnergyError as error:
            leading.error = error
            raise
        finally:
            self._fetch = None
            leading.done.set()
