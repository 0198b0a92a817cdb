"""AsyncEvEnergy against the local Prism mock, as the sync tests do."""

from __future__ import annotations

import asyncio
from typing import Any

from evenergy import AsyncEvEnergy, CPMSProvider, CPMSProviderId, EVSESite
from spec_examples import as_written, load_spec

SPEC = load_spec()
RESPONSES = {path: SPEC["paths"][path]["get"]["responses"]["200"] for path in SPEC["paths"]}


def example(path: str) -> Any:
    (value,) = RESPONSES[path]["content"]["application/json"]["examples"].values()
    return value["value"]


async def test_lists_and_gets_concurrently(mock_url: str) -> None:
    async with AsyncEvEnergy(access_token="mock-token", base_url=mock_url) as client:
        sites = [site async for site in client.evse_sites.list()]
        providers = [provider async for provider in client.cpms_providers.list()]
        site, provider = await asyncio.gather(
            client.evse_sites.get(sites[0].id), client.cpms_providers.get(providers[0].id)
        )
    assert [s.to_dict() for s in sites] == [as_written(EVSESite, s) for s in example("/evse_sites")]
    assert [p.to_dict() for p in providers] == [
        as_written(CPMSProvider, p) for p in example("/cpms_providers")
    ]
    assert site.cpms_connection is CPMSProviderId.CHARGEPOINT
    assert provider.to_dict() == as_written(
        CPMSProvider, example("/cpms_providers/{cpms_provider_id}")
    )


async def test_iter_pages_ends_at_about_blank(mock_url: str) -> None:
    # Prism answers every list with its one example page whatever page_size says; page sizes
    # are sent as asked (tests/unit/test_pagination.py) and honoured by the fake (test_fake.py).
    async with AsyncEvEnergy(access_token="mock-token", base_url=mock_url) as client:
        pages = [page async for page in client.evse_sites.list().iter_pages()]
    assert len(pages) == 1
    assert pages[0].next_cursor is None
    assert pages[0].rate_limit is not None
