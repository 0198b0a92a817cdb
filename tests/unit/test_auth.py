"""Authentication: a ready token, and OAuth2 client credentials with a shared token cache."""

from __future__ import annotations

import asyncio
import base64
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from evenergy import AsyncEvEnergy, AuthenticationError, EvEnergy
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


@pytest.mark.parametrize(("expires_in", "fetches"), [(30, 1), (0, 2), (-5, 2)])
def test_a_short_lived_token_is_cached_for_half_its_life(
    sdk: Sdk, api: respx.MockRouter, site_route: respx.Route, expires_in: int, fetches: int
) -> None:
    # Shorter than the 60 s refresh margin, yet still cached (for 15 s): not one fetch per request.
    tokens = api.post(TOKEN_URL).mock(return_value=token_response("short-lived", expires_in))
    client = credentials_client(sdk)
    sdk.get_site(client)
    sdk.get_site(client)
    assert tokens.call_count == fetches


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
        EvEnergy(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=TOKEN_URL,
                 base_url="https://api.test/v2") as client,
        ThreadPoolExecutor(CONCURRENT) as pool,
    ):  # fmt: skip
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
