"""The API's resources (`client.evse_sites`, `client.cpms_providers`), sync and async.

Each operation is described once as an `_Endpoint` (the generated request builder, the model and
the operation's name); checking arguments and building requests is shared, and the sync and async
resources differ only in how they send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

import httpx

from evenergy_openapi.api.cpms_providers import get_cpms_provider, list_cpms_providers
from evenergy_openapi.api.evse_sites import get_evse_site, list_evse_sites
from evenergy_openapi.models import CPMSProvider, EVSESite
from evenergy_openapi.types import UNSET, Unset

from ._base_client import AsyncTransport, RequestArgs, SyncTransport
from ._checks import check_id, check_page_size, check_user
from ._pagination import AsyncPaginator, Cursors, Page, SyncPaginator, page_of
from ._parsing import Model, parse_list, parse_one
from ._raw_response import RawResponse
from ._secret import scrubbed

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class _Endpoint(Generic[M]):
    name: str
    model: type[M]


# The generated modules' `build_request` functions turn arguments into method, path, query and
# headers exactly as openapi.yaml says, with typed signatures; the SDK sends the request itself
# so that authentication, retries and errors are handled in one place (see _base_client).
_LIST_SITES = _Endpoint("list_evse_sites", EVSESite)
_GET_SITE = _Endpoint("get_evse_site", EVSESite)
_LIST_PROVIDERS = _Endpoint("list_cpms_providers", CPMSProvider)
_GET_PROVIDER = _Endpoint("get_cpms_provider", CPMSProvider)


def _given(value: str | None) -> str | Unset:
    """A builder's argument: None (not given) is the generated code's UNSET."""
    return UNSET if value is None else value


def _walk_start(page_after: str | None, page_before: str | None) -> dict[str, str | None]:
    """Check a list's starting cursors: each like an id, and not both."""
    if page_after is not None and page_before is not None:
        raise ValueError("give page_after or page_before, not both: a walk goes one way")
    return {
        "page_after": None if page_after is None else check_id("page_after", page_after),
        "page_before": None if page_before is None else check_id("page_before", page_before),
    }


@dataclass(frozen=True, slots=True)
class _ListCall(Generic[M]):
    """One list call, checked: how each page's request is built, and where the walk starts."""

    endpoint: _Endpoint[M]
    build: Callable[[Cursors], RequestArgs]
    page_after: str | None
    page_before: str | None

    @property
    def first_cursors(self) -> Cursors:
        if self.page_before is not None:
            return {"page_before": self.page_before}
        return {} if self.page_after is None else {"page_after": self.page_after}

    def parse_page(self, response: httpx.Response) -> Page[M]:
        with scrubbed:
            items = parse_list(self.endpoint.model, response, self.endpoint.name)
            return page_of(items, response, backward=self.page_before is not None)


class _Resource:
    def __init__(self, default_user: str | None) -> None:
        self._default_user = default_user

    def _user(self, user: str | None) -> str | Unset:
        """The EvEnergy-User argument: the call's user, else the client's, else none."""
        return _given(check_user(user) if user is not None else self._default_user)

    def _site_list(
        self, page_size: int | None, user: str | None, page_after: str | None,
        page_before: str | None,
    ) -> _ListCall[EVSESite]:  # fmt: skip
        start = _walk_start(page_after, page_before)
        size, ev_energy_user = check_page_size(page_size), self._user(user)

        def build(cursors: Cursors) -> RequestArgs:
            return list_evse_sites.build_request(
                page_size=size, ev_energy_user=ev_energy_user,
                page_after=_given(cursors.get("page_after")),
                page_before=_given(cursors.get("page_before")),
            )  # fmt: skip

        return _ListCall(_LIST_SITES, build, **start)

    def _site_get(self, evse_site_id: str, user: str | None) -> RequestArgs:
        return get_evse_site.build_request(
            evse_site_id=check_id("evse_site_id", evse_site_id), ev_energy_user=self._user(user)
        )

    @staticmethod
    def _provider_list(
        page_size: int | None, page_after: str | None, page_before: str | None
    ) -> _ListCall[CPMSProvider]:
        start = _walk_start(page_after, page_before)
        size = check_page_size(page_size)

        def build(cursors: Cursors) -> RequestArgs:
            return list_cpms_providers.build_request(
                page_size=size,
                page_after=_given(cursors.get("page_after")),
                page_before=_given(cursors.get("page_before")),
            )

        return _ListCall(_LIST_PROVIDERS, build, **start)

    @staticmethod
    def _provider_get(cpms_provider_id: str) -> RequestArgs:
        return get_cpms_provider.build_request(
            cpms_provider_id=check_id("cpms_provider_id", cpms_provider_id)
        )


