"""Render wrapper/evenergy/_resources.py from generator/sdk.yaml, openapi.yaml and the models.

Usage: PYTHONPATH=scripts render_resources.py PACKAGE OUTPUT [SPEC SDK_YAML] (the last two for a
scratch package on the installed runtime: the tests' fixture; scripts/ holds its $ref resolver).
sdk.yaml maps each method to `METHOD /path`; the rest comes from the spec. What cannot be
honoured stops it with one line naming the method and why.
"""

from __future__ import annotations

import importlib
import json
import keyword
import re
import sys
from collections import namedtuple
from pathlib import Path
from typing import Any, NamedTuple

import jinja2
import yaml

from openapi_refs import BrokenRefError, resolve

TEMPLATE = Path(__file__).resolve().parent / "wrapper" / "resources.py.jinja"
NAMED = {"EvEnergy-User": "user", "EvEnergy-Version": None}  # None: the transport sends it
PLACES = {"path": "path_parameters", "query": "query", "header": "headers"}  # by their "in"
CURSORS = ("page_after", "page_before")
KINDS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}
KINDS |= {"date-time": "datetime", "date": "date"}  # formats of a string
JINJA: Any = {"undefined": jinja2.StrictUndefined, "trim_blocks": True, "lstrip_blocks": True}


# A method's argument: a path, query or header parameter, or a JSON body's property.
Argument = namedtuple("Argument", "name wire kind required nullable example", defaults=(0, None))


class DeclarationError(Exception):
    """A declaration that the spec or the generated package does not bear out."""


class Describer(NamedTuple):
    """Describes declared methods from one spec and the generated package's models."""

    spec: dict[str, Any]
    models: Any

    def name(self, wire: str, where: str) -> str:
        """A spec name in snake_case (`Accept-Language` -> accept_language), checked."""
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|[^0-9A-Za-z_]+", "_", wire).lower()
        snake = NAMED.get(wire) or snake
        if not snake.isidentifier() or keyword.iskeyword(snake):
            raise DeclarationError(f"{where}: {wire!r} makes no Python name")
        return snake

    def kind(self, schema: dict[str, Any], where: str) -> str:
        """The annotation of a parameter's (or body property's) schema, without None."""
        schema = resolve(self.spec, schema)
        found = schema.get("type", "object")
        types = [t for t in (found if isinstance(found, list) else [found]) if t != "null"]
        if types == ["array"]:
            return f"Sequence[{self.kind(schema.get('items', {}), where)}]"
        if len(types) == 1 and types[0] in KINDS:
            return KINDS.get(schema.get("format", ""), KINDS[types[0]])
        raise DeclarationError(f"{where}: a value of type {types} is not supported")

    def model(self, schema: dict[str, Any], prefix: str, name: str, where: str) -> str:
        """The generated class of an answer's object schema: a component's, or an inline one's."""
        title = resolve(self.spec, schema).get("title") or name  # inline: prefixed with its opId
        wanted = schema["$ref"].rsplit("/", 1)[-1] if "$ref" in schema else f"{prefix}_{title}"
        key = re.sub(r"[\W_]", "", wanted).lower()
        if not (found := [c for c in dir(self.models) if c.lower() == key]):
            raise DeclarationError(f"{where}: the generated package has no model {wanted!r}")
        return found[0]

    def answer(self, operation: dict[str, Any], where: str, paged: bool) -> dict[str, Any]:
        """What a success answers (page, model, list or empty), its model, status and example."""
        responses = {str(k): v for k, v in operation.get("responses", {}).items()}
        if not (ok := sorted(status for status in responses if status.startswith("2"))):
            raise DeclarationError(f"{where}: the operation declares no 2xx answer")
        content = resolve(self.spec, responses[ok[0]]).get("content", {})
        found = {"status": int(ok[0]) if ok[0].isdigit() else 200, "answer": "empty", "model": None}
        if not content or ok[0] == "204":
            return found
        if "application/json" not in content:
            raise DeclarationError(f"{where}: answers {', '.join(content)}, not JSON")
        media, prefix = content["application/json"], str(operation.get("operationId"))
        examples = [e.get("value") for e in media.get("examples", {}).values()]
        example = (examples or [media.get("example")])[0]
        found["example"] = json.loads(json.dumps(example, default=str))
        schema = resolve(self.spec, media.get("schema", {}))
        if schema.get("type") != "array":
            model = self.model(media.get("schema", {}), prefix, f"response_{ok[0]}", where)
            return found | {"answer": "model", "model": model}
        model = self.model(schema["items"], prefix, f"response_{ok[0]}_item", where)
        return found | {"answer": "page" if paged else "list", "model": model}

    def parameter(self, found: dict[str, Any], where: str) -> Argument:
        """A path, query or header parameter: names, annotation, an example value."""
        schema = resolve(self.spec, found.get("schema", {}))
        examples = [found.get("example"), schema.get("example"), *schema.get("examples", [])]
        name, required = self.name(found["name"], where), found.get("required", False)
        example = next(filter(None, examples), None)
        return Argument(name, found["name"], self.kind(schema, where), required, example=example)

    def body(self, operation: dict[str, Any], where: str) -> list[Argument] | None:
        """The JSON body's writable properties, None when the operation takes no body."""
        if "requestBody" not in operation:
            return None
        content = resolve(self.spec, operation["requestBody"]).get("content", {})
        schema = resolve(self.spec, content.get("application/json", {}).get("schema", {}))
        if "properties" not in schema:
            raise DeclarationError(f"{where}: only a JSON object body is supported")
        found: list[Argument] = []
        for wire, node in schema["properties"].items():
            if (prop := resolve(self.spec, node)).get("readOnly"):
                continue
            object_ = "$ref" in node or "properties" in prop
            kind = "Mapping[str, Any]" if object_ else self.kind(prop, where)
            nullable = prop.get("nullable") is True or "null" in (prop.get("type") or [])
            required = wire in schema.get("required", [])
            found.append(Argument(self.name(wire, where), wire, kind, required, nullable))
        return found

    def method(self, where: str, declared: object) -> dict[str, Any]:
        """What the template needs of one declared method, checked against the spec."""
        verb, _, path = str(declared).partition(" ")
        operation = (item := self.spec.get("paths", {}).get(path, {})).get(verb.lower())
        if not isinstance(operation, dict):
            raise DeclarationError(f"{where}: openapi.yaml has no {verb.upper()} {path}")
        groups: dict[str, Any] = {group: [] for group in PLACES.values()}
        listed = [*item.get("parameters", []), *operation.get("parameters", [])]
        found = {p["name"]: p for p in (resolve(self.spec, p) for p in listed)}
        for wire, parameter in found.items():
            if parameter["in"] not in PLACES:
                raise DeclarationError(f"{where}: a parameter in {parameter['in']} is unsupported")
            if NAMED.get(wire, "") is not None:
                groups[PLACES[parameter["in"]]].append(self.parameter(parameter, where))
        in_path = {p.wire: p for p in groups["path_parameters"]}
        order = re.findall(r"\{([^}]+)\}", path)
        if sorted(order) != sorted(in_path):
            raise DeclarationError(f"{where}: the path's {{names}} and its path parameters differ")
        answer = self.answer(operation, where, set(CURSORS) <= set(map(str, found)))
        body = self.body(operation, where)
        names = [p.name for group in [*groups.values(), body or []] for p in group]
        if len(names) != len(set(names)):
            raise DeclarationError(f"{where}: two parameters share a Python name")
        groups["path_parameters"] = [in_path[wire] for wire in order]
        described = {"verb": verb.upper(), "path": path, "where": where, "operation": operation}
        return groups | answer | described | {"body": body}

    def resources(self, declared: Any, parent: dict[str, Any] | None = None) -> list[Any]:
        """Each declared resource, its subresources after it, with its described methods."""
        found: list[dict[str, Any]] = []
        for name, resource in (declared or {}).items():
            where = f"{parent['attribute']}.{name}" if parent else str(name)
            if not (isinstance(resource, dict) and str(name).isidentifier()):
                raise DeclarationError(f"{where}: a resource is a Python name with methods")
            methods = []
            for method, line in (resource.get("methods") or {}).items():
                if not str(method).isidentifier() or keyword.iskeyword(method):
                    raise DeclarationError(f"{where}.{method}: a method's name is a Python name")
                try:
                    methods.append({"method": method, **self.method(f"{where}.{method}", line)})
                except (KeyError, TypeError, AttributeError) as error:  # a malformed spec
                    raise DeclarationError(f"{where}.{method}: {error!r} in openapi.yaml") from None
            entry = {"attribute": where, "methods": methods, "cli": resource.get("cli")}
            entry["children"] = []
            (parent["children"] if parent else []).append(entry)
            found += [entry, *self.resources(resource.get("subresources"), entry)]
        return found


