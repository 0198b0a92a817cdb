"""The served fake is a tool people leave running, and a fake that misleads no one.

Over real loopback sockets: idle connections are closed, connections are bounded, malformed
requests are answered and closed without a traceback; paths outside /v2 are a 404; the items'
URLs point at the server; `serve` says in one line when its port is taken, and writes its
environment file only once it listens.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from evenergy import EvEnergy, NotFoundError
from evenergy.testing import FAKE_ACCESS_TOKEN, FakeEvEnergyAPI, FakeServer, serve

GET = b"GET /v2/cpms_providers/SWTCH HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n" % (
    FAKE_ACCESS_TOKEN.encode()
)


def connect(server: FakeServer) -> socket.socket:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=30)


def answer(connection: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with serve(FakeEvEnergyAPI(), idle_seconds=0.5, max_connections=3) as running:
        yield running


def test_an_idle_connection_is_closed(server: FakeServer) -> None:
    with closing(connect(server)) as idle:
        assert answer(idle) == b""  # closed by the server, unasked: recv returns at once after


def test_connections_are_bounded_and_a_slot_frees_when_one_closes(server: FakeServer) -> None:
    held = [connect(server) for _ in range(3)]
    for connection in held:  # each has its thread: it answers, and stays open (keep-alive)
        connection.sendall(GET)
        assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    with closing(connect(server)) as extra:
        assert answer(extra).startswith(b"HTTP/1.1 503")  # no fourth thread
    held.pop().close()
    # Its thread ends once it reads the end of that connection: until then a new one may still
    # be turned away, so a few tries are allowed.
    for _ in range(200):
        with closing(connect(server)) as again:
            again.sendall(GET)
            if again.recv(65536).startswith(b"HTTP/1.1 200"):
                break
    else:
        pytest.fail("the slot of a closed connection was never freed")
    for connection in held:
        connection.close()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /o/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
        b"POST /o/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /o/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
        b"POST /o/token/ HTTP/1.1\r\nHost: x\r\nContent-Length: \xd9\xa3\r\n\r\n",
        b"POST /o/token/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"GET /v2/\xff\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET http://[::1/v2 HTTP/1.1\r\nHost: x\r\n\r\n",
        b"NONSENSE\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /v2/cpms_providers HTTP/1.1\r\n" + b"X: y\r\n" * 200 + b"\r\n",
    ],
)
def test_a_malformed_request_is_answered_400_and_closed_quietly(
    server: FakeServer, request_bytes: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    with closing(connect(server)) as connection:
        connection.sendall(request_bytes)
        received = answer(connection)  # ends: the connection is closed, no thread is held
    if received.startswith(b"HTTP/"):  # not for "NONSENSE", read as HTTP/0.9: no status line
        assert received.split(b" ", 2)[1] in (b"400", b"431", b"505")
    with closing(connect(server)) as connection:  # and the server still serves
        connection.sendall(GET)
        assert connection.recv(65536).startswith(b"HTTP/1.1 200")
    assert capfd.readouterr().err == ""  # no traceback


def test_a_served_fake_keeps_a_bounded_number_of_requests() -> None:
    fake = FakeEvEnergyAPI(keep_requests=3)
    with fake.client() as client:
        for _ in range(5):
            client.cpms_providers.get("SWTCH")
    assert len(fake.requests) == 3
    assert len(FakeEvEnergyAPI().requests) == 0  # unbounded by default: a list, as before


@pytest.mark.parametrize("root", ["", "/v1", "/typo/v2", "/v2/v2", "/v2x"])
def test_paths_outside_the_base_path_are_a_404_problem(root: str) -> None:
    fake = FakeEvEnergyAPI()
    with serve(fake) as served:
        client = EvEnergy(base_url=served.url + root, access_token=FAKE_ACCESS_TOKEN)
        with client:
            with pytest.raises(NotFoundError, match="There is no such endpoint"):
                client.cpms_providers.get("SWTCH")
            with pytest.raises(NotFoundError, match="There is no such endpoint"):
                list(client.evse_sites.list())
    in_process = fake.client(base_url=f"https://api.ev.energy{root}")
    with in_process, pytest.raises(NotFoundError, match="There is no such endpoint"):
        in_process.cpms_providers.get("SWTCH")


def test_items_point_at_the_base_they_are_served_from() -> None:
    fake = FakeEvEnergyAPI(site_count=2)
    with serve(fake) as served:
        client = EvEnergy(base_url=served.base_url, access_token=FAKE_ACCESS_TOKEN)
        with client:
            sites = list(client.evse_sites.list())
            provider = client.cpms_providers.get("SWTCH")
            one = client.evse_sites.get(sites[0].id)
    for site in [*sites, one]:
        assert site.url == f"{served.base_url}/evse_sites/{site.id}"
        assert all(evse.startswith(f"{served.base_url}/evses/") for evse in site.evses)
    assert provider.url == f"{served.base_url}/cpms_providers/SWTCH/"
    assert fake.sites[0]["url"].startswith("https://api.ev.energy/v2/")  # data unchanged
    with fake.client() as client:  # in process: the live API's URLs, as before
        assert client.evse_sites.get(sites[0].id).url == fake.sites[0]["url"]


def serve_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "evenergy.testing", "serve", *args]


@contextmanager
def served_process(*args: str) -> Iterator[dict[str, str]]:
    """`python -m evenergy.testing serve` running; the variables it printed. Stopped after."""
    process = subprocess.Popen(
        serve_command(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        yield {
            name: value
            for name, _, value in (shlex.split(line)[0].partition("=") for line in lines)
        }
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def evenergy(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "evenergy", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)


def test_python_m_evenergy_testing_serve_prints_what_the_cli_needs() -> None:
    with served_process("--sites", "120") as assignments:
        assert set(assignments) == {
            "EVENERGY_BASE_URL",
            "EVENERGY_ACCESS_TOKEN",
            "EVENERGY_TOKEN_URL",
            "EVENERGY_CLIENT_ID",
            "EVENERGY_CLIENT_SECRET",
        }
        env = {**os.environ, **assignments}
        listed = evenergy(env, "sites", "list", "--all", "--format", "jsonl")
        assert listed.returncode == 0, listed.stderr
        assert len(listed.stdout.splitlines()) == 120
        del env["EVENERGY_ACCESS_TOKEN"]  # the client-credentials trio works too
        got = evenergy(env, "providers", "get", "SWTCH")
        assert json.loads(got.stdout)["name"] == "SWTCH Energy", got.stderr


def test_serve_on_a_busy_port_says_so_in_one_line() -> None:
    with closing(socket.socket()) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command("--port", str(port)), capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"python -m evenergy.testing: port {port} is in use; choose another with --port, or "
        "leave it out for a free one\n"
    )


def test_serve_writes_the_env_file_once_listening_and_removes_it_on_exit(
    tmp_path: Path,
) -> None:
    env_file = tmp_path / "fake.env"
    with served_process("--sites", "7", "--env-file", str(env_file)) as printed:
        # The file is complete once it exists (written aside, then renamed), and the server
        # listens by then: a shell sources it and calls at once.
        assert env_file.read_text() == "".join(
            f"{n}={shlex.quote(v)}\n" for n, v in printed.items()
        )
        script = f'set -a; . "{env_file}"; set +a; exec "$0" -m evenergy sites list --all'
        listed = subprocess.run(
            ["/bin/sh", "-c", script, sys.executable], capture_output=True, text=True, timeout=60
        )
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 7
        assert [path.name for path in tmp_path.iterdir()] == ["fake.env"]  # no temp file left
    assert not env_file.exists()


def test_serve_with_an_env_file_it_cannot_write_says_so_in_one_line(tmp_path: Path) -> None:
    env_file = tmp_path / "missing" / "fake.env"
    result = subprocess.run(
        serve_command("--env-file", str(env_file)), capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"python -m evenergy.testing: cannot write {env_file}: ")
    assert len(result.stderr.splitlines()) == 1
