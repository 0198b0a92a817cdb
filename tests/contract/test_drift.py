"""The contract suite fails a server that drifts from openapi.yaml, and passes one that does not.

The server is the served fake API (evenergy.testing); a drift alters one operation's answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drifting_server import DRIFTS, TOKEN, serving
from evenergy.testing import FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, FakeServer

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "missing_field": ("GET /evse_sites", "Response violates schema"),
    "wrong_type": ("GET /evse_sites/{evse_site_id}", "Response violates schema"),
    "undeclared_status": ("GET /cpms_providers", "Undocumented status code"),
    "sdk_unreadable": ("GET /cpms_providers", "sdk_reads_response"),
}


def run_contract(credentials: dict[str, str], report_dir: Path) -> subprocess.CompletedProcess[str]:
    """scripts/contract.py against a server, authenticated with `credentials` (EVENERGY_*)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("EVENERGY_")}
    env = {**inherited, **credentials, "PYTHONPATH": str(ROOT / "scripts")}
    command = [
        sys.executable,
        str(ROOT / "scripts" / "contract.py"),
        "--max-examples",
        "3",
        "--report-dir",
        str(report_dir),
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def with_token(server: FakeServer) -> dict[str, str]:
    return {"EVENERGY_BASE_URL": server.base_url, "EVENERGY_ACCESS_TOKEN": TOKEN}


def test_a_server_that_follows_the_spec_passes(tmp_path: Path) -> None:
    with serving(drift=None) as server:
        result = run_contract(with_token(server), tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "contract run 'remote': passed" in result.stdout


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_a_drifting_server_fails_naming_operation_and_check(drift: str, tmp_path: Path) -> None:
    operation, check = EXPECTED[drift]
    with serving(drift) as server:
        result = run_contract(with_token(server), tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert f"_ {operation} _" in output  # schemathesis's section header of the failing operation
    assert check in output
    assert (tmp_path / "remote" / "junit.xml").read_text().count("<failure") >= 1


def test_a_run_with_client_credentials_fetches_one_token_through_the_sdk(tmp_path: Path) -> None:
    with serving(drift=None) as server:
        credentials = {
            "EVENERGY_BASE_URL": server.base_url,
            "EVENERGY_TOKEN_URL": server.token_url,
            "EVENERGY_CLIENT_ID": FAKE_CLIENT_ID,
            "EVENERGY_CLIENT_SECRET": FAKE_CLIENT_SECRET,
        }
        result = run_contract(credentials, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    token_path = server.token_url.removeprefix(server.url)
    fetches = [r for r in server.fake.requests if r.url.path == token_path]
    issued = f"Bearer fake-token-for-{FAKE_CLIENT_ID}"
    authenticated = [r for r in server.fake.requests if r.headers.get("Authorization") == issued]
    assert len(fetches) == 1
    assert len(authenticated) > 10  # every case but those that test a missing token
