"""Property-based: whatever a server and its token endpoint send, the SDK keeps its promises.

Hypothesis writes a script of server behaviour (statuses, hostile headers, bodies in any shape
and charset, dropped connections, timeouts, echoed secrets) for the API and the token endpoint,
plays it through an httpx transport to EvEnergy or AsyncEvEnergy, and checks on every example:

1. only EvEnergyError subclasses leave a call or a list iteration;
2. every call ends, within a bounded number of requests and a bounded total of waits;
3. no secret appears in str, repr or args of an exception (or those chained to it), in the
   client's repr, or in any log record of any logger;
4. the bearer token goes only to base_url's origin and the client's Basic credentials only to
   token_url; every SDK error survives pickling.

CI runs the `ci` profile (a few hundred examples per property, derandomized);
`nox -s fuzz` runs the `fuzz` profile with many more, seeded, and prints the statistics.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import itertools
import logging
import os
import pickle
import reprlib
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.utils import format_datetime
from typing import Any
from unittest import mock

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evenergy import APIConnectionError, AsyncEvEnergy, ConfigurationError, EvEnergy, EvEnergyError
from evenergy._config import resolve
from evenergy._constants import DEFAULT_MAX_RESPONSE_BYTES, MAX_RETRY_DELAY_S, RETRYABLE_STATUSES
from evenergy._http_client import own_http_client
from evenergy._response import json_body
from harness import (
    ACCESS_TOKEN,
    BASE_URL,
    CLIENT_SECRET,
    SITE_ID,
    TOKEN_URL,
    credential_encodings,
    encodings,
    site,
)

CLIENT_ID = "hostile-test-client"
MAX_RETRIES = 2

# What a server may send: every shape, not only what the spec allows.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
# Whole numbers of every size (a 400-digit one overflows a float), and what only looks like one.
whole_numbers = st.one_of(
    st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.integers(min_value=0, max_value=400).map(lambda digits: 10**digits),
).map(str) | st.sampled_from(["9" * 400, "9" * 5000])
numbers_as_text = st.one_of(
    whole_numbers,
    st.sampled_from(["1e400", "-1", "inf", "nan", "0x10", " 7 ", "1_000", "٣"]),
    st.floats().map(repr),
    st.datetimes().map(lambda moment: format_datetime(moment) + " GMT"),
    st.text(max_size=12),
)
charsets = st.sampled_from(
    [
        "",
        "; charset=utf-8",
        "; charset=utf-16",
        "; charset=utf-7",
        "; charset=idna",
        "; charset=hex",
        "; charset=base64",
        "; charset=zlib",
        "; charset=rot13",
        "; charset=nope",
    ]
)
content_types = st.tuples(
    st.sampled_from(["application/json", "application/problem+json", "text/html", "text/plain"]),
    charsets,
).map("".join)
rels = st.sampled_from(["next", "NEXT", "next last", "Next", "previous", "prev", "last", ""])
transport_failures = st.sampled_from(
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.ReadError,
        httpx.RemoteProtocolError,
        httpx.WriteError,
        httpx.PoolTimeout,
    ]
)


@dataclass
class World:
    """One example: what the server will send, and everything that happened."""

    fetched_token: str
    api_script: list[Any]
    token_script: list[Any]
    credentials: str = "token"
    requests: list[httpx.Request] = field(default_factory=list)
    handed_out: bool = False  # whether the token endpoint gave the SDK fetched_token

    @property
    def secrets(self) -> list[str]:
        """What the SDK was given or handed as a credential in this example."""
        if self.credentials == "token":
            return [ACCESS_TOKEN]
        return [CLIENT_SECRET] + ([self.fetched_token.strip()] if self.handed_out else [])

    @property
    def request_budget(self) -> int:
        """At most one request per scripted answer, plus one API request and the token fetch
        before each, once the script has run out and the server behaves."""
        return len(self.token_script) + 2 * (len(self.api_script) + 1)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        is_token = str(request.url) == TOKEN_URL
        script = self.token_script if is_token else self.api_script
        if not script:  # a well-behaved server from here on, so that every walk can end
            if is_token:
                return self._token(200, {}, _json({"access_token": self.fetched_token}).encode())
            return httpx.Response(200, json=[])
        answer = script.pop(0)
        if isinstance(answer, type):
            raise answer(f"failed near {self.fetched_token}", request=request)
        status, headers, body = answer
        return (
            self._token(status, headers, body)
            if is_token
            else httpx.Response(status, headers=headers, content=body)
        )

    def __repr__(self) -> str:  # short enough to print a falsifying example
        short = reprlib.Repr()
        short.maxstring = short.maxother = 120
        return (
            f"World(credentials={self.credentials!r}, fetched_token={self.fetched_token!r}, "
            f"api_script={short.repr(self.api_script)}, "
            f"token_script={short.repr(self.token_script)})"
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's printer
        printer.text(repr(self))

    def _token(self, status: int, headers: dict[bytes, bytes], body: bytes) -> httpx.Response:
        response = httpx.Response(status, headers=headers, content=body)
        if response.is_success and self._hands_out_the_token(response):
            self.handed_out = True  # the SDK may have taken it as its token
        return response

    def _hands_out_the_token(self, response: httpx.Response) -> bool:
        """Whether `response` is a token answer naming fetched_token as its access_token.

        Not any answer whose bytes hold the token: a token of zeros is in every site id, and
        those would count as leaks of a token the SDK was never given.
        """
        answer = json_body(response)
        token = answer.get("access_token") if isinstance(answer, dict) else None
        return isinstance(token, str) and token.strip() == self.fetched_token.strip()


@st.composite
def worlds(draw: st.DrawFn) -> World:
    # Fetched tokens as long as a real one, sometimes with characters no header may carry.
    fetched = draw(
        st.text(min_size=8, max_size=24).filter(lambda t: len(t.strip()) >= 8)
        | st.from_regex(r"\Afetched-[A-Za-z0-9]{8,16}\Z")
    )
    secrets = st.sampled_from([ACCESS_TOKEN, CLIENT_SECRET, fetched])
    text = st.text(max_size=30) | secrets
    cursors = st.sampled_from([SITE_ID, "site" + "0" * 26, "x" * 70_000, ""]) | text
    targets = st.one_of(
        cursors.map(lambda c: f"{BASE_URL}/evse_sites?page_size=100&page_after={c}"),
        cursors.map(lambda c: f"?page_after={c}"),
        st.sampled_from(
            [
                "about:blank",
                "http://[::1",
                "https://evil.test/v2/evse_sites?page_after=site1",
                "http://a b/?page_after=x",
                "//evil.test/?page_after=site2",
                "",
            ]
        ),
    )
    links = st.lists(
        st.tuples(targets, rels).map(lambda pair: f'<{pair[0]}>; rel="{pair[1]}"'), max_size=3
    ).map(", ".join)
    header_values = st.one_of(numbers_as_text, text)
    # The two rate-limit headers come together, as a server sends them, or alone.
    rate_limits = st.fixed_dictionaries(
        {"X-RateLimit-Limit": whole_numbers, "X-RateLimit-Remaining": whole_numbers}
    ) | st.fixed_dictionaries(
        {}, optional={"X-RateLimit-Limit": header_values, "X-RateLimit-Remaining": header_values}
    )
    others = st.fixed_dictionaries(
        {},
        optional={
            "Retry-After": header_values,
            "Link": links | text,
            "Content-Type": content_types,
            "X-Echo": secrets,
        },
    )
    headers = st.tuples(rate_limits, others).map(
        lambda parts: {
            name.encode(): value.encode("utf-8", "surrogatepass")
            for part in parts
            for name, value in part.items()
        }
    )
    sites = st.lists(
        st.integers(0, 10**6).map(site) | st.dictionaries(st.text(max_size=8), json_values),
        max_size=3,
    )
    problems = st.fixed_dictionaries(
        {"title": text, "detail": text},
        optional={"status": json_values, "field_errors": json_values, "extra": json_values},
    )
    tokens = st.fixed_dictionaries(
        {"access_token": st.just(fetched) | json_values},
        optional={"expires_in": numbers_as_text | json_values, "error": text},
    )
    bodies = st.one_of(
        st.integers(0, 10**6).map(site),
        sites,
        problems,
        tokens,
        json_values,
        st.just("[" * 100_000 + "]" * 100_000),
        text,
    ).map(lambda body: body if isinstance(body, str) else _json(body))
    raw_bodies = bodies.map(lambda body: body.encode("utf-8", "surrogatepass")) | st.binary(
        max_size=40
    )
    statuses = st.sampled_from(
        [200, 200, 200, 201, 204, 301, 302, 400, 401, 403, 404, 406, 418, 429, 500, 503, 520]
    ) | st.integers(100, 599)
    answers = st.tuples(statuses, headers, raw_bodies) | transport_failures
    return World(
        fetched_token=fetched,
        api_script=draw(st.lists(answers, max_size=8)),
        token_script=draw(st.lists(answers, max_size=4)),
        credentials=draw(st.sampled_from(["token", "client_credentials"])),
    )


def _json(value: Any) -> str:
    import json

    return json.dumps(value)


class Records(logging.Handler):
    """Every log record of every logger, formatted."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def records() -> Iterator[Records]:
    root = logging.getLogger()
    handler, level = Records(), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)


