"""The evenergy command as an output: what it prints is safe for a terminal and for a shell.

A hostile server chooses ids, titles and details; every line the CLI prints from them carries no
control character, and every command it prints, pasted into a real shell, runs with exactly the
intended words and nothing else.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from evenergy import EvEnergy
from evenergy._cli import cli, command_line, printable
from harness import ACCESS_TOKEN, BASE_URL, link, problem, site

# Words a server might choose for an id: shell syntax, terminal escapes, line breaks.
HOSTILE = [
    "$(touch {marker})",
    "`touch {marker}`",
    "x; touch {marker}",
    "x' ; touch {marker} ; '",
    'x" ; touch {marker} ; "',
    "x\ntouch {marker}",
    "x\rtouch {marker}",
    "\x1b]0;pwned\x07x",
    "\x1b[2J\x1b[31mred",
    "x\x9b31m",  # the one-byte CSI
    "x\u202etxt.exe",  # right-to-left override
    "x\u2028touch {marker}",  # a Unicode line separator
    "x%s\\n'\"$HOME",
    "-x",
    "",
    "é ü\u00a0x",
]


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "injected"


@pytest.fixture
def stub(tmp_path: Path) -> Path:
    """A directory with an `evenergy` that records its arguments and does nothing else."""
    directory = tmp_path / "bin"
    directory.mkdir()
    program = directory / "evenergy"
    argv = shlex.quote(str(tmp_path / "argv"))
    program.write_text(f"#!/bin/sh\nprintf '%s\\0' \"$@\" > {argv}\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return directory


def pasted(command: str, stub: Path, marker: Path) -> list[str]:
    """Run `command` as a user pasting it into sh would; the arguments `evenergy` received."""
    recorded = stub.parent / "argv"
    recorded.unlink(missing_ok=True)
    env = {**os.environ, "PATH": f"{stub}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["/bin/sh", "-c", command], env=env, check=True, timeout=30)
    assert not marker.exists(), f"the pasted command ran something else: {command}"
    return [os.fsdecode(word) for word in recorded.read_bytes().split(b"\0")[:-1]]


def served(*answers: httpx.Response) -> Callable[..., EvEnergy]:
    """A client factory for the CLI whose server gives these answers, in order."""
    queue: Iterator[httpx.Response] = iter(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        return next(queue)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return partial(
        EvEnergy, http_client=http, base_url=BASE_URL, access_token=ACCESS_TOKEN, max_retries=0
    )


def page(*items: dict[str, Any], more: bool) -> httpx.Response:
    # The next link's cursor is the server's own (valid) choice; the ids are hostile.
    following = f"{BASE_URL}/evse_sites?page_after=site{7:026d}" if more else "about:blank"
    return httpx.Response(200, json=list(items), headers=link(following))


def run(factory: Callable[..., EvEnergy], *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), obj=factory)
    return result.exit_code, result.stdout, result.stderr


def assert_terminal_safe(text: str) -> None:
    """Every line printable: no ESC, CR, BEL, C1 or bidi control, no line break inside."""
    for line in text.splitlines():
        assert line.isprintable(), repr(line)
    assert "\r" not in text
    assert "\x1b" not in text


def hostile(word: str, marker: Path) -> str:
    return word.format(marker=shlex.quote(str(marker)))


@pytest.mark.parametrize("word", HOSTILE)
def test_the_more_pages_hint_pastes_as_the_exact_id(word: str, marker: Path, stub: Path) -> None:
    item_id = hostile(word, marker)
    code, out, err = run(served(page(site(1), site(2, id=item_id), more=True)), "sites", "list")
    assert code == 0
    assert json.loads(out)[1]["id"] == item_id  # JSON carries the id exactly
    assert_terminal_safe(err)
    assert len(err.splitlines()) == 1
    command = err.split("continue with: ", 1)[1].rstrip("\n")
    assert pasted(command, stub, marker) == ["sites", "list", "--after", item_id]


@pytest.mark.parametrize("word", HOSTILE)
@pytest.mark.parametrize("walk", [["--all"], ["--limit", "5"]])
def test_an_interrupted_walk_prints_a_continuation_that_pastes_as_the_exact_id(
    word: str, walk: list[str], marker: Path, stub: Path
) -> None:
    item_id = hostile(word, marker)
    hostile_problem = problem(503, f"Down {item_id}", f"detail {item_id}\n\x1b[0m")
    factory = served(
        page(site(1), site(2, id=item_id), more=True),
        httpx.Response(503, json=hostile_problem),
    )
    code, out, err = run(factory, "--format", "jsonl", "sites", "list", *walk, "--page-size", "2")
    assert code == 1
    assert [json.loads(line)["id"] for line in out.splitlines()][-1] == item_id
    assert_terminal_safe(err)
    lines = err.splitlines()
    assert lines[0] == "interrupted after 2 sites were written; continue with:"
    assert lines[2].startswith("error (503): Down ")
    assert len(lines) == 3
    limited = walk[0] == "--limit"  # the limit left is the limit less what was written
    wanted = ["--format", "jsonl", "sites", "list", *([] if limited else walk), "--page-size", "2"]
    wanted += ["--after", item_id] + (["--limit", "3"] if limited else [])
    assert pasted(lines[1].strip(), stub, marker) == wanted


@pytest.mark.parametrize("word", ["x\ntouch {marker}\n", "x\x00y"])
def test_an_id_no_command_can_carry_gets_no_command(word: str, marker: Path) -> None:
    item_id = hostile(word, marker)
    code, _, err = run(served(page(site(1, id=item_id), more=True)), "sites", "list")
    assert code == 0
    assert_terminal_safe(err)
    assert "no command can be printed" in err
    assert "evenergy sites" not in err
    assert command_line(["evenergy", item_id]) is None


@pytest.mark.parametrize("word", HOSTILE)
def test_a_problem_from_the_server_is_one_printable_line(word: str, marker: Path) -> None:
    text = hostile(word, marker)
    body = problem(404, f"Not {text} found", f"{text}\r\nno such site \x1b[1m{text}")
    factory = served(httpx.Response(404, json=body))
    code, out, err = run(factory, "sites", "get", f"site{1:026d}")
    assert (code, out) == (1, "")
    assert_terminal_safe(err)
    assert len(err.splitlines()) == 1
    assert err.startswith("error (404): Not ")


def test_a_table_shows_server_text_escaped() -> None:
    item_id = "\x1b]0;pwned\x07site"
    name = "Charge\x1b[31mPoint\r\nX"
    factory = served(page(site(1, id=item_id, cpms_connection_display_name=name), more=False))
    code, out, _ = run(factory, "sites", "list", "--format", "table")
    assert code == 0
    assert_terminal_safe(out)
    assert len(out.splitlines()) == 2
    assert printable(item_id) in out
    assert printable(name) in out


@pytest.mark.parametrize("evenergy_log", [None, "debug"])
def test_verbose_lines_are_escaped_with_or_without_evenergy_log(evenergy_log: str | None) -> None:
    """--verbose's lines escape server text even when EVENERGY_LOG's handler is on too."""
    busy = httpx.Response(
        503, headers={"Retry-After": "0"}, extensions={"reason_phrase": b"Busy\x1b]0;pwned\x07"}
    )
    factory = served(busy, page(site(1), more=False))
    result = CliRunner().invoke(
        cli,
        ["--verbose", "--max-retries", "1", "sites", "list"],
        obj=factory,
        env={"EVENERGY_LOG": evenergy_log},
    )
    assert result.exit_code == 0, result.stderr
    assert_terminal_safe(result.stderr)
    retries = [line for line in result.stderr.splitlines() if "retrying" in line]
    assert len(retries) == 1, result.stderr
    assert printable("503 Busy\x1b]0;pwned\x07") in retries[0]


@pytest.mark.parametrize(
    "args",
    [
        ["--base-url", "http://\x1b[31mhost\n/v2", "sites", "list"],
        ["sites", "list", "--limit", "\x1b]0;x\x07"],
        ["sites", "list", "--format", "x\ny"],
        ["sites", "\x1b[2Jlist"],
    ],
)
def test_usage_errors_are_one_printable_line(args: list[str]) -> None:
    code, out, err = run(served(), *args)
    assert (code, out) == (2, "")
    assert_terminal_safe(err)
    assert len(err.splitlines()) == 1
    assert err.startswith("error: ")


def test_command_line_round_trips_every_word(stub: Path, marker: Path) -> None:
    words = [hostile(word, marker) for word in HOSTILE]
    command = command_line(["evenergy", *words])
    assert command is not None
    assert command.isprintable()
    assert pasted(command, stub, marker) == words
