"""Every example that openapi.yaml holds, with the schema it must fit (for the tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import attrs
import yaml

from openapi_refs import resolve  # scripts/ is on the tests' path

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
SPEC_URI = "urn:evenergy:openapi"


def load_spec() -> dict[str, Any]:
    """The parsed openapi.yaml."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return spec


@dataclass(frozen=True)
class Example:
    """One example value and the JSON pointer of the schema it belongs to."""

    where: str
    value: Any
    schema_pointer: str


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def examples(spec: dict[str, Any]) -> Iterator[Example]:
    """Walk the spec and yield each example of a media type, parameter, header or schema."""

    def walk(node: Any, pointer: str) -> Iterator[Example]:
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, f"{pointer}/{i}")
            return
        if not isinstance(node, dict):
            return
        if "schema" in node:
            schema = f"{pointer}/schema"
            if "example" in node:
                yield Example(f"{pointer}/example", node["example"], schema)
            for name, example in node.get("examples", {}).items():
                yield Example(f"{pointer}/examples/{name}", resolve(spec, example)["value"], schema)
        elif isinstance(node.get("examples"), list):
            for i, value in enumerate(node["examples"]):
                yield Example(f"{pointer}/examples/{i}", value, pointer)
        for key, child in node.items():
            if key not in ("examples", "example"):
                yield from walk(child, f"{pointer}/{_escape(key)}")

    yield from walk(spec, "#")


def as_written(model: type, example: dict[str, Any]) -> dict[str, Any]:
    """An example as the SDK writes it back with to_dict(): a nullable optional field it leaves
    out is null, so a test stays true when the spec gains such a field."""
    nullable = [f.name for f in attrs.fields(model) if f.default is None]
    return {name: None for name in nullable} | example
