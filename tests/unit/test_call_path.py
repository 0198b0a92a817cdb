"""How many of the SDK's modules one call passes through (a measure of indirection, not speed).

A profiler hook records the module of every Python function called while one `get()` or one
page of `list()` runs on an in-process fake (no sockets). The path is printed (`pytest -s`
shows it) and bounded: a newcomer follows a call through a handful of files.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

import pytest

from evenergy.testing import FakeEvEnergyAPI

SDK_PACKAGES = ("evenergy.", "evenergy_openapi.")
TEST_HELPERS = "evenergy.testing"


def modules_on_the_path(call: Callable[[], object]) -> list[str]:
    """The SDK's modules whose functions `call` runs, in the order first entered."""
    path: list[str] = []

    def record(frame: FrameType, event: str, arg: Any) -> None:
        if event != "call":
            return
        module = str(frame.f_globals.get("__name__", ""))
        ours = module.startswith(SDK_PACKAGES) and not module.startswith(TEST_HELPERS)
        if ours and module not in path:
            path.append(module)

    sys.setprofile(record)
    try:
        call()
    finally:
        sys.setprofile(None)
    return path


@pytest.fixture
def fake() -> FakeEvEnergyAPI:
    return FakeEvEnergyAPI(site_count=5)


@pytest.mark.parametrize("credentials", ["access token", "client credentials"])
def test_one_get_passes_through_at_most_seven_modules(
    fake: FakeEvEnergyAPI, credentials: str
) -> None:
    options: dict[str, Any] = {}
    if credentials == "client credentials":
        options = {"client_id": "id", "client_secret": "s"}
    with fake.client(**options) as client:
        site_id = next(iter(client.evse_sites.list())).id  # a token is fetched and kept
        path = modules_on_the_path(lambda: client.evse_sites.get(site_id))
    print(f"get() with {credentials}:", " -> ".join(path))
    assert "evenergy._session" in path  # the hook sees the SDK's calls
    assert len(path) <= 7, path


def test_one_page_of_a_list_passes_through_at_most_eight_modules(fake: FakeEvEnergyAPI) -> None:
    with fake.client() as client:
        path = modules_on_the_path(lambda: next(client.evse_sites.list(page_size=2).iter_pages()))
    print("a page of list():", " -> ".join(path))
    assert "evenergy._pagination" in path
    assert len(path) <= 8, path
