"""Fixtures of the unit tests: both clients (recording their waits), respx, a clean env."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
import respx
from hypothesis import settings

from harness import BASE_URL, Sdk


@pytest.fixture(params=["sync", "async"])
def sdk(request: pytest.FixtureRequest) -> Iterator[Sdk]:
    """The same test, once with EvEnergy and once with AsyncEvEnergy."""
    with asyncio.Runner() as runner:
        harness = Sdk(request.param, runner)
        yield harness
        harness.close_all()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """A respx router for the test API; any request it has no route for fails the test."""
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
def sleeps(sdk: Sdk) -> list[float]:
    """The waits between retries of the clients `sdk` makes (recorded through `sleep=`)."""
    return sdk.waits


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No EVENERGY_* variable of the machine leaks into a test."""
    for name in ("ACCESS_TOKEN", "CLIENT_ID", "CLIENT_SECRET", "BASE_URL", "USER", "LOG"):
        monkeypatch.delenv(f"EVENERGY_{name}", raising=False)


# Hypothesis: `ci` (the default) is derandomized and quick; `nox -s fuzz` picks `fuzz`.
settings.register_profile("ci", max_examples=250, deadline=None, derandomize=True, database=None)
settings.register_profile("fuzz", max_examples=5000, deadline=None, database=None)
settings.load_profile("ci")
