"""httpx authentication flows: a ready bearer token, or OAuth2 client credentials.

ClientCredentialsAuth fetches a token from the token URL (grant_type=client_credentials, client
authenticated with HTTP Basic), caches it until shortly before it expires, lets one request at a
time fetch it while the others wait for that token, and after a 401 on a cached token fetches a
new one once and sends the request again. The token request goes through the client's own
transport, so proxies, test transports and timeouts apply to it too.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from urllib.parse import quote_plus

import anyio
import httpx

from ._constants import DEFAULT_TOKEN_LIFETIME_S, TOKEN_REFRESH_MARGIN_S
from ._exceptions import AuthenticationError, ResponseValidationError, status_error
from ._secret import Secret

_TOKEN_OPERATION = "fetch_access_token"  # noqa: S105 - an operation name


def _bearer(request: httpx.Request, token: Secret) -> None:
    request.headers["Authorization"] = f"Bearer {token.reveal()}"


class BearerTokenAuth(httpx.Auth):
    """Sends a ready access token as `Authorization: Bearer ...`."""

    def __init__(self, token: Secret) -> None:
        self._token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the bearer token to the request."""
        _bearer(request, self._token)
        yield request

    def __repr__(self) -> str:
        return "BearerTokenAuth(token=Secret('**********'))"


@dataclass(frozen=True, slots=True)
class _CachedToken:
    token: Secret
    refresh_at: float  # monotonic time after which the token is fetched again


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client-credentials flow with a shared, expiring token cache (sync and async)."""

    def __init__(
        self,
        client_id: str,
        client_secret: Secret,
        token_url: str,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._clock = clock
        self._cached: _CachedToken | None = None
        self._thread_lock = threading.Lock()
        self._task_lock = anyio.Lock()

    def __repr__(self) -> str:
        return (
            f"ClientCredentialsAuth(client_id={self._client_id!r}, "
            f"client_secret=Secret('**********'), token_url={self.token_url!r})"
        )

    # Shared logic, free of I/O.

    def _usable(self, stale: Secret | None) -> Secret | None:
        """The cached token, unless it is missing, expiring, or the one that just got a 401."""
        cached = self._cached
        if cached is None or self._clock() >= cached.refresh_at:
            return None
        if stale is not None and cached.token == stale:
            return None
        return cached.token

    def _token_request(self) -> httpx.Request:
        # RFC 6749 section 2.3.1: form-encode the id and secret, then use them for HTTP Basic.
        pair = f"{quote_plus(self._client_id)}:{quote_plus(self._client_secret.reveal())}"
        basic = base64.b64encode(pair.encode()).decode("ascii")
        return httpx.Request(
            "POST",
            self.token_url,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}", "Accept": "application/json"},
        )

    def _store(self, response: httpx.Response) -> Secret:
        """Cache the token of a token-endpoint response, or raise why there is none."""
        if response.status_code in (400, 401):
            error = AuthenticationError(
                f"{_TOKEN_OPERATION}: the token endpoint refused the client credentials "
                f"({response.status_code} {_oauth_error(response)})",
                response=response,
                problem=None,
            )
            raise error
        if not response.is_success:
            raise status_error(response, _TOKEN_OPERATION)
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", DEFAULT_TOKEN_LIFETIME_S))
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise ResponseValidationError(
                _TOKEN_OPERATION, "no access_token in the token response", response=response
            ) from error
        if not isinstance(token, str) or not token:
            raise ResponseValidationError(
                _TOKEN_OPERATION, "access_token is not a non-empty string", response=response
            )
        secret = Secret(token)
        refresh_at = self._clock() + max(0.0, lifetime - TOKEN_REFRESH_MARGIN_S)
        self._cached = _CachedToken(secret, refresh_at)
        return secret

    # The two flows: the same steps, one blocking and one awaiting.

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Send the request with a token; after a 401 on a cached token, refresh it once."""
        stale: Secret | None = None
        for _ in range(2):
            with self._thread_lock:  # one fetch at a time; the others then use its token
                token = self._usable(stale)
                fetched = token is None
                if token is None:
                    token_response = yield self._token_request()
                    token_response.read()
                    token = self._store(token_response)
            _bearer(request, token)
            response = yield request
            if response.status_code != 401 or fetched:
                return
            stale = token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Send the request with a token; after a 401 on a cached token, refresh it once."""
        stale: Secret | None = None
        for _ in range(2):
            async with self._task_lock:  # one fetch at a time; the others then use its token
                token = self._usable(stale)
                fetched = token is None
                if token is None:
                    token_response = yield self._token_request()
                    await token_response.aread()
                    token = self._store(token_response)
            _bearer(request, token)
            response = yield request
            if response.status_code != 401 or fetched:
                return
            stale = token


def _oauth_error(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "no error description"
    if not isinstance(body, dict):
        return "no error description"
    parts = [str(body[key]) for key in ("error", "error_description") if key in body]
    return ": ".join(parts) or "no error description"
