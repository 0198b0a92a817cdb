"""Reading a response body whatever the server sent: bad JSON, JSON nested too deep, any charset.

Every place that reads a body goes through here, so no body can raise anything but the SDK's
own errors further up.
"""

from __future__ import annotations

from typing import Any

import httpx

NOT_JSON: Any = object()
"""What `json_body` returns for a body that is not JSON (a JSON `null` is None)."""


def json_body(response: httpx.Response) -> Any:
    """The body's JSON value, or NOT_JSON when it is not JSON."""
    return json_or_error(response)[0]


def json_or_error(response: httpx.Response) -> tuple[Any, str | None]:
    """The body's JSON value and None, or NOT_JSON and why it is not JSON."""
    try:
        return response.json(), None
    except ValueError as error:  # JSONDecodeError, UnicodeDecodeError, int too large
        return NOT_JSON, str(error)
    except RecursionError:
        return NOT_JSON, "the JSON is nested too deeply"


def body_text(response: httpx.Response) -> str:
    """The body as text in the charset it names; UTF-8 where that charset cannot decode it."""
    try:
        return response.text
    except Exception:
        return response.content.decode("utf-8", errors="replace")
