"""Every Python example in the README runs, offline, against the in-process fake API."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import respx

from evenergy.testing import FakeEvEnergyAPI, make_site

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
READMES = [README, ROOT / "wrapper" / "README.md"]  # the guide, and the package index's page
BLOCKS = [
    block
    for readme in READMES
    for block in re.findall(r"```python\n(.*?)```", readme.read_text(), flags=re.DOTALL)
]
README_SITE = "site01JX2SZ0WAFTDYVYY0JRAYREY7"


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 5


def test_the_package_index_page_has_no_relative_links() -> None:
    page = READMES[1].read_text()
    targets = re.findall(r"\]\(([^)]+)\)", page)
    assert targets
    assert all(target.startswith("https://") for target in targets), targets


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENERGY_ACCESS_TOKEN", "readme-token")
    sites = [make_site(id=README_SITE), make_site(), make_site()]
    fake = FakeEvEnergyAPI(sites=sites, access_token=None)  # the examples show "..."
    with respx.mock(assert_all_called=False) as router:
        router.route(host="api.ev.energy").mock(side_effect=fake.handle)
        router.route(host="127.0.0.1").pass_through()  # an example's own served fake
        exec(compile(code, str(README), "exec"), {"__name__": "readme_example"})  # noqa: S102
    if "FakeEvEnergyAPI" not in code:  # an example of evenergy.testing brings its own fake
        assert fake.requests, "the example talked to the API"


SHELL_COMMANDS = [
    line.split("#")[0].strip()
    for block in re.findall(r"```sh\n(.*?)```", README.read_text(), flags=re.DOTALL)
    for line in block.splitlines()
    if line.startswith("evenergy ")
]


def test_the_readme_has_cli_examples() -> None:
    assert len(SHELL_COMMANDS) >= 8


@pytest.mark.parametrize("command", SHELL_COMMANDS)
def test_readme_cli_example_runs_against_the_served_fake(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from evenergy._cli import cli
    from evenergy.testing import serve

    fake = FakeEvEnergyAPI(sites=[make_site(id=README_SITE), *(make_site() for _ in range(120))])
    with serve(fake) as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        words = re.split(r"\s[|>]", command)[0].replace("http://127.0.0.1:8080/v2", server.base_url)
        result = CliRunner().invoke(cli, shlex.split(words)[1:])
    assert result.exit_code == 0, f"{command}: {result.stderr}"
    assert result.stdout
