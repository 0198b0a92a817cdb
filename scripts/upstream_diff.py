"""What changed upstream: compare two versions of the public ev.energy description, operation by
operation (parameters, headers, statuses, body schema fields and enums), so that a maintainer
knows what to port into openapi.yaml.

Usage: python scripts/upstream_diff.py OLD.yaml NEW.yaml   (nox -s upstream_diff -- NEW.yaml
compares NEW with generator/upstream/, the description openapi.yaml was reconciled against)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
SCHEMA_FACTS = ("type", "enum", "const", "format", "pattern", "nullable", "minimum", "maximum",
                "minLength", "maxLength", "minItems", "maxItems", "default")  # fmt: skip


class Spec:
    """An OpenAPI document whose local $refs can be followed."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node and node["$ref"] not in seen:
            seen.add(node["$ref"])
            found: Any = self.document
            for part in node["$ref"].removeprefix("#/").split("/"):
                found = found[part.replace("~1", "/").replace("~0", "~")]
            node = found
        return node


def _describe(schema: dict[str, Any]) -> str:
    facts = [f"{key}={schema[key]!r}" for key in SCHEMA_FACTS if key in schema]
    return ", ".join(facts) or "any"


def _schema_facts(
    spec: Spec, node: Any, where: str, facts: dict[str, str], refs: tuple[str, ...] = ()
) -> None:
    """Flatten a schema into one fact per field: `where.field` -> its type, enum, format ..."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if ref in refs:
        facts[where] = f"(recursive {ref})"
        return
    schema = spec.resolve(node)
    if not isinstance(schema, dict):
        facts[where] = repr(schema)
        return
    refs = (*refs, ref) if ref else refs
    facts[where] = _describe(schema)
    required = set(schema.get("required", []))
    for name, child in schema.get("properties", {}).items():
        _schema_facts(spec, child, f"{where}.{name}", facts, refs)
        facts[f"{where}.{name} (required)"] = str(name in required)
    if "items" in schema:
        _schema_facts(spec, schema["items"], f"{where}[]", facts, refs)
    for combinator in ("allOf", "anyOf", "oneOf"):
        for number, branch in enumerate(schema.get(combinator, [])):
            _schema_facts(spec, branch, f"{where} {combinator}[{number}]", facts, refs)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict | bool):
        facts[f"{where} (additionalProperties)"] = (
            "schema" if isinstance(extra, dict) else str(extra)
        )


def operation_facts(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Every operation (`GET /path`) and the facts of its contract, flattened."""
    spec = Spec(document)
    operations: dict[str, dict[str, str]] = {}
    for path, item in document.get("paths", {}).items():
        item = spec.resolve(item)
        for method in METHODS:
            if method not in item:
                continue
            operation = spec.resolve(item[method])
            facts: dict[str, str] = {}
            for parameter in item.get("parameters", []) + operation.get("parameters", []):
                parameter = spec.resolve(parameter)
                name = f"parameter {parameter.get('in')} {parameter.get('name')}"
                facts[f"{name} (required)"] = str(bool(parameter.get("required")))
                _schema_facts(spec, parameter.get("schema", {}), name, facts)
            for status, response in operation.get("responses", {}).items():
                response = spec.resolve(response)
                facts[f"status {status}"] = "declared"
                for header, definition in response.get("headers", {}).items():
                    definition = spec.resolve(definition)
                    facts[f"status {status} header {header} (required)"] = str(
                        bool(definition.get("required"))
                    )
                    _schema_facts(spec, definition.get("schema", {}),
                                  f"status {status} header {header}", facts)  # fmt: skip
                for media, content in response.get("content", {}).items():
                    _schema_facts(spec, content.get("schema", {}),
                                  f"status {status} {media} body", facts)  # fmt: skip
            operations[f"{method.upper()} {path}"] = facts
    return operations


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per added (+), removed (-) or changed (~) fact, grouped by operation."""
    before, after = operation_facts(old), operation_facts(new)
    lines: list[str] = []
    for operation in sorted(before.keys() | after.keys()):
        if operation not in after:
            lines.append(f"- {operation}: the operation is gone")
            continue
        if operation not in before:
            lines.append(f"+ {operation}: a new operation")
            continue
        was, now = before[operation], after[operation]
        for fact in sorted(was.keys() | now.keys()):
            if fact not in now:
                lines.append(f"- {operation}: {fact} (was {was[fact]})")
            elif fact not in was:
                lines.append(f"+ {operation}: {fact}: {now[fact]}")
            elif was[fact] != now[fact]:
                lines.append(f"~ {operation}: {fact}: {was[fact]} -> {now[fact]}")
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    old, new = (yaml.safe_load(Path(path).read_text()) for path in argv)
    lines = differences(old, new)
    print("\n".join(lines) if lines else "no changes in the operations' contracts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
