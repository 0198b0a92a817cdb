"""What changed upstream: compare two versions of the ev.energy OpenAPI description, so that a
maintainer knows what to port into openapi.yaml and what generator/sdk.yaml can then declare.

Usage: python scripts/upstream_diff.py OLD.yaml NEW.yaml
(`nox -s upstream_diff -- NEW.yaml` compares NEW with generator/upstream/, the description
openapi.yaml was reconciled against; OLD may also be openapi.yaml itself.)

The report starts with a count of each kind of finding, then one line per finding, grouped:
- the document's default security;
- changed and renamed components (schemas, parameters, headers, request bodies, responses,
  security schemes), each once, with the operations that use it directly or through others;
- changed operations: operationId, security scopes, parameters, request body, statuses, response
  headers and bodies, as the operation writes them (a shared component is reported as itself);
- gone operations, and new uses of scopes that no security scheme declares;
- new operations, each with its shape and whether sdk.yaml can declare it as is, or why not.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from openapi_refs import BrokenRefError, resolve

METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")
COMPONENTS = ("schemas", "parameters", "headers", "requestBodies", "responses", "securitySchemes")
SCHEMA_FACTS = (
    "type",
    "enum",
    "const",
    "format",
    "pattern",
    "nullable",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "default",
    "readOnly",
    "writeOnly",
    "deprecated",
)
COMBINATORS = ("allOf", "anyOf", "oneOf")
SCALARS = frozenset({"string", "integer", "number", "boolean"})
PAGE_PARAMETERS = frozenset({"page_size", "page_after", "page_before"})
REFUSED = " -- not as is: "

Facts = dict[str, dict[str, Any]]
"""What a description says about one thing (an operation, a component), by place inside it:
`200 application/json.id` -> {"type": "string", "required": True}."""


def _ref(node: Any) -> str | None:
    """The component a `$ref` names, as `schemas/EVSESite`; None when the node is no `$ref`."""
    if isinstance(node, dict) and isinstance(node.get("$ref"), str):
        return str(node["$ref"]).removeprefix("#/components/")
    return None


def _refs(node: Any) -> Iterator[str]:
    """Every component named by a `$ref` anywhere inside a node."""
    if isinstance(node, dict):
        if (name := _ref(node)) is not None:
            yield name
        for child in node.values():
            yield from _refs(child)
    elif isinstance(node, list):
        for child in node:
            yield from _refs(child)


# Facts: a description flattened by place, stopping at $refs


def _schema(node: Any, where: str, facts: Facts) -> None:
    """A schema's facts by place (`.field`, `[]` for items, `{}` for additional properties)."""
    here = facts.setdefault(where, {})
    if not isinstance(node, dict):
        here["schema"] = node  # a boolean schema
        return
    if (name := _ref(node)) is not None:
        here["$ref"] = name
        return
    here.update({key: node[key] for key in SCHEMA_FACTS if key in node})
    required = node.get("required", [])
    for name, child in node.get("properties", {}).items():
        _schema(child, f"{where}.{name}", facts)
        if name in required:
            facts[f"{where}.{name}"]["required"] = True
    if "items" in node:
        _schema(node["items"], f"{where}[]", facts)
    for combinator in COMBINATORS:
        for number, branch in enumerate(node.get(combinator, [])):
            _schema(branch, f"{where} {combinator}[{number}]", facts)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        _schema(extra, f"{where}{{}}", facts)
    elif isinstance(extra, bool):
        here["additionalProperties"] = extra


def _message(node: Any, where: str, facts: Facts) -> None:
    """The facts of a parameter, header, request body or response: its flags, headers, schema
    and the schema of each media type."""
    if (name := _ref(node)) is not None:
        facts[where] = {"$ref": name}
        return
    keys = ("in", "required", "style", "explode", "deprecated")
    facts[where] = {key: node[key] for key in keys if key in node}
    for header, definition in node.get("headers", {}).items():
        _message(definition, f"{where} header {header}", facts)
    if "schema" in node:
        _schema(node["schema"], where, facts)
    for media, content in node.get("content", {}).items():
        _schema(content.get("schema", {}), f"{where} {media}", facts)


