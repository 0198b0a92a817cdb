"""What the rendered resource classes (`_resources.py`) stand on: endpoints, requests, results.

An `Endpoint` is one operation as openapi.yaml describes it (rendered from generator/sdk.yaml).
A resource's method passes its arguments here by their names on the wire; `_request` checks and
encodes them (path parameters percent-encoded, datetimes as ISO 8601, arrays repeated, a JSON
body of the arguments given), the client's session sends the request under the client's
settings, and `parse_one` or `parse_list` turn a successful body into the generated models (or
a ResponseValidationError). The sync and async bases differ only in how they send.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import quote

import attrs
import httpx

from ._checks import check_id, check_page_size, check_text, check_user, is_header_token
from ._config import Settings
from ._exceptions import ResponseValidationError
from ._pagination import AsyncPaginator, Cursors, Page, PaginatorBase, SyncPaginator, page_of
from ._response import NOT_JSON, RawResponse, json_or_error
from ._secret import scrub
from ._session import AsyncSession, RequestArgs, SyncSession


class Model(Protocol):
    """What the generated attrs models offer for parsing."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


M = TypeVar("M", bound=Model)


def field_names(model: type) -> list[str]:
    """A generated model's attributes, one per field of its schema (for the CLI and the fake)."""
    return [f.name for f in attrs.fields(model) if f.name != "additional_properties"]


Answer = Literal["page", "model", "list", "empty"]
"""What a successful answer holds: a page of a list, one object, an unpaged array, nothing."""

USER_HEADER = "EvEnergy-User"  # a method's `user`, defaulting to the client's


class NotGiven:
    """The default of a JSON body's argument: left out of the body (where None sends null)."""

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


NOT_GIVEN = NotGiven()


@dataclass(frozen=True, slots=True)
class Resource:
    """A group of operations: `client.<attribute>` and, for its GETs, `evenergy <command>`."""

    attribute: str
    """The path from a client, such as `evse_sites` or `evses.status_logs` (a subresource)."""
    class_name: str
    """The sync resource class, such as `EvseSites` (and so `AsyncEvseSites`, ...)."""
    summary: str
    """What the resource is, in one sentence (from its operations' tag in openapi.yaml)."""
    command: str | None
    """The CLI group, such as `sites`, or None when the CLI does not offer it."""
    singular: str
    """One item, for help texts: "EVSE site"."""
    example_id: str
    """An id for the CLI's help examples (openapi.yaml's example of the item's id)."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """A parameter of an operation: its Python name, its name on the wire and its kind."""

    name: str
    wire: str
    kind: str
    """The value's type as the method declares it: str, int, float, bool, datetime, date, list."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An operation the SDK exposes, with what openapi.yaml says of it."""

    name: str
    """The operationId, as errors and logs name the call."""
    resource: Resource
    method: str
    """The resource's method, such as `list` or `update`."""
    http_method: str
    path: str
    """The path template under the API root, such as `/evse_sites/{evse_site_id}`."""
    answer: Answer
    model: type[Any] | None
    """The model of an answer's object (or of each item), None for an empty answer."""
    path_parameters: tuple[Parameter, ...] = ()
    query: tuple[Parameter, ...] = ()
    headers: tuple[Parameter, ...] = ()
    body: tuple[str, ...] | None = None
    """The JSON body's properties, None for an operation that takes no body."""
    status: int = 200
    """The status of a success, as openapi.yaml declares it (the fake answers with it)."""
    example: object = None
    """openapi.yaml's example of a successful answer's body (what the fake answers by default)."""

    def method_of(self, client: object) -> Callable[..., Any]:
        """The operation's method on a client: `client.<resource>.<method>`."""
        target = client
        for attribute in self.resource.attribute.split("."):
            target = getattr(target, attribute)
        method: Callable[..., Any] = getattr(target, self.method)
        return method


_TYPES: dict[str, type] = {"int": int, "float": float, "datetime": dt.datetime, "date": dt.date}


