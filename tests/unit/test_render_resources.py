"""generator/render_resources.py refuses, in one line, declarations it cannot honour."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated" / "evenergy_openapi"
RENDERER = ROOT / "generator" / "render_resources.py"


def render(
    tmp_path: Path, declarations: str, spec: Path = ROOT / "openapi.yaml"
) -> subprocess.CompletedProcess[str]:
    sdk = tmp_path / "sdk.yaml"
    sdk.write_text(declarations)
    return subprocess.run(
        [
            sys.executable,
            str(RENDERER),
            str(GENERATED),
            str(tmp_path / "out.py"),
            str(spec),
            str(sdk),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")},
    )


def test_the_shipped_declarations_render(tmp_path: Path) -> None:
    done = render(tmp_path, (ROOT / "generator" / "sdk.yaml").read_text())
    assert done.returncode == 0, done.stderr
    source = (tmp_path / "out.py").read_text()
    assert "def list(" in source
    assert "EVSE_SITES_GET = Endpoint(" in source


@pytest.mark.parametrize(
    ("declarations", "message"),
    [
        (
            "resources:\n  chargers:\n    methods:\n      list: get /chargers\n",
            "chargers.list: openapi.yaml has no GET /chargers",
        ),
        (
            "resources:\n  evse-sites:\n    methods:\n      list: get /evse_sites\n",
            "evse-sites: a resource is a Python name",
        ),
        (
            "resources:\n  sites:\n    methods:\n      get-one: get /evse_sites/{evse_site_id}\n",
            "sites.get-one: a method's name is a Python name",
        ),
        (
            "resources:\n  sites:\n    methods:\n      class: get /evse_sites\n",
            "sites.class: a method's name is a Python name",
        ),
        (
            "resources:\n  sites:\n    methods:\n      update: patch /evse_sites/{evse_site_id}\n",
            "sites.update: openapi.yaml has no PATCH /evse_sites/{evse_site_id}",
        ),
        ("resources: [evse_sites]\n", "sdk.yaml: holds no `resources:` mapping"),
        ("resources: {\n", "render_resources: "),
    ],
)
def test_a_declaration_that_cannot_be_honoured_is_one_line(
    tmp_path: Path, declarations: str, message: str
) -> None:
    done = render(tmp_path, declarations)
    assert done.returncode == 1
    assert message in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr  # one line, no traceback
    assert "Traceback" not in done.stderr


def test_a_cli_group_that_is_no_python_name_still_renders_python(tmp_path: Path) -> None:
    declared = (
        (ROOT / "generator" / "sdk.yaml").read_text().replace("cli: sites", "cli: evse-sites")
    )
    done = render(tmp_path, declared)
    assert done.returncode == 0, done.stderr
    compile((tmp_path / "out.py").read_text(), "out.py", "exec")


def test_a_required_query_parameter_is_keyword_only_not_a_path_parameter(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    operation = spec["paths"]["/evse_sites/{evse_site_id}"]["get"]
    operation["parameters"].append(
        {"name": "as_of", "in": "query", "required": True, "schema": {"type": "string"}}
    )
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    done = render(tmp_path, (ROOT / "generator" / "sdk.yaml").read_text(), tmp_path / "spec.yaml")
    assert done.returncode == 0, done.stderr
    source = (tmp_path / "out.py").read_text()
    assert "def get(self, evse_site_id: str, *, as_of: str, user: str | None = None)" in source
    assert re.search(r"""\{['"]as_of['"]: as_of\}""", source)


def test_a_ref_that_points_to_nothing_is_one_line(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text())
    parameters = spec["paths"]["/evse_sites"]["get"]["parameters"]
    parameters.append({"$ref": "#/components/parameters/Gone"})
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(spec))
    done = render(tmp_path, (ROOT / "generator" / "sdk.yaml").read_text(), tmp_path / "spec.yaml")
    assert done.returncode == 1
    assert done.stderr == (
        "render_resources: $ref '#/components/parameters/Gone' points to nothing\n"
    ), done.stderr