def _security(requirements: list[dict[str, list[str]]] | None, facts: Facts) -> None:
    """Which scopes of which scheme a security requirement asks for (`[]`: none at all)."""
    if requirements is None:
        return
    scopes: dict[str, Any] = {} if requirements else {"anonymous": True}
    for requirement in requirements:
        for scheme, named in requirement.items():
            scopes[scheme] = sorted({*scopes.get(scheme, []), *named})
    facts["security"] = scopes


def _scheme(node: dict[str, Any], facts: Facts) -> None:
    """A security scheme's type and, per OAuth flow, its URLs and the scopes it declares."""
    facts[""] = {key: node[key] for key in ("type", "scheme", "in", "name") if key in node}
    for flow, definition in node.get("flows", {}).items():
        urls = ("authorizationUrl", "tokenUrl")
        facts[f"flow {flow}"] = {key: definition[key] for key in urls if key in definition}
        facts[f"flow {flow}"]["scopes"] = sorted(definition.get("scopes", {}))


class Operation(NamedTuple):
    """One operation of a description, with the parameters of its path item merged in."""

    method: str
    path: str
    node: dict[str, Any]
    parameters: list[Any]

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(document: dict[str, Any]) -> dict[str, Operation]:
    """Every operation of a description, by `METHOD /path`."""
    found: dict[str, Operation] = {}
    for path, item in document.get("paths", {}).items():
        item = resolve(document, item)
        for method in METHODS:
            if method in item:
                node = resolve(document, item[method])
                merged = {
                    (resolve(document, p).get("in"), resolve(document, p).get("name")): p
                    for p in item.get("parameters", []) + node.get("parameters", [])
                }
                operation = Operation(method, path, node, list(merged.values()))
                found[operation.key] = operation
    return found


def operation_facts(document: dict[str, Any], operation: Operation) -> Facts:
    """What an operation itself says: operationId, security, parameters, body and answers."""
    facts: Facts = {"": {"operationId": operation.node.get("operationId")}}
    _security(operation.node.get("security"), facts)
    for parameter in operation.parameters:
        named = resolve(document, parameter)
        _message(parameter, f"{named.get('in')} {named.get('name')}", facts)
    if "requestBody" in operation.node:
        _message(operation.node["requestBody"], "body", facts)
    for status, response in operation.node.get("responses", {}).items():
        _message(response, str(status), facts)
    return facts


def component_facts(document: dict[str, Any]) -> dict[str, Facts]:
    """What each component says, by `kind/name` (`schemas/EVSESite`)."""
    found: dict[str, Facts] = {}
    for kind in COMPONENTS:
        for name, node in document.get("components", {}).get(kind, {}).items():
            facts: Facts = {}
            if kind == "schemas":
                _schema(node, "", facts)
            elif kind == "securitySchemes":
                _scheme(node, facts)
            else:
                _message(node, "", facts)
            found[f"{kind}/{name}"] = facts
    return found


def _security_of(document: dict[str, Any], operation: Operation) -> list[dict[str, list[str]]]:
    requirements: list[dict[str, list[str]]] = operation.node.get(
        "security", document.get("security", [])
    )
    return requirements


def users(document: dict[str, Any]) -> dict[str, set[str]]:
    """The operations that use each component, directly or through other components."""
    inside = {
        f"{kind}/{name}": set(_refs(node))
        for kind in COMPONENTS
        for name, node in document.get("components", {}).get(kind, {}).items()
    }
    found: dict[str, set[str]] = {}
    for key, operation in operations(document).items():
        schemes = {f"securitySchemes/{s}" for r in _security_of(document, operation) for s in r}
        todo, reached = {*_refs([operation.node, operation.parameters]), *schemes}, set()
        while todo:
            name = todo.pop()
            if name not in reached:
                reached.add(name)
                todo |= inside.get(name, set())
        for name in reached:
            found.setdefault(name, set()).add(key)
    return found


# Differences, one line per finding


def _show(value: Any) -> str:
    return "(none)" if value is None else repr(value)


