"""Lazy, safe pagination over the Link header, for both clients."""

from __future__ import annotations

import httpx
import pytest
import respx

from evenergy import PaginationError
from harness import BASE_URL, RATE_HEADERS, Sdk, link, site


def cursor(number: int) -> str:
    return f"site{number:026d}"


def three_pages(api: respx.MockRouter) -> respx.Route:
    """Sites 1-2, 3-4 and 5 on three pages chained by page_after cursors."""

    def answer(request: httpx.Request) -> httpx.Response:
        after = request.url.params.get("page_after")
        first = {None: 1, cursor(2): 3, cursor(4): 5}[after]
        numbers = [n for n in (first, first + 1) if n <= 5]
        last = numbers[-1]
        next_url = (
            "about:blank" if last == 5 else f"{BASE_URL}/evse_sites?page_after={cursor(last)}"
        )
        headers = {**link(next_url), **RATE_HEADERS}
        return httpx.Response(200, json=[site(n) for n in numbers], headers=headers)

    return api.get("/evse_sites").mock(side_effect=answer)


def test_iterating_yields_every_item_of_every_page(sdk: Sdk, api: respx.MockRouter) -> None:
    route = three_pages(api)
    sites = sdk.list_sites(sdk.client())
    assert [s.id for s in sites] == [cursor(n) for n in range(1, 6)]
    assert route.call_count == 3


def test_pages_are_fetched_only_when_iteration_reaches_them(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    route = three_pages(api)
    assert len(sdk.list_sites(sdk.client(), take=2)) == 2
    assert route.call_count == 1
    assert len(sdk.list_sites(sdk.client(), take=3)) == 3
    assert route.call_count == 3  # one more walk: first page again, then the second


def test_page_size_and_user_apply_to_every_page(sdk: Sdk, api: respx.MockRouter) -> None:
    route = three_pages(api)
    sdk.list_sites(sdk.client(), page_size=2, user="user01HN2NJ9NMRZBXT1H6FT9N7735")
    assert route.call_count == 3
    for call in route.calls:
        assert call.request.url.params["page_size"] == "2"
        assert call.request.headers["EvEnergy-User"] == "user01HN2NJ9NMRZBXT1H6FT9N7735"


def test_without_page_size_it_asks_for_the_largest_page(sdk: Sdk, api: respx.MockRouter) -> None:
    route = three_pages(api)
    sdk.list_sites(sdk.client())
    assert {call.request.url.params["page_size"] for call in route.calls} == {"100"}


@pytest.mark.parametrize("page_size", [0, 101, -1])
def test_a_page_size_outside_the_api_range_is_refused_before_any_request(
    sdk: Sdk, api: respx.MockRouter, page_size: int
) -> None:
    route = three_pages(api)
    with pytest.raises(ValueError, match="page_size must be between 1 and 100"):
        sdk.list_sites(sdk.client(), page_size=page_size)
    assert route.call_count == 0


@pytest.mark.parametrize("page_size", ["10", 2.5, True])
def test_a_page_size_that_is_not_an_int_is_a_type_error(
    sdk: Sdk, api: respx.MockRouter, page_size: object
) -> None:
    with pytest.raises(TypeError, match="page_size must be an int"):
        sdk.list_sites(sdk.client(), page_size=page_size)


def test_iter_pages_gives_cursors_rate_limit_and_headers(sdk: Sdk, api: respx.MockRouter) -> None:
    three_pages(api)
    pages = sdk.pages(sdk.client())
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [page.next_cursor for page in pages] == [cursor(2), cursor(4), None]
    assert [page.has_next_page for page in pages] == [True, True, False]
    assert pages[0].rate_limit is not None
    assert pages[0].rate_limit.remaining == 990
    assert pages[0].headers["X-RateLimit-Limit"] == "1000"


def test_the_previous_cursor_is_read_from_the_link(sdk: Sdk, api: respx.MockRouter) -> None:
    previous = f"{BASE_URL}/evse_sites?page_before={cursor(7)}"
    api.get("/evse_sites").respond(200, json=[site(8)], headers=link(previous_url=previous))
    (page,) = sdk.pages(sdk.client())
    assert page.previous_cursor == cursor(7)
    assert page.next_cursor is None


def test_a_response_without_link_is_the_last_page(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get("/evse_sites").respond(200, json=[site(1)])
    assert len(sdk.list_sites(sdk.client())) == 1
    assert route.call_count == 1


def test_a_relative_next_link_is_resolved(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get("/evse_sites")
    route.side_effect = [
        httpx.Response(200, json=[site(1)], headers=link(f"?page_after={cursor(1)}")),
        httpx.Response(200, json=[site(2)], headers=link()),
    ]
    assert [s.id for s in sdk.list_sites(sdk.client())] == [cursor(1), cursor(2)]
    assert route.calls[1].request.url.params["page_after"] == cursor(1)


def test_credentials_never_follow_a_link_to_another_origin(sdk: Sdk, api: respx.MockRouter) -> None:
    foreign = api.get("https://evil.test/v2/evse_sites").respond(200, json=[])
    route = api.get("/evse_sites")
    route.side_effect = [
        httpx.Response(
            200,
            json=[site(1)],
            headers=link(f"https://evil.test/v2/evse_sites?page_after={cursor(1)}"),
        ),
        httpx.Response(200, json=[site(2)], headers=link()),
    ]
    assert len(sdk.list_sites(sdk.client())) == 2
    assert foreign.call_count == 0
    assert route.calls[1].request.url.host == "api.test"
    assert route.calls[1].request.url.params["page_after"] == cursor(1)


def test_a_cursor_that_comes_back_raises_instead_of_looping(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    again = link(f"{BASE_URL}/evse_sites?page_after={cursor(1)}")
    route = api.get("/evse_sites").respond(200, json=[site(1)], headers=again)
    with pytest.raises(PaginationError, match="twice"):
        sdk.list_sites(sdk.client())
    assert route.call_count == 2


def test_a_next_link_without_a_cursor_raises(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get("/evse_sites").respond(
        200, json=[site(1)], headers=link(f"{BASE_URL}/evse_sites?page=2")
    )
    with pytest.raises(PaginationError, match="carries no usable page_after cursor"):
        sdk.list_sites(sdk.client())


def test_providers_paginate_too(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get("/cpms_providers")
    route.side_effect = [
        httpx.Response(
            200,
            json=[{"id": "CHARGEPOINT", "url": "u", "name": "ChargePoint", "icon": None}],
            headers=link(f"{BASE_URL}/cpms_providers?page_after=chrg{'0' * 26}"),
        ),
        httpx.Response(
            200, json=[{"id": "SWTCH", "url": "u", "name": "SWTCH", "icon": None}], headers=link()
        ),
    ]
    providers = sdk.list_providers(sdk.client(), page_size=1)
    assert [p.name for p in providers] == ["ChargePoint", "SWTCH"]
    assert route.calls[1].request.url.params["page_after"] == f"chrg{'0' * 26}"
    assert route.calls[1].request.url.params["page_size"] == "1"
