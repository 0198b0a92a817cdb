"""The pytest plugin of evenergy.testing: the `evenergy_fake` fixture."""

from __future__ import annotations

import pytest

from ._fake import FakeEvEnergyAPI


@pytest.fixture
def evenergy_fake() -> FakeEvEnergyAPI:
    """A fresh fake ev.energy API for this test: `evenergy_fake.client()` talks to it."""
    return FakeEvEnergyAPI()
