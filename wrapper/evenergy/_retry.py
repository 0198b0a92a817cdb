"""When to retry a request and how long to wait first: pure functions, shared by both clients."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from ._constants import INITIAL_RETRY_DELAY_S, MAX_RETRY_DELAY_S, RETRYABLE_STATUSES
from ._response import parse_retry_after

REPEATABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Methods whose request may be sent again after any failure: repeating it changes nothing more."""
UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures that leave a request unsent: the server cannot have processed it."""


@dataclass(frozen=True, slots=True)
class Retry:
    """Wait `delay` seconds, then send again; `reason` says why, for the log."""

    delay: float
    reason: str


def backoff_delay(retry_number: int, *, jitter: Callable[[], float] = random.random) -> float:
    """Exponential backoff with jitter: retry n waits between half and all of 0.5 * 2**(n-1) s."""
    ceiling = min(MAX_RETRY_DELAY_S, INITIAL_RETRY_DELAY_S * 2 ** (retry_number - 1))
    return float(ceiling * (0.5 + 0.5 * jitter()))


def decide(
    *,
    attempt: int,
    max_retries: int,
    max_retry_after: float,
    response: httpx.Response | None = None,
    error: httpx.TransportError | None = None,
    repeatable: bool = True,
    jitter: Callable[[], float] = random.random,
) -> Retry | None:
    """Return how to retry the outcome of attempt number `attempt` (from 1), or None to stop.

    Connection errors, timeouts and the statuses 429, 500, 502, 503 and 504 are retried while
    retries are left. A Retry-After header is honoured when it asks for at most `max_retry_after`
    seconds; a longer wait is not retried (the caller raises at once, with retry_after set).

    A request that is not `repeatable` (POST, PATCH: the API has no idempotency keys) is retried
    only when the server cannot have processed it: a connection that failed before it was sent,
    or a 429; never after a 5xx or a timeout while waiting for the answer.
    """
    if attempt > max_retries:
        return None
    if error is not None:
        if not repeatable and not isinstance(error, UNSENT):
            return None
        return Retry(backoff_delay(attempt, jitter=jitter), type(error).__name__)
    if response is None or response.status_code not in RETRYABLE_STATUSES:
        return None
    if not repeatable and response.status_code != 429:
        return None
    reason = f"{response.status_code} {response.reason_phrase}".strip()
    wait = parse_retry_after(response.headers.get("Retry-After"))
    if wait is None:
        return Retry(backoff_delay(attempt, jitter=jitter), reason)
    if wait > max_retry_after:
        return None
    return Retry(wait, f"{reason}, Retry-After {wait:g} s")