def _change(before: Any, after: Any) -> str:
    if isinstance(before, list) and isinstance(after, list):
        gained = [value for value in after if value not in before]
        lost = [value for value in before if value not in after]
        parts = [f"gains {', '.join(map(repr, gained))}"] if gained else []
        parts += [f"loses {', '.join(map(repr, lost))}"] if lost else []
        if parts:
            return "; ".join(parts)
    return f"{_show(before)} -> {_show(after)}"


def _inside(where: str, places: list[str]) -> bool:
    """Whether a place lies in the schema of another of the given places (`.a.b` in `.a`)."""
    return any(
        where != place
        and where.startswith(place)
        and (
            where[len(place)] in ".[{"
            or where[len(place) :].startswith(tuple(f" {c}" for c in COMBINATORS))
        )
        for place in places
    )


def changes(was: Facts, now: Facts) -> list[str]:
    """One line per added (+), removed (-) or changed (~) fact of one operation or component;
    a field added with its sub-fields is one line."""
    added = [where for where in now if where not in was]
    removed = [where for where in was if where not in now]
    lines: list[str] = []
    for where in sorted(was.keys() | now.keys()):
        if where in added:
            if not _inside(where, added):
                facts = ", ".join(f"{key}={value!r}" for key, value in now[where].items())
                lines.append(f"+ {where}" + (f": {facts}" if facts else ""))
        elif where in removed:
            if not _inside(where, removed):
                facts = ", ".join(f"{key}={value!r}" for key, value in was[where].items())
                lines.append(f"- {where}" + (f" (was {facts})" if facts else ""))
        else:
            for key in sorted(was[where].keys() | now[where].keys()):
                before, after = was[where].get(key), now[where].get(key)
                if before != after:
                    place = f"{where} {key}".strip()
                    lines.append(f"~ {place}: {_change(before, after)}")
    return lines


def by_path(keys: Iterable[str]) -> list[str]:
    """Operation keys (`GET /path`) in the order of their paths, then of METHODS."""
    return sorted(
        keys, key=lambda key: (key.split(" ", 1)[1], METHODS.index(key.split()[0].lower()))
    )


def _used_by(keys: set[str], known: set[str]) -> str:
    """`used by GET /a, GET /b and 3 new operations`: the known ones by name, the others counted."""
    named = ", ".join(by_path(keys & known))
    others = len(keys - known)
    counted = f"{others} new operation{'s' * (others != 1)}" if others else ""
    return f"used by {' and '.join(part for part in (named, counted) if part) or 'no operation'}"


# Shapes: what generator/sdk.yaml can declare


@dataclass
class Shape:
    """How an operation looks to the SDK generator, and why sdk.yaml cannot declare it if so."""

    parts: list[str]
    refusals: list[str]

    def line(self, key: str) -> str:
        shape = " | ".join(part for part in self.parts if part)
        refused = f"{REFUSED}{'; '.join(self.refusals)}" if self.refusals else ""
        return f"  {key}: {shape}{refused}"


def _types(schema: Any) -> set[str]:
    declared = schema.get("type") if isinstance(schema, dict) else None
    types = set(declared) if isinstance(declared, list) else {declared} if declared else set()
    return types - {"null"}


def _type_name(schema: Any) -> str:
    """A schema's type in a word or two: `integer`, `object`, `oneOf union`, `untyped`."""
    union = [c for c in ("oneOf", "anyOf") if isinstance(schema, dict) and c in schema]
    if union:
        return f"{union[0]} union"
    return " or ".join(sorted(_types(schema))) or "untyped"


def _kind(schema: Any) -> str:
    """A schema's type with its article: `an integer`, `a oneOf union`, `untyped`."""
    name = _type_name(schema)
    article = "an" if name[0] in "aeiou" and not name.startswith("oneOf") else "a"
    return name if name == "untyped" else f"{article} {name}"


def _is_object(schema: Any) -> bool:
    """Whether a schema is an object the generator makes a model of (allOf merged)."""
    if not isinstance(schema, dict) or any(c in schema for c in ("anyOf", "oneOf")):
        return False
    types = _types(schema)
    return types == {"object"} or (not types and ("properties" in schema or "allOf" in schema))


