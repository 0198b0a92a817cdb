"""No secret reaches a log record, a repr or an exception; what the SDK logs."""

from __future__ import annotations

import json
import logging
import os
import pickle
import subprocess
import sys
import textwrap

import httpx
import pytest
import respx

from evenergy import AuthenticationError, ConfigurationError, EvEnergy, PaginationError
from evenergy._secret import Secret
from harness import (
    ACCESS_TOKEN,
    BASE_URL,
    CLIENT_SECRET,
    SITE_ID,
    TOKEN_URL,
    Sdk,
    link,
    problem,
    site,
)

FETCHED_TOKEN = "fetched-tok-7d3e9a1b2c4f"
SECRETS = (ACCESS_TOKEN, CLIENT_SECRET, FETCHED_TOKEN)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_no_secret_in_any_debug_log_of_real_requests(
    sdk: Sdk, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # the root logger: every library's records
    api.post(TOKEN_URL).respond(200, json={"access_token": FETCHED_TOKEN, "expires_in": 3600})
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [
        httpx.Response(200, json=site(1)),
        httpx.Response(503),
        httpx.Response(401, json=problem(401, "Unauthorized", "Expired.")),
        httpx.Response(200, json=site(1)),
    ]
    refusing_url = "https://auth.test/refuse/"
    api.post(refusing_url).respond(401, json={"error": "invalid_client"})
    with_credentials = sdk.client(
        client_id="my-client", client_secret=CLIENT_SECRET, token_url=TOKEN_URL
    )
    sdk.get_site(with_credentials)  # fetches a token
    sdk.get_site(with_credentials)  # a retry, a token refresh after the 401, then success
    refused = sdk.client(client_id="my-client", client_secret=CLIENT_SECRET, token_url=refusing_url)
    with pytest.raises(AuthenticationError) as caught:
        sdk.get_site(refused)
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1))
    sdk.get_site(sdk.client())  # the ready token too
    records = caplog.records
    assert any(r.name.startswith("httpx") for r in records), "httpx's own logs were captured"
    assert any(r.name == "evenergy" for r in records)
    for record in records:
        assert_no_secret(record.getMessage())
        assert_no_secret(repr(record.args))
    assert_no_secret(caplog.text)
    assert_no_secret(str(caught.value) + repr(caught.value))
    assert_no_secret(repr(caught.value.response.request.headers))


def test_no_secret_in_the_repr_of_clients(sdk: Sdk) -> None:
    token_client = sdk.client()
    credentials_client = sdk.client(client_id="my-client", client_secret=CLIENT_SECRET)
    for obj in (token_client, credentials_client):
        assert_no_secret(repr(obj) + str(obj))
        assert_no_secret(repr(vars(obj)))
    assert "my-client" in repr(credentials_client)


def test_a_secret_hides_itself() -> None:
    secret = Secret(CLIENT_SECRET)
    assert_no_secret(repr(secret) + str(secret) + f"{secret}")
    assert secret.reveal() == CLIENT_SECRET
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_one_debug_line_per_request_and_one_info_line_per_retry(
    sdk: Sdk, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="evenergy")
    route = api.get(f"/evse_sites/{SITE_ID}")
    route.side_effect = [httpx.Response(503), httpx.Response(200, json=site(1))]
    sdk.get_site(sdk.client())
    ours = [r for r in caplog.records if r.name == "evenergy"]
    debug = [r.getMessage() for r in ours if r.levelno == logging.DEBUG]
    info = [r.getMessage() for r in ours if r.levelno == logging.INFO]
    assert len(debug) == 2
    assert debug[0].startswith(f"GET /v2/evse_sites/{SITE_ID} -> 503 in ")
    assert debug[0].endswith("(attempt 1)")
    assert debug[1].startswith(f"GET /v2/evse_sites/{SITE_ID} -> 200 in ")
    assert debug[1].endswith("(attempt 2)")
    assert len(info) == 1
    assert "retrying GET" in info[0]
    assert "503 Service Unavailable" in info[0]
    assert " s (retry 1 of 2)" in info[0]


