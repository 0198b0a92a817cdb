"""The installed evenergy command against the local Prism mock, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from evenergy import EVSESite
from spec_examples import as_written, load_spec

SITES = load_spec()["paths"]["/evse_sites"]["get"]["responses"]["200"]["content"][
    "application/json"
]["examples"]["sites"]["value"]


WRITTEN = [as_written(EVSESite, site) for site in SITES]


def evenergy(mock_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVENERGY_ACCESS_TOKEN": "mock-token", "EVENERGY_BASE_URL": mock_url}
    command = [sys.executable, "-m", "evenergy", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_sites_list_all(mock_url: str) -> None:
    result = evenergy(mock_url, "sites", "list", "--all", "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    assert [json.loads(line) for line in result.stdout.splitlines()] == WRITTEN
    result = evenergy(mock_url, "sites", "list", "--all")  # piped: one JSON document
    assert json.loads(result.stdout) == WRITTEN


def test_providers_get(mock_url: str) -> None:
    result = evenergy(mock_url, "providers", "get", "CHARGEPOINT")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == "CHARGEPOINT"


def test_an_error_is_one_line(mock_url: str) -> None:
    result = evenergy(mock_url, "--base-url", mock_url + "/nowhere", "providers", "list")
    assert result.returncode == 1
    assert result.stderr.startswith("error (404)")
    assert "Traceback" not in result.stderr
