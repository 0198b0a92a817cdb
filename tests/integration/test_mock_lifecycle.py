"""scripts/mock and mock_server.running(): the mock answers, and nothing is left behind."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_server import running

MOCK_SERVER = Path(__file__).resolve().parents[2] / "scripts" / "mock_server.py"


def refuses_connections(base_url: str) -> bool:
    host, port = base_url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) != 0


def use_the_mock_then_fail(urls: list[str]) -> None:
    with running() as base_url:
        urls.append(base_url)
        assert httpx.get(f"{base_url}/cpms_providers", headers={"Authorization": "Bearer t"})
        raise RuntimeError("a failing test")


def test_the_mock_stops_when_the_block_fails() -> None:
    urls: list[str] = []
    with pytest.raises(RuntimeError, match="a failing test"):
        use_the_mock_then_fail(urls)
    assert refuses_connections(urls[0])


def ignore_sigint() -> None:
    """What a non-interactive shell does to a job it starts in the background (`cmd &`)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def mock_command() -> Iterator[subprocess.Popen[str]]:
    """scripts/mock_server.py started as from a background shell; stopped even if a test fails."""
    process = subprocess.Popen(
        [sys.executable, str(MOCK_SERVER)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=ignore_sigint,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()  # the script stops Prism on SIGTERM
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_prints_its_url_and_stops_on_a_signal(stop: signal.Signals) -> None:
    with mock_command() as process:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        response = httpx.get(f"{base_url}/evse_sites", headers={"Authorization": "Bearer t"})
        assert response.status_code == 200
        process.send_signal(stop)
        assert process.wait(timeout=30) == 130
    assert refuses_connections(base_url)


def test_the_command_runs_a_command_against_the_mock() -> None:
    probe = "import os; print('got', os.environ['EVENERGY_BASE_URL'])"
    result = subprocess.run(
        [sys.executable, str(MOCK_SERVER), "--", sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    base_url, echoed = result.stdout.splitlines()
    assert echoed == f"got {base_url}"
    assert refuses_connections(base_url)