def _calls(client: EvEnergy | AsyncEvEnergy) -> list[Any]:
    """Each public operation, walking lists to their end."""
    if isinstance(client, EvEnergy):
        return [
            lambda: client.evse_sites.get(SITE_ID),
            lambda: client.cpms_providers.get("CHARGEPOINT"),
            lambda: list(client.evse_sites.list()),
            lambda: list(client.cpms_providers.list(page_size=10)),
        ]

    async def walk(paginator: Any) -> list[Any]:
        return [item async for item in paginator]

    return [
        lambda: client.evse_sites.get(SITE_ID),
        lambda: client.cpms_providers.get("CHARGEPOINT"),
        lambda: walk(client.evse_sites.list()),
        lambda: walk(client.cpms_providers.list(page_size=10)),
    ]


def _assert_no_secret(world: World, text: str, where: str) -> None:
    for secret in world.secrets:
        assert secret not in text, f"a secret appears in {where}"


def _assert_clean_error(world: World, error: BaseException) -> None:
    chained: BaseException | None = error
    while chained is not None:
        for text in (str(chained), repr(chained), repr(chained.args)):
            _assert_no_secret(world, text, f"{type(chained).__name__}")
        chained = chained.__cause__ or chained.__context__
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)


def _assert_origins(world: World) -> None:
    for request in world.requests:
        authorization = request.headers.get("Authorization", "")
        if str(request.url) == TOKEN_URL:
            assert authorization.startswith("Basic "), "the token request lacks Basic auth"
        else:
            assert str(request.url).startswith(BASE_URL + "/"), f"a request went to {request.url}"
            assert not authorization.startswith("Basic "), "client credentials left token_url"


