"""Every response the fake produces fits openapi.yaml: status, body schema and headers."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI
from openapi_refs import resolve
from spec_examples import SPEC_URI, load_spec

SPEC = load_spec()
REGISTRY: Registry[Any] = Registry().with_resource(
    SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
)
BASE = "https://api.ev.energy/v2"
TOKEN = {"Authorization": f"Bearer {FAKE_ACCESS_TOKEN}", "EvEnergy-Version": "2"}


def fits(value: Any, pointer: str) -> list[str]:
    validator = Draft202012Validator(
        {"$ref": SPEC_URI + pointer},
        registry=REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    return [error.message for error in validator.iter_errors(value)]


def operation_path(url: httpx.URL) -> str:
    """The spec's path template for a request URL."""
    path = url.path.removeprefix("/v2")
    for template in SPEC["paths"]:
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template) + "/?", path):
            return str(template)
    raise AssertionError(f"openapi.yaml has no path for {path}")


def check(request: httpx.Request, response: httpx.Response) -> None:
    path = operation_path(request.url)
    escaped = path.replace("~", "~0").replace("/", "~1")
    method = request.method.lower()
    responses = SPEC["paths"][path][method]["responses"]
    status = str(response.status_code)
    assert status in responses, f"{path} answered an undeclared {status}"
    declared = resolve(SPEC, responses[status])
    for name, header in declared.get("headers", {}).items():
        header = resolve(SPEC, header)
        if header.get("required"):
            assert name in response.headers, f"{path} {status} lacks {name}"
    media_type = response.headers["Content-Type"].split(";")[0]
    assert media_type in declared["content"], f"{path} {status} sent {media_type}"
    pointer = responses[status].get("$ref", f"#/paths/{escaped}/{method}/responses/{status}")
    schema_pointer = f"{pointer}/content/{media_type.replace('/', '~1')}/schema"
    assert fits(response.json(), schema_pointer) == []


def scenarios(fake: FakeEvEnergyAPI) -> list[httpx.Request]:
    site = fake.sites[0]["id"]

    def get(url: str, headers: dict[str, str] = TOKEN) -> httpx.Request:
        return httpx.Request("GET", url, headers=headers)

    return [
        get(f"{BASE}/evse_sites"),
        get(f"{BASE}/evse_sites?page_size=2"),
        get(f"{BASE}/evse_sites?page_size=2&page_after={site}"),
        get(f"{BASE}/evse_sites?page_size=2&page_before={fake.sites[3]['id']}"),
        get(f"{BASE}/evse_sites?page_size=0"),
        get(f"{BASE}/evse_sites/{site}"),
        get(f"{BASE}/evse_sites/site01AAAAAAAAAAAAAAAAAAAAAAAA"),
        get(f"{BASE}/evse_sites", headers={}),
        get(f"{BASE}/evse_sites", headers={**TOKEN, "EvEnergy-Version": "3"}),
        get(f"{BASE}/cpms_providers"),
        get(f"{BASE}/cpms_providers/CHARGEPOINT"),
        get(f"{BASE}/cpms_providers/NOPE"),
        get(f"{BASE}/cpms_providers/CHARGEPOINT", headers={}),
    ]


def test_every_scenario_fits_the_spec() -> None:
    fake = FakeEvEnergyAPI(site_count=5)
    requests = scenarios(fake)
    for request in requests:
        check(request, fake.handle(request))
    assert len(fake.requests) == len(requests)


@pytest.mark.parametrize(("status", "retry_after"), [(429, 5), (503, None), (429, None)])
def test_injected_faults_fit_the_spec(status: int, retry_after: int | None) -> None:
    fake = FakeEvEnergyAPI()
    fake.fail_next(status, retry_after=retry_after)
    request = httpx.Request("GET", f"{BASE}/evse_sites", headers=TOKEN)
    response = fake.handle(request)
    assert response.status_code == status
    if status == 429:
        check(request, response)
        assert "Retry-After" in response.headers


def test_a_spent_budget_fits_the_spec() -> None:
    fake = FakeEvEnergyAPI(rate_limit=0)
    request = httpx.Request("GET", f"{BASE}/cpms_providers", headers=TOKEN)
    response = fake.handle(request)
    assert response.status_code == 429
    check(request, response)


def test_the_checker_catches_a_drift() -> None:
    request = httpx.Request("GET", f"{BASE}/cpms_providers", headers=TOKEN)
    broken = httpx.Response(200, json=[{"id": "X"}], headers={"Content-Type": "application/json"})
    with pytest.raises(AssertionError):
        check(request, broken)


def test_the_fakes_id_patterns_are_the_specs() -> None:
    from evenergy.testing._data import PROVIDER_ID_PATTERN, SITE_ID_PATTERN
    from spec_examples import load_spec

    components = load_spec()["components"]
    assert components["schemas"]["EVSESite"]["properties"]["id"]["pattern"] == SITE_ID_PATTERN
    provider_id = components["parameters"]["CpmsProviderId"]["schema"]["pattern"]
    assert provider_id == PROVIDER_ID_PATTERN