def render(spec_path: Path, sdk_path: Path, package: Path, runtime: str) -> str:
    """The source of _resources.py for the declarations, the spec and the models in `package`."""
    spec = yaml.safe_load(spec_path.read_text())
    declared = yaml.safe_load(sdk_path.read_text())
    if not isinstance(declared, dict) or not isinstance(declared.get("resources"), dict):
        raise DeclarationError(f"{sdk_path.name}: holds no `resources:` mapping")
    models = importlib.import_module(f"{package.name}.models")  # the classes' names
    found = Describer(spec, models).resources(declared["resources"])
    loader = jinja2.FileSystemLoader(TEMPLATE.parent)
    environment = jinja2.Environment(loader=loader, **JINJA)  # noqa: S701 - Python, not HTML
    environment.filters["pyrepr"] = repr
    template = environment.get_template(TEMPLATE.name)
    tags = {tag["name"]: tag.get("description", "") for tag in spec.get("tags", [])}
    return template.render(resources=found, package=package.name, runtime=runtime, tags=tags)


def main(argv: list[str]) -> int:
    """Render into OUTPUT; a declaration that cannot be honoured exits 1 saying why, in a line."""
    package, output, *rest = [Path(argument) for argument in argv]
    spec, sdk = rest[:2] or (TEMPLATE.parents[2] / "openapi.yaml", TEMPLATE.parents[1] / "sdk.yaml")
    sys.path.insert(0, str(package.resolve().parent))
    try:  # the runtime is the package's own (.), or evenergy's for a scratch package
        output.write_text(render(spec, sdk, package.resolve(), "evenergy." if rest else "."))
    except (DeclarationError, BrokenRefError, OSError, yaml.YAMLError) as error:
        print(f"render_resources: {' '.join(str(error).split())}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
