"""Resolving a client's settings from its arguments and the EVENERGY_* environment variables."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TypedDict

import httpx

from . import _constants as c
from ._auth import ClientCredentials, Credentials, StaticToken
from ._checks import check_text, check_user, is_header_token
from ._exceptions import ConfigurationError
from ._secret import Secret
from ._version import API_VERSION


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a client needs to know, resolved once when it is built."""

    base_url: str
    credentials: Credentials
    user: str | None
    api_version: str
    timeout: httpx.Timeout
    max_retries: int
    max_retry_after: float
    max_response_bytes: int


def _env(name: str) -> str | None:
    return os.environ.get(name) or None


def _header_token(name: str, value: object) -> Secret:
    """A ready token, without the white space around it (a token read from a file, say)."""
    token = check_text(name, value).strip()
    if not token:
        raise ConfigurationError(f"{name} is empty")
    if not is_header_token(token):
        # The value is not repeated: it is a secret.
        raise ConfigurationError(
            f"{name} contains characters that cannot be sent in an HTTP header "
            "(only visible ASCII characters can)"
        )
    return Secret(token)


def _credentials(
    access_token: str | None,
    client_id: str | None,
    client_secret: str | None,
    token_url: str | None,
) -> Credentials:
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
        return StaticToken(_header_token("access_token", access_token))
    if client_id is not None and client_secret is not None:
        if not check_text("client_id", client_id) or not check_text("client_secret", client_secret):
            raise ConfigurationError("client_id and client_secret must not be empty")
        url = _url_setting(token_url, "token_url", c.ENV_TOKEN_URL, c.DEFAULT_TOKEN_URL)
        return ClientCredentials(client_id, Secret(client_secret), url)
    if client_id is not None or client_secret is not None:
        missing = "client_secret" if client_id is not None else "client_id"
        raise ConfigurationError(f"client credentials need {missing} too")
    raise ConfigurationError(
        "no credentials: pass access_token=... or client_id=... and client_secret=..., or set "
        f"{c.ENV_ACCESS_TOKEN}, or {c.ENV_CLIENT_ID} and {c.ENV_CLIENT_SECRET}"
    )


_HIDDEN = "..."


def _shown(text: str) -> str:
    """A URL as an error may quote it: userinfo, query and fragment replaced by "...".

    Credentials may hide in those parts. Plain string work, so that it holds for a URL that
    cannot be parsed.
    """
    scheme, slashes, rest = text.partition("//")
    if not slashes:
        scheme, rest = "", text
    userinfo, at, host_and_more = rest.rpartition("@")
    if at and "/" not in userinfo:  # a password may hold "?" or "#": hidden first
        rest = _HIDDEN + "@" + host_and_more
    rest, query, _ = rest.partition("?")
    rest, fragment, _ = rest.partition("#")
    shown = scheme + slashes + rest
    return shown + ("?" + _HIDDEN if query else "") + ("#" + _HIDDEN if fragment else "")


def _url(value: object, name: str) -> str:
    """An absolute http(s) URL with no query, fragment or credentials."""
    text = check_text(name, value)
    shown = _shown(text)
    try:
        url = httpx.URL(text)
    except httpx.InvalidURL as error:
        # httpx's reason may quote the URL or a part of it: it is given only when it quotes no
        # more than the URL as shown.
        reason = str(error)
        parts = set(re.findall(r"'([^']*)'", reason)) | set(re.findall(r'"([^"]*)"', reason))
        said = f" ({reason})" if all(part in shown for part in parts) else ""
        raise ConfigurationError(f"{name} is not a valid URL: {shown!r}{said}") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigurationError(f"{name} must be an absolute http(s) URL, got {shown!r}")
    if url.query or url.fragment or "?" in text or "#" in text:
        raise ConfigurationError(f"{name} must not have a query or a fragment, got {shown!r}")
    if url.userinfo:
        raise ConfigurationError(f"{name} must not carry credentials: pass them as arguments")
    return text


def _url_setting(value: str | None, name: str, env: str, default: str) -> str:
    """The argument, else the environment variable, else the default; set but empty is an error.

    An empty variable (one that a script forgot to fill in) must not quietly mean production.
    """
    if value is None:
        value = os.environ.get(env)
        if value is None:
            return default
        if not value.strip():
            raise ConfigurationError(f"{env} is set but empty")
    return _url(value, name)


