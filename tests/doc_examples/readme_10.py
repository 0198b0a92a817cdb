# Copied from README.md by scripts/docs_sync.py: edit it there.
# test_sites.py
import httpx
import pytest

from evenergy import APIConnectionError, EvEnergy, RateLimitError
from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, make_site, serve


def count_chargepoint_sites(client: EvEnergy) -> int:  # your code
    return sum(1 for s in client.evse_sites.list() if s.cpms_connection == "CHARGEPOINT")


@pytest.mark.evenergy_fake(
    sites=[make_site(cpms_connection="CHARGEPOINT"), make_site(cpms_connection=None)]
)
def test_counts_chargepoint_sites(evenergy_fake: FakeEvEnergyAPI) -> None:
    with evenergy_fake.client() as client:
        assert count_chargepoint_sites(client) == 1


def test_waits_out_a_rate_limit(evenergy_fake: FakeEvEnergyAPI) -> None:
    evenergy_fake.fail_next(429, retry_after=2)
    with evenergy_fake.client() as client:
        assert client.cpms_providers.get("CHARGEPOINT").name
    assert evenergy_fake.waits == [2]  # recorded, not slept


def test_reports_a_connection_that_stays_down(evenergy_fake: FakeEvEnergyAPI) -> None:
    evenergy_fake.fail_next(httpx.ConnectError, times=3)  # the first try and both retries
    with evenergy_fake.client() as client, pytest.raises(APIConnectionError):
        client.cpms_providers.get("CHARGEPOINT")


@pytest.mark.evenergy_fake(rate_limit=1)
def test_a_spent_budget(evenergy_fake: FakeEvEnergyAPI) -> None:
    with evenergy_fake.client() as client:
        client.cpms_providers.get("CHARGEPOINT")
        with pytest.raises(RateLimitError):
            client.cpms_providers.get("CHARGEPOINT")
        evenergy_fake.reset_rate_limit()
        assert client.cpms_providers.get("CHARGEPOINT").name


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # for @pytest.mark.anyio: asyncio only (older anyio also tries trio)


@pytest.mark.anyio
@pytest.mark.evenergy_fake(site_count=120)
async def test_async_client(evenergy_fake: FakeEvEnergyAPI) -> None:
    async with evenergy_fake.async_client() as client:
        ids = [site.id async for site in client.evse_sites.list()]
    assert len(ids) == 120  # two pages


def test_over_real_http() -> None:
    fake = FakeEvEnergyAPI(site_count=150)
    fake.fail_next(503)
    waits: list[float] = []
    with (
        serve(fake) as server,
        EvEnergy(
            base_url=server.base_url, access_token=FAKE_ACCESS_TOKEN, sleep=waits.append
        ) as client,
    ):
        assert sum(1 for _ in client.evse_sites.list()) == 150
    assert len(waits) == 1  # the retry after the 503 waited through `sleep`
