"""Parsing of the Retry-After header (RFC 9110: delay in seconds, or an HTTP date)."""

from __future__ import annotations

import math
import re
import time
from email.utils import parsedate_to_datetime

_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Return the wait in seconds that a Retry-After value asks for, or None if it is unreadable.

    A date in the past gives 0. A wait too large to represent (a 400-digit number, a date in the
    year 9999) gives math.inf: "longer than anyone waits", never an exception. `now` (a Unix
    time) is for tests; it defaults to the clock.
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