def _parameter_shape(document: dict[str, Any], parameter: dict[str, Any], shape: Shape) -> str:
    """A parameter as the shape shows it (`expand[]`, `since (date-time)`), refusals noted."""
    name, place = str(parameter.get("name")), parameter.get("in")
    schema = resolve(document, parameter.get("schema", {}))
    types = _types(schema)
    date_time = " (date-time)" if schema.get("format") == "date-time" else ""
    if not name.replace("-", "_").isidentifier():
        shape.refusals.append(f"{place} parameter {name!r} has no Python name")
    if place == "cookie":
        shape.refusals.append(f"cookie parameter {name}: the SDK sends no cookies")
    elif place == "path" and _type_name(schema) != "string":
        shape.refusals.append(f"path parameter {name} is {_kind(schema)}, not a string")
    elif place == "path":
        return name + date_time
    elif types == {"array"}:
        items = resolve(document, schema.get("items", {}))
        if not _types(items) or not _types(items) <= SCALARS:
            kind = _type_name(items)
            shape.refusals.append(f"{place} parameter {name} is an array of {kind} items")
        elif parameter.get("style", "form") != "form" or parameter.get("explode") is False:
            shape.refusals.append(f"{place} parameter {name} is an array not sent repeated")
        return f"{name}[]"
    elif not types <= SCALARS or _type_name(schema) in ("untyped", "oneOf union", "anyOf union"):
        shape.refusals.append(
            f"{place} parameter {name} is {_kind(schema)}, not a scalar or an array of scalars"
        )
    return name + date_time


def _body_shape(document: dict[str, Any], operation: Operation, shape: Shape) -> str:
    if "requestBody" not in operation.node:
        return ""
    content = resolve(document, operation.node["requestBody"]).get("content", {})
    if not content:
        shape.refusals.append("the request body declares no media type (content: {})")
        return "body (no media type)"
    if "application/json" not in content:
        shape.refusals.append(f"the request body is {', '.join(content)}, not JSON")
        return "body " + ", ".join(content)
    schema = content["application/json"].get("schema", {})
    name = _ref(schema)
    others = f" (JSON; also {', '.join(m for m in content if m != 'application/json')})"
    text = f"body {name.rsplit('/', 1)[-1] if name else 'inline'}" + others * (len(content) > 1)
    if name is None:
        shape.refusals.append("the JSON request body is an inline schema, not a $ref to an object")
    elif not _is_object(resolve(document, schema)):
        kind = _kind(resolve(document, schema))
        shape.refusals.append(f"the request body {name} is {kind}, not an object")
    return text


def _answer(
    document: dict[str, Any], response: dict[str, Any], query: set[str]
) -> tuple[str, str | None]:
    """The kind of one success answer (`page of EVSE`, `model EVSE`, `empty`), or why none."""
    content = response.get("content", {})
    if not content:
        return "empty", None
    media = [m for m in content if m == "application/json" or m.endswith("+json")]
    if not media:
        return ", ".join(content), f"answers {', '.join(content)}, not JSON"
    schema = content[media[0]].get("schema", {})
    target, name = resolve(document, schema), _ref(schema)
    if _is_object(target):
        return (f"model {name.rsplit('/', 1)[-1]}" if name else "inline object"), None
    if _types(target) != {"array"}:
        return _kind(target), f"answers {_kind(target)}, not a model, a list of them or an object"
    items = target.get("items", {})
    model = _ref(items)
    if model is None or not _is_object(resolve(document, items)):
        kind = (
            "inline objects"
            if _is_object(items)
            else f"{_type_name(resolve(document, items))} items"
        )
        return f"array of {kind}", f"answers an array of {kind}, not of $ref models"
    linked = "link" in {header.lower() for header in response.get("headers", {})}
    paged = bool(query & PAGE_PARAMETERS)
    note = {
        (True, False): " (Link header but no page_* parameters)",
        (False, True): " (page_* parameters but no Link header)",
    }.get((linked, paged), "")
    return f"{'page' if linked and paged else 'list'} of {model.rsplit('/', 1)[-1]}{note}", None


