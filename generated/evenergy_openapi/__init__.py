"""A client library for accessing ev.energy v2 API (EVSE sites and CPMS providers)"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
