from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.cpms_provider import CPMSProvider
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(ev_energy_version, Unset):
        headers["EvEnergy-Version"] = ev_energy_version

    params: dict[str, Any] = {}

    params["page_size"] = page_size

    params["page_after"] = page_after

    params["page_before"] = page_before

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cpms_providers",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[CPMSProvider] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = CPMSProvider.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 406:
        response_406 = Problem.from_dict(response.json())

        return response_406

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[CPMSProvider]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> Response[Problem | list[CPMSProvider]]:
    """List CPMS providers

     Lists the charge-point management systems that ev.energy integrates with.

    Args:
        page_size (int | Unset):  Default: 25.
        page_after (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        page_before (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        ev_energy_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[CPMSProvider]]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        page_after=page_after,
        page_before=page_before,
        ev_energy_version=ev_energy_version,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> Problem | list[CPMSProvider] | None:
    """List CPMS providers

     Lists the charge-point management systems that ev.energy integrates with.

    Args:
        page_size (int | Unset):  Default: 25.
        page_after (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        page_before (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        ev_energy_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[CPMSProvider]
    """

    return sync_detailed(
        client=client,
        page_size=page_size,
        page_after=page_after,
        page_before=page_before,
        ev_energy_version=ev_energy_version,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> Response[Problem | list[CPMSProvider]]:
    """List CPMS providers

     Lists the charge-point management systems that ev.energy integrates with.

    Args:
        page_size (int | Unset):  Default: 25.
        page_after (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        page_before (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        ev_energy_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[CPMSProvider]]
    """

    kwargs = _get_kwargs(
        page_size=page_size,
        page_after=page_after,
        page_before=page_before,
        ev_energy_version=ev_energy_version,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> Problem | list[CPMSProvider] | None:
    """List CPMS providers

     Lists the charge-point management systems that ev.energy integrates with.

    Args:
        page_size (int | Unset):  Default: 25.
        page_after (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        page_before (str | Unset): Id of the item a page starts after or ends before, as found in
            the Link header.
        ev_energy_version (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[CPMSProvider]
    """

    return (
        await asyncio_detailed(
            client=client,
            page_size=page_size,
            page_after=page_after,
            page_before=page_before,
            ev_energy_version=ev_energy_version,
        )
    ).parsed
