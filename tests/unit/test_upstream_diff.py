"""scripts/upstream_diff.py: what changed upstream, one line per finding, and which new operations
generator/sdk.yaml can declare as is."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from upstream_diff import differences, main

UPSTREAM = Path(__file__).resolve().parents[2] / "generator/upstream"
BASELINE = yaml.safe_load((UPSTREAM / "ev-energy-v2-four-endpoints.yaml").read_text())
SITES, SITE = "GET /evse_sites", "GET /evse_sites/{evse_site_id}"

THING = {"type": "object", "properties": {"id": {"type": "string"}}}
PAGED = {
    "description": "a page",
    "headers": {"Link": {"schema": {"type": "string"}}},
    "content": {
        "application/json": {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
        }
    },
}
MODEL = {
    "description": "one",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
}


def query(name: str, schema: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, **more}


def path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "string"}}


PAGE = [query(name, {"type": "string"}) for name in ("page_size", "page_after", "page_before")]


def document(paths: dict[str, Any], **schemas: Any) -> dict[str, Any]:
    """A small description with a Thing schema, an oauth2 scheme and the given paths."""
    scopes = {"thing:read": "", "thing:write": ""}
    return {
        "openapi": "3.1.0",
        "security": [{"oauth2": []}],
        "paths": paths,
        "components": {
            "schemas": {"Thing": copy.deepcopy(THING), **schemas},
            "securitySchemes": {
                "oauth2": {"type": "oauth2", "flows": {"clientCredentials": {"scopes": scopes}}}
            },
        },
    }


def section(lines: list[str], title: str) -> list[str]:
    """The lines of one section of the report (empty when the report has no such section)."""
    if f"{title}:" not in lines:
        return []
    after = lines[lines.index(f"{title}:") + 1 :]
    return after[: after.index("")] if "" in after else after


def test_the_same_description_has_no_findings() -> None:
    assert differences(BASELINE, copy.deepcopy(BASELINE)) == []


def test_a_new_enum_value_of_a_shared_schema_is_one_finding_naming_its_operations() -> None:
    new = copy.deepcopy(BASELINE)
    new["components"]["schemas"]["EVSESite"]["properties"]["cpms_connection"]["enum"].append("EVX")
    lines = differences(BASELINE, new)
    assert section(lines, "Changed components, each with the operations that use it") == [
        f"~ schemas/EVSESite (used by {SITES}, {SITE})",
        "    ~ .cpms_connection enum: gains 'EVX'",
    ]
    assert section(lines, "Changed operations") == []
    assert lines[0].endswith("0 changed; components: 1 changed, 0 renamed, 0 gone, 0 new")


def test_parameters_statuses_and_fields_are_reported_where_they_are_written() -> None:
    new = copy.deepcopy(BASELINE)
    site = new["components"]["schemas"]["EVSESite"]["properties"]
    site["id"]["pattern"] = "^site[0-9]+$"
    providers = new["paths"]["/cpms_providers"]["get"]
    assert providers["parameters"].pop() == {"$ref": "#/components/parameters/next"}
    providers["responses"]["410"] = {"description": "Gone"}
    lines = differences(BASELINE, new)
    assert section(lines, "Changed components, each with the operations that use it") == [
        f"~ schemas/EVSESite (used by {SITES}, {SITE})",
        r"    ~ .id pattern: 'site[A-Z\\d]{26}' -> '^site[0-9]+$'",  # the repr of one backslash
    ]
    assert section(lines, "Changed operations") == [
        "~ GET /cpms_providers",
        "    + 410",
        "    - query page_after (was $ref='parameters/next')",
    ]


def test_a_component_names_the_operations_that_reach_it_through_other_components() -> None:
    paths = {
        "/things": {"get": {"responses": {"200": {"$ref": "#/components/responses/Things"}}}},
        "/boxes/{box_id}": {
            "get": {
                "parameters": [path("box_id")],
                "responses": {
                    "200": {
                        "description": "a box",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Box"}}
                        },
                    }
                },
            }
        },
        "/other": {"get": {"responses": {"204": {"description": "nothing"}}}},
    }
    old = document(
        paths,
        Box={"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}},
    )
    old["components"]["responses"] = {"Things": PAGED}
    new = copy.deepcopy(old)
    new["components"]["schemas"]["Thing"]["properties"]["name"] = {
        "type": "object",
        "properties": {"first": {"type": "string"}, "last": {"type": "string"}},
    }
    assert section(
        differences(old, new), "Changed components, each with the operations that use it"
    ) == [
        "~ schemas/Thing (used by GET /boxes/{box_id}, GET /things)",
        "    + .name: type='object'",  # its two fields come with it: one finding
    ]


def test_a_renamed_component_is_one_finding_not_a_change_in_each_user() -> None:
    new = copy.deepcopy(BASELINE)
    text = yaml.safe_dump(new).replace("schemas/EVSESite", "schemas/Site")
    new = yaml.safe_load(text)
    new["components"]["schemas"]["Site"] = new["components"]["schemas"].pop("EVSESite")
    lines = differences(BASELINE, new)
    assert lines[0].endswith("0 changed; components: 0 changed, 1 renamed, 0 gone, 0 new")
    assert lines[1:] == [
        "",
        "Renamed components:",
        f"~ schemas/EVSESite is now schemas/Site (used by {SITES}, {SITE})",
    ]


@pytest.mark.parametrize("renames", [{"Thing": "Item"}, {"Thing": "Item", "Box": "Crate"}])
def test_a_rename_is_no_change_in_the_components_that_name_it(renames: dict[str, str]) -> None:
    box = {"type": "object", "properties": {"thing": {"$ref": "#/components/schemas/Thing"}}}
    answer = {
        "description": "a box",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Box"}}},
    }
    old = document({"/box": {"get": {"responses": {"200": answer}}}}, Box=box)
    text = yaml.safe_dump(old)
    for was, now in renames.items():
        text = text.replace(f"schemas/{was}", f"schemas/{now}")
    new = yaml.safe_load(text)
    schemas = new["components"]["schemas"]
    for was, now in renames.items():
        schemas[now] = schemas.pop(was)
    assert differences(old, new)[1:] == [
        "",
        "Renamed components:",
        *(
            f"~ schemas/{was} is now schemas/{now} (used by GET /box)"
            for was, now in sorted(renames.items())
        ),
    ]


def test_a_shared_parameter_is_reported_once_and_counts_the_new_operations_using_it() -> None:
    expand = query("expand", {"type": "array", "items": {"type": "string", "enum": ["owner"]}})
    uses = {"parameters": [{"$ref": "#/components/parameters/expand"}], "responses": {"200": MODEL}}
    old = document({"/a": {"get": uses}, "/b": {"get": uses}})
    old["components"]["parameters"] = {"expand": expand}
    new = copy.deepcopy(old)
    new["paths"]["/c"] = {"get": uses}
    new["components"]["parameters"]["expand"]["schema"]["items"]["enum"] = ["site"]
    assert section(
        differences(old, new), "Changed components, each with the operations that use it"
    ) == [
        "~ parameters/expand (used by GET /a, GET /b and 1 new operation)",
        "    ~ [] enum: gains 'site'; loses 'owner'",
    ]


def test_request_body_changes_are_reported() -> None:
    inline = {"type": "object", "properties": {"name": {"type": "string"}}}
    old = document(
        {
            "/things/{thing_id}": {
                "parameters": [path("thing_id")],
                "patch": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {"200": MODEL},
                },
                "put": {
                    "requestBody": {"content": {"application/json": {"schema": inline}}},
                    "responses": {"200": MODEL},
                },
            },
            "/things": {"post": {"responses": {"200": MODEL}}},
        },
        ThingUpdate=THING,
    )
    new = copy.deepcopy(old)
    patch = new["paths"]["/things/{thing_id}"]["patch"]["requestBody"]
    patch["content"]["application/json"]["schema"]["$ref"] = "#/components/schemas/ThingUpdate"
    patch["required"] = True
    put = new["paths"]["/things/{thing_id}"]["put"]["requestBody"]["content"]["application/json"]
    put["schema"]["properties"]["name"]["maxLength"] = 40
    new["paths"]["/things"]["post"]["requestBody"] = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
    }
    assert section(differences(old, new), "Changed operations") == [
        "~ POST /things",
        "    + body",
        "    + body application/json: $ref='schemas/Thing'",
        "~ PUT /things/{thing_id}",
        "    ~ body application/json.name maxLength: (none) -> 40",
        "~ PATCH /things/{thing_id}",
        "    ~ body required: (none) -> True",
        "    ~ body application/json $ref: 'schemas/Thing' -> 'schemas/ThingUpdate'",
    ]


def test_scope_and_operation_id_changes_are_reported() -> None:
    old = copy.deepcopy(BASELINE)
    new = copy.deepcopy(BASELINE)
    new["paths"]["/evse_sites"]["get"]["security"] = [{"oauth2": ["evse:read"]}]
    new["paths"]["/evse_sites"]["get"]["operationId"] = "list_evse_sites"
    del new["paths"]["/evse_sites/{evse_site_id}"]["get"]["security"]
    new["security"] = [{"oauth2": ["evse:read"]}]
    was = old["paths"]["/evse_sites"]["get"]["operationId"]
    lines = differences(old, new)
    assert section(lines, "Changed operations") == [
        f"~ {SITES}",
        f"    ~ operationId: {was!r} -> 'list_evse_sites'",
        "    ~ security oauth2: gains 'evse:read'; loses 'site:read'",
        f"~ {SITE}",
        "    - security (was oauth2=['site:read'])",
    ]
    assert section(lines, "The document's defaults") == ["  ~ security oauth2: gains 'evse:read'"]


def test_a_scope_that_the_scheme_does_not_declare_is_reported_for_new_uses() -> None:
    old = document({})
    new = document(
        {
            "/a": {"get": {"security": [{"oauth2": ["thing:read"]}], "responses": {"200": MODEL}}},
            "/b": {"get": {"security": [{"oauth2": ["things:read"]}], "responses": {"200": MODEL}}},
            "/c": {"get": {"security": [{"OAuth2": []}], "responses": {"200": MODEL}}},
        }
    )
    assert section(
        differences(old, new), "New uses of scopes that no security scheme declares"
    ) == [
        "  OAuth2 (no such scheme): GET /c",
        "  oauth2 'things:read': GET /b",
    ]


# New operations: their shape, and whether sdk.yaml can declare them as is

DECLARABLE = {
    "a list with an array query parameter and date-time filters": (
        "/things",
        "get",
        {
            "parameters": [
                query("expand", {"type": "array", "items": {"type": "string"}}, explode=True),
                query("since", {"type": "string", "format": "date-time"}),
                *PAGE,
                {"name": "Accept-Language", "in": "header", "schema": {"type": "string"}},
            ],
            "responses": {"200": PAGED},
        },
        "GET /things: query expand[], since (date-time), page_* | header Accept-Language"
        " | answers page of Thing",
    ),
    "a get with two path parameters, one of them a date-time": (
        "/things/{thing_id}/logs/{sampled_at}",
        "get",
        {
            "parameters": [
                path("thing_id"),
                path("sampled_at", {"type": "string", "format": "date-time"}),
            ],
            "responses": {"200": MODEL},
        },
        "GET /things/{thing_id}/logs/{sampled_at}: path thing_id, sampled_at (date-time)"
        " | answers model Thing",
    ),
    "a PATCH with a $ref body": (
        "/things/{thing_id}",
        "patch",
        {
            "parameters": [path("thing_id")],
            "requestBody": {
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}
            },
            "responses": {"200": MODEL},
        },
        "PATCH /things/{thing_id}: path thing_id | body Thing | answers model Thing",
    ),
    "a DELETE answering 204": (
        "/things/{thing_id}",
        "delete",
        {"parameters": [path("thing_id")], "responses": {"204": {"description": "gone"}}},
        "DELETE /things/{thing_id}: path thing_id | answers empty",
    ),
    "a POST action answering an inline object, 201": (
        "/things:count",
        "post",
        {
            "responses": {
                "201": {
                    "description": "counted",
                    "content": {"application/json": {"schema": THING}},
                }
            }
        },
        "POST /things:count: answers inline object",
    ),
    "an unpaged list: Link header but no page parameters": (
        "/things",
        "get",
        {"responses": {"200": PAGED}},
        "GET /things: answers list of Thing (Link header but no page_* parameters)",
    ),
}


@pytest.mark.parametrize("case", DECLARABLE.values(), ids=DECLARABLE.keys())
def test_a_new_operation_of_a_declarable_shape(case: tuple[str, str, dict[str, Any], str]) -> None:
    where, method, operation, line = case
    lines = differences(document({}), document({where: {method: operation}}))
    assert lines[0].startswith("1 new operations (1 declarable as is, 0 not)")
    assert section(lines, "New operations sdk.yaml can declare as is") == [f"  {line}"]


ANY_BODY = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}
REFUSED = {
    "an inline JSON body": (
        {
            "requestBody": {"content": {"application/json": {"schema": THING}}},
            "responses": {"200": MODEL},
        },
        "the JSON request body is an inline schema, not a $ref to an object",
    ),
    "a form body": (
        {
            "requestBody": {
                "content": {
                    "multipart/form-data": {"schema": {"$ref": "#/components/schemas/Thing"}}
                }
            },
            "responses": {"200": MODEL},
        },
        "the request body is multipart/form-data, not JSON",
    ),
    "an object query parameter": (
        {"parameters": [query("filter", THING)], "responses": {"200": MODEL}},
        "query parameter filter is an object, not a scalar or an array of scalars",
    ),
    "an array query parameter sent comma-separated": (
        {
            "parameters": [
                query("ids", {"type": "array", "items": {"type": "string"}}, explode=False)
            ],
            "responses": {"200": MODEL},
        },
        "query parameter ids is an array not sent repeated",
    ),
    "a parameter name Python cannot spell": (
        {"parameters": [query("filter[name]", {"type": "string"})], "responses": {"200": MODEL}},
        "query parameter 'filter[name]' has no Python name",
    ),
    "an integer path parameter": (
        {"parameters": [path("number", {"type": "integer"})], "responses": {"200": MODEL}},
        "path parameter number is an integer, not a string",
    ),
    "a path parameter the operation does not declare": (
        {"parameters": [query("number", {"type": "string"})], "responses": {"200": MODEL}},
        "path parameter number is not declared",
    ),
    "an array of inline objects": (
        {
            "responses": {
                "200": {
                    "description": "things",
                    "content": {"application/json": {"schema": {"type": "array", "items": THING}}},
                }
            }
        },
        "answers an array of inline objects, not of $ref models",
    ),
    "a oneOf answer": (
        {
            "responses": {
                "200": {
                    "description": "one of",
                    "content": {
                        "application/json": {
                            "schema": {
                                "oneOf": [
                                    {"$ref": "#/components/schemas/Thing"},
                                    {"type": "string"},
                                ]
                            }
                        }
                    },
                }
            }
        },
        "answers a oneOf union, not a model, a list of them or an object",
    ),
    "success answers of two kinds": (
        {"responses": {"200": MODEL, "204": {"description": "nothing"}}},
        "success answers of different kinds (200 model Thing, 204 empty); one is expected",
    ),
    "no success answer": (
        {"responses": {"302": {"description": "elsewhere"}}},
        "no success answer (2xx); it answers 302",
    ),
    "a non-JSON answer": (
        {
            "responses": {
                "200": {
                    "description": "csv",
                    "content": {"text/csv": {"schema": {"type": "string"}}},
                }
            }
        },
        "answers text/csv, not JSON",
    ),
}


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_a_new_operation_sdk_yaml_cannot_declare_says_why_in_one_line(
    case: tuple[dict[str, Any], str],
) -> None:
    operation, reason = case
    named = {parameter["name"] for parameter in operation.get("parameters", [])}
    where = "/things/{number}" if "number" in named else "/things"
    lines = differences(document({}), document({where: {"post": operation}}))
    refused = section(lines, "New operations sdk.yaml cannot declare as is, and why")
    assert len(refused) == 1
    assert refused[0].startswith(f"  POST {where}: ")
    assert refused[0].endswith(f" -- not as is: {reason}")
    assert section(lines, "New operations sdk.yaml can declare as is") == []


def test_the_report_of_many_new_operations_is_one_line_each_refusals_grouped_by_reason() -> None:
    inline_body = {
        "requestBody": {"content": {"application/json": {"schema": THING}}},
        "responses": {"200": MODEL},
    }
    form_body = {"requestBody": {"content": {"text/plain": {}}}, "responses": {"200": MODEL}}
    paths = {
        f"/t{n}": {
            "post": inline_body if n % 2 else form_body,
            "get": {"responses": {"200": MODEL}},
        }
        for n in range(6)
    }
    lines = differences(document({}), document(paths))
    assert lines[0] == (
        "12 new operations (6 declarable as is, 6 not), 0 gone, 0 changed; "
        "components: 0 changed, 0 renamed, 0 gone, 0 new"
    )
    refused = section(lines, "New operations sdk.yaml cannot declare as is, and why")
    in_order = [line.split(": ", 1)[0].strip() for line in refused]
    assert in_order == [f"POST /t{n}" for n in (1, 3, 5, 0, 2, 4)]
    assert len(lines) == 1 + (2 + 6) * 2  # the summary, then a blank line and a title per group


def test_the_command_prints_the_report_or_that_nothing_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(document({})))
    new.write_text(yaml.safe_dump(document({"/things": {"get": {"responses": {"200": PAGED}}}})))
    assert main([str(old), str(old)]) == 0
    assert capsys.readouterr().out == "no changes in the operations' contracts\n"
    assert main([str(old), str(new)]) == 0
    assert "  GET /things: answers list of Thing" in capsys.readouterr().out
    assert main([str(old)]) == 2


def test_a_ref_that_points_nowhere_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = document(
        {"/things": {"get": {"responses": {"200": {"$ref": "#/components/responses/Gone"}}}}}
    )
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(yaml.safe_dump(document({})))
    new.write_text(yaml.safe_dump(broken))
    assert main([str(old), str(new)]) == 1
    assert capsys.readouterr().err == (
        "upstream_diff: $ref '#/components/responses/Gone' points to nothing\n"
    )