def play(kind: str, world: World, call_number: int, records: Records) -> None:
    """Make one call against the scripted server and check every promise."""
    waits: list[float] = []

    async def no_async_sleep(delay: float) -> None:
        waits.append(delay)

    budget = world.request_budget
    options: dict[str, Any] = {"base_url": BASE_URL, "max_retries": MAX_RETRIES}
    if world.credentials == "token":
        options["access_token"] = ACCESS_TOKEN
    else:
        options.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, token_url=TOKEN_URL)
    records.lines.clear()
    transport = httpx.MockTransport(world.handle)
    with asyncio.Runner() as runner:
        if kind == "sync":
            client: EvEnergy | AsyncEvEnergy = EvEnergy(
                http_client=httpx.Client(transport=transport), sleep=waits.append, **options
            )
            run = _calls(client)[call_number]
        else:
            client = AsyncEvEnergy(
                http_client=httpx.AsyncClient(transport=transport),
                sleep=no_async_sleep,
                **options,
            )
            call = _calls(client)[call_number]

            def run() -> Any:
                return runner.run(call())

        try:
            run()
        except EvEnergyError as error:
            _assert_clean_error(world, error)
        _assert_no_secret(world, repr(client), "the client's repr")
    for line in records.lines:
        _assert_no_secret(world, line, f"the log line {line[:80]!r}")
    _assert_origins(world)
    assert len(world.requests) <= budget, "more requests than the server's answers allow"
    assert all(0 <= wait <= max(MAX_RETRY_DELAY_S, 60.0) for wait in waits)


@pytest.mark.parametrize("kind", ["sync", "async"])
@given(world=worlds(), call_number=st.integers(0, 3))
@settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ]
)
def test_only_typed_errors_no_leaks_and_every_call_ends(
    kind: str, world: World, call_number: int, records: Records
) -> None:
    play(kind, world, call_number, records)


