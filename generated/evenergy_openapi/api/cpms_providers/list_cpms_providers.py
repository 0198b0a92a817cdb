"""The request of list_cpms_providers: GET /cpms_providers."""

from typing import Any

from ...types import UNSET, Unset


def build_request(
    *,
    page_size: int | Unset = 25,
    page_after: str | Unset = UNSET,
    page_before: str | Unset = UNSET,
    ev_energy_version: str | Unset = UNSET,
) -> dict[str, Any]:
    """Method, URL path, query parameters and headers of the request, as openapi.yaml says."""
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
