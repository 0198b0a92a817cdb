"""The raw HTTP response of one operation, for reading its headers before (or instead of) parsing.

raw = client.evse_sites.with_raw_response.get("site01JX2SZ0WAFTDYVYY0JRAYREY7")
print(raw.status_code, raw.headers["EvEnergy-Version"], raw.rate_limit)
site = raw.parse()
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

import httpx

from ._rate_limit import RateLimit

T = TypeVar("T")


class RawResponse(Generic[T]):
    """A successful response as received: status, headers, and `parse()` for the usual result.

    Error statuses still raise the SDK's errors (which carry their headers too); parsing happens
    only when `parse()` is called, and raises ResponseValidationError as the plain call would.
    """

    def __init__(self, http_response: httpx.Response, parse: Callable[[], T]) -> None:
        self.http_response = http_response
        """The httpx response itself."""
        self._parse = parse

    @property
    def status_code(self) -> int:
        """The HTTP status, such as 200."""
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive), such as EvEnergy-Version."""
        return self.http_response.headers

    @property
    def rate_limit(self) -> RateLimit | None:
        """The hourly budget this response reported, or None when it did not."""
        return RateLimit.from_headers(self.http_response.headers)

    def parse(self) -> T:
        """The result the plain call returns: a model, or a Page for a list."""
        return self._parse()

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}]>"
