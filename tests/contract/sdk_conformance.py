"""Schemathesis hooks for the contract run (SCHEMATHESIS_HOOKS=sdk_conformance).

`sdk_reads_response` hands every response schemathesis receives to the evenergy SDK, through its
public API: a 2xx must parse without error, an error status must raise the documented exception
class with the problem details the body carried. So a server that sends something the SDK cannot
read fails the contract run even where the schema calls it valid.

With EVENERGY_CLIENT_ID and EVENERGY_CLIENT_SECRET (and no EVENERGY_ACCESS_TOKEN), requests are
authenticated with a token from the SDK's own client-credentials flow.
"""

from __future__ import annotations

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


def _replay(response: Any) -> httpx.Response:
    """The response schemathesis received, as an httpx response to the SDK's own request."""
    headers = [(name, value) for name, values in response.headers.items() for value in values]
    return httpx.Response(response.status_code, headers=headers, content=response.content)


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
    replayed = _replay(response)
    transport = httpx.MockTransport(lambda request: replayed)
    with (
        httpx.Client(transport=transport) as http,
        EvEnergy(
            access_token="contract", base_url="http://sdk.test", max_retries=0, http_client=http
        ) as client,
    ):
        if 200 <= response.status_code < 300:
            try:
                _call_sdk(client, case)
            except Exception as error:
                raise AssertionError(
                    f"the SDK cannot read this {response.status_code} response of "
                    f"{case.operation.label}: {type(error).__name__}: {error}"
                ) from error
            return
        expected = documented_class(response.status_code)
        try:
            _call_sdk(client, case)
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


def _client_credentials_token() -> str:
    """A token from the SDK's own client-credentials flow (EVENERGY_CLIENT_ID and _SECRET)."""
    with EvEnergy() as client:
        transport = client._transport
        return transport.tokens.grant(
            None, transport._fetch_token, transport.core.settings
        ).token.reveal()


if not os.environ.get("EVENERGY_ACCESS_TOKEN") and os.environ.get("EVENERGY_CLIENT_ID"):

    @schemathesis.auth()
    class SdkClientCredentials:
        """Authenticates the contract run with a token from the SDK's client-credentials flow."""

        def get(self, case: Any, ctx: Any) -> str:
            return _client_credentials_token()

        def set(self, case: Any, data: str, ctx: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
