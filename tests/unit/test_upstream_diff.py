"""scripts/upstream_diff.py: what changed upstream in the four operations, fact by fact."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml
from upstream_diff import differences

BASELINE = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "generator/upstream/ev-energy-v2-four-endpoints.yaml")
    .read_text()
)  # fmt: skip


def test_the_same_description_has_no_changes() -> None:
    assert differences(BASELINE, copy.deepcopy(BASELINE)) == []


def test_parameters_statuses_fields_and_enums_are_reported() -> None:
    new = copy.deepcopy(BASELINE)
    schemas = new["components"]["schemas"]
    schemas["EVSESite"]["properties"]["capacity_kw"] = {"type": "number"}
    site_id = schemas["EVSESite"]["properties"]["id"]
    site_id["pattern"] = "^site[0-9]+$"
    providers = new["paths"]["/cpms_providers"]["get"]
    providers["parameters"] = providers.get("parameters", [])[:-1]
    providers["responses"]["410"] = {"description": "Gone"}
    lines = differences(BASELINE, new)
    assert any(
        line.startswith("+ GET /evse_sites: status 200 application/json body[].capacity_kw")
        for line in lines
    )
    assert any(line.startswith("~ GET /evse_sites/{evse_site_id}: status 200") and
               ".id: " in line for line in lines)  # fmt: skip
    assert "+ GET /cpms_providers: status 410: declared" in lines
    assert any(line.startswith("- GET /cpms_providers: parameter") for line in lines)
