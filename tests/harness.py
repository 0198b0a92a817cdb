"""Test data and the `Sdk` harness that drives either client through one blocking interface."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

from evenergy import AsyncEvEnergy, AsyncPaginator, EvEnergy, Page, SyncPaginator

BASE_URL = "https://api.test/v2"
TOKEN_URL = "https://auth.test/o/token/"
SITE_ID = "site01JX2SZ0WAFTDYVYY0JRAYREY7"
ACCESS_TOKEN = "tok-live-4f1c2a9e8b7d6c5a"
CLIENT_SECRET = "cs-9b8a7c6d5e4f3a2b1c0d"

Client = EvEnergy | AsyncEvEnergy


def site(number: int, **changes: Any) -> dict[str, Any]:
    """A valid EVSESite body whose id ends in `number`."""
    site_id = f"site{number:026d}"
    body = {
        "id": site_id,
        "url": f"{BASE_URL}/evse_sites/{site_id}",
        "evses": [f"{BASE_URL}/evses/evse{number:026d}"],
        "cpms_connection": "CHARGEPOINT",
        "cpms_connection_display_name": "ChargePoint",
        "user_connected": None,
    }
    body.update(changes)
    return body


PROVIDER = {
    "id": "CHARGEPOINT",
    "url": f"{BASE_URL}/cpms_providers/CHARGEPOINT/",
    "name": "ChargePoint",
    "icon": None,
}
RATE_HEADERS = {"X-RateLimit-Limit": "1000", "X-RateLimit-Remaining": "990"}


def _json_every_char(value: str) -> str:
    units = value.encode("utf-16-be")
    return "".join(f"\\u{units[i : i + 2].hex()}" for i in range(0, len(units), 2))


def encodings(value: str) -> dict[str, str]:
    """`value` in every encoding a secret can travel in, by the encoding's name."""
    return {
        "raw": value,
        "percent-encoded": quote(value, safe=""),
        "percent-encoded, lower-case hex": re.sub(
            "%[0-9A-F]{2}", lambda m: m.group().lower(), quote(value, safe="")
        ),
        "every byte percent-encoded": "".join(f"%{byte:02X}" for byte in value.encode()),
        "form-encoded": quote_plus(value),
        "JSON string": json.dumps(value)[1:-1],
        "JSON string with \\/": json.dumps(value)[1:-1].replace("/", "\\/"),
        "JSON string, every character \\u-escaped": _json_every_char(value),
        "JSON string, \\u in upper-case hex": _json_every_char(value).upper().replace("U", "u"),
    }


def credential_encodings(client_id: str, client_secret: str) -> dict[str, str]:
    """The forms client credentials travel in as a whole (HTTP Basic, RFC 6749 section 2.3.1)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}"
    basic = base64.b64encode(pair.encode()).decode()
    return {
        "Basic credential": "Basic " + basic,
        "its base64 alone": basic,
        "its base64 without padding": basic.rstrip("="),
        "its URL-safe base64": basic.replace("+", "-").replace("/", "_"),
        "the decoded id:secret, form-encoded": pair,
        "the decoded id:secret": f"{client_id}:{client_secret}",
    }


def link(next_url: str = "about:blank", previous_url: str = "about:blank") -> dict[str, str]:
    """A Link header pointing at the given next and previous pages."""
    return {"Link": f'<{previous_url}>; rel="previous", <{next_url}>; rel="next"'}


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    """An RFC 9457 problem body."""
    return {"title": title, "status": status, "detail": detail, **extra}


@dataclass
class Sdk:
    """Drives EvEnergy or AsyncEvEnergy through one blocking interface, for shared tests."""

    kind: str
    runner: asyncio.Runner
    clients: list[Client] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    """The waits between retries of every client made here (given as `sleep`: none is slept)."""

    @property
    def is_async(self) -> bool:
        return self.kind == "async"

    def client(self, **options: Any) -> Client:
        options.setdefault("base_url", BASE_URL)
        if "client_id" not in options:
            options.setdefault("access_token", ACCESS_TOKEN)
        options.setdefault("sleep", self._record_async_wait if self.is_async else self.waits.append)
        client: Client = AsyncEvEnergy(**options) if self.is_async else EvEnergy(**options)
        self.clients.append(client)
        return client

    async def _record_async_wait(self, delay: float) -> None:
        self.waits.append(delay)

    def run(self, value: Any) -> Any:
        return self.runner.run(value) if self.is_async else value

    def get_site(self, client: Client, site_id: str = SITE_ID, **kwargs: Any) -> Any:
        return self.run(client.evse_sites.get(site_id, **kwargs))

    def get_provider(self, client: Client, provider_id: str = "CHARGEPOINT") -> Any:
        return self.run(client.cpms_providers.get(provider_id))

    def list_sites(self, client: Client, *, take: int | None = None, **kwargs: Any) -> list[Any]:
        return self._take(client.evse_sites.list(**kwargs), take)

    def list_providers(self, client: Client, **kwargs: Any) -> list[Any]:
        return self._take(client.cpms_providers.list(**kwargs), None)

    def pages(self, client: Client, **kwargs: Any) -> list[Page[Any]]:
        paginator = client.evse_sites.list(**kwargs)
        if isinstance(paginator, SyncPaginator):
            return list(paginator.iter_pages())

        async def collect(pages: AsyncPaginator[Any]) -> list[Page[Any]]:
            return [page async for page in pages.iter_pages()]

        return self.runner.run(collect(paginator))

    def collect(self, paginator: Any) -> list[Any]:
        """Every item of a paginator of either client."""
        return self._take(paginator, None)

    def _take(self, paginator: Any, take: int | None) -> list[Any]:
        if not self.is_async:
            items = []
            for item in paginator:
                items.append(item)
                if len(items) == take:
                    break
            return items

        async def collect() -> list[Any]:
            items = []
            async for item in paginator:
                items.append(item)
                if len(items) == take:
                    break
            return items

        return self.runner.run(collect())

    def close_all(self) -> None:
        for client in self.clients:
            if isinstance(client, AsyncEvEnergy):
                self.runner.run(client.aclose())
            else:
                client.close()
