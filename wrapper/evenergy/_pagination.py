"""Pages and lazy paginators over the API's Link-header (RFC 8288) pagination, both ways.

A cursor is an item's id: `page_after=X` asks for the items after X, `page_before=X` for those
before it. The next (or previous) page is asked for on the client's own base URL with the cursor
taken out of the `rel="next"` (or `rel="previous"`) link, so that credentials never follow a
link to another origin.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx

from ._checks import check_id
from ._exceptions import EvEnergyError, PaginationError
from ._rate_limit import RateLimit
from ._secret import excerpt

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


# One link of a Link header (RFC 8288): `<target>` and its parameters, where a quoted value may
# hold "," or ";".
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_PARAM = re.compile(rf"\s*;\s*([^\s;,=]+)\s*(?:=\s*({_QUOTED}|[^\s;,\"]*))?")
_LINK = re.compile(rf"<([^>]*)>((?:{_PARAM.pattern})*)")


def _link_targets(headers: httpx.Headers, rel: str) -> list[str]:
    """The target of every link whose relation types include `rel` (or an alias of it).

    httpx's `Response.links` keys links by their rel, so of two "next" links it keeps the last:
    every Link header is parsed here instead, and nothing is lost.
    """
    aliases = _REL_ALIASES[rel]
    targets = []
    for value in headers.get_list("link"):
        for link in _LINK.finditer(value):
            params: dict[str, str] = {}
            for name, param in _PARAM.findall(link.group(2)):
                params.setdefault(name.lower(), param)  # RFC 8288: a repeated rel is ignored
            rels = re.sub(r"\\(.)", r"\1", params.get("rel", "").strip('"'))
            # Relation types are space-separated and case-insensitive.
            if aliases & set(rels.lower().split()):
                targets.append(link.group(1).strip())
    return targets


def link_cursor(headers: httpx.Headers, rel: str, *, followed: bool) -> str | None:
    """Return the cursor of the `rel` ("next" or "previous") link, or None if there is no page.

    A link that points to a page but carries no readable cursor, or two links that disagree on
    the page, raise PaginationError when the walk follows that link (`followed`), and count as
    no page otherwise.
    """
    targets = list(dict.fromkeys(_link_targets(headers, rel)))  # the same link twice is one
    if len(targets) > 1:
        if not followed:
            return None
        shown = ", ".join(repr(excerpt(target, 100)) for target in targets[:3])
        raise PaginationError(
            f"the API sent {len(targets)} different {rel}-page links ({shown}): which page comes "
            "next is unknown, so the walk stops rather than skip items"
        )
    target = targets[0] if targets else None
    if not target or target == _NO_PAGE:
        return None
    param = _CURSOR_PARAMS[rel]
    # Only the cursor is taken, so a relative reference needs no resolving against the page's URL.
    try:
        cursor = parse_qs(urlsplit(target).query).get(param, [""])[0]
        check_id(param, cursor)
    except ValueError as error:
        if not followed:
            return None
        raise PaginationError(
            f"the {rel}-page link {excerpt(target, 200)!r} carries no usable {param} cursor "
            f"({error})"
        ) from None
    return cursor


def page_of(items: list[T], response: httpx.Response, *, backward: bool = False) -> Page[T]:
    """Build the page that `response` delivered `items` in, for a walk in that direction."""
    return Page(
        items=items,
        next_cursor=link_cursor(response.headers, "next", followed=not backward),
        previous_cursor=link_cursor(response.headers, "previous", followed=backward),
        rate_limit=RateLimit.from_headers(response.headers),
        headers=response.headers,
    )


Cursors = dict[str, str]
"""The cursor argument of one page's request: {}, {"page_after": id} or {"page_before": id}."""


class Walk(Generic[T]):
    """One walk through a list, forward or backward: what to ask for next, and its loop guard.

    A walk refuses what would make it loop forever: a cursor that came back, or an empty page
    that links to another (a cursor is an item's id, so an empty page cannot name one).
    """

    def __init__(self, page_after: str | None, page_before: str | None) -> None:
        self.backward = page_before is not None
        self._param = "page_before" if self.backward else "page_after"
        self._cursor = page_before if self.backward else page_after
        self._seen: set[str] = set()

    def cursors(self) -> Cursors:
        """The cursor argument of the next page's request."""
        return {} if self._cursor is None else {self._param: self._cursor}

    def items(self, page: Page[T]) -> list[T]:
        """A page's items in walking order: reversed when walking backward."""
        return page.items[::-1] if self.backward else page.items

    def annotate(self, error: EvEnergyError) -> None:
        """Say on an error which cursor its page was asked for, so that a walk can resume."""
        setattr(error, self._param, self._cursor)

    def advance(self, page: Page[T]) -> bool:
        """Move on to the page after (or before) `page`; False at the end of the list."""
        cursor = page.previous_cursor if self.backward else page.next_cursor
        if cursor is None:
            return False
        if not page.items:
            raise PaginationError("the API sent an empty page that links to another page")
        if cursor in self._seen:
            raise PaginationError("the API sent the same page cursor twice")
        self._seen.add(cursor)
        self._cursor = cursor
        return True


class SyncPaginator(Generic[T]):
    """Iterates every item of a list, fetching a page only when iteration reaches it.

    Forward from the start, or from the item after `page_after`; with `page_before`, backward
    from the item before it, in reverse order. Each iteration starts again from that point.
    `iter_pages()` yields whole pages, each in the order the API sent its items.
    """

    def __init__(
        self,
        fetch: Callable[[Cursors], Page[T]],
        *,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._after, self._before = page_after, page_before

    def iter_pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        return (page for _, page in self._walk())

    def _walk(self) -> Iterator[tuple[Walk[T], Page[T]]]:
        walk: Walk[T] = Walk(self._after, self._before)
        while True:
            try:
                page = self._fetch(walk.cursors())
            except EvEnergyError as error:
                walk.annotate(error)
                raise
            yield walk, page
            if not walk.advance(page):
                return

    def __iter__(self) -> Iterator[T]:
        for walk, page in self._walk():
            yield from walk.items(page)


class AsyncPaginator(Generic[T]):
    """Iterates (`async for`) every item of a list, fetching a page only when reached.

    Starts and directions as for `SyncPaginator`; `iter_pages()` yields whole pages instead.
    """

    def __init__(
        self,
        fetch: Callable[[Cursors], Awaitable[Page[T]]],
        *,
        page_after: str | None = None,
        page_before: str | None = None,
    ) -> None:
        self._fetch = fetch
        self._after, self._before = page_after, page_before

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        async for _, page in self._walk():
            yield page

    async def _walk(self) -> AsyncIterator[tuple[Walk[T], Page[T]]]:
        walk: Walk[T] = Walk(self._after, self._before)
        while True:
            try:
                page = await self._fetch(walk.cursors())
            except EvEnergyError as error:
                walk.annotate(error)
                raise
            yield walk, page
            if not walk.advance(page):
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for walk, page in self._walk():
            for item in walk.items(page):
                yield item
