"""The hourly budget: visible on the client, on pages and on errors; a warning when it runs low."""

from __future__ import annotations

import logging

import httpx
import pytest
import respx

from evenergy import RateLimit, RateLimitError
from harness import SITE_ID, Sdk, link, problem, site


def budget(limit: int, remaining: int) -> dict[str, str]:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remaining": str(remaining)}


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}")


def test_the_client_reports_the_latest_budget(sdk: Sdk, route: respx.Route) -> None:
    route.side_effect = [
        httpx.Response(200, json=site(1), headers=budget(1000, 999)),
        httpx.Response(200, json=site(1), headers=budget(1000, 998)),
    ]
    client = sdk.client()
    assert client.rate_limit is None
    sdk.get_site(client)
    assert client.rate_limit == RateLimit(limit=1000, remaining=999)
    sdk.get_site(client)
    assert client.rate_limit == RateLimit(limit=1000, remaining=998)


def test_a_response_without_the_headers_keeps_the_last_known_budget(
    sdk: Sdk, route: respx.Route
) -> None:
    route.side_effect = [
        httpx.Response(200, json=site(1), headers=budget(1000, 500)),
        httpx.Response(200, json=site(1), headers={"X-RateLimit-Limit": "lots"}),
    ]
    client = sdk.client()
    sdk.get_site(client)
    sdk.get_site(client)
    assert client.rate_limit == RateLimit(limit=1000, remaining=500)


def test_pages_and_errors_carry_their_budget(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get("/evse_sites").respond(200, json=[site(1)], headers={**link(), **budget(1000, 10)})
    api.get(f"/evse_sites/{SITE_ID}").respond(
        429, json=problem(429, "Too Many Requests", "Slow down."), headers=budget(1000, 0)
    )
    client = sdk.client(max_retries=0)
    (page,) = sdk.pages(client)
    assert page.rate_limit == RateLimit(limit=1000, remaining=10)
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(client)
    assert caught.value.rate_limit == RateLimit(limit=1000, remaining=0)
    assert client.rate_limit == RateLimit(limit=1000, remaining=0)


def test_a_warning_once_per_client_when_under_five_percent(
    sdk: Sdk, route: respx.Route, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="evenergy")
    route.side_effect = [
        httpx.Response(200, json=site(1), headers=budget(1000, 50)),  # exactly 5%: no warning
        httpx.Response(200, json=site(1), headers=budget(1000, 49)),
        httpx.Response(200, json=site(1), headers=budget(1000, 48)),
    ]
    client = sdk.client()
    for _ in range(3):
        sdk.get_site(client)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "49" in warnings[0]
    assert "1000" in warnings[0]


def test_each_client_warns_for_itself(
    sdk: Sdk, route: respx.Route, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="evenergy")
    route.respond(200, json=site(1), headers=budget(100, 1))
    sdk.get_site(sdk.client())
    sdk.get_site(sdk.client())
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 2


LIMIT, REMAINING = b"X-RateLimit-Limit", b"X-RateLimit-Remaining"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([(b"x-ratelimit-limit", b" 1000 "), (b"X-RATELIMIT-REMAINING", b"7")], RateLimit(1000, 7)),
        ([(LIMIT, b"0"), (REMAINING, b"0")], RateLimit(0, 0)),
        ([(LIMIT, b"1000000000000"), (REMAINING, b"1")], RateLimit(10**12, 1)),
        ([(LIMIT, b"1000000000001"), (REMAINING, b"1")], None),  # beyond what is believed
        ([(LIMIT, b"1000"), (LIMIT, b"1000"), (REMAINING, b"7")], None),  # sent twice
        ([(LIMIT, b"1000"), (REMAINING, "\u0663".encode())], None),  # a digit, but not ASCII
        ([(LIMIT, b"1000"), (REMAINING, b"-1")], None),
        ([(LIMIT, b"1000"), (REMAINING, b"7.0")], None),
        ([(LIMIT, b"1000")], None),
    ],
)
def test_the_budget_headers_are_read_strictly(
    raw: list[tuple[bytes, bytes]], expected: RateLimit | None
) -> None:
    assert RateLimit.from_headers(httpx.Headers(raw)) == expected
