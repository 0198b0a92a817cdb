"""What a server, a caller's client or the environment can do to one exchange, and what the SDK
does instead of raising something untyped: cookies, redirect targets, body size, huge settings,
proxies and CA files, and the message of a failed connection.

Each test fails when its fix is taken out; real sockets are in
tests/integration/test_real_sockets.py.
"""

from __future__ import annotations

import gzip
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from evenergy import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    EvEnergyError,
    ResponseTooLargeError,
)
from evenergy._config import resolve
from evenergy._http_client import own_http_client
from harness import BASE_URL, CLIENT_SECRET, SITE_ID, TOKEN_URL, Sdk, link, site

BAD_COOKIE = b"session=caf\xc3\xa9; Path=/"  # one non-ASCII byte: no Cookie header can carry it
TOKEN_BODY = {"access_token": "fetched-token-8c1d", "expires_in": 3600}


def _caller_client(sdk: Sdk, handler: Callable[[httpx.Request], httpx.Response], **kw: Any) -> Any:
    """A caller's own httpx client (of the kind `sdk` needs) answering with `handler`."""
    transport = httpx.MockTransport(handler)
    if sdk.is_async:
        return httpx.AsyncClient(transport=transport, **kw)
    return httpx.Client(transport=transport, **kw)


def _every_call(sdk: Sdk) -> list[Callable[[Any], Any]]:
    """A get, a list walk and a raw get: each way a call reaches the transport."""
    return [
        lambda client: sdk.get_site(client),
        lambda client: sdk.list_sites(client),
        lambda client: sdk.run(client.evse_sites.with_raw_response.get(SITE_ID)),
    ]


# Cookies


def test_the_sdks_own_client_keeps_no_cookie(sdk: Sdk, api: respx.MockRouter) -> None:
    cookies = [(b"Set-Cookie", BAD_COOKIE)] + [
        (b"Set-Cookie", f"c{n}={'x' * 100}; Path=/".encode()) for n in range(20)
    ]
    route = api.get(f"/evse_sites/{SITE_ID}").respond(200, json=site(1), headers=cookies)
    client = sdk.client()
    sibling = client.with_options(timeout=5)
    for _ in range(3):
        sdk.get_site(client)
        sdk.get_site(sibling)
    assert all("cookie" not in call.request.headers for call in route.calls)


def test_a_bad_cookie_in_a_callers_client_ends_each_call_with_a_typed_error(sdk: Sdk) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=site(1), headers=[(b"Set-Cookie", BAD_COOKIE)])

    client = sdk.client(http_client=_caller_client(sdk, handler))
    sdk.get_site(client)  # the answer that sets the cookie
    for call in _every_call(sdk):
        with pytest.raises(APIConnectionError, match="UnicodeEncodeError"):
            call(client)
        with pytest.raises(APIConnectionError, match=r"api\.test \(base_url\)"):
            call(client.with_options(max_retries=0))


def test_a_bad_cookie_in_a_callers_client_ends_the_token_fetch_with_a_typed_error(
    sdk: Sdk,
) -> None:
    http = _caller_client(sdk, lambda request: httpx.Response(200, json=TOKEN_BODY))
    http.cookies.set("session", "café", domain="auth.test")
    client = sdk.client(
        client_id="an-id", client_secret=CLIENT_SECRET, token_url=TOKEN_URL, http_client=http
    )
    with pytest.raises(APIConnectionError, match=r"auth\.test \(token_url\).*UnicodeEncodeError"):
        sdk.get_site(client)


# Redirect targets

HOSTLESS = ["http:foo", "javascript:alert(1)", "https:foo"]  # httpx raises InvalidURL
ODD = ["https:", "http://", "//", "http://[::1", "\\evil.test", "", "http://a b/"]


