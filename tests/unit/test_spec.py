"""openapi.yaml: its examples fit their schemas, and every response has an example."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from openapi_refs import resolve
from spec_examples import SPEC_URI, examples, load_spec

SPEC = load_spec()
EXAMPLES = list(examples(SPEC))


def validator_for(schema_pointer: str) -> Draft202012Validator:
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(SPEC, default_specification=DRAFT202012)
    )
    return Draft202012Validator(
        {"$ref": SPEC_URI + schema_pointer},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.where for e in EXAMPLES])
def test_example_fits_its_schema(example: Any) -> None:
    validator = validator_for(example.schema_pointer)
    errors = [error.message for error in validator.iter_errors(example.value)]
    assert errors == []


def test_the_checker_rejects_a_wrong_example() -> None:
    site_schema = "#/components/schemas/EVSESite"
    broken = {"id": "nope", "url": "x", "evses": "not a list"}
    assert len(list(validator_for(site_schema).iter_errors(broken))) >= 3


def test_every_response_has_an_example() -> None:
    walked = {e.where for e in EXAMPLES}
    for path, item in SPEC["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue  # the path item's parameters
            for status, response in operation["responses"].items():
                for media_type, content in resolve(SPEC, response).get("content", {}).items():
                    where = f"{method.upper()} {path} {status} {media_type}"
                    assert content.get("examples"), f"{where} has no example"
    assert len(walked) >= 20
