"""The hourly request budget, as the X-RateLimit-* headers of each response report it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import httpx

from ._constants import LOGGER_NAME, LOW_BUDGET_FRACTION, MAX_HEADER_NUMBER

logger = logging.getLogger(LOGGER_NAME)

Budget = tuple[int, int]
"""(limit, remaining), as read from one response."""


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
        budget = _read_budget(headers)
        return None if budget is None else cls(*budget)

    @property
    def is_low(self) -> bool:
        """Whether less than 5% of the hourly budget is left."""
        return _is_low(self.limit, self.remaining)


def _is_low(limit: int, remaining: int) -> bool:
    return remaining < limit * LOW_BUDGET_FRACTION


def _read_budget(headers: httpx.Headers) -> Budget | None:
    """The (limit, remaining) of the X-RateLimit-* headers, or None (see RateLimit.from_headers).

    It runs on every response, so it reads the raw bytes in one pass: decoding the headers as
    text (httpx's `headers.get`) made this a third of the SDK's own work on a `get()`, and a
    number is ASCII whatever the headers' charset.
    """
    limit = remaining = None
    for name, value in headers.raw:
        if len(name) == len(_LIMIT) and name.lower() == _LIMIT:
            limit = _REPEATED if limit is not None else value
        elif len(name) == len(_REMAINING) and name.lower() == _REMAINING:
            remaining = _REPEATED if remaining is not None else value
    if limit is None or remaining is None:
        return None
    limit_count, remaining_count = _count(limit), _count(remaining)
    if limit_count is None or remaining_count is None:
        return None
    return limit_count, remaining_count


_LIMIT = b"x-ratelimit-limit"
_REMAINING = b"x-ratelimit-remaining"
_REPEATED = b"repeated"  # stands for a header sent twice: not one number
_MAX_DIGITS = len(str(MAX_HEADER_NUMBER))


def _count(value: bytes) -> int | None:
    digits = value.strip()  # ASCII whitespace; bytes.isdigit() is true only for ASCII digits
    if not digits.isdigit() or len(digits) > _MAX_DIGITS:
        return None
    number = int(digits)
    return number if number <= MAX_HEADER_NUMBER else None


class RateLimitTracker:
    """The latest budget one client has seen, safe to read and update from any thread or task.

    It keeps the pair of numbers (replaced in one assignment, so a reader never sees half of
    one response's budget); a RateLimit is made only when someone reads it.
    """

    def __init__(self) -> None:
        self._budget: Budget | None = None
        self._warned = False
        self._lock = threading.Lock()

    @property
    def latest(self) -> RateLimit | None:
        """The budget reported by the most recent response, or None before the first."""
        budget = self._budget
        return None if budget is None else RateLimit(*budget)

    def observe(self, headers: httpx.Headers) -> None:
        """Record the budget a response's headers report; warn once per client when it runs low."""
        budget = _read_budget(headers)
        if budget is None:
            return
        self._budget = budget
        if not _is_low(*budget) or self._warned:
            return
        with self._lock:  # one warning, however many threads see a low budget at once
            warn, self._warned = not self._warned, True
        if warn:
            limit, remaining = budget
            logger.warning(
                "ev.energy rate limit nearly spent: %d of %d requests left this hour",
                remaining,
                limit,
            )
