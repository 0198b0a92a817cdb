"""Authentication: a ready token, and OAuth2 client credentials with a shared token cache."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from evenergy import AsyncEvEnergy, AuthenticationError, EvEnergy
from evenergy._constants import MIN_TOKEN_FETCH_INTERVAL_S
from harness import CLIENT_SECRET, SITE_ID, TOKEN_URL, Sdk, problem, site

CLIENT_ID = "client-id:with/odd chars"


def token_response(token: str, expires_in: int = 36000) -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in}
    )


def credentials_client(sdk: Sdk) -> Any:
    return sdk.client(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=TOKEN_URL)


@pytest.fixture
def site_route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))


def test_client_credentials_fetch_a_token_with_basic_auth(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route
) -> None:
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("fetched-token"))
    sdk.get_site(credentials_client(sdk))
    token_request = tokens.calls.last.request
    assert parse_qs(token_request.content.decode()) == {"grant_type": ["client_credentials"]}
    scheme, encoded = token_request.headers["Authorization"].split(" ")
    assert scheme == "Basic"
    # RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
    assert base64.b64decode(encoded).decode() == ("client-id%3Awith%2Fodd+chars:" + CLIENT_SECRET)
    assert site_route.calls.last.request.headers["Authorization"] == "Bearer fetched-token"


def test_the_token_is_cached_across_requests(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route
) -> None:
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("fetched-token"))
    client = credentials_client(sdk)
    for _ in range(3):
        sdk.get_site(client)
    assert tokens.call_count == 1
    assert site_route.call_count == 3


@pytest.mark.parametrize("expires_in", [30, 0, -5])
def test_a_short_lived_token_is_cached_for_half_its_life(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route, expires_in: int
) -> None:
    # Shorter than the 60 s refresh margin, yet cached (for 15 s, or for the floor of a second
    # when born expired): not one fetch per request.
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("short-lived", expires_in))
    client = credentials_client(sdk)
    started = time.monotonic()
    sdk.get_site(client)
    sdk.get_site(client)
    assert 1 <= tokens.call_count <= _fetches_allowed(started)


def _fetches_allowed(started: float) -> int:
    """The most token fetches a client family may make since `started` (monotonic)."""
    return 1 + int((time.monotonic() - started) / MIN_TOKEN_FETCH_INTERVAL_S)


def test_a_401_on_a_cached_token_refreshes_it_once(sdk: Sdk, api: respx.MockRouter) -> None:
    tokens = api.post(TOKEN_URL)
    tokens.side_effect = [token_response("first"), token_response("second")]
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [
        httpx.Response(200, json=site(1)),
        httpx.Response(401, json=problem(401, "Unauthorized", "Token expired.")),
        httpx.Response(200, json=site(2)),
    ]
    client = credentials_client(sdk)
    sdk.get_site(client)
    assert sdk.get_site(client).id == site(2)["id"]
    assert tokens.call_count == 2
    assert [c.request.headers["Authorization"] for c in route.calls] == [
        "Bearer first",
        "Bearer first",
        "Bearer second",
    ]


def test_a_second_401_is_raised_not_retried_forever(sdk: Sdk, api: respx.MockRouter) -> None:
    tokens = api.post(TOKEN_URL)
    tokens.side_effect = [token_response("first"), token_response("second")]
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [httpx.Response(200, json=site(1))] + [
        httpx.Response(401, json=problem(401, "Unauthorized", "Token revoked."))
    ] * 2
    client = credentials_client(sdk)
    sdk.get_site(client)
    with pytest.raises(AuthenticationError, match="Token revoked"):
        sdk.get_site(client)
    assert tokens.call_count == 2
    assert route.call_count == 3


def test_a_401_on_a_fresh_token_is_not_refreshed(sdk: Sdk, api: respx.MockRouter) -> None:
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("fresh"))
    api.get(f"/evse_sites/{SITE_ID}").respond(
        401, json=problem(401, "Unauthorized", "No access to this site.")
    )
    with pytest.raises(AuthenticationError):
        sdk.get_site(credentials_client(sdk))
    assert tokens.call_count == 1


def test_a_refused_client_gets_authentication_error(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route
) -> None:
    api.post(TOKEN_URL).respond(401, json={"error": "invalid_client"})
    with pytest.raises(AuthenticationError, match="invalid_client") as caught:
        sdk.get_site(credentials_client(sdk))
    assert caught.value.status_code == 401
    assert site_route.call_count == 0
    assert CLIENT_SECRET not in str(caught.value)
    assert CLIENT_SECRET not in repr(caught.value)


def test_a_ready_token_is_sent_as_given_and_never_fetched(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route
) -> None:
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("unused"))
    sdk.get_site(sdk.client(access_token="given-token"))
    assert site_route.calls.last.request.headers["Authorization"] == "Bearer given-token"
    assert tokens.call_count == 0


CONCURRENT = 6


def test_threads_share_one_token_fetch(api: respx.MockRouter, site_route: respx.Route) -> None:
    all_waiting = threading.Event()
    fetches = 0

    def slow_token(request: httpx.Request) -> httpx.Response:
        nonlocal fetches
        fetches += 1
        if fetches == CONCURRENT:
            all_waiting.set()
        # Without the lock every thread would be here at once and set the event; with it, the
        # others wait outside and this bounded wait runs out.
        all_waiting.wait(timeout=0.5)
        return token_response("shared")

    api.post(TOKEN_URL).mock(side_effect=slow_token)
    with (
        EvEnergy(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            token_url=TOKEN_URL,
            base_url="https://api.test/v2",
        ) as client,
        ThreadPoolExecutor(CONCURRENT) as pool,
    ):
        sites = list(pool.map(lambda _: client.evse_sites.get(SITE_ID), range(CONCURRENT)))
    assert len(sites) == CONCURRENT
    assert fetches == 1


def test_tasks_share_one_token_fetch(api: respx.MockRouter, site_route: respx.Route) -> None:
    fetches = 0

    async def slow_token(request: httpx.Request) -> httpx.Response:
        nonlocal fetches
        fetches += 1
        for _ in range(20):  # hand control to the other tasks: they must wait for this token
            await asyncio.sleep(0)
        return token_response("shared")

    api.post(TOKEN_URL).mock(side_effect=slow_token)

    async def main() -> None:
        async with AsyncEvEnergy(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            token_url=TOKEN_URL,
            base_url="https://api.test/v2",
        ) as client:
            await asyncio.gather(*(client.evse_sites.get(SITE_ID) for _ in range(CONCURRENT)))

    asyncio.run(main())
    assert fetches == 1
    assert site_route.call_count == CONCURRENT


# Tokens born expired: a floor on token fetches.

BORN_EXPIRED = [0, -1, 0.001, "0"]


def _counting_token_endpoint(expires_in: object) -> tuple[list[str], httpx.MockTransport]:
    """A transport whose token endpoint hands out a new token each time, counting them."""
    handed_out: list[str] = []
    lock = threading.Lock()

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/o/token/":
            with lock:
                handed_out.append(f"born-expired-{len(handed_out):04d}")
                token = handed_out[-1]
            return httpx.Response(200, json={"access_token": token, "expires_in": expires_in})
        assert request.headers["Authorization"].removeprefix("Bearer ") in handed_out
        return httpx.Response(200, json=site(1))

    return handed_out, httpx.MockTransport(handle)


def _family(**options: Any) -> dict[str, Any]:
    """The options of a client with credentials, whose siblings the test makes."""
    base = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token_url": TOKEN_URL}
    return {**base, "base_url": "https://api.test/v2", **options}


@pytest.mark.parametrize("expires_in", BORN_EXPIRED)
def test_threads_fetch_tokens_born_expired_at_most_once_a_second(expires_in: object) -> None:
    handed_out, transport = _counting_token_endpoint(expires_in)
    threads, calls = 16, 25
    started = time.monotonic()
    with (
        EvEnergy(**_family(http_client=httpx.Client(transport=transport))) as client,
        ThreadPoolExecutor(threads) as pool,
    ):
        siblings = [client, client.with_options(timeout=7), client.with_options(max_retries=0)]
        results = list(
            pool.map(lambda n: siblings[n % 3].evse_sites.get(SITE_ID), range(threads * calls))
        )
    assert len(results) == threads * calls
    assert 1 <= len(handed_out) <= _fetches_allowed(started)


@pytest.mark.parametrize("expires_in", BORN_EXPIRED)
def test_tasks_fetch_tokens_born_expired_at_most_once_a_second(expires_in: object) -> None:
    handed_out, transport = _counting_token_endpoint(expires_in)
    tasks, rounds = 64, 5

    async def main() -> int:
        async with AsyncEvEnergy(
            **_family(http_client=httpx.AsyncClient(transport=transport))
        ) as client:
            siblings = [client, client.with_options(timeout=7)]
            done = 0
            for _ in range(rounds):
                calls = (siblings[n % 2].evse_sites.get(SITE_ID) for n in range(tasks))
                done += len(await asyncio.gather(*calls))
            return done

    started = time.monotonic()
    assert asyncio.run(main()) == tasks * rounds
    assert 1 <= len(handed_out) <= _fetches_allowed(started)


def test_a_401_on_a_token_fetched_within_the_floor_is_raised_not_fetched_again(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("born-expired", 0))
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [httpx.Response(200, json=site(1))] + [
        httpx.Response(401, json=problem(401, "Unauthorized", "Token expired."))
    ] * 3
    client = credentials_client(sdk)
    started = time.monotonic()
    sdk.get_site(client)
    with pytest.raises(AuthenticationError):
        sdk.get_site(client)
    assert tokens.call_count <= _fetches_allowed(started)