def _path_value(parameter: Parameter, value: object) -> str:
    """A path parameter's value, percent-encoded: an id is checked; a datetime is ISO 8601."""
    expected = _TYPES.get(parameter.kind)
    if expected is None:
        text = check_id(parameter.name, value)
    elif isinstance(value, expected) and not isinstance(value, bool):
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
    else:
        raise TypeError(f"{parameter.name} must be a {parameter.kind}, not {type(value).__name__}")
    # Every reserved character is percent-encoded, "/" too; letters and digits need none.
    return text if text.isascii() and text.isalnum() else quote(text, safe="")


def _query_value(name: str, value: object) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [str(_query_value(name, item)) for item in value]
    return check_text(name, value)


def _json(value: object) -> object:
    """A body argument as JSON: models by their to_dict(), datetimes as ISO 8601, enums' values."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(key): _json(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [_json(item) for item in value]
    return value


def _body_json(response: httpx.Response, operation: str) -> Any:
    data, error = json_or_error(response)
    if data is NOT_JSON:
        raise ResponseValidationError(
            operation, f"the body is not JSON ({error})", response=response
        )
    return data


def _model(model: type[M], data: Any, where: str, operation: str, response: httpx.Response) -> M:
    if not isinstance(data, dict):
        raise ResponseValidationError(
            operation,
            f"{where} should be a {model.__name__} object, not {type(data).__name__}",
            response=response,
        )
    try:
        parsed: M = model.from_dict(data)
    except KeyError as error:
        reason = f"{where} ({model.__name__}) lacks the required field {error.args[0]!r}"
        raise ResponseValidationError(operation, reason, response=response) from error
    except (TypeError, ValueError, AttributeError) as error:
        reason = f"{where} ({model.__name__}) does not fit: {error}"
        raise ResponseValidationError(operation, reason, response=response) from error
    return parsed


def parse_one(model: type[M], response: httpx.Response, operation: str) -> M:
    """Parse a body that is one object of `model`."""
    try:
        return _model(model, _body_json(response, operation), "the body", operation, response)
    except Exception as error:
        scrub(error)
        raise


def parse_list(model: type[M], response: httpx.Response, operation: str) -> list[M]:
    """Parse a body that is a JSON array of `model` objects."""
    try:
        return _list(model, response, operation)
    except Exception as error:
        scrub(error)
        raise


def _list(model: type[M], response: httpx.Response, operation: str) -> list[M]:
    data = _body_json(response, operation)
    if not isinstance(data, list):
        raise ResponseValidationError(
            operation, f"the body should be an array, not {type(data).__name__}", response=response
        )
    if all(type(item) is dict for item in data):
        from_dict = model.from_dict  # bound once: this runs for every item of every page
        try:  # the fast path for a page of good items; a failure is located below
            return [from_dict(item) for item in data]
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return [_model(model, item, f"item {i}", operation, response) for i, item in enumerate(data)]


def _page(model: type[M], name: str, response: httpx.Response, cursors: Cursors) -> Page[M]:
    try:
        items = parse_list(model, response, name)
        return page_of(items, response, backward="page_before" in cursors)
    except Exception as error:
        scrub(error)
        raise


class _ResourceBase:
    _settings: Settings

    def _request(
        self,
        endpoint: Endpoint,
        path: tuple[object, ...],
        query: Mapping[str, object],
        headers: Mapping[str, object],
        body: Mapping[str, object] | None = None,
    ) -> RequestArgs:
        """Check and encode a call's arguments (ValueError or TypeError naming the argument)."""
        values = {
            p.wire: _path_value(p, v) for p, v in zip(endpoint.path_parameters, path, strict=True)
        }
        params = {
            wire: check_page_size(value) if wire == "page_size" else _query_value(wire, value)
            for wire, value in query.items()
            if value is not None or wire == "page_size"
        }
        sent = {}
        for wire, value in headers.items():
            if wire == USER_HEADER:
                value = self._settings.user if value is None else check_user(value)
            if value is not None:
                if not is_header_token(check_text(wire, value)):
                    raise ValueError(f"{wire} is not a valid header value: {value!r}")
                sent[wire] = value
        args: RequestArgs = {
            "method": endpoint.http_method,
            "url": endpoint.path.format_map(values),
            "params": params,
            "headers": sent,
        }
        if body is not None:
            args["json"] = {key: _json(v) for key, v in body.items() if v is not NOT_GIVEN}
        return args

    def _first_page(
        self, endpoint: Endpoint, page_after: str | None, page_before: str | None, *call: Any
    ) -> tuple[RequestArgs, Cursors]:
        """The request of a list's first page (the cursors checked as a paginator does)."""
        cursors = PaginatorBase[Any](page_after, page_before).first_cursors()
        return _with_cursors(self._request(endpoint, *call), cursors), cursors


