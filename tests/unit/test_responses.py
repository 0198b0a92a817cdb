"""Reading successful responses: tolerant of API additions, strict about broken bodies; ids."""

from __future__ import annotations

import httpx
import pytest
import respx

from evenergy import CPMSProviderId, ResponseValidationError
from harness import PROVIDER, SITE_ID, Sdk, link, site


@pytest.fixture
def site_route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}")


def test_an_unknown_cpms_connection_keeps_its_raw_value(sdk: Sdk, site_route: respx.Route) -> None:
    site_route.respond(200, json=site(1, cpms_connection="EVCONNECT"))
    parsed = sdk.get_site(sdk.client())
    assert parsed.cpms_connection == "EVCONNECT"
    assert parsed.cpms_connection.value == "EVCONNECT"
    assert isinstance(parsed.cpms_connection, CPMSProviderId)
    assert parsed.to_dict()["cpms_connection"] == "EVCONNECT"


def test_known_values_stay_the_enum_members(sdk: Sdk, site_route: respx.Route) -> None:
    site_route.respond(200, json=site(1, cpms_connection="SWTCH"))
    assert sdk.get_site(sdk.client()).cpms_connection is CPMSProviderId.SWTCH


def test_an_unknown_provider_id_parses(sdk: Sdk, api: respx.MockRouter) -> None:
    route = api.get("/cpms_providers/EVCONNECT").respond(200, json={**PROVIDER, "id": "EVCONNECT"})
    provider = sdk.get_provider(sdk.client(), "EVCONNECT")
    assert provider.id.value == "EVCONNECT"
    assert route.call_count == 1


def test_unknown_fields_are_kept(sdk: Sdk, site_route: respx.Route) -> None:
    site_route.respond(200, json=site(1, opening_hours="24/7"))
    parsed = sdk.get_site(sdk.client())
    assert parsed.additional_properties == {"opening_hours": "24/7"}
    assert parsed.to_dict()["opening_hours"] == "24/7"


def test_fields_the_api_left_out_read_as_none(sdk: Sdk, site_route: respx.Route) -> None:
    body = site(1)
    del body["cpms_connection_display_name"], body["user_connected"]
    site_route.respond(200, json=body)
    parsed = sdk.get_site(sdk.client())
    assert parsed.cpms_connection_display_name is None
    assert parsed.user_connected is None


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>maintenance</html>", "not JSON"),
        (b"", "not JSON"),
        (b"[]", "should be a EVSESite object, not list"),
        (b'{"id": "site1"}', "lacks the required field 'url'"),
        (b'"text"', "not str"),
    ],
)
def test_a_broken_body_raises_response_validation_error(
    sdk: Sdk, site_route: respx.Route, body: bytes, reason: str
) -> None:
    site_route.respond(200, content=body)
    with pytest.raises(ResponseValidationError, match=reason) as caught:
        sdk.get_site(sdk.client())
    assert caught.value.operation == "get_evse_site"
    assert "get_evse_site" in str(caught.value)


def test_a_list_that_is_not_an_array_raises(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get("/evse_sites").respond(200, json={"results": []}, headers=link())
    with pytest.raises(ResponseValidationError, match=r"list_evse_sites.*should be an array"):
        sdk.list_sites(sdk.client())


def test_a_broken_item_names_its_position(sdk: Sdk, api: respx.MockRouter) -> None:
    broken = site(2)
    del broken["evses"]
    api.get("/evse_sites").respond(200, json=[site(1), broken], headers=link())
    with pytest.raises(ResponseValidationError, match=r"item 1 .*'evses'"):
        sdk.list_sites(sdk.client())


@pytest.mark.parametrize("bad_id", ["", "   ", ".", "..", "site 1", "site\n1"])
def test_an_invalid_id_is_refused_before_any_request(
    sdk: Sdk, api: respx.MockRouter, bad_id: str
) -> None:
    everything = api.route().respond(200, json=site(1))
    with pytest.raises(ValueError, match="evse_site_id"):
        sdk.get_site(sdk.client(), bad_id)
    with pytest.raises(ValueError, match="cpms_provider_id"):
        sdk.get_provider(sdk.client(), bad_id)
    assert everything.call_count == 0


def test_an_id_that_is_not_a_string_is_a_type_error(sdk: Sdk) -> None:
    with pytest.raises(TypeError, match="evse_site_id must be a str"):
        sdk.get_site(sdk.client(), 123)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "tricky_id", ["../cpms_providers", "a/b", "x?page_size=1", "x#y", "%2e%2e"]
)
def test_no_id_can_change_the_request_path(sdk: Sdk, api: respx.MockRouter, tricky_id: str) -> None:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=site(1))

    api.route().mock(side_effect=record)
    sdk.get_site(sdk.client(), tricky_id)
    (request,) = seen
    assert request.url.path.startswith("/v2/evse_sites/")
    assert request.url.raw_path.count(b"/") == 3
    assert request.url.query == b""


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": 123}, "id should be str, not int"),
        ({"evses": "https://x"}, "evses should be list.str., not str"),
        ({"evses": [1, 2]}, "evses should be list.str., not a list holding int"),
        ({"cpms_connection": 5}, "cpms_connection should be CPMSProviderId . None, not int"),
        ({"user_connected": "yes"}, "user_connected should be bool . None, not str"),
        ({"cpms_connection_display_name": ["x"]}, "should be None . str, not list"),
    ],
)
def test_a_field_of_the_wrong_type_raises_response_validation_error(
    sdk: Sdk, site_route: respx.Route, changes: dict[str, object], reason: str
) -> None:
    site_route.respond(200, json=site(1, **changes))
    with pytest.raises(ResponseValidationError, match=reason):
        sdk.get_site(sdk.client())