# Network edges (issue 20): cookies, redirect targets, compressed bodies, bodies past the cap,
# and the environment the SDK's own client reads. New strategies, appended: each rewrites some
# answers of a world from `worlds()`, so that every other behaviour of the server stays drawn.

# 40 MiB of spaces in 40 KiB: past the default max_response_bytes once decoded.
PAST_THE_CAP = gzip.compress(b" " * (DEFAULT_MAX_RESPONSE_BYTES + 8 * 1024 * 1024), 9)


@st.composite
def cookie_headers(draw: st.DrawFn) -> list[tuple[bytes, bytes]]:
    """Set-Cookie headers: any bytes (non-ASCII too), echoed secrets, or many large ones."""
    raw = st.binary(max_size=20) | st.text(max_size=20).map(
        lambda text: text.encode("utf-8", "surrogatepass")
    )
    named = st.tuples(st.from_regex(r"\A[a-z]{1,8}\Z"), raw, st.sampled_from([b"", b"; Path=/"]))
    value = st.one_of(
        named.map(lambda parts: parts[0].encode() + b"=" + parts[1] + parts[2]),
        raw,
        st.sampled_from([ACCESS_TOKEN, CLIENT_SECRET]).map(lambda s: f"s={s}; Path=/".encode()),
        st.just("session=caf\u00e9; Path=/".encode("latin-1")),
    )
    many = st.integers(1, 20).map(lambda n: [f"c{i}={'x' * 200}".encode() for i in range(n)])
    values = draw(st.lists(value, max_size=3) | many)
    return [(b"Set-Cookie", cookie) for cookie in values]


redirect_targets = st.one_of(
    st.sampled_from(
        [
            "http:foo",
            "javascript:alert(1)",
            "https:",
            "http://",
            "//",
            "//evil.test/x",
            "http://[::1",
            "\\\\evil.test",
            "https://evil.test/v2/evse_sites",
            "/v2/evse_sites",
            "?page_after=x",
            "http://a b/",
            "data:text/plain,hi",
            "caf\u00e9",
            "",
        ]
    ),
    st.text(max_size=30),
)


@st.composite
def encoded_bodies(draw: st.DrawFn, body: bytes) -> tuple[list[tuple[bytes, bytes]], bytes]:
    """`body` compressed (or claimed to be), or a body past the cap: its headers and bytes."""
    coding = draw(st.sampled_from(["gzip", "deflate", "gzip, deflate", "br", "zstd", "x-nope"]))
    if draw(st.booleans()):
        return [(b"Content-Encoding", b"gzip")], PAST_THE_CAP
    packed = {"gzip": gzip.compress(body), "deflate": zlib.compress(body)}.get(coding, body)
    if coding == "gzip, deflate":
        packed = zlib.compress(gzip.compress(body))
    if draw(st.booleans()):  # a lying server: the header says one thing, the bytes another
        packed = body if packed != body else gzip.compress(body)
    return [(b"Content-Encoding", coding.encode())], packed


@st.composite
def network_answer(draw: st.DrawFn, answer: tuple[int, dict[bytes, bytes], bytes]) -> Any:
    """`answer` with one or more of: cookies, a redirect, an encoded body."""
    status, headers, body = answer
    items = list(headers.items())
    edges = draw(st.sets(st.sampled_from(["cookies", "redirect", "encoding"]), min_size=1))
    if "cookies" in edges:
        items += draw(cookie_headers())
    if "redirect" in edges:
        status = draw(st.sampled_from([301, 302, 303, 307, 308]))
        items.append((b"Location", draw(redirect_targets).encode("utf-8", "surrogatepass")))
    if "encoding" in edges:
        extra, body = draw(encoded_bodies(body))
        items = [(k, v) for k, v in items if k.lower() != b"content-encoding"] + extra
    return status, items, body


@st.composite
def network_worlds(draw: st.DrawFn) -> World:
    """A world of `worlds()` whose first API answer, and some others, carry the edges above."""
    world = draw(worlds())
    for script in (world.api_script, world.token_script):
        for index, answer in enumerate(script):
            if isinstance(answer, tuple) and draw(st.booleans()):
                script[index] = draw(network_answer(answer))
    # A first page with a next link: its cookies are in the jar when page two is built.
    next_page = f'<{BASE_URL}/evse_sites?page_after={SITE_ID}>; rel="next"'.encode()
    first_page = (200, {b"Link": next_page}, _json([site(1)]).encode())
    world.api_script.insert(0, draw(network_answer(first_page)))
    if draw(st.booleans()):  # the same for a token fetched again after a 401
        token = _json({"access_token": world.fetched_token}).encode()
        world.token_script.insert(0, draw(network_answer((200, {}, token))))
    return world


