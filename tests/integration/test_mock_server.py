"""EvEnergy against the local Prism mock, which answers with the spec's examples."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from evenergy import CPMSProvider, CPMSProviderId, EvEnergy, EVSESite, NotFoundError
from spec_examples import as_written, load_spec

SPEC = load_spec()
SITES = SPEC["paths"]["/evse_sites"]["get"]["responses"]["200"]["content"]["application/json"][
    "examples"
]["sites"]["value"]
PROVIDERS = SPEC["paths"]["/cpms_providers"]["get"]["responses"]["200"]["content"][
    "application/json"
]["examples"]["providers"]["value"]


@pytest.fixture
def client(mock_url: str) -> Iterator[EvEnergy]:
    with EvEnergy(access_token="mock-token", base_url=mock_url) as client:
        yield client


def test_lists_every_site(client: EvEnergy) -> None:
    sites = list(client.evse_sites.list())
    assert all(isinstance(site, EVSESite) for site in sites)
    assert [site.to_dict() for site in sites] == [as_written(EVSESite, s) for s in SITES]


def test_gets_a_site(client: EvEnergy) -> None:
    site = client.evse_sites.get(SITES[0]["id"])
    assert site.id == SITES[0]["id"]
    assert site.cpms_connection is CPMSProviderId.CHARGEPOINT


def test_lists_every_provider(client: EvEnergy) -> None:
    providers = list(client.cpms_providers.list())
    assert all(isinstance(provider, CPMSProvider) for provider in providers)
    assert [provider.to_dict() for provider in providers] == PROVIDERS


def test_gets_a_provider(client: EvEnergy) -> None:
    assert client.cpms_providers.get("CHARGEPOINT").name == PROVIDERS[0]["name"]


def test_pages_report_the_rate_limit(client: EvEnergy) -> None:
    page = next(client.cpms_providers.list().iter_pages())
    assert page.next_cursor is None
    assert page.rate_limit is not None
    assert client.rate_limit == page.rate_limit


def test_a_requested_404_maps_to_not_found(mock_url: str) -> None:
    # Prism answers with the response that the Prefer header names.
    with (
        httpx.Client(headers={"Prefer": "code=404"}) as http,
        EvEnergy(access_token="mock-token", base_url=mock_url, http_client=http) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client.evse_sites.get(SITES[0]["id"])
    assert caught.value.problem is not None
    assert caught.value.problem.title == "Not found"
