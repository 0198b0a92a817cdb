"""Network behaviour over real loopback sockets: timeouts, keep-alive, cancellation, event loops,
cookies, body size, trickling servers and proxies from the environment.

A mocked transport replaces the network, so it cannot show any of these; the server here is a
real one (tests/loopback.py) that can also accept a request and never answer it.
"""

from __future__ import annotations

import asyncio
import logging
import time
import tracemalloc
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from loopback import Received, Reply, serving

from evenergy import (
    APIConnectionError,
    APITimeoutError,
    AsyncEvEnergy,
    EvEnergy,
    ResponseTooLargeError,
    UsageError,
)
from evenergy._constants import MAX_CONNECTIONS
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
        client_id="socket-client",
        client_secret=CLIENT_SECRET,
        token_url=f"{url}/o/token/",
        base_url=f"{url}/v2",
        timeout=TIMEOUT,
        **options,
    )


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
        EvEnergy(
            access_token="t", base_url=f"{server.url}/v2", timeout=TIMEOUT, max_retries=0
        ) as client,
    ):
        started = time.monotonic()
        with pytest.raises(
            APITimeoutError, match=r"get_evse_site: the request to 127.0.0.1 \(base_url\) timed out"
        ):
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
        return Reply(reply.status, reply.body, {**dict(reply.headers), **echoed})

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


def test_the_sdks_own_clients_send_no_cookie_back() -> None:
    # One cookie with a non-ASCII byte (latin-1 on the wire), and twenty large ones.
    cookies = [("Set-Cookie", "session=caf\u00e9")]
    cookies += [("Set-Cookie", f"c{n}={'x' * 200}") for n in range(20)]

    def cookie_jar_filler(request: Received) -> Reply | None:
        reply = api(request)
        assert reply is not None
        return Reply(reply.status, reply.body, cookies)

    async def async_gets(url: str) -> None:
        async with AsyncEvEnergy(access_token="t", base_url=f"{url}/v2") as client:
            for _ in range(3):
                await client.with_options(timeout=5).evse_sites.get(SITE_ID)

    with serving(cookie_jar_filler) as server:
        with EvEnergy(access_token="t", base_url=f"{server.url}/v2") as client:
            for _ in range(3):
                client.evse_sites.get(SITE_ID)
        asyncio.run(async_gets(server.url))
        seen = server.requests()
    assert len(seen) == 6
    assert all("cookie" not in request.headers for request in seen)


BOMB_BYTES = 256 * 1024 * 1024  # zeros, gzip-compressed to about 250 KiB


