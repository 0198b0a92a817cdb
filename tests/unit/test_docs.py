"""The documents run as pasted: every Python and shell example of README.md and CONTRIBUTING.md.

Python examples run as one block against the in-process fake; a block that starts with
`# test_<name>.py` is a pytest file, run by pytest (and shown to fail against a broken fake).
Shell blocks run as one bash script against a served fake, unless they start with NOT_RUN.
mypy --strict checks the Python examples through their copies in tests/doc_examples/, which
scripts/docs_sync.py keeps current (checked here).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docs_sync
import httpx
import pytest
import respx

from evenergy import APIConnectionError, EvEnergy, RateLimitError
from evenergy.testing import FakeEvEnergyAPI, make_site, serve

ROOT = docs_sync.ROOT
README = docs_sync.README
NOT_RUN = "# Not run by the tests: "
PYTEST_FILE = re.compile(r"\A# (test_\w+\.py)\n")
README_SITE = "site01JX2SZ0WAFTDYVYY0JRAYREY7"
BASH = shutil.which("bash") or "/bin/bash"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="the shell examples are POSIX sh")
BIN = str(Path(sys.executable).parent)  # python and the evenergy command of this environment


def _examples(language: str) -> list[tuple[str, str]]:
    """(id, code) of each block in `language` of both documents."""
    return [
        (f"{document.stem}-{number}", code)
        for document in docs_sync.DOCUMENTS
        for number, code in enumerate(docs_sync.blocks(document, language), start=1)
    ]


PYTHON = [(name, code) for name, code in _examples("python") if not PYTEST_FILE.match(code)]
PYTEST_FILES = [code for _, code in _examples("python") if PYTEST_FILE.match(code)]
SHELL = [(name, code) for name, code in _examples("sh") if not code.startswith(NOT_RUN)]


def _prose(text: str) -> str:
    return docs_sync.FENCE.sub("", text)


def test_the_copies_and_the_field_reference_are_current() -> None:
    assert docs_sync.stale() == []


def test_every_block_says_its_language() -> None:
    for document in docs_sync.DOCUMENTS:
        languages = {lang for lang, _ in docs_sync.FENCE.findall(document.read_text())}
        assert languages <= {"python", "sh", "text", "toml"}, document.name


def test_few_shell_blocks_are_left_out() -> None:
    left_out = [code for _, code in _examples("sh") if code.startswith(NOT_RUN)]
    assert len(left_out) <= 3
    assert len(SHELL) >= 3


def test_the_readme_is_short_and_starts_with_a_first_call() -> None:
    text = README.read_text()
    before_the_first_example = text[: text.index("```python")]
    assert len(_prose(before_the_first_example).split()) <= 150
    assert len(_prose(text).split()) <= 2800


def test_the_readme_uses_short_sentences() -> None:
    prose = re.sub(r"<!--.*?-->", "", _prose(README.read_text()), flags=re.S)
    prose = re.sub(r"^[|#].*$", "", prose, flags=re.M)  # tables and headings
    sentences = re.split(r"(?<=[.!?])\s+|\n\s*\n|^\s*- ", prose, flags=re.M)
    lengths = [len(sentence.split()) for sentence in sentences if sentence.split()]
    assert sum(lengths) / len(lengths) < 15  # words a sentence; the README before issue 22: 26


def test_the_readme_has_no_relative_links() -> None:
    """It is the package index's page too, where a relative link leads nowhere."""
    targets = re.findall(r"\]\(([^)]+)\)", README.read_text())
    assert targets
    assert all(target.startswith("https://") for target in targets), targets


def _run_example(code: str, fake: FakeEvEnergyAPI) -> dict[str, Any]:
    """Run a Python example against `fake` as the API; return the names it defined."""
    names: dict[str, Any] = {"__name__": "__main__"}
    with respx.mock(assert_all_called=False) as router:
        router.route(host="api.ev.energy").mock(side_effect=fake.handle)
        exec(compile(code, "example", "exec"), names)  # noqa: S102
    return names


@pytest.fixture
def token_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENERGY_ACCESS_TOKEN", "docs-example-token")


@pytest.mark.parametrize(("name", "code"), PYTHON, ids=[name for name, _ in PYTHON])
@pytest.mark.usefixtures("token_in_the_environment")
def test_python_example_runs(name: str, code: str) -> None:
    fake = FakeEvEnergyAPI(sites=[make_site(id=README_SITE), make_site()], access_token=None)
    _run_example(code, fake)
    assert fake.requests, "the example talked to the API"


def _example_with(text: str) -> str:
    return next(code for _, code in PYTHON if text in code)


@pytest.mark.parametrize("failing_page", [1, 2])
@pytest.mark.usefixtures("token_in_the_environment")
def test_the_resume_example_resumes_where_the_walk_stopped(failing_page: int) -> None:
    """Whichever page fails, `resume_from` leads on to exactly the sites not handled yet."""
    fake = FakeEvEnergyAPI(site_count=250, access_token=None, rate_limit=failing_page - 1)
    names = _run_example(_example_with("resume_from: str | None = None"), fake)
    assert len(fake.requests) == failing_page  # the walk stopped at the failing page
    with FakeEvEnergyAPI(site_count=250).client() as client:  # the same sites, a full budget
        rest = [site.id for site in client.evse_sites.list(page_after=names["resume_from"])]
        every = [site.id for site in client.evse_sites.list()]
    assert rest == every[(failing_page - 1) * 100 :]


