"""Each error status maps to its class with its problem details, whatever the body."""

from __future__ import annotations

import pytest
import respx

from evenergy import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    EvEnergyError,
    InternalServerError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from harness import RATE_HEADERS, SITE_ID, Sdk, problem

CLASSES = [
    (400, BadRequestError),
    (401, AuthenticationError),
    (403, PermissionDeniedError),
    (404, NotFoundError),
    (406, NotAcceptableError),
    (429, RateLimitError),
    (500, InternalServerError),
    (503, InternalServerError),
    (520, InternalServerError),
    (418, APIStatusError),
]


@pytest.fixture
def route(api: respx.MockRouter) -> respx.Route:
    return api.get(f"/evse_sites/{SITE_ID}")


@pytest.mark.parametrize(("status", "cls"), CLASSES)
def test_status_maps_to_its_class_with_problem_details(
    sdk: Sdk, route: respx.Route, status: int, cls: type[APIStatusError]
) -> None:
    body = problem(
        status,
        "Invalid pagination parameter",
        "Invalid value for page_size",
        type="https://api.ev.energy/v2/problems/pagination-parameters/",
        instance="/v2/evse_sites",
        field_errors={"page_size": ["Too large."]},
    )
    route.respond(
        status,
        json=body,
        headers={"Content-Type": "application/problem+json", **RATE_HEADERS},
    )
    with pytest.raises(cls) as caught:
        sdk.get_site(sdk.client(max_retries=0))
    error = caught.value
    assert type(error) is cls
    assert isinstance(error, EvEnergyError)
    assert error.status_code == status
    assert error.problem is not None
    assert error.problem.title == "Invalid pagination parameter"
    assert error.problem.type == body["type"]
    assert error.problem.instance == "/v2/evse_sites"
    assert error.problem.field_errors == {"page_size": ["Too large."]}
    assert "Invalid pagination parameter" in str(error)
    assert "Invalid value for page_size" in str(error)
    assert "get_evse_site" in str(error)
    assert error.headers["X-RateLimit-Remaining"] == "990"
    assert error.rate_limit is not None
    assert error.rate_limit.remaining == 990


@pytest.mark.parametrize(("status", "cls"), CLASSES)
def test_status_maps_to_its_class_with_an_html_body(
    sdk: Sdk, route: respx.Route, status: int, cls: type[APIStatusError]
) -> None:
    route.respond(status, text="<html><body>Bad gateway</body></html>")
    with pytest.raises(cls) as caught:
        sdk.get_site(sdk.client(max_retries=0))
    assert caught.value.problem is None
    assert "Bad gateway" in str(caught.value)


@pytest.mark.parametrize(("status", "cls"), CLASSES)
def test_status_maps_to_its_class_with_an_empty_body(
    sdk: Sdk, route: respx.Route, status: int, cls: type[APIStatusError]
) -> None:
    route.respond(status)
    with pytest.raises(cls) as caught:
        sdk.get_site(sdk.client(max_retries=0))
    assert caught.value.problem is None
    assert str(status) in str(caught.value)


def test_rate_limit_error_has_retry_after(sdk: Sdk, route: respx.Route) -> None:
    route.respond(429, headers={"Retry-After": "61"})
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(sdk.client())
    assert caught.value.retry_after == 61.0


def test_rate_limit_error_without_retry_after(sdk: Sdk, route: respx.Route) -> None:
    route.respond(429)
    with pytest.raises(RateLimitError) as caught:
        sdk.get_site(sdk.client(max_retries=0))
    assert caught.value.retry_after is None


def test_a_problem_with_odd_members_still_reads(sdk: Sdk, route: respx.Route) -> None:
    route.respond(
        400, json={"title": 7, "detail": "Bad.", "status": "400", "field_errors": ["x"], "x": 1}
    )
    with pytest.raises(BadRequestError) as caught:
        sdk.get_site(sdk.client())
    details = caught.value.problem
    assert details is not None
    assert (details.title, details.detail, details.status, details.field_errors) == (
        None,
        "Bad.",
        None,
        {},
    )
    assert details.extensions == {"x": 1}