@given(
    world=network_worlds(),
    call_number=st.sampled_from([2, 2, 3, 0, 1]),  # mostly walks: a page's cookies meet the next
    kind=st.sampled_from(["sync", "async"]),
)
@settings(suppress_health_check=list(HealthCheck))
def test_cookies_redirects_and_encoded_bodies_keep_the_promises(
    world: World, call_number: int, kind: str, records: Records
) -> None:
    play(kind, world, call_number, records)


PROXY_PASSWORD = "pr0xy-p4ss-7d1e"
environment_values = st.one_of(
    st.sampled_from(
        [
            f"http://someone:{PROXY_PASSWORD}@proxy.test:3128",
            "http://proxy.test:3128",
            "https://proxy.test",
            f"socks5://someone:{PROXY_PASSWORD}@proxy.test:1080",
            f"ftp://someone:{PROXY_PASSWORD}@proxy.test",
            f"http://someone:{PROXY_PASSWORD}@[bad",
            "proxy.test:3128",
            "http://proxy.test:99999",
            "*",
            "localhost,.test",
            "",
            "/no/such/ca-bundle.pem",
            "/etc",
            "/dev/null",
        ]
    ),
    st.text(max_size=20),
)
ENVIRONMENT_NAMES = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
]


@given(
    environment=st.dictionaries(st.sampled_from(ENVIRONMENT_NAMES), environment_values),
    kind=st.sampled_from(["sync", "async"]),
    base_url=st.sampled_from(["http://127.0.0.1:9/v2", "http://api.test/v2", BASE_URL]),
)
def test_any_environment_gives_a_client_or_a_configuration_error_and_no_clear_token(
    environment: dict[str, str], kind: str, base_url: str
) -> None:
    values = {name: value for name, value in environment.items() if "\0" not in value}
    cls = EvEnergy if kind == "sync" else AsyncEvEnergy
    refused: ConfigurationError | None = None
    with mock.patch.dict(os.environ, values):
        try:
            client = cls(access_token=ACCESS_TOKEN, base_url=base_url)
        except ConfigurationError as error:
            refused = error
    if refused is not None:
        _assert_clean_error(World("", [], []), refused)
        assert PROXY_PASSWORD not in f"{refused} {refused!r} {refused.__context__!r}"
        return
    assert PROXY_PASSWORD not in repr(client)
    if isinstance(client, EvEnergy):
        client.close()
    else:
        asyncio.run(client.aclose())
    if base_url.startswith("http:"):  # plain http: reached directly, never through a proxy
        with mock.patch.dict(os.environ, values):
            http = own_http_client(
                httpx.Client, resolve(access_token=ACCESS_TOKEN, base_url=base_url)
            )
        assert http._transport_for_url(httpx.URL(base_url)) is http._transport
        http.close()


# Secrets echoed in every encoding they can travel in (issue 20, defect 4).


@pytest.fixture
def collected() -> None:
    """Garbage of earlier tests collected: every Secret it holds counts as live (and is masked
    in every text) until the cyclic garbage collector frees it, which a long session delays."""
    gc.collect()


@dataclass
class EchoWorld(World):
    """A World whose server echoes secrets encoded; every encoding of a secret is a secret.

    The fetched token counts as handed out once the token endpoint sent it in any answer, a
    refusal included: the SDK read it, so it must never show it.
    """

    def __repr__(self) -> str:
        return "Echo" + super().__repr__()

    @property
    def secrets(self) -> list[str]:
        raw = super().secrets
        if self.credentials != "token":
            raw += credential_encodings(CLIENT_ID, CLIENT_SECRET).values()
        return [form for secret in raw for form in encodings(secret).values()]

    def _token(self, status: int, headers: dict[bytes, bytes], body: bytes) -> httpx.Response:
        response = super()._token(status, headers, body)
        if self._hands_out_the_token(response):
            self.handed_out = True  # as a token, whatever the status
        return response


