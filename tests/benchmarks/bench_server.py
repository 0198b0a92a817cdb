"""A minimal stand-in for the API, for the benchmarks: it must cost as little as possible.

tests/loopback.py's server (HTTP/1.1 keep-alive), in a process of its own so that it takes no
time from the client being measured, answering every request from a reply rendered once per
request target: after the first, the server's own share of a request is reading it, a cache
look-up and a write. The runner measures that share too, with a bare socket client that sends
the same requests and only reads the bytes.

The first path segment is the size of the data set, so one server serves every benchmark:
/20000/v2/evse_sites?page_size=100 lists 20,000 sites, /100/v2/evse_sites/{id} gets one.

    PYTHONPATH=tests python tests/benchmarks/bench_server.py

prints the server's URL, and serves until its standard input ends.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from urllib.parse import parse_qs, urlsplit

from loopback import Received, Reply, serving

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


@cache
def answer(target: str) -> Reply:
    """The reply to one request target, rendered once."""
    url = urlsplit(target)
    parts = url.path.strip("/").split("/")  # total, "v2", "evse_sites"[, id]
    total = int(parts[0])
    if len(parts) == 4:
        body = json.dumps(site(int(parts[3].removeprefix("site")))).encode()
        return Reply(body=body, headers=HEADERS)
    query = parse_qs(url.query)
    size = int(query.get("page_size", ["25"])[0])
    after = query.get("page_after", [""])[0]
    start = int(after.removeprefix("site")) + 1 if after else 0
    end = min(start + size, total)
    body = json.dumps([site(i) for i in range(start, end)]).encode()
    following = (
        f"</{total}/v2/evse_sites?page_size={size}&page_after={site_id(end - 1)}>"
        if end < total
        else "<about:blank>"
    )
    link = f'<about:blank>; rel="previous", {following}; rel="next"'
    return Reply(body=body, headers={**HEADERS, "Link": link})


def route(request: Received) -> Reply:
    return answer(request.path)


if __name__ == "__main__":
    with serving(route) as server:
        print(server.url, flush=True)
        sys.stdin.read()  # the runner closes it to stop the server
