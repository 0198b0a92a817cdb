"""Everything the SDK raises on purpose; an error status's problem details and its class."""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from ._response import RateLimit, body_text, json_body, parse_retry_after
from ._secret import excerpt as masked_excerpt

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConfigurationError",
    "EvEnergyError",
    "InternalServerError",
    "NotAcceptableError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "ProblemDetails",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UsageError",
]

_BODY_EXCERPT_CHARS = 200


class EvEnergyError(Exception):
    """Base class of every error the SDK raises on purpose.

    Every one can be pickled (for multiprocessing or a task queue): its request and response
    travel without their Authorization headers and come back unable to stream.
    """

    page_after: str | None = None
    """For an error raised while fetching a page of a forward walk: the cursor that page was
    asked for (None for the first page). `list(page_after=...)` with it fetches that page again."""
    page_before: str | None = None
    """For an error raised while fetching a page of a backward walk: that page's cursor."""

    def __reduce__(self) -> tuple[Any, ...]:
        state = {name: _portable(value) for name, value in vars(self).items()}
        return _restore, (type(self), self.args, state)


def _restore(cls: type[EvEnergyError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    vars(error).update(state)
    return error


_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})


def _portable(value: Any) -> Any:
    """A request or response as it may be pickled: with no credential in its headers."""
    if isinstance(value, httpx.Request):
        headers = [(k, v) for k, v in value.headers.multi_items() if k not in _CREDENTIAL_HEADERS]
        return httpx.Request(value.method, value.url, headers=headers)
    if isinstance(value, httpx.Response):
        portable = copy.copy(value)  # httpx's own pickling state: the body, no stream
        portable.request = _portable(value.request)
        return portable
    return value


_MEMBERS = ("type", "title", "status", "detail", "instance", "field_errors")


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def _field_errors(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(name): [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        for name, messages in value.items()
    }


@dataclass(frozen=True, slots=True)
class ProblemDetails:
    """What went wrong, as the API explained it; a member the API left out is None (or empty).

    `field_errors` (ev.energy's extension) lists messages per rejected request field; any other
    extension members are kept in `extensions`.
    """

    title: str | None
    detail: str | None
    type: str | None = None
    status: int | None = None
    instance: str | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, response: httpx.Response) -> ProblemDetails | None:
        """Read the problem details of an error response; None when the body has none.

        Lenient on purpose: an error response must never fail to become an exception, so a body
        that is HTML, empty, or a problem with odd members still gives what can be read.
        """
        body = json_body(response)
        if not isinstance(body, dict) or not any(k in body for k in ("title", "detail", "type")):
            return None
        status = body.get("status")
        return cls(
            title=_text(body, "title"),
            detail=_text(body, "detail"),
            type=_text(body, "type"),
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            instance=_text(body, "instance"),
            field_errors=_field_errors(body.get("field_errors")),
            extensions={k: v for k, v in body.items() if k not in _MEMBERS},
        )

    def __str__(self) -> str:
        parts = [part for part in (self.title, self.detail) if part]
        parts += [f"{name}: {'; '.join(msgs)}" for name, msgs in self.field_errors.items()]
        return ": ".join(parts) if parts else "no details"


class UsageError(EvEnergyError, RuntimeError):
    """The client was used in a way it cannot serve.

    After close(), or an AsyncEvEnergy used from an event loop other than the one it first ran in
    (create one client per event loop).
    """


class ConfigurationError(EvEnergyError, ValueError):
    """The client was built with missing or contradictory settings (no credentials, say)."""


class APIConnectionError(EvEnergyError):
    """The request did not get an HTTP response: DNS, connection, TLS or protocol failure."""

    def __init__(self, message: str, *, request: httpx.Request) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or pool timeout)."""


class APIStatusError(EvEnergyError):
    """The API answered with an error status.

    `problem` holds the RFC 9457 problem details when the body carried them, else None; `headers`
    and `rate_limit` are those of the error response.
    """

    status_code: int
    """The HTTP status of the response."""

    def __init__(
        self, message: str, *, response: httpx.Response, problem: ProblemDetails | None
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.problem = problem
        self.rate_limit = RateLimit.from_headers(response.headers)


class BadRequestError(APIStatusError):
    """400: a parameter, or the requested API version, was not acceptable."""


class AuthenticationError(APIStatusError):
    """401: no valid access token, or the token endpoint refused the client's credentials."""


