"""An in-process fake of the ev.energy API for users' tests: an httpx transport, no sockets."""

from __future__ import annotations

import base64
import json
import random
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, MutableSequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit

import httpx

from evenergy_openapi.models import CPMSProvider, EVSESite

from .._client import AsyncEvEnergy, EvEnergy
from .._constants import DEFAULT_TOKEN_URL, MAX_PAGE_SIZE, MIN_PAGE_SIZE
from .._resource_base import Endpoint
from .._resources import ENDPOINTS
from ._data import FAKE_BASE_URL, checked, make_provider, make_site

_DEFAULT_PAGE_SIZE = 25  # the API's own default, when a request names none


def _route_pattern(path: str) -> re.Pattern[str]:
    """The request paths under the base path that `path` (an openapi.yaml template) matches.

    Each path parameter is a group, in path order.
    """
    parts = re.split(r"\{[^}]+\}", path)
    return re.compile("([^/]+)".join(map(re.escape, parts)) + "/?")


def _routes(endpoints: Iterable[Endpoint]) -> list[tuple[Endpoint, re.Pattern[str]]]:
    """Each endpoint with its pattern, the most specific first.

    More path parameters first, then the longer template: a provider called "evse_sites" is an
    item of /cpms_providers, not the list of sites.
    """
    ordered = sorted(endpoints, key=lambda e: (-len(e.path_parameters), -len(e.path)))
    return [(endpoint, _route_pattern(endpoint.path)) for endpoint in ordered]


Handler = Callable[[httpx.Request], httpx.Response]
"""What `FakeEvEnergyAPI.add_handler` takes: a function from the request to the response."""
_LAST = "<about:blank>"
BASE_PATH = urlsplit(FAKE_BASE_URL).path  # /v2: what the fake serves; other paths are a 404
TOKEN_PATH = urlsplit(DEFAULT_TOKEN_URL).path
FAKE_ACCESS_TOKEN = "fake-access-token"  # noqa: S105 - the fake's own token
"""The bearer token the fake accepts by default (and gives its own clients)."""

Fault = int | type[httpx.TransportError]
"""What `fail_next` injects: an HTTP status, or an httpx error such as httpx.ConnectError or
httpx.ReadTimeout (raised by the in-process transport; served over HTTP, a dropped connection or
a request left unanswered)."""


@dataclass(frozen=True)
class _Fault:
    fault: Fault
    retry_after: int | None


