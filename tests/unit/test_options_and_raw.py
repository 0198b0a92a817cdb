"""Per-call options (with_options), raw responses (with_raw_response) and the token URL setting."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from evenergy import (
    AuthenticationError,
    ConfigurationError,
    EvEnergy,
    InternalServerError,
    NotFoundError,
    Page,
    RateLimit,
    RateLimitError,
    RawResponse,
    UsageError,
)
from harness import (
    BASE_URL,
    CLIENT_SECRET,
    RATE_HEADERS,
    SITE_ID,
    TOKEN_URL,
    Sdk,
    link,
    problem,
    site,
)

SITE_HEADERS = {"EvEnergy-Version": "2", **RATE_HEADERS}


def test_with_options_changes_one_call_and_leaves_the_client_alone(
    sdk: Sdk, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [
        httpx.Response(503),
        httpx.Response(503),
        httpx.Response(200, json=site(1)),
    ]
    client = sdk.client(max_retries=2)
    patient = client.with_options(max_retries=0, timeout=60, user="user01HN2NJ9NMRZBXT1H6FT9N7735")
    with pytest.raises(Exception, match="503"):
        sdk.get_site(patient)
    request = route.calls.last.request
    assert request.headers["EvEnergy-User"] == "user01HN2NJ9NMRZBXT1H6FT9N7735"
    assert request.extensions["timeout"]["read"] == 60
    assert sdk.get_site(client).id == site(1)["id"]  # the original still retries (twice)
    assert route.call_count == 3
    assert "EvEnergy-User" not in route.calls.last.request.headers


def test_with_options_after_the_resources_were_used_still_applies(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    client = sdk.client()
    sdk.get_site(client)  # the client's resources now exist
    sdk.get_site(client.with_options(user="user01HN2NJ9NMRZBXT1H6FT9N7735"))
    assert route.calls.last.request.headers["EvEnergy-User"] == "user01HN2NJ9NMRZBXT1H6FT9N7735"
    sdk.get_site(client)
    assert "EvEnergy-User" not in route.calls.last.request.headers


def test_with_options_shares_the_pool_token_cache_and_budget(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    tokens = api.post(TOKEN_URL).respond(200, json={"access_token": "shared-token-123"})
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1), headers=RATE_HEADERS)
    client = sdk.client(client_id="app", client_secret=CLIENT_SECRET, token_url=TOKEN_URL)
    derived = client.with_options(timeout=5)
    sdk.get_site(derived)
    sdk.get_site(client)
    assert tokens.call_count == 1  # one token for both
    assert client.rate_limit == RateLimit(limit=1000, remaining=990)  # seen through the derived


def _close(sdk: Sdk, client: Any) -> None:
    sdk.run(client.aclose()) if sdk.is_async else client.close()


@pytest.mark.parametrize("closed", ["the view", "the client"])
def test_closing_a_view_or_its_client_closes_both(
    sdk: Sdk, api: respx.MockRouter, closed: str
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    client = sdk.client()
    view = client.with_options(timeout=5)
    _close(sdk, view if closed == "the view" else client)
    for each in (client, view, view.with_options(max_retries=0)):
        with pytest.raises(UsageError, match="closed"):
            sdk.get_site(each)


@pytest.mark.parametrize("closed", ["the view", "the client"])
def test_closing_never_closes_a_callers_http_client_but_refuses_calls(
    sdk: Sdk, api: respx.MockRouter, closed: str
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    http: httpx.Client | httpx.AsyncClient = httpx.AsyncClient() if sdk.is_async else httpx.Client()
    client = sdk.client(http_client=http)
    view = client.with_options(timeout=5)
    _close(sdk, view if closed == "the view" else client)
    assert not http.is_closed
    for each in (client, view):
        with pytest.raises(UsageError, match="closed"):
            sdk.get_site(each)
    _close(sdk, http)


def test_a_callers_http_client_closed_by_the_caller_is_a_usage_error(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    http: httpx.Client | httpx.AsyncClient = httpx.AsyncClient() if sdk.is_async else httpx.Client()
    client = sdk.client(http_client=http)
    assert sdk.get_site(client).id == site(1)["id"]
    _close(sdk, http)
    with pytest.raises(UsageError, match="closed"):
        sdk.get_site(client)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"timeout": float("nan")}, ConfigurationError),
        ({"max_retries": -1}, ConfigurationError),
        ({"max_retries": "2"}, TypeError),
        ({"user": ""}, ConfigurationError),
        ({"user": "two words"}, ConfigurationError),
        ({"user": 7}, TypeError),
        ({"max_retry_after": -1}, ConfigurationError),
        ({"base_url": "https://elsewhere.test"}, TypeError),
    ],
)
def test_with_options_checks_what_it_is_given(
    sdk: Sdk, changes: dict[str, Any], error: type
) -> None:
    with pytest.raises(error):
        sdk.client().with_options(**changes)


def test_with_options_caps_the_retry_after_wait(
    sdk: Sdk, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}")
    limited = httpx.Response(429, headers={"Retry-After": "10"})
    route.side_effect = [limited, httpx.Response(200, json=site(1))]
    client = sdk.client()
    with pytest.raises(RateLimitError):
        sdk.get_site(client.with_options(max_retry_after=5))  # 10 s is more than it will wait
    assert (sleeps, route.call_count) == ([], 1)
    route.side_effect = [limited, httpx.Response(200, json=site(1))]
    assert sdk.get_site(client).id == site(1)["id"]  # the client itself waits up to 60 s
    assert sleeps == [10]


def test_raw_get_gives_status_headers_and_the_parsed_model(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1), headers=SITE_HEADERS)
    api.get("/cpms_providers/CHARGEPOINT").respond(
        200,
        json={
            "id": "CHARGEPOINT",
            "url": f"{BASE_URL}/cpms_providers/CHARGEPOINT/",
            "name": "ChargePoint",
            "icon": None,
        },
        headers=SITE_HEADERS,
    )
    client = sdk.client()
    for raw in (
        sdk.run(client.evse_sites.with_raw_response.get(SITE_ID)),
        sdk.run(client.cpms_providers.with_raw_response.get("CHARGEPOINT")),
    ):
        assert isinstance(raw, RawResponse)
        assert raw.status_code == 200
        assert raw.headers["EvEnergy-Version"] == "2"
        assert raw.rate_limit == RateLimit(limit=1000, remaining=990)
        assert isinstance(raw.http_response, httpx.Response)
    assert raw.parse().name == "ChargePoint"


def test_raw_list_gives_the_first_pages_response(sdk: Sdk, api: respx.MockRouter) -> None:
    next_url = f"{BASE_URL}/evse_sites?page_after={site(2)['id']}"
    route = api.get("/evse_sites").respond(
        200, json=[site(1), site(2)], headers={**link(next_url), **SITE_HEADERS}
    )
    api.get("/cpms_providers").respond(200, json=[], headers=link())
    client = sdk.client()
    raw = sdk.run(client.evse_sites.with_raw_response.list(page_size=2, page_after=SITE_ID))
    page = raw.parse()
    assert isinstance(page, Page)
    assert [s.id for s in page.items] == [site(1)["id"], site(2)["id"]]
    assert page.next_cursor == site(2)["id"]
    assert route.calls.last.request.url.params["page_after"] == SITE_ID
    providers = sdk.run(client.cpms_providers.with_raw_response.list())
    assert providers.parse().items == []
    backward = sdk.run(client.evse_sites.with_raw_response.list(page_before=SITE_ID))
    assert route.calls.last.request.url.params["page_before"] == SITE_ID
    assert "page_after" not in route.calls.last.request.url.params
    assert backward.parse().previous_cursor is None  # the link header names no previous page


def test_raw_calls_still_raise_the_sdks_errors(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(404, json=problem(404, "Not found", "No such site."))
    with pytest.raises(NotFoundError) as caught:
        sdk.run(sdk.client().evse_sites.with_raw_response.get(SITE_ID))
    assert str(caught.value) == "get_evse_site: 404 Not Found: No such site."  # title said once


def test_the_token_url_comes_from_the_environment(
    sdk: Sdk, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = "https://auth.elsewhere.test/o/token/"
    monkeypatch.setenv("EVENERGY_TOKEN_URL", elsewhere)
    api.post(elsewhere).respond(401, json={"error": "invalid_client"})
    with pytest.raises(AuthenticationError, match=f"fetching a token from {elsewhere}"):
        sdk.get_site(sdk.client(client_id="app", client_secret=CLIENT_SECRET))


def test_an_empty_token_url_in_the_environment_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVENERGY_TOKEN_URL", " ")
    with pytest.raises(ConfigurationError, match="EVENERGY_TOKEN_URL is set but empty"):
        EvEnergy(client_id="app", client_secret=CLIENT_SECRET)


def test_a_client_made_with_no_options_uses_the_documented_defaults(
    sdk: Sdk, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [
        httpx.Response(503),
        httpx.Response(429, headers={"Retry-After": "60"}),
        httpx.Response(503),
    ]
    client = sdk.client()
    with pytest.raises(InternalServerError):
        sdk.get_site(client)
    assert route.call_count == 3  # max_retries=2
    assert sleeps[1] == 60  # max_retry_after=60: a 60 s Retry-After is waited for
    timeout = route.calls.last.request.extensions["timeout"]
    assert (timeout["connect"], timeout["read"]) == (5.0, 20.0)
    assert "EvEnergy-User" not in route.calls.last.request.headers
    assert route.calls.last.request.headers["EvEnergy-Version"] == "2"
