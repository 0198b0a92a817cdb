"""Contains all the data models used in inputs/outputs"""

from .cpms_provider import CPMSProvider
from .cpms_provider_id import CPMSProviderId
from .evse_site import EVSESite
from .problem import Problem
from .problem_field_errors import ProblemFieldErrors

__all__ = (
    "CPMSProvider",
    "CPMSProviderId",
    "EVSESite",
    "Problem",
    "ProblemFieldErrors",
)
