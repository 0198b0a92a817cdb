"""Checks of the values that go into a request: ids, cursors, users, page sizes, header values.

Each raises TypeError or ValueError before any request is sent, with a message that names the
argument; a value that passes can be put into a URL or a header without changing its meaning.
"""

from __future__ import annotations

from ._constants import MAX_ID_LENGTH, MAX_PAGE_SIZE, MIN_PAGE_SIZE


def is_header_token(value: str) -> bool:
    """Whether `value` is non-empty visible ASCII: safe as (part of) any HTTP header value."""
    return bool(value) and value.isascii() and value.isprintable() and " " not in value


def check_text(name: str, value: object) -> str:
    """`value` if it is a str; TypeError naming the argument if not."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return value


def check_id(name: str, value: object) -> str:
    """Refuse an id that is empty, too long, or could change the request path ('.', '..')."""
    text = check_text(name, value)
    if not text.strip():
        raise ValueError(f"{name} must not be empty")
    if len(text) > MAX_ID_LENGTH:
        raise ValueError(f"{name} is longer than {MAX_ID_LENGTH} characters: not an id")
    # isprintable() is False for control characters and every space but " ", checked apart.
    if text in (".", "..") or " " in text or not text.isprintable():
        raise ValueError(f"{name} is not a valid id: {text!r}")
    return text  # the request builder percent-encodes it, so '/', '?' and '#' stay inside


def check_user(user: object) -> str | None:
    """A user id or user URL for EvEnergy-User (visible ASCII), or None for no user."""
    if user is None:
        return None
    text = check_text("user", user)
    if len(text) > MAX_ID_LENGTH or not is_header_token(text):
        raise ValueError(f"user is not a valid user id or URL: {text!r}")
    return text


def check_page_size(page_size: object) -> int:
    """Return the page size to ask for: the API's largest (100) when none is given."""
    if page_size is None:
        return MAX_PAGE_SIZE
    if isinstance(page_size, bool) or not isinstance(page_size, int):
        raise TypeError(f"page_size must be an int, not {type(page_size).__name__}")
    if not MIN_PAGE_SIZE <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(
            f"page_size must be between {MIN_PAGE_SIZE} and {MAX_PAGE_SIZE}, got {page_size}"
        )
    return page_size
