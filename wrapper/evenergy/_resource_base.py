"""What the generated resource classes (`_resources.py`) stand on: endpoints, checks and I/O.

An `Endpoint` is one operation as openapi.yaml describes it; a resource's methods check their
arguments, build the request with the operation's generated builder (typed, in `_resources.py`)
and hand it here. Checking and parsing are shared; the sync and async bases differ only in how
they send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import httpx

from evenergy_openapi.types import UNSET, Unset

from ._base_client import AsyncTransport, RequestArgs, SyncTransport
from ._checks import check_id, check_user
from ._operations import Operation
from ._pagination import AsyncPaginator, Cursors, Page, SyncPaginator, Walk, page_of
from ._parsing import Model, parse_list, parse_one
from ._raw_response import RawResponse
from ._secret import scrub

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Endpoint(Generic[M]):
    """An operation the SDK exposes, with what openapi.yaml says of it."""

    operation: Operation
    model: type[M]
    """What a 2xx answer holds: one, or a page of them for a `list`."""
    path: str
    """The path template under the API root, such as `/evse_sites/{evse_site_id}`."""
    id_parameter: str | None
    """The path parameter of a `get`, such as `evse_site_id`."""
    takes_user: bool
    """Whether the operation reads EvEnergy-User (the `user` argument)."""
    name: str = field(init=False)
    """The operationId, as errors and logs name the call."""

    def __post_init__(self) -> None:
        # Stored, not a property: every request reads it. Frozen, so it is set this way, once.
        object.__setattr__(self, "name", self.operation.operation_id)

    def method_of(self, client: object) -> Callable[..., Any]:
        """The operation's method on a client: `client.<resource>.<method>`."""
        resource = getattr(client, self.operation.resource.attribute)
        method: Callable[..., Any] = getattr(resource, self.operation.method)
        return method


def given(value: str | None) -> str | Unset:
    """A builder's argument: None (not given) is the generated code's UNSET."""
    return UNSET if value is None else value


@dataclass(frozen=True, slots=True)
class ListCall(Generic[M]):
    """One list call, checked: how each page's request is built, and where the walk starts."""

    endpoint: Endpoint[M]
    build: Callable[[Cursors], RequestArgs]
    page_after: str | None
    page_before: str | None

    @classmethod
    def checked(
        cls, endpoint: Endpoint[M], build: Callable[[Cursors], RequestArgs],
        page_after: str | None, page_before: str | None,
    ) -> ListCall[M]:  # fmt: skip
        """Check the starting cursors (each like an id, and not both) before any request."""
        if page_after is not None and page_before is not None:
            raise ValueError("give page_after or page_before, not both: a walk goes one way")
        return cls(
            endpoint, build,
            None if page_after is None else check_id("page_after", page_after),
            None if page_before is None else check_id("page_before", page_before),
        )  # fmt: skip

    @property
    def first_cursors(self) -> Cursors:
        """The cursor argument of the first page's request."""
        return Walk[M](self.page_after, self.page_before).cursors()

    def parse_page(self, response: httpx.Response) -> Page[M]:
        try:
            items = parse_list(self.endpoint.model, response, self.endpoint.name)
            return page_of(items, response, backward=self.page_before is not None)
        except Exception as error:
            scrub(error)
            raise


def _parse_one(endpoint: Endpoint[M], response: httpx.Response) -> M:
    try:
        return parse_one(endpoint.model, response, endpoint.name)
    except Exception as error:
        scrub(error)
        raise


class _ResourceBase:
    def __init__(self, default_user: str | None) -> None:
        self._default_user = given(default_user)

    def _user(self, user: str | None) -> str | Unset:
        """The EvEnergy-User argument: the call's user, else the client's, else none."""
        return self._default_user if user is None else given(check_user(user))


class SyncResourceBase(_ResourceBase):
    """A blocking client's resource: sends through its transport."""

    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    def _get(self, endpoint: Endpoint[M], args: RequestArgs) -> M:
        return _parse_one(endpoint, self._transport.send(endpoint.name, args))

    def _list(self, call: ListCall[M]) -> SyncPaginator[M]:
        def fetch(cursors: Cursors) -> Page[M]:
            return call.parse_page(self._transport.send(call.endpoint.name, call.build(cursors)))

        return SyncPaginator(fetch, page_after=call.page_after, page_before=call.page_before)

    def _raw_list(self, call: ListCall[M]) -> RawResponse[Page[M]]:
        response = self._transport.send(call.endpoint.name, call.build(call.first_cursors))
        return RawResponse(response, lambda: call.parse_page(response))

    def _raw_get(self, endpoint: Endpoint[M], args: RequestArgs) -> RawResponse[M]:
        response = self._transport.send(endpoint.name, args)
        return RawResponse(response, lambda: _parse_one(endpoint, response))


class AsyncResourceBase(_ResourceBase):
    """An async client's resource: as SyncResourceBase, awaiting its transport."""

    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    async def _get(self, endpoint: Endpoint[M], args: RequestArgs) -> M:
        return _parse_one(endpoint, await self._transport.send(endpoint.name, args))

    def _list(self, call: ListCall[M]) -> AsyncPaginator[M]:
        async def fetch(cursors: Cursors) -> Page[M]:
            response = await self._transport.send(call.endpoint.name, call.build(cursors))
            return call.parse_page(response)

        return AsyncPaginator(fetch, page_after=call.page_after, page_before=call.page_before)

    async def _raw_list(self, call: ListCall[M]) -> RawResponse[Page[M]]:
        response = await self._transport.send(call.endpoint.name, call.build(call.first_cursors))
        return RawResponse(response, lambda: call.parse_page(response))

    async def _raw_get(self, endpoint: Endpoint[M], args: RequestArgs) -> RawResponse[M]:
        response = await self._transport.send(endpoint.name, args)
        return RawResponse(response, lambda: _parse_one(endpoint, response))
