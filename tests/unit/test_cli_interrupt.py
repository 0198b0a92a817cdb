"""Ctrl-C on the evenergy command while its output is blocked, in a real process on a real pipe.

Whatever moment the interrupt comes, the command exits 130, what reached stdout is a valid
document of whole items, and the printed continuation starts after the last of them.
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import signal
import subprocess
import sys
import termios
import time
from array import array

import pytest

from evenergy.testing import FakeEvEnergyAPI, serve


def wait_until_blocked(stdout: int, process: subprocess.Popen[bytes]) -> None:
    """Return once the command has filled half its output pipe and then stopped writing to it.

    The pipe has no event to wait on, so its level is polled: once it is half full and stays
    the same across polls, the command is blocked writing. (The test's invariants hold whenever
    the interrupt comes; this makes it come where the defect was.)
    """
    capacity = fcntl.fcntl(stdout, fcntl.F_GETPIPE_SZ)
    waiting, before = array("i", [0]), -1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        fcntl.ioctl(stdout, termios.FIONREAD, waiting)
        if waiting[0] >= capacity // 2 and waiting[0] == before:
            return
        before = waiting[0]
    pytest.fail("the command never filled its output pipe")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_ctrl_c_while_stdout_is_blocked_continues_after_what_was_written(fmt: str) -> None:
    fake = FakeEvEnergyAPI(site_count=1000)
    with serve(fake) as server:
        env = {**os.environ, **server.environment()}
        command = ["sites", "list", "--all", "--format", fmt]
        with subprocess.Popen(
            [sys.executable, "-m", "evenergy", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        ) as process:
            assert process.stdout is not None
            wait_until_blocked(process.stdout.fileno(), process)
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    text = out.decode()
    ids = [json.loads(line)["id"] for line in text.splitlines()] if fmt == "jsonl" else None
    ids = ids if ids is not None else [site["id"] for site in json.loads(text)]
    assert ids == [site["id"] for site in fake.sites[: len(ids)]]  # whole items, in order
    lines = err.decode().splitlines()
    assert lines[0] == f"interrupted after {len(ids)} sites were written; continue with:"
    assert shlex.split(lines[1]) == ["evenergy", *command, "--after", ids[-1]]
