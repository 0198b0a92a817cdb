"""Fixtures shared by every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_server import running
from spec_examples import SPEC_PATH


@pytest.fixture(scope="session")
def mock_url() -> Iterator[str]:
    """Base URL of a Prism mock serving openapi.yaml, started once and always stopped."""
    with running(SPEC_PATH) as base_url:
        yield base_url
