"""The served fake API (evenergy.testing) as the contract suite's local server: faithful to
openapi.yaml, or drifting from it in one chosen way (one operation's answer altered)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from evenergy.testing import FakeEvEnergyAPI, FakeServer, serve

TOKEN = "drift-test-token"  # the bearer token the server accepts
DRIFTS = {
    "missing_field": "GET /evse_sites answers sites without their required url",
    "wrong_type": "GET /evse_sites/{evse_site_id} answers evses as a string",
    "undeclared_status": "GET /cpms_providers answers 418, which the spec does not declare",
    "sdk_unreadable": "GET /cpms_providers links a next page without a page_after cursor",
}
_UNLIMITED = 10**6  # requests an hour: a contract run never meets a 429


def _altered(
    answer: httpx.Response, *, status: int | None = None, body: Any = None, link: str | None = None
) -> httpx.Response:
    """`answer` with another status, JSON body or Link header; the rest of it kept."""
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    if link is not None:
        headers["Link"] = link
    return httpx.Response(
        status or answer.status_code, headers=headers, json=answer.json() if body is None else body
    )


def _without_url(answer: httpx.Response) -> httpx.Response:
    return _altered(
        answer, body=[{k: v for k, v in s.items() if k != "url"} for s in answer.json()]
    )


def _evses_as_text(answer: httpx.Response) -> httpx.Response:
    return (
        _altered(answer, body={**answer.json(), "evses": "none"}) if answer.is_success else answer
    )


def _teapot(answer: httpx.Response) -> httpx.Response:
    problem = {"title": "I'm a teapot", "status": 418, "detail": "I'm a teapot."}
    return _altered(answer, status=418, body=problem)


def _next_without_cursor(answer: httpx.Response) -> httpx.Response:
    return _altered(
        answer, link='<about:blank>; rel="previous", </v2/cpms_providers?page=2>; rel="next"'
    )


_CHANGES: dict[str, tuple[str, Callable[[httpx.Response], httpx.Response]]] = {
    "missing_field": ("/evse_sites", _without_url),
    "wrong_type": ("/evse_sites/{evse_site_id}", _evses_as_text),
    "undeclared_status": ("/cpms_providers", _teapot),
    "sdk_unreadable": ("/cpms_providers", _next_without_cursor),
}


@contextmanager
def serving(drift: str | None) -> Iterator[FakeServer]:
    """Serve the fake on a free loopback port, drifting as `drift` says (None: not at all)."""
    fake = FakeEvEnergyAPI(access_token=TOKEN, rate_limit=_UNLIMITED)
    if drift is not None:
        # The same data, answered as the spec says, before the drift alters it.
        faithful = FakeEvEnergyAPI(
            sites=fake.sites, providers=fake.providers, access_token=None, rate_limit=_UNLIMITED
        )
        path, change = _CHANGES[drift]
        fake.add_handler("GET", path, lambda request: change(faithful.handle(request)))
    with serve(fake) as server:
        yield server
