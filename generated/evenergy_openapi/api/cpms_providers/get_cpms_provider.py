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

    # A path parameter is percent-encoded, "/" too; an id of ASCII letters and digits (the
    # usual case) is left as it is, as quote() would leave it, without quote()'s cost.
    _cpms_provider_id = str(cpms_provider_id)
    if not (_cpms_provider_id.isascii() and _cpms_provider_id.isalnum()):
        _cpms_provider_id = quote(_cpms_provider_id, safe="")

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": f"/cpms_providers/{_cpms_provider_id}",
    }

    _kwargs["headers"] = headers
    return _kwargs