@pytest.mark.parametrize(
    ("location", "error", "says"),
    [(target, APIConnectionError, "InvalidURL") for target in HOSTLESS]
    + [(target, EvEnergyError, None) for target in ODD],
)
def test_any_redirect_target_ends_in_a_typed_error(
    sdk: Sdk, location: str, error: type[Exception], says: str | None
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"Location": location})

    client = sdk.client(http_client=_caller_client(sdk, handler))
    for call in _every_call(sdk):
        with pytest.raises(error, match=says):
            call(client)


@pytest.mark.parametrize("location", HOSTLESS)
def test_a_token_endpoint_redirecting_nowhere_is_a_typed_error(
    sdk: Sdk, api: respx.MockRouter, location: str
) -> None:
    api.post(TOKEN_URL).respond(301, headers={"Location": location})
    client = sdk.client(client_id="an-id", client_secret=CLIENT_SECRET, token_url=TOKEN_URL)
    with pytest.raises(APIConnectionError, match=r"auth\.test \(token_url\).*InvalidURL"):
        sdk.get_site(client)


# Body size


def test_a_body_past_max_response_bytes_ends_the_call_unretried(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    route = api.get(f"/evse_sites/{SITE_ID}").respond(503, content=b" " * 1001)
    client = sdk.client(max_response_bytes=1000)
    with pytest.raises(ResponseTooLargeError, match=r"max_response_bytes \(1000 bytes\)") as caught:
        sdk.get_site(client)
    assert caught.value.limit == 1000
    assert route.call_count == 1  # a 503 is retried; a body past the cap is not
    copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 - our own bytes
    assert (copy.limit, str(copy)) == (1000, str(caught.value))


def test_the_cap_counts_the_decoded_body_of_a_compressed_answer(
    sdk: Sdk, api: respx.MockRouter
) -> None:
    bomb = gzip.compress(b"[" + b" " * 100_000 + b"]")
    api.get("/evse_sites").respond(200, content=bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 1000
    client = sdk.client(max_response_bytes=50_000)
    with pytest.raises(ResponseTooLargeError):
        sdk.list_sites(client)
    assert sdk.list_sites(client.with_options(max_response_bytes=200_000)) == []


def test_a_body_within_the_cap_reads_whole(sdk: Sdk, api: respx.MockRouter) -> None:
    body = site(1)
    api.get(f"/evse_sites/{SITE_ID}").respond(200, json=body)
    size = len(httpx.Response(200, json=body).content)
    assert sdk.get_site(sdk.client(max_response_bytes=size)).id == body["id"]
    with pytest.raises(ResponseTooLargeError):
        sdk.get_site(sdk.client(max_response_bytes=size - 1))


def test_the_token_response_is_capped_too(sdk: Sdk, api: respx.MockRouter) -> None:
    api.post(TOKEN_URL).respond(200, json={**TOKEN_BODY, "padding": "x" * 2000})
    client = sdk.client(
        client_id="an-id",
        client_secret=CLIENT_SECRET,
        token_url=TOKEN_URL,
        max_response_bytes=1000,
    )
    with pytest.raises(ResponseTooLargeError):
        sdk.get_site(client)


@pytest.mark.parametrize("value", [0, -1, 4 * 1024**3 + 1, 10**30])
def test_max_response_bytes_out_of_range_is_a_configuration_error(sdk: Sdk, value: int) -> None:
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        sdk.client(max_response_bytes=value)
    with pytest.raises(ConfigurationError, match="max_response_bytes"):
        sdk.client().with_options(max_response_bytes=value)


@pytest.mark.parametrize("value", [1.5, "1000", True, None])
def test_max_response_bytes_must_be_an_int(sdk: Sdk, value: object) -> None:
    with pytest.raises(TypeError, match="max_response_bytes"):
        sdk.client(max_response_bytes=value)


# Huge finite settings


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": 9.22e9},
        {"timeout": 86400.5},
        {"timeout": httpx.Timeout(5, read=1e12)},
        {"timeout": httpx.Timeout(5, pool=2**63)},
        {"max_retry_after": 1e12},
        {"max_retry_after": 86401},
    ],
)
def test_waits_longer_than_a_day_are_refused(sdk: Sdk, options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="at most 86400 s"):
        sdk.client(**options)
    with pytest.raises(ConfigurationError, match="at most 86400 s"):
        sdk.client().with_options(**options)