@pytest.mark.usefixtures("token_in_the_environment")
def test_the_resume_point_example_starts_over_when_the_site_is_gone() -> None:
    fake = FakeEvEnergyAPI(site_count=3, access_token=None)  # without README_SITE
    names = _run_example(_example_with("def resume_point("), fake)
    assert names["start"] is None


def _shown(message: str) -> re.Pattern[str]:
    """A message as README.md shows it: "..." stands for any text, and the time for any time."""
    pattern = re.escape(message).replace(re.escape("..."), ".*")
    pattern = pattern.replace(re.escape("14:05:00"), r"(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d")
    return re.compile(pattern)


def _messages_shown() -> list[str]:
    """The messages that "Errors" shows: a connection error, then a 429."""
    shown = next(c for c in docs_sync.blocks(README, "text") if "could not connect" in c)
    return shown.splitlines()


def test_the_connection_error_shown_is_the_sdks() -> None:
    with respx.mock() as router:
        router.route(host="api.ev.energy").mock(
            side_effect=httpx.ConnectError("[Errno -2] Name or service not known")
        )
        client = EvEnergy(access_token="docs-example-token", max_retries=0)
        with client, pytest.raises(APIConnectionError) as refused:
            list(client.cpms_providers.list())
    assert _shown(_messages_shown()[0]).fullmatch(str(refused.value)), str(refused.value)


def test_the_429_shown_is_the_sdks() -> None:
    fake = FakeEvEnergyAPI(rate_limit=1)
    with fake.client() as client:
        client.cpms_providers.get("CHARGEPOINT")
        with pytest.raises(RateLimitError) as limited:
            client.evse_sites.get(README_SITE)
    assert _shown(_messages_shown()[1]).fullmatch(str(limited.value)), str(limited.value)


BROKEN_FAKE = '''
import httpx
import pytest

from evenergy.testing import FakeEvEnergyAPI


@pytest.fixture(autouse=True)
def broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake that answers every request with 503."""
    monkeypatch.setattr(FakeEvEnergyAPI, "handle", lambda self, request: httpx.Response(503))
'''


def _run_pytest_file(folder: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run `code` as the test file it names, with the pytest settings README.md shows."""
    match = PYTEST_FILE.match(code)
    assert match
    (folder / match.group(1)).write_text(code)
    (folder / "pyproject.toml").write_text(docs_sync.blocks(README, "toml")[0])
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-W", "error", "-p", "no:cacheprovider", str(folder)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )


def test_there_is_a_pytest_example() -> None:
    assert len(PYTEST_FILES) == 1


@pytest.mark.parametrize("code", PYTEST_FILES)
def test_the_pytest_example_passes(code: str, tmp_path: Path) -> None:
    result = _run_pytest_file(tmp_path, code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "warning" not in result.stdout.lower()


@pytest.mark.parametrize("code", PYTEST_FILES)
def test_the_pytest_example_fails_against_a_broken_fake(code: str, tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(BROKEN_FAKE)
    result = _run_pytest_file(tmp_path, code)
    tests = len(re.findall(r"^(?:async )?def test_", code, flags=re.MULTILINE))
    assert re.search(rf"\b{tests} failed\b", result.stdout), result.stdout + result.stderr
    assert " passed" not in result.stdout


@pytest.fixture
def served_fake_environment() -> Iterator[dict[str, str]]:
    """The environment of a shell that loaded a served fake's EVENERGY_* settings."""
    fake = FakeEvEnergyAPI(sites=[make_site(id=README_SITE), *(make_site() for _ in range(120))])
    with serve(fake) as server:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("EVENERGY_")}
        yield {**clean, **server.environment(), "PATH": BIN + os.pathsep + os.environ["PATH"]}


def _bash(script: str, folder: Path, environment: dict[str, str]) -> tuple[int, str, str]:
    """Run `script` as if pasted into bash (stopping at the first failure), then end what it
    left running in the background (the served fake of "A first call").

    Its output goes to files: a pipe would stay open as long as the background server lives.
    """
    out, err = folder / "stdout.txt", folder / "stderr.txt"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [BASH, "-e", "-o", "pipefail", "-c", script],
            cwd=folder,
            env=environment,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            status = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            status = -1
        with contextlib.suppress(ProcessLookupError):  # it ended, and nothing it started lives
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    timed_out = "timed out after 60 s\n" if status == -1 else ""
    return status, out.read_text(), timed_out + err.read_text()


@POSIX_ONLY
@pytest.mark.parametrize(("name", "script"), SHELL, ids=[name for name, _ in SHELL])
def test_shell_example_runs(
    name: str, script: str, tmp_path: Path, served_fake_environment: dict[str, str]
) -> None:
    status, stdout, stderr = _bash(script, tmp_path, served_fake_environment)
    assert status == 0, f"{name}:\n{stdout[-2000:]}\n{stderr}"
    assert "Traceback" not in stderr


@POSIX_ONLY
def test_the_first_call_works_as_pasted(
    tmp_path: Path, served_fake_environment: dict[str, str]
) -> None:
    """The serve snippet, then the first Python example, in the same shell: 250 sites."""
    start = next(code for _, code in SHELL if "--env-file" in code)
    first_call = docs_sync.blocks(README, "python")[0]
    script = f"{start}\npython - <<'EOF'\n{first_call}EOF\n"
    environment = {k: v for k, v in served_fake_environment.items() if k.startswith("EVENERGY_")}
    clean = {k: v for k, v in served_fake_environment.items() if k not in environment}
    status, stdout, stderr = _bash(script, tmp_path, clean)
    assert status == 0, stderr
    sites = [line for line in stdout.splitlines() if line.startswith("site")]
    assert len(sites) == 250  # beside them, the server prints its EVENERGY_* settings
