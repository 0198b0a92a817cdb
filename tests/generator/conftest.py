"""The `shapes` fixture: each test of tests/generator with both clients of the fixture spec."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from evenergy import AsyncEvEnergy
from shapes_harness import Shapes


@pytest.fixture(params=["sync", "async"])
def shapes(request: pytest.FixtureRequest) -> Iterator[Shapes]:
    """Each test once with the blocking client and once with the async one."""
    with asyncio.Runner() as runner:
        harness = Shapes(request.param, runner)
        yield harness
        for client in harness.clients:
            if isinstance(client, AsyncEvEnergy):
                runner.run(client.aclose())
            else:
                client.close()