def _parse_one(endpoint: _Endpoint[M], response: httpx.Response) -> M:
    with scrubbed:
        return parse_one(endpoint.model, response, endpoint.name)


class _SyncResource(_Resource):
    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    def _send(self, endpoint: _Endpoint[M], args: RequestArgs) -> httpx.Response:
        return self._transport.send(endpoint.name, args)

    def _list(self, call: _ListCall[M]) -> SyncPaginator[M]:
        def fetch(cursors: Cursors) -> Page[M]:
            return call.parse_page(self._send(call.endpoint, call.build(cursors)))

        return SyncPaginator(fetch, page_after=call.page_after, page_before=call.page_before)

    def _raw_list(self, call: _ListCall[M]) -> RawResponse[Page[M]]:
        response = self._send(call.endpoint, call.build(call.first_cursors))
        return RawResponse(response, lambda: call.parse_page(response))

    def _raw_get(self, endpoint: _Endpoint[M], args: RequestArgs) -> RawResponse[M]:
        response = self._send(endpoint, args)
        return RawResponse(response, lambda: _parse_one(endpoint, response))


class _AsyncResource(_Resource):
    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    async def _send(self, endpoint: _Endpoint[M], args: RequestArgs) -> httpx.Response:
        return await self._transport.send(endpoint.name, args)

    def _list(self, call: _ListCall[M]) -> AsyncPaginator[M]:
        async def fetch(cursors: Cursors) -> Page[M]:
            return call.parse_page(await self._send(call.endpoint, call.build(cursors)))

        return AsyncPaginator(fetch, page_after=call.page_after, page_before=call.page_before)

    async def _raw_list(self, call: _ListCall[M]) -> RawResponse[Page[M]]:
        response = await self._send(call.endpoint, call.build(call.first_cursors))
        return RawResponse(response, lambda: call.parse_page(response))

    async def _raw_get(self, endpoint: _Endpoint[M], args: RequestArgs) -> RawResponse[M]:
        response = await self._send(endpoint, args)
        return RawResponse(response, lambda: _parse_one(endpoint, response))


