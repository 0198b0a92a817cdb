"""The request of get_evse_site: GET /evse_sites/{evse_site_id}."""

from typing import Any
from urllib.parse import quote

from ...types import UNSET, Unset


def build_request(
    evse_site_id: str,
    *,
    ev_energy_version: str | Unset = UNSET,
    ev_energy_user: str | Unset = UNSET,
) -> dict[str, Any]:
    """Method, URL path, query parameters and headers of the request, as openapi.yaml says."""
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
