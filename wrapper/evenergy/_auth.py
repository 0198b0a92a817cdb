"""Credentials: a ready access token, or OAuth2 client credentials and their token exchange.

`ClientCredentials` knows how to ask for a token (RFC 6749 section 4.4, the client authenticated
with HTTP Basic) and how to read the answer; it does no I/O and caches nothing. The session
(`_session`) sends its token request through the same loop as every API request, so the
client's timeout, retries, backoff and Retry-After cap apply to it too, and keeps the token.
"""

from __future__ import annotations

import base64
import math
from collections import deque
from typing import Any
from urllib.parse import quote_plus

import httpx

from ._checks import is_header_token
from ._constants import DEFAULT_TOKEN_LIFETIME_S, MAX_TOKEN_LIFETIME_S
from ._exceptions import AuthenticationError, ResponseValidationError, status_error
from ._response import json_body
from ._secret import Secret, excerpt

_KEPT_TOKENS = 8  # fetched tokens remembered, so that a server echoing an old one is masked too


class StaticToken:
    """A ready access token: sent as it is, never refreshed."""

    def __init__(self, token: Secret) -> None:
        self.token = token

    def __repr__(self) -> str:
        return f"StaticToken(token={self.token!r})"


class ClientCredentials:
    """OAuth2 client credentials: the token request, and reading its answer (no I/O, no cache)."""

    def __init__(self, client_id: str, client_secret: Secret, token_url: str) -> None:
        self.client_id = client_id
        self.token_url = token_url
        self.operation = f"fetching a token from {token_url}"
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

    def read_token(self, response: httpx.Response) -> tuple[Secret, float]:
        """The token of the token endpoint's final response and its lifetime in seconds.

        Raises why there is none: AuthenticationError when the credentials were refused, the
        status's error, or ResponseValidationError for an answer without a usable token.
        """
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
        return secret, _lifetime(body.get("expires_in"))


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
