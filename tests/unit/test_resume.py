"""Resuming and walking backwards: page_after and page_before on every list, both clients."""

from __future__ import annotations

import json
from functools import partial
from typing import Any

import httpx
import pytest
import respx
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from evenergy import RateLimitError
from evenergy._cli import cli
from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, make_provider
from harness import BASE_URL, Sdk, link, site


def fake_client(sdk: Sdk, fake: FakeEvEnergyAPI) -> Any:
    client = fake.async_client(max_retries=0) if sdk.is_async else fake.client(max_retries=0)
    sdk.clients.append(client)
    return client


def ids(items: list[Any]) -> list[str]:
    return [item.id for item in items]


def test_resume_after_a_rate_limit_yields_exactly_the_rest(sdk: Sdk) -> None:
    fake = FakeEvEnergyAPI(site_count=10, rate_limit=3)  # three pages of two, then 429
    client = fake_client(sdk, fake)
    every = [s["id"] for s in fake.sites]
    with pytest.raises(RateLimitError) as caught:
        sdk.list_sites(client, page_size=2)
    assert caught.value.page_after == every[5]  # the cursor of the page that failed
    fake.remaining = fake.rate_limit  # the next hour
    rest = sdk.list_sites(client, page_size=2, page_after=caught.value.page_after)
    assert ids(rest) == every[6:]


def test_resume_from_an_item_in_the_middle_of_a_page(sdk: Sdk) -> None:
    fake = FakeEvEnergyAPI(site_count=9)
    client = fake_client(sdk, fake)
    every = [s["id"] for s in fake.sites]
    processed = sdk.list_sites(client, page_size=4, take=6)  # stopped after the 6th, mid-page
    rest = sdk.list_sites(client, page_size=4, page_after=processed[-1].id)
    assert ids(processed) + ids(rest) == every


def test_the_recipe_survives_an_interrupt_in_your_own_code() -> None:
    fake = FakeEvEnergyAPI(site_count=7)
    done: list[str] = []

    def process_until_interrupted(client: Any) -> None:
        for site_item in client.evse_sites.list(page_size=3):
            if len(done) == 4:
                raise KeyboardInterrupt
            done.append(site_item.id)

    with fake.client() as client:
        with pytest.raises(KeyboardInterrupt):
            process_until_interrupted(client)
        done += [s.id for s in client.evse_sites.list(page_size=3, page_after=done[-1])]
    assert done == [s["id"] for s in fake.sites]


def test_a_backward_walk_from_the_last_item_is_the_exact_reverse(sdk: Sdk) -> None:
    fake = FakeEvEnergyAPI(site_count=11)
    client = fake_client(sdk, fake)
    forward = ids(sdk.list_sites(client, page_size=3))
    backward = ids(sdk.list_sites(client, page_size=3, page_before=forward[-1]))
    assert backward == forward[-2::-1]
    pages = sdk.pages(client, page_size=3, page_before=forward[-1])
    assert ids(pages[0].items) == forward[7:10]  # as the API sent it


def test_providers_walk_both_ways_by_code(sdk: Sdk) -> None:
    codes = ["ALPHA", "BETA", "CHARGEPOINT", "DELTA", "SWTCH"]
    fake = FakeEvEnergyAPI(providers=[make_provider(code) for code in codes])
    client = fake_client(sdk, fake)
    after = sdk.collect(client.cpms_providers.list(page_size=2, page_after="BETA"))
    before = sdk.collect(client.cpms_providers.list(page_size=2, page_before="DELTA"))
    assert ids(after) == ["CHARGEPOINT", "DELTA", "SWTCH"]
    assert ids(before) == ["CHARGEPOINT", "BETA", "ALPHA"]


