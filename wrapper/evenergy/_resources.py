"""The API's resources (`client.evse_sites`, `client.cpms_providers`), sync and async.

Each operation is described once as an `_Endpoint` (the generated request builder, the model and
the operation's name); checking arguments and building requests is shared, and the sync and async
resources differ only in how they send.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from evenergy_openapi.api.cpms_providers import get_cpms_provider, list_cpms_providers
from evenergy_openapi.api.evse_sites import get_evse_site, list_evse_sites
from evenergy_openapi.models import CPMSProvider, EVSESite

from ._base_client import AsyncTransport, RequestArgs, SyncTransport
from ._checks import check_id, check_page_size, check_user
from ._pagination import AsyncPaginator, Cursors, Fetched, SyncPaginator
from ._parsing import Model, parse_list, parse_one
from ._secret import scrubbed

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class _Endpoint(Generic[M]):
    name: str
    build: Callable[..., RequestArgs]  # the generated module's request builder
    model: type[M]


# The generated modules' request builders (`_get_kwargs`) turn arguments into method, path,
# query and headers exactly as openapi.yaml says; the SDK sends the request itself so that
# authentication, retries and errors are handled in one place (see _base_client).
_LIST_SITES = _Endpoint("list_evse_sites", list_evse_sites._get_kwargs, EVSESite)
_GET_SITE = _Endpoint("get_evse_site", get_evse_site._get_kwargs, EVSESite)
_LIST_PROVIDERS = _Endpoint("list_cpms_providers", list_cpms_providers._get_kwargs, CPMSProvider)
_GET_PROVIDER = _Endpoint("get_cpms_provider", get_cpms_provider._get_kwargs, CPMSProvider)


def _walk_start(page_after: str | None, page_before: str | None) -> dict[str, str | None]:
    """Check a list's starting cursors: each like an id, and not both."""
    if page_after is not None and page_before is not None:
        raise ValueError("give page_after or page_before, not both: a walk goes one way")
    return {
        "page_after": None if page_after is None else check_id("page_after", page_after),
        "page_before": None if page_before is None else check_id("page_before", page_before),
    }


class _Resource:
    def __init__(self, default_user: str | None) -> None:
        self._default_user = default_user

    def _user(self, user: str | None) -> dict[str, Any]:
        """The EvEnergy-User argument: the call's user, else the client's, else none."""
        chosen = check_user(user) if user is not None else self._default_user
        return {} if chosen is None else {"ev_energy_user": chosen}


class _SyncResource(_Resource):
    def __init__(self, transport: SyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    def _list(
        self, endpoint: _Endpoint[M], page_size: int | None, extra: dict[str, Any],
        page_after: str | None, page_before: str | None,
    ) -> SyncPaginator[M]:  # fmt: skip
        start = _walk_start(page_after, page_before)
        args = {"page_size": check_page_size(page_size), **extra}

        def fetch(cursors: Cursors) -> Fetched[M]:
            response = self._transport.send(endpoint.name, endpoint.build(**args, **cursors))
            return parse_list(endpoint.model, response, endpoint.name), response

        return SyncPaginator(fetch, **start)

    def _get(self, endpoint: _Endpoint[M], args: dict[str, Any]) -> M:
        response = self._transport.send(endpoint.name, endpoint.build(**args))
        with scrubbed():
            return parse_one(endpoint.model, response, endpoint.name)


class _AsyncResource(_Resource):
    def __init__(self, transport: AsyncTransport) -> None:
        super().__init__(transport.core.settings.user)
        self._transport = transport

    def _list(
        self, endpoint: _Endpoint[M], page_size: int | None, extra: dict[str, Any],
        page_after: str | None, page_before: str | None,
    ) -> AsyncPaginator[M]:  # fmt: skip
        start = _walk_start(page_after, page_before)
        args = {"page_size": check_page_size(page_size), **extra}

        async def fetch(cursors: Cursors) -> Fetched[M]:
            response = await self._transport.send(endpoint.name, endpoint.build(**args, **cursors))
            return parse_list(endpoint.model, response, endpoint.name), response

        return AsyncPaginator(fetch, **start)

    async def _get(self, endpoint: _Endpoint[M], args: dict[str, Any]) -> M:
        response = await self._transport.send(endpoint.name, endpoint.build(**args))
        with scrubbed():
            return parse_one(endpoint.model, response, endpoint.name)


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
        cursors = {"page_after": page_after, "page_before": page_before}
        return self._list(_LIST_SITES, page_size, self._user(user), **cursors)

    def get(self, evse_site_id: str, *, user: str | None = None) -> EVSESite:
        """Retrieve one EVSE site by id; `user` overrides the client's EvEnergy-User."""
        path = {"evse_site_id": check_id("evse_site_id", evse_site_id)}
        return self._get(_GET_SITE, {**path, **self._user(user)})


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
        cursors = {"page_after": page_after, "page_before": page_before}
        return self._list(_LIST_PROVIDERS, page_size, {}, **cursors)

    def get(self, cpms_provider_id: str) -> CPMSProvider:
        """Retrieve one CPMS provider by its code (such as "CHARGEPOINT"), known or new."""
        path = {"cpms_provider_id": check_id("cpms_provider_id", cpms_provider_id)}
        return self._get(_GET_PROVIDER, path)


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
        cursors = {"page_after": page_after, "page_before": page_before}
        return self._list(_LIST_SITES, page_size, self._user(user), **cursors)

    async def get(self, evse_site_id: str, *, user: str | None = None) -> EVSESite:
        """Retrieve one EVSE site by id; as `EvseSites.get`."""
        path = {"evse_site_id": check_id("evse_site_id", evse_site_id)}
        return await self._get(_GET_SITE, {**path, **self._user(user)})


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
        cursors = {"page_after": page_after, "page_before": page_before}
        return self._list(_LIST_PROVIDERS, page_size, {}, **cursors)

    async def get(self, cpms_provider_id: str) -> CPMSProvider:
        """Retrieve one CPMS provider by its code; as `CpmsProviders.get`."""
        path = {"cpms_provider_id": check_id("cpms_provider_id", cpms_provider_id)}
        return await self._get(_GET_PROVIDER, path)
