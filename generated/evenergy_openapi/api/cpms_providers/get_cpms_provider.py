"""The request of get_cpms_provider: GET /cpms_providers/{cpms_provider_id}."""

from typing import Any
from urllib.parse import quote

from ...types import UNSET, Unset


def build_request(
    cpms_provider_id: str,
    *,
    ev_energy_version: str | Unset = UNSET,
) -> dict[str, Any]:
    """Method, URL path, query parameters and headers of the request, as openapi.yaml says."""
    headers: dict[str, Any] = {}
    if not isinstance(ev_energy_version, Unset):
        headers["EvEnergy-Version"] = ev_energy_version

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/cpms_providers/{cpms_provider_id}".format(
            cpms_provider_id=quote(str(cpms_provider_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs
