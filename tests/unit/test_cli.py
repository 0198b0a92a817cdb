"""The evenergy command, against the in-process fake."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shlex
from functools import partial

import httpx
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
    code, out, err = run(fake, "sites", "list")
    assert code == 0
    assert [s["id"] for s in json.loads(out)] == [s["id"] for s in fake.sites[:100]]
    assert fake.requests[-1].url.params["page_size"] == "100"
    last = fake.sites[99]["id"]
    assert err == (
        "more sites exist: add --all to list every page, or continue with: "
        f"evenergy sites list --after {last}\n"
    )


@pytest.mark.parametrize("every_page", [[], ["--all"]])
def test_every_format_means_the_same_with_or_without_all(
    fake: FakeEvEnergyAPI, every_page: list[str]
) -> None:
    wanted = [s["id"] for s in (fake.sites if every_page else fake.sites[:40])]
    size = ["--page-size", "40"]
    _, out, _ = run(fake, "sites", "list", *size, *every_page, "--format", "json")
    assert [s["id"] for s in json.loads(out)] == wanted  # one document
    _, out, _ = run(fake, "sites", "list", *size, *every_page, "--format", "jsonl")
    assert [json.loads(line)["id"] for line in out.splitlines()] == wanted
    _, out, _ = run(fake, "--format", "csv", "sites", "list", *size, *every_page)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["id"] for row in rows] == wanted
    assert rows[0]["evses"] == " ".join(fake.sites[0]["evses"])
    assert list(rows[0]) == list(fake.sites[0])  # every field, in the schema's order


def test_every_page_is_read_with_all_and_no_progress_when_piped(fake: FakeEvEnergyAPI) -> None:
    code, _, err = run(fake, "sites", "list", "--all", "--page-size", "40", "--format", "jsonl")
    assert code == 0
    assert len(fake.requests) == 4
    assert err == ""  # no progress line when stderr is not a terminal


def test_limit_reads_as_many_pages_as_it_takes(fake: FakeEvEnergyAPI) -> None:
    code, out, err = run(fake, "sites", "list", "--limit", "45", "--page-size", "20")
    assert code == 0
    assert [s["id"] for s in json.loads(out)] == [s["id"] for s in fake.sites[:45]]
    assert len(fake.requests) == 3
    assert err == ""


@pytest.mark.parametrize(
    ("command", "columns"),
    [
        (["providers", "list"], ["ID", "NAME", "ICON"]),
        (["sites", "list", "--limit", "3"], ["ID", "CPMS", "CPMS NAME", "USER CONNECTED", "EVSES"]),
    ],
)
def test_a_table_for_people(fake: FakeEvEnergyAPI, command: list[str], columns: list[str]) -> None:
    code, out, _ = run(fake, *command, "--format", "table")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("  ")[0] == "ID"
    assert [c.strip() for c in lines[0].split("  ") if c.strip()] == columns
    first = fake.sites[0] if command[0] == "sites" else fake.providers[0]
    assert lines[1].startswith(first["id"])
    assert len(lines) == (4 if command[0] == "sites" else 3)


def test_get_commands_in_every_format(fake: FakeEvEnergyAPI) -> None:
    site = fake.sites[7]
    code, out, _ = run(fake, "--format", "json", "sites", "get", site["id"])
    assert (code, json.loads(out)) == (0, site)
    code, out, _ = run(fake, "providers", "get", "SWTCH", "--format", "jsonl")
    assert (code, json.loads(out)["name"]) == (0, "SWTCH Energy")
    code, out, _ = run(fake, "providers", "get", "SWTCH", "--format", "csv")
    assert next(csv.DictReader(io.StringIO(out)))["name"] == "SWTCH Energy"
    code, out, _ = run(fake, "sites", "get", site["id"], "--format", "table")
    assert out.splitlines()[1].startswith(site["id"])


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
    [
        [],
        ["sites"],
        ["sites", "list"],
        ["sites", "get"],
        ["providers"],
        ["providers", "list"],
        ["providers", "get"],
    ],
)
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


@pytest.mark.parametrize(
    "options",
    [
        ["--api-version", ""],
        ["--user", ""],
        ["--base-url", ""],
        ["--timeout", "nan"],
        ["--timeout", "0"],
    ],
)
def test_bad_global_options_exit_2_with_one_line(fake: FakeEvEnergyAPI, options: list[str]) -> None:
    code, _, err = run(fake, *options, "sites", "list")
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("error: ")
    assert not fake.requests


def test_timeout_and_max_retries_reach_the_client(fake: FakeEvEnergyAPI) -> None:
    fake.fail_next(503, times=2)
    result = CliRunner().invoke(
        cli, ["--timeout", "7", "--max-retries", "2", "providers", "list"], obj=fake.client
    )
    assert result.exit_code == 0, result.stderr
    assert fake.requests[-1].extensions["timeout"]["read"] == 7


def test_token_url_reaches_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVENERGY_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("EVENERGY_CLIENT_ID", "app")
    monkeypatch.setenv("EVENERGY_CLIENT_SECRET", "secret-value-123")
    fake = FakeEvEnergyAPI()
    token_url = "https://auth.fake.test/o/token/"
    result = CliRunner().invoke(
        cli,
        ["--token-url", token_url, "providers", "list"],
        obj=partial(fake.client, access_token=None),
    )
    assert result.exit_code == 0, result.stderr
    assert str(fake.requests[0].url) == token_url


def test_help_documents_the_environment() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    for name in (
        "EVENERGY_ACCESS_TOKEN",
        "EVENERGY_CLIENT_ID",
        "EVENERGY_TOKEN_URL",
        "EVENERGY_BASE_URL",
        "EVENERGY_USER",
        "--format",
        "--timeout",
    ):
        assert name in result.stdout


def test_a_model_without_chosen_columns_is_shown_field_by_field() -> None:
    from evenergy._cli import columns_of
    from evenergy_openapi.models import Problem

    problem = Problem.from_dict({"title": "Not found", "status": 404, "detail": "No such site."})
    cells = {title: cell(problem) for title, cell in columns_of(Problem)}
    assert cells["TITLE"] == "Not found"
    assert cells["STATUS"] == "404"
    assert cells["TYPE"] == "-"  # left out by the server


def test_csv_names_each_field_as_the_json_does(capsys: pytest.CaptureFixture[str]) -> None:
    import attrs

    from evenergy._cli import _Writer, columns_of

    @attrs.define
    class Thing:  # as the generator writes a model with a field called "type"
        id: str
        type_: str

        def to_dict(self) -> dict[str, str]:
            return {"id": self.id, "type": self.type_}

    writer = _Writer("csv", Thing, columns_of(Thing), many=True)
    writer.write(Thing("thing1", "big"))
    writer.close()
    assert list(csv.DictReader(io.StringIO(capsys.readouterr().out))) == [
        {"id": "thing1", "type": "big"}
    ]
    assert [title for title, _ in columns_of(Thing)] == ["ID", "TYPE"]


def test_every_declared_get_operation_has_a_command() -> None:
    from evenergy._resources import ENDPOINTS

    for endpoint in ENDPOINTS:
        group = endpoint.resource.command
        if group is None or endpoint.http_method != "GET":
            continue
        result = CliRunner().invoke(cli, [group, endpoint.method, "--help"])
        assert result.exit_code == 0, (group, result.output)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
@pytest.mark.parametrize("walk", [[], ["--all"], ["--limit", "5"]])
def test_a_list_whose_first_request_fails_writes_nothing_to_stdout(
    fake: FakeEvEnergyAPI, fmt: str, walk: list[str]
) -> None:
    fake.fail_next(503)
    code, out, err = run(fake, "sites", "list", "--format", fmt, *walk)
    assert (code, out) == (1, "")  # `| jq length` cannot read 0
    assert "error (503)" in err


def fail_the_second_request(fake: FakeEvEnergyAPI) -> None:
    """Make the fake answer its second request 503: a walk that breaks off after one page."""
    original = fake.handle

    def handle(request: httpx.Request) -> httpx.Response:
        if len(fake.requests) == 1:
            fake.fail_next(503)
        return original(request)

    fake.handle = handle  # type: ignore[method-assign]


def test_a_walk_that_fails_later_ends_the_document_it_started(fake: FakeEvEnergyAPI) -> None:
    fail_the_second_request(fake)
    code, out, err = run(fake, "sites", "list", "--all", "--page-size", "40", "--format", "json")
    assert code == 1
    assert [s["id"] for s in json.loads(out)] == [s["id"] for s in fake.sites[:40]]
    assert "`jq -s add`" in err  # what appending a JSON continuation with >> makes


def test_a_429_says_when_to_retry() -> None:
    fake = FakeEvEnergyAPI(rate_limit=0)
    code, _, err = run(fake, "providers", "list")
    assert code == 1
    assert re.fullmatch(
        r"error \(429\): Too Many Requests: Request was rate limited; "
        r"retry after 3600 s \(at \d\d:\d\d:\d\d UTC\)\n",
        err,
    )


def test_a_provider_code_in_the_wrong_case_suggests_the_upper_case_one(
    fake: FakeEvEnergyAPI,
) -> None:
    code, _, err = run(fake, "providers", "get", "chargepoint")
    assert code == 1
    assert err.endswith("did you mean CHARGEPOINT?\n")
    code, _, err = run(fake, "providers", "get", "NOPE")  # already upper case: nothing to suggest
    assert "did you mean" not in err
    code, _, err = run(fake, "sites", "get", "site01aaaaaaaaaaaaaaaaaaaaaaaa")  # ids, not codes
    assert "did you mean" not in err


@pytest.mark.parametrize(
    ("environment", "wanted"),
    [
        (
            {},
            "error: no credentials: set EVENERGY_ACCESS_TOKEN to a token, or EVENERGY_CLIENT_ID "
            "and EVENERGY_CLIENT_SECRET (see evenergy --help)\n",
        ),
        (
            {"EVENERGY_CLIENT_ID": "app"},
            "error: EVENERGY_CLIENT_SECRET is not set: client "
            "credentials need EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET (or set "
            "EVENERGY_ACCESS_TOKEN)\n",
        ),
        (
            {"EVENERGY_CLIENT_SECRET": "s3cret-value"},
            "error: EVENERGY_CLIENT_ID is not set: "
            "client credentials need EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET (or set "
            "EVENERGY_ACCESS_TOKEN)\n",
        ),
    ],
)
def test_missing_credentials_name_the_environment_variables(
    environment: dict[str, str], wanted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["sites", "list"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", wanted)


@pytest.mark.parametrize(
    "args",
    [
        ["sites", "list", "--limit", "0"],
        ["sites", "list", "--page-size", "0"],
        ["sites", "list", "--format", "xml"],
        ["sites", "lst"],
        ["nothing"],
        ["--nope"],
        ["sites", "get"],
        ["sites", "list", "--limit"],
        ["--timeout", "soon", "sites", "list"],
    ],
)
def test_every_usage_error_is_one_line_and_exit_2(fake: FakeEvEnergyAPI, args: list[str]) -> None:
    code, out, err = run(fake, *args)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert err.startswith("error: ")
    assert "--help" in err
    assert not fake.requests


def test_ctrl_c_exits_130(fake: FakeEvEnergyAPI) -> None:
    def interrupted(request: httpx.Request) -> httpx.Response:
        raise KeyboardInterrupt

    fake.handle = interrupted  # type: ignore[method-assign]
    code, out, err = run(fake, "sites", "list", "--all")
    assert (code, out) == (130, "")
    assert "continue with:\n  evenergy sites list --all\n" in err


@pytest.mark.parametrize("evenergy_log", [None, "info", "debug"])
def test_verbose_shows_each_request_and_retry_once_without_secrets(
    fake: FakeEvEnergyAPI, evenergy_log: str | None
) -> None:
    """With EVENERGY_LOG set too, each line is shown once, and none is lost to its level."""
    fake.fail_next(503, retry_after=2)
    factory = partial(fake.client, client_id="app", client_secret="s3cret-value-42")
    handlers = list(logging.getLogger("evenergy").handlers)
    env = {"EVENERGY_LOG": evenergy_log}
    result = CliRunner().invoke(cli, ["--verbose", "providers", "list"], obj=factory, env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 4, lines
    assert lines[0].startswith("evenergy: POST /o/token/ -> 200")
    assert lines[1].startswith("evenergy: GET /v2/cpms_providers -> 503")
    assert lines[2].startswith("evenergy: retrying GET /v2/cpms_providers in 2.00 s")
    assert lines[3].startswith("evenergy: GET /v2/cpms_providers -> 200")
    assert "s3cret-value-42" not in result.stderr
    assert "fake-token-for-app" not in result.stderr
    assert logging.getLogger("evenergy").handlers == handlers
    quiet = CliRunner().invoke(cli, ["providers", "list"], obj=factory, env={"EVENERGY_LOG": None})
    assert quiet.stderr == ""  # the handler went with the command that asked for it


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_a_continuation_appended_with_two_chevrons(fake: FakeEvEnergyAPI, fmt: str) -> None:
    fail_the_second_request(fake)
    code, first, err = run(fake, "sites", "list", "--all", "--page-size", "40", "--format", fmt)
    assert code == 1
    continuation = shlex.split(err.splitlines()[1])
    assert continuation[0] == "evenergy"
    code, rest, _ = run(fake, *continuation[1:])
    assert code == 0
    appended = first + rest  # what `>> file` holds
    wanted = [site["id"] for site in fake.sites]
    if fmt == "jsonl":  # one file of items, nothing lost or repeated
        assert [json.loads(line)["id"] for line in appended.splitlines()] == wanted
    else:  # two arrays, one a run; joined, nothing lost or repeated (`jq -s add`)
        decoder, arrays, at = json.JSONDecoder(), [], 0
        while at < len(appended):
            array, at = decoder.raw_decode(appended, at)
            arrays.append(array)
            at += len(appended[at:]) - len(appended[at:].lstrip())
        assert len(arrays) == 2
        assert [site["id"] for array in arrays for site in array] == wanted
