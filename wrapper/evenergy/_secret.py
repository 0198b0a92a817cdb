"""Credentials that never show themselves: in a repr, a str, an exception or a log record.

`Secret` holds a token or client secret. Every live Secret is known to `redact()`, which masks
their values in any text; the SDK passes every exception it raises (`scrub`) and every log record
of httpx, httpcore and evenergy (a logging filter installed on import) through it, so even a
server that echoes a credential back cannot make it appear there.
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import fields, is_dataclass, replace
from typing import Any, Final

_MASK: Final = "**********"
# Shorter values are not masked in text: no real credential is that short, and masking every "t"
# of a test's access_token="t" would garble every message.
MIN_MASKED_LENGTH: Final = 8
# Keyed by identity: Secrets with equal values compare equal, and a WeakSet would drop the value
# when the first of two equal Secrets dies while the other still lives.
_LIVE: weakref.WeakValueDictionary[int, Secret] = weakref.WeakValueDictionary()
_LIVE_LOCK = threading.Lock()

# httpx logs each request; httpcore, at DEBUG, every step of a connection, received headers too.
# A logging filter applies only to records made by the logger it is on, so each is named.
_REDACTED_LOGGERS: Final = (
    "evenergy",
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class Secret:
    """Holds a token or client secret; only `reveal()` gives the value, for the wire."""

    __slots__ = ("__weakref__", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        with _LIVE_LOCK:
            _LIVE[id(self)] = self

    def reveal(self) -> str:
        """The secret itself: call it only to put the value on the wire."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret('{_MASK}')"

    def __str__(self) -> str:
        return _MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> str:
        raise TypeError("a Secret cannot be pickled")


def _live_values() -> list[str]:
    with _LIVE_LOCK:
        values = {
            secret.reveal()
            for secret in _LIVE.values()
            if len(secret.reveal()) >= MIN_MASKED_LENGTH
        }
    # Longest first, so that a secret containing another is masked whole.
    return sorted(values, key=len, reverse=True)


def _masked(text: str, values: list[str]) -> str:
    for value in values:
        if value in text:
            text = text.replace(value, _MASK)
    return text


def redact(text: str) -> str:
    """`text` with the value of every live Secret masked."""
    return _masked(text, _live_values())


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of server text, for a message.

    Masked before it is cut, so that no secret is left half-shown at the cut.
    """
    return redact(text)[:limit]


def _redact_json(value: Any, values: list[str]) -> Any:
    if isinstance(value, str):
        return _masked(value, values)
    if isinstance(value, bytes):  # a decoding error carries the bytes it could not decode
        return _masked(value.decode("latin-1"), values).encode("latin-1")
    if isinstance(value, dict):
        return {_masked(str(k), values): _redact_json(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v, values) for v in value]
    return value


def scrub(error: BaseException) -> None:
    """Mask live secrets in an exception, the exceptions chained to it, and their attributes.

    Messages (`args`) and the text attributes of the SDK's errors are rewritten in place; a
    dataclass attribute (problem details) is replaced by a masked copy. The SDK calls it from
    `except Exception as error: scrub(error); raise` around sending and parsing: a try costs
    nothing while no exception comes, where a `with` block calls two methods on every request.
    """
    values = _live_values()  # once for the whole chain
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(_redact_json(arg, values) for arg in current.args)
        for name, value in list(vars(current).items()):
            if isinstance(value, str | bytes | dict | list):
                setattr(current, name, _redact_json(value, values))
            elif is_dataclass(value) and not isinstance(value, type):
                masked = {
                    f.name: _redact_json(getattr(value, f.name), values) for f in fields(value)
                }
                setattr(current, name, replace(value, **masked))
        current = current.__cause__ or current.__context__


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _install_log_redaction() -> None:
    redacting = _RedactingFilter()
    for name in _REDACTED_LOGGERS:
        logging.getLogger(name).addFilter(redacting)


_install_log_redaction()
