"""Retries with backoff and Retry-After, for both clients; the timing rules as pure functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
import respx

from evenergy import (
    APIConnectionError,
    APITimeoutError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from evenergy._response import parse_retry_after
from evenergy._retry import backoff_delay, decide
from harness import SITE_ID, Sdk, problem, site


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}")


def ok() -> httpx.Response:
    return httpx.Response(200, json=site(1))


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_with_backoff(
    sdk: Sdk, route: respx.Route, sleeps: list[float], status: int
) -> None:
    route.side_effect = [httpx.Response(status), httpx.Response(status), ok()]
    assert sdk.get_site(sdk.client()).id == site(1)["id"]
    assert route.call_count == 3
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5
    assert 0.5 <= sleeps[1] <= 1.0


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
def test_network_failures_are_retried_then_raised(
    sdk: Sdk, route: respx.Route, sleeps: list[float], error: Exception, raised: type[Exception]
) -> None:
    route.side_effect = error
    with pytest.raises(raised, match="get_evse_site"):
        sdk.get_site(sdk.client())
    assert route.call_count == 3  # max_retries=2 by default
    assert len(sleeps) == 2


def test_a_timeout_can_be_caught_as_a_connection_error(sdk: Sdk, route: respx.Route) -> None:
    route.side_effect = httpx.ReadTimeout("slow")
    with pytest.raises(APIConnectionError, match="get_evse_site") as caught:
        sdk.get_site(sdk.client(max_retries=0))
    assert type(caught.value) is APITimeoutError


def test_a_network_failure_then_success(sdk: Sdk, route: respx.Route) -> None:
    route.side_effect = [httpx.ConnectError("reset"), ok()]
    assert sdk.get_site(sdk.client()).id == site(1)["id"]


def test_exhausted_retries_raise_the_last_error(sdk: Sdk, route: respx.Route) -> None:
    route.respond(503, json=problem(503, "Service Unavailable", "Try later."))
    with pytest.raises(InternalServerError, match="Try later"):
        sdk.get_site(sdk.client(max_retries=3))
    assert route.call_count == 4


def test_max_retries_zero_sends_once(sdk: Sdk, route: respx.Route) -> None:
    route.respond(503)
    with pytest.raises(InternalServerError):
        sdk.get_site(sdk.client(max_retries=0))
    assert route.call_count == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 501])
def test_other_statuses_are_not_retried(sdk: Sdk, route: respx.Route, status: int) -> None:
    route.respond(status, json=problem(status, "No", "Not retried."))
    with pytest.raises(Exception, match="Not retried"):
        sdk.get_site(sdk.client())
    assert route.call_count == 1


def test_retry_after_is_honoured(sdk: Sdk, route: respx.Route, sleeps: list[float]) -> None:
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "7"}), ok()]
    sdk.get_site(sdk.client())
    assert sleeps == [7.0]


def test_retry_after_as_an_http_date_is_honoured(
    sdk: Sdk, route: respx.Route, sleeps: list[float]
) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    route.side_effect = [httpx.Response(503, headers={"Retry-After": when}), ok()]
    sdk.get_site(sdk.client())
    assert 25 <= sleeps[0] <= 30


def test_retry_after_past_the_cap_raises_at_once(
    sdk: Sdk, route: respx.Route, sleeps: list[float]
) -> None:
    route.respond(
        429,
        headers={"Retry-After": "3600"},
        json=problem(429, "Too Many Requests", "Request was rate limited."),
    )
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(sdk.client())
    assert caught.value.retry_after == 3600
    assert route.call_count == 1
    assert sleeps == []


def test_the_cap_is_configurable(sdk: Sdk, route: respx.Route, sleeps: list[float]) -> None:
    route.side_effect = [httpx.Response(429, headers={"Retry-After": "90"}), ok()]
    sdk.get_site(sdk.client(max_retry_after=120))
    assert sleeps == [90.0]


def test_a_404_is_not_retried(sdk: Sdk, route: respx.Route) -> None:
    route.respond(404, json=problem(404, "Not found", "No such site."))
    with pytest.raises(NotFoundError):
        sdk.get_site(sdk.client())
    assert route.call_count == 1


NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("42", 42.0),
        (" 3 ", 3.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("-5", 0.0),
        (format_datetime(datetime.fromtimestamp(NOW + 120, UTC), usegmt=True), 120.0),
        (format_datetime(datetime.fromtimestamp(NOW - 120, UTC), usegmt=True), 0.0),
        ("Wed, 21 Oct 2015 07:28:00", None),  # a date without a zone is not an HTTP date
        ("soon", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("retry", "low", "high"), [(1, 0.25, 0.5), (2, 0.5, 1.0), (3, 1.0, 2.0), (10, 4.0, 8.0)]
)
def test_backoff_grows_exponentially_with_jitter_up_to_a_cap(
    retry: int, low: float, high: float
) -> None:
    assert backoff_delay(retry, jitter=lambda: 0.0) == low
    assert backoff_delay(retry, jitter=lambda: 1.0) == high


def test_decide_stops_when_retries_are_spent() -> None:
    busy = httpx.Response(503)
    assert decide(attempt=2, max_retries=2, max_retry_after=60, response=busy) is not None
    assert decide(attempt=3, max_retries=2, max_retry_after=60, response=busy) is None
