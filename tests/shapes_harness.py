"""The scratch packages `nox -s shapes` generates from tests/generator/shapes/, as clients."""

from __future__ import annotations

import asyncio
import importlib
from dataclasses import dataclass, field
from typing import Any

import pytest

from evenergy import AsyncEvEnergy, EvEnergy

try:
    resources: Any = importlib.import_module("shapes_sdk._resources")
    models: Any = importlib.import_module("shapes_openapi.models")
except ModuleNotFoundError:  # pragma: no cover - outside `nox -s shapes`
    pytest.skip("run by `nox -s shapes`, which generates the package", allow_module_level=True)


class _ShapesClient(resources.SyncResources, EvEnergy):  # type: ignore[misc]
    """EvEnergy with the fixture's resources (evses, charging_sessions)."""


class _AsyncShapesClient(resources.AsyncResources, AsyncEvEnergy):  # type: ignore[misc]
    """AsyncEvEnergy with the fixture's resources."""


# Typed as Any: the fixture's resources are the scratch package's, which a type checker does
# not see, and their names may be the SDK's own (client.evses once the SDK declares EVSEs).
ShapesClient: Any = _ShapesClient
AsyncShapesClient: Any = _AsyncShapesClient


@dataclass
class Shapes:
    """Drives the sync or the async client of the fixture through one blocking interface."""

    kind: str
    runner: asyncio.Runner
    clients: list[Any] = field(default_factory=list)

    def client(self, base_url: str, **options: Any) -> Any:
        make = AsyncShapesClient if self.kind == "async" else ShapesClient
        client = make(base_url=base_url, access_token="tok-shapes-1", **options)
        self.clients.append(client)
        return client

    def run(self, value: Any) -> Any:
        """The value of a call: awaited for the async client."""
        return self.runner.run(value) if self.kind == "async" else value

    def items(self, paginator: Any) -> list[Any]:
        """Every item of a paginator of either client."""
        if self.kind == "sync":
            return list(paginator)

        async def collect() -> list[Any]:
            return [item async for item in paginator]

        return self.runner.run(collect())