@pytest.mark.parametrize(
    ("cursors", "error", "message"),
    [
        ({"page_after": "a", "page_before": "b"}, ValueError, "not both"),
        ({"page_after": ""}, ValueError, "page_after must not be empty"),
        ({"page_before": "site 1"}, ValueError, "page_before is not a valid id"),
        ({"page_after": "x\n"}, ValueError, "page_after is not a valid id"),
        ({"page_after": "x" * 1001}, ValueError, "longer than"),
        ({"page_after": 5}, TypeError, "page_after must be a str"),
    ],
)
def test_bad_cursors_are_refused_before_any_request(
    sdk: Sdk, api: respx.MockRouter, cursors: dict[str, Any], error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        sdk.list_sites(sdk.client(), **cursors)
    assert not api.calls


@pytest.mark.parametrize("param", ["page_after", "page_before"])
def test_odd_cursors_are_percent_encoded_in_the_query(
    sdk: Sdk, api: respx.MockRouter, param: str
) -> None:
    route = api.get("/evse_sites").respond(200, json=[site(1)], headers=link())
    cursor: dict[str, Any] = {param: "a/b?c#d&e=f%g"}
    sdk.list_sites(sdk.client(), **cursor)
    url = route.calls.last.request.url
    assert url.path == "/v2/evse_sites"
    assert url.params[param] == "a/b?c#d&e=f%g"
    assert f"{param}=a%2Fb%3Fc%23d%26e%3Df%25g" in str(url)


def test_a_backward_walk_follows_previous_links_lazily(sdk: Sdk, api: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        before = request.url.params["page_before"]
        first = {"site00000000000000000000000005": 3, "site00000000000000000000000003": 1}[before]
        previous = f"{BASE_URL}/evse_sites?page_before={site(first)['id']}" if first > 1 else ""
        headers = link(previous_url=previous or "about:blank")
        return httpx.Response(200, json=[site(first), site(first + 1)], headers=headers)

    route = api.get("/evse_sites").mock(side_effect=answer)
    start = site(5)["id"]
    assert ids(sdk.list_sites(sdk.client(), page_before=start, take=2)) == [
        site(4)["id"],
        site(3)["id"],
    ]
    assert route.call_count == 1  # the earlier page was not fetched
    assert ids(sdk.list_sites(sdk.client(), page_before=start)) == [
        site(n)["id"] for n in (4, 3, 2, 1)
    ]


@given(
    total=st.integers(0, 40),
    size=st.integers(1, 7),
    stop=st.integers(0, 40),
)
def test_walks_compose_for_any_total_page_size_and_stop(total: int, size: int, stop: int) -> None:
    fake = FakeEvEnergyAPI(site_count=total)
    with fake.client() as client:
        forward = [s.id for s in client.evse_sites.list(page_size=size)]
        stop = min(stop, total)
        if stop:
            resumed = [
                s.id for s in client.evse_sites.list(page_size=size, page_after=forward[stop - 1])
            ]
            assert forward[:stop] + resumed == forward
            backward = [
                s.id for s in client.evse_sites.list(page_size=size, page_before=forward[stop - 1])
            ]
            assert backward == forward[: stop - 1][::-1]
    assert forward == [s["id"] for s in fake.sites]


def test_the_cli_prints_a_command_that_completes_an_interrupted_walk() -> None:
    fake = FakeEvEnergyAPI(site_count=25, rate_limit=2)
    factory = partial(fake.client, max_retries=0)
    command = ["sites", "list", "--all", "--page-size", "10", "--format", "jsonl"]
    first = CliRunner().invoke(cli, command, obj=factory)
    assert first.exit_code == 1
    written = [json.loads(line)["id"] for line in first.stdout.splitlines()]
    assert len(written) == 20
    assert "interrupted after 20 sites were written; continue with:" in first.stderr
    command = first.stderr.split("continue with:\n", 1)[1].splitlines()[0].split()
    assert command == [
        "evenergy",
        "sites",
        "list",
        "--all",
        "--page-size",
        "10",
        "--format",
        "jsonl",
        "--after",
        written[-1],
    ]
    fake.remaining = fake.rate_limit
    second = CliRunner().invoke(cli, command[1:], obj=factory)
    assert second.exit_code == 0, second.stderr
    written += [json.loads(line)["id"] for line in second.stdout.splitlines()]
    assert written == [s["id"] for s in fake.sites]


def test_the_cli_walks_backward_with_before() -> None:
    fake = FakeEvEnergyAPI(site_count=5)
    last = fake.sites[-1]["id"]
    command = ["sites", "list", "--all", "--before", last, "--format", "jsonl"]
    result = CliRunner().invoke(cli, command, obj=fake.client)
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [
        s["id"] for s in fake.sites[-2::-1]
    ]


def test_ctrl_c_during_a_cli_walk_prints_how_to_continue() -> None:
    fake = FakeEvEnergyAPI(site_count=30)
    sent = 0

    def interrupted_on_the_third_page(request: httpx.Request) -> httpx.Response:
        nonlocal sent
        sent += 1
        if sent == 3:
            raise KeyboardInterrupt
        return fake.handle(request)

    def factory(**options: Any) -> Any:
        from evenergy import EvEnergy

        http = httpx.Client(transport=httpx.MockTransport(interrupted_on_the_third_page))
        base_url = fake.sites[0]["url"].rsplit("/evse_sites", 1)[0]
        return EvEnergy(
            http_client=http, access_token=FAKE_ACCESS_TOKEN, base_url=base_url, **options
        )

    command = ["sites", "list", "--all", "--page-size", "10", "--format", "json"]
    result = CliRunner().invoke(cli, command, obj=factory)
    assert result.exit_code != 0
    assert len(json.loads(result.stdout)) == 20  # the JSON document was closed: still valid
    assert f"--after {fake.sites[19]['id']}" in result.stderr