class FakeEvEnergyAPI:
    """A fake ev.energy API on these four endpoints, for tests that must run offline.

    It behaves like the real API where a client can tell: Link-header pagination both ways with
    `page_size` limits (1 to 100, default 25; 400 problem details outside them), 404 problem
    details for unknown ids, 401 without the right bearer token, 400 for an API version other
    than 2, the rate-limit headers on every response (a 429 with Retry-After once the budget is
    spent), and the client-credentials token endpoint. Faults can be queued with `fail_next`:
    statuses (429, 503, ...), dropped connections and timeouts.

        fake = FakeEvEnergyAPI(site_count=120)
        with fake.client() as client:
            assert len(list(client.evse_sites.list())) == 120

    `sites` and `providers` take API-shaped dicts (see `make_site`, `make_provider`), checked
    against the schema here: one that does not fit is a ValueError naming the field. By default
    the fake makes `site_count` realistic sites from `seed`, and the two providers of today.
    Bearer tokens: `access_token` (FAKE_ACCESS_TOKEN by default; None accepts any) and those its
    token endpoint issued. The token endpoint accepts any client id and secret, or only the pairs
    in `client_credentials` when given. Every request it answers is kept in `requests` (only the
    last `keep_requests`, when given: a served fake that runs for long keeps 10,000). Each API
    request spends one of `rate_limit` requests; `reset_rate_limit()` refills the budget, as a
    new hour would.

    Requests are routed by the operations the SDK exposes (generator/sdk.yaml), or `endpoints`,
    under /v2; any other path is a 404, as the API answers it, so that a `base_url` without /v2
    fails in a test as it would in production. A GET lists or finds items in its resource's list
    in `collections` (a subresource's lists are in `nested`, by the parent's id:
    `nested["evses.status_logs"]["evse01..."]`), by every path parameter; any other method
    answers openapi.yaml's example with its success status, unless `add_handler` gave it a
    handler. The `url` fields of what it sends point at the host it was asked on (`serve()`'s
    loopback address, say).
    """

    def __init__(
        self,
        *,
        sites: Iterable[Mapping[str, Any]] | None = None,
        providers: Iterable[Mapping[str, Any]] | None = None,
        site_count: int = 3,
        seed: int = 0,
        rate_limit: int = 1000,
        access_token: str | None = FAKE_ACCESS_TOKEN,
        client_credentials: Mapping[str, str] | None = None,
        endpoints: Iterable[Endpoint] = ENDPOINTS,
        keep_requests: int | None = None,
    ) -> None:
        rng = random.Random(seed)
        connections = ["CHARGEPOINT", "SWTCH", None]
        self.sites: list[dict[str, Any]] = (
            [checked(EVSESite, s) for s in sites]
            if sites is not None
            else [make_site(rng=rng, cpms_connection=connections[i % 3]) for i in range(site_count)]
        )
        self.providers: list[dict[str, Any]] = (
            [checked(CPMSProvider, p) for p in providers]
            if providers is not None
            else [make_provider("CHARGEPOINT"), make_provider("SWTCH")]
        )
        self._routes = _routes(endpoints)
        self.collections: dict[str, list[dict[str, Any]]] = {
            endpoint.resource.attribute: [] for endpoint, _ in self._routes
        }
        """Every resource's items by its client attribute; `sites` and `providers` are two.

        A resource the fake makes no items for starts with openapi.yaml's example of its list.
        """
        for endpoint, _ in self._routes:
            if endpoint.answer in ("page", "list") and isinstance(endpoint.example, list):
                seeded = self.collections[endpoint.resource.attribute]
                seeded[:] = seeded or [dict(item) for item in endpoint.example]
        self.nested: dict[str, dict[str, list[dict[str, Any]]]] = {
            attribute: {} for attribute in self.collections if "." in attribute
        }
        """A subresource's items by its attribute, then by its parent's path values ("a/b")."""
        self.handlers: dict[tuple[str, str], Handler] = {}
        self.collections.update(evse_sites=self.sites, cpms_providers=self.providers)
        self.access_token = access_token
        self.client_credentials = dict(client_credentials) if client_credentials else None
        self.rate_limit = rate_limit
        self.remaining = rate_limit
        self.requests: MutableSequence[httpx.Request] = (
            [] if keep_requests is None else deque(maxlen=keep_requests)
        )
        """The requests it answered, oldest first: all of them, or the last `keep_requests`."""
        self.waits: list[float] = []
        """The waits between retries of the fake's clients (which do not really sleep)."""
        self._issued: set[str] = set()
        self._faults: deque[_Fault] = deque()
        self._lock = threading.Lock()

    # Setting up a test.

    def fail_next(
        self, fault: Fault = 503, *, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` API requests with `fault`.

        A status (429 and 503 take `retry_after`), or an httpx error class such as
        httpx.ConnectError or httpx.ReadTimeout.
        """
        with self._lock:
            self._faults.extend(_Fault(fault, retry_after) for _ in range(times))

    def transport(self) -> httpx.MockTransport:
        """An httpx transport (sync and async) that answers every request from this fake."""
        return httpx.MockTransport(self.handle)

    def client(self, *, real_sleep: bool = False, **options: Any) -> EvEnergy:
        """An EvEnergy wired to this fake; options as for EvEnergy (its token is filled in).

        Retries do not really wait unless `real_sleep` (or a `sleep` option of your own): each
        wait is recorded in `waits`, through the client's `sleep` option.
        """
        if not real_sleep:
            options = {"sleep": self.waits.append, **options}
        http = httpx.Client(transport=self.transport())  # in memory: nothing to close
        return EvEnergy(http_client=http, **self._options(options))

    def async_client(self, *, real_sleep: bool = False, **options: Any) -> AsyncEvEnergy:
        """An AsyncEvEnergy wired to this fake; as `client`."""
        if not real_sleep:
            options = {"sleep": self.record_wait, **options}
        http = httpx.AsyncClient(transport=self.transport())  # in memory: nothing to close
        return AsyncEvEnergy(http_client=http, **self._options(options))

    async def record_wait(self, delay: float) -> None:
        """Record a wait in `waits` instead of sleeping: `AsyncEvEnergy(sleep=fake.record_wait)`.

        For a blocking client built by hand (against `serve()`, say), `sleep=fake.waits.append`
        does the same.
        """
        self.waits.append(delay)

    def reset_rate_limit(self) -> None:
        """Refill the hourly budget, as a new hour does: `rate_limit` requests left again."""
        with self._lock:
            self.remaining = self.rate_limit

    def _options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {
            "base_url": FAKE_BASE_URL,
            "token_url": DEFAULT_TOKEN_URL,
            **options,
        }
        if not {"access_token", "client_id", "client_secret"} & merged.keys():
            merged["access_token"] = self.access_token or FAKE_ACCESS_TOKEN
        return merged

    # Answering requests.

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as the API would."""
        with self._lock:
            self.requests.append(request)
            if request.url.path == TOKEN_PATH:
                return self._token(request)
            return self._api(request)

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        return {
            "EvEnergy-Version": "2",
            "X-RateLimit-Limit": str(self.rate_limit),
            "X-RateLimit-Remaining": str(self.remaining),
            **(extra or {}),
        }

    def _problem(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
        **members: Any,
    ) -> httpx.Response:
        body = {"title": title, "status": status, "detail": detail, **members}
        return httpx.Response(
            status,
            json=body,
            headers=self._headers({"Content-Type": "application/problem+json", **(headers or {})}),
        )

    def _token(self, request: httpx.Request) -> httpx.Response:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        form = dict(
            pair.split("=", 1) for pair in request.content.decode().split("&") if "=" in pair
        )
        if scheme != "Basic" or form.get("grant_type") != "client_credentials":
            return httpx.Response(400, json={"error": "invalid_request"})
        encoded_id, _, encoded_secret = base64.b64decode(credentials).decode().partition(":")
        client_id, secret = unquote_plus(encoded_id), unquote_plus(encoded_secret)
        known = self.client_credentials
        if not client_id or not secret or (known is not None and known.get(client_id) != secret):
            return httpx.Response(401, json={"error": "invalid_client"})
        token = f"fake-token-for-{client_id}"
        self._issued.add(token)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "Bearer", "expires_in": 36000}
        )

    def _api(self, request: httpx.Request) -> httpx.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme != "Bearer" or not token:
            return self._problem(
                401, "Unauthorized", "Authentication credentials were not provided."
            )
        if self.access_token is not None and token not in (self.access_token, *self._issued):
            return self._problem(401, "Unauthorized", "Invalid token.")
        if self._faults:
            fault = self._faults.popleft()
            if not isinstance(fault.fault, int):
                raise fault.fault("fail_next asked for it", request=request)
            extra = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            if fault.fault == 429 and "Retry-After" not in extra:
                extra["Retry-After"] = "1"
            return self._problem(
                fault.fault, "Injected fault", "fail_next asked for it.", headers=extra
            )
        if self.remaining <= 0:
            return self._problem(
                429,
                "Too Many Requests",
                "Request was rate limited.",
                headers={"Retry-After": "3600"},
            )
        self.remaining -= 1
        version = request.headers.get("EvEnergy-Version", "2")
        if version != "2":
            return self._problem(
                400, "Unsupported version", f"Unsupported version requested: {version}"
            )
        return self._route(request)

    def add_handler(self, method: str, path: str, handler: Handler) -> None:
        """Answer `method` on `path` (an openapi.yaml template) with `handler(request)`."""
        self.handlers[method.upper(), path] = handler

    def _route(self, request: httpx.Request) -> httpx.Response:
        base, _, path = request.url.path.partition(BASE_PATH)
        for endpoint, pattern in self._routes:
            found = pattern.fullmatch(path) if base == "" else None
            if found is None or endpoint.http_method != request.method:
                continue
            handler = self.handlers.get((endpoint.http_method, endpoint.path))
            if handler is not None:
                return handler(request)
            if endpoint.http_method != "GET" or endpoint.answer == "empty":
                content = b"" if endpoint.example is None else json.dumps(endpoint.example)
                return httpx.Response(endpoint.status, content=content, headers=self._headers())
            values = [unquote(value) for value in found.groups()]
            attribute = endpoint.resource.attribute
            listed = endpoint.answer in ("page", "list")
            parents = values if listed else values[:-1]
            items = (
                self.nested.get(attribute, {}).get("/".join(parents), [])
                if attribute in self.nested
                else self.collections[attribute]
            )
            if endpoint.answer == "page":
                return self._page(request, items)
            if endpoint.answer == "list":
                return httpx.Response(200, json=items, headers=self._headers())
            wanted = endpoint.path_parameters[-1]
            for item in items:
                if _same(item.get(wanted.wire, item.get("id")), values[-1], wanted.kind):
                    return httpx.Response(
                        200, json=_rebased(item, request), headers=self._headers()
                    )
            return self._problem(404, "Not found", "Resource does not exist or cannot be accessed.")
        return self._problem(404, "Not found", "There is no such endpoint.")

    def _page(self, request: httpx.Request, items: list[dict[str, Any]]) -> httpx.Response:
        params = request.url.params
        try:
            size = int(params.get("page_size", _DEFAULT_PAGE_SIZE))
        except ValueError:
            size = 0
        if not MIN_PAGE_SIZE <= size <= MAX_PAGE_SIZE:
            return self._problem(
                400,
                "Invalid pagination parameter",
                "Invalid value for pagination parameter: page_size",
                type="https://api.ev.energy/v2/problems/pagination-parameters/",
                field_errors={"page_size": [f"Must be from {MIN_PAGE_SIZE} to {MAX_PAGE_SIZE}."]},
            )
        ids = [item.get("id") for item in items]
        # A cursor is an item's id: the page holds the items after (or before) it; page_after
        # wins when both are given. An unknown cursor gives an empty page.
        after, before = params.get("page_after"), params.get("page_before")
        if after is not None:
            start = ids.index(after) + 1 if after in ids else len(ids)
            end = min(start + size, len(ids))
        elif before is not None:
            end = ids.index(before) if before in ids else 0
            start = max(0, end - size)
        else:
            start, end = 0, min(size, len(ids))
        page = items[start:end]
        base = str(request.url.copy_with(query=None))
        following = preceding = _LAST
        if page and end < len(items):
            following = f"<{base}?page_size={size}&page_after={page[-1]['id']}>"
        if page and start > 0:
            preceding = f"<{base}?page_size={size}&page_before={page[0]['id']}>"
        link = f'{preceding}; rel="previous", {following}; rel="next"'
        body = [_rebased(item, request) for item in page]
        return httpx.Response(200, json=body, headers=self._headers({"Link": link}))

    def __repr__(self) -> str:
        return (
            f"FakeEvEnergyAPI(sites={len(self.sites)}, providers={len(self.providers)}, "
            f"remaining={self.remaining}/{self.rate_limit})"
        )


def _same(key: object, value: str, kind: str) -> bool:
    """Whether an item's key is the path's value: equal text, or the same datetime."""
    if kind != "datetime" or not isinstance(key, str):
        return str(key) == value
    try:
        return datetime.fromisoformat(key) == datetime.fromisoformat(value)
    except ValueError:
        return False


def _rebased(item: Mapping[str, Any], request: httpx.Request) -> dict[str, Any]:
    """`item` with its URLs (`url`, `evses`, ...) under the base URL that `request` was sent to."""
    base = f"{request.url.scheme}://{request.url.netloc.decode('ascii')}{BASE_PATH}"
    if base == FAKE_BASE_URL:
        return dict(item)

    def rebased(value: Any) -> Any:
        if isinstance(value, str) and value.startswith(f"{FAKE_BASE_URL}/"):
            return base + value.removeprefix(FAKE_BASE_URL)
        return [rebased(v) for v in value] if isinstance(value, list) else value

    return {name: rebased(value) for name, value in item.items()}
