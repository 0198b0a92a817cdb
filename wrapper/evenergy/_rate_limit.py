"""The hourly request budget, as the X-RateLimit-* headers of each response report it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import httpx

from ._constants import LOGGER_NAME, LOW_BUDGET_FRACTION, MAX_HEADER_NUMBER

logger = logging.getLogger(LOGGER_NAME)


@dataclass(frozen=True, slots=True)
class RateLimit:
    """Requests allowed per rolling hour (`limit`) and how many of them are left (`remaining`)."""

    limit: int
    remaining: int

    @classmethod
    def from_headers(cls, headers: httpx.Headers) -> RateLimit | None:
        """Read X-RateLimit-Limit and X-RateLimit-Remaining; None when either is absent or bad.

        Only whole numbers from 0 to 10**12 are believed; anything else counts as absent, and so
        does a header sent twice. The raw bytes are read, in one pass: decoding a response's
        headers as text (httpx's `headers.get`) cost more than the rest of the SDK's work on a
        `get()`, and a number is ASCII whatever the headers' charset.
        """
        found: dict[bytes, bytes] = {}
        for name, value in headers.raw:
            name = name.lower()
            if name in _HEADER_NAMES:
                found[name] = _REPEATED if name in found else value
        limit = _count(found.get(b"x-ratelimit-limit"))
        remaining = _count(found.get(b"x-ratelimit-remaining"))
        if limit is None or remaining is None:
            return None
        return cls(limit=limit, remaining=remaining)

    @property
    def is_low(self) -> bool:
        """Whether less than 5% of the hourly budget is left."""
        return self.remaining < self.limit * LOW_BUDGET_FRACTION


_HEADER_NAMES = frozenset({b"x-ratelimit-limit", b"x-ratelimit-remaining"})
_REPEATED = b"repeated"  # stands for a header sent twice: not one number
_MAX_DIGITS = len(str(MAX_HEADER_NUMBER))


def _count(value: bytes | None) -> int | None:
    if value is None:
        return None
    digits = value.strip()  # ASCII whitespace; bytes.isdigit() is true only for ASCII digits
    if not digits.isdigit() or len(digits) > _MAX_DIGITS:
        return None
    number = int(digits)
    return number if number <= MAX_HEADER_NUMBER else None


class RateLimitTracker:
    """The latest budget one client has seen, safe to read and update from any thread or task."""

    def __init__(self) -> None:
        self._latest: RateLimit | None = None
        self._warned = False
        self._lock = threading.Lock()

    @property
    def latest(self) -> RateLimit | None:
        """The budget reported by the most recent response, or None before the first."""
        return self._latest

    def observe(self, rate_limit: RateLimit | None) -> None:
        """Record a response's budget; warn once per client when it runs low."""
        if rate_limit is None:
            return
        with self._lock:
            self._latest = rate_limit
            warn = rate_limit.is_low and not self._warned
            self._warned = self._warned or warn
        if warn:
            logger.warning(
                "ev.energy rate limit nearly spent: %d of %d requests left this hour",
                rate_limit.remaining,
                rate_limit.limit,
            )
