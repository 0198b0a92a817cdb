"""generator/render_resources.py refuses declarations that openapi.yaml does not bear out."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from evenergy._operations import CPMS_PROVIDERS, OPERATIONS, Operation

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated" / "evenergy_openapi"


def _renderer() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "render_resources", ROOT / "generator" / "render_resources.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["render_resources"] = module
    spec.loader.exec_module(module)
    return module


RENDERER = _renderer()
SPEC: dict[str, Any] = yaml.safe_load((ROOT / "openapi.yaml").read_text())


def test_the_declared_operations_render_as_the_spec_says() -> None:
    described = [RENDERER.describe(op, SPEC, GENERATED) for op in OPERATIONS]
    by_id = {d["operation_id"]: d for d in described}
    assert by_id["get_evse_site"]["path"] == "/evse_sites/{evse_site_id}"
    assert by_id["get_evse_site"]["id_parameter"] == "evse_site_id"
    assert by_id["list_evse_sites"]["takes_user"] is True
    assert by_id["list_cpms_providers"]["takes_user"] is False
    assert {d["model"] for d in described} == {"EVSESite", "CPMSProvider"}


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        (Operation("list_chargers", CPMS_PROVIDERS, "list", doc="."), "no operation"),
        (Operation("get_cpms_provider", CPMS_PROVIDERS, "list", doc="."), "a list answers"),
        (Operation("list_cpms_providers", CPMS_PROVIDERS, "get", doc="."), "a get answers"),
    ],
)
def test_a_declaration_the_spec_does_not_bear_out_is_refused(
    declared: Operation, message: str
) -> None:
    with pytest.raises(RENDERER.DeclarationError, match=message):
        RENDERER.describe(declared, SPEC, GENERATED)


def test_a_parameter_the_template_cannot_expose_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A generated package whose builder for list_cpms_providers also takes `country`.
    builder = tmp_path / "regenerated" / "api" / "cpms_providers" / "list_cpms_providers.py"
    builder.parent.mkdir(parents=True)
    for package in (builder.parents[2], builder.parents[1], builder.parent):
        (package / "__init__.py").write_text("")
    original = (GENERATED / "api" / "cpms_providers" / "list_cpms_providers.py").read_text()
    builder.write_text(
        original.replace("    page_size:", "    country: str | Unset = UNSET,\n    page_size:")
    )
    (tmp_path / "regenerated" / "types.py").write_text((GENERATED / "types.py").read_text())
    monkeypatch.syspath_prepend(str(tmp_path))
    declared = next(op for op in OPERATIONS if op.operation_id == "list_cpms_providers")
    with pytest.raises(RENDERER.DeclarationError, match="country"):
        RENDERER.describe(declared, SPEC, tmp_path / "regenerated")