def shape(document: dict[str, Any], operation: Operation) -> Shape:
    """An operation's shape (path, query and header parameters, body, answer) and what keeps
    generator/sdk.yaml from declaring it as is. The generator takes any HTTP method; path
    parameters that are strings (date-times too); query and header parameters that are scalars,
    arrays of scalars sent repeated, or date-times; a JSON request body that is a $ref to an
    object; and one kind of success answer: a $ref model, an array of $ref models (a page when
    it has a Link header and page_* parameters), an inline object, or nothing."""
    found = Shape([], [])
    parameters = [resolve(document, p) for p in operation.parameters]
    declared = {p.get("name") for p in parameters if p.get("in") == "path"}
    for name in re.findall(r"{([^}]+)}", operation.path):
        if name not in declared:
            found.refusals.append(f"path parameter {name} is not declared")
    query = {str(p.get("name")) for p in parameters if p.get("in") == "query"}
    for place in ("path", "query", "header", "cookie"):
        names = [_parameter_shape(document, p, found) for p in parameters if p.get("in") == place]
        if place == "query" and query >= PAGE_PARAMETERS:
            names = [*(n for n in names if n not in PAGE_PARAMETERS), "page_*"]
        found.parts.append(f"{place} {', '.join(names)}" if names else "")
    found.parts.append(_body_shape(document, operation, found))
    responses = operation.node.get("responses", {})
    answers = {
        str(status): _answer(document, resolve(document, response), query)
        for status, response in responses.items()
        if str(status).startswith("2")
    }
    kinds = sorted({kind for kind, _ in answers.values()})
    if not answers:
        found.refusals.append(
            f"no success answer (2xx); it answers {', '.join(map(str, responses))}"
        )
    elif len(kinds) > 1:
        each = ", ".join(f"{status} {kind}" for status, (kind, _) in answers.items())
        found.refusals.append(f"success answers of different kinds ({each}); one is expected")
    found.refusals += sorted({refusal for _, refusal in answers.values() if refusal})
    found.parts.append(f"answers {' / '.join(kinds)}" if kinds else "answers no 2xx")
    return found


# The report


def _undeclared_scopes(document: dict[str, Any]) -> set[tuple[str, str]]:
    """(`scheme scope`, operation) for every scope an operation asks that its scheme lacks."""
    schemes = document.get("components", {}).get("securitySchemes", {})
    found: set[tuple[str, str]] = set()
    for key, operation in operations(document).items():
        for requirement in _security_of(document, operation):
            for scheme, scopes in requirement.items():
                if scheme not in schemes:
                    found.add((f"{scheme} (no such scheme)", key))
                    continue
                flows = schemes[scheme].get("flows", {}).values()
                known = {scope for flow in flows for scope in flow.get("scopes", {})}
                found |= {(f"{scheme} {scope!r}", key) for scope in scopes if scope not in known}
    return found


def _document_facts(document: dict[str, Any]) -> Facts:
    facts: Facts = {"": {}}
    _security(document.get("security"), facts)
    return facts


def _renaming(facts: Facts, renames: dict[str, str]) -> Facts:
    """Facts with the components they name under their new names."""
    return {
        where: {
            key: renames.get(value, value) if key == "$ref" else value
            for key, value in attrs.items()
        }
        for where, attrs in facts.items()
    }


def renamed(before: dict[str, Facts], after: dict[str, Facts]) -> dict[str, str]:
    """Components that changed only their name (counting the renames of those they name):
    old name -> new name."""
    renames: dict[str, str] = {}
    while True:
        added = [name for name in after if name not in before and name not in renames.values()]
        found: dict[str, str] = {}
        for old in (name for name in before if name not in after and name not in renames):
            facts, kind = _renaming(before[old], renames), old.split("/")[0]
            same = [new for new in added if new.split("/")[0] == kind and after[new] == facts]
            if len(same) == 1 and same[0] not in found.values():
                found[old] = same[0]
        if not found:
            return renames
        renames |= found


