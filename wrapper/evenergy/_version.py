"""The SDK's own version and the API version it was generated for."""

__version__ = "0.1.0"
"""Version of this SDK (semantic versioning)."""

API_VERSION = "2"
"""The ev.energy API version this SDK speaks; sent as EvEnergy-Version unless overridden."""
