"""Following a local `$ref` of an OpenAPI description: for the generator, the scripts and the tests.

One resolver for all of them (generator/render_resources.py, scripts/upstream_diff.py and
tests/spec_examples.py), so that each reads a `$ref` the same way. It needs nothing but the
standard library: the generator runs it before the SDK is installed.
"""

from __future__ import annotations

from typing import Any


class BrokenRefError(ValueError):
    """A `$ref` that points to nothing in its document."""


def resolve(document: dict[str, Any], node: Any) -> Any:
    """The node a local `$ref` points to, followed until it is not one (or loops); else `node`.

    A `$ref` that points to nothing is a BrokenRefError naming it.
    """
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"] not in seen:
        seen.add(node["$ref"])
        found: Any = document
        try:
            for part in node["$ref"].removeprefix("#/").split("/"):
                found = found[part.replace("~1", "/").replace("~0", "~")]
        except (KeyError, TypeError):
            raise BrokenRefError(f"$ref {node['$ref']!r} points to nothing") from None
        node = found
    return node
