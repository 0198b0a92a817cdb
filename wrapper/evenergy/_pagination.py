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
from ._response import RateLimit
from ._secret import excerpt

T = TypeVar("T")

_NO_PAGE = "about:blank"
_CURSOR_PARAMS = {"next": "page_after", "previous": "page_before"}
_REL_ALIASES = {"next": "next", "previous": "previous", "prev": "previous"}  # rel -> page


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


def _link_targets(headers: httpx.Headers) -> dict[str, list[str]]:
    """The targets of the "next" and of the "previous" links (aliases included), in order.

    httpx's `Response.links` keys links by their rel, so of two "next" links it keeps the last:
    every Link header is parsed here instead, once, and nothing is lost. The same link twice is
    one.
    """
    targets: dict[str, list[str]] = {"next": [], "previous": []}
    for value in headers.get_list("link"):
        for link in _LINK.finditer(value):
            params: dict[str, str] = {}
            for name, param in _PARAM.findall(link.group(2)):
                params.setdefault(name.lower(), param)  # RFC 8288: a repeated rel is ignored
            rels = re.sub(r"\\(.)", r"\1", params.get("rel", "").strip('"'))
            # Relation types are space-separated and case-insensitive.
            for rel in rels.lower().split():
                found = targets.get(_REL_ALIASES.get(rel, ""))
                target = link.group(1).strip()
                if found is not None and target not in found:
                    found.append(target)
    return targets


def _cursor(targets: list[str], rel: str, *, followed: bool) -> str | None:
    """The cursor of the `rel` ("next" or "previous") page's link, or None if there is no page.

    A link that points to a page but carries no readable cursor, or two links that disagree on
    the page, raise PaginationError when the walk follows that link (`followed`), and count as
    no page otherwise.
    """
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
    targets = _link_targets(response.headers)
    return Page(
        items=items,
        next_cursor=_cursor(targets["next"], "next", followed=not backward),
        previous_cursor=_cursor(targets["previous"], "previous", followed=backward),
        rate_limit=RateLimit.from_headers(response.headers),
        headers=response.headers,
    )


Cursors = dict[str, str]
"""The cursor argument of one page's request: {}, {"page_after": id} or {"page_before": id}."""


class PaginatorBase(Generic[T]):
    """What both paginators share: the starting cursor, the direction, and the loop guards.

    A walk refuses what would make it loop forever: a cursor that came back, or an empty page
    that links to another (a cursor is an item's id, so an empty page cannot name one).
    """

    def __init__(self, page_after: str | None, page_before: str | None) -> None:
        if page_after is not None and page_before is not None:
            raise ValueError("give page_after or page_before, not both: a walk goes one way")
        self.backward = page_before is not None
        self._param = "page_before" if self.backward else "page_after"
        start = page_before if self.backward else page_after
        self._start = None if start is None else check_id(self._param, start)

    def first_cursors(self) -> Cursors:
        """The cursor argument of the first page's request."""
        return self._cursors(self._start)

    def _cursors(self, cursor: str | None) -> Cursors:
        return {} if cursor is None else {self._param: cursor}

    def _items(self, page: Page[T]) -> list[T]:
        return page.items[::-1] if self.backward else page.items

    def _annotate(self, error: EvEnergyError, cursor: str | None) -> None:
        """Say on an error which cursor its page was asked for, so that a walk can resume."""
        setattr(error, self._param, cursor)

    def _following(self, page: Page[T], seen: set[str]) -> str | None:
        """The cursor of the page after (or before) `page`; None at the end of the list."""
        cursor = page.previous_cursor if self.backward else page.next_cursor
        if cursor is None:
            return None
        if not page.items:
            raise PaginationError("the API sent an empty page that links to another page")
        if cursor in seen:
            raise PaginationError("the API sent the same page cursor twice")
        seen.add(cursor)
        return cursor


class SyncPaginator(PaginatorBase[T]):
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
        super().__init__(page_after, page_before)
        self._fetch = fetch

    def iter_pages(self) -> Iterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        cursor, seen = self._start, set[str]()
        while True:
            try:
                page = self._fetch(self._cursors(cursor))
            except EvEnergyError as error:
                self._annotate(error, cursor)
                raise
            yield page
            cursor = self._following(page, seen)
            if cursor is None:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from self._items(page)


class AsyncPaginator(PaginatorBase[T]):
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
        super().__init__(page_after, page_before)
        self._fetch = fetch

    async def iter_pages(self) -> AsyncIterator[Page[T]]:
        """Yield each page in turn, with its cursors, rate limit and headers."""
        cursor, seen = self._start, set[str]()
        while True:
            try:
                page = await self._fetch(self._cursors(cursor))
            except EvEnergyError as error:
                self._annotate(error, cursor)
                raise
            yield page
            cursor = self._following(page, seen)
            if cursor is None:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in self._items(page):
                yield item