def _with_cursors(args: RequestArgs, cursors: Cursors) -> RequestArgs:
    return {**args, "params": {**args["params"], **cursors}}


class SyncResourceBase(_ResourceBase):
    """A blocking client's resource: sends through its session, under its settings."""

    def __init__(self, session: SyncSession, settings: Settings) -> None:
        self._session = session
        self._settings = settings

    def _send(self, endpoint: Endpoint, *arguments: Any) -> httpx.Response:
        """Send a call: its path values, query, headers and body, as `_request` takes them."""
        return self._session.send(
            self._settings, endpoint.name, self._request(endpoint, *arguments)
        )

    def _list(
        self,
        endpoint: Endpoint,
        model: type[M],
        page_after: str | None,
        page_before: str | None,
        *call: Any,
    ) -> SyncPaginator[M]:
        """A lazy paginator over a list: `call` as `_request` takes it, the cursors apart."""
        args = self._request(endpoint, *call)

        def fetch(cursors: Cursors) -> Page[M]:
            response = self._session.send(
                self._settings, endpoint.name, _with_cursors(args, cursors)
            )
            return _page(model, endpoint.name, response, cursors)

        return SyncPaginator(fetch, page_after=page_after, page_before=page_before)

    def _raw_list(
        self,
        endpoint: Endpoint,
        model: type[M],
        page_after: str | None,
        page_before: str | None,
        *call: Any,
    ) -> RawResponse[Page[M]]:
        """The response of a list's first page; `parse()` gives that Page."""
        args, cursors = self._first_page(endpoint, page_after, page_before, *call)
        response = self._session.send(self._settings, endpoint.name, args)
        return RawResponse(response, lambda: _page(model, endpoint.name, response, cursors))


class AsyncResourceBase(_ResourceBase):
    """An async client's resource: as SyncResourceBase, awaiting its session."""

    def __init__(self, session: AsyncSession, settings: Settings) -> None:
        self._session = session
        self._settings = settings

    async def _send(self, endpoint: Endpoint, *arguments: Any) -> httpx.Response:
        """Send a call: its path values, query, headers and body, as `_request` takes them."""
        return await self._session.send(
            self._settings, endpoint.name, self._request(endpoint, *arguments)
        )

    def _list(
        self,
        endpoint: Endpoint,
        model: type[M],
        page_after: str | None,
        page_before: str | None,
        *call: Any,
    ) -> AsyncPaginator[M]:
        """A lazy paginator over a list: `call` as `_request` takes it, the cursors apart."""
        args = self._request(endpoint, *call)

        async def fetch(cursors: Cursors) -> Page[M]:
            response = await self._session.send(
                self._settings, endpoint.name, _with_cursors(args, cursors)
            )
            return _page(model, endpoint.name, response, cursors)

        return AsyncPaginator(fetch, page_after=page_after, page_before=page_before)

    async def _raw_list(
        self,
        endpoint: Endpoint,
        model: type[M],
        page_after: str | None,
        page_before: str | None,
        *call: Any,
    ) -> RawResponse[Page[M]]:
        """The response of a list's first page; `parse()` gives that Page."""
        args, cursors = self._first_page(endpoint, page_after, page_before, *call)
        response = await self._session.send(self._settings, endpoint.name, args)
        return RawResponse(response, lambda: _page(model, endpoint.name, response, cursors))
