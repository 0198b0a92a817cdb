"""A minimal stand-in for the API, for the benchmarks: it must cost as little as possible.

A bare asyncio server (HTTP/1.1 keep-alive) that answers every request from pre-rendered bytes:
each distinct request target is rendered once, then served from a cache, so the server's own
share of a measurement is a read, a dictionary look-up and a write. The runner measures that
share too, with a bare socket client that sends the same requests and only reads the bytes.

The first path segment is the size of the data set, so one server serves every benchmark:
/20000/v2/evse_sites?page_size=100 lists 20,000 sites, /100/v2/evse_sites/{id} gets one.

    python bench_server.py --port 8123
"""

from __future__ import annotations

import argparse
import asyncio
import json
from functools import cache
from urllib.parse import parse_qs, urlsplit

ID_DIGITS = 26
HEADERS = (
    b"Content-Type: application/json\r\nEvEnergy-Version: 2\r\n"
    b"X-RateLimit-Limit: 1000000\r\nX-RateLimit-Remaining: 999999\r\n"
)


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


def response(status: str, body: bytes, extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\n{extra}".encode()
    return head + HEADERS + b"\r\n" + body


@cache
def answer(target: bytes) -> bytes:
    """The whole response to one request target, rendered once."""
    url = urlsplit(target.decode())
    parts = url.path.strip("/").split("/")  # total, "v2", "evse_sites"[, id]
    total = int(parts[0])
    if len(parts) == 4:
        return response("200 OK", json.dumps(site(int(parts[3].removeprefix("site")))).encode())
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
    link = f'Link: <about:blank>; rel="previous", {following}; rel="next"\r\n'
    return response("200 OK", body, link)


async def serve_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")  # GET requests: no body to read
            target = head.split(b" ", 2)[1]
            writer.write(answer(target))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int) -> None:
    server = await asyncio.start_server(serve_connection, "127.0.0.1", port, backlog=256)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    asyncio.run(main(parser.parse_args().port))
