"""The two entry points: `EvEnergy` (blocking) and `AsyncEvEnergy` (asyncio or trio)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar, Unpack

import httpx

from ._config import OptionOverrides, Settings, override, resolve
from ._constants import (
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_AFTER_S,
)
from ._logging import prepare as prepare_logging
from ._resources import AsyncResources, SyncResources
from ._response import RateLimit
from ._session import AsyncSession, SyncSession
from ._version import API_VERSION

_Sleep = TypeVar("_Sleep")


def _checked_sleep(sleep: _Sleep) -> _Sleep:
    """The `sleep` option as given, or TypeError when it cannot be called."""
    if sleep is not None and not callable(sleep):
        raise TypeError(f"sleep must be callable, not {type(sleep).__name__}")
    return sleep


class _ClientBase:
    """What both clients share: a view (its settings) of a session, with_options, repr.

    A client is its settings over a session (`_session`): the HTTP client, token, rate-limit
    budget and closed flag that it shares with every view `with_options` makes of it.
    """

    _settings: Settings
    _session: SyncSession | AsyncSession

    @property
    def base_url(self) -> str:
        """The API root every request goes to, such as https://api.ev.energy/v2."""
        return self._settings.base_url

    @property
    def rate_limit(self) -> RateLimit | None:
        """The hourly budget reported by the latest response of this client or its views."""
        return self._session.rate_limit

    def with_options(self, **changes: Unpack[OptionOverrides]) -> Self:
        """A view of this client with other options: timeout, retries, user, Retry-After, body cap.

        It may change `timeout`, `max_retries`, `user`, `max_retry_after` and
        `max_response_bytes`, each checked as the constructor checks it.

        For one call or a block of calls: `client.with_options(timeout=60).evse_sites.get(id)`.
        A view shares everything but those options with this client: its connection pool,
        token, rate-limit budget and its being open. So it is cheap to make, and closing any
        view closes the client and all its views (each then raises UsageError); the SDK never
        closes an `http_client` you gave it, whichever view is closed.
        """
        view = object.__new__(type(self))
        view._settings = override(self._settings, changes)
        view._session = self._session
        return view

    def __repr__(self) -> str:
        credentials = self._settings.credentials
        return f"{type(self).__name__}(base_url={self.base_url!r}, credentials={credentials!r})"


class EvEnergy(_ClientBase, SyncResources):
    """Blocking client of the ev.energy v2 API.

    Credentials: a ready `access_token`, or `client_id` and `client_secret` for the OAuth2
    client-credentials flow (tokens are fetched from `token_url`, cached and refreshed).

    Every option may be left out; None means "from the environment, else the default":
    - `access_token`: EVENERGY_ACCESS_TOKEN; `client_id`, `client_secret`: EVENERGY_CLIENT_ID,
      EVENERGY_CLIENT_SECRET (explicit arguments win, and a ready token wins over credentials);
    - `token_url`: EVENERGY_TOKEN_URL, else https://api.ev.energy/o/token/;
    - `base_url`: EVENERGY_BASE_URL, else https://api.ev.energy/v2;
    - `user`: EVENERGY_USER, else none: the default EvEnergy-User (a user id or the user's URL);
    - `api_version`: "2", sent as EvEnergy-Version on every request;
    - `timeout`: 20 s (5 s to connect); seconds or an httpx.Timeout, finite and above 0;
    - `max_retries`: 2 retries of a failed request, with backoff;
    - `max_retry_after`: 60; a 429 or 503 whose Retry-After asks for longer raises at once;
    - `max_response_bytes`: 32 MiB; a response body larger than this once decoded ends the
      call with ResponseTooLargeError (read a chunk at a time, never retried);
    - `http_client`: your own httpx.Client (proxies, certificates, a test transport), which you
      then close yourself;
    - `sleep`: how the client waits between retries, time.sleep by default; a test can pass
      `waits.append` to record each wait (in seconds) instead of sleeping. `with_options` keeps it.

    The environment is read here, when the client is built (EVENERGY_LOG=info or debug too: it
    turns on the SDK's logger on stderr). Bad settings raise TypeError or ConfigurationError (a
    ValueError) before any request.
    """

    _session: SyncSession

    def __init__(
        self,
        *,
        access_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        base_url: str | None = None,
        user: str | None = None,
        api_version: str = API_VERSION,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        prepare_logging()
        self._settings = resolve(
            access_token=access_token,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            base_url=base_url,
            user=user,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_response_bytes=max_response_bytes,
        )
        self._session = SyncSession(self._settings, http_client, _checked_sleep(sleep))

    def close(self) -> None:
        """Close this client and its views, and the connections the SDK opened for them."""
        self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEvEnergy(_ClientBase, AsyncResources):
    """Async client of the ev.energy v2 API: `EvEnergy` with `await` and `async for`.

    Takes the same options as `EvEnergy`, with the same defaults; `http_client` is an
    httpx.AsyncClient, and `sleep` a coroutine function (anyio.sleep by default). One client
    serves one event loop (see UsageError).
    """

    _session: AsyncSession

    def __init__(
        self,
        *,
        access_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        base_url: str | None = None,
        user: str | None = None,
        api_version: str = API_VERSION,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[object]] | None = None,
    ) -> None:
        prepare_logging()
        self._settings = resolve(
            access_token=access_token,
            client_id=client_id,
            client_secret=client_secret,
            token_url=token_url,
            base_url=base_url,
            user=user,
            api_version=api_version,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_after=max_retry_after,
            max_response_bytes=max_response_bytes,
        )
        self._session = AsyncSession(self._settings, http_client, _checked_sleep(sleep))

    async def aclose(self) -> None:
        """Close this client and its views, and the connections the SDK opened for them."""
        await self._session.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
