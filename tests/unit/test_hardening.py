"""Regression tests for the defects a hostile-network review found, one class of defect each.

The property-based suite (test_hostile_server.py) looks for these classes with generated input;
the tests here pin each defect that was seen, for both clients where a client is involved.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
import pytest
import respx

from evenergy import (
    APIConnectionError,
    AuthenticationError,
    ConfigurationError,
    EvEnergy,
    EvEnergyError,
    InternalServerError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
)
from evenergy._response import parse_retry_after
from harness import ACCESS_TOKEN, BASE_URL, CLIENT_SECRET, SITE_ID, TOKEN_URL, Sdk, problem, site


def credentials_client(sdk: Sdk, **options: Any) -> Any:
    return sdk.client(client_id="app", client_secret=CLIENT_SECRET, token_url=TOKEN_URL, **options)


# The token endpoint.


@pytest.mark.parametrize("expires_in", [None, "9" * 400, 1e308, float("inf"), "soon", True])
def test_an_odd_expires_in_still_gives_a_cached_token(
    sdk: Sdk, api: respx.MockRouter, expires_in: object
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    body = {"access_token": "fetched-token-1234", "expires_in": expires_in}
    content = str(body).replace("'", '"').replace("None", "null").replace("True", "true")
    content = content.replace("inf,", "1e999,").replace("inf}", "1e999}")
    tokens = api.post(TOKEN_URL).respond(200, content=content.encode())
    client = credentials_client(sdk)
    sdk.get_site(client)
    sdk.get_site(client)
    assert tokens.call_count == 1


@pytest.mark.parametrize("status", [400, 401, 403, 500])
def test_a_token_endpoint_echoing_the_secret_does_not_leak_it(
    sdk: Sdk, api: respx.MockRouter, status: int
) -> None:
    echo = {"error": "invalid_client", "error_description": f"bad secret {CLIENT_SECRET}"}
    api.post(TOKEN_URL).respond(status, json={**echo, "title": CLIENT_SECRET, "detail": "x"})
    with pytest.raises(EvEnergyError) as caught:
        sdk.get_site(credentials_client(sdk, max_retries=0))
    error = caught.value
    expected = {400: AuthenticationError, 401: AuthenticationError, 403: PermissionDeniedError}
    assert type(error) is expected.get(status, InternalServerError)
    for text in (str(error), repr(error), repr(error.args), repr(getattr(error, "problem", ""))):
        assert CLIENT_SECRET not in text
    assert f"fetching a token from {TOKEN_URL}" in str(error)


@pytest.mark.parametrize("token", ["tökén-with-accents", "two\nlines-token", "tab\tinside-tok"])
def test_a_fetched_token_that_cannot_be_a_header_is_a_validation_error(
    sdk: Sdk, api: respx.MockRouter, token: str
) -> None:
    site_route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    api.post(TOKEN_URL).respond(200, json={"access_token": token})
    with pytest.raises(ResponseValidationError, match="cannot be sent in an HTTP header"):
        sdk.get_site(credentials_client(sdk))
    assert site_route.call_count == 0


def test_a_fetched_token_with_a_trailing_newline_is_used_without_it(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    api.post(TOKEN_URL).respond(200, json={"access_token": "fetched-token-1234\r\n"})
    sdk.get_site(credentials_client(sdk))
    assert route.calls.last.request.headers["Authorization"] == "Bearer fetched-token-1234"


# Settings and arguments: typed errors before any request.


def test_a_given_token_read_from_a_file_loses_its_newline(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    sdk.get_site(sdk.client(access_token=ACCESS_TOKEN + "\n"))
    assert route.calls.last.request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"access_token": "tok\nen-value"}, ConfigurationError, "cannot be sent in an HTTP"),
        ({"access_token": "tökén-value"}, ConfigurationError, "cannot be sent in an HTTP"),
        ({"access_token": 123}, TypeError, "access_token must be a str"),
        ({"access_token": b"token-bytes"}, TypeError, "access_token must be a str"),
        ({"api_version": 2}, TypeError, "api_version must be a str"),
        ({"api_version": "2\n"}, ConfigurationError, "api_version"),
        ({"timeout": math.inf}, ConfigurationError, "timeout must be a finite number"),
        ({"timeout": math.nan}, ConfigurationError, "timeout must be a finite number"),
        ({"timeout": -1}, ConfigurationError, "timeout must be a finite number"),
        ({"timeout": 0}, ConfigurationError, "timeout must be a finite number"),
        ({"timeout": httpx.Timeout(5, read=math.inf)}, ConfigurationError, r"timeout \(read\)"),
        ({"timeout": "5"}, TypeError, "timeout must be a number"),
        ({"max_retry_after": math.nan}, ConfigurationError, "max_retry_after"),
        ({"max_retry_after": math.inf}, ConfigurationError, "max_retry_after"),
        ({"max_retries": 1.5}, TypeError, "max_retries must be an int"),
        ({"base_url": ""}, ConfigurationError, "absolute http"),
        ({"base_url": "https://api.test/v2?tenant=a"}, ConfigurationError, "query or a fragment"),
        ({"base_url": "https://api.test/v2#top"}, ConfigurationError, "query or a fragment"),
        ({"base_url": "http://[::1"}, ConfigurationError, "not a valid URL"),
        ({"base_url": "https://me:pw@api.test/v2"}, ConfigurationError, "credentials"),
        ({"user": "usér01"}, ValueError, "user is not a valid"),
        ({"user": 7}, TypeError, "user must be a str"),
        ({"http_client": "not a client"}, TypeError, "http_client"),
    ],
)
def test_bad_settings_are_typed_errors_before_any_request(
    sdk: Sdk, api: respx.MockRouter, options: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        sdk.client(**options)
    assert not api.calls


def test_an_empty_base_url_in_the_environment_is_not_production(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVENERGY_BASE_URL", "")
    with pytest.raises(ConfigurationError, match="EVENERGY_BASE_URL is set but empty"):
        EvEnergy(access_token=ACCESS_TOKEN)


def test_a_non_ascii_user_for_one_call_is_a_value_error(sdk: Sdk, api: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="user is not a valid"):
        sdk.get_site(sdk.client(), user="usér01")
    assert not api.calls


# What a server sends: headers and bodies.


@pytest.mark.parametrize(
    "headers",
    [
        {"X-RateLimit-Limit": "9" * 400, "X-RateLimit-Remaining": "1"},
        {"X-RateLimit-Limit": "1" + "0" * 300, "X-RateLimit-Remaining": "0"},
        {"X-RateLimit-Limit": "-5", "X-RateLimit-Remaining": "٣".encode()},
    ],
)
def test_rate_limit_numbers_out_of_range_are_ignored(
    sdk: Sdk, api: respx.MockRouter, headers: dict[str, Any]
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1), headers=headers)
    client = sdk.client()
    sdk.get_site(client)
    assert client.rate_limit is None


@pytest.mark.parametrize(
    "retry_after", ["9" * 400, "1" + "0" * 20, "Fri, 31 Dec 9999 23:59:59 GMT"]
)
def test_a_huge_retry_after_raises_rate_limit_error_at_once(
    sdk: Sdk, api: respx.MockRouter, sleeps: list[float], retry_after: str
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(
        429,
        json=problem(429, "Too Many Requests", "Slow down."),
        headers={"Retry-After": retry_after},
    )
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(sdk.client())
    assert route.call_count == 1
    assert sleeps == []
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 60


@pytest.mark.parametrize("retry_after", ["3600", "90000", "Tue, 31 Dec 2030 23:59:59 GMT"])
def test_a_rate_limit_error_says_when_to_retry(
    sdk: Sdk, api: respx.MockRouter, retry_after: str
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(
        429,
        json=problem(429, "Too Many Requests", "Slow down."),
        headers={"Retry-After": retry_after},
    )
    earliest = datetime.now(UTC)
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(sdk.client())
    latest = datetime.now(UTC)
    wait = caught.value.retry_after
    assert wait is not None
    message = str(caught.value)
    assert message.startswith("get_evse_site: 429 Too Many Requests: Slow down; ")
    assert f"retry after {wait:.0f} s (at " in message
    said = message.rpartition("(at ")[2].removesuffix(" UTC)")
    # The moment the wait ends, in UTC: with the date when it is not today.
    bounds = [moment + timedelta(seconds=wait) for moment in (earliest, latest)]
    if ":" in said and "-" not in said:
        moment = datetime.combine(bounds[0].date(), time.fromisoformat(said), UTC)
        assert bounds[0].date() == earliest.date()
    else:
        moment = datetime.fromisoformat(said).replace(tzinfo=UTC)
    assert bounds[0].replace(microsecond=0) <= moment <= bounds[1]
    assert pickle.loads(pickle.dumps(caught.value)).args == caught.value.args  # noqa: S301


def test_a_rate_limit_error_without_retry_after_says_so(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(429, json=problem(429, "Too Many Requests", "No."))
    with pytest.raises(RateLimitError, match="the API did not say when to retry"):
        sdk.get_site(sdk.client(max_retries=0))


def test_parse_retry_after_reads_what_it_can_and_never_raises() -> None:
    assert parse_retry_after("9" * 400) == math.inf
    assert parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now=0) == pytest.approx(253402300799)
    for unreadable in ("inf", "nan", "1e400", "٣", "Mon, 99 Foo 99999 99:99:99 GMT", ""):
        assert parse_retry_after(unreadable) is None


def test_deeply_nested_json_is_a_validation_error(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, content=b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ResponseValidationError, match="nested too deeply"):
        sdk.get_site(sdk.client())


@pytest.mark.parametrize("charset", ["hex", "base64", "idna", "utf-7", "zlib", "no-such-codec"])
def test_an_error_body_in_any_charset_becomes_the_status_error(
    sdk: Sdk, api: respx.MockRouter, charset: str
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(
        404,
        content=b"\xff\xfe not found",
        headers={"Content-Type": f"text/plain; charset={charset}"},
    )
    with pytest.raises(NotFoundError):
        sdk.get_site(sdk.client())


# Pagination.


def _page(next_target: str, items: list[dict[str, Any]], rel: str = "next") -> httpx.Response:
    return httpx.Response(200, json=items, headers={"Link": f'<{next_target}>; rel="{rel}"'})


@pytest.mark.parametrize(
    "target",
    [
        "http://[::1/v2/evse_sites?page_after=site2",
        f"{BASE_URL}/evse_sites?page_after={'x' * 70_000}",
    ],
)
def test_an_unusable_next_link_is_a_pagination_error(
    sdk: Sdk, api: respx.MockRouter, target: str
) -> None:
    api.get("/evse_sites").mock(return_value=_page(target, [site(1)]))
    with pytest.raises(PaginationError, match="carries no usable page_after cursor"):
        sdk.list_sites(sdk.client())


@pytest.mark.parametrize("rel", ["NEXT", "Next", "next last", "last next"])
def test_rel_types_are_case_insensitive_and_space_separated(
    sdk: Sdk, api: respx.MockRouter, rel: str
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page_after"):
            return httpx.Response(200, json=[site(2)])
        return _page(f"{BASE_URL}/evse_sites?page_after={site(1)['id']}", [site(1)], rel)

    api.get("/evse_sites").mock(side_effect=answer)
    assert [s.id for s in sdk.list_sites(sdk.client())] == [site(1)["id"], site(2)["id"]]


_NEXT = f"<{BASE_URL}/evse_sites?page_after={site(1)['id']}>"


@pytest.mark.parametrize(
    "links",
    [
        [f'{_NEXT}; rel="next", <about:blank>; rel="next"'],  # the last would win in httpx
        [f'<about:blank>; rel="next", {_NEXT}; rel="next"'],
        [f'{_NEXT}; rel="next"', '<about:blank>; rel="next"'],  # two Link headers
        [f'{_NEXT}; rel="next", <?page_after=site2>; rel="NEXT last"'],
        [f'{_NEXT}; rel=next; title="a, <x>; rel=next", <?page_after=site2>; rel="next"'],
    ],
)
def test_two_different_next_links_are_a_pagination_error_not_a_shorter_list(
    sdk: Sdk, api: respx.MockRouter, links: list[str]
) -> None:
    headers = [("Link", value) for value in links]
    api.get("/evse_sites").respond(200, json=[site(1)], headers=headers)
    with pytest.raises(PaginationError, match="2 different next-page links"):
        sdk.list_sites(sdk.client())


def test_the_same_next_link_twice_is_one_link(sdk: Sdk, api: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("page_after"):
            return httpx.Response(200, json=[site(2)])
        link = f'{_NEXT}; rel="next", {_NEXT}; rel=next; title="same, <about:blank>"'
        return httpx.Response(200, json=[site(1)], headers={"Link": link})

    api.get("/evse_sites").mock(side_effect=answer)
    assert [s.id for s in sdk.list_sites(sdk.client())] == [site(1)["id"], site(2)["id"]]


def test_two_previous_links_do_not_stop_a_forward_walk(sdk: Sdk, api: respx.MockRouter) -> None:
    link = '<?page_before=site1>; rel="prev", <?page_before=site9>; rel="previous"'
    api.get("/evse_sites").respond(200, json=[site(1)], headers={"Link": link})
    assert [s.id for s in sdk.list_sites(sdk.client())] == [site(1)["id"]]


def test_empty_pages_that_link_onwards_are_a_pagination_error(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    pages = iter(range(10_000))
    route = api.get("/evse_sites").mock(
        side_effect=lambda request: _page(f"?page_after=site{next(pages):026d}", [])
    )
    with pytest.raises(PaginationError, match="empty page"):
        sdk.list_sites(sdk.client())
    assert route.call_count == 1


# Errors travel: pickling.


def test_every_kind_of_error_survives_pickling_without_its_credentials(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(
        404, json=problem(404, "Not found", "No such site.", field_errors={"id": ["bad"]})
    )
    api.get("/cpms_providers/CHARGEPOINT").mock(side_effect=httpx.ConnectError("refused"))
    client = sdk.client(max_retries=0)
    errors: list[EvEnergyError] = []
    calls: list[Callable[[], object]] = [
        lambda: sdk.get_site(client),
        lambda: sdk.get_provider(client),
    ]
    for call in calls:
        with pytest.raises(EvEnergyError) as caught:
            call()
        errors.append(caught.value)
    errors.append(PaginationError("the API sent the same next-page cursor twice"))
    for error in errors:
        data = pickle.dumps(error)
        assert ACCESS_TOKEN.encode() not in data
        copy = pickle.loads(data)  # noqa: S301 - our own bytes
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert vars(copy).keys() == vars(error).keys()
    first = errors[0]
    assert isinstance(first, NotFoundError)
    not_found = pickle.loads(pickle.dumps(first))  # noqa: S301
    assert not_found.status_code == 404
    assert not_found.problem == first.problem
    assert not_found.response.json()["title"] == "Not found"
    assert isinstance(pickle.loads(pickle.dumps(errors[1])), APIConnectionError)  # noqa: S301


# Lifecycle.


def test_a_closed_client_raises_usage_error(sdk: Sdk, api: respx.MockRouter) -> None:
    from evenergy import UsageError

    client = sdk.client()
    sdk.close_all()
    with pytest.raises(UsageError, match="closed"):
        sdk.get_site(client)


@pytest.mark.parametrize("lead", [180, 185, 190])
def test_a_secret_cut_at_the_edge_of_a_body_excerpt_is_not_half_shown(
    sdk: Sdk, api: respx.MockRouter, lead: int
) -> None:
    body = "x" * lead + CLIENT_SECRET + " and more"
    api.post(TOKEN_URL).respond(500, text=body)
    with pytest.raises(EvEnergyError) as caught:
        sdk.get_site(credentials_client(sdk, max_retries=0))
    assert CLIENT_SECRET[: 200 - lead] not in str(caught.value)