def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    block = bytes(1024 * 1024)
    return (
        b"".join(packer.compress(block) for _ in range(BOMB_BYTES // len(block))) + packer.flush()
    )


def test_a_compression_bomb_stops_at_the_cap_within_a_memory_bound() -> None:
    bomb = _gzip_bomb()
    reply = Reply(200, bomb, {"Content-Encoding": "gzip"})
    with (
        serving(lambda request: reply) as server,
        EvEnergy(access_token="t", base_url=f"{server.url}/v2", timeout=30) as client,
    ):
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLargeError):
                client.evse_sites.get(SITE_ID)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # The default cap (32 MiB, and once more to join its chunks) plus one raw chunk's expansion
    # (16 KiB inflate at most about 1,030 times), where reading it whole took 2 * BOMB_BYTES.
    assert peak < 96 * 1024 * 1024, peak


def test_a_cancellation_storm_under_pool_contention_leaves_the_async_client_usable() -> None:
    """httpcore#1093: a queued request cancelled just as it gets a new connection leaks that
    connection's pool slot for good; the SDK's own client never lets httpcore queue one."""
    answering = False
    rounds, calls = 3, MAX_CONNECTIONS + 30  # 390 cancellations, 90 of them of queued calls

    def hang_until_answering(request: Received) -> Reply | None:
        return api(request) if answering else None

    async def storm(server: Any) -> str:
        nonlocal answering
        async with AsyncEvEnergy(
            # No timeout may end a stormed call before it is cancelled, on a loaded machine too;
            # the last call has 10 s, so a leaked pool fails it quickly.
            access_token="t",
            base_url=f"{server.url}/v2",
            timeout=3600,
            max_retries=0,
        ) as client:
            for _ in range(rounds):
                tasks = [asyncio.create_task(client.evse_sites.get(SITE_ID)) for _ in range(calls)]
                # Every connection of the pool holds a request; the other calls wait.
                await asyncio.to_thread(
                    lambda: [server.next_request() for _ in range(MAX_CONNECTIONS)]
                )
                for task in tasks:
                    task.cancel()
                outcomes = await asyncio.gather(*tasks, return_exceptions=True)
                assert all(isinstance(o, asyncio.CancelledError) for o in outcomes), outcomes
            answering = True
            return (await client.with_options(timeout=10).evse_sites.get(SITE_ID)).id

    with serving(hang_until_answering) as server:
        assert asyncio.run(storm(server)) == site(1)["id"]


TRICKLE_S = 0.1  # the server's pace: one byte every 0.1 s, 25 s for a whole site


def _trickled(*, from_body: bool) -> Reply:
    """A site whose headers (from the status code on), or whose body, come a byte at a time."""
    reply = Reply(body=site(1))
    head = reply.encode().index(b"\r\n\r\n") + 4
    start, end = (head, None) if from_body else (9, head)
    return Reply(reply.status, reply.body, trickle=TRICKLE_S, trickle_from=start, trickle_to=end)


def _get_at_half_a_second(kind: str, url: str) -> object:
    """One get by a client of `kind` with timeout=0.5 (so 2 s an attempt) and no retry."""
    options: dict[str, Any] = {"access_token": "t", "base_url": f"{url}/v2", "timeout": 0.5}
    if kind == "sync":
        with EvEnergy(**options, max_retries=0) as client:
            return client.evse_sites.get(SITE_ID)

    async def get() -> object:
        async with AsyncEvEnergy(**options, max_retries=0) as client:
            return await client.evse_sites.get(SITE_ID)

    return asyncio.run(get())


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("from_body", [False, True], ids=["headers", "body"])
def test_an_attempt_ends_by_its_deadline_however_slowly_the_answer_comes(
    kind: str, from_body: bool
) -> None:
    with serving(lambda request: _trickled(from_body=from_body)) as server:
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            _get_at_half_a_second(kind, server.url)
    # By the deadline (2 s), where the headers alone take 6 s and the body 25 s.
    assert time.monotonic() - started < 4, time.monotonic() - started


def test_a_day_long_timeout_works_on_a_real_socket() -> None:
    with (
        serving(api) as server,
        EvEnergy(
            access_token="t", base_url=f"{server.url}/v2", timeout=86400, max_retry_after=86400
        ) as client,
    ):
        assert client.evse_sites.get(SITE_ID).id == site(1)["id"]


def test_a_proxy_from_the_environment_never_carries_plain_http(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serving(api) as server, serving(lambda request: Reply(502)) as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        with EvEnergy(access_token="tok-in-clear", base_url=f"{server.url}/v2") as client:
            assert client.evse_sites.get(SITE_ID).id == site(1)["id"]
        assert proxy.requests() == []
        assert [r.headers["authorization"] for r in server.requests()] == ["Bearer tok-in-clear"]
        # https goes through the proxy, as a tunnel (CONNECT): the token never reaches it.
        with (
            EvEnergy(
                access_token="tok-in-clear", base_url="https://api.test/v2", max_retries=0
            ) as client,
            pytest.raises(APIConnectionError),
        ):
            client.evse_sites.get(SITE_ID)
        tunnel = proxy.next_request()
        assert (tunnel.method, tunnel.path) == ("CONNECT", "api.test:443")
        assert "authorization" not in tunnel.headers
