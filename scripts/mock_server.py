"""Run the Prism mock server on openapi.yaml, for scripts/mock, the nox sessions and the tests.

`running()` is the one place that starts Prism: on a free loopback port, in its own process group,
waiting until it answers, and always stopping the whole group again (also on an exception, Ctrl-C or
SIGTERM), so no node process outlives its user.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
PRISM = ROOT / "node_modules" / ".bin" / "prism"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


class MockServerError(RuntimeError):
    """Prism is not installed, did not start, or stopped answering."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(base_url: str) -> bool:
    request = urllib.request.Request(  # noqa: S310 - a loopback URL we built ourselves
        f"{base_url}/cpms_providers", headers={"Authorization": "Bearer mock-readiness-probe"}
    )
    try:
        with urllib.request.urlopen(request, timeout=2):  # noqa: S310
            return True
    except urllib.error.HTTPError as answer:
        answer.close()
        return True  # any HTTP answer means the server is up
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    # Prism's workers share the group: make sure none of them is left either.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def running(spec: Path = SPEC, *, dynamic: bool = False) -> Iterator[str]:
    """Serve `spec` with Prism and yield its base URL; stop it when the block ends."""
    if not PRISM.exists():
        raise MockServerError(
            f"Prism is not installed ({PRISM} is missing): run ./scripts/bootstrap"
        )
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    command = [str(PRISM), "mock", str(spec), "-h", "127.0.0.1", "-p", str(port)]
    if dynamic:
        command.append("--dynamic")
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while not _answers(base_url):
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")[-2000:]
                    raise MockServerError(f"Prism did not start on {base_url}:\n{output}")
                time.sleep(0.1)  # polling a process we started, not synchronising a test
            yield base_url
        finally:
            _stop(process)


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dynamic", action="store_true", help="random data from the schemas")
    parser.add_argument("command", nargs="*", help="run this with EVENERGY_BASE_URL set, then stop")
    args = parser.parse_args(argv)
    # A background job of a non-interactive shell starts with SIGINT ignored, and Python then
    # installs no KeyboardInterrupt for it: restore it, so Ctrl-C and `kill -INT` stop the mock.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        with running(dynamic=args.dynamic) as base_url:
            print(base_url, flush=True)
            if args.command:
                env = {**os.environ, "EVENERGY_BASE_URL": base_url}
                return subprocess.call(args.command, env=env)
            print("Prism mock server is running; press Ctrl-C to stop it.", file=sys.stderr)
            signal.pause()
    except KeyboardInterrupt:
        return 130
    except MockServerError as error:
        print(f"evenergy mock: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
