"""Setting up evenergy.testing: checked test data, tokens, transport faults, the fixture's marker,
and the fake served over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from evenergy import (
    APIConnectionError,
    APITimeoutError,
    AsyncEvEnergy,
    AuthenticationError,
    EvEnergy,
    NotFoundError,
    RateLimitError,
)
from evenergy.testing import (
    FAKE_ACCESS_TOKEN,
    FakeEvEnergyAPI,
    make_provider,
    make_site,
    serve,
)
from harness import SITE_ID


def test_make_site_takes_any_field_of_the_schema() -> None:
    site = make_site(id=SITE_ID, user_connected=True, evses=[], cpms_connection=None)
    assert (site["id"], site["user_connected"], site["evses"]) == (SITE_ID, True, [])
    assert site["cpms_connection_display_name"] is None
    provider = make_provider("EVCONNECT", name="EV Connect", icon="https://x.test/i.png")
    assert (provider["id"], provider["name"]) == ("EVCONNECT", "EV Connect")


@pytest.mark.parametrize(
    ("make", "fields", "message"),
    [
        (make_site, {"id": "not-a-site"}, "field 'id' must match"),
        (make_site, {"user_connected": "yes"}, "user_connected"),
        (make_site, {"evses": "one"}, "evses"),
        (make_site, {"colour": "red"}, "has no field 'colour'"),
        (make_provider, {"name": 7}, "name"),
        (make_provider, {"id": "lower"}, "field 'id' must match"),
    ],
)
def test_data_that_does_not_fit_the_schema_names_the_field(
    make: Any, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        make(**fields)


def test_the_fake_checks_the_data_it_is_given() -> None:
    site = make_site()
    del site["url"]
    with pytest.raises(ValueError, match="EVSESite needs the field 'url'"):
        FakeEvEnergyAPI(sites=[site])
    with pytest.raises(ValueError, match="CPMSProvider"):
        FakeEvEnergyAPI(providers=[{"id": "X"}])


def test_the_fake_requires_its_token() -> None:
    fake = FakeEvEnergyAPI(access_token="the-right-token")
    with fake.client() as client:  # its own clients get the right one
        assert len(list(client.cpms_providers.list())) == 2
    with fake.client(access_token="a-wrong-token") as client, pytest.raises(AuthenticationError):
        client.cpms_providers.get("CHARGEPOINT")
    with FakeEvEnergyAPI(access_token=None).client(access_token="any-token") as client:
        assert client.cpms_providers.get("CHARGEPOINT").name == "ChargePoint"


def test_tokens_from_the_fakes_token_endpoint_are_accepted() -> None:
    fake = FakeEvEnergyAPI(client_credentials={"app": "right-secret"})
    with fake.client(client_id="app", client_secret="right-secret") as client:
        assert client.cpms_providers.get("SWTCH").name == "SWTCH Energy"


@pytest.mark.parametrize(
    ("fault", "error"),
    [(httpx.ConnectError, APIConnectionError), (httpx.ReadTimeout, APITimeoutError)],
)
def test_transport_faults_are_retried_then_raised(fault: Any, error: type) -> None:
    fake = FakeEvEnergyAPI()
    fake.fail_next(fault)
    with fake.client() as client:
        assert len(list(client.cpms_providers.list())) == 2  # one retry, no real sleep
    assert len(fake.waits) == 1
    fake.fail_next(fault, times=3)
    with fake.client() as client, pytest.raises(error):
        client.cpms_providers.get("SWTCH")


@pytest.mark.evenergy_fake(site_count=7, rate_limit=2)
def test_the_fixture_takes_its_options_from_a_marker(evenergy_fake: FakeEvEnergyAPI) -> None:
    assert len(evenergy_fake.sites) == 7
    assert evenergy_fake.rate_limit == 2


def test_the_fixture_without_a_marker(evenergy_fake: FakeEvEnergyAPI) -> None:
    assert len(evenergy_fake.sites) == 3


def test_the_served_fake_behaves_like_the_api_over_http() -> None:
    fake = FakeEvEnergyAPI(site_count=250, rate_limit=5, client_credentials={"app": "s3cret-123"})
    with serve(fake) as server:
        with EvEnergy(base_url=server.base_url, access_token=FAKE_ACCESS_TOKEN) as client:
            pages = list(client.evse_sites.list().iter_pages())
            assert [len(page.items) for page in pages] == [100, 100, 50]
            with pytest.raises(NotFoundError):
                client.evse_sites.get(SITE_ID)
            assert client.rate_limit is not None
            assert client.rate_limit.remaining == 1
        with EvEnergy(
            base_url=server.base_url,
            token_url=server.token_url,
            client_id="app",
            client_secret="s3cret-123",
            max_retry_after=0,
        ) as client:
            assert client.cpms_providers.get("CHARGEPOINT").id == "CHARGEPOINT"
            with pytest.raises(RateLimitError):
                client.cpms_providers.get("SWTCH")
        wrong = EvEnergy(base_url=server.base_url, access_token="wrong-token-1")
        with wrong, pytest.raises(AuthenticationError):
            wrong.cpms_providers.get("SWTCH")


def test_the_served_fake_drops_and_stalls_as_a_network_does() -> None:
    fake = FakeEvEnergyAPI()
    with serve(fake, hang_seconds=30) as server:
        options: dict[str, Any] = {
            "base_url": server.base_url,
            "access_token": FAKE_ACCESS_TOKEN,
            "max_retries": 0,
            "timeout": 0.5,
        }
        fake.fail_next(httpx.ConnectError)
        with EvEnergy(**options) as client, pytest.raises(APIConnectionError):
            client.cpms_providers.get("SWTCH")
        fake.fail_next(httpx.ReadTimeout)
        with EvEnergy(**options) as client, pytest.raises(APITimeoutError):
            client.cpms_providers.get("SWTCH")


async def test_the_async_client_against_the_served_fake() -> None:
    with serve(FakeEvEnergyAPI(site_count=30)) as server:
        async with AsyncEvEnergy(base_url=server.base_url, access_token=FAKE_ACCESS_TOKEN) as c:
            assert len([site async for site in c.evse_sites.list(page_size=7)]) == 30


def test_every_declared_resource_has_a_collection_that_the_fake_routes_to() -> None:
    from evenergy._resources import ENDPOINTS

    fake = FakeEvEnergyAPI(site_count=2)
    assert fake.collections["evse_sites"] is fake.sites
    assert fake.collections["cpms_providers"] is fake.providers
    with fake.client() as client:
        for endpoint in ENDPOINTS:
            if endpoint.http_method != "GET" or "." in endpoint.resource.attribute:
                continue  # writes answer examples; nested lists are in fake.nested
            items = fake.collections[endpoint.resource.attribute]
            assert items, f"{endpoint.name}: the fake has no items (nor an example) to serve"
            method = endpoint.method_of(client)
            if not endpoint.path_parameters:
                assert [item.id for item in method()] == [item["id"] for item in items]
            else:
                assert method(items[-1]["id"]).id == items[-1]["id"]
