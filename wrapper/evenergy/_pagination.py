"""Pages and lazy paginators over the API's Link-header (RFC 8288) pagination.

The next page is asked for on the client's own base URL with the `page_after` cursor taken out of
the `rel="next"` link, so that credentials never follow a link to another origin.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from ._exceptions import PaginationError
from ._rate_limit import RateLimit

T = TypeVar("T")

_NO_PAGE = "about:blank"
_CURSOR_PARAMS = {"next": "page_after", "previous": "page_before"}


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list: its items, the cursors around it, and its response headers."""

    items: list[T]
    next_cursor: str | None
    """The `page_after` cursor of the next page, or None on the last page."""
    previous_cursor: str | None
    """The `page_before` cursor of the previous page, or None on the first page."""
    rate_limit: RateLimit | None
    """The hourly budget as this page's response reported it."""
    headers: httpx.Headers
    """All response headers of this page."""

    @property
    def has_next_page(self) -> bool:
        """Whether another page follows this one."""
        return self.next_cursor is not None


def link_cursor(links: dict[str | None, dict[str, str]], rel: str) -> str | None:
    """Return the cursor of the `rel` ("next" or "previous") link, or None if there is no page.

    `links` is a response's `links`, parsed once by the caller. A link that points to a page but
    carries no cursor raises PaginationError for "next" (the list cannot be followed) and counts
    as no page for "previous".
    """
    link = links.get(rel)
    target = link.get("url") if link else None
    if not target or target == _NO_PAGE:
        return None
    param = _CURSOR_PARAMS[rel]
    # Only the cursor is taken, so a relative reference needs no resolving against the page's URL.
    cursor = parse_qs(urlsplit(target).query).get(param, [""])[0]
    if not cursor and rel == "next":
        raise PaginationError(f"the next-page link {target!r} carries no {param} cursor")
    return cursor or None


def page_of(items: list[T], response: httpx.Response) -> Page[T]:
    """Build the page that `response` delivered `items` in."""
    links = response.links  # a property that parses the header on every access
    return Page(
        items=items,
        next_cursor=link_cursor(links, "next"),
        previous_cursor=link_cursor(links, "previous"),
        rate_limit=RateLimit.from_headers(response.headers),
        headers=response.headers,
    )


class _CursorGuard:
    """Refuses a cursor that came back before, which would make a walk loop forever."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def advance(self, page: Page[T]) -> str | None:
        cursor = page.next_cursor
        if cursor is None:
            return None
        if cursor in self._seen:
            raise PaginationError(f"the API returned the cursor {cursor!r} twice")
        self._seen.add(cursor)
        return cursor


class SyncPaginator(Generic[T]):
    """Iterates every item of every page, fetching a page only when iteration reaches it.

    Each iteration starts again from the first page. `iter_pages()` yields whole pages instead.
    """

    def __init__(self, fetch_page: Callable[[str | None], Page[T]]) -> None:
        self._fetch_page = fetch_page

    def iter_pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        guard = _CursorGuard()
        cursor: str | None = None
        while True:
            page = self._fetch_page(cursor)
            yield page
            cursor = guard.advance(page)
            if cursor is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.items


class AsyncPaginator(Generic[T]):
    """Iterates (`async for`) every item of every page, fetching a page only when reached.

    Each iteration starts again from the first page. `iter_pages()` yields whole pages instead.
    """

    def __init__(self, fetch_page: Callable[[str | None], Awaitable[Page[T]]]) -> None:
        self._fetch_page = fetch_page

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        guard = _CursorGuard()
        cursor: str | None = None
        while True:
            page = await self._fetch_page(cursor)
            yield page
            cursor = guard.advance(page)
            if cursor is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.items:
                yield item
