"""Resolving a client's settings from its arguments and the EVENERGY_* environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TypedDict

import httpx

from . import _constants as c
from ._auth import BearerTokenAuth, ClientCredentialsAuth
from ._exceptions import ConfigurationError
from ._secret import Secret
from ._version import API_VERSION


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a client needs to know, resolved once when it is built."""

    base_url: str
    auth: httpx.Auth
    user: str | None
    api_version: str
    timeout: httpx.Timeout
    max_retries: int
    max_retry_after: float


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _auth(
    access_token: str | None,
    client_id: str | None,
    client_secret: str | None,
    token_url: str,
) -> httpx.Auth:
    """Explicit arguments win over the environment; within each, a ready token wins."""
    if access_token is None and client_id is None and client_secret is None:
        access_token = _env(c.ENV_ACCESS_TOKEN)
        if access_token is None:
            client_id, client_secret = _env(c.ENV_CLIENT_ID), _env(c.ENV_CLIENT_SECRET)
    if access_token is not None:
        if client_id is not None or client_secret is not None:
            raise ConfigurationError(
                "give either access_token or client_id and client_secret, not both"
            )
        if not access_token.strip():
            raise ConfigurationError("access_token is empty")
        return BearerTokenAuth(Secret(access_token))
    if client_id and client_secret:
        return ClientCredentialsAuth(client_id, Secret(client_secret), _url(token_url, "token_url"))
    if client_id or client_secret:
        missing = "client_secret" if client_id else "client_id"
        raise ConfigurationError(f"client credentials need {missing} too")
    raise ConfigurationError(
        "no credentials: pass access_token=... or client_id=... and client_secret=..., or set "
        f"{c.ENV_ACCESS_TOKEN}, or {c.ENV_CLIENT_ID} and {c.ENV_CLIENT_SECRET}"
    )


def _url(value: str, name: str) -> str:
    url = httpx.URL(value)
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"{name} must be an absolute http(s) URL, got {value!r}")
    return value


def _timeout(value: float | httpx.Timeout | None) -> httpx.Timeout:
    if value is None:
        return c.DEFAULT_TIMEOUT
    timeout = value if isinstance(value, httpx.Timeout) else httpx.Timeout(value)
    if None in (timeout.connect, timeout.read, timeout.write, timeout.pool):
        raise ConfigurationError("timeout must be finite: an API call should never wait forever")
    return timeout


class ClientOptions(TypedDict, total=False):
    """The settings both clients take as keyword arguments; each one may be left out.

    access_token: a ready bearer token (default: EVENERGY_ACCESS_TOKEN).
    client_id, client_secret: OAuth2 client credentials, used when there is no access_token
        (default: EVENERGY_CLIENT_ID, EVENERGY_CLIENT_SECRET).
    token_url: where client credentials are exchanged for a token
        (default: https://api.ev.energy/o/token/).
    base_url: the API root (default: EVENERGY_BASE_URL, else https://api.ev.energy/v2).
    user: the default EvEnergy-User, a user id or the user's URL (default: EVENERGY_USER).
    api_version: sent as EvEnergy-Version on every request (default: "2").
    timeout: seconds, or an httpx.Timeout; must be finite (default: 20 s, 5 s to connect).
    max_retries: retries of a failed request (default: 2).
    max_retry_after: the longest Retry-After, in seconds, that is waited for before a retry;
        a longer one raises RateLimitError at once (default: 60).
    """

    access_token: str | None
    client_id: str | None
    client_secret: str | None
    token_url: str
    base_url: str | None
    user: str | None
    api_version: str
    timeout: float | httpx.Timeout | None
    max_retries: int
    max_retry_after: float


def resolve(
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str = c.DEFAULT_TOKEN_URL,
    base_url: str | None = None,
    user: str | None = None,
    api_version: str = API_VERSION,
    timeout: float | httpx.Timeout | None = None,
    max_retries: int = c.DEFAULT_MAX_RETRIES,
    max_retry_after: float = c.DEFAULT_MAX_RETRY_AFTER_S,
) -> Settings:
    """Check and combine a client's options with the environment."""
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be a whole number >= 0, got {max_retries!r}")
    if max_retry_after < 0:
        raise ConfigurationError(f"max_retry_after must be >= 0, got {max_retry_after!r}")
    if not api_version or not api_version.strip():
        raise ConfigurationError("api_version is empty")
    return Settings(
        base_url=_url(base_url or _env(c.ENV_BASE_URL) or c.DEFAULT_BASE_URL, "base_url").rstrip(
            "/"
        ),
        auth=_auth(access_token, client_id, client_secret, token_url),
        user=user if user is not None else _env(c.ENV_USER),
        api_version=api_version,
        timeout=_timeout(timeout),
        max_retries=max_retries,
        max_retry_after=max_retry_after,
    )
