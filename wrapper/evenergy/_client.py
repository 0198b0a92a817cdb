"""The two entry points: `EvEnergy` (blocking) and `AsyncEvEnergy` (asyncio or trio)."""

from __future__ import annotations

from types import TracebackType
from typing import Self, Unpack

import httpx

from ._base_client import AsyncTransport, SyncTransport
from ._config import ClientOptions, Settings, resolve
from ._rate_limit import RateLimit
from ._resources import AsyncCpmsProviders, AsyncEvseSites, CpmsProviders, EvseSites


class _ClientBase:
    """What both clients share: settings, rate limit, repr."""

    _settings: Settings
    _transport: SyncTransport | AsyncTransport

    @property
    def base_url(self) -> str:
        """The API root every request goes to, such as https://api.ev.energy/v2."""
        return self._settings.base_url

    @property
    def rate_limit(self) -> RateLimit | None:
        """The hourly budget reported by this client's latest response; None before the first."""
        return self._transport.core.rate_limits.latest

    def __repr__(self) -> str:
        credentials = self._settings.credentials
        return f"{type(self).__name__}(base_url={self.base_url!r}, credentials={credentials!r})"


class EvEnergy(_ClientBase):
    """Blocking client of the ev.energy v2 API.

    Credentials: a ready `access_token`, or `client_id` and `client_secret` for the OAuth2
    client-credentials flow (tokens are fetched from `token_url`, cached and refreshed). Arguments
    left out fall back to EVENERGY_ACCESS_TOKEN, EVENERGY_CLIENT_ID, EVENERGY_CLIENT_SECRET,
    EVENERGY_BASE_URL and EVENERGY_USER, read here, when the client is built.

    `user` is the default EvEnergy-User (a user id or the user's URL); `api_version` is sent as
    EvEnergy-Version on every request. `timeout` (seconds or an httpx.Timeout) must be finite.
    Failed requests are retried up to `max_retries` times; a 429 whose Retry-After asks for more
    than `max_retry_after` seconds raises RateLimitError at once. `http_client` lets you bring
    your own httpx.Client (proxies, certificates, a test transport); you then close it yourself.
    """

    def __init__(
        self, *, http_client: httpx.Client | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        self._settings = resolve(**options)
        self._transport: SyncTransport = SyncTransport(self._settings, http_client)
        self.evse_sites = EvseSites(self._transport)
        """EVSE sites: `list()` and `get(id)`."""
        self.cpms_providers = CpmsProviders(self._transport)
        """CPMS providers: `list()` and `get(id)`."""

    def close(self) -> None:
        """Close the connections this client opened."""
        self._transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEvEnergy(_ClientBase):
    """Async client of the ev.energy v2 API: `EvEnergy` with `await` and `async for`.

    Takes the same arguments as `EvEnergy`; `http_client` is an httpx.AsyncClient.
    """

    def __init__(
        self, *, http_client: httpx.AsyncClient | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        self._settings = resolve(**options)
        self._transport: AsyncTransport = AsyncTransport(self._settings, http_client)
        self.evse_sites = AsyncEvseSites(self._transport)
        """EVSE sites: `list()` and `await get(id)`."""
        self.cpms_providers = AsyncCpmsProviders(self._transport)
        """CPMS providers: `list()` and `await get(id)`."""

    async def aclose(self) -> None:
        """Close the connections this client opened."""
        await self._transport.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