@dataclass
class ComponentFindings:
    """What changed in the components: each changed one once, with its findings and the
    operations that use it (by name those that were there before, new ones counted)."""

    changed: list[str]
    renamed: list[str]
    gone: list[str]
    new: int
    renames: dict[str, str]


def _component_findings(old: dict[str, Any], new: dict[str, Any]) -> ComponentFindings:
    before, after = component_facts(old), component_facts(new)
    renames = renamed(before, after)
    used_before, used_after, known = users(old), users(new), set(operations(old))

    def used(name: str, table: dict[str, set[str]]) -> str:
        return _used_by(table.get(name, set()), known)

    changed: list[str] = []
    for name in sorted(before.keys() & after.keys()):
        if lines := changes(_renaming(before[name], renames), after[name]):
            changed += [f"~ {name} ({used(name, used_after)})", *(f"    {line}" for line in lines)]
    return ComponentFindings(
        changed=changed,
        renamed=[
            f"~ {name} is now {renames[name]} ({used(renames[name], used_after)})"
            for name in sorted(renames)
        ],
        gone=[
            f"- {name} (was {used(name, used_before)})"
            for name in sorted(before.keys() - after.keys() - renames.keys())
        ],
        new=len(after.keys() - before.keys() - set(renames.values())),
        renames=renames,
    )


def _scope_findings(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Scopes that new uses ask of a scheme that does not declare them, with the operations."""
    scopes: dict[str, set[str]] = {}
    for scope, key in _undeclared_scopes(new) - _undeclared_scopes(old):
        scopes.setdefault(scope, set()).add(key)
    return [f"  {scope}: {', '.join(by_path(keys))}" for scope, keys in sorted(scopes.items())]


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The report: a summary line, then the findings grouped (empty when nothing changed)."""
    components = _component_findings(old, new)
    before, after = operations(old), operations(new)
    changed_operations: list[str] = []
    for key in by_path(before.keys() & after.keys()):
        was = _renaming(operation_facts(old, before[key]), components.renames)
        if lines := changes(was, operation_facts(new, after[key])):
            changed_operations += [f"~ {key}", *(f"    {line}" for line in lines)]
    gone = [f"- {key}" for key in by_path(before.keys() - after.keys())]
    shapes = {key: shape(new, after[key]) for key in by_path(after.keys() - before.keys())}
    declarable = [found.line(key) for key, found in shapes.items() if not found.refusals]
    refused = sorted(
        (found.line(key) for key, found in shapes.items() if found.refusals),
        key=lambda line: line.split(REFUSED, 1)[1],  # operations refused for one reason together
    )
    sections = {
        "The document's defaults": [
            f"  {line}" for line in changes(_document_facts(old), _document_facts(new))
        ],
        "Changed components, each with the operations that use it": components.changed,
        "Renamed components": components.renamed,
        "Gone components": components.gone,
        "Changed operations": changed_operations,
        "Gone operations": gone,
        "New uses of scopes that no security scheme declares": _scope_findings(old, new),
        "New operations sdk.yaml can declare as is": declarable,
        "New operations sdk.yaml cannot declare as is, and why": refused,
    }
    if not any(sections.values()):
        return []
    summary = (
        f"{len(shapes)} new operations ({len(declarable)} declarable as is, {len(refused)} not), "
        f"{len(gone)} gone, {sum(line[0] == '~' for line in changed_operations)} changed; "
        f"components: {sum(line[0] == '~' for line in components.changed)} changed, "
        f"{len(components.renamed)} renamed, {len(components.gone)} gone, {components.new} new"
    )
    return [summary] + [
        line for title, lines in sections.items() if lines for line in ("", f"{title}:", *lines)
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when built with it
    try:
        old, new = (yaml.load(Path(path).read_text(), Loader=loader) for path in argv)  # noqa: S506
        lines = differences(old, new)
    except (OSError, yaml.YAMLError, BrokenRefError) as error:
        print(f"upstream_diff: {error}", file=sys.stderr)
        return 1
    print("\n".join(lines) if lines else "no changes in the operations' contracts")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
