"""evenergy.testing: the in-process fake API behaves like the real one, for both clients."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from evenergy import (
    AsyncEvEnergy,
    AuthenticationError,
    BadRequestError,
    EvEnergy,
    InternalServerError,
    NotFoundError,
    RateLimitError,
)
from evenergy.testing import (
    FAKE_ACCESS_TOKEN,
    FAKE_BASE_URL,
    FakeEvEnergyAPI,
    make_provider,
    make_site,
    serve,
)
from harness import SITE_ID


def test_walks_every_site_in_pages() -> None:
    fake = FakeEvEnergyAPI(site_count=230)
    with fake.client() as client:
        pages = list(client.evse_sites.list(page_size=100).iter_pages())
        ids = [site.id for site in client.evse_sites.list(page_size=7)]
    assert [len(page.items) for page in pages] == [100, 100, 30]
    assert ids == [site["id"] for site in fake.sites]
    assert pages[1].previous_cursor == fake.sites[100]["id"]  # items before the page's first


def request(url: str) -> httpx.Request:
    return httpx.Request(
        "GET",
        f"https://api.ev.energy/v2{url}",
        headers={"Authorization": f"Bearer {FAKE_ACCESS_TOKEN}"},
    )


def test_the_api_default_page_size_is_25() -> None:
    response = FakeEvEnergyAPI(site_count=30).handle(request("/evse_sites"))
    assert len(response.json()) == 25


def test_page_size_outside_the_limits_is_a_400_with_field_errors() -> None:
    response = FakeEvEnergyAPI().handle(request("/evse_sites?page_size=500"))
    assert response.status_code == 400
    assert "page_size" in response.json()["field_errors"]


def test_unknown_ids_are_404_problems() -> None:
    fake = FakeEvEnergyAPI()
    with fake.client() as client, pytest.raises(NotFoundError) as caught:
        client.evse_sites.get(SITE_ID)
    assert caught.value.problem is not None
    assert caught.value.problem.title == "Not found"


def test_gets_seeded_sites_and_providers() -> None:
    site = make_site(cpms_connection="SWTCH")
    fake = FakeEvEnergyAPI(sites=[site], providers=[make_provider("EVCONNECT", name="EV Connect")])
    with fake.client() as client:
        assert client.evse_sites.get(site["id"]).to_dict() == site
        assert client.cpms_providers.get("EVCONNECT").name == "EV Connect"


def test_no_token_is_a_401() -> None:
    fake = FakeEvEnergyAPI()
    response = fake.handle(httpx.Request("GET", "https://api.ev.energy/v2/evse_sites"))
    assert response.status_code == 401


def test_rate_limit_headers_count_down_and_a_spent_budget_is_429() -> None:
    fake = FakeEvEnergyAPI(rate_limit=2)
    with fake.client(max_retry_after=10) as client:
        list(client.cpms_providers.list())
        assert client.rate_limit is not None
        assert client.rate_limit.remaining == 1
        list(client.cpms_providers.list())
        with pytest.raises(RateLimitError) as caught:
            list(client.cpms_providers.list())
    assert caught.value.retry_after == 3600


def test_faults_on_request_exercise_retries_without_sleeping() -> None:
    fake = FakeEvEnergyAPI()
    fake.fail_next(429, retry_after=2)
    fake.fail_next(503)
    with fake.client() as client:
        assert len(list(client.cpms_providers.list())) == 2
    assert fake.waits[0] == 2.0
    assert len(fake.waits) == 2  # recorded through the client's `sleep` option, not slept
    fake.fail_next(503, times=3)
    with fake.client() as client, pytest.raises(InternalServerError):
        list(client.cpms_providers.list())


def test_a_client_built_against_the_served_fake_records_its_waits() -> None:
    fake = FakeEvEnergyAPI()
    waits: list[float] = []
    with serve(fake) as server:
        token = server.environment()["EVENERGY_ACCESS_TOKEN"]
        with EvEnergy(base_url=server.base_url, access_token=token, sleep=waits.append) as client:
            fake.fail_next(429, retry_after=3)
            client.cpms_providers.get("SWTCH")
            fake.fail_next(429, retry_after=4)
            client.with_options(timeout=5).cpms_providers.get("SWTCH")  # keeps `sleep`
    assert waits == [3.0, 4.0]


def test_the_async_seam_records_waits() -> None:
    fake = FakeEvEnergyAPI()
    fake.fail_next(503, retry_after=1)

    async def main() -> None:
        async with AsyncEvEnergy(
            http_client=httpx.AsyncClient(transport=fake.transport()),
            base_url=FAKE_BASE_URL,
            access_token=FAKE_ACCESS_TOKEN,
            sleep=fake.record_wait,
        ) as client:
            await client.cpms_providers.get("SWTCH")

    asyncio.run(main())
    assert fake.waits == [1.0]


@pytest.mark.parametrize("make", [EvEnergy, AsyncEvEnergy])
def test_a_sleep_that_cannot_be_called_is_a_type_error(make: type) -> None:
    with pytest.raises(TypeError, match="sleep must be callable"):
        make(access_token="token", sleep=3)


def test_reset_rate_limit_refills_the_budget() -> None:
    fake = FakeEvEnergyAPI(rate_limit=1)
    with fake.client() as client:
        client.cpms_providers.get("SWTCH")
        with pytest.raises(RateLimitError):
            client.cpms_providers.get("SWTCH")
        fake.reset_rate_limit()
        assert client.cpms_providers.get("SWTCH").id == "SWTCH"


def test_client_credentials_through_the_fake_token_endpoint() -> None:
    fake = FakeEvEnergyAPI()
    with fake.client(client_id="app", client_secret="s3cret") as client:
        list(client.evse_sites.list())
    assert fake.requests[0].url.path == "/o/token/"
    assert fake.requests[1].headers["Authorization"] == "Bearer fake-token-for-app"


def test_a_bad_client_secret_is_refused() -> None:
    fake = FakeEvEnergyAPI(client_credentials={"app": "right"})
    with (
        fake.client(client_id="app", client_secret="wrong") as client,
        pytest.raises(AuthenticationError, match="invalid_client"),
    ):
        list(client.evse_sites.list())
    with fake.client(client_id="app", client_secret="right") as client:
        assert len(list(client.evse_sites.list())) == 3


def test_an_unsupported_version_is_a_400() -> None:
    with FakeEvEnergyAPI().client(api_version="3") as client, pytest.raises(BadRequestError):
        list(client.evse_sites.list())


def test_the_async_client_works_the_same() -> None:
    fake = FakeEvEnergyAPI(site_count=120)

    async def main() -> list[str]:
        async with fake.async_client() as client:
            return [site.id async for site in client.evse_sites.list()]

    assert len(asyncio.run(main())) == 120


def test_the_pytest_fixture(
    evenergy_fake: FakeEvEnergyAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="evenergy")
    with evenergy_fake.client() as client:
        assert isinstance(client, EvEnergy)
        assert len(list(client.evse_sites.list())) == len(evenergy_fake.sites)
    assert any("GET /v2/evse_sites" in record.getMessage() for record in caplog.records)
