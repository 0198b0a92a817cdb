"""The evenergy command, against the in-process fake."""

from __future__ import annotations

import json
from functools import partial

import pytest
from click.testing import CliRunner

from evenergy._cli import cli
from evenergy.testing import FakeEvEnergyAPI


@pytest.fixture
def fake() -> FakeEvEnergyAPI:
    return FakeEvEnergyAPI(site_count=150)


def run(fake: FakeEvEnergyAPI, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj=partial(fake.client, max_retries=0))
    return result.exit_code, result.stdout, result.stderr


def test_sites_list_prints_the_first_page_as_json_when_piped(fake: FakeEvEnergyAPI) -> None:
    code, out, _ = run(fake, "sites", "list")
    assert code == 0
    assert [s["id"] for s in json.loads(out)] == [s["id"] for s in fake.sites[:100]]
    assert fake.requests[-1].url.params["page_size"] == "100"


def test_sites_list_all_prints_json_lines(fake: FakeEvEnergyAPI) -> None:
    code, out, err = run(fake, "sites", "list", "--all", "--page-size", "40")
    assert code == 0
    assert [json.loads(line)["id"] for line in out.splitlines()] == [s["id"] for s in fake.sites]
    assert len(fake.requests) == 4
    assert err == ""  # no progress line when stderr is not a terminal


def test_a_table_for_people(fake: FakeEvEnergyAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evenergy._cli._wants_json", lambda ctx: False)
    code, out, _ = run(fake, "providers", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "ICON"]
    assert lines[1].split()[:2] == ["CHARGEPOINT", "ChargePoint"]


def test_get_commands(fake: FakeEvEnergyAPI) -> None:
    site = fake.sites[7]
    code, out, _ = run(fake, "--json", "sites", "get", site["id"])
    assert (code, json.loads(out)) == (0, site)
    code, out, _ = run(fake, "providers", "get", "SWTCH", "--json")
    assert (code, json.loads(out)["name"]) == (0, "SWTCH Energy")


def test_an_api_error_prints_title_and_detail_and_exits_1(fake: FakeEvEnergyAPI) -> None:
    code, out, err = run(fake, "sites", "get", "site01AAAAAAAAAAAAAAAAAAAAAAAA")
    assert code == 1
    assert out == ""
    assert err.strip() == ("error (404): Not found: Resource does not exist or cannot be accessed.")
    assert "Traceback" not in err


def test_a_retryable_failure_that_persists(fake: FakeEvEnergyAPI) -> None:
    fake.fail_next(503)
    code, _, err = run(fake, "providers", "list")
    assert code == 1
    assert "503" in err


def test_bad_input_exits_2_without_a_traceback(fake: FakeEvEnergyAPI) -> None:
    code, _, err = run(fake, "sites", "get", " ")
    assert code == 2
    assert err.strip() == "error: evse_site_id must not be empty"
    code, _, err = run(fake, "sites", "list", "--page-size", "101")
    assert code == 2
    assert "1<=x<=100" in err


def test_missing_credentials_say_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENERGY_ACCESS_TOKEN", raising=False)
    monkeypatch.delenv("EVENERGY_CLIENT_ID", raising=False)
    result = CliRunner().invoke(cli, ["sites", "list"])
    assert result.exit_code == 2
    assert "EVENERGY_ACCESS_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_global_options_reach_the_client(fake: FakeEvEnergyAPI) -> None:
    user = "user01HN2NJ9NMRZBXT1H6FT9N7735"
    code, _, err = run(fake, "--user", user, "--api-version", "3", "sites", "list")
    assert code == 1
    assert "Unsupported version" in err
    assert fake.requests[-1].headers["EvEnergy-User"] == user
    assert fake.requests[-1].headers["EvEnergy-Version"] == "3"


@pytest.mark.parametrize(
    "command",
    [[], ["sites"], ["sites", "list"], ["sites", "get"], ["providers"], ["providers", "list"],
     ["providers", "get"]],
)  # fmt: skip
def test_every_command_has_help_with_examples(command: list[str]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "evenergy " in result.stdout


@pytest.mark.parametrize("base_url", ["http://[::1", "", "https://api.test/v2?tenant=a"])
def test_a_bad_base_url_exits_2_with_one_line(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENERGY_ACCESS_TOKEN", "token-from-the-env")
    result = CliRunner().invoke(cli, ["--base-url", base_url, "sites", "list"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
