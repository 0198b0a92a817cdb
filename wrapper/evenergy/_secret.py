r"""Credentials that never show themselves: in a repr, a str, an exception or a log record.

`Secret` holds a token or client secret. Every live Secret is known to `redact()`, which masks
its value in any text, in every encoding it can travel in: raw, percent- or form-encoded,
JSON-escaped (`\/`, `\uXXXX`), or any mix of these, character by character. Secrets are made
only when a client is made (its credentials) or fetches a token, and leave with it; importing
the SDK makes none. The SDK passes every exception it raises through `scrub`, and the logging
filter of `_logging` passes log records through `redact`, so even a server that echoes a
credential back cannot make it appear there.
"""

from __future__ import annotations

import re
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


class Secret:
    """Holds a token or client secret; only `reveal()` gives the value, for the wire."""

    __slots__ = ("__weakref__", "_pattern", "_value")

    def __init__(self, value: str) -> None:
        self._value = value
        self._pattern: re.Pattern[str] | None = None  # made when first needed, by _masking
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


Masking = list[tuple[str, re.Pattern[str]]]
"""Each live secret's value, and its pattern in every encoding."""


def _masking() -> Masking:
    """A pattern for each live secret, in every encoding, longest value first.

    Longest first, so that a secret containing another is masked whole. Each Secret keeps its
    own pattern: it is made once, and dies with the Secret.
    """
    with _LIVE_LOCK:
        live = list(_LIVE.values())
    by_value = {secret.reveal(): secret for secret in live}
    values = sorted(
        (value for value in by_value if len(value) >= MIN_MASKED_LENGTH),
        key=lambda value: (-len(value), value),
    )
    masking = []
    for value in values:
        secret = by_value[value]
        if secret._pattern is None:
            secret._pattern = re.compile("".join(map(_character, value)))
        masking.append((value, secret._pattern))
    return masking


# JSON's two-character escapes (RFC 8259 section 7): the letter after the backslash, by the
# character it stands for.
_JSON_ESCAPE_LETTERS: Final = dict(zip('"\\/\b\f\n\r\t', '"\\/bfnrt', strict=True))


def _hex(text: str) -> str:
    """A pattern for hexadecimal digits `text`, in either case."""
    return "".join(f"[{d.lower()}{d.upper()}]" if d.isalpha() else d for d in text)


def _character(char: str) -> str:
    """A pattern for one character of a secret, in any encoding it may travel in."""
    forms = [re.escape(char)]
    forms.append("".join("%" + _hex(f"{byte:02x}") for byte in char.encode("utf-8")))
    units = char.encode("utf-16-be")  # JSON's \\u escapes: a surrogate pair beyond the BMP
    forms.append("".join("\\\\u" + _hex(units[i : i + 2].hex()) for i in range(0, len(units), 2)))
    if char in _JSON_ESCAPE_LETTERS:
        forms.append(re.escape("\\" + _JSON_ESCAPE_LETTERS[char]))
    if char == " ":
        forms.append(r"\+")  # form encoding
    return "(?:" + "|".join(forms) + ")"


_ENCODING_MARKS = re.compile(r"[%\\+]")  # every encoded character has one of these


def _masked(text: str, masking: Masking) -> str:
    if not _ENCODING_MARKS.search(text):  # then only raw values can be in it: the fast path
        for value, _ in masking:
            if value in text:
                text = text.replace(value, _MASK)
        return text
    for _, pattern in masking:
        text = pattern.sub(_MASK, text)
    return text


def redact(text: str) -> str:
    """`text` with the value of every live Secret masked, in whatever encoding it appears."""
    return _masked(text, _masking())


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of server text, for a message.

    Masked before it is cut, so that no secret is left half-shown at the cut. Only the part that
    can reach the cut is masked (an encoded character is at most 12 long), so a huge body costs
    no more than a short one.
    """
    with _LIVE_LOCK:
        longest = max((len(secret.reveal()) for secret in _LIVE.values()), default=0)
    return _masked(text[: limit + 12 * longest], _masking())[:limit]


def _redact_json(value: Any, patterns: Masking) -> Any:
    if isinstance(value, str):
        return _masked(value, patterns)
    if isinstance(value, bytes):  # a decoding error carries the bytes it could not decode
        return _masked(value.decode("latin-1"), patterns).encode("latin-1")
    if isinstance(value, dict):
        return {_masked(str(k), patterns): _redact_json(v, patterns) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_json(v, patterns) for v in value]
    return value


def scrub(error: BaseException) -> None:
    """Mask live secrets in an exception, the exceptions chained to it, and their attributes.

    Messages (`args`) and the text attributes of the SDK's errors are rewritten in place; a
    dataclass attribute (problem details) is replaced by a masked copy. The SDK calls it from
    `except Exception as error: scrub(error); raise` around sending and parsing: a try costs
    nothing while no exception comes, where a `with` block calls two methods on every request.
    """
    patterns = _masking()  # once for the whole chain
    if not patterns:
        return
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.args = tuple(_redact_json(arg, patterns) for arg in current.args)
        for name, value in list(vars(current).items()):
            if isinstance(value, str | bytes | dict | list):
                setattr(current, name, _redact_json(value, patterns))
            elif is_dataclass(value) and not isinstance(value, type):
                masked = {
                    f.name: _redact_json(getattr(value, f.name), patterns) for f in fields(value)
                }
                setattr(current, name, replace(value, **masked))
        current = current.__cause__ or current.__context__
