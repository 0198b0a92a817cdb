"""Reading what a server sent, whatever it sent: bodies, the rate-limit headers, Retry-After.

Every place that reads a response goes through here, so that no body or header can raise
anything but the SDK's own errors further up: bad JSON, JSON nested too deep, any charset, a
header sent twice or holding a 400-digit number. `RawResponse` is a response as a
`with_raw_response` call returns it.

    raw = client.evse_sites.with_raw_response.get("site01JX2SZ0WAFTDYVYY0JRAYREY7")
    print(raw.status_code, raw.headers["EvEnergy-Version"], raw.rate_limit)
    site = raw.parse()
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Generic, TypeVar

import httpx

from ._constants import LOW_BUDGET_FRACTION, MAX_HEADER_NUMBER

T = TypeVar("T")

NOT_JSON: Any = object()
"""What `json_body` returns for a body that is not JSON (a JSON `null` is None)."""


def json_body(response: httpx.Response) -> Any:
    """The body's JSON value, or NOT_JSON when it is not JSON."""
    return json_or_error(response)[0]


def json_or_error(response: httpx.Response) -> tuple[Any, str | None]:
    """The body's JSON value and None, or NOT_JSON and why it is not JSON."""
    try:
        return response.json(), None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, int too large
        return NOT_JSON, str(error)
    except RecursionError:
        return NOT_JSON, "the JSON is nested too deeply"


def body_text(response: httpx.Response) -> str:
    """The body as text in the charset it names; UTF-8 where that charset cannot decode it."""
    try:
        return response.text
    except Exception:
        return response.content.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Requests allowed per rolling hour (`limit`) and how many of them are left (`remaining`)."""

    limit: int
    remaining: int

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimit | None:
        """Read X-RateLimit-Limit and X-RateLimit-Remaining; None when either is absent or bad.

        Only whole numbers from 0 to 10**12 are believed; anything else counts as absent, and so
        does a header sent twice.
        """
        limit = _count(headers.get_list("x-ratelimit-limit"))
        remaining = _count(headers.get_list("x-ratelimit-remaining"))
        if limit is None or remaining is None:
            return None
        return cls(limit, remaining)

    @property
    def is_low(self) -> bool:
        """Whether less than 5% of the hourly budget is left."""
        return self.remaining < self.limit * LOW_BUDGET_FRACTION


_MAX_DIGITS = len(str(MAX_HEADER_NUMBER))


def _count(values: list[str]) -> int | None:
    """The number one header's only value holds, or None."""
    if len(values) != 1:
        return None
    digits = values[0].strip()
    if not (digits.isascii() and digits.isdigit()) or len(digits) > _MAX_DIGITS:
        return None
    number = int(digits)
    return number if number <= MAX_HEADER_NUMBER else None


_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Return the wait in seconds that a Retry-After value asks for, or None if it is unreadable.

    RFC 9110: a delay in seconds, or an HTTP date; a date in the past gives 0. A wait too large
    to represent (a 400-digit number, a date in the year 9999) gives math.inf: "longer than
    anyone waits", never an exception. `now` (a Unix time) is for tests; it defaults to the clock.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # the RFC's delay-seconds; any number of digits
        return float(text) if len(text) <= 15 else math.inf
    if _DECIMAL.fullmatch(text):  # lenient: "1.5" and "-1" are read too
        seconds: float | None = float(text)
    else:
        seconds = _seconds_until(text, time.time() if now is None else now)
    return None if seconds is None else max(0.0, seconds)


def _seconds_until(text: str, now: float) -> float | None:
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        return None
    try:
        return moment.timestamp() - now
    except (OverflowError, ValueError, OSError):
        return math.inf


class RawResponse(Generic[T]):
    """A successful response as received: status, headers, and `parse()` for the usual result.

    Error statuses still raise the SDK's errors (which carry their headers too); parsing happens
    only when `parse()` is called, and raises ResponseValidationError as the plain call would.
    """

    def __init__(self, http_response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = http_response
        """The httpx response itself."""
        self._parse = parse

    @property
    def status_code(self) -> int:
        """The HTTP status, such as 200."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive), such as EvEnergy-Version."""
        return self.http_response.headers

    @property
    def rate_limit(self) -> RateLimit | None:
        """The hourly budget this response reported, or None when it did not."""
        return RateLimit.from_headers(self.http_response.headers)

    def parse(self) -> T:
        """The result the plain call returns: a model, or a Page for a list."""
        return self._parse()

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}]>"
