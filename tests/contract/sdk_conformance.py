"""Schemathesis hooks for the contract run (SCHEMATHESIS_HOOKS=sdk_conformance).

`sdk_reads_response` hands every response schemathesis receives to the evenergy SDK, through its
public API: a 2xx must parse without error, an error status must raise the documented exception
class with the problem details the body carried. So a server that sends something the SDK cannot
read fails the contract run even where the schema calls it valid.

With EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET (and no EVENERGY_ACCESS_TOKEN), requests are
authenticated with a token from the SDK's own client-credentials flow. A run makes one SDK client
for reading responses and, with client credentials, one for tokens: one token per run, until it
expires.
"""

from __future__ import annotations

import contextlib
import json
import os
from datetime import datetime
from typing import Any

import httpx
import schemathesis

from evenergy import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    EvEnergy,
    InternalServerError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from evenergy._resources import ENDPOINTS

# The documented mapping, written out again here on purpose: the SDK must agree with it.
DOCUMENTED_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    406: NotAcceptableError,
    429: RateLimitError,
}


def documented_class(status: int) -> type[APIStatusError]:
    if status >= 500:
        return InternalServerError
    return DOCUMENTED_CLASSES.get(status, APIStatusError)


class _Reader:
    """The run's one SDK client, reading each response schemathesis received as its own answer.

    Its HTTP client answers from `answer` without a network: `read` sets it for one case.
    """

    def __init__(self) -> None:
        self.answer: httpx.Response | None = None
        http = httpx.Client(transport=httpx.MockTransport(self._answer))
        self.client = EvEnergy(
            access_token="contract", base_url="http://sdk.test", max_retries=0, http_client=http
        )

    def _answer(self, request: httpx.Request) -> httpx.Response:
        answer, self.answer = self.answer, None
        if answer is None:
            raise AssertionError(f"the SDK sent more than one request for a case: {request.url}")
        return answer

    def read(self, response: Any, case: Any) -> object:
        """Make the case's SDK call, answered with schemathesis's `response`; return the result."""
        headers = [(name, value) for name, values in response.headers.items() for value in values]
        self.answer = httpx.Response(
            response.status_code, headers=headers, content=response.content
        )
        try:
            return _call_sdk(self.client, case)
        finally:
            self.answer = None  # not sent when the SDK refused the call before sending it


def _call_sdk(client: EvEnergy, case: Any) -> object:
    """Make the SDK call that corresponds to the case; return what it returns (a list's page)."""
    endpoint = next(
        (
            e
            for e in ENDPOINTS
            if e.path == case.operation.path and e.http_method == case.method.upper()
        ),
        None,
    )
    if endpoint is None:
        raise AssertionError(f"the SDK has no call for {case.operation.label}")
    method = endpoint.method_of(client)
    path = case.path_parameters or {}
    positional = [
        datetime.fromisoformat(path[p.wire]) if p.kind == "datetime" else path[p.wire]
        for p in endpoint.path_parameters
    ]
    headers = case.headers or {}
    arguments: dict[str, Any] = {
        p.name: headers[p.wire] for p in endpoint.headers if p.wire in headers
    }
    if endpoint.answer != "page":
        query = case.query or {}
        arguments.update({p.name: query[p.wire] for p in endpoint.query if p.wire in query})
        return method(*positional, **arguments)
    query = case.query or {}
    if "page_size" in query:
        arguments["page_size"] = int(query["page_size"])  # wire text or int
    # The API ignores page_before when page_after is given; the SDK refuses both at once.
    after = query.get("page_after")
    arguments.update(page_after=after, page_before=None if after else query.get("page_before"))
    return next(iter(method(*positional, **arguments).iter_pages()))


def _problem_title(content: bytes) -> str | None:
    try:
        body = json.loads(content)
    except ValueError:
        return None
    title = body.get("title") if isinstance(body, dict) else None
    return title if isinstance(title, str) else None


@schemathesis.check
def sdk_reads_response(ctx: Any, response: Any, case: Any) -> None:
    """The evenergy SDK reads this response as documented."""
    if 200 <= response.status_code < 300:
        try:
            _READER.read(response, case)
        except Exception as error:
            raise AssertionError(
                f"the SDK cannot read this {response.status_code} response of "
                f"{case.operation.label}: {type(error).__name__}: {error}"
            ) from error
        return
    expected = documented_class(response.status_code)
    try:
        _READER.read(response, case)
    except APIStatusError as error:
        if type(error) is not expected:
            raise AssertionError(
                f"the SDK raised {type(error).__name__} for {response.status_code}, "
                f"documented: {expected.__name__}"
            ) from error
        title = _problem_title(response.content)
        if title is not None and (error.problem is None or error.problem.title != title):
            raise AssertionError(
                f"the SDK lost the problem details of this {response.status_code}"
            ) from error
        return
    except Exception as error:
        raise AssertionError(
            f"the SDK raised {type(error).__name__} for a {response.status_code} response, "
            f"documented: {expected.__name__}"
        ) from error
    raise AssertionError(f"the SDK did not raise for a {response.status_code} response")


_READER = _Reader()  # the run's one


class _Tokens:
    """Tokens from the SDK's own client-credentials flow (EVENERGY_CLIENT_ID and _SECRET).

    One client for the run, which fetches a token from the token endpoint when it has none or
    its token is about to expire, as it does for its users. To read the token through the
    public API, `current` sends a request that its HTTP client answers here, without reaching
    the API, and takes the token from that request's Authorization header.
    """

    _LOCAL = "https://sdk.test/v2"  # the API as this client sees it: answered locally, a 404

    def __init__(self) -> None:
        self._sent: list[httpx.Request] = []
        local = httpx.MockTransport(self._answer)
        http = httpx.Client(mounts={"all://sdk.test": local})  # the token endpoint: the network
        self._client = EvEnergy(base_url=self._LOCAL, max_retries=0, http_client=http)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self._sent.append(request)
        return httpx.Response(404)

    def current(self) -> str:
        """A valid token: the cached one, or a new one when it is about to expire."""
        self._sent.clear()
        with contextlib.suppress(NotFoundError):
            self._client.evse_sites.get("site01JX2SZ0WAFTDYVYY0JRAYREY7")
        return self._sent[-1].headers["Authorization"].removeprefix("Bearer ")


if not os.environ.get("EVENERGY_ACCESS_TOKEN") and os.environ.get("EVENERGY_CLIENT_ID"):
    _TOKENS = _Tokens()

    # No refresh interval: schemathesis asks for the token before every case, and the SDK's
    # client, which knows when its token expires, keeps it or fetches a new one.
    @schemathesis.auth(refresh_interval=None)
    class SdkClientCredentials:
        """Authenticates the contract run with a token from the SDK's client-credentials flow."""

        def get(self, case: Any, ctx: Any) -> str:
            return _TOKENS.current()

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