@st.composite
def echoing_worlds(draw: st.DrawFn) -> EchoWorld:
    """Servers that echo the credentials, and the token they hand out, in any encoding, in any
    place: bodies, headers, problem details, token answers, next links."""
    fetched = draw(
        st.from_regex(r"\Afetched-[A-Za-z0-9]{8,16}\Z")
        | st.text(alphabet=st.characters(codec="utf-8"), min_size=8, max_size=16)
        .map(lambda t: "tok/" + t.strip())
        .filter(lambda t: len(t) >= 8)
    )
    raw_secrets = [ACCESS_TOKEN, CLIENT_SECRET, fetched]
    echoes = st.tuples(st.sampled_from(raw_secrets), st.sampled_from(list(encodings("x")))).map(
        lambda pair: encodings(pair[0])[pair[1]]
    ) | st.sampled_from(list(credential_encodings(CLIENT_ID, CLIENT_SECRET).values()))
    around = st.text(max_size=6)
    echoed_text = st.tuples(around, echoes, around).map("".join)
    next_links = echoed_text.map(
        lambda text: f'<{BASE_URL}/evse_sites?page_after={text}>; rel="next"'
    ) | echoes.map(lambda text: f"<{BASE_URL}/evse_sites?page_after=site{text}>; rel=next")
    headers = st.fixed_dictionaries(
        {},
        optional={
            "X-Echo": echoed_text,
            "WWW-Authenticate": echoed_text.map(lambda text: f'Bearer error_description="{text}"'),
            "Link": next_links,
            "Content-Type": st.sampled_from(["application/json", "application/problem+json"]),
            "Retry-After": st.sampled_from(["0", "1"]),
        },
    ).map(lambda h: {k.encode(): v.encode("utf-8", "surrogatepass") for k, v in h.items()})
    bodies = st.one_of(
        st.fixed_dictionaries({"title": echoed_text, "detail": echoed_text}),
        st.fixed_dictionaries(
            {"error": echoed_text, "error_description": echoed_text},
            optional={"access_token": st.just(fetched) | echoed_text, "expires_in": st.just(0)},
        ),
        st.lists(st.builds(lambda text: site(1, id=text), echoed_text), max_size=2),
        st.fixed_dictionaries({"access_token": st.just(fetched), "expires_in": st.just(3600)}),
        echoed_text,
    ).map(lambda body: _json(body).encode()) | echoed_text.map(lambda t: t.encode("utf-8"))
    statuses = st.sampled_from([200, 200, 400, 401, 403, 404, 429, 500, 502, 503])
    answers = st.tuples(statuses, headers, bodies)
    return EchoWorld(
        fetched_token=fetched,
        api_script=draw(st.lists(answers, max_size=6)),
        token_script=draw(st.lists(answers, max_size=3)),
        credentials=draw(st.sampled_from(["token", "client_credentials"])),
    )


@pytest.mark.parametrize("kind", ["sync", "async"])
@given(world=echoing_worlds(), call_number=st.integers(0, 3))
@settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ]
)
def test_secrets_echoed_in_any_encoding_never_leak(
    kind: str, world: EchoWorld, call_number: int, records: Records, collected: None
) -> None:
    play(kind, world, call_number, records)


# Calls of sibling clients (with_options) with different options (issue 20, defect 5).

sibling_options = st.fixed_dictionaries(
    {},
    optional={
        "timeout": st.sampled_from([0.5, 5.0, 30.0]),
        "max_retries": st.integers(0, 3),
        "max_retry_after": st.sampled_from([0.0, 1.0, 60.0]),
    },
)
sibling_plans = st.lists(st.tuples(sibling_options, st.integers(0, 3)), min_size=1, max_size=4)
# A token endpoint that fails as a timeout or spent retries do, so that calls wait on a fetch
# that fails for the fetching call's bounds.
bounded_failures: st.SearchStrategy[Any] = transport_failures | st.sampled_from(
    [(503, {}, b""), (429, {}, b"")]
)


@st.composite
def sibling_worlds(draw: st.DrawFn) -> World:
    """Any World; often one with client credentials whose token endpoint fails for a while."""
    world = draw(worlds())
    if draw(st.booleans()):
        world.credentials = "client_credentials"
        world.token_script = draw(st.lists(bounded_failures, min_size=1, max_size=4))
    return world


