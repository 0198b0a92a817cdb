"""Python SDK for the ev.energy v2 API: EVSE sites and CPMS providers.

    from evenergy import EvEnergy

    with EvEnergy(access_token="...") as client:
        for site in client.evse_sites.list():
            print(site.id, site.cpms_connection)

`EvEnergy` blocks; `AsyncEvEnergy` is the same with `await` and `async for`. Everything the SDK
raises on purpose derives from `EvEnergyError`.
"""

from evenergy_openapi.models import CPMSProviderId

from . import _resources
from ._client import AsyncEvEnergy, EvEnergy
from ._exceptions import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    EvEnergyError,
    InternalServerError,
    NotAcceptableError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    ProblemDetails,
    RateLimitError,
    ResponseTooLargeError,
    ResponseValidationError,
    UsageError,
)
from ._pagination import AsyncPaginator, Page, SyncPaginator
from ._resources import *  # noqa: F403 - every resource's classes and models: _resources.__all__
from ._response import RateLimit, RawResponse
from ._version import API_VERSION, __version__

__all__ = [
    "API_VERSION",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncEvEnergy",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "CPMSProviderId",
    "ConfigurationError",
    "EvEnergy",
    "EvEnergyError",
    "InternalServerError",
    "NotAcceptableError",
    "NotFoundError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "ProblemDetails",
    "RateLimit",
    "RateLimitError",
    "RawResponse",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "SyncPaginator",
    "UsageError",
    "__version__",
]
__all__ += _resources.__all__  # rendered from generator/sdk.yaml
