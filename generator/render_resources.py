"""Render wrapper/evenergy/_resources.py from _operations.py, openapi.yaml and the builders.

Usage: python generator/render_resources.py GENERATED_PACKAGE OUTPUT   (nox -s generate runs it;
check_generated renders into a scratch file and compares). The output is formatted with the
project's ruff settings, as if it were at wrapper/evenergy/_resources.py.

Each operation declared in wrapper/evenergy/_operations.py must exist in openapi.yaml. What the
SDK needs of it comes from there: its path, the model it answers with, whether it pages (an
array), and its parameters as the generated builder names them. A parameter the SDK does not
know how to expose, or a declaration that does not fit the operation, stops the rendering with a
message that says which, rather than produce a method that silently drops it.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
DECLARATIONS = ROOT / "wrapper" / "evenergy" / "_operations.py"
TEMPLATE = Path(__file__).resolve().parent / "wrapper" / "resources.py.jinja"
TARGET = ROOT / "wrapper" / "evenergy" / "_resources.py"

PAGES = {"page_size", "page_after", "page_before"}
CLIENT_PARAMETERS = {"ev_energy_version"}  # sent by the transport on every request
USER_PARAMETER = "ev_energy_user"  # the EvEnergy-User header: a method's `user`
FLAVOURS = [
    {"name": "Sync", "prefix": "", "base": "SyncResourceBase", "define": "def", "await_": "",
     "paginator": "SyncPaginator", "is_async": False, "client": "EvEnergy",
     "transport": "SyncTransport"},
    {"name": "Async", "prefix": "Async", "base": "AsyncResourceBase", "define": "async def",
     "await_": "await ", "paginator": "AsyncPaginator", "is_async": True,
     "client": "AsyncEvEnergy", "transport": "AsyncTransport"},
]  # fmt: skip


class DeclarationError(Exception):
    """A declaration that openapi.yaml or the generated builders do not bear out."""


def load_file(name: str, path: Path) -> ModuleType:
    """Import one file as a module, without importing the package around it."""
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DeclarationError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """The node a `$ref` points to (followed until it is not one)."""
    while "$ref" in node:
        for part in node["$ref"].removeprefix("#/").split("/"):
            spec = spec[part]
        node = spec
    return node


def operations_by_id(spec: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Each operation of the spec by its operationId: path, HTTP method and the operation."""
    return {
        operation["operationId"]: (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }


def answer(spec: dict[str, Any], operation: dict[str, Any]) -> tuple[str, bool]:
    """The model a 200 answers with (its schema's name) and whether it is an array of them."""
    ok = resolve(spec, operation["responses"]["200"])
    schema = ok["content"]["application/json"]["schema"]
    pages = resolve(spec, schema).get("type") == "array"
    reference = resolve(spec, schema)["items"] if pages else schema
    return reference["$ref"].rsplit("/", 1)[-1], pages


def signatures(method: str, id_parameter: str | None, takes_user: bool) -> dict[str, str]:
    """A method's parameters, its request function's, and the arguments one passes the other."""
    user = ["user: str | None = None"] if takes_user else []
    user_request = ["ev_energy_user: str | Unset"] if takes_user else []
    if method == "list":
        public = ["*", "page_size: int | None = None", *user,
                  "page_after: str | None = None", "page_before: str | None = None"]  # fmt: skip
        request = ["page_size: int | None", *user_request,
                   "page_after: str | None", "page_before: str | None"]  # fmt: skip
        passed = ["page_size", *(["{owner}._user(user)"] if takes_user else []), "page_after",
                  "page_before"]  # fmt: skip
    else:
        public = [f"{id_parameter}: str", *(["*", *user] if takes_user else [])]
        request = [f"{id_parameter}: str", *user_request]
        passed = [str(id_parameter), *(["{owner}._user(user)"] if takes_user else [])]
    return {
        "signature": ", ".join(["self", *public]),
        "request_parameters": ", ".join(request),
        "arguments_self": ", ".join(passed).format(owner="self"),
        "arguments_resource": ", ".join(passed).format(owner="resource"),
    }


def describe(declared: Any, spec: dict[str, Any], package: Path) -> dict[str, Any]:
    """What the template needs of one declared operation, checked against the spec."""
    operation_id = declared.operation_id
    found = operations_by_id(spec).get(operation_id)
    if found is None:
        raise DeclarationError(f"{operation_id}: no operation of openapi.yaml has this id")
    path, method, operation = found
    if method != "get":
        raise DeclarationError(f"{operation_id}: the template knows GET operations, not {method}")
    model, pages = answer(spec, operation)
    builders = list((package / "api").glob(f"*/{operation_id}.py"))
    if len(builders) != 1:
        raise DeclarationError(f"{operation_id}: no generated builder (run the generator first)")
    tag_module = builders[0].parent.name
    builder = importlib.import_module(f"{package.name}.api.{tag_module}.{operation_id}")
    parameters = inspect.signature(builder.build_request).parameters
    in_path = [name for name, p in parameters.items() if p.default is inspect.Parameter.empty]
    unknown = set(parameters) - set(in_path) - PAGES - CLIENT_PARAMETERS
    unknown -= {USER_PARAMETER}
    if unknown:
        raise DeclarationError(
            f"{operation_id} takes {', '.join(sorted(unknown))}, which the resources template "
            "does not expose yet: extend generator/wrapper/resources.py.jinja"
        )
    if declared.method == "list" and not (pages and not in_path and set(parameters) >= PAGES):
        raise DeclarationError(
            f"{operation_id}: a list answers an array and takes page_*, no path parameter"
        )
    if declared.method == "get" and (pages or len(in_path) != 1):
        raise DeclarationError(f"{operation_id}: a get answers one item, for one path parameter")
    id_parameter = in_path[0] if in_path else None
    takes_user = USER_PARAMETER in parameters
    return {
        "operation_id": operation_id,
        **signatures(declared.method, id_parameter, takes_user),
        "constant": operation_id.upper(),
        "tag_module": tag_module,
        "method": declared.method,
        "model": model,
        "path": path,
        "id_parameter": id_parameter,
        "takes_user": takes_user,
        "doc": declared.doc,
    }


def render(package: Path) -> str:
    """The source of _resources.py for the declarations, the spec and the builders in `package`."""
    declarations = load_file("_evenergy_operations", DECLARATIONS)
    spec = yaml.safe_load(SPEC.read_text())
    operations = [describe(op, spec, package) for op in declarations.OPERATIONS]
    resources = []
    for resource in dict.fromkeys(op.resource for op in declarations.OPERATIONS):
        mine = [op for op, d in zip(operations, declarations.OPERATIONS, strict=True)
                if d.resource == resource]  # fmt: skip
        fields = {name: getattr(resource, name) for name in (*resource.__slots__, "class_name")}
        resources.append({**fields, "operations": mine})
    environment = jinja2.Environment(  # noqa: S701 - renders Python source, not HTML
        loader=jinja2.FileSystemLoader(TEMPLATE.parent), trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    )  # fmt: skip
    environment.filters["pyrepr"] = repr
    template = environment.get_template(TEMPLATE.name)
    imports: dict[str, list[str]] = {}
    for op in operations:
        imports.setdefault(op["tag_module"], []).append(op["operation_id"])
    return template.render(
        imports=sorted(imports.items()),
        operations=operations, resources=resources, flavours=FLAVOURS,
        models=sorted({op["model"] for op in operations}),
    )  # fmt: skip


def formatted(source: str) -> str:
    """The source as ruff leaves wrapper/ (imports sorted, formatted), with the project's config."""
    ruff = shutil.which("ruff")
    if ruff is None:
        raise SystemExit("render_resources: ruff is not on PATH (nox -s generate installs it)")
    for command in (["check", "--fix-only", "--quiet"], ["format", "--quiet"]):
        source = subprocess.run(  # noqa: S603 - our own ruff, on our own output
            [ruff, *command, "--stdin-filename", str(TARGET), "-"],
            input=source, capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout  # fmt: skip
    return source


def main(argv: list[str]) -> int:
    """Render into OUTPUT; a declaration the spec does not bear out exits 1 saying why."""
    package, output = Path(argv[0]).resolve(), Path(argv[1])
    sys.path.insert(0, str(package.parent))
    try:
        output.write_text(formatted(render(package)))
    except DeclarationError as error:
        print(f"render_resources: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