def test_a_next_link_whose_cursor_echoes_the_token_does_not_leak_it(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    # The cursor is unusable (it holds a space), so the walk raises PaginationError and names
    # why; that reason quotes the cursor, which a hostile server filled with the token.
    echoed = f"{BASE_URL}/evse_sites?page_after=x%20{ACCESS_TOKEN}"
    api.get("/evse_sites").respond(200, json=[site(1)], headers=link(next_url=echoed))
    with pytest.raises(PaginationError) as caught:
        sdk.list_sites(sdk.client())
    assert "cursor" in str(caught.value)
    for error in (caught.value, caught.value.__cause__, caught.value.__context__):
        if error is not None:
            assert_no_secret(str(error) + repr(error) + repr(error.args))


# Logging is set up when a client is made, never on import.

_LOGGER_STATE = """
import json, logging, sys

def state():
    return {
        name: [logger.level, len(logger.filters), len(logger.handlers), logger.propagate]
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
"""


def _run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("EVENERGY_")}
    return subprocess.run(
        [sys.executable, "-c", _LOGGER_STATE + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=False,
        env={**environment, **env},
        timeout=120,
    )


def test_importing_the_sdk_changes_no_logger_and_holds_no_secret() -> None:
    result = _run(
        """
        import httpx, httpcore, httpcore._sync.http11  # their loggers exist before the SDK's
        before = state()
        import evenergy, evenergy.testing
        from evenergy import _secret
        after = state()
        untouched = [0, 0, 0, True]  # what a logger made on import must look like
        changed = {n: s for n, s in after.items() if before.get(n, untouched) != s}
        print(json.dumps({"changed": changed, "live": len(_secret._LIVE)}))
        evenergy.EvEnergy(access_token="tok-live-4f1c2a9e8b7d6c5a")
        print(json.dumps({"httpx filters": len(logging.getLogger("httpx").filters)}))
        """,
        EVENERGY_LOG="debug",
    )
    assert result.returncode == 0, result.stderr
    on_import, after_a_client = map(json.loads, result.stdout.splitlines())
    assert on_import == {"changed": {}, "live": 0}
    assert after_a_client == {"httpx filters": 1}  # and that is when it is installed


@pytest.mark.parametrize(
    "name", ["hpack.hpack", "hpack.table", "httpcore.http2", "httpcore.http11", "h11", "httpx"]
)
def test_every_logger_under_httpx_masks_secrets(
    sdk: Sdk, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    sdk.client()
    caplog.set_level(logging.DEBUG, logger=name)
    logging.getLogger(name).debug("Decoded header: (b'x-echo', %r)", ACCESS_TOKEN.encode())
    assert "Decoded header" in caplog.text
    assert ACCESS_TOKEN not in caplog.text


_LOGGED_CALLS = """
import httpx, evenergy
answers = [httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json=[])]
tokens = [httpx.Response(200, json={"access_token": "fetched-tok-7d3e9a1b2c4f"})]
def handle(request):
    return (tokens if request.url.path.endswith("/token/") else answers).pop(0)
client = evenergy.EvEnergy(
    client_id="app", client_secret="cs-9b8a7c6d5e4f3a2b1c0d", token_url="https://auth.test/o/token/",
    base_url="https://api.test/v2", http_client=httpx.Client(transport=httpx.MockTransport(handle)),
)
print(list(client.cpms_providers.list()))
"""


@pytest.mark.parametrize("level", ["debug", "DEBUG", "info"])
def test_evenergy_log_shows_requests_retries_and_waits_on_stderr(level: str) -> None:
    result = _run(_LOGGED_CALLS, EVENERGY_LOG=level)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    lines = result.stderr.splitlines()
    retries = [line for line in lines if "INFO" in line and "retrying GET" in line]
    assert len(retries) == 1
    assert "503 Service Unavailable" in retries[0]
    assert "in 0.00 s" in retries[0]  # the wait
    requests = [line for line in lines if "DEBUG" in line and " -> " in line]
    if level == "info":
        assert requests == []
    else:
        assert [r.split(" -> ")[1].split()[0] for r in requests] == ["200", "503", "200"]
    for secret in (CLIENT_SECRET, FETCHED_TOKEN):
        assert secret not in result.stderr


def test_without_evenergy_log_the_sdk_writes_nothing() -> None:
    result = _run(_LOGGED_CALLS)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_bad_evenergy_log_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENERGY_LOG", "verbose")
    with pytest.raises(ConfigurationError, match="EVENERGY_LOG must be info or debug"):
        EvEnergy(access_token=ACCESS_TOKEN)
