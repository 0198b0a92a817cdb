"""RFC 9457 problem details, as the API sends them with every error status."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from ._body import json_body

_MEMBERS = ("type", "title", "status", "detail", "instance", "field_errors")


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) else None


def _field_errors(value: Any) -> dict[str, list[str]]:
    if not isinstance(value, dict):
        return {}
    return {
        str(name): [str(m) for m in messages] if isinstance(messages, list) else [str(messages)]
        for name, messages in value.items()
    }


@dataclass(frozen=True, slots=True)
class ProblemDetails:
    """What went wrong, as the API explained it; a member the API left out is None (or empty).

    `field_errors` (ev.energy's extension) lists messages per rejected request field; any other
    extension members are kept in `extensions`.
    """

    title: str | None
    detail: str | None
    type: str | None = None
    status: int | None = None
    instance: str | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)
    extensions: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, response: httpx.Response) -> ProblemDetails | None:
        """Read the problem details of an error response; None when the body has none.

        Lenient on purpose: an error response must never fail to become an exception, so a body
        that is HTML, empty, or a problem with odd members still gives what can be read.
        """
        body = json_body(response)
        if not isinstance(body, dict) or not any(k in body for k in ("title", "detail", "type")):
            return None
        status = body.get("status")
        return cls(
            title=_text(body, "title"),
            detail=_text(body, "detail"),
            type=_text(body, "type"),
            status=status if isinstance(status, int) and not isinstance(status, bool) else None,
            instance=_text(body, "instance"),
            field_errors=_field_errors(body.get("field_errors")),
            extensions={k: v for k, v in body.items() if k not in _MEMBERS},
        )

    def __str__(self) -> str:
        parts = [part for part in (self.title, self.detail) if part]
        parts += [f"{name}: {'; '.join(msgs)}" for name, msgs in self.field_errors.items()]
        return ": ".join(parts) if parts else "no details"
