"""Building a client: credentials from arguments or the environment, settings, lifecycle."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from evenergy import AsyncEvEnergy, ConfigurationError, EvEnergy
from harness import BASE_URL, SITE_ID, TOKEN_URL, Sdk, site


@pytest.fixture(params=[EvEnergy, AsyncEvEnergy])
def client_class(request: pytest.FixtureRequest) -> type[EvEnergy] | type[AsyncEvEnergy]:
    return request.param  # type: ignore[no-any-return]


def test_no_credentials_is_a_clear_error_at_construction(client_class: type) -> None:
    with pytest.raises(ConfigurationError, match=r"no credentials.*EVENERGY_ACCESS_TOKEN"):
        client_class()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"client_id": "id"}, "need client_secret"),
        ({"client_secret": "s"}, "need client_id"),
        ({"access_token": "t", "client_id": "i", "client_secret": "s"}, "not both"),
        ({"access_token": " "}, "empty"),
        ({"access_token": "t", "base_url": "api.ev.energy/v2"}, "absolute http"),
        ({"access_token": "t", "timeout": httpx.Timeout(None)}, "finite"),
        ({"access_token": "t", "max_retries": -1}, "max_retries"),
        ({"access_token": "t", "api_version": ""}, "api_version"),
        ({"access_token": "t", "user": "a user"}, "user is not a valid"),
    ],
)
def test_bad_settings_are_refused(
    client_class: type, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        client_class(**options)


def test_a_bad_setting_can_be_caught_as_a_value_error(client_class: type) -> None:
    with pytest.raises(ValueError, match="max_retries") as caught:
        client_class(access_token="t", max_retries=-1)
    assert type(caught.value) is ConfigurationError


def test_the_environment_is_read_when_the_client_is_built(
    sdk: Sdk, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    monkeypatch.setenv("EVENERGY_ACCESS_TOKEN", "env-token")
    monkeypatch.setenv("EVENERGY_BASE_URL", BASE_URL + "/")
    client = AsyncEvEnergy() if sdk.is_async else EvEnergy()
    sdk.clients.append(client)
    monkeypatch.setenv("EVENERGY_ACCESS_TOKEN", "changed-later")
    sdk.get_site(client)
    assert route.calls.last.request.headers["Authorization"] == "Bearer env-token"


def test_client_credentials_from_the_environment(
    sdk: Sdk, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = api.post(TOKEN_URL).respond(200, json={"access_token": "t", "expires_in": 3600})
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    monkeypatch.setenv("EVENERGY_CLIENT_ID", "env-id")
    monkeypatch.setenv("EVENERGY_CLIENT_SECRET", "env-secret")
    client = sdk.client(access_token=None, token_url=TOKEN_URL)
    sdk.get_site(client)
    assert tokens.call_count == 1


def test_explicit_credentials_win_over_the_environment(
    sdk: Sdk, api: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    monkeypatch.setenv("EVENERGY_CLIENT_ID", "env-id")
    monkeypatch.setenv("EVENERGY_CLIENT_SECRET", "env-secret")
    sdk.get_site(sdk.client(access_token="explicit"))
    assert route.calls.last.request.headers["Authorization"] == "Bearer explicit"


def test_the_default_timeout_is_finite(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    sdk.get_site(sdk.client())
    timeout = route.calls.last.request.extensions["timeout"]
    assert None not in timeout.values()
    assert timeout["read"] <= 60


def test_a_timeout_in_seconds_is_used_for_requests(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    sdk.get_site(sdk.client(timeout=3.5))
    assert route.calls.last.request.extensions["timeout"]["read"] == 3.5


def _opened_http_clients(monkeypatch: pytest.MonkeyPatch, cls: type) -> list[Any]:
    """Every httpx client of class `cls` made from now on (by the SDK, in these tests)."""
    opened: list[Any] = []
    make = vars(cls)["__init__"]

    def recorded(self: Any, *args: Any, **kwargs: Any) -> None:
        make(self, *args, **kwargs)
        opened.append(self)

    monkeypatch.setattr(cls, "__init__", recorded)
    return opened


def test_the_sync_client_closes_what_it_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = _opened_http_clients(monkeypatch, httpx.Client)
    with EvEnergy(access_token="t") as client:
        client.with_options(timeout=5)  # a view opens nothing
        assert [http.is_closed for http in opened] == [False]
    assert [http.is_closed for http in opened] == [True]


async def test_the_async_client_closes_what_it_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = _opened_http_clients(monkeypatch, httpx.AsyncClient)
    async with AsyncEvEnergy(access_token="t") as client:
        client.with_options(timeout=5)
        assert [http.is_closed for http in opened] == [False]
    assert [http.is_closed for http in opened] == [True]


def test_a_given_http_client_is_left_open(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    http: httpx.Client | httpx.AsyncClient = httpx.AsyncClient() if sdk.is_async else httpx.Client()
    client = sdk.client(http_client=http)
    sdk.get_site(client)
    sdk.close_all()
    assert not http.is_closed
    sdk.run(http.aclose()) if isinstance(http, httpx.AsyncClient) else http.close()
