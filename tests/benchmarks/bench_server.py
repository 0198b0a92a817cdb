"""A fast local stand-in for the API, for the benchmarks (Prism is too slow to measure against).

Run with uvicorn. The first path segment is the size of the data set, so one server serves every
benchmark: http://127.0.0.1:PORT/20000/v2/evse_sites lists 20,000 sites. Bodies are rendered once
and cached, so the server spends as little time per request as it can.
"""

from __future__ import annotations

import json
from functools import lru_cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ID_DIGITS = 26
HEADERS = {
    "EvEnergy-Version": "2",
    "X-RateLimit-Limit": "1000000",
    "X-RateLimit-Remaining": "999999",
}


def site_id(index: int) -> str:
    return f"site{index:0{ID_DIGITS}d}"


def site(index: int) -> dict[str, object]:
    identifier = site_id(index)
    return {
        "id": identifier,
        "url": f"https://api.ev.energy/v2/evse_sites/{identifier}",
        "evses": [f"https://api.ev.energy/v2/evses/evse{index:0{ID_DIGITS}d}"],
        "cpms_connection": "CHARGEPOINT" if index % 2 else None,
        "cpms_connection_display_name": "ChargePoint" if index % 2 else None,
        "user_connected": None,
    }


@lru_cache(maxsize=4096)
def page_body(total: int, start: int, size: int) -> bytes:
    return json.dumps([site(i) for i in range(start, min(start + size, total))]).encode()


@lru_cache(maxsize=4096)
def site_body(index: int) -> bytes:
    return json.dumps(site(index)).encode()


async def list_sites(request: Request) -> Response:
    total = int(request.path_params["total"])
    size = int(request.query_params.get("page_size", "25"))
    after = request.query_params.get("page_after")
    start = int(after.removeprefix("site")) + 1 if after else 0
    end = min(start + size, total)
    prefix = f"/{total}/v2/evse_sites?page_size={size}&page_after="
    next_link = f"<{prefix}{site_id(end - 1)}>" if end < total else "<about:blank>"
    headers = {**HEADERS, "Link": f'<about:blank>; rel="previous", {next_link}; rel="next"'}
    return Response(page_body(total, start, size), media_type="application/json", headers=headers)


async def get_site(request: Request) -> Response:
    index = int(request.path_params["site_id"].removeprefix("site"))
    return Response(site_body(index), media_type="application/json", headers=HEADERS)


app = Starlette(
    routes=[
        Route("/{total:int}/v2/evse_sites", list_sites),
        Route("/{total:int}/v2/evse_sites/{site_id}", get_site),
    ]
)
