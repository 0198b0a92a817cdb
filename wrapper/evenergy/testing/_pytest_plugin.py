"""The pytest plugin of evenergy.testing: the `evenergy_fake` fixture and its marker."""

from __future__ import annotations

import pytest

from ._fake import FakeEvEnergyAPI


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker that configures the fixture."""
    config.addinivalue_line(
        "markers",
        "evenergy_fake(**options): options of the FakeEvEnergyAPI that the evenergy_fake "
        "fixture hands this test (site_count=..., rate_limit=..., sites=[...], ...)",
    )


@pytest.fixture
def evenergy_fake(request: pytest.FixtureRequest) -> FakeEvEnergyAPI:
    """A fresh fake ev.energy API for this test: `evenergy_fake.client()` talks to it.

    Configure it with a marker: `@pytest.mark.evenergy_fake(site_count=250, rate_limit=3)`.
    """
    marker = request.node.get_closest_marker("evenergy_fake")
    return FakeEvEnergyAPI(**(marker.kwargs if marker else {}))
