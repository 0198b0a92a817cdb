"""The headers every request carries, for both clients."""

from __future__ import annotations

import platform

import pytest
import respx

import evenergy
from harness import ACCESS_TOKEN, SITE_ID, Sdk, site

USER = "user01HN2NJ9NMRZBXT1H6FT9N7735"
OTHER_USER = "https://api.ev.energy/v2/users/user01HN2P75GBNFRJPCZJXEFVXH5E"


@pytest.fixture
def site_route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))


def test_default_headers(sdk: Sdk, site_route: respx.Route) -> None:
    sdk.get_site(sdk.client())
    headers = site_route.calls.last.request.headers
    assert headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert headers["EvEnergy-Version"] == "2"
    assert "application/json" in headers["Accept"].split(", ")
    assert f"evenergy-python/{evenergy.__version__}" in headers["User-Agent"]
    assert platform.python_version() in headers["User-Agent"]
    assert "EvEnergy-User" not in headers


def test_api_version_is_configurable(sdk: Sdk, site_route: respx.Route) -> None:
    sdk.get_site(sdk.client(api_version="2.1"))
    assert site_route.calls.last.request.headers["EvEnergy-Version"] == "2.1"


def test_the_client_user_is_sent_and_a_call_can_override_it(
    sdk: Sdk, site_route: respx.Route
) -> None:
    client = sdk.client(user=USER)
    sdk.get_site(client)
    assert site_route.calls.last.request.headers["EvEnergy-User"] == USER
    sdk.get_site(client, user=OTHER_USER)
    assert site_route.calls.last.request.headers["EvEnergy-User"] == OTHER_USER


def test_the_user_comes_from_the_environment(
    sdk: Sdk, site_route: respx.Route, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENERGY_USER", USER)
    sdk.get_site(sdk.client())
    assert site_route.calls.last.request.headers["EvEnergy-User"] == USER


@pytest.mark.parametrize("user", ["", "  ", "user\r\nX-Injected: 1"])
def test_a_malformed_user_is_refused_before_any_request(
    sdk: Sdk, site_route: respx.Route, user: str
) -> None:
    with pytest.raises(ValueError, match="user"):
        sdk.get_site(sdk.client(), user=user)
    assert site_route.call_count == 0


def test_provider_requests_carry_no_user(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get("/cpms_providers/CHARGEPOINT").respond(
        200, json={"id": "CHARGEPOINT", "url": "u", "name": "ChargePoint", "icon": None}
    )
    sdk.get_provider(sdk.client(user=USER))
    assert "EvEnergy-User" not in route.calls.last.request.headers