class PermissionDeniedError(APIStatusError):
    """403: the token does not allow this request (a missing scope, say)."""


class NotFoundError(APIStatusError):
    """404: the resource does not exist or the caller may not see it."""


class NotAcceptableError(APIStatusError):
    """406: the API cannot answer in a media type the request accepts."""


class RateLimitError(APIStatusError):
    """429: the hourly budget is spent; `retry_after` is the wait in seconds, when the API said.

    Its message says when to retry: "... retry after 3600 s (at 14:05:00 UTC)".
    """

    def __init__(
        self, message: str, *, response: httpx.Response, problem: ProblemDetails | None
    ) -> None:
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        message = f"{message.rstrip('.')}; {when_to_retry(retry_after)}"
        super().__init__(message, response=response, problem=problem)
        self.retry_after: float | None = retry_after


_LONGEST_SHOWN_WAIT_S = 10 * 365 * 86400.0  # a moment further away is not worth a date


def when_to_retry(retry_after: float | None) -> str:
    """When to retry, as a 429's Retry-After says: a wait in seconds and the UTC time it ends."""
    if retry_after is None:
        return "the API did not say when to retry (its budget is per rolling hour)"
    seconds = f"{retry_after:.0f}" if retry_after >= 10 else f"{retry_after:g}"
    if retry_after > _LONGEST_SHOWN_WAIT_S:
        return f"the API asks to wait {seconds} s before retrying"
    now = time.time()
    moment = datetime.fromtimestamp(now + retry_after, UTC)
    same_day = moment.date() == datetime.fromtimestamp(now, UTC).date()
    at = f"{moment:%H:%M:%S}" if same_day else f"{moment:%Y-%m-%d %H:%M:%S}"
    return f"retry after {seconds} s (at {at} UTC)"


class InternalServerError(APIStatusError):
    """5xx: the API failed on its side."""


class ResponseValidationError(EvEnergyError):
    """A successful response whose body is not JSON or does not fit the operation's schema."""

    def __init__(self, operation: str, reason: str, *, response: httpx.Response) -> None:
        super().__init__(f"{operation}: the response body does not fit the schema: {reason}")
        self.operation = operation
        self.reason = reason
        self.response = response


class ResponseTooLargeError(EvEnergyError):
    """A response body grew past `max_response_bytes` once decoded; the call is not retried.

    `limit` is that setting; `response` carries the status and headers (its body was dropped).
    """

    def __init__(self, message: str, *, limit: int, response: httpx.Response) -> None:
        super().__init__(message)
        self.limit = limit
        self.response = response


class PaginationError(EvEnergyError):
    """The API's pagination cannot be followed safely (a repeated or unreadable cursor)."""


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    406: NotAcceptableError,
    429: RateLimitError,
}


def _describe(response: httpx.Response, problem: ProblemDetails | None, operation: str) -> str:
    status = f"{response.status_code} {response.reason_phrase}".strip()
    if problem is not None:
        # The title often restates the status ("Not found" after "404 Not Found"): say it once.
        parts = [status, problem.title, problem.detail]
        if (problem.title or "").casefold() == response.reason_phrase.casefold():
            parts.remove(problem.title)
        return f"{operation}: " + ": ".join(part for part in parts if part)
    excerpt = " ".join(masked_excerpt(body_text(response), _BODY_EXCERPT_CHARS).split())
    return f"{operation}: {status}" + (f": {excerpt}" if excerpt else "")


def status_error(response: httpx.Response, operation: str) -> APIStatusError:
    """Return the error for a non-2xx response, with its problem details when it carries them."""
    if response.status_code >= 500:
        cls: type[APIStatusError] = InternalServerError
    else:
        cls = _STATUS_CLASSES.get(response.status_code, APIStatusError)
    problem = ProblemDetails.from_response(response)
    return cls(_describe(response, problem, operation), response=response, problem=problem)
