"""Network behaviour over real loopback sockets: timeouts, keep-alive, cancellation, event loops.

A mocked transport replaces the network, so it cannot show any of these; the server here is a
real one (tests/loopback.py) that can also accept a request and never answer it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from loopback import Received, Reply, serving

from evenergy import APITimeoutError, AsyncEvEnergy, EvEnergy, UsageError
from harness import CLIENT_SECRET, SITE_ID, site

TIMEOUT = 1.0
FETCHED_TOKEN = "fetched-over-a-socket-5e1d"


def api(request: Received) -> Reply | None:
    """A well-behaved API and token endpoint."""
    if request.path == "/o/token/":
        return Reply(body={"access_token": FETCHED_TOKEN, "expires_in": 3600})
    if request.path.startswith("/v2/evse_sites/"):
        return Reply(body=site(1))
    return Reply(404, {"title": "Not found", "detail": "No such path."})


def hang_tokens(request: Received) -> Reply | None:
    """The token endpoint accepts the request and never answers; the API is fine."""
    return None if request.path == "/o/token/" else api(request)


def credentials_client(url: str, **options: Any) -> EvEnergy:
    return EvEnergy(
        client_id="socket-client", client_secret=CLIENT_SECRET, token_url=f"{url}/o/token/",
        base_url=f"{url}/v2", timeout=TIMEOUT, **options,
    )  # fmt: skip


def test_a_stalled_token_endpoint_times_out_every_thread_at_once() -> None:
    threads = 4
    with serving(hang_tokens) as server, credentials_client(server.url, max_retries=0) as client:
        started = time.monotonic()
        with ThreadPoolExecutor(threads) as pool:
            outcomes = list(pool.map(lambda _: _error_of(client.evse_sites.get, SITE_ID), range(4)))
        elapsed = time.monotonic() - started
        token_requests = [r for r in server.requests() if r.path == "/o/token/"]
    assert all(isinstance(error, APITimeoutError) for error in outcomes), outcomes
    assert all("fetching a token from" in str(error) for error in outcomes)
    # One shared fetch: about one timeout for all four, not four timeouts one after the other.
    assert elapsed < threads * TIMEOUT, elapsed
    assert len(token_requests) == 1


def test_the_token_request_is_retried_and_carries_a_user_agent() -> None:
    answers = iter([Reply(503, b"busy", {"Retry-After": "0"})])

    def flaky_tokens(request: Received) -> Reply | None:
        if request.path == "/o/token/":
            return next(answers, None) or api(request)
        return api(request)

    with serving(flaky_tokens) as server, credentials_client(server.url) as client:
        assert client.evse_sites.get(SITE_ID).id == site(1)["id"]
        token_requests = [r for r in server.requests() if r.path == "/o/token/"]
    assert len(token_requests) == 2
    assert all(r.headers["user-agent"].startswith("evenergy-python/") for r in token_requests)


def test_an_api_request_that_gets_no_answer_times_out() -> None:
    with (
        serving(lambda request: None) as server,
        EvEnergy(access_token="t", base_url=f"{server.url}/v2", timeout=TIMEOUT,
                 max_retries=0) as client,
    ):  # fmt: skip
        started = time.monotonic()
        with pytest.raises(APITimeoutError, match="get_evse_site: the request timed out"):
            client.evse_sites.get(SITE_ID)
    assert time.monotonic() - started < 3 * TIMEOUT


def test_the_sync_client_keeps_its_connection_alive_across_calls() -> None:
    with serving(api) as server, credentials_client(server.url) as client:
        for _ in range(3):
            client.evse_sites.get(SITE_ID)
        assert server.connections == 1  # the token request and three gets, one connection


def test_the_async_client_keeps_its_connection_alive_across_calls() -> None:
    async def three_gets(url: str) -> None:
        async with AsyncEvEnergy(access_token="t", base_url=f"{url}/v2") as client:
            for _ in range(3):
                await client.evse_sites.get(SITE_ID)

    with serving(api) as server:
        asyncio.run(three_gets(server.url))
        assert server.connections == 1


def test_an_async_call_can_be_cancelled_mid_request_and_the_client_goes_on() -> None:
    hang_once = iter([True])

    def first_request_hangs(request: Received) -> Reply | None:
        return None if next(hang_once, False) else api(request)

    async def scenario(url: str) -> str:
        async with AsyncEvEnergy(access_token="t", base_url=f"{url}/v2", timeout=30) as client:
            call = asyncio.create_task(client.evse_sites.get(SITE_ID))
            await asyncio.to_thread(server.next_request)  # the request reached the server
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            return (await client.evse_sites.get(SITE_ID)).id

    with serving(first_request_hangs) as server:
        assert asyncio.run(scenario(server.url)) == site(1)["id"]
        assert server.connections == 2  # the cancelled request's connection was dropped


def test_an_async_client_used_from_a_second_event_loop_raises_usage_error() -> None:
    with (
        serving(api) as server,
        asyncio.Runner() as first,
        asyncio.Runner() as second,
    ):
        client = AsyncEvEnergy(access_token="t", base_url=f"{server.url}/v2")
        assert first.run(client.evse_sites.get(SITE_ID)).id == site(1)["id"]
        with pytest.raises(UsageError, match="one client per event loop"):
            second.run(client.evse_sites.get(SITE_ID))
        with pytest.raises(UsageError):
            second.run(client.aclose())
        first.run(client.aclose())  # in its own loop it closes cleanly
        with pytest.raises(UsageError, match="closed"):
            first.run(client.evse_sites.get(SITE_ID))


def test_no_secret_in_httpcore_debug_logs_when_the_server_echoes_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def echo(request: Received) -> Reply | None:
        reply = api(request)
        assert reply is not None
        echoed = {"X-Echo": request.headers.get("authorization", "")}
        return Reply(reply.status, reply.body, {**reply.headers, **echoed})

    caplog.set_level(logging.DEBUG)
    with serving(echo) as server, credentials_client(server.url) as client:
        client.evse_sites.get(SITE_ID)
    assert any(r.name.startswith("httpcore") for r in caplog.records)
    assert FETCHED_TOKEN not in caplog.text
    assert CLIENT_SECRET not in caplog.text


def _error_of(call: object, *args: object) -> BaseException | None:
    try:
        call(*args)  # type: ignore[operator]
    except Exception as error:
        return error
    return None
