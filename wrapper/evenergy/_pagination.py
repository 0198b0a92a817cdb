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

from ._checks import check_id
from ._exceptions import PaginationError
from ._rate_limit import RateLimit

T = TypeVar("T")

_NO_PAGE = "about:blank"
_CURSOR_PARAMS = {"next": "page_after", "previous": "page_before"}
_REL_ALIASES = {"next": {"next"}, "previous": {"previous", "prev"}}


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


def _rels(link: dict[str, str]) -> set[str]:
    """A link's relation types: RFC 8288 makes them space-separated and case-insensitive."""
    return set(link.get("rel", "").lower().split())


def _link_target(links: dict[str | None, dict[str, str]], rel: str) -> str | None:
    aliases = _REL_ALIASES[rel]
    for link in links.values():
        if aliases & _rels(link):
            return link.get("url")
    return None


def link_cursor(links: dict[str | None, dict[str, str]], rel: str) -> str | None:
    """Return the cursor of the `rel` ("next" or "previous") link, or None if there is no page.

    `links` is a response's `links`, parsed once by the caller. A link that points to a page but
    carries no readable cursor raises PaginationError for "next" (the list cannot be followed)
    and counts as no page for "previous".
    """
    target = _link_target(links, rel)
    if not target or target == _NO_PAGE:
        return None
    param = _CURSOR_PARAMS[rel]
    # Only the cursor is taken, so a relative reference needs no resolving against the page's URL.
    try:
        cursor = parse_qs(urlsplit(target).query).get(param, [""])[0]
        check_id(param, cursor)
    except ValueError as error:
        if rel != "next":
            return None
        raise PaginationError(
            f"the next-page link {target[:200]!r} carries no usable {param} cursor ({error})"
        ) from None
    return cursor


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
    """Refuses what would make a walk loop forever.

    That is a cursor that came back, or an empty page that points to a next one.
    """

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def advance(self, page: Page[T]) -> str | None:
        cursor = page.next_cursor
        if cursor is None:
            return None
        if not page.items:  # a cursor is an item's id: an empty page cannot name one
            raise PaginationError("the API sent an empty page that links to a next page")
        if cursor in self._seen:
            raise PaginationError("the API sent the same next-page cursor twice")
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
