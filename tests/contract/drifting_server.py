"""A small local ev.energy API that follows openapi.yaml, or drifts from it in one chosen way."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SITES = [
    {
        "id": f"site{n:026d}",
        "url": f"https://api.ev.energy/v2/evse_sites/site{n:026d}",
        "evses": [f"https://api.ev.energy/v2/evses/evse{n:026d}"],
        "cpms_connection": "CHARGEPOINT",
        "cpms_connection_display_name": "ChargePoint",
        "user_connected": None,
    }
    for n in (1, 2)
]
PROVIDERS = [
    {
        "id": "CHARGEPOINT",
        "url": "https://api.ev.energy/v2/cpms_providers/CHARGEPOINT/",
        "name": "ChargePoint",
        "icon": None,
    },
]
LAST_PAGE = '<about:blank>; rel="previous", <about:blank>; rel="next"'

DRIFTS = {
    "missing_field": "GET /evse_sites answers sites without their required url",
    "wrong_type": "GET /evse_sites/{evse_site_id} answers evses as a string",
    "undeclared_status": "GET /cpms_providers answers 418, which the spec does not declare",
    "sdk_unreadable": "GET /cpms_providers links a next page without a page_after cursor",
}


class _Handler(BaseHTTPRequestHandler):
    drift: str | None = None

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, extra: dict[str, str] | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        kind = "application/json" if status < 400 else "application/problem+json"
        headers = {
            "Content-Type": kind,
            "Content-Length": str(len(payload)),
            "EvEnergy-Version": "2",
            "X-RateLimit-Limit": "1000",
            "X-RateLimit-Remaining": "999",
            **(extra or {}),
        }
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _problem(self, status: int, title: str) -> None:
        self._send(status, {"title": title, "status": status, "detail": f"{title}."})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._problem(401, "Unauthorized")
        drift = self.drift
        if path == "/evse_sites":
            sites = SITES
            if drift == "missing_field":
                sites = [{k: v for k, v in s.items() if k != "url"} for s in SITES]
            return self._send(200, sites, {"Link": LAST_PAGE})
        if path.startswith("/evse_sites/"):
            found = [s for s in SITES if s["id"] == path.rsplit("/", 1)[1]]
            if not found:
                return self._problem(404, "Not found")
            site = {**found[0], "evses": "none"} if drift == "wrong_type" else found[0]
            return self._send(200, site)
        if path == "/cpms_providers":
            if drift == "undeclared_status":
                return self._problem(418, "I'm a teapot")
            link = LAST_PAGE
            if drift == "sdk_unreadable":
                link = '<about:blank>; rel="previous", </cpms_providers?page=2>; rel="next"'
            return self._send(200, PROVIDERS, {"Link": link})
        if path.startswith("/cpms_providers/"):
            known = [p for p in PROVIDERS if p["id"] == path.rsplit("/", 1)[1]]
            return self._send(200, known[0]) if known else self._problem(404, "Not found")
        return self._problem(404, "Not found")


@contextmanager
def serving(drift: str | None) -> Iterator[str]:
    """Serve the API on a free loopback port, drifting as `drift` says; yield its base URL."""
    handler = type("Handler", (_Handler,), {"drift": drift})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
