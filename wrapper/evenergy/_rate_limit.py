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

        Only whole numbers from 0 to 10**12 are believed; anything else counts as absent.
        """
        limit = _count(headers.get("X-RateLimit-Limit"))
        remaining = _count(headers.get("X-RateLimit-Remaining"))
        if limit is None or remaining is None:
            return None
        return cls(limit=limit, remaining=remaining)

    @property
    def is_low(self) -> bool:
        """Whether less than 5% of the hourly budget is left."""
        return self.remaining < self.limit * LOW_BUDGET_FRACTION


_MAX_DIGITS = len(str(MAX_HEADER_NUMBER))


def _count(value: str | None) -> int | None:
    if value is None:
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > _MAX_DIGITS:
        return None
    number = int(text)
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
