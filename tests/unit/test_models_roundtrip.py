"""The generated models read every example of the spec and write it back unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from evenergy_openapi import models
from openapi_refs import resolve
from spec_examples import as_written, examples, load_spec

SPEC = load_spec()


def _model_cases() -> list[tuple[str, Any, Any, bool]]:
    """(where, model, value, is_list) for every body example of every response."""
    cases = []
    for example in examples(SPEC):
        if "/content/" not in example.where:
            continue
        schema: Any = SPEC
        for part in example.schema_pointer.removeprefix("#/").split("/"):
            schema = schema[part.replace("~1", "/").replace("~0", "~")]
        is_list = schema.get("type") == "array"
        ref = (schema["items"] if is_list else schema).get("$ref")
        if ref is None:
            continue  # an inline schema: tests/generator/ covers those
        cases.append(
            (example.where, getattr(models, ref.rsplit("/", 1)[1]), example.value, is_list)
        )
    return cases


CASES = _model_cases()


@pytest.mark.parametrize(("where", "model", "value", "is_list"), CASES, ids=[c[0] for c in CASES])
def test_example_round_trips(where: str, model: Any, value: Any, is_list: bool) -> None:
    values = value if is_list else [value]
    assert [model.from_dict(v).to_dict() for v in values] == [as_written(model, v) for v in values]


def _answered_models() -> set[str]:
    """The component schemas that some response's body is (or is an array of)."""
    found = set()
    for item in SPEC["paths"].values():
        for operation in item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            for response in responses.values():
                for media in resolve(SPEC, response).get("content", {}).values():
                    schema = media["schema"]
                    ref = (schema.get("items") or schema).get("$ref")
                    found |= {ref.rsplit("/", 1)[1]} if ref else set()
    return found


def test_every_model_a_response_holds_has_examples() -> None:
    assert {case[1] for case in CASES} == {getattr(models, name) for name in _answered_models()}