def _bounds(changes: dict[str, Any]) -> tuple[Any, ...]:
    """A sibling's timeout, max_retries and max_retry_after: its changes to the family's."""
    family = {"timeout": None, "max_retries": MAX_RETRIES, "max_retry_after": 60.0}
    return tuple({**family, **changes}.values())


def _own_errors_only(plan: list[tuple[dict[str, Any], int]], outcomes: list[Any]) -> None:
    """Siblings with other bounds never share a failure that other bounds might have avoided."""
    for i, j in itertools.combinations(range(len(plan)), 2):
        shared = outcomes[i]
        if not isinstance(shared, EvEnergyError) or shared is not outcomes[j]:
            continue
        if _bounds(plan[i][0]) != _bounds(plan[j][0]):
            assert not isinstance(shared, APIConnectionError), "a sibling's timeout, shared"
            status = getattr(shared, "status_code", None)
            assert status not in RETRYABLE_STATUSES, "a sibling's spent retries, shared"


def _family_options(world: World) -> dict[str, Any]:
    """The options of the client whose siblings make the calls."""
    credentials: dict[str, Any] = (
        {"access_token": ACCESS_TOKEN}
        if world.credentials == "token"
        else {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "token_url": TOKEN_URL}
    )
    return {"base_url": BASE_URL, "max_retries": MAX_RETRIES, **credentials}


def play_siblings(
    kind: str, world: World, plan: list[tuple[dict[str, Any], int]], records: Records
) -> None:
    """Make the calls of `plan`, each on a sibling of one client, and check every promise.

    The blocking client makes them in turn, and each call's retries and waits stay within its
    own sibling's bounds; the async client makes them at once (a wait hands control over), so
    calls wait on each other's token fetches, and none fails for a sibling's bounds.
    """
    waits: list[float] = []

    async def no_async_sleep(delay: float) -> None:
        waits.append(delay)
        await asyncio.sleep(0)  # the other calls run meanwhile

    # Each scripted answer, then one API request and one token fetch per call.
    budget = len(world.token_script) + 2 * (len(world.api_script) + len(plan))
    options = _family_options(world)
    records.lines.clear()
    transport = httpx.MockTransport(world.handle)
    if kind == "sync":
        family: EvEnergy | AsyncEvEnergy = EvEnergy(
            http_client=httpx.Client(transport=transport), sleep=waits.append, **options
        )
        for changes, call_number in plan:
            waits.clear()
            sent_before = len(world.requests)
            try:
                _calls(family.with_options(**changes))[call_number]()
            except EvEnergyError as error:
                _assert_clean_error(world, error)
            longest_wait = max(MAX_RETRY_DELAY_S, changes.get("max_retry_after", 60.0))
            assert all(0 <= wait <= longest_wait for wait in waits), "a sibling's wait"
            if call_number < 2:  # one request: a token fetch and a send, twice at most
                own_retries = changes.get("max_retries", MAX_RETRIES)
                assert len(waits) <= 4 * own_retries, "more retries than the call's own"
                assert len(world.requests) - sent_before <= 4 * (own_retries + 1)
    else:
        family = AsyncEvEnergy(
            http_client=httpx.AsyncClient(transport=transport), sleep=no_async_sleep, **options
        )
        calls = [_calls(family.with_options(**c))[n]() for c, n in plan]

        async def checked(call: Any) -> Any:
            try:
                return await call
            except EvEnergyError as error:  # checked against the secrets known by now
                _assert_clean_error(world, error)
                return error

        async def at_once() -> list[Any]:
            return await asyncio.gather(*map(checked, calls))

        _own_errors_only(plan, asyncio.run(at_once()))
    _assert_no_secret(world, repr(family), "the client's repr")
    for line in records.lines:
        _assert_no_secret(world, line, f"the log line {line[:80]!r}")
    _assert_origins(world)
    assert len(world.requests) <= budget, "more requests than the server's answers allow"


@pytest.mark.parametrize("kind", ["sync", "async"])
@given(world=sibling_worlds(), plan=sibling_plans)
@settings(
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ]
)
def test_sibling_clients_keep_their_own_bounds_and_every_promise(
    kind: str,
    world: World,
    plan: list[tuple[dict[str, Any], int]],
    records: Records,
    collected: None,
) -> None:
    play_siblings(kind, world, plan, records)