class EvseSites(_SyncResource):
    """EVSE sites: places with one or more EVSEs that several users can charge at."""

    def list(
        self,
        *,
        page_size: int | None = None,
        user: str | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> SyncPaginator[EVSESite]:
        """Iterate over EVSE sites lazily, page by page (see `SyncPaginator`).

        `page_size` is the number of sites per request, 1 to 100; by default the largest the API
        allows (100), which spends the least of the hourly rate-limit budget. A value outside
        1..100 raises ValueError here, before any request. `user` (a user id or URL) overrides the
        client's EvEnergy-User for every page.

        The walk starts at the first site, or after the site whose id is `page_after`: to resume
        an interrupted walk, pass the id of the last site you processed. With `page_before` it
        walks backward from the site before that id, yielding sites in reverse order. Both are
        checked like ids, and giving both is a ValueError, before any request. An error raised
        while fetching a page has `page_after` or `page_before` set to that page's cursor.
        """
        return self._list(self._site_list(page_size, user, page_after, page_before))

    def get(self, evse_site_id: str, *, user: str | None = None) -> EVSESite:
        """Retrieve one EVSE site by id; `user` overrides the client's EvEnergy-User."""
        return _parse_one(_GET_SITE, self._send(_GET_SITE, self._site_get(evse_site_id, user)))

    @cached_property
    def with_raw_response(self) -> EvseSitesWithRawResponse:
        """The same operations, returning the raw response (headers, status) of each call."""
        return EvseSitesWithRawResponse(self)


class EvseSitesWithRawResponse:
    """`client.evse_sites.with_raw_response`: each call returns a RawResponse to `parse()`."""

    def __init__(self, sites: EvseSites) -> None:
        self._sites = sites

    def list(
        self,
        *,
        page_size: int | None = None,
        user: str | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> RawResponse[Page[EVSESite]]:
        """The response of the list's first page; `parse()` gives that Page."""
        return self._sites._raw_list(
            self._sites._site_list(page_size, user, page_after, page_before)
        )

    def get(self, evse_site_id: str, *, user: str | None = None) -> RawResponse[EVSESite]:
        """The response of `get`; `parse()` gives the EVSESite."""
        return self._sites._raw_get(_GET_SITE, self._sites._site_get(evse_site_id, user))


class CpmsProviders(_SyncResource):
    """CPMS providers: the charge-point management systems ev.energy integrates with."""

    def list(
        self,
        *,
        page_size: int | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> SyncPaginator[CPMSProvider]:
        """Iterate over CPMS providers lazily, page by page (see `SyncPaginator`).

        `page_size`, `page_after` and `page_before` are as for `EvseSites.list`; a provider's
        cursor is its code (such as "CHARGEPOINT").
        """
        return self._list(self._provider_list(page_size, page_after, page_before))

    def get(self, cpms_provider_id: str) -> CPMSProvider:
        """Retrieve one CPMS provider by its code (such as "CHARGEPOINT"), known or new."""
        args = self._provider_get(cpms_provider_id)
        return _parse_one(_GET_PROVIDER, self._send(_GET_PROVIDER, args))

    @cached_property
    def with_raw_response(self) -> CpmsProvidersWithRawResponse:
        """The same operations, returning the raw response (headers, status) of each call."""
        return CpmsProvidersWithRawResponse(self)


class CpmsProvidersWithRawResponse:
    """`client.cpms_providers.with_raw_response`: each call returns a RawResponse."""

    def __init__(self, providers: CpmsProviders) -> None:
        self._providers = providers

    def list(
        self,
        *,
        page_size: int | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> RawResponse[Page[CPMSProvider]]:
        """The response of the list's first page; `parse()` gives that Page."""
        call = self._providers._provider_list(page_size, page_after, page_before)
        return self._providers._raw_list(call)

    def get(self, cpms_provider_id: str) -> RawResponse[CPMSProvider]:
        """The response of `get`; `parse()` gives the CPMSProvider."""
        args = self._providers._provider_get(cpms_provider_id)
        return self._providers._raw_get(_GET_PROVIDER, args)


class AsyncEvseSites(_AsyncResource):
    """EVSE sites: places with one or more EVSEs that several users can charge at."""

    def list(
        self,
        *,
        page_size: int | None = None,
        user: str | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> AsyncPaginator[EVSESite]:
        """Iterate (`async for`) over EVSE sites lazily; as `EvseSites.list`."""
        return self._list(self._site_list(page_size, user, page_after, page_before))

    async def get(self, evse_site_id: str, *, user: str | None = None) -> EVSESite:
        """Retrieve one EVSE site by id; as `EvseSites.get`."""
        args = self._site_get(evse_site_id, user)
        return _parse_one(_GET_SITE, await self._send(_GET_SITE, args))

    @cached_property
    def with_raw_response(self) -> AsyncEvseSitesWithRawResponse:
        """The same operations, returning the raw response (headers, status) of each call."""
        return AsyncEvseSitesWithRawResponse(self)


class AsyncEvseSitesWithRawResponse:
    """`client.evse_sites.with_raw_response` of AsyncEvEnergy; as EvseSitesWithRawResponse."""

    def __init__(self, sites: AsyncEvseSites) -> None:
        self._sites = sites

    async def list(
        self,
        *,
        page_size: int | None = None,
        user: str | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> RawResponse[Page[EVSESite]]:
        """The response of the list's first page; `parse()` gives that Page."""
        return await self._sites._raw_list(
            self._sites._site_list(page_size, user, page_after, page_before)
        )

    async def get(self, evse_site_id: str, *, user: str | None = None) -> RawResponse[EVSESite]:
        """The response of `get`; `parse()` gives the EVSESite."""
        return await self._sites._raw_get(_GET_SITE, self._sites._site_get(evse_site_id, user))


class AsyncCpmsProviders(_AsyncResource):
    """CPMS providers: the charge-point management systems ev.energy integrates with."""

    def list(
        self,
        *,
        page_size: int | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> AsyncPaginator[CPMSProvider]:
        """Iterate (`async for`) over CPMS providers lazily; as `CpmsProviders.list`."""
        return self._list(self._provider_list(page_size, page_after, page_before))

    async def get(self, cpms_provider_id: str) -> CPMSProvider:
        """Retrieve one CPMS provider by its code; as `CpmsProviders.get`."""
        args = self._provider_get(cpms_provider_id)
        return _parse_one(_GET_PROVIDER, await self._send(_GET_PROVIDER, args))

    @cached_property
    def with_raw_response(self) -> AsyncCpmsProvidersWithRawResponse:
        """The same operations, returning the raw response (headers, status) of each call."""
        return AsyncCpmsProvidersWithRawResponse(self)


class AsyncCpmsProvidersWithRawResponse:
    """`client.cpms_providers.with_raw_response` of AsyncEvEnergy; as the sync one."""

    def __init__(self, providers: AsyncCpmsProviders) -> None:
        self._providers = providers

    async def list(
        self,
        *,
        page_size: int | None = None,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> RawResponse[Page[CPMSProvider]]:
        """The response of the list's first page; `parse()` gives that Page."""
        call = self._providers._provider_list(page_size, page_after, page_before)
        return await self._providers._raw_list(call)

    async def get(self, cpms_provider_id: str) -> RawResponse[CPMSProvider]:
        """The response of `get`; `parse()` gives the CPMSProvider."""
        args = self._providers._provider_get(cpms_provider_id)
        return await self._providers._raw_get(_GET_PROVIDER, args)