def _seconds(name: str, value: object, *, minimum: float, strict: bool, maximum: float) -> float:
    """A number of seconds up to `maximum`, above (`strict`) or at least `minimum`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value) or value < minimum or (strict and value == minimum):
        bound = f"> {minimum:g}" if strict else f">= {minimum:g}"
        raise ConfigurationError(f"{name} must be a finite number {bound}, got {value!r}")
    if value > maximum:
        raise ConfigurationError(f"{name} must be at most {maximum:g} s (a day), got {value!r}")
    return float(value)


def _timeout(value: object) -> httpx.Timeout:
    if value is None:
        return c.DEFAULT_TIMEOUT
    if not isinstance(value, httpx.Timeout):
        value = httpx.Timeout(
            _seconds("timeout", value, minimum=0, strict=True, maximum=c.MAX_TIMEOUT_S)
        )
    parts = {"connect": value.connect, "read": value.read, "write": value.write, "pool": value.pool}
    for part, seconds in parts.items():
        if seconds is None:
            raise ConfigurationError(
                f"timeout must be finite ({part} is None): an API call should never wait forever"
            )
        _seconds(f"timeout ({part})", seconds, minimum=0, strict=True, maximum=c.MAX_TIMEOUT_S)
    return value


class OptionOverrides(TypedDict, total=False):
    """What `with_options` may change for a block of calls; each one may be left out.

    timeout, max_retries, max_retry_after, max_response_bytes: as for the client. user: the
    default EvEnergy-User (None for none).
    """

    timeout: float | httpx.Timeout | None
    max_retries: int
    user: str | None
    max_retry_after: float
    max_response_bytes: int


def _user(value: object) -> str | None:
    """The default EvEnergy-User: a user id or URL (visible ASCII), or None for none."""
    try:
        return check_user(value)
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


def _retries(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_retries must be an int, not {type(value).__name__}")
    if value < 0:
        raise ConfigurationError(f"max_retries must be a whole number >= 0, got {value!r}")
    return value


def _max_retry_after(value: object) -> float:
    return _seconds(
        "max_retry_after", value, minimum=0, strict=False, maximum=c.MAX_RETRY_AFTER_LIMIT_S
    )


def _max_response_bytes(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"max_response_bytes must be an int, not {type(value).__name__}")
    if not 0 < value <= c.MAX_RESPONSE_BYTES_LIMIT:
        raise ConfigurationError(
            f"max_response_bytes must be a whole number from 1 to {c.MAX_RESPONSE_BYTES_LIMIT} "
            f"(4 GiB), got {value!r}"
        )
    return value


# How each option that with_options may change is checked, as the constructor checks it.
_OVERRIDE_CHECKS: dict[str, Callable[[Any], Any]] = {
    "timeout": _timeout,
    "max_retries": _retries,
    "user": _user,
    "max_retry_after": _max_retry_after,
    "max_response_bytes": _max_response_bytes,
}


def override(settings: Settings, changes: OptionOverrides) -> Settings:
    """`settings` with `changes`, each checked as the client's own options are."""
    unknown = changes.keys() - _OVERRIDE_CHECKS.keys()
    if unknown:
        raise TypeError(f"with_options() got unexpected options: {', '.join(sorted(unknown))}")
    checked = {name: _OVERRIDE_CHECKS[name](value) for name, value in changes.items()}
    return replace(settings, **checked)


def resolve(
    *,
    access_token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
    base_url: str | None = None,
    user: str | None = None,
    api_version: str = API_VERSION,
    timeout: float | httpx.Timeout | None = None,
    max_retries: int = c.DEFAULT_MAX_RETRIES,
    max_retry_after: float = c.DEFAULT_MAX_RETRY_AFTER_S,
    max_response_bytes: int = c.DEFAULT_MAX_RESPONSE_BYTES,
) -> Settings:
    """Check and combine a client's options with the environment; no request is made."""
    if not is_header_token(check_text("api_version", api_version)):
        raise ConfigurationError(f"api_version must be a version such as '2', got {api_version!r}")
    if user is None:
        user = _env(c.ENV_USER)
    return Settings(
        base_url=_url_setting(base_url, "base_url", c.ENV_BASE_URL, c.DEFAULT_BASE_URL).rstrip("/"),
        credentials=_credentials(access_token, client_id, client_secret, token_url),
        user=_user(user),
        api_version=api_version,
        timeout=_timeout(timeout),
        max_retries=_retries(max_retries),
        max_retry_after=_max_retry_after(max_retry_after),
        max_response_bytes=_max_response_bytes(max_response_bytes),
    )
