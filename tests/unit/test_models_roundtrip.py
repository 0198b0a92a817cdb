"""The generated models read every example of the spec and write it back unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from evenergy_openapi.models import CPMSProvider, EVSESite, Problem
from spec_examples import as_written, examples, load_spec

SPEC = load_spec()
MODELS: dict[str, Any] = {
    "EVSESite": EVSESite,
    "CPMSProvider": CPMSProvider,
    "Problem": Problem,
}


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
        ref = (schema["items"] if is_list else schema)["$ref"]
        cases.append((example.where, MODELS[ref.rsplit("/", 1)[1]], example.value, is_list))
    return cases


CASES = _model_cases()


@pytest.mark.parametrize(("where", "model", "value", "is_list"), CASES, ids=[c[0] for c in CASES])
def test_example_round_trips(where: str, model: Any, value: Any, is_list: bool) -> None:
    values = value if is_list else [value]
    assert [model.from_dict(v).to_dict() for v in values] == [as_written(model, v) for v in values]


def test_every_model_has_examples() -> None:
    assert {case[1] for case in CASES} == set(MODELS.values())
