"""Turning a successful response body into the generated models, or a ResponseValidationError."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

import httpx

from ._body import NOT_JSON, json_or_error
from ._exceptions import ResponseValidationError
from ._secret import scrub


class Model(Protocol):
    """What the generated attrs models offer for parsing."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Any: ...


M = TypeVar("M", bound=Model)


def _json(response: httpx.Response, operation: str) -> Any:
    data, error = json_or_error(response)
    if data is NOT_JSON:
        raise ResponseValidationError(
            operation, f"the body is not JSON ({error})", response=response
        )
    return data


def _model(model: type[M], data: Any, where: str, operation: str, response: httpx.Response) -> M:
    if not isinstance(data, dict):
        raise ResponseValidationError(
            operation,
            f"{where} should be a {model.__name__} object, not {type(data).__name__}",
            response=response,
        )
    try:
        parsed: M = model.from_dict(data)
    except KeyError as error:
        reason = f"{where} ({model.__name__}) lacks the required field {error.args[0]!r}"
        raise ResponseValidationError(operation, reason, response=response) from error
    except (TypeError, ValueError, AttributeError) as error:
        reason = f"{where} ({model.__name__}) does not fit: {error}"
        raise ResponseValidationError(operation, reason, response=response) from error
    return parsed


def parse_one(model: type[M], response: httpx.Response, operation: str) -> M:
    """Parse a body that is one object of `model`."""
    try:
        return _model(model, _json(response, operation), "the body", operation, response)
    except Exception as error:
        scrub(error)
        raise


def parse_list(model: type[M], response: httpx.Response, operation: str) -> list[M]:
    """Parse a body that is a JSON array of `model` objects."""
    try:
        return _list(model, response, operation)
    except Exception as error:
        scrub(error)
        raise


def _list(model: type[M], response: httpx.Response, operation: str) -> list[M]:
    data = _json(response, operation)
    if not isinstance(data, list):
        raise ResponseValidationError(
            operation, f"the body should be an array, not {type(data).__name__}", response=response
        )
    if all(type(item) is dict for item in data):
        from_dict = model.from_dict  # bound once: this runs for every item of every page
        try:  # the fast path for a page of good items; a failure is located below
            return [from_dict(item) for item in data]
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    return [_model(model, item, f"item {i}", operation, response) for i, item in enumerate(data)]
