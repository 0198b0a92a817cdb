"""The contract suite fails a server that drifts from openapi.yaml, and passes one that does not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drifting_server import DRIFTS, serving

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "missing_field": ("GET /evse_sites", "Response violates schema"),
    "wrong_type": ("GET /evse_sites/{evse_site_id}", "Response violates schema"),
    "undeclared_status": ("GET /cpms_providers", "Undocumented status code"),
    "sdk_unreadable": ("GET /cpms_providers", "sdk_reads_response"),
}


def run_contract(base_url: str, report_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EVENERGY_BASE_URL": base_url,
        "EVENERGY_ACCESS_TOKEN": "drift-test-token",
        "PYTHONPATH": str(ROOT / "scripts"),
    }
    env.pop("EVENERGY_USER", None)
    command = [
        sys.executable,
        str(ROOT / "scripts" / "contract.py"),
        "--max-examples",
        "3",
        "--report-dir",
        str(report_dir),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_a_server_that_follows_the_spec_passes(tmp_path: Path) -> None:
    with serving(drift=None) as base_url:
        result = run_contract(base_url, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "contract run 'remote': passed" in result.stdout


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_a_drifting_server_fails_naming_operation_and_check(drift: str, tmp_path: Path) -> None:
    operation, check = EXPECTED[drift]
    with serving(drift) as base_url:
        result = run_contract(base_url, tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"_ {operation} _" in output  # schemathesis's section header of the failing operation
    assert check in output
    assert (tmp_path / "remote" / "junit.xml").read_text().count("<failure") >= 1