def test_the_longest_allowed_retry_after_is_waited_for(
    sdk: Sdk, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get(f"/evse_sites/{SITE_ID}").mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": "86400"}),
            httpx.Response(200, json=site(1)),
        ]
    )
    client = sdk.client(timeout=86400, max_retry_after=86400)
    assert sdk.get_site(client).id == site(1)["id"]
    assert sleeps == [86400.0]


# The environment (the SDK's own client only)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("ALL_PROXY", "socks5://proxy.test:1080", "ImportError"),  # socksio is not installed
        ("HTTPS_PROXY", "ftp://someone:p4ssw0rd-in-proxy@proxy.test", "ValueError"),
        ("SSL_CERT_FILE", "/no/such/ca-bundle.pem", "SSL_CERT_FILE names no file"),
        ("SSL_CERT_DIR", "/no/such/ca-directory", "SSL_CERT_DIR names no directory"),
    ],
)
def test_a_bad_environment_is_a_configuration_error_that_quotes_no_password(
    sdk: Sdk, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigurationError, match=reason) as caught:
        sdk.client()
    assert "p4ssw0rd" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    # A caller's own client is the caller's business: nothing is read from the environment.
    sdk.client(http_client=_caller_client(sdk, lambda request: httpx.Response(200)))


@pytest.mark.parametrize("cls", [httpx.Client, httpx.AsyncClient])
def test_plain_http_settings_are_never_proxied_and_https_ones_are(
    cls: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", "http://proxy.test:3128")
    settings = resolve(
        base_url="http://api.test:8080/v2",
        client_id="an-id",
        client_secret=CLIENT_SECRET,
        token_url="http://[::1]:9/o/token/",
    )
    http = own_http_client(cls, settings)  # what a client given no http_client sends with
    direct = http._transport  # httpx's transport for what no proxy mount matches
    for url in ("http://api.test:8080/v2/evse_sites", "http://[::1]:9/o/token/"):
        assert http._transport_for_url(httpx.URL(url)) is direct
    assert http._transport_for_url(httpx.URL("https://api.test/v2/evse_sites")) is not direct


# What a failed connection says


def test_a_connection_error_names_the_host_and_the_setting(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get(f"/evse_sites/{SITE_ID}").mock(
        side_effect=httpx.ConnectError("[Errno -2] Name or service not known")
    )
    with pytest.raises(APIConnectionError) as caught:
        sdk.get_site(sdk.client(max_retries=0))
    assert str(caught.value) == (
        "get_evse_site: could not connect to api.test (base_url): "
        "ConnectError: [Errno -2] Name or service not known"
    )


def test_a_token_timeout_names_the_token_host_and_setting(sdk: Sdk, api: respx.MockRouter) -> None:
    api.post(TOKEN_URL).mock(side_effect=httpx.ConnectTimeout("timed out"))
    client = sdk.client(
        client_id="an-id", client_secret=CLIENT_SECRET, token_url=TOKEN_URL, max_retries=0
    )
    with pytest.raises(APITimeoutError) as caught:
        sdk.get_site(client)
    assert str(caught.value) == (
        f"fetching a token from {TOKEN_URL}: the request to auth.test (token_url) timed out "
        "(ConnectTimeout)"
    )


def test_a_dropped_list_page_names_the_api_host(sdk: Sdk, api: respx.MockRouter) -> None:
    api.get("/evse_sites").mock(
        side_effect=[
            httpx.Response(
                200, json=[site(1)], headers=link(f"{BASE_URL}/evse_sites?page_after=a")
            ),
            httpx.ReadError("connection reset"),
        ]
    )
    with pytest.raises(APIConnectionError, match=r"the request to api\.test \(base_url\) failed"):
        sdk.list_sites(sdk.client(max_retries=0))
