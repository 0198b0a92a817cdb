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

    # A path parameter is percent-encoded, "/" too; an id of ASCII letters and digits (the
    # usual case) is left as it is, as quote() would leave it, without quote()'s cost.
    _evse_site_id = str(evse_site_id)
    if not (_evse_site_id.isascii() and _evse_site_id.isalnum()):
        _evse_site_id = quote(_evse_site_id, safe="")

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": f"/evse_sites/{_evse_site_id}",
    }

    _kwargs["headers"] = headers
    return _kwargs
