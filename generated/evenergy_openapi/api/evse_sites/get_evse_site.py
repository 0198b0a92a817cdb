from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.evse_site import EVSESite
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    evse_site_id: str,
    *,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(ev_energy_version, Unset):
        headers["EvEnergy-Version"] = ev_energy_version

    if not isinstance(ev_energy_user, Unset):
        headers["EvEnergy-User"] = ev_energy_user

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/evse_sites/{evse_site_id}".format(
            evse_site_id=quote(str(evse_site_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EVSESite | Problem | None:
    if response.status_code == 200:
        response_200 = EVSESite.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[EVSESite | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    evse_site_id: str,
    *,
    client: AuthenticatedClient,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> Response[EVSESite | Problem]:
    """Retrieve an EVSE site

     Retrieves one EVSE site by its id.

    Args:
        evse_site_id (str):
        ev_energy_version (str | Unset):
        ev_energy_user (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EVSESite | Problem]
    """

    kwargs = _get_kwargs(
        evse_site_id=evse_site_id,
        ev_energy_version=ev_energy_version,
        ev_energy_user=ev_energy_user,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    evse_site_id: str,
    *,
    client: AuthenticatedClient,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> EVSESite | Problem | None:
    """Retrieve an EVSE site

     Retrieves one EVSE site by its id.

    Args:
        evse_site_id (str):
        ev_energy_version (str | Unset):
        ev_energy_user (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EVSESite | Problem
    """

    return sync_detailed(
        evse_site_id=evse_site_id,
        client=client,
        ev_energy_version=ev_energy_version,
        ev_energy_user=ev_energy_user,
    ).parsed


async def asyncio_detailed(
    evse_site_id: str,
    *,
    client: AuthenticatedClient,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> Response[EVSESite | Problem]:
    """Retrieve an EVSE site

     Retrieves one EVSE site by its id.

    Args:
        evse_site_id (str):
        ev_energy_version (str | Unset):
        ev_energy_user (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EVSESite | Problem]
    """

    kwargs = _get_kwargs(
        evse_site_id=evse_site_id,
        ev_energy_version=ev_energy_version,
        ev_energy_user=ev_energy_user,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    evse_site_id: str,
    *,
    client: AuthenticatedClient,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> EVSESite | Problem | None:
    """Retrieve an EVSE site

     Retrieves one EVSE site by its id.

    Args:
        evse_site_id (str):
        ev_energy_version (str | Unset):
        ev_energy_user (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EVSESite | Problem
    """

    return (
        await asyncio_detailed(
            evse_site_id=evse_site_id,
            client=client,
            ev_energy_version=ev_energy_version,
            ev_energy_user=ev_energy_user,
        )
    ).parsed
